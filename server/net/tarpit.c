/* tarpit.c - refused connections held unread (see tarpit.h). */
#include "tarpit.h"

#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "err.h"

/* Ring slots per descriptor held: slots of connections their peers closed
 * stay in the ring until their time is up. */
#define RING_PER_FD 4u

void tarpit_reset_close(int fd)
{
	struct linger l = {1, 0};
	setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
	close(fd);
}

static void drop_expired(struct tarpit *t, uint64_t now)
{
	while (t->n > 0 && t->until[t->head] <= now) {
		if (t->fd[t->head] >= 0) {
			tarpit_reset_close(t->fd[t->head]);
			t->live--;
		}
		t->head = (t->head + 1) % t->ring;
		t->n--;
	}
}

static void on_timer(uv_timer_t *h)
{
	struct tarpit *t = h->data;
	uint64_t now = uv_now(h->loop);
	drop_expired(t, now);
	if (t->n > 0)
		uv_timer_start(&t->timer, on_timer, t->until[t->head] - now, 0);
}

/* Peers that hung up: close their descriptors now (their ring slots wait). */
static void on_hup(uv_poll_t *p, int status, int events)
{
	struct tarpit *t = p->data;
	struct epoll_event ev[64];
	int n, i;
	(void)status;
	(void)events;
	n = epoll_wait(t->epfd, ev, 64, 0);
	for (i = 0; i < n; i++) {
		size_t slot = (size_t)ev[i].data.u64;
		if (slot < t->ring && t->fd[slot] >= 0) {
			tarpit_reset_close(t->fd[slot]); /* leaves the epoll set too */
			t->fd[slot] = -1;
			t->live--;
		}
	}
}

int tarpit_init(struct tarpit *t, uv_loop_t *loop, size_t cap, unsigned hold_ms)
{
	t->cap = cap;
	t->ring = cap * RING_PER_FD;
	t->head = t->n = t->live = 0;
	t->hold_ms = hold_ms;
	t->fd = NULL;
	t->until = NULL;
	t->epfd = -1;
	t->handles = 0;
	uv_timer_init(loop, &t->timer);
	t->timer.data = t;
	t->handles++;
	t->open = 1;
	if (cap == 0)
		return BS_OK;
	t->fd = calloc(t->ring, sizeof *t->fd);
	t->until = calloc(t->ring, sizeof *t->until);
	t->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (!t->fd || !t->until || t->epfd < 0 || uv_poll_init(loop, &t->hup, t->epfd) != 0)
		goto fail;
	t->hup.data = t;
	t->handles++;
	uv_poll_start(&t->hup, UV_READABLE, on_hup);
	return BS_OK;
fail:
	free(t->fd);
	free(t->until);
	if (t->epfd >= 0)
		close(t->epfd);
	t->fd = NULL;
	t->until = NULL;
	t->epfd = -1;
	t->cap = t->ring = 0;
	return BS_E_NOMEM;
}

int tarpit_hold(struct tarpit *t, int fd)
{
	struct epoll_event ev;
	uint64_t now;
	size_t tail;
	if (!t->open || t->cap == 0) {
		tarpit_reset_close(fd);
		return 0;
	}
	now = uv_now(t->timer.loop);
	if (t->n == t->ring)
		drop_expired(t, now);
	if (t->live == t->cap || t->n == t->ring) {
		tarpit_reset_close(fd);
		return 0;
	}
	tail = (t->head + t->n) % t->ring;
	ev.events = EPOLLRDHUP; /* hang-ups only (EPOLLHUP, EPOLLERR come anyway) */
	ev.data.u64 = tail;
	if (epoll_ctl(t->epfd, EPOLL_CTL_ADD, fd, &ev) != 0) {
		tarpit_reset_close(fd);
		return 0;
	}
	t->fd[tail] = fd;
	t->until[tail] = now + t->hold_ms;
	t->live++;
	if (t->n++ == 0)
		uv_timer_start(&t->timer, on_timer, t->hold_ms, 0);
	return 1;
}

size_t tarpit_held(const struct tarpit *t)
{
	return t->live;
}

static void on_closed(uv_handle_t *h)
{
	struct tarpit *t = h->data;
	if (--t->handles > 0)
		return;
	if (t->epfd >= 0)
		close(t->epfd);
	t->epfd = -1;
	free(t->fd);
	free(t->until);
	t->fd = NULL;
	t->until = NULL;
}

void tarpit_close(struct tarpit *t)
{
	if (!t->open)
		return;
	while (t->n > 0) {
		if (t->fd[t->head] >= 0)
			tarpit_reset_close(t->fd[t->head]);
		t->head = (t->head + 1) % t->ring;
		t->n--;
	}
	t->live = 0;
	t->open = 0;
	uv_close((uv_handle_t *)&t->timer, on_closed);
	if (t->cap > 0)
		uv_close((uv_handle_t *)&t->hup, on_closed);
}
