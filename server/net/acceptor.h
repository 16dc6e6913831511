/* acceptor.h - the listening socket, accepted by the server itself (not by
 * uv_listen) so that every failure is seen and logged:
 *
 * - accept4() in a loop on readability, at most ACCEPT_BATCH a turn so the
 *   rest of the loop keeps running under a connection flood;
 * - out of descriptors (EMFILE/ENFILE): a logged refusal, then the reserve
 *   descriptor is closed, the waiting connection accepted and closed at
 *   once (the peer sees a close, not a hang), and the reserve reopened; if
 *   even that fails, accepting pauses for ACCEPT_BACKOFF_MS and resumes, so
 *   the server keeps accepting once descriptors are free again;
 * - each accepted socket goes to the callback with its peer address before
 *   anything is allocated for it, so a refusal costs one close().
 *
 * Also raises the soft RLIMIT_NOFILE to the hard limit at start. */
#ifndef BS_NET_ACCEPTOR_H
#define BS_NET_ACCEPTOR_H

#include <stdint.h>
#include <sys/socket.h>
#include <uv.h>

#include "refusals.h"

#define ACCEPT_BATCH 256u
#define ACCEPT_BACKOFF_MS 100u

/* fd is non-blocking and close-on-exec; the callback owns it. */
typedef void (*acceptor_cb)(void *user, int fd, const struct sockaddr *peer);

struct acceptor {
	uv_poll_t poll;
	uv_timer_t backoff;
	int fd;
	int reserve_fd;
	int open_handles;
	acceptor_cb cb;
	void *user;
	struct refusals *rf;
	uint64_t dropped;   /* connections closed for lack of descriptors */
};

/* Bind, listen and start accepting.  Returns 0 or a negative errno-style
 * libuv code (for uv_strerror). */
int acceptor_open(struct acceptor *a, uv_loop_t *loop, const struct sockaddr *addr,
		  int backlog, acceptor_cb cb, void *user, struct refusals *rf);

/* The bound port. */
int acceptor_port(const struct acceptor *a);

/* Stop accepting and close the handles and descriptors. */
void acceptor_close(struct acceptor *a);

/* Raise the soft descriptor limit to the hard one; warn if the result is
 * below `needed`.  Returns the soft limit now in force. */
uint64_t acceptor_raise_nofile(uint64_t needed);

#endif
