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
#include "field.h"
#include "kinds.h"
#include "merge.h"
#include "money.h"
#include "net.h"
#include "period.h"
#include "reconcile.h"
#include "settle.h"
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

/* Keep the conflicting change (a whole-record conflict: a delete, or a
 * change kept before bases were): settle_keep_mine, explained. */
static int resolve_mine(struct app *a, const struct app_server *srv, const struct lconflict *cf,
			uint64_t *seq)
{
	struct settle_why why;
	int rv = settle_keep_mine(a->db, srv, cf, wire_now_ms(), seq, &why);

	if (rv == BS_OK)
		return rv;
	if (rv == BS_E_STATE)
		fprintf(stderr, "baosong: 这条记录还有未发送的修改 %s has %u newer change%s "
				"not sent yet; run `baosong sync` first, then resolve\n",
			cf->uid, why.pending, why.pending == 1 ? "" : "s");
	else if (rv == BS_E_UNSUPPORTED)
		fprintf(stderr, "baosong: 未知的记录类型 this version does not know records of "
				"kind %s\n", cf->kind);
	else if (why.invalid) {
		print_rec_error(&why.err);
		fprintf(stderr, "  你的版本已不再有效 your version is no longer valid; use "
				"--theirs and change the record again\n");
	} else
		fprintf(stderr, "baosong: 本地数据库错误 local database: %s\n", bs_strerror(rv));
	return rv;
}

/* Whether text names field f of kind: its name, its option ("invested-ytd",
 * "ytd"), or its Chinese label. */
/* Field f of kind as people name it: its Chinese label and its option. */
static void field_names(const char *kind, const ProtobufCFieldDescriptor *f, const char **zh,
			char *opt, size_t cap)
{
	const char *o = NULL;
	if (record_field_label(kind, f->name, zh, &o)) {
		snprintf(opt, cap, "%s", o);
		return;
	}
	*zh = field_zh(kind, f->name);
	field_opt(f, opt, cap);
}

static int names_field(const char *kind, const ProtobufCFieldDescriptor *f, const char *text)
{
	char opt[128];
	const char *zh;
	size_t n, k;
	field_names(kind, f, &zh, opt, sizeof opt);
	if (strcmp(text, f->name) == 0 || strcmp(text, zh) == 0 || strcmp(text, opt) == 0)
		return 1;
	field_opt(f, opt, sizeof opt);
	if (strcmp(text, opt) == 0)
		return 1;
	n = strlen(opt);
	k = strlen(text);
	/* the short option `report edit` takes: "ytd" for "invested-ytd" */
	return k > 0 && k < n && opt[n - k - 1] == '-' && strcmp(opt + n - k, text) == 0;
}

/* The conflict's fields, each with its three values. */
static void show_fields(const struct lconflict *cf, const struct merge_result *m)
{
	char base[512], mine[512], theirs[512], opt[128];
	unsigned i;
	for (i = 0; i < m->n_conflicts; i++) {
		const ProtobufCFieldDescriptor *f = m->conflicts[i];
		merge_field_text(cf->kind, cf->base, cf->base_len, f, base, sizeof base);
		merge_field_text(cf->kind, cf->mine, cf->mine_len, f, mine, sizeof mine);
		merge_field_text(cf->kind, cf->theirs, cf->theirs_len, f, theirs, sizeof theirs);
		const char *zh;
		field_names(cf->kind, f, &zh, opt, sizeof opt);
		printf("  %s (%s):\n    本机 mine:     ", zh, opt);
		table_text(stdout, mine[0] ? mine : "(空 empty)", 0, NULL);
		printf("\n    服务器 theirs: ");
		table_text(stdout, theirs[0] ? theirs : "(空 empty)", 0, NULL);
		printf("\n    原来 base:     ");
		table_text(stdout, base[0] ? base : "(空 empty)", 0, NULL);
		printf("\n");
	}
}

static void resolve_help(void)
{
	printf("baosong resolve SEQ [--mine | --theirs] [--pick FIELD=mine|theirs]... "
	       "[--dir DIR]\n"
	       "  Settle a conflict (冲突): this device and someone else changed the same "
	       "field of\n  a record.  Fields only one side changed were merged already; "
	       "what is left is\n  listed by `baosong resolve SEQ` with both values "
	       "(`baosong status` lists SEQs).\n"
	       "  --pick FIELD=mine|theirs  settle one field (repeat; FIELD as its option, "
	       "e.g. ytd)\n"
	       "  --mine    this device's value for every field in conflict (fields this "
	       "device\n            did not change keep the server's values)\n"
	       "  --theirs  the server's value for every field in conflict\n"
	       "  With --pick, --mine or --theirs settles the fields not picked.\n"
	       "Example:\n  baosong resolve 42 --pick ytd=mine --pick percent=theirs\n");
}

