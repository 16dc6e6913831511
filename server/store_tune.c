/* store_tune.c - settings of the server's long-lived database handles: the
 * page cache, statement journals in memory, and checkpoints taken by
 * another thread instead of on the writer's commit path.  None of it
 * changes what a commit promises (WAL, synchronous=FULL). */
#include <assert.h>
#include <sqlite3.h>
#include <stdio.h>

#include "err.h"
#include "store.h"
#include "store_int.h"

static int exec1(struct store *st, const char *sql)
{
	int rc = sqlite3_exec(store__db(st), sql, NULL, NULL, NULL);
	return rc == SQLITE_OK ? BS_OK : store__fail(st, rc, sql);
}

int store_tune_cache(struct store *st, unsigned cache_kib)
{
	char q[64];
	int rv;
	assert(st && cache_kib > 0 && cache_kib <= 1024u * 1024u);
	snprintf(q, sizeof q, "PRAGMA cache_size = -%u", cache_kib);
	if ((rv = exec1(st, q)) != BS_OK)
		return rv;
	/* A savepoint inside a large write transaction journals the pages it
	 * changes; spilled to a temporary file that is a write() per page. */
	return exec1(st, "PRAGMA temp_store = MEMORY");
}

static int wal_hook(void *arg, sqlite3 *db, const char *name, int frames)
{
	struct store_wal_watch *w = arg;
	(void)db;
	(void)name;
	w->on_commit(w->arg, frames > 0 ? (unsigned)frames : 0u);
	return SQLITE_OK;
}

int store_wal_watch(struct store *st, struct store_wal_watch *w)
{
	int rv;
	assert(st && w && w->on_commit);
	if ((rv = exec1(st, "PRAGMA wal_autocheckpoint = 0")) != BS_OK)
		return rv;
	/* Replaces SQLite's own hook, which is what ran automatic checkpoints. */
	sqlite3_wal_hook(store__db(st), wal_hook, w);
	return BS_OK;
}

int store_checkpoint(struct store *st, int full)
{
	int log = 0, done = 0;
	int rc = sqlite3_wal_checkpoint_v2(store__db(st), NULL,
					   full ? SQLITE_CHECKPOINT_TRUNCATE : SQLITE_CHECKPOINT_PASSIVE,
					   &log, &done);
	if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
		return BS_E_BUSY;
	return rc == SQLITE_OK ? BS_OK : store__fail(st, rc, "checkpoint");
}
