/* cmd_review.c - the reviewer's commands (审核): baosong review list |
 * approve | return | reopen, and baosong period close | reopen.
 *
 * Reviews are online requests, not outbox operations: a reviewer at the
 * bureau acts on what the server holds now.  The record's revision the
 * reviewer saw (from the last sync) goes with the request; if the unit
 * changed the record since, the server refuses and the reviewer syncs
 * and looks again. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "cli.h"
#include "commands.h"
#include "err.h"
#include "net.h"
#include "records.h"
#include "sync.h"
#include "table.h"
#include "wire.h"

#define TIMEOUT_MS 30000u

static const char *status_label(int st, int locked)
{
	if (locked)
		return "已通过(锁定)";
	switch (st) {
	case 1: return "待审核";
	case 2: return "已退回";
	case 3: return "已通过";
	default: return "-";
	}
}

struct list_ctx {
	int want;   /* review status to list; -1: all reviewed kinds */
	unsigned n;
};

static int list_one(void *ctx, const struct lrecord *r)
{
	struct list_ctx *lc = ctx;
	const struct rec_kind *k = records_kind(r->kind);
	if (!k || !k->reviewed)
		return 0;
	if (lc->want >= 0 && r->review_status != lc->want)
		return 0;
	printf("%-32s  %-14s  rev %-4llu  %s%s%s\n", r->uid, k->label_zh,
	       (unsigned long long)r->rev, status_label(r->review_status, r->locked),
	       r->review_comment[0] ? "  意见: " : "", r->review_comment);
	lc->n++;
	return 0;
}

static int review_list(struct app *a, int argc, char **argv)
{
	struct list_ctx lc = {1, 0};
	int i;
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--all"))
			lc.want = -1;
		else if (!strcmp(argv[i], "--returned"))
			lc.want = 2;
		else if (!strcmp(argv[i], "--approved"))
			lc.want = 3;
	}
	localdb_record_each(a->db, NULL, 0, list_one, &lc);
	printf("共 %u 条 %s\n", lc.n,
	       lc.want == 1 ? "待审核 awaiting review (run baosong sync first to see the newest)"
			    : "records");
	return 0;
}

/* Open a session with the stored settings. */
static int connect_server(struct app *a, struct session *s)
{
	struct app_server srv;
	int rv;
	if ((rv = app_server(a, &srv)) != BS_OK)
		return rv;
	return app_connect(a, &srv, s, TIMEOUT_MS, 1);
}

/* Send req; print an Error reply; return its code. */
static int call(struct session *s, Envelope *req, struct wire_arena *ar, Envelope **resp,
		int want)
{
	int rv;
	wire_arena_init(ar, WIRE_DECODE_MEM_MAX);
	rv = session_call(s, req, ar, resp);
	if (rv != BS_OK) {
		fprintf(stderr, "baosong: %s\n", bs_strerror(rv));
		return rv;
	}
	if ((*resp)->body_case == BAOSONG__V1__ENVELOPE__BODY_ERROR) {
		rv = wire_error_code((*resp)->error);
		fprintf(stderr, "baosong: 服务器拒绝 refused: %s%s%s [%s]\n",
			(*resp)->error->message,
			(*resp)->error->detail && *(*resp)->error->detail ? " - " : "",
			(*resp)->error->detail ? (*resp)->error->detail : "", bs_errname(rv));
		wire_envelope_free(*resp, ar);
		*resp = NULL;
		return rv;
	}
	if ((int)(*resp)->body_case != want) {
		wire_envelope_free(*resp, ar);
		*resp = NULL;
		return BS_E_PROTO;
	}
	return BS_OK;
}

static int review_act(struct app *a, int action, const char *uid_arg, const char *comment)
{
	struct lrecord lr;
	struct session s;
	Envelope req = BAOSONG__V1__ENVELOPE__INIT, *resp = NULL;
	Baosong__V1__ReviewRequest rq = BAOSONG__V1__REVIEW_REQUEST__INIT;
	struct wire_arena ar;
	int rv;

	if ((rv = localdb_record_get(a->db, uid_arg, &lr)) != BS_OK) {
		fprintf(stderr, "baosong: no record %s here (uid as listed by `baosong review "
				"list`; sync first)\n", uid_arg);
		return rv;
	}
	rq.uid = lr.uid;
	rq.action = (Baosong__V1__ReviewAction)action;
	rq.comment = (char *)(comment ? comment : "");
	rq.base_rev = lr.rev;
	req.body_case = BAOSONG__V1__ENVELOPE__BODY_REVIEW;
	req.review = &rq;
	if ((rv = connect_server(a, &s)) != BS_OK) {
		lrecord_free(&lr);
		return rv;
	}
	rv = call(&s, &req, &ar, &resp, BAOSONG__V1__ENVELOPE__BODY_REVIEW_RESPONSE);
	if (rv == BS_OK && resp->review_response->record) {
		/* Keep what the server now holds. */
		const Baosong__V1__Record *r = resp->review_response->record;
		struct lrecord nr = lr;
		nr.rev = r->rev;
		nr.review_status = (int)r->review_status;
		snprintf(nr.review_comment, sizeof nr.review_comment, "%s",
			 r->review_comment ? r->review_comment : "");
		nr.reviewed_at = r->reviewed_at_ms;
		nr.locked = r->locked;
		rv = localdb_apply_remote(a->db, &nr);
		printf("%s %s: %s (rev %llu)\n",
		       action == BAOSONG__V1__REVIEW_ACTION__REVIEW_APPROVE ? "已审核通过 approved"
		       : action == BAOSONG__V1__REVIEW_ACTION__REVIEW_RETURN ? "已退回 returned"
									    : "已重新开放 reopened",
		       lr.kind, lr.uid, (unsigned long long)r->rev);
	}
	if (resp)
		wire_envelope_free(resp, &ar);
	session_close(&s);
	lrecord_free(&lr);
	return rv;
}