int cmd_resolve(int argc, char **argv)
{
	static const struct option opts[] = {{"mine", no_argument, 0, O_MINE},
					     {"theirs", no_argument, 0, O_THEIRS},
					     {"pick", required_argument, 0, O_PICK},
					     {"dir", required_argument, 0, 'd'},
					     {"help", no_argument, 0, 'h'},
					     {0, 0, 0, 0}};
	const char *dir = NULL, *picks[MERGE_FIELDS_MAX];
	const ProtobufCMessageDescriptor *d;
	unsigned char pick[MERGE_FIELDS_MAX];
	struct merge_result m;
	struct app a;
	struct app_server srv;
	struct lconflict cf;
	struct lrecord cur;
	char what[400];
	uint64_t seq = 0, newseq = 0;
	size_t npicks = 0, i;
	unsigned k, open_fields = 0;
	int mine = 0, theirs = 0, have_cf = 0, have_cur = 0, c, rv;

	memset(&m, 0, sizeof m);
	memset(pick, 0, sizeof pick);
	cli_name_argv(argv, "baosong resolve");
	while ((c = getopt_long(argc, argv, "d:h", opts, NULL)) != -1) {
		switch (c) {
		case O_MINE: mine = 1; break;
		case O_THEIRS: theirs = 1; break;
		case O_PICK:
			if (npicks == MERGE_FIELDS_MAX) {
				fprintf(stderr, "baosong resolve: too many --pick\n");
				return EX_USAGE_;
			}
			picks[npicks++] = optarg;
			break;
		case 'd': dir = optarg; break;
		case 'h': resolve_help(); return 0;
		default: return EX_USAGE_;
		}
	}
	if ((rv = parse_seq("resolve", argc, argv, &seq)) != 0)
		return rv;
	if (mine && theirs) {
		fprintf(stderr, "baosong resolve: give --mine (keep your values) or --theirs (keep "
				"the server's), not both\n");
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
	describe_record(a.db, cf.kind, cf.uid, cf.theirs, cf.theirs_len, what, sizeof what);

	if (!cf.has_base) {
		/* The whole record conflicts: one side deleted it, or the change
		 * was kept before this version merged by field. */
		if (npicks) {
			fprintf(stderr, "baosong resolve: 整条记录冲突 conflict #%llu is about the "
					"whole record, not fields: give --mine or --theirs\n",
				(unsigned long long)seq);
			rv = EX_USAGE_;
			goto usage;
		}
		if (!mine && !theirs) {
			printf("冲突 conflict #%llu: ", (unsigned long long)seq);
			table_text(stdout, what, 0, NULL);
			printf("\n  整条记录冲突 the whole record conflicts (%s); settle with --mine "
			       "or --theirs\n",
			       cf.mine_len == 0     ? "this device deleted it"
			       : cf.theirs_len == 0 ? "it was deleted on the server"
						    : "no base kept");
			goto out;
		}
		if (theirs) {
			if ((rv = settle_keep_theirs(a.db, seq)) != BS_OK)
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
			goto out;   /* explained */
		}
		printf("已保留你的版本 kept your version of ");
		table_text(stdout, what, 0, NULL);
		printf(": queued again as #%llu on top of server revision %llu; `baosong sync` "
		       "sends it\n", (unsigned long long)newseq, (unsigned long long)cf.server_rev);
		goto out;
	}

	/* A field conflict: against the record as it stands now. */
	if ((rv = localdb_record_get(a.db, cf.uid, &cur)) != BS_OK)
		goto dberr;
	have_cur = 1;
	d = merge_desc(cf.kind);
	rv = merge3(cf.kind, cf.base, cf.base_len, cf.mine, cf.mine_len, cf.theirs,
		    cf.theirs_len, NULL, &m);
	if (rv != BS_OK || !d) {
		fprintf(stderr, "baosong: 冲突记录无法读取 conflict #%llu cannot be read (%s)\n",
			(unsigned long long)seq, bs_strerror(rv ? rv : BS_E_UNSUPPORTED));
		rv = rv ? rv : BS_E_UNSUPPORTED;
		goto out;
	}
	for (i = 0; i < npicks; i++) {
		const char *eq = strchr(picks[i], '=');
		char name[128];
		unsigned idx;
		int side, found = 0;
		if (!eq || (size_t)(eq - picks[i]) >= sizeof name ||
		    (strcmp(eq + 1, "mine") != 0 && strcmp(eq + 1, "theirs") != 0)) {
			fprintf(stderr, "baosong resolve: --pick takes FIELD=mine or FIELD=theirs "
					"(got %s)\n", picks[i]);
			rv = EX_USAGE_;
			goto usage;
		}
		memcpy(name, picks[i], (size_t)(eq - picks[i]));
		name[eq - picks[i]] = '\0';
		side = strcmp(eq + 1, "mine") == 0 ? MERGE_MINE : MERGE_THEIRS;
		for (k = 0; k < m.n_conflicts; k++)
			if (names_field(cf.kind, m.conflicts[k], name)) {
				idx = (unsigned)(m.conflicts[k] - d->fields);
				pick[idx] = (unsigned char)side;
				found = 1;
			}
		if (!found) {
			fprintf(stderr, "baosong resolve: %s 不在冲突中 is not a field in conflict #%llu; "
					"the fields in conflict are:\n", name, (unsigned long long)seq);
			show_fields(&cf, &m);
			rv = EX_USAGE_;
			goto usage;
		}
	}
	for (k = 0; k < m.n_conflicts; k++) {
		unsigned idx = (unsigned)(m.conflicts[k] - d->fields);
		if (pick[idx] == MERGE_OPEN && (mine || theirs))
			pick[idx] = mine ? MERGE_MINE : MERGE_THEIRS;
		open_fields += pick[idx] == MERGE_OPEN;
	}
	if (open_fields) {
		printf("冲突 conflict #%llu: ", (unsigned long long)seq);
		table_text(stdout, what, 0, NULL);
		printf("\n  %u 个字段双方都改了 field%s both sides changed (this device shows the "
		       "server's value for now):\n", m.n_conflicts, m.n_conflicts == 1 ? "" : "s");
		show_fields(&cf, &m);
		{
			char opt[128];
			const char *zh;
			field_names(cf.kind, m.conflicts[0], &zh, opt, sizeof opt);
			printf("  逐项选择 settle each with --pick FIELD=mine|theirs (e.g. --pick "
			       "%s=mine), or all with --mine / --theirs\n", opt);
		}
		rv = (npicks || mine || theirs) ? EX_USAGE_ : BS_OK;
		if (rv)
			fprintf(stderr, "baosong resolve: %u field%s not picked; add --pick for %s or "
					"--mine / --theirs\n", open_fields, open_fields == 1 ? "" : "s",
				open_fields == 1 ? "it" : "them");
		goto usage;
	}
	rv = reconcile_resolve(a.db, &cf, &cur, pick, wire_now_ms(), &newseq);
	if (rv != BS_OK)
		goto dberr;
	printf("已解决冲突 settled conflict #%llu of ", (unsigned long long)seq);
	table_text(stdout, what, 0, NULL);
	printf(":");
	for (k = 0; k < m.n_conflicts; k++) {
		char opt[128];
		const char *zh;
		unsigned idx = (unsigned)(m.conflicts[k] - d->fields);
		field_names(cf.kind, m.conflicts[k], &zh, opt, sizeof opt);
		printf(" %s=%s", opt, pick[idx] == MERGE_MINE ? "mine" : "theirs");
	}
	if (newseq)
		printf("; queued as #%llu, `baosong sync` sends it\n", (unsigned long long)newseq);
	else
		printf("; the server's values stand, nothing to send\n");
	goto out;
usage:
	merge_result_free(&m);
	if (have_cur)
		lrecord_free(&cur);
	lconflict_free(&cf);
	app_close(&a);
	return rv;
dberr:
	fprintf(stderr, "baosong: 本地数据库错误 local database: %s\n", bs_strerror(rv));
out:
	merge_result_free(&m);
	if (have_cur)
		lrecord_free(&cur);
	if (have_cf)
		lconflict_free(&cf);
	app_close(&a);
	return cli_exit_code(rv);
}

int cmd_discard(int argc, char **argv)
{
	static const struct option opts[] = {{"dir", required_argument, 0, 'd'},
					     {"help", no_argument, 0, 'h'},
					     {0, 0, 0, 0}};
	const char *dir = NULL;
	struct app a;
	struct settle_discarded f;
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
			       "  Give up change #SEQ that the server refused (被拒; `baosong "
			       "status` lists them\n  with the reason).  The record gets back the "
			       "server's version, so this device\n  shows what the county holds "
			       "(a record the server never had is removed).\n  To send a "
			       "corrected version, change the record again afterwards.\n"
			       "Example:\n  baosong discard 17\n");
			return 0;
		default: return EX_USAGE_;
		}
	}
	if ((rv = parse_seq("discard", argc, argv, &seq)) != 0)
		return rv;
	app_blank(&a);
	if ((rv = app_open_cli(dir, &a, NULL)) != BS_OK)
		goto out;
	rv = settle_discard(a.db, seq, &f);
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
		switch (f.how) {
		case LDB_RESTORED:
			printf("  已恢复服务器版本 this device shows the server's version again\n");
			break;
		case LDB_REMOVED:
			printf("  服务器上没有这条记录，已从本机删除 the server never had it: removed "
			       "from this device\n");
			break;
		case LDB_NEED_PULL:
			printf("  下次同步时取回服务器版本 `baosong sync` fetches the server's "
			       "version\n");
			break;
		case LDB_KEPT:
			printf("  本机对这条记录还有其他修改 other changes of this device on the record "
			       "remain\n");
			break;
		default:
			break;
		}
	} else {
		printf("已丢弃 discarded #%llu\n", (unsigned long long)seq);
	}
	goto out;
dberr:
	fprintf(stderr, "baosong: 本地数据库错误 local database: %s\n", bs_strerror(rv));
out:
	settle_discarded_free(&f);
	app_close(&a);
	return cli_exit_code(rv);
}

/* fetch: client/cli/cmd_fetch.c */
