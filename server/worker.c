/* worker.c - writer thread with group commit, reader threads, hand-back to
 * the loop through uv_async. */
#include "worker.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "log.h"
#include "store.h"

#define MAX_READERS 16u

/* Page caches: the writer touches the hot indexes of every push; readers
 * mostly stream. */
#define WRITER_CACHE_KIB 65536u
#define READER_CACHE_KIB 8192u
/* The checkpointer copies the WAL back once it holds this many frames (what
 * SQLite's automatic checkpoint would do, but on the writer's commit path),
 * and waits for readers to truncate it only past the second figure. */
#define CKPT_FRAMES 1000u
#define CKPT_FULL_FRAMES 65536u

struct queue {
	struct job *head, *tail;
	size_t n;
};

struct worker_pool {
	uv_loop_t *loop;
	uv_async_t async;
	void *user;
	unsigned max_batch;

	pthread_mutex_t mu;
	pthread_cond_t write_cv, read_cv;
	struct queue writeq, readq, doneq;
	int stopping;
	unsigned reading; /* jobs readers have taken and not finished */
	size_t pending; /* submitted, not yet handed back (loop thread only) */

	pthread_t writer;
	pthread_t readers[MAX_READERS];
	unsigned nreaders;
	struct store *wst;
	struct store *rst[MAX_READERS];
	int writer_started;

	/* Checkpoints, off the writer's commit path (store_wal_watch). */
	pthread_t ckpt;
	pthread_cond_t ckpt_cv;
	struct store *cst;
	struct store_wal_watch watch;
	unsigned wal_frames, ckpt_mark; /* frames now / at the last request */
	int ckpt_wanted, ckpt_started;

	struct worker_stats stats;

	void (*closed)(void *arg);
	void *closed_arg;
};

static void q_push(struct queue *q, struct job *j)
{
	j->next = NULL;
	if (q->tail)
		q->tail->next = j;
	else
		q->head = j;
	q->tail = j;
	q->n++;
}

/* Take up to max jobs off q as a list. */
static struct job *q_take(struct queue *q, size_t max, size_t *taken)
{
	struct job *first = q->head, *last = NULL, *j = q->head;
	size_t n = 0;
	while (j && n < max) {
		last = j;
		j = j->next;
		n++;
	}
	if (!last) {
		*taken = 0;
		return NULL;
	}
	q->head = j;
	if (!j)
		q->tail = NULL;
	last->next = NULL;
	q->n -= n;
	*taken = n;
	return first;
}

static void hand_back(struct worker_pool *p, struct job *list)
{
	struct job *j, *next;
	if (!list)
		return;
	pthread_mutex_lock(&p->mu);
	for (j = list; j; j = next) {
		next = j->next;
		q_push(&p->doneq, j);
	}
	pthread_mutex_unlock(&p->mu);
	uv_async_send(&p->async);
}

static void *writer_main(void *arg)
{
	struct worker_pool *p = arg;
	for (;;) {
		struct job *batch, *j;
		size_t n = 0;
		int rv, cerr = BS_OK;

		pthread_mutex_lock(&p->mu);
		/* Stopping, the writer still waits for readers that may hand it
		 * a continuation (job.then_write). */
		while (p->writeq.n == 0 &&
		       !(p->stopping && p->reading == 0 && p->readq.n == 0))
			pthread_cond_wait(&p->write_cv, &p->mu);
		if (p->writeq.n == 0) { /* stopping, and nothing more can come */
			pthread_mutex_unlock(&p->mu);
			break;
		}
		batch = q_take(&p->writeq, p->max_batch, &n);
		pthread_mutex_unlock(&p->mu);

		rv = store_begin(p->wst);
		if (rv != BS_OK) {
			cerr = rv;
		} else {
			for (j = batch; j; j = j->next) {
				if (store_savepoint(p->wst) != BS_OK) {
					j->result = BS_E_DB;
					continue;
				}
				j->commit_err = BS_OK;
				j->result = j->run(j, p->wst, p->user);
				if (j->result < 0)
					rv = store_rollback_to(p->wst);
				else
					rv = store_release(p->wst);
				if (rv != BS_OK) {
					cerr = rv;
					break;
				}
			}
			if (cerr == BS_OK)
				cerr = store_commit(p->wst);
			if (cerr != BS_OK)
				store_rollback(p->wst);
		}
		pthread_mutex_lock(&p->mu);
		p->stats.write_jobs += n;
		p->stats.write_batches++;
		if (cerr != BS_OK)
			p->stats.commit_failures++;
		pthread_mutex_unlock(&p->mu);
		if (cerr != BS_OK) {
			log_error("writer: batch of %zu job(s) not committed: %s", n,
				  bs_strerror(cerr));
			for (j = batch; j; j = j->next)
				j->commit_err = cerr;
		}
		hand_back(p, batch);
	}
	return NULL;
}

