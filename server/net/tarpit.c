/* tarpit.c - refused connections held unread (see tarpit.h). */
#include "tarpit.h"

#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include "err.h"

void tarpit_reset_close(int fd)
{
	struct linger l = {1, 0};
	setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
	close(fd);
}

static void on_timer(uv_timer_t *h)
{
	struct tarpit *t = h->data;
	uint64_t now = uv_now(h->loop);
	while (t->n > 0 && t->until[t->head] <= now) {
		tarpit_reset_close(t->fd[t->head]);
		t->head = (t->head + 1) % t->cap;
		t->n--;
	}
	if (t->n > 0)
		uv_timer_start(&t->timer, on_timer, t->until[t->head] - now, 0);
}

int tarpit_init(struct tarpit *t, uv_loop_t *loop, size_t cap, unsigned hold_ms)
{
	t->cap = cap;
	t->head = t->n = 0;
	t->hold_ms = hold_ms;
	t->fd = NULL;
	t->until = NULL;
	if (cap > 0) {
		t->fd = calloc(cap, sizeof *t->fd);
		t->until = calloc(cap, sizeof *t->until);
		if (!t->fd || !t->until) {
			free(t->fd);
			free(t->until);
			t->fd = NULL;
			t->until = NULL;
			return BS_E_NOMEM;
		}
	}
	uv_timer_init(loop, &t->timer);
	t->timer.data = t;
	t->open = 1;
	return BS_OK;
}

int tarpit_hold(struct tarpit *t, int fd)
{
	size_t tail;
	if (!t->open || t->n == t->cap) {
		tarpit_reset_close(fd);
		return 0;
	}
	tail = (t->head + t->n) % t->cap;
	t->fd[tail] = fd;
	t->until[tail] = uv_now(t->timer.loop) + t->hold_ms;
	if (t->n++ == 0)
		uv_timer_start(&t->timer, on_timer, t->hold_ms, 0);
	return 1;
}

size_t tarpit_held(const struct tarpit *t)
{
	return t->n;
}

void tarpit_close(struct tarpit *t)
{
	if (!t->open)
		return;
	while (t->n > 0) {
		tarpit_reset_close(t->fd[t->head]);
		t->head = (t->head + 1) % t->cap;
		t->n--;
	}
	t->open = 0;
	uv_close((uv_handle_t *)&t->timer, NULL);
	free(t->fd);
	free(t->until);
	t->fd = NULL;
	t->until = NULL;
}
