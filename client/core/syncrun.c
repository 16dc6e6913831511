/* syncrun.c - see syncrun.h. */
#include "syncrun.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "err.h"
#include "net.h"

int sync_round(struct app *a, enum sync_mode mode, unsigned timeout_ms, const struct sync_opts *so,
	       struct sync_stats *st, enum explain_step *step, char addr[300])
{
	struct app_server srv;
	struct session s;
	int rv;

	*step = EXPLAIN_LOCAL;
	if ((rv = app_server(a, &srv)) != BS_OK)
		return rv;
	memcpy(addr, srv.addr, sizeof srv.addr);
	*step = EXPLAIN_CONNECT;
	if ((rv = app_connect(a, &srv, &s, timeout_ms, 0)) != BS_OK)
		return rv;
	*step = EXPLAIN_REQUEST;
	if (mode != SYNC_MODE_PULL)
		rv = sync_push(&s, a->db, so, st);
	if (rv == BS_OK && mode != SYNC_MODE_PUSH)
		rv = sync_pull(&s, a->db, st);
	session_close(&s);
	return rv;
}

void sync_note_result(struct app *a, int rv, const char *why)
{
	char msg[SYNC_NOTE_MAX];

	if (rv == BS_OK) {
		localdb_meta_set_int(a->db, "last_sync_ok", bs_now_ms());
		localdb_meta_set(a->db, "last_sync_error", "");
		return;
	}
	snprintf(msg, sizeof msg, "%lld %s", (long long)bs_now_ms(), why);
	localdb_meta_set(a->db, "last_sync_error", msg);
}

int sync_last_failure(struct localdb *db, int64_t *when_ms, char *why, size_t cap)
{
	char buf[SYNC_NOTE_MAX + 1];
	const char *msg;
	char *end;
	long long t;

	*when_ms = 0;
	if (cap)
		why[0] = '\0';
	if (localdb_meta_get(db, "last_sync_error", buf, sizeof buf) != BS_OK || !buf[0])
		return 0;
	t = strtoll(buf, &end, 10);
	msg = *end == ' ' ? end + 1 : buf;
	*when_ms = end != buf ? (int64_t)t : 0;
	snprintf(why, cap, "%s", msg);
	return 1;
}
