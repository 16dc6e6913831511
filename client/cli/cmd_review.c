/* cmd_review.c - the reviewer's commands (审核): baosong review list |
 * approve | return | reopen, and baosong period close | reopen.
 *
 * Reviews are online requests, not outbox operations: a reviewer at the
 * bureau acts on what the server holds now.  The record's revision the
 * reviewer saw (from the last sync) goes with the request; if the unit
 * changed the record since, the server refuses and the reviewer syncs
 * and looks again.  Which records a filter selects and what a reviewer
 * sees of each is decided in client/core/review.c; this file shows it. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "cli.h"
#include "cliutil.h"
#include "commands.h"
#include "err.h"
#include "explain.h"
#include "net.h"
#include "recid.h"
#include "records.h"
#include "review.h"
#include "review_act.h"
#include "sync.h"
#include "table.h"
#include "wire.h"

#define TIMEOUT_MS 30000u
#define ID_SHOW 8

static void sep(void)
{
	fputs("  ", stdout);
}

static void list_header(void)
{
	table_cell(stdout, "标识", ID_SHOW, 0);
	sep();
	table_cell(stdout, "单位", 12, 0);
	sep();
	table_cell(stdout, "类别", 6, 0);
	sep();
	table_cell(stdout, "项目", 22, 0);
	sep();
	table_cell(stdout, "期间", 8, 0);
	sep();
	table_cell(stdout, "主要数字(万元)", 38, 0);
	sep();
	table_cell(stdout, "照片", 4, 1);
	sep();
	fputs("状态\n", stdout);
}

static void list_row(const struct review_item *it)
{
	char photos[16];
	printf("%-*.*s", ID_SHOW, ID_SHOW, it->uid);
	sep();
	table_cell(stdout, it->unit_name, 12, 0);
	sep();
	table_cell(stdout, it->kind_zh, 6, 0);
	sep();
	table_cell(stdout, it->project, 22, 0);
	sep();
	table_cell(stdout, it->period, 8, 0);
	sep();
	table_cell(stdout, it->figures, 38, 0);
	sep();
	snprintf(photos, sizeof photos, "%u", it->photos);
	table_cell(stdout, photos, 4, 1);
	sep();
	fputs(review_state_zh(it->status, it->locked), stdout);
	if (it->comment[0]) {
		fputs("  意见: ", stdout);
		table_text(stdout, it->comment, 0, "");
	}
	fputc('\n', stdout);
}

/* Open a session with the stored settings (failures explained). */
static int connect_server(struct app *a, struct session *s, char *addr, size_t cap)
{
	struct app_server srv;
	int rv;
	if ((rv = app_server(a, &srv)) != BS_OK)
		return rv;
	snprintf(addr, cap, "%s", srv.addr);
	return app_connect(a, &srv, s, TIMEOUT_MS, 1);
}

/* Send req; explain an Error reply or a failure; return its code. */
static int call(struct session *s, const char *addr, Envelope *req, struct wire_arena *ar,
		Envelope **resp, int want)
{
	char msg[768];
	int rv = review_act_call(s, addr, req, ar, resp, want, msg, sizeof msg);
	if (rv != BS_OK)
		fprintf(stderr, "baosong: %s\n", msg);
	return rv;
}

/* Review one record (uid, known here) on the open session. */
static int review_one(struct app *a, struct session *s, const char *addr, int action,
		      const char *uid, const char *comment)
{
	char msg[768];
	uint64_t rev = 0;
	int fail, rv;

	rv = review_act_one(a->db, s, addr, action, uid, comment, &rev, &fail, msg, sizeof msg);
	if (rv == BS_OK && rev) {
		struct review_item it;
		if (review_item_of(a->db, uid, &it) == BS_OK) {
			printf("%s %.8s %s %s ", review_act_done(action), it.uid, it.unit_name,
			       it.kind_zh);
			table_text(stdout, it.project, 0, "");
			printf(" %s (rev %llu)\n", it.period, (unsigned long long)rev);
		} else {
			printf("%s %s (rev %llu)\n", review_act_done(action), uid,
			       (unsigned long long)rev);
		}
	} else if (rv != BS_OK) {
		if (msg[0])
			fprintf(stderr, "baosong: %s\n", msg);
		if (fail == REVIEW_ACT_SENT)
			fprintf(stderr, "baosong: %.8s 未处理 not done\n", uid);
	}
	return rv;
}

