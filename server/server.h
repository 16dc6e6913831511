/* server.h - baosongd's network side: a libuv loop that accepts TCP
 * connections, runs the Noise IK handshake and answers requests.
 *
 * Each connection is a small state machine:
 *   HANDSHAKE --(valid IK message 1 from a known key)--> READY
 *   any state --(error, timeout, peer close, stop)-----> CLOSING (freed in close_cb)
 * A message that is not allowed in a state ends that connection with a
 * clear error and nothing else. */
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
