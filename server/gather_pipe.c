/* gather_pipe.c - the records read on a second thread, handed over in
 * batches (gather_pipe.h). */
#include "gather_pipe.h"

#include <assert.h>
#include <pthread.h>
#include <stdalign.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"

#define NBUF 4
#define BUF_BYTES (256u * 1024u)

/* One row in a batch: this header, then data_len bytes of data. */
struct row {
	struct record r;
	struct review_state rs;
	size_t size;               /* of the header and data, aligned */
};

struct buf {
	unsigned char *b;
	size_t cap, len;
	int full;
};

struct pipe {
	struct store *st;
	const struct gather_pipe_fns *f;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct buf bufs[NBUF];
	int fill;                  /* the buffer the reader fills */
	int stop;                  /* the caller gave up: the reader stops */
	int done, rv;              /* the reader ended, and how */
};

#define ALIGN (alignof(max_align_t))

static size_t row_size(size_t data_len)
{
	return (sizeof(struct row) + data_len + ALIGN - 1) / ALIGN * ALIGN;
}

/* Hand the buffer being filled over and wait for the next one to be free.
 * 0, or 1 when the caller stopped. */
static int hand_over(struct pipe *p)
{
	int stop;
	pthread_mutex_lock(&p->mu);
	p->bufs[p->fill].full = 1;
	p->fill = (p->fill + 1) % NBUF;
	pthread_cond_broadcast(&p->cv);
	while (p->bufs[p->fill].full && !p->stop)
		pthread_cond_wait(&p->cv, &p->mu);
	stop = p->stop;
	pthread_mutex_unlock(&p->mu);
	p->bufs[p->fill].len = 0;
	return stop;
}

static int on_row(void *ctx, const struct record *r, const struct review_state *rs)
{
	struct pipe *p = ctx;
	struct buf *b = &p->bufs[p->fill];
	size_t need = row_size(r->data_len);
	struct row *w;

	if (!p->f->keep(r))
		return 0;
	if (b->cap - b->len < need) {
		if (b->len && hand_over(p))
			return BS_E_INTERNAL; /* stopped: the caller's rv counts */
		b = &p->bufs[p->fill];
		if (b->cap < need) {
			unsigned char *nb = aligned_alloc(ALIGN, need);
			if (!nb)
				return BS_E_NOMEM;
			free(b->b);
			b->b = nb;
			b->cap = need;
		}
	}
	w = (struct row *)(void *)(b->b + b->len);
	w->r = *r;
	w->rs = *rs;
	w->size = need;
	if (r->data_len)
		memcpy(w + 1, r->data, r->data_len);
	w->r.data = (uint8_t *)(w + 1);
	b->len += need;
	return 0;
}

static void *reader(void *arg)
{
	struct pipe *p = arg;
	int rv = store_record_scan_assess(p->st, NULL, on_row, p);
	pthread_mutex_lock(&p->mu);
	if (rv == BS_OK && p->bufs[p->fill].len)
		p->bufs[p->fill].full = 1;
	p->rv = rv;
	p->done = 1;
	pthread_cond_broadcast(&p->cv);
	pthread_mutex_unlock(&p->mu);
	return NULL;
}

int gather_pipe_scan(struct store *st, const struct gather_pipe_fns *f, void *ctx)
{
	struct pipe p;
	pthread_t th;
	int i, take = 0, rv = BS_OK;

	assert(st && f && f->keep && f->fn);
	memset(&p, 0, sizeof p);
	p.st = st;
	p.f = f;
	for (i = 0; i < NBUF; i++) {
		if (!(p.bufs[i].b = aligned_alloc(ALIGN, BUF_BYTES))) {
			rv = BS_E_NOMEM;
			goto out;
		}
		p.bufs[i].cap = BUF_BYTES;
	}
	if (pthread_mutex_init(&p.mu, NULL) != 0) {
		rv = BS_E_INTERNAL;
		goto out;
	}
	if (pthread_cond_init(&p.cv, NULL) != 0) {
		pthread_mutex_destroy(&p.mu);
		rv = BS_E_INTERNAL;
		goto out;
	}
	if (pthread_create(&th, NULL, reader, &p) != 0) {
		rv = BS_E_INTERNAL;
		goto fin;
	}
	for (;;) {
		struct buf *b = &p.bufs[take];
		size_t off;
		pthread_mutex_lock(&p.mu);
		while (!b->full && !p.done)
			pthread_cond_wait(&p.cv, &p.mu);
		if (!b->full) { /* the reader ended and everything was taken */
			pthread_mutex_unlock(&p.mu);
			break;
		}
		pthread_mutex_unlock(&p.mu);
		for (off = 0; off < b->len && rv == BS_OK;) {
			const struct row *w = (const struct row *)(const void *)(b->b + off);
			rv = f->fn(ctx, &w->r, &w->rs);
			off += w->size;
		}
		pthread_mutex_lock(&p.mu);
		b->full = 0;
		b->len = 0;
		if (rv != BS_OK)
			p.stop = 1;
		pthread_cond_broadcast(&p.cv);
		pthread_mutex_unlock(&p.mu);
		if (rv != BS_OK)
			break;
		take = (take + 1) % NBUF;
	}
	pthread_join(th, NULL);
	if (rv == BS_OK)
		rv = p.rv;
fin:
	pthread_cond_destroy(&p.cv);
	pthread_mutex_destroy(&p.mu);
out:
	for (i = 0; i < NBUF; i++)
		free(p.bufs[i].b);
	return rv;
}