static void review_usage(FILE *f)
{
	fprintf(f, "baosong review list [--all|--returned|--approved]\n"
		   "baosong review approve UID\n"
		   "baosong review return UID --comment TEXT\n"
		   "baosong review reopen UID [--comment TEXT]\n"
		   "  For reviewers (审核) at the bureau, and the statistics bureau for\n"
		   "  statistics-registration evidence.  Sync first: the server refuses a\n"
		   "  review of a revision older than the one it holds.  Approving locks\n"
		   "  the record; a returned record goes back to its unit with the comment\n"
		   "  on its next sync.  Each action is in the audit trail.\n"
		   "  Example: baosong review return 3fa9c1d2... --comment \"本年累计投资有误\"\n");
}

int cmd_review(int argc, char **argv)
{
	static const struct option opts[] = {{"dir", required_argument, 0, 'd'},
					     {"comment", required_argument, 0, 'c'},
					     {"all", no_argument, 0, 'A'},
					     {"returned", no_argument, 0, 'R'},
					     {"approved", no_argument, 0, 'P'},
					     {"help", no_argument, 0, 'h'},
					     {0, 0, 0, 0}};
	const char *dir = NULL, *comment = NULL, *sub;
	struct app a;
	int c, rv, action;

	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		review_usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? EX_USAGE_ : 0;
	}
	sub = argv[1];
	argc--;
	argv++;
	while ((c = getopt_long(argc, argv, "d:c:h", opts, NULL)) != -1) {
		switch (c) {
		case 'd': dir = optarg; break;
		case 'c': comment = optarg; break;
		case 'h': review_usage(stdout); return 0;
		case 'A':
		case 'R':
		case 'P':
			if (!strcmp(sub, "list"))
				break;
			review_usage(stderr);
			return EX_USAGE_;
		default:
			review_usage(stderr);
			return EX_USAGE_;
		}
	}
	if ((rv = app_init(&a, dir, 0)) != BS_OK || (rv = app_open_db(&a)) != BS_OK) {
		fprintf(stderr, "baosong: %s\n", bs_strerror(rv));
		return cli_exit_code(rv);
	}
	if (!strcmp(sub, "list")) {
		rv = review_list(&a, argc, argv);
		app_close(&a);
		return rv;
	}
	if (!strcmp(sub, "approve"))
		action = BAOSONG__V1__REVIEW_ACTION__REVIEW_APPROVE;
	else if (!strcmp(sub, "return"))
		action = BAOSONG__V1__REVIEW_ACTION__REVIEW_RETURN;
	else if (!strcmp(sub, "reopen"))
		action = BAOSONG__V1__REVIEW_ACTION__REVIEW_REOPEN;
	else {
		review_usage(stderr);
		app_close(&a);
		return EX_USAGE_;
	}
	if (optind >= argc) {
		fprintf(stderr, "baosong review %s: which record? (UID)\n", sub);
		app_close(&a);
		return EX_USAGE_;
	}
	if (action == BAOSONG__V1__REVIEW_ACTION__REVIEW_RETURN && (!comment || !*comment)) {
		fprintf(stderr, "baosong review return: give --comment: the unit needs to know "
				"what to fix\n");
		app_close(&a);
		return EX_USAGE_;
	}
	rv = review_act(&a, action, argv[optind], comment);
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
	int rv, i, close_it;
	const char *pos[3];
	int npos = 0;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--dir") && i + 1 < argc)
			dir = argv[++i];
		else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			printf("baosong period close|reopen weekly_report|monthly_report PERIOD\n"
			       "  Close a reporting period (its reports can no longer be changed) "
			       "or reopen it.\n  Reviewers and administrators only; audited.\n"
			       "  Example: baosong period close weekly_report 2026-W47\n");
			return 0;
		} else if (npos < 3)
			pos[npos++] = argv[i];
		else
			return EX_USAGE_;
	}
	if (npos != 3 || (strcmp(pos[0], "close") && strcmp(pos[0], "reopen"))) {
		fprintf(stderr, "usage: baosong period close|reopen KIND PERIOD\n");
		return EX_USAGE_;
	}
	close_it = !strcmp(pos[0], "close");
	if ((rv = app_init(&a, dir, 0)) != BS_OK || (rv = app_open_db(&a)) != BS_OK)
		return cli_exit_code(rv);
	pq.kind = (char *)pos[1];
	pq.period = (char *)pos[2];
	pq.close = close_it;
	req.body_case = BAOSONG__V1__ENVELOPE__BODY_PERIOD;
	req.period = &pq;
	if ((rv = connect_server(&a, &s)) == BS_OK) {
		rv = call(&s, &req, &ar, &resp, BAOSONG__V1__ENVELOPE__BODY_PERIOD_RESPONSE);
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