/* Explain why arg names no single record. */
static void explain_id(const char *arg, int rv, const struct recid_found *f)
{
	unsigned i;
	if (rv == BS_E_NOTFOUND) {
		fprintf(stderr, "baosong: 本机没有标识为 %s 的记录 no record %s on this device "
				"(baosong review list shows them; sync first)\n", arg, arg);
	} else if (rv == BS_E_INVAL && f->count > 1) {
		fprintf(stderr, "baosong: 标识 %s 不唯一 the id prefix %s matches %u records; give "
				"more characters:\n", arg, arg, f->count);
		for (i = 0; i < f->ncand; i++)
			fprintf(stderr, "  %s  %s\n", f->cand[i], f->cand_kind[i]);
	} else if (rv == BS_E_INVAL) {
		fprintf(stderr, "baosong: 标识无效 '%s' is not a record id: give the id, or at "
				"least its first %u characters\n", arg, RECID_PREFIX_MIN);
	} else {
		fprintf(stderr, "baosong: 读取本地数据失败 cannot read the local database: %s\n",
			bs_strerror(rv));
	}
}

static void review_usage(FILE *f)
{
	fprintf(f,
		"baosong review list [FILTER] [--all|--returned|--approved]\n"
		"baosong review approve ID... | FILTER\n"
		"baosong review return ID... | FILTER --comment TEXT\n"
		"baosong review reopen ID... | FILTER [--comment TEXT]\n"
		"  审核：供发改局审核人员（入库纳统佐证由统计局）使用。先同步 (baosong sync)：\n"
		"  服务器拒绝审核比它持有的版本更旧的记录。通过即锁定记录；退回的记录连同意见\n"
		"  在下次同步时回到填报单位。每次审核都记入审计日志。\n"
		"  For reviewers at the bureau (and the statistics bureau for statistics\n"
		"  evidence).  Sync first: the server refuses a review of a revision older\n"
		"  than the one it holds.  Approving locks the record; a returned record goes\n"
		"  back to its unit with the comment on its next sync.  Audited.\n"
		"  ID        记录标识或其前 %u 位以上 a record id or its first %u+ characters\n"
		"  FILTER    筛选 select by any of:\n"
		"    --unit CODE|NAME     单位 unit (code or name)\n"
		"    --kind KIND          类别 report|monthly|project|stats|deal|funding (周报 ...)\n"
		"    --period P           期间 2026-W47, 2026-11, 2026 (project plan year)\n"
		"    --state S            状态 pending|returned|approved|all (待审核|已退回|已通过|全部);\n"
		"                         list shows pending by default, approve acts on pending\n"
		"  --comment TEXT  意见 the reviewer's comment (required to return)\n"
		"  --dir DIR       data directory\n"
		"  review list shows each record's unit, project, period, key figures and the\n"
		"  number of photos.  Exit status: 0 all done, 66 no such record, 77 refused,\n"
		"  75 server unreachable (try later), 64 usage.\n"
		"Examples:\n"
		"  baosong review list --unit xinzhen --kind report --period 2026-W47\n"
		"  baosong review approve --unit dongguan --period 2026-W47\n"
		"  baosong review approve 3fa9c1d2 7b01e4aa\n"
		"  baosong review return 3fa9c1d2 --comment \"本年累计投资有误\"\n",
		RECID_PREFIX_MIN, RECID_PREFIX_MIN);
}

enum { O_UNIT = 256, O_KIND, O_PERIOD, O_STATE };