/* In the writer thread, inside its commit: ask for a checkpoint. */
static void on_wal_commit(void *arg, unsigned frames)
{
	struct worker_pool *p = arg;
	pthread_mutex_lock(&p->mu);
	p->wal_frames = frames;
	if (frames < p->ckpt_mark) /* the WAL started over */
		p->ckpt_mark = 0;
	/* Once per CKPT_FRAMES new frames: a checkpoint after every commit
	 * would copy the same hot pages again and again. */
	if (frames >= p->ckpt_mark + CKPT_FRAMES) {
		p->ckpt_mark = frames;
		p->ckpt_wanted = 1;
		pthread_cond_signal(&p->ckpt_cv);
	}
	pthread_mutex_unlock(&p->mu);
}

static void *ckpt_main(void *arg)
{
	struct worker_pool *p = arg;
	for (;;) {
		unsigned frames;
		int rv;
		pthread_mutex_lock(&p->mu);
		while (!p->ckpt_wanted && !p->stopping)
			pthread_cond_wait(&p->ckpt_cv, &p->mu);
		if (p->stopping) {
			pthread_mutex_unlock(&p->mu);
			break;
		}
		p->ckpt_wanted = 0;
		frames = p->wal_frames;
		pthread_mutex_unlock(&p->mu);
		rv = store_checkpoint(p->cst, frames >= CKPT_FULL_FRAMES);
		if (rv != BS_OK && rv != BS_E_BUSY)
			log_warn("checkpoint: %s", bs_strerror(rv));
		pthread_mutex_lock(&p->mu);
		p->stats.checkpoints++;
		pthread_mutex_unlock(&p->mu);
	}
	return NULL;
}

static void *reader_main(void *arg)
{
	struct worker_pool *p = ((void **)arg)[0];
	struct store *st = ((void **)arg)[1];
	free(arg);
	for (;;) {
		struct job *j;
		size_t n = 0;
		pthread_mutex_lock(&p->mu);
		while (p->readq.n == 0 && !p->stopping)
			pthread_cond_wait(&p->read_cv, &p->mu);
		if (p->readq.n == 0 && p->stopping) {
			pthread_mutex_unlock(&p->mu);
			break;
		}
		j = q_take(&p->readq, 1, &n);
		p->stats.read_jobs++;
		p->reading++;
		pthread_mutex_unlock(&p->mu);
		j->then_write = NULL;
		if (store_begin(st) == BS_OK) {
			j->result = j->run(j, st, p->user);
			store_rollback(st); /* read-only: ends the snapshot */
		} else {
			j->result = BS_E_DB;
			j->then_write = NULL;
		}
		pthread_mutex_lock(&p->mu);
		p->reading--;
		if (j->then_write) {
			j->run = j->then_write;
			j->then_write = NULL;
			j->result = BS_OK;
			q_push(&p->writeq, j);
			j = NULL;
		}
		pthread_cond_signal(&p->write_cv); /* a continuation, or stopping */
		pthread_mutex_unlock(&p->mu);
		if (j)
			hand_back(p, j);
	}
	return NULL;
}

static void on_async(uv_async_t *a)
{
	struct worker_pool *p = a->data;
	struct job *list, *j, *next;
	size_t n = 0;

	pthread_mutex_lock(&p->mu);
	list = q_take(&p->doneq, (size_t)-1, &n);
	pthread_mutex_unlock(&p->mu);
	for (j = list; j; j = next) {
		next = j->next;
		p->pending--;
		j->done(j, j->commit_err);
	}
}

int worker_pool_start(uv_loop_t *loop, const char *db_path, unsigned readers,
		      unsigned max_batch, void *user, struct worker_pool **out)
{
	struct worker_pool *p;
	unsigned i;
	int rv;

	if (readers == 0 || readers > MAX_READERS || max_batch == 0)
		return BS_E_INVAL;
	p = calloc(1, sizeof *p);
	if (!p)
		return BS_E_NOMEM;
	p->loop = loop;
	p->user = user;
	p->max_batch = max_batch;
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->write_cv, NULL);
	pthread_cond_init(&p->read_cv, NULL);
	pthread_cond_init(&p->ckpt_cv, NULL);

	if ((rv = store_open(db_path, 0, &p->wst)) != BS_OK ||
	    (rv = store_tune_cache(p->wst, WRITER_CACHE_KIB)) != BS_OK ||
	    (rv = store_open(db_path, 0, &p->cst)) != BS_OK)
		goto fail;
	p->watch.on_commit = on_wal_commit;
	p->watch.arg = p;
	if ((rv = store_wal_watch(p->wst, &p->watch)) != BS_OK)
		goto fail;
	for (i = 0; i < readers; i++) {
		if ((rv = store_open(db_path, 1, &p->rst[i])) != BS_OK ||
		    (rv = store_tune_cache(p->rst[i], READER_CACHE_KIB)) != BS_OK)
			goto fail;
	}
	uv_async_init(loop, &p->async, on_async);
	p->async.data = p;
	if (pthread_create(&p->writer, NULL, writer_main, p) != 0) {
		rv = BS_E_NOMEM;
		goto fail_async;
	}
	p->writer_started = 1;
	if (pthread_create(&p->ckpt, NULL, ckpt_main, p) != 0) {
		rv = BS_E_NOMEM;
		goto fail_async;
	}
	p->ckpt_started = 1;
	for (i = 0; i < readers; i++) {
		void **arg = malloc(2 * sizeof *arg);
		if (!arg) {
			rv = BS_E_NOMEM;
			goto fail_async;
		}
		arg[0] = p;
		arg[1] = p->rst[i];
		if (pthread_create(&p->readers[i], NULL, reader_main, arg) != 0) {
			free(arg);
			rv = BS_E_NOMEM;
			goto fail_async;
		}
		p->nreaders++;
	}
	*out = p;
	return BS_OK;

