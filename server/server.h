/* server.h - baosongd's network side: a libuv loop that accepts TCP
 * connections, runs the Noise IK handshake and answers requests.
 *
 * Each connection is a small state machine:
 *   HANDSHAKE --(first frame "BSKEYREQ")----------------> CLOSING after the key reply
 *   HANDSHAKE --(IK message 1 decrypts)-----------------> LOOKUP (not read; the key is
 *                                                          looked up on a reader thread)
 *   LOOKUP    --(key refused: revoked, version, clock,
 *                replay, look-up failed)----------------> CLOSING after message 2 with
 *                                                          the error
 *   LOOKUP    --(enrolled, unrevoked key)---------------> READY, full session
 *   LOOKUP    --(key not known)-------------------------> READY, enrolment-only session
 *                                                          (device_id 0: only `enroll`,
 *                                                          frames <= 4096 bytes, one
 *                                                          request in flight, 30 s)
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
	unsigned handshake_timeout_ms;
	unsigned idle_timeout_ms;
	unsigned max_connections;
	uint64_t clock_skew_ms;
	uint64_t max_file_bytes;     /* largest attachment */
	uint64_t unit_quota_bytes;   /* attachment bytes per unit */
	unsigned readers;            /* reader threads */
	unsigned max_batch;          /* most requests per commit */
};

void server_opts_defaults(struct server_opts *o);

/* Run until SIGTERM or SIGINT, then answer the requests in flight and stop.
 * Returns 0 after a clean stop, or a BS_E_* code if the server could not
 * start (database, key, address). */
int server_run(const struct server_opts *o);

#endif
