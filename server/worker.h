/* worker.h - the threads that touch the disk, so the event loop never does.
 *
 * One writer thread owns the only read-write database handle.  Jobs from all
 * connections queue to it; it takes everything queued (up to a batch limit),
 * runs each job inside its own savepoint within ONE transaction, commits,
 * and only then hands the jobs back: a reply is never sent before the
 * transaction that produced it is durable (group commit).  If the commit
 * fails, every job of the batch is answered with a retryable error instead.
 *
 * A checkpointer thread with its own handle copies the WAL back into the
 * database once it holds about 1,000 frames, so no commit waits for a
 * checkpoint.
 *
 * Reader threads each own a read-only handle and run read jobs (pulls,
 * queries, downloads, handshake look-ups) on WAL snapshots.
 *
 * Finished jobs are handed back to the loop thread through a uv_async_t;
 * the loop's done callback runs for each, in the loop thread. */
#ifndef BS_WORKER_H
#define BS_WORKER_H

#include <stddef.h>
#include <stdint.h>
#include <uv.h>

struct store;
struct job;

/* Runs in a worker thread with that thread's store handle.  For writer
 * jobs the call is wrapped in a savepoint: returning a negative code rolls
 * back what the job wrote (its reply, set by the job itself, still goes
 * out); returning 0 keeps it.  `user` is the pool's user pointer. */
typedef int (*job_fn)(struct job *j, struct store *st, void *user);
/* Runs in the loop thread once the job is finished (and, for writer jobs,
 * durable or failed).  commit_err is 0, or the error that made the batch's
 * commit fail (then the job's work is gone and its reply must say so). */
typedef void (*job_done_fn)(struct job *j, int commit_err);

struct job {
	job_fn run;
	job_done_fn done;
	void *owner;        /* e.g. the connection; the pool never touches it */
	void *data;         /* job-specific */
	int result;         /* set by run */
	int commit_err;     /* set by the writer if the batch did not commit */
	/* Set by a reader job's run to go on in the writer: the job is then
	 * queued to the writer with run = then_write (and then_write cleared)
	 * instead of being handed back.  So slow work that needs no write
	 * transaction (attachment files) runs on a reader, and the writer only
	 * records its outcome. */
	job_fn then_write;
	struct job *next;
};

struct worker_pool;

/* Open the database handles (one read-write for the writer, one read-only
 * per reader) and start the threads.  done callbacks run on loop. */
int worker_pool_start(uv_loop_t *loop, const char *db_path, unsigned readers,
		      unsigned max_batch, void *user, struct worker_pool **out);

/* Queue a job (loop thread only). */
void worker_submit_write(struct worker_pool *p, struct job *j);
void worker_submit_read(struct worker_pool *p, struct job *j);

/* Jobs queued or running, not yet handed back. */
size_t worker_pending(const struct worker_pool *p);

/* Finish everything queued, stop the threads, close the handles and the
 * async handle.  Call from the loop thread; the loop must keep running
 * until `closed` is called (the async handle's close callback). */
void worker_pool_stop(struct worker_pool *p, void (*closed)(void *arg), void *arg);

/* Statistics for logs and benchmarks. */
struct worker_stats {
	uint64_t write_jobs, write_batches, read_jobs, commit_failures, checkpoints;
};
void worker_stats_get(struct worker_pool *p, struct worker_stats *out);

#endif
