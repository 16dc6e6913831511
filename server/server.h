/* server.h - baosongd's network side: a libuv loop that accepts TCP
 * connections, runs the Noise IK handshake and answers requests.
 *
 * Each connection is a small state machine:
 *   (accept) --(pool full, address over its limits)----> closed at once, nothing allocated
 *   HANDSHAKE --(first frame "BSKEYREQ")----------------> CLOSING after the key reply
 *   HANDSHAKE --(cookie proof frame "BSCKMAC1")---------> HANDSHAKE, proof kept for message 1
 *   HANDSHAKE --(message 1, under load, no valid proof)-> CLOSING after a cookie reply
 *   HANDSHAKE --(message 1, address over its rate)------> CLOSING (no reply, no DH)
 *   HANDSHAKE --(IK message 1)--------------------------> LOOKUP (not read; message 1 is
 *                                                          decrypted in the thread pool,
 *                                                          the key looked up on a reader
 *                                                          thread, message 2 written in
 *                                                          the thread pool)
 *   LOOKUP    --(key refused: revoked, version, clock,
 *                replay, look-up failed)----------------> CLOSING after message 2 with
 *                                                          the error
 *   LOOKUP    --(enrolled, unrevoked key)---------------> READY, full session
 *   LOOKUP    --(key not known)-------------------------> READY, enrolment-only session
 *                                                          (device_id 0: only `enroll`,
 *                                                          frames <= 4096 bytes, one
 *                                                          request in flight,
 *                                                          enrol_timeout_ms)
 *   READY enrolment-only --(enroll succeeds)------------> READY, full session of the
 *                                                          new device
 *   any state --(error, timeout, peer close, stop)------> CLOSING (freed in close_cb)
 * Bytes that arrive in LOOKUP, before message 2 is sent, close the
 * connection.  A message that is not allowed in a state ends that
 * connection with a clear error and nothing else. */
#ifndef BS_SERVER_H
#define BS_SERVER_H

#include <stdint.h>

#include "keys.h"

struct server_opts {
	const char *host;            /* "127.0.0.1" */
	int port;                    /* 0: the OS picks */
	const char *data_dir;        /* holds baosong.db and blobs/ */
	const char *key_path;        /* server private key */
	const char *port_file;       /* if set, the bound port is written here */
	unsigned handshake_timeout_ms; /* accept to message 2 */
	unsigned idle_timeout_ms;
	unsigned max_connections;    /* device sessions */
	/* Connections not (yet) authenticated as an enrolled device: before and
	 * during the handshake, and enrolment-only sessions. */
	unsigned max_unauth_connections;
	unsigned max_unauth_per_addr;  /* of those, from one address (IPv6: /64) */
	unsigned handshakes_per_s;     /* per address, token bucket rate */
	unsigned handshake_burst;      /* per address, bucket size */
	unsigned enrol_timeout_ms;     /* an enrolment-only session's whole life */
	int cookie_mode;               /* COOKIE_AUTO, COOKIE_ALWAYS, COOKIE_NEVER */
	unsigned cookie_load_per_s;    /* auto: under load above this many message 1s a second */
	unsigned refusal_log_interval_s;
	unsigned max_held_refused;     /* refused connections held unread (net/tarpit.h) */
	uint64_t clock_skew_ms;
	uint64_t max_file_bytes;     /* largest attachment */
	uint64_t unit_quota_bytes;   /* attachment bytes per unit */
	unsigned grouped_uploads;    /* uploads honoured in flushed groups at once */
	unsigned upload_pace_mb;     /* MB/s of attachments while pushes arrive; 0: unpaced */
	unsigned readers;            /* reader threads */
	unsigned max_batch;          /* most requests per commit */
};

enum { COOKIE_AUTO = 0, COOKIE_ALWAYS = 1, COOKIE_NEVER = 2 };

void server_opts_defaults(struct server_opts *o);

/* Run until SIGTERM or SIGINT, then answer the requests in flight and stop.
 * Returns 0 after a clean stop, or a BS_E_* code if the server could not
 * start (database, key, address). */
int server_run(const struct server_opts *o);

#endif
