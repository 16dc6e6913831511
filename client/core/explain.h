/* explain.h - what a failed step means for the person at the PC, and what
 * to do next: one line, Chinese first, then English.  The rules of which
 * failure is which (cannot reach the server, the server's key does not
 * match, the token is spent, the local disk failed, the PC is not set up)
 * live here so that every front end says the same thing. */
#ifndef BS_CLIENT_EXPLAIN_H
#define BS_CLIENT_EXPLAIN_H

#include <stddef.h>

enum explain_step {
	EXPLAIN_CONNECT = 1, /* reaching the server and the handshake */
	EXPLAIN_REQUEST,     /* a request on an open session */
	EXPLAIN_LOCAL,       /* this PC's data directory, key or database */
	EXPLAIN_ENROL,       /* baosong init with a token */
};

/* Write the explanation of rv (a BS_E_* code, not BS_OK) at step into out
 * (always NUL-terminated, cut to cap).  server is "HOST:PORT" (may be NULL
 * or empty), detail the server's own words or a local path (may be NULL).
 * For EXPLAIN_CONNECT the reason a connection failed is taken from
 * net_last_failure().  Returns out. */
const char *client_explain(int rv, enum explain_step step, const char *server,
			   const char *detail, char *out, size_t cap);

/* The line shown before `baosong init` ran. */
#define EXPLAIN_NOT_SET_UP                                                                  \
	"本机尚未设置 this PC is not set up yet: run baosong init --server HOST:PORT "      \
	"--server-key FINGERPRINT --token TOKEN (发改局提供 from the bureau)"

#endif
