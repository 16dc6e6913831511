/* cmd_resolve.c - baosong resolve, discard, fetch: settling what the server
 * answered (conflicts merged by field, refused changes) and fetching
 * attachments. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "app.h"
#include "attach.h"
#include "bs_limits.h"
#include "cli.h"
#include "cliutil.h"
#include "commands.h"
#include "entry.h"
#include "err.h"
#include "kinds.h"
#include "merge.h"
#include "money.h"
#include "net.h"
#include "period.h"
#include "reconcile.h"
#include "records.h"
#include "records_cli.h"
#include "sync.h"
#include "table.h"
#include "wire.h"

/* ---- resolve, discard ---------------------------------------------------------------- */

static int parse_seq(const char *cmd, int argc, char **argv, uint64_t *seq)
{
	unsigned long long v;
	if (argc - optind != 1 || cli_parse_uint(argv[optind], 1, INT64_MAX, &v) != BS_OK) {
		fprintf(stderr, "baosong %s: give the operation's number SEQ, as `baosong "
				"status` lists it (#SEQ)\n", cmd);
		return EX_USAGE_;
	}
	*seq = v;
	return 0;
}

/* Keep the conflicting change: queue it again on top of the server's
 * revision, and drop the conflict, in one transaction. */
static int resolve_mine(struct app *a, const struct app_server *srv, const struct lconflict *cf,
			uint64_t *seq)
{
	struct lrecord r;
	struct rec_error err;
	struct rec_lookup lk;
	struct rec_ctx rc;
	const uint8_t(*att)[LDB_HASH_LEN] = NULL;
	size_t n_att = 0;
	int64_t unit_id = srv->unit_id, now = wire_now_ms();
	int have_r = 0, deleted = cf->mine_len == 0, rv;

	rv = localdb_record_get(a->db, cf->uid, &r);
	if (rv == BS_OK) {
		have_r = 1;
		if (r.pending) {
			fprintf(stderr, "baosong: 这条记录还有未发送的修改 %s has %u newer change%s "
					"not sent yet; run `baosong sync` first, then resolve\n",
				cf->uid, r.pending, r.pending == 1 ? "" : "s");
			rv = BS_E_STATE;
			goto out;
		}
		unit_id = r.unit_id;
		att = (const uint8_t(*)[LDB_HASH_LEN])r.attachments;
		n_att = r.n_attachments;
	} else if (rv != BS_E_NOTFOUND) {
		goto dberr;
	}
	if (!records_kind_known(cf->kind)) {
		fprintf(stderr, "baosong: 未知的记录类型 this version does not know records of "
				"kind %s\n", cf->kind);
		rv = BS_E_UNSUPPORTED;
		goto out;
	}
	rec_ctx_init(&rc, &lk, a->db, srv, now);
	if (!deleted &&
	    (rv = records_validate(cf->kind, cf->mine, cf->mine_len, &rc, &err)) != BS_OK) {
		print_rec_error(&err);
		fprintf(stderr, "  你的版本已不再有效 your version is no longer valid; use "
				"--theirs and change the record again\n");
		goto out;
	}
	if ((rv = localdb_begin(a->db)) != BS_OK)
		goto dberr;
	rv = localdb_change(a->db, cf->kind, cf->uid, unit_id, cf->mine, cf->mine_len, att,
			    n_att, deleted, now, seq);
	if (rv == BS_OK)
		rv = localdb_conflict_delete(a->db, cf->seq);
	if (rv == BS_OK && (rv = localdb_commit(a->db)) == BS_OK)
		goto out;
	localdb_rollback(a->db);
dberr:
	fprintf(stderr, "baosong: 本地数据库错误 local database: %s\n", bs_strerror(rv));
out:
	if (have_r)
		lrecord_free(&r);
	return rv;
}

int cmd_resolve(int argc, char **argv)
{
	static const struct option opts[] = {{"mine", no_argument, 0, O_MINE},
					     {"theirs", no_argument, 0, O_THEIRS},
					     {"dir", required_argument, 0, 'd'},
					     {"help", no_argument, 0, 'h'},
					     {0, 0, 0, 0}};
	const char *dir = NULL;
	struct app a;
	struct app_server srv;
	struct lconflict cf;
	char what[400];
	uint64_t seq = 0, newseq = 0;
	int mine = 0, theirs = 0, have_cf = 0, c, rv;

	cli_name_argv(argv, "baosong resolve");
	while ((c = getopt_long(argc, argv, "d:h", opts, NULL)) != -1) {
		switch (c) {
		case O_MINE: mine = 1; break;
		case O_THEIRS: theirs = 1; break;
		case 'd': dir = optarg; break;
		case 'h':
			printf("baosong resolve SEQ --mine|--theirs [--dir DIR]\n"
			       "  Settle a conflict (冲突): someone changed the record on the "
			       "server after you last\n  saw it, so your change #SEQ was not "
			       "applied.  `baosong status` lists conflicts.\n"
			       "  --theirs  keep the server's version (this device shows it "
			       "already); drop yours\n"
			       "  --mine    send your version again, on top of the server's; "
			       "the next sync sends it\n"
			       "Example:\n  baosong resolve 42 --theirs\n");
			return 0;
		default: return EX_USAGE_;
		}
	}
	if ((rv = parse_seq("resolve", argc, argv, &seq)) != 0)
		return rv;
	if (mine == theirs) {
		fprintf(stderr, "baosong resolve: give exactly one of --mine (keep your version) "
				"or --theirs (keep the server's)\n");
		return EX_USAGE_;
	}
	app_blank(&a);
	if ((rv = app_open_cli(dir, &a, &srv)) != BS_OK)
		goto out;
	rv = localdb_conflict_get(a.db, seq, &cf);
	if (rv == BS_E_NOTFOUND) {
		fprintf(stderr, "baosong: 没有 #%llu 号冲突 no conflict #%llu (`baosong status` "
				"lists them)\n", (unsigned long long)seq, (unsigned long long)seq);
		goto out;
	}
	if (rv != BS_OK)
		goto dberr;
	have_cf = 1;
	describe_record(a.db, cf.kind, cf.uid, mine ? cf.mine : cf.theirs,
			mine ? cf.mine_len : cf.theirs_len, what, sizeof what);
	if (theirs) {
		if ((rv = localdb_conflict_delete(a.db, seq)) != BS_OK)
			goto dberr;
		printf("已采用服务器版本 kept the server's version (revision %llu) of ",
		       (unsigned long long)cf.server_rev);
		table_text(stdout, what, 0, NULL);
		printf("; your change #%llu is dropped\n", (unsigned long long)seq);
		goto out;
	}
	if ((rv = resolve_mine(&a, &srv, &cf, &newseq)) != BS_OK) {
		if (rv == BS_E_STATE)
			rv = BS_E_BUSY; /* 75: try again after the next sync */
		goto out; /* explained */
	}
	printf("已保留你的版本 kept your version of ");
	table_text(stdout, what, 0, NULL);
	printf(": queued again as #%llu on top of server revision %llu; `baosong sync` "
	       "sends it\n", (unsigned long long)newseq, (unsigned long long)cf.server_rev);
	goto out;
dberr:
	fprintf(stderr, "baosong: 本地数据库错误 local database: %s\n", bs_strerror(rv));
out:
	if (have_cf)
		lconflict_free(&cf);
	app_close(&a);
	return cli_exit_code(rv);
}

