/* tarpit.h - refused connections held open, unread, for a while, instead of
 * closed at once.
 *
 * Closing a refused connection at once invites the peer to reconnect at
 * once: an attacker that reopens whatever is closed then spins, and the
 * accept/close churn costs both sides CPU (on a shared machine, the
 * enrolled devices' CPU).  A held connection costs one descriptor and no
 * CPU: nothing is read from it and one timer closes the oldest ones.  The
 * number held is capped (the descriptors must stay available for real
 * connections); past the cap, refused connections are closed at once.
 * A held connection the peer closes (or resets) is closed at once: one
 * epoll set watches them all for hang-ups only (not for data), so a peer
 * that gives up frees its descriptor without waiting for the timer.
 * Closes send a reset (SO_LINGER 0), so no TIME_WAIT state piles up.
 * Loop thread only. */
#ifndef BS_NET_TARPIT_H
#define BS_NET_TARPIT_H

#include <stddef.h>
#include <stdint.h>
#include <uv.h>

struct tarpit {
	uv_timer_t timer;
	uv_poll_t hup;        /* readable when a held peer hung up */
	int epfd;
	int *fd;              /* ring of held descriptors, oldest first; -1: closed */
	uint64_t *until;      /* when each is closed (loop time, ms) */
	size_t ring, head, n; /* ring slots, first used, used (closed ones too) */
	size_t cap, live;     /* most held at once; held now */
	unsigned hold_ms;
	int open, handles;
};

/* cap 0: hold nothing (every refusal closes at once).  Returns 0 or
 * BS_E_NOMEM (then nothing is held either). */
int tarpit_init(struct tarpit *t, uv_loop_t *loop, size_t cap, unsigned hold_ms);

/* Hold fd (taken over in every case): closed after hold_ms, or at once if
 * the tarpit is full.  Returns 1 if held, 0 if closed. */
int tarpit_hold(struct tarpit *t, int fd);

/* Close fd now with a reset. */
void tarpit_reset_close(int fd);

size_t tarpit_held(const struct tarpit *t);

/* Close every held descriptor and the timer. */
void tarpit_close(struct tarpit *t);

#endif