fail_async:
	/* Threads that started will see stopping and exit. */
	pthread_mutex_lock(&p->mu);
	p->stopping = 1;
	pthread_cond_broadcast(&p->write_cv);
	pthread_cond_broadcast(&p->read_cv);
	pthread_cond_broadcast(&p->ckpt_cv);
	pthread_mutex_unlock(&p->mu);
	if (p->writer_started)
		pthread_join(p->writer, NULL);
	if (p->ckpt_started)
		pthread_join(p->ckpt, NULL);
	for (i = 0; i < p->nreaders; i++)
		pthread_join(p->readers[i], NULL);
	uv_close((uv_handle_t *)&p->async, NULL);
	/* p is leaked deliberately here: the async handle's memory must outlive
	 * the close, and start-up failure ends the process. */
	return rv;
fail:
	for (i = 0; i < MAX_READERS; i++)
		if (p->rst[i])
			store_close(p->rst[i]);
	if (p->wst)
		store_close(p->wst);
	if (p->cst)
		store_close(p->cst);
	pthread_mutex_destroy(&p->mu);
	pthread_cond_destroy(&p->write_cv);
	pthread_cond_destroy(&p->read_cv);
	pthread_cond_destroy(&p->ckpt_cv);
	free(p);
	return rv;
}

void worker_submit_write(struct worker_pool *p, struct job *j)
{
	j->result = BS_OK;
	j->commit_err = BS_OK;
	pthread_mutex_lock(&p->mu);
	q_push(&p->writeq, j);
	pthread_cond_signal(&p->write_cv);
	pthread_mutex_unlock(&p->mu);
	p->pending++;
}

void worker_submit_read(struct worker_pool *p, struct job *j)
{
	j->result = BS_OK;
	j->commit_err = BS_OK;
	pthread_mutex_lock(&p->mu);
	q_push(&p->readq, j);
	pthread_cond_signal(&p->read_cv);
	pthread_mutex_unlock(&p->mu);
	p->pending++;
}

size_t worker_pending(const struct worker_pool *p)
{
	return p->pending;
}

void worker_stats_get(struct worker_pool *p, struct worker_stats *out)
{
	pthread_mutex_lock(&p->mu);
	*out = p->stats;
	pthread_mutex_unlock(&p->mu);
}

static void on_async_closed(uv_handle_t *h)
{
	struct worker_pool *p = h->data;
	void (*closed)(void *) = p->closed;
	void *arg = p->closed_arg;
	pthread_mutex_destroy(&p->mu);
	pthread_cond_destroy(&p->write_cv);
	pthread_cond_destroy(&p->read_cv);
	pthread_cond_destroy(&p->ckpt_cv);
	free(p);
	if (closed)
		closed(arg);
}

void worker_pool_stop(struct worker_pool *p, void (*closed)(void *arg), void *arg)
{
	unsigned i;
	pthread_mutex_lock(&p->mu);
	p->stopping = 1;
	pthread_cond_broadcast(&p->write_cv);
	pthread_cond_broadcast(&p->read_cv);
	pthread_cond_broadcast(&p->ckpt_cv);
	pthread_mutex_unlock(&p->mu);
	/* The threads drain their queues before exiting. */
	pthread_join(p->writer, NULL);
	pthread_join(p->ckpt, NULL);
	for (i = 0; i < p->nreaders; i++)
		pthread_join(p->readers[i], NULL);
	/* Deliver what they finished. */
	on_async(&p->async);
	store_close(p->cst);
	store_close(p->wst);
	for (i = 0; i < p->nreaders; i++)
		store_close(p->rst[i]);
	p->closed = closed;
	p->closed_arg = arg;
	uv_close((uv_handle_t *)&p->async, on_async_closed);
}