struct find_op {
	uint64_t seq;
	int found;
	char kind[LDB_KIND_MAX + 1];
	char uid[LDB_UID_MAX + 1];
	char msg[256];
	int code;
	uint8_t *data;
	size_t len;
};

static int find_quarantined(void *ctx, const struct lop *op)
{
	struct find_op *f = ctx;
	if (op->seq != f->seq)
		return 0;
	f->found = 1;
	snprintf(f->kind, sizeof f->kind, "%s", op->kind);
	snprintf(f->uid, sizeof f->uid, "%s", op->uid);
	snprintf(f->msg, sizeof f->msg, "%s", op->error_msg);
	f->code = op->error_code;
	if (op->data_len && (f->data = malloc(op->data_len)) != NULL) {
		memcpy(f->data, op->data, op->data_len);
		f->len = op->data_len;
	}
	return 1;
}

int cmd_discard(int argc, char **argv)
{
	static const struct option opts[] = {{"dir", required_argument, 0, 'd'},
					     {"help", no_argument, 0, 'h'},
					     {0, 0, 0, 0}};
	const char *dir = NULL;
	struct app a;
	struct find_op f;
	char what[400];
	uint64_t seq = 0;
	int c, rv;

	memset(&f, 0, sizeof f);
	cli_name_argv(argv, "baosong discard");
	while ((c = getopt_long(argc, argv, "d:h", opts, NULL)) != -1) {
		switch (c) {
		case 'd': dir = optarg; break;
		case 'h':
			printf("baosong discard SEQ [--dir DIR]\n"
			       "  Drop operation #SEQ that the server refused for good (隔离; "
			       "`baosong status`\n  lists them with the reason).  The record "
			       "keeps what this device shows;\n  change it again to send a "
			       "corrected version.\n"
			       "Example:\n  baosong discard 17\n");
			return 0;
		default: return EX_USAGE_;
		}
	}
	if ((rv = parse_seq("discard", argc, argv, &seq)) != 0)
		return rv;
	f.seq = seq;
	app_blank(&a);
	if ((rv = app_open_cli(dir, &a, NULL)) != BS_OK)
		goto out;
	if ((rv = localdb_quarantine_each(a.db, find_quarantined, &f)) < 0)
		goto dberr;
	rv = localdb_outbox_discard(a.db, seq);
	if (rv == BS_E_NOTFOUND) {
		fprintf(stderr, "baosong: 没有 #%llu 号操作 no operation #%llu (`baosong status` "
				"lists the refused ones)\n", (unsigned long long)seq,
			(unsigned long long)seq);
		goto out;
	}
	if (rv == BS_E_STATE) {
		fprintf(stderr, "baosong: #%llu 还在等待发送 operation #%llu is still waiting to be "
				"sent, not refused; only refused operations can be discarded\n",
			(unsigned long long)seq, (unsigned long long)seq);
		rv = BS_E_INVAL; /* the wrong operation was named: 65 */
		goto out;
	}
	if (rv != BS_OK)
		goto dberr;
	if (f.found) {
		describe_record(a.db, f.kind, f.uid, f.data, f.len, what, sizeof what);
		printf("已丢弃 discarded #%llu: ", (unsigned long long)seq);
		table_text(stdout, what, 0, NULL);
		printf(" (");
		table_text(stdout, f.uid, 0, NULL);
		printf("; refused: ");
		table_text(stdout, f.msg, 0, NULL);
		printf(" [%s])\n", bs_errname(f.code));
	} else {
		printf("已丢弃 discarded #%llu\n", (unsigned long long)seq);
	}
	goto out;
dberr:
	fprintf(stderr, "baosong: 本地数据库错误 local database: %s\n", bs_strerror(rv));
out:
	free(f.data);
	app_close(&a);
	return cli_exit_code(rv);
}

/* fetch: client/cli/cmd_fetch.c */