int cmd_review(int argc, char **argv)
{
	static const struct option opts[] = {{"dir", required_argument, 0, 'd'},
					     {"comment", required_argument, 0, 'c'},
					     {"unit", required_argument, 0, O_UNIT},
					     {"kind", required_argument, 0, O_KIND},
					     {"period", required_argument, 0, O_PERIOD},
					     {"state", required_argument, 0, O_STATE},
					     {"all", no_argument, 0, 'A'},
					     {"returned", no_argument, 0, 'R'},
					     {"approved", no_argument, 0, 'P'},
					     {"help", no_argument, 0, 'h'},
					     {0, 0, 0, 0}};
	const char *dir = NULL, *comment = NULL, *sub;
	struct review_filter f = {NULL, NULL, NULL, -1};
	struct review_item *items = NULL;
	size_t nitems = 0, i;
	char (*uids)[REC_UID_LEN + 1] = NULL;
	size_t nuids = 0;
	char addr[300] = "";
	struct session s;
	struct app a;
	int c, rv = BS_OK, action, filtered = 0, connected = 0, first_err = BS_OK;
	unsigned done = 0, failed = 0;

	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		review_usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? EX_USAGE_ : 0;
	}
	sub = argv[1];
	argc--;
	argv++;
	cli_name_argv(argv, "baosong review");
	while ((c = getopt_long(argc, argv, "d:c:h", opts, NULL)) != -1) {
		switch (c) {
		case 'd': dir = optarg; break;
		case 'c': comment = optarg; break;
		case O_UNIT: f.unit = optarg; filtered = 1; break;
		case O_KIND:
			if (!review_kind_parse(optarg)) {
				fprintf(stderr, "baosong review: --kind %s: 不是审核的类别 not a reviewed "
						"kind (report, monthly, project, stats, deal, "
						"funding)\n", optarg);
				return EX_USAGE_;
			}
			f.kind = optarg;
			filtered = 1;
			break;
		case O_PERIOD: f.period = optarg; filtered = 1; break;
		case O_STATE:
			if ((f.state = review_state_parse(optarg)) < 0) {
				fprintf(stderr, "baosong review: --state pending|returned|approved|all\n");
				return EX_USAGE_;
			}
			break;
		case 'A': f.state = REVIEW_ANY; break;
		case 'R': f.state = REVIEW_RETURNED; break;
		case 'P': f.state = REVIEW_APPROVED; break;
		case 'h': review_usage(stdout); return 0;
		default: review_usage(stderr); return EX_USAGE_;
		}
	}
	if (!strcmp(sub, "list"))
		action = 0;
	else if (!strcmp(sub, "approve"))
		action = BAOSONG__V1__REVIEW_ACTION__REVIEW_APPROVE;
	else if (!strcmp(sub, "return"))
		action = BAOSONG__V1__REVIEW_ACTION__REVIEW_RETURN;
	else if (!strcmp(sub, "reopen"))
		action = BAOSONG__V1__REVIEW_ACTION__REVIEW_REOPEN;
	else {
		review_usage(stderr);
		return EX_USAGE_;
	}
	if (f.state < 0)
		f.state = action == 0 || action == BAOSONG__V1__REVIEW_ACTION__REVIEW_APPROVE
				  ? REVIEW_PENDING
				  : REVIEW_ANY;
	if (action && optind >= argc && !filtered) {
		fprintf(stderr, "baosong review %s: 哪些记录？which records? give IDs or a filter "
				"(--unit, --kind, --period; see --help)\n", sub);
		return EX_USAGE_;
	}
	if (action && optind < argc && filtered) {
		fprintf(stderr, "baosong review %s: give IDs or a filter, not both\n", sub);
		return EX_USAGE_;
	}
	if (!action && optind < argc) {
		fprintf(stderr, "baosong review list: unexpected '%s' (filters: --unit, --kind, "
				"--period, --state)\n", argv[optind]);
		return EX_USAGE_;
	}
	if (action == BAOSONG__V1__REVIEW_ACTION__REVIEW_RETURN && (!comment || !*comment)) {
		fprintf(stderr, "baosong review return: 请写明退回意见 give --comment: the unit "
				"needs to know what to fix\n");
		return EX_USAGE_;
	}
	app_blank(&a);
	if ((rv = app_open_cli(dir, &a, NULL)) != BS_OK) {
		app_close(&a);
		return cli_exit_code(rv);
	}
	if (!action || filtered) {
		rv = review_collect(a.db, &f, &items, &nitems);
		if (rv == BS_E_NOTFOUND) {
			fprintf(stderr, "baosong: 没有单位 %s no unit '%s' on this device (code or "
					"name as `baosong unit list` shows; sync first)\n", f.unit,
				f.unit);
			goto out;
		}
		if (rv != BS_OK) {
			cli_db_error(rv);
			goto out;
		}
	}
	if (!action) {
		if (nitems)
			list_header();
		for (i = 0; i < nitems; i++)
			list_row(&items[i]);
		printf("共 %zu 条 %s records%s\n", nitems, review_state_zh(f.state, 0)[0] == '-'
								   ? "全部"
								   : review_state_zh(f.state, 0),
		       f.state == REVIEW_PENDING ? " awaiting review (run baosong sync first to see "
						   "the newest)" : "");
		rv = cli_write_error();
		goto out;
	}
	/* The records to act on: the filter's, or each ID resolved. */
	if (filtered) {
		if (nitems == 0) {
			printf("没有符合条件的记录 no record matches (sync first?)\n");
			goto out;
		}
		if (!(uids = calloc(nitems, sizeof *uids))) {
			rv = BS_E_NOMEM;
			goto out;
		}
		for (i = 0; i < nitems; i++)
			memcpy(uids[nuids++], items[i].uid, sizeof uids[0]);
	} else {
		size_t want = (size_t)(argc - optind);
		if (!(uids = calloc(want, sizeof *uids))) {
			rv = BS_E_NOMEM;
			goto out;
		}
		for (i = 0; i < want; i++) {
			struct recid_found found;
			const struct rec_kind *k;
			struct lrecord lr;
			rv = recid_record(a.db, NULL, argv[optind + (int)i], &found);
			if (rv != BS_OK) {
				explain_id(argv[optind + (int)i], rv, &found);
				goto out;
			}
			if (localdb_record_get(a.db, found.uid, &lr) == BS_OK) {
				k = records_kind(lr.kind);
				if (!k || !k->reviewed) {
					fprintf(stderr, "baosong: %s 是%s，不经审核 is a %s, which is not "
							"reviewed\n", found.uid,
						k ? k->label_zh : lr.kind, lr.kind);
					lrecord_free(&lr);
					rv = BS_E_INVAL;
					goto out;
				}
				lrecord_free(&lr);
			}
			memcpy(uids[nuids++], found.uid, sizeof uids[0]);
		}
	}
	if ((rv = connect_server(&a, &s, addr, sizeof addr)) != BS_OK)
		goto out;
	connected = 1;
	for (i = 0; i < nuids; i++) {
		int r1 = review_one(&a, &s, addr, action, uids[i], comment);
		if (r1 == BS_OK) {
			done++;
			continue;
		}
		failed++;
		if (first_err == BS_OK)
			first_err = r1;
		/* The connection is gone: the rest would fail the same way. */
		if (review_act_conn_lost(r1))
			break;
	}
	if (nuids > 1 || failed)
		printf("%s %u 条，未完成 %u 条 %u done, %zu not done\n", review_act_done(action), done,
		       (unsigned)(nuids - done), done, nuids - done);
	rv = first_err;
out:
	if (connected)
		session_close(&s);
	free(items);
	free(uids);
	app_close(&a);
	return cli_exit_code(rv);
}

int cmd_period(int argc, char **argv)
{
	const char *dir = NULL;
	struct app a;
	struct session s;
	Envelope req = BAOSONG__V1__ENVELOPE__INIT, *resp = NULL;
	Baosong__V1__PeriodRequest pq = BAOSONG__V1__PERIOD_REQUEST__INIT;
	struct wire_arena ar;
	char addr[300] = "";
	int rv, i, close_it;
	const char *pos[3];
	int npos = 0;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--dir") && i + 1 < argc)
			dir = argv[++i];
		else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			printf("baosong period close|reopen weekly_report|monthly_report PERIOD "
			       "[--dir DIR]\n"
			       "  关闭报送期间（其报告不能再修改）或重新开放。仅限审核人员和管理员；"
			       "记入审计日志。\n"
			       "  Close a reporting period (its reports can no longer be changed) "
			       "or reopen it.\n  Reviewers and administrators only; audited.\n"
			       "Example:\n  baosong period close weekly_report 2026-W47\n");
			return 0;
		} else if (npos < 3)
			pos[npos++] = argv[i];
		else
			return EX_USAGE_;
	}
	if (npos != 3 || (strcmp(pos[0], "close") && strcmp(pos[0], "reopen"))) {
		fprintf(stderr, "usage: baosong period close|reopen KIND PERIOD (see --help)\n");
		return EX_USAGE_;
	}
	close_it = !strcmp(pos[0], "close");
	app_blank(&a);
	if ((rv = app_open_cli(dir, &a, NULL)) != BS_OK) {
		app_close(&a);
		return cli_exit_code(rv);
	}
	pq.kind = (char *)pos[1];
	pq.period = (char *)pos[2];
	pq.close = close_it;
	req.body_case = BAOSONG__V1__ENVELOPE__BODY_PERIOD;
	req.period = &pq;
	if ((rv = connect_server(&a, &s, addr, sizeof addr)) == BS_OK) {
		rv = call(&s, addr, &req, &ar, &resp, BAOSONG__V1__ENVELOPE__BODY_PERIOD_RESPONSE);
		if (rv == BS_OK) {
			printf("%s %s %s\n", pq.kind, pq.period,
			       resp->period_response->closed ? "已关闭 closed" : "已开放 reopened");
			wire_envelope_free(resp, &ar);
		}
		session_close(&s);
	}
	app_close(&a);
	return cli_exit_code(rv);
}
