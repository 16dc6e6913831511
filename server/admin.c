/* admin.c - `baosongd init | unit | token | device | backup | audit`: the
 * administrator's commands, run on the server machine against the database
 * file (--db, default baosong.db).  Output is for people (Chinese names
 * print as UTF-8) with --csv where a table may go on to a spreadsheet.
 * Times are shown in Asia/Shanghai (UTC+8, no daylight saving).
 *
 * Every change made here is written to the audit trail in the same
 * transaction as the change itself (actor unit/device/role 0: the
 * command line): unit.add (and the unit's public record, record.put),
 * token.create (never the token), device.add, device.revoke. */
#include "admin.h"

#include <errno.h>
#include <getopt.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "backup.h"
#include "cli.h"
#include "clock.h"
#include "err.h"
#include "keys.h"
#include "log.h"
#include "period.h"
#include "records.h"
#include "store.h"
#include "token.h"

#define DEFAULT_DB "baosong.db"
#define DEFAULT_TOKEN_TTL_MS (7 * DAY_MS)
#define MAX_TOKEN_TTL_MS (366 * DAY_MS)
#define WHEN_LEN ADMIN_WHEN_LEN
#define now_ms admin_now_ms
#define format_local admin_format_local
#define open_db admin_open_db
#define audit_cli admin_audit
#define finish admin_finish
#define fail admin_fail
#define usage_error admin_usage_error

struct name {
	const char *en;
	const char *zh;
};

static const struct name role_names[] = {
	[ROLE_REPORTER] = {"reporter", "填报"},     [ROLE_REVIEWER] = {"reviewer", "审核"},
	[ROLE_STATISTICS] = {"statistics", "统计"}, [ROLE_LEADER] = {"leader", "领导"},
	[ROLE_ADMIN] = {"admin", "管理员"},
};

static const struct name type_names[] = {
	[UNIT_TOWNSHIP] = {"township", "乡镇"},
	[UNIT_DEPARTMENT] = {"department", "部门"},
	[UNIT_BUREAU] = {"bureau", "局"},
	[UNIT_SOE] = {"soe", "国企"},
};

#define N_ROLES ((int)(sizeof role_names / sizeof role_names[0]))
#define N_TYPES ((int)(sizeof type_names / sizeof type_names[0]))

/* Index of s (English or Chinese) in table[1..n-1], or 0. */
static int name_lookup(const struct name *table, int n, const char *s)
{
	int i;
	for (i = 1; i < n; i++)
		if (!strcmp(s, table[i].en) || !strcmp(s, table[i].zh))
			return i;
	return 0;
}

static const char *name_en(const struct name *table, int n, int i)
{
	return i > 0 && i < n ? table[i].en : "?";
}

/* ---- output helpers ---- */

#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
/* Print "baosongd: <what>: <reason>" and return the exit status for rv. */
int admin_fail(int rv, const char *fmt, ...)
{
	va_list ap;
	fputs("baosongd: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	/* BS_E_CONFLICT's text speaks of records; the message says what is taken. */
	if (rv == BS_E_CONFLICT) {
		fputc('\n', stderr);
		return 65; /* a taken name or key is bad input here, not a bug */
	}
	fprintf(stderr, ": %s (%s)\n", bs_strerror_zh(rv), bs_strerror(rv));
	return cli_exit_code(rv);
}

#if defined(__GNUC__)
__attribute__((format(printf, 1, 2)))
#endif
int admin_usage_error(const char *fmt, ...)
{
	va_list ap;
	fputs("baosongd: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return EX_USAGE_;
}

/* One CSV field (RFC 4180): quoted when it holds a comma, quote or newline. */
static void csv_field(const char *s, int last)
{
	if (strpbrk(s, ",\"\r\n")) {
		putchar('"');
		for (; *s; s++) {
			if (*s == '"')
				putchar('"');
			putchar(*s);
		}
		putchar('"');
	} else {
		fputs(s, stdout);
	}
	putchar(last ? '\n' : ',');
}

int64_t admin_now_ms(void)
{
	return bs_now_ms();
}

/* "YYYY-MM-DD HH:MM" (or with seconds) in Asia/Shanghai. */
void admin_format_local(int64_t ms, int seconds, char out[ADMIN_WHEN_LEN])
{
	int64_t days = period_local_days(ms);
	int64_t in_day = (ms + SHANGHAI_OFFSET_MS - days * DAY_MS) / 1000;
	char date[11];
	int h = (int)(in_day / 3600), m = (int)(in_day / 60 % 60), s = (int)(in_day % 60);

	period_format_date(days, date);
	if (seconds)
		snprintf(out, WHEN_LEN, "%s %02d:%02d:%02d", date, h % 100, m, s);
	else
		snprintf(out, WHEN_LEN, "%s %02d:%02d", date, h % 100, m);
}

/* ---- the database ---- */

/* Open the database of an administrator command.  Only init may create
 * it: a mistyped --db must not silently start an empty database. */
int admin_open_db(const char *path, int readonly, struct store **st)
{
	struct stat sb;
	int rv;

	if (stat(path, &sb) != 0) {
		rv = errno == ENOENT ? BS_E_NOTFOUND : BS_E_IO;
		fprintf(stderr, "baosongd: no database at %s: %s (%s)\n"
			"  (create it with: baosongd init --db %s)\n",
			path, bs_strerror_zh(rv), strerror(errno), path);
		return cli_exit_code(rv);
	}
	rv = store_open(path, readonly, st);
	if (rv == BS_E_VERSION)
		return fail(rv, "%s has another schema version than this baosongd (%d); "
				"run baosongd init --db %s to migrate an older one",
			    path, store_schema_version(), path);
	if (rv == BS_E_NOTFOUND)
		return fail(rv, "cannot open %s: its audit key %s.audit-key is missing; restore it "
				"from the backup it was saved with (审计密钥缺失)", path, path);
	if (rv == BS_E_KEYPERM)
		return fail(rv, "cannot open %s: its audit key %s.audit-key must be readable by "
				"the owner only: chmod 600 %s.audit-key", path, path, path);
	if (rv != BS_OK)
		return fail(rv, "cannot open %s", path);
	return 0;
}

/* ---- audit rows of these commands ---- */

/* Append one row for a change made from the command line (actor 0s). */
int admin_audit(struct store *st, int64_t now, const char *action, const char *kind,
		     const char *subject, uint64_t rev, const uint8_t *after, size_t after_len,
		     const char *detail)
{
	struct audit_entry e;
	memset(&e, 0, sizeof e);
	e.at = now;
	e.action = action;
	e.kind = kind;
	e.subject = subject;
	e.rev = rev;
	e.after = after;
	e.after_len = after_len;
	e.detail = detail;
	return store_audit_append(st, &e);
}

int admin_audit_record(struct store *st, int64_t now, const struct record *r)
{
	struct audit_entry e;
	memset(&e, 0, sizeof e);
	e.at = now;
	e.action = "record.put";
	e.kind = r->kind;
	e.subject = r->uid;
	e.rev = r->rev;
	e.after = r->data;
	e.after_len = r->data_len;
	e.owner = r->unit_id;
	return store_audit_append(st, &e);
}

void admin_record_uid(char out[REC_UID_LEN + 1])
{
	records_new_uid(out);
}

/* Finish a transaction: commit when rv is BS_OK, roll back otherwise. */
int admin_finish(struct store *st, int rv)
{
	if (rv == BS_OK)
		return store_commit(st);
	store_rollback(st);
	return rv;
}

static int parse_role(const char *s, int *role)
{
	*role = name_lookup(role_names, N_ROLES, s);
	if (*role)
		return 0;
	return usage_error("--role must be reporter|reviewer|statistics|leader|admin "
			   "(填报|审核|统计|领导|管理员), got '%s'", s);
}

/* Look a unit up by code, explaining a miss. */
static int find_unit(struct store *st, const char *code, struct unit *u)
{
	int rv = store_unit_by_code(st, code, u);
	if (rv == BS_E_NOTFOUND)
		return fail(BS_E_NOTFOUND, "no unit with code '%s' (see baosongd unit list)", code);
	if (rv != BS_OK)
		return fail(rv, "cannot look up unit '%s'", code);
	return 0;
}

/* ---- init ---- */

static void init_usage(FILE *f)
{
	fprintf(f, "Usage: baosongd init [--db FILE]\n"
		   "  Create the database FILE (default " DEFAULT_DB "), or bring an existing\n"
		   "  one up to this program's schema.  Safe to run again.\n");
}

static int cmd_init(int argc, char **argv)
{
	static const struct option opts[] = {{"db", required_argument, 0, 'd'},
					     {"help", no_argument, 0, 'h'},
					     {0, 0, 0, 0}};
	const char *db = DEFAULT_DB;
	struct store *st = NULL;
	struct stat sb;
	int c, rv, existed;

	while ((c = getopt_long(argc, argv, "d:h", opts, NULL)) != -1) {
		switch (c) {
		case 'd': db = optarg; break;
		case 'h': init_usage(stdout); return 0;
		default: init_usage(stderr); return EX_USAGE_;
		}
	}
	if (optind != argc)
		return usage_error("init: unexpected argument '%s'", argv[optind]);
	existed = stat(db, &sb) == 0;
	rv = store_open(db, 0, &st);
	if (rv != BS_OK)
		return fail(rv, "cannot %s database %s", existed ? "open" : "create", db);
	store_close(st);
	printf("%s %s (schema version %d)\n", existed ? "数据库已就绪 database ready:"
						      : "已创建数据库 created database:",
	       db, store_schema_version());
	printf("审计密钥 audit key: %s.audit-key (keep it with every backup of the database)\n",
	       db);
	return 0;
}

/* ---- unit ---- */

static void unit_usage(FILE *f)
{
	fprintf(f,
		"Usage:\n"
		"  baosongd unit add --code CODE --name NAME --type TYPE --region REGION\n"
		"                    [--db FILE]\n"
		"      Register a reporting unit (单位).\n"
		"      CODE    short stable code: a-z 0-9 _ . - (at most 32), e.g. xinzhen, fgj\n"
		"      NAME    the unit's name as people write it, e.g. 新镇人民政府 (<= 200 bytes)\n"
		"      TYPE    township|department|bureau|soe (乡镇|部门|局|国企)\n"
		"      REGION  6-digit administrative division code, e.g. 610123\n"
		"  baosongd unit list [--csv] [--db FILE]\n"
		"      Show every unit: id, code, type, region, name.  --csv writes\n"
		"      comma-separated UTF-8 (add --bom for Excel/WPS).\n"
		"Default FILE: " DEFAULT_DB "\n");
}

/* In the caller's transaction: add u, publish it to every device as a
 * record of kind "unit" (data: its UnitInfo), and audit both.  *id gets
 * the new unit's id; *uid the record's. */
static int unit_add_published(struct store *st, struct unit *u, int64_t now, int64_t *id,
			      char uid[REC_UID_LEN + 1])
{
	Baosong__V1__UnitInfo info = BAOSONG__V1__UNIT_INFO__INIT;
	struct record r;
	uint8_t *data = NULL;
	size_t len;
	int rv;

	if ((rv = store_unit_add(st, u, id)) != BS_OK)
		return rv;
	info.code = u->code;
	info.name = u->name;
	info.type = (Baosong__V1__UnitType)u->type; /* the same numbers */
	info.region = u->region;
	len = baosong__v1__unit_info__get_packed_size(&info);
	if (!(data = malloc(len ? len : 1)))
		return BS_E_NOMEM;
	baosong__v1__unit_info__pack(&info, data);

	/* Random, not derived from the code: a uid anyone could compute would
	 * let a device create a record under it first (the unit code's
	 * uniqueness already keeps a unit from being published twice). */
	admin_record_uid(uid);
	memset(&r, 0, sizeof r);
	snprintf(r.kind, sizeof r.kind, "%s", REC_KIND_UNIT);
	snprintf(r.uid, sizeof r.uid, "%s", uid);
	r.unit_id = *id;
	r.data = data;
	r.data_len = len;
	if ((rv = audit_cli(st, now, "unit.add", "", u->code, 0, data, len, NULL)) != BS_OK ||
	    (rv = store_record_put(st, &r, 0, now)) != BS_OK ||
	    (rv = admin_audit_record(st, now, &r)) != BS_OK)
		goto out;
out:
	free(data);
	return rv;
}

static int cmd_unit_add(int argc, char **argv)
{
	static const struct option opts[] = {
		{"db", required_argument, 0, 'd'},   {"code", required_argument, 0, 'c'},
		{"name", required_argument, 0, 'n'}, {"type", required_argument, 0, 't'},
		{"region", required_argument, 0, 'r'}, {"help", no_argument, 0, 'h'},
		{0, 0, 0, 0}};
	const char *db = DEFAULT_DB, *code = NULL, *name = NULL, *type = NULL, *region = NULL;
	char uid[REC_UID_LEN + 1];
	struct store *st = NULL;
	struct unit u;
	int64_t id = 0;
	int c, rv, ex;

	while ((c = getopt_long(argc, argv, "d:c:n:t:r:h", opts, NULL)) != -1) {
		switch (c) {
		case 'd': db = optarg; break;
		case 'c': code = optarg; break;
		case 'n': name = optarg; break;
		case 't': type = optarg; break;
		case 'r': region = optarg; break;
		case 'h': unit_usage(stdout); return 0;
		default: unit_usage(stderr); return EX_USAGE_;
		}
	}
	if (optind != argc)
		return usage_error("unit add: unexpected argument '%s'", argv[optind]);
	if (!code || !name || !type || !region)
		return usage_error("unit add needs --code, --name, --type and --region "
				   "(baosongd unit --help)");
	memset(&u, 0, sizeof u);
	if (strlen(code) > STORE_CODE_MAX)
		return usage_error("--code is at most %d characters", STORE_CODE_MAX);
	if (strlen(name) > STORE_NAME_MAX)
		return usage_error("--name is at most %d bytes (about %d Chinese characters)",
				   STORE_NAME_MAX, STORE_NAME_MAX / 3);
	if (!*name)
		return usage_error("--name must not be empty");
	if (strlen(region) != 6 || strspn(region, "0123456789") != 6)
		return usage_error("--region must be 6 digits (行政区划代码), got '%s'", region);
	u.type = name_lookup(type_names, N_TYPES, type);
	if (!u.type)
		return usage_error("--type must be township|department|bureau|soe "
				   "(乡镇|部门|局|国企), got '%s'", type);
	memcpy(u.code, code, strlen(code) + 1);
	memcpy(u.name, name, strlen(name) + 1);
	memcpy(u.region, region, 7);

	if ((ex = open_db(db, 0, &st)) != 0)
		return ex;
	rv = store_begin(st);
	if (rv == BS_OK)
		rv = finish(st, unit_add_published(st, &u, now_ms(), &id, uid));
	if (rv == BS_E_CONFLICT)
		ex = fail(rv, "单位代码已被使用 unit code '%s' is taken", code);
	else if (rv == BS_E_INVAL)
		ex = fail(rv, "invalid unit: the code takes a-z 0-9 _ . - and starts with a letter "
			      "or digit; the name is text without control characters");
	else if (rv != BS_OK)
		ex = fail(rv, "cannot add unit '%s'", code);
	else
		printf("已添加单位 added unit %lld: %s %s (%s %s, region %s)\n"
		       "published to every device as record %s (kind unit)\n", (long long)id,
		       u.code, u.name, type_names[u.type].en, type_names[u.type].zh, u.region,
		       uid);
	store_close(st);
	return ex;
}

static int print_unit(void *ctx, const struct unit *u)
{
	const int *csv = ctx;
	char id[24];
	if (*csv) {
		snprintf(id, sizeof id, "%lld", (long long)u->id);
		csv_field(id, 0);
		csv_field(u->code, 0);
		csv_field(name_en(type_names, N_TYPES, u->type), 0);
		csv_field(u->region, 0);
		csv_field(u->name, 1);
	} else {
		printf("%5lld  %-20s  %-10s  %-6s  %s\n", (long long)u->id, u->code,
		       name_en(type_names, N_TYPES, u->type), u->region, u->name);
	}
	return 0;
}

static int cmd_unit_list(int argc, char **argv)
{
	static const struct option opts[] = {{"db", required_argument, 0, 'd'},
					     {"csv", no_argument, 0, 'c'},
					     {"bom", no_argument, 0, 'b'},
					     {"help", no_argument, 0, 'h'},
					     {0, 0, 0, 0}};
	const char *db = DEFAULT_DB;
	struct store *st = NULL;
	int c, rv, ex, csv = 0, bom = 0;

	while ((c = getopt_long(argc, argv, "d:h", opts, NULL)) != -1) {
		switch (c) {
		case 'd': db = optarg; break;
		case 'c': csv = 1; break;
		case 'b': bom = 1; break;
		case 'h': unit_usage(stdout); return 0;
		default: unit_usage(stderr); return EX_USAGE_;
		}
	}
	if (optind != argc)
		return usage_error("unit list: unexpected argument '%s'", argv[optind]);
	if ((ex = open_db(db, 1, &st)) != 0)
		return ex;
	if (csv) {
		if (bom)
			fputs("\xEF\xBB\xBF", stdout);
		puts("id,code,type,region,name");
	} else {
		printf("%5s  %-20s  %-10s  %-6s  %s\n", "ID", "CODE", "TYPE", "REGION", "NAME");
	}
	rv = store_unit_each(st, print_unit, &csv);
	if (rv != BS_OK)
		ex = fail(rv, "cannot list units");
	store_close(st);
	return ex;
}

/* ---- token ---- */

static void token_usage(FILE *f)
{
	fprintf(f,
		"Usage: baosongd token create --unit CODE --role ROLE [--expires WHEN]\n"
		"                             [--db FILE]\n"
		"  Make a one-time enrolment token (登记口令) for a new device of unit CODE.\n"
		"  It is shown once: give it to the unit in person or by phone; the\n"
		"  database keeps only its hash.\n"
		"  ROLE   reporter|reviewer|statistics|leader|admin (填报|审核|统计|领导|管理员)\n"
		"  WHEN   a duration (30m, 72h, 7d; at most 366d) or a date YYYY-MM-DD\n"
		"         meaning the end of that day, Asia/Shanghai time.  Default 7d.\n"
		"Default FILE: " DEFAULT_DB "\n");
}

/* Expiry from "30m" / "72h" / "7d" or "YYYY-MM-DD" (end of that day in
 * Shanghai).  0, or a usage-error exit status (message printed). */
static int parse_expires(const char *s, int64_t now, int64_t *at)
{
	unsigned long long n = 0;
	char digits[16];
	size_t len = strlen(s);
	int64_t days, unit_ms, t;

	if (len == 10 && s[4] == '-' && s[7] == '-') {
		if (period_parse_date(s, &days) != BS_OK)
			return usage_error("--expires: '%s' is not a date", s);
		t = period_local_midnight_ms(days + 1);
	} else {
		switch (len >= 2 && len <= sizeof digits ? s[len - 1] : '\0') {
		case 'm': unit_ms = 60 * 1000; break;
		case 'h': unit_ms = 3600 * 1000; break;
		case 'd': unit_ms = DAY_MS; break;
		default:
			return usage_error("--expires wants 30m, 72h, 7d or YYYY-MM-DD, got '%s'",
					   s);
		}
		memcpy(digits, s, len - 1);
		digits[len - 1] = '\0';
		if (cli_parse_uint(digits, 1, (unsigned long long)(MAX_TOKEN_TTL_MS / unit_ms),
				   &n) != BS_OK)
			return usage_error("--expires: '%s' is not a duration of 1m..366d", s);
		t = now + (int64_t)n * unit_ms;
	}
	if (t <= now)
		return usage_error("--expires: %s is already past", s);
	if (t - now > MAX_TOKEN_TTL_MS)
		return usage_error("--expires: at most 366 days ahead");
	*at = t;
	return 0;
}

static int cmd_token_create(int argc, char **argv)
{
	static const struct option opts[] = {{"db", required_argument, 0, 'd'},
					     {"unit", required_argument, 0, 'u'},
					     {"role", required_argument, 0, 'r'},
					     {"expires", required_argument, 0, 'e'},
					     {"help", no_argument, 0, 'h'},
					     {0, 0, 0, 0}};
	const char *db = DEFAULT_DB, *code = NULL, *role_s = NULL, *expires = NULL;
	uint8_t tok[TOKEN_BYTES], hash[TOKEN_HASH_LEN];
	char text[TOKEN_STRLEN + 1], when[WHEN_LEN], detail[128];
	struct store *st = NULL;
	struct unit u;
	int64_t now = now_ms(), at = now + DEFAULT_TOKEN_TTL_MS;
	int c, rv, ex, role = 0;

	while ((c = getopt_long(argc, argv, "d:u:r:e:h", opts, NULL)) != -1) {
		switch (c) {
		case 'd': db = optarg; break;
		case 'u': code = optarg; break;
		case 'r': role_s = optarg; break;
		case 'e': expires = optarg; break;
		case 'h': token_usage(stdout); return 0;
		default: token_usage(stderr); return EX_USAGE_;
		}
	}
	if (optind != argc)
		return usage_error("token create: unexpected argument '%s'", argv[optind]);
	if (!code || !role_s)
		return usage_error("token create needs --unit and --role (baosongd token --help)");
	if ((ex = parse_role(role_s, &role)) != 0)
		return ex;
	if (expires && (ex = parse_expires(expires, now, &at)) != 0)
		return ex;
	if ((ex = open_db(db, 0, &st)) != 0)
		return ex;
	if ((ex = find_unit(st, code, &u)) != 0)
		goto out;

	token_generate(tok);
	token_hash(tok, hash);
	format_local(at, 1, when);
	/* The trail names the unit, role and expiry, never the token. */
	snprintf(detail, sizeof detail, "role %s, expires %s Asia/Shanghai", role_names[role].en,
		 when);
	rv = store_begin(st);
	if (rv == BS_OK) {
		rv = store_token_add(st, hash, u.id, role, at, now);
		if (rv == BS_OK)
			rv = audit_cli(st, now, "token.create", "", u.code, 0, NULL, 0, detail);
		rv = finish(st, rv);
	}
	if (rv != BS_OK) {
		ex = fail(rv, "cannot store the token");
		goto out;
	}
	token_encode(tok, text);
	printf("登记口令 enrolment token (shown only this once):\n\n    %s\n\n"
	       "单位 unit:     %s %s (id %lld)\n"
	       "角色 role:     %s %s\n"
	       "有效期至 expires: %s Asia/Shanghai (UTC+8)\n",
	       text, u.code, u.name, (long long)u.id, role_names[role].en, role_names[role].zh,
	       when);
	fflush(stdout);
out:
	sodium_memzero(tok, sizeof tok);
	sodium_memzero(text, sizeof text);
	store_close(st);
	return ex;
}

/* ---- device ---- */

static void device_usage(FILE *f)
{
	fprintf(f,
		"Usage:\n"
		"  baosongd device list [--csv] [--db FILE]\n"
		"      Every device key: id, unit, role, enrolled, revoked, fingerprint, label.\n"
		"  baosongd device revoke ID [--db FILE]\n"
		"      Revoke a device key: it can no longer connect.\n"
		"  baosongd device add --key FILE.pub --unit CODE --role ROLE [--label TEXT]\n"
		"                      [--db FILE]\n"
		"      Admit a client's public key by hand (instead of a token).\n"
		"      ROLE  reporter|reviewer|statistics|leader|admin (填报|审核|统计|领导|管理员)\n"
		"Default FILE: " DEFAULT_DB "\n");
}

struct device_list {
	struct store *st;
	int csv;
};

static int print_device(void *ctx, const struct device *d)
{
	const struct device_list *l = ctx;
	struct unit u;
	char fp[FP_STRLEN + 1], enrolled[WHEN_LEN], revoked[WHEN_LEN], id[24];
	const char *code = "?";

	if (store_unit_get(l->st, d->unit_id, &u) == BS_OK)
		code = u.code;
	keys_fingerprint(d->pubkey, fp);
	format_local(d->enrolled_at, 0, enrolled);
	if (d->revoked_at)
		format_local(d->revoked_at, 0, revoked);
	else
		snprintf(revoked, sizeof revoked, "%s", l->csv ? "" : "-");
	if (l->csv) {
		snprintf(id, sizeof id, "%lld", (long long)d->id);
		csv_field(id, 0);
		csv_field(code, 0);
		csv_field(name_en(role_names, N_ROLES, d->role), 0);
		csv_field(enrolled, 0);
		csv_field(revoked, 0);
		csv_field(fp, 0);
		csv_field(d->label, 1);
	} else {
		printf("%5lld  %-16s  %-10s  %-16s  %-16s  %s  %s\n", (long long)d->id, code,
		       name_en(role_names, N_ROLES, d->role), enrolled, revoked, fp, d->label);
	}
	return 0;
}

static int cmd_device_list(int argc, char **argv)
{
	static const struct option opts[] = {{"db", required_argument, 0, 'd'},
					     {"csv", no_argument, 0, 'c'},
					     {"help", no_argument, 0, 'h'},
					     {0, 0, 0, 0}};
	const char *db = DEFAULT_DB;
	struct device_list l = {NULL, 0};
	int c, rv, ex;

	while ((c = getopt_long(argc, argv, "d:h", opts, NULL)) != -1) {
		switch (c) {
		case 'd': db = optarg; break;
		case 'c': l.csv = 1; break;
		case 'h': device_usage(stdout); return 0;
		default: device_usage(stderr); return EX_USAGE_;
		}
	}
	if (optind != argc)
		return usage_error("device list: unexpected argument '%s'", argv[optind]);
	if ((ex = open_db(db, 1, &l.st)) != 0)
		return ex;
	if (l.csv)
		puts("id,unit,role,enrolled,revoked,fingerprint,label");
	else
		printf("%5s  %-16s  %-10s  %-16s  %-16s  %-39s  %s\n", "ID", "UNIT", "ROLE",
		       "ENROLLED", "REVOKED", "FINGERPRINT", "LABEL");
	rv = store_device_each(l.st, print_device, &l);
	if (rv != BS_OK)
		ex = fail(rv, "cannot list devices");
	store_close(l.st);
	return ex;
}

static int cmd_device_revoke(int argc, char **argv)
{
	static const struct option opts[] = {{"db", required_argument, 0, 'd'},
					     {"help", no_argument, 0, 'h'},
					     {0, 0, 0, 0}};
	const char *db = DEFAULT_DB;
	struct store *st = NULL;
	struct device d;
	struct unit u;
	unsigned long long id = 0;
	char fp[FP_STRLEN + 1], subject[24], detail[160];
	int64_t now;
	int c, rv, ex;

	while ((c = getopt_long(argc, argv, "d:h", opts, NULL)) != -1) {
		switch (c) {
		case 'd': db = optarg; break;
		case 'h': device_usage(stdout); return 0;
		default: device_usage(stderr); return EX_USAGE_;
		}
	}
	if (argc - optind != 1)
		return usage_error("device revoke takes one device ID (see baosongd device list)");
	if (cli_parse_uint(argv[optind], 1, INT64_MAX, &id) != BS_OK)
		return usage_error("device revoke: '%s' is not a device ID", argv[optind]);
	if ((ex = open_db(db, 0, &st)) != 0)
		return ex;
	rv = store_device_get(st, (int64_t)id, &d);
	if (rv == BS_E_NOTFOUND) {
		ex = fail(rv, "no device %llu (see baosongd device list)", id);
		goto out;
	}
	if (rv != BS_OK) {
		ex = fail(rv, "cannot read device %llu", id);
		goto out;
	}
	keys_fingerprint(d.pubkey, fp);
	if (d.revoked_at) {
		char when[WHEN_LEN];
		format_local(d.revoked_at, 0, when);
		printf("device %llu was already revoked at %s (fingerprint %s)\n", id, when, fp);
		goto out;
	}
	if (store_unit_get(st, d.unit_id, &u) != BS_OK)
		snprintf(u.code, sizeof u.code, "?");
	snprintf(subject, sizeof subject, "%llu", id);
	snprintf(detail, sizeof detail, "unit %s, role %s, fingerprint %s", u.code,
		 name_en(role_names, N_ROLES, d.role), fp);
	now = now_ms();
	rv = store_begin(st);
	if (rv == BS_OK) {
		rv = store_device_revoke(st, (int64_t)id, now);
		if (rv == BS_OK)
			rv = audit_cli(st, now, "device.revoke", "", subject, 0, NULL, 0, detail);
		rv = finish(st, rv);
	}
	if (rv != BS_OK) {
		ex = fail(rv, "cannot revoke device %llu", id);
		goto out;
	}
	printf("已吊销 revoked device %llu (%s, fingerprint %s)\n", id,
	       name_en(role_names, N_ROLES, d.role), fp);
out:
	store_close(st);
	return ex;
}

static int cmd_device_add(int argc, char **argv)
{
	static const struct option opts[] = {{"db", required_argument, 0, 'd'},
					     {"key", required_argument, 0, 'k'},
					     {"unit", required_argument, 0, 'u'},
					     {"role", required_argument, 0, 'r'},
					     {"label", required_argument, 0, 'l'},
					     {"help", no_argument, 0, 'h'},
					     {0, 0, 0, 0}};
	const char *db = DEFAULT_DB, *keyfile = NULL, *code = NULL, *role_s = NULL, *label = "";
	uint8_t pub[KEY_LEN];
	char fp[FP_STRLEN + 1], subject[24], detail[128 + STORE_NAME_MAX];
	struct store *st = NULL;
	struct device d;
	struct unit u;
	int64_t id = 0, now;
	int c, rv, ex, role = 0;

	while ((c = getopt_long(argc, argv, "d:k:u:r:l:h", opts, NULL)) != -1) {
		switch (c) {
		case 'd': db = optarg; break;
		case 'k': keyfile = optarg; break;
		case 'u': code = optarg; break;
		case 'r': role_s = optarg; break;
		case 'l': label = optarg; break;
		case 'h': device_usage(stdout); return 0;
		default: device_usage(stderr); return EX_USAGE_;
		}
	}
	if (optind != argc)
		return usage_error("device add: unexpected argument '%s'", argv[optind]);
	if (!keyfile || !code || !role_s)
		return usage_error("device add needs --key, --unit and --role "
				   "(baosongd device --help)");
	if ((ex = parse_role(role_s, &role)) != 0)
		return ex;
	if (strlen(label) > STORE_NAME_MAX)
		return usage_error("--label is at most %d bytes", STORE_NAME_MAX);
	rv = keys_read_public(keyfile, pub);
	if (rv != BS_OK)
		return fail(rv, "cannot read public key %s (a baosong-public-key-v1 line)",
			    keyfile);
	keys_fingerprint(pub, fp);
	if ((ex = open_db(db, 0, &st)) != 0)
		return ex;
	if ((ex = find_unit(st, code, &u)) != 0)
		goto out;
	now = now_ms();
	rv = store_begin(st);
	if (rv == BS_OK) {
		rv = store_device_add(st, pub, u.id, role, label, now, &id);
		if (rv == BS_OK) {
			snprintf(subject, sizeof subject, "%lld", (long long)id);
			snprintf(detail, sizeof detail, "unit %s, role %s, fingerprint %s, label %s",
				 u.code, role_names[role].en, fp, label);
			rv = audit_cli(st, now, "device.add", "", subject, 0, pub, sizeof pub,
				       detail);
		}
		rv = finish(st, rv);
	}
	if (rv == BS_E_CONFLICT) {
		if (store_device_by_key(st, pub, &d) == BS_OK)
			ex = fail(rv, "密钥已登记 key %s is already device %lld", fp,
				  (long long)d.id);
		else
			ex = fail(rv, "密钥已登记 key %s is already enrolled", fp);
		goto out;
	}
	if (rv == BS_E_INVAL) {
		ex = fail(rv, "invalid --label (text without control characters)");
		goto out;
	}
	if (rv != BS_OK) {
		ex = fail(rv, "cannot add the device");
		goto out;
	}
	printf("已登记 added device %lld: unit %s %s, role %s %s\nfingerprint %s\n", (long long)id,
	       u.code, u.name, role_names[role].en, role_names[role].zh, fp);
out:
	store_close(st);
	return ex;
}

/* ---- backup ---- */

static int cmd_audit_verify(int argc, char **argv);

static void backup_usage(FILE *f)
{
	fprintf(f, "Usage:\n"
		   "  baosongd backup [--db FILE] OUT\n"
		   "      Write a consistent copy of the database to the new file OUT (never\n"
		   "      overwritten), then check the copy.  Safe while baosongd serve is\n"
		   "      running on FILE.  The audit key goes with it to OUT.audit-key (mode\n"
		   "      0600): keep the two together, or the copy's audit trail cannot be\n"
		   "      checked.\n"
		   "  baosongd backup --dir DIR [--keep N] [--db FILE]\n"
		   "  baosongd backup --config FILE [--dir DIR] [--keep N]\n"
		   "      The nightly backup (baosongd-backup.timer): a copy named\n"
		   "      DIR/baosong-YYYYMMDD-HHMMSS.db (Beijing time), checked, then the\n"
		   "      oldest copies beyond the newest N deleted.  With --config, FILE\n"
		   "      gives the database ([server] data), DIR ([backup] dir, default\n"
		   "      DATA/backups) and N ([backup] keep, default %u).  A copy that fails\n"
		   "      its check is renamed NAME.failed and nothing is deleted.\n"
		   "  baosongd backup --check COPY\n"
		   "      Check a copy: PRAGMA integrity_check, then audit verify with\n"
		   "      COPY.audit-key.\n"
		   "Exit status: 0 written and checked, 65 the check failed (an error in\n"
		   "the journal), 64 usage, 66 no database, 75 or 70 the copy could not\n"
		   "be written (disk full, I/O error), 77 no permission, 78 bad --config.\n"
		   "Default FILE: " DEFAULT_DB "\n",
		BACKUP_KEEP_DEFAULT);
}

/* PRAGMA integrity_check, then `audit verify` on the copy; 0 or 65. */
static int backup_check(const char *copy)
{
	char why[512], *argv[] = {"verify", "--db", (char *)copy, NULL};
	int rv, ex;

	rv = backup_integrity_check(copy, why, sizeof why);
	if (rv != BS_OK) {
		log_error("备份检查失败 backup check FAILED: %s: PRAGMA integrity_check: %s",
			  copy, why);
		return 65;
	}
	optind = 0; /* a fresh getopt scan for the nested command */
	ex = cmd_audit_verify(3, argv);
	if (ex != 0) {
		log_error("备份检查失败 backup check FAILED: %s: audit verify exit %d (see the "
			  "lines above)", copy, ex);
		return ex == EX_USAGE_ ? 70 : 65;
	}
	printf("备份已检查 backup %s checked: integrity ok, audit trail intact\n", copy);
	backup_tidy(copy);
	return 0;
}

static int cmd_backup(int argc, char **argv)
{
	static const struct option opts[] = {{"db", required_argument, 0, 'd'},
					     {"dir", required_argument, 0, 'D'},
					     {"keep", required_argument, 0, 'k'},
					     {"config", required_argument, 0, 'c'},
					     {"check", required_argument, 0, 'C'},
					     {"help", no_argument, 0, 'h'},
					     {0, 0, 0, 0}};
	static struct backup_config bc;
	const char *db = NULL, *dir = NULL, *config = NULL, *check = NULL, *outpath = NULL;
	char path[BACKUP_PATH_MAX], aside[BACKUP_PATH_MAX + 16], err[300];
	unsigned long long keep = 0;
	unsigned pruned = 0;
	struct store *st = NULL;
	struct stat sb;
	int c, rv, ex;

	while ((c = getopt_long(argc, argv, "d:h", opts, NULL)) != -1) {
		switch (c) {
		case 'd': db = optarg; break;
		case 'D': dir = optarg; break;
		case 'c': config = optarg; break;
		case 'C': check = optarg; break;
		case 'k':
			if (cli_parse_uint(optarg, 1, BACKUP_KEEP_MAX, &keep) != BS_OK)
				return usage_error("backup: --keep wants 1..%u", BACKUP_KEEP_MAX);
			break;
		case 'h': backup_usage(stdout); return 0;
		default: backup_usage(stderr); return EX_USAGE_;
		}
	}
	if (check) {
		if (optind != argc || db || dir || config || keep)
			return usage_error("backup --check takes only the copy to check");
		if (stat(check, &sb) != 0)
			return usage_error("backup --check: no file %s", check);
		return backup_check(check);
	}
	if (config) {
		if ((rv = backup_config_load(config, &bc, err, sizeof err)) != BS_OK) {
			log_error("backup: config %s: %s", config, err);
			return rv == BS_E_NOTFOUND ? 66 : 78;
		}
		if (!db && bc.db[0])
			db = bc.db;
		if (!dir && bc.dir[0])
			dir = bc.dir;
		if (!keep)
			keep = bc.keep;
		if (!dir)
			return usage_error("backup: %s sets neither [backup] dir nor [server] data; "
					   "give --dir", config);
	}
	if (!db)
		db = DEFAULT_DB;
	if (dir) {
		if (optind != argc)
			return usage_error("backup --dir takes no output file");
		if (!keep)
			keep = BACKUP_KEEP_DEFAULT;
	} else {
		if (keep)
			return usage_error("backup: --keep goes with --dir or --config");
		if (argc - optind != 1)
			return usage_error("backup takes one output file, or --dir "
					   "(baosongd backup --help)");
		outpath = argv[optind];
		if (stat(outpath, &sb) == 0)
			return usage_error("backup: %s exists; choose a new file name", outpath);
	}
	if ((ex = open_db(db, 1, &st)) != 0)
		return ex;
	if (dir) {
		rv = backup_new_path(dir, now_ms(), path, sizeof path);
		if (rv != BS_OK) {
			ex = fail(rv, "backup: cannot name a new copy in %s", dir);
			store_close(st);
			return ex;
		}
		outpath = path;
	}
	rv = store_backup(st, outpath);
	store_close(st);
	if (rv != BS_OK) {
		log_error("备份失败 backup of %s to %s failed: %s", db, outpath, bs_strerror(rv));
		return cli_exit_code(rv);
	}
	if (stat(outpath, &sb) == 0)
		printf("已备份 backup of %s written to %s (%lld bytes), its audit key to "
		       "%s.audit-key\n", db, outpath, (long long)sb.st_size, outpath);
	if ((ex = backup_check(outpath)) != 0) {
		if (dir && backup_set_aside(outpath, aside, sizeof aside) == BS_OK)
			log_error("备份检查失败 backup check FAILED: the copy is kept as %s for "
				  "inspection; no older backup was deleted.  Check the database "
				  "(baosongd audit verify --db %s) and the disk", aside, db);
		return ex;
	}
	if (!dir)
		return 0;
	rv = backup_prune(dir, (unsigned)keep, &pruned);
	if (rv != BS_OK) {
		log_error("backup: pruning %s failed: %s", dir, bs_strerror(rv));
		return cli_exit_code(rv);
	}
	log_info("backup: %s written and checked; %u older cop%s deleted, keeping %llu", outpath,
		 pruned, pruned == 1 ? "y" : "ies", keep);
	return 0;
}

/* ---- audit ---- */

static void audit_usage(FILE *f)
{
	fprintf(f,
		"Usage:\n"
		"  baosongd audit verify [--db FILE]\n"
		"      Check the audit trail (审计记录): every row's MAC, the chain from row\n"
		"      to row, no row missing, and every record's current revision and data\n"
		"      against its newest audit row.  Prints each problem found.\n"
		"      Exit status: 0 intact, 65 problems found, 66 no database or no audit\n"
		"      key (FILE.audit-key), 78 key file open to others.\n"
		"  baosongd audit list [--subject S] [--limit N] [--csv] [--db FILE]\n"
		"      Show rows newest first: seq, time (Asia/Shanghai), unit, device, role,\n"
		"      action, kind, subject, rev, detail.  S is a record uid, unit code or\n"
		"      device id; N limits the rows (default: all).  Unit, device and role\n"
		"      are '-' for changes made with these commands on the server.\n"
		"Default FILE: " DEFAULT_DB "\n");
}

struct verify_out {
	uint64_t shown;
};

static void print_problem(void *ctx, uint64_t seq, const char *why)
{
	struct verify_out *v = ctx;
	v->shown++;
	if (seq)
		printf("  seq %llu: %s\n", (unsigned long long)seq, why);
	else
		printf("  %s\n", why);
}

static int cmd_audit_verify(int argc, char **argv)
{
	static const struct option opts[] = {{"db", required_argument, 0, 'd'},
					     {"help", no_argument, 0, 'h'},
					     {0, 0, 0, 0}};
	const char *db = DEFAULT_DB;
	struct verify_out v = {0};
	struct store *st = NULL;
	uint64_t rows = 0, problems = 0, head = 0;
	uint8_t mac[STORE_HASH_LEN];
	char hex[2 * STORE_HASH_LEN + 1];
	int c, rv, ex;

	while ((c = getopt_long(argc, argv, "d:h", opts, NULL)) != -1) {
		switch (c) {
		case 'd': db = optarg; break;
		case 'h': audit_usage(stdout); return 0;
		default: audit_usage(stderr); return EX_USAGE_;
		}
	}
	if (optind != argc)
		return usage_error("audit verify: unexpected argument '%s'", argv[optind]);
	if ((ex = open_db(db, 1, &st)) != 0)
		return ex;
	rv = store_audit_verify(st, &rows, &problems, print_problem, &v);
	if (rv == BS_OK)
		rv = admin_assess_verify_all(st, &problems, print_problem, &v);
	if (rv == BS_OK)
		rv = store_audit_head(st, &head, mac);
	if (rv != BS_OK) {
		ex = fail(rv, "cannot check the audit trail of %s", db);
		goto out;
	}
	if (problems == 0) {
		sodium_bin2hex(hex, sizeof hex, mac, sizeof mac);
		printf("审计记录完整 audit trail intact: %llu rows checked, every record matches "
		       "its newest audit row and kept one kind and one owner, every publication "
		       "checked (recomputed, digest, audit row)\n"
		       "最新 head: seq %llu, mac %s\n",
		       (unsigned long long)rows, (unsigned long long)head, hex);
		ex = 0;
	} else {
		printf("审计记录异常 audit trail FAILED: %llu problem(s) in %llu rows checked; "
		       "the database was changed outside baosongd (或审计密钥不符 or the audit "
		       "key is not the one it was written with)\n",
		       (unsigned long long)problems, (unsigned long long)rows);
		ex = 65;
	}
out:
	store_close(st);
	return ex;
}

struct audit_list {
	struct store *st;
	int csv;
	int64_t unit_id;               /* last unit looked up */
	char unit_code[STORE_CODE_MAX + 1];
};

/* Text for a table cell: control characters (newlines in a comment) as
 * spaces.  Returns out. */
static const char *one_line(const char *s, char *out, size_t cap)
{
	size_t i;
	for (i = 0; s[i] && i + 1 < cap; i++)
		out[i] = (unsigned char)s[i] < 0x20 ? ' ' : s[i];
	out[i] = '\0';
	return out;
}

static int print_audit(void *ctx, uint64_t seq, const struct audit_entry *e)
{
	struct audit_list *l = ctx;
	struct unit u;
	char when[WHEN_LEN], seq_s[24], dev[24], rev[24], detail[STORE_AUDIT_DETAIL_MAX + 1];
	const char *unit = "-", *role = "-";

	if (e->unit_id > 0) {
		if (e->unit_id != l->unit_id) {
			l->unit_id = e->unit_id;
			if (store_unit_get(l->st, e->unit_id, &u) == BS_OK)
				snprintf(l->unit_code, sizeof l->unit_code, "%s", u.code);
			else
				snprintf(l->unit_code, sizeof l->unit_code, "#%lld",
					 (long long)e->unit_id);
		}
		unit = l->unit_code;
	}
	if (e->role > 0)
		role = name_en(role_names, N_ROLES, e->role);
	format_local(e->at, 1, when);
	snprintf(seq_s, sizeof seq_s, "%llu", (unsigned long long)seq);
	if (e->device_id > 0)
		snprintf(dev, sizeof dev, "%lld", (long long)e->device_id);
	else
		snprintf(dev, sizeof dev, "-");
	snprintf(rev, sizeof rev, "%llu", (unsigned long long)e->rev);
	if (l->csv) {
		csv_field(seq_s, 0);
		csv_field(when, 0);
		csv_field(unit, 0);
		csv_field(dev, 0);
		csv_field(role, 0);
		csv_field(e->action, 0);
		csv_field(e->kind, 0);
		csv_field(e->subject, 0);
		csv_field(rev, 0);
		csv_field(e->detail ? e->detail : "", 1);
	} else {
		printf("%6s  %s  %-12s  %5s  %-10s  %-14s  %-14s  %-32s  %4s  %s\n", seq_s, when,
		       unit, dev, role, e->action, *e->kind ? e->kind : "-", e->subject, rev,
		       e->detail ? one_line(e->detail, detail, sizeof detail) : "");
	}
	return 0;
}

static int cmd_audit_list(int argc, char **argv)
{
	static const struct option opts[] = {{"db", required_argument, 0, 'd'},
					     {"subject", required_argument, 0, 's'},
					     {"limit", required_argument, 0, 'n'},
					     {"csv", no_argument, 0, 'c'},
					     {"help", no_argument, 0, 'h'},
					     {0, 0, 0, 0}};
	const char *db = DEFAULT_DB, *subject = NULL;
	struct audit_list l;
	unsigned long long limit = 0;
	int c, rv, ex;

	memset(&l, 0, sizeof l);
	while ((c = getopt_long(argc, argv, "d:s:n:h", opts, NULL)) != -1) {
		switch (c) {
		case 'd': db = optarg; break;
		case 's': subject = optarg; break;
		case 'n':
			if (cli_parse_uint(optarg, 1, INT64_MAX, &limit) != BS_OK)
				return usage_error("--limit wants a positive number, got '%s'",
						   optarg);
			break;
		case 'c': l.csv = 1; break;
		case 'h': audit_usage(stdout); return 0;
		default: audit_usage(stderr); return EX_USAGE_;
		}
	}
	if (optind != argc)
		return usage_error("audit list: unexpected argument '%s'", argv[optind]);
	if ((ex = open_db(db, 1, &l.st)) != 0)
		return ex;
	if (l.csv)
		puts("seq,time,unit,device,role,action,kind,subject,rev,detail");
	else
		printf("%6s  %-19s  %-12s  %5s  %-10s  %-14s  %-14s  %-32s  %4s  %s\n", "SEQ",
		       "TIME", "UNIT", "DEV", "ROLE", "ACTION", "KIND", "SUBJECT", "REV", "DETAIL");
	/* One snapshot for the whole listing. */
	rv = store_begin(l.st);
	if (rv == BS_OK) {
		rv = store_audit_each(l.st, subject, limit, print_audit, &l);
		store_rollback(l.st);
	}
	if (rv != BS_OK)
		ex = fail(rv, "cannot list the audit trail");
	store_close(l.st);
	return ex;
}

/* ---- dispatch ---- */

struct subcommand {
	const char *name;
	int (*run)(int argc, char **argv);
};

static int dispatch(const char *group, const struct subcommand *subs, size_t n,
		    void (*usage)(FILE *f), int argc, char **argv)
{
	size_t i;
	if (argc < 2) {
		usage(stderr);
		return EX_USAGE_;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		usage(stdout);
		return 0;
	}
	for (i = 0; i < n; i++)
		if (!strcmp(argv[1], subs[i].name))
			return subs[i].run(argc - 1, argv + 1);
	usage(stderr);
	return usage_error("unknown command '%s %s'", group, argv[1]);
}

int admin_is_command(const char *cmd)
{
	return !strcmp(cmd, "init") || !strcmp(cmd, "unit") || !strcmp(cmd, "token") ||
	       !strcmp(cmd, "device") || !strcmp(cmd, "backup") || !strcmp(cmd, "audit") ||
	       !strcmp(cmd, "scheme") || !strcmp(cmd, "assess") || !strcmp(cmd, "export");
}

int admin_main(int argc, char **argv)
{
	static const struct subcommand unit_cmds[] = {{"add", cmd_unit_add},
						      {"list", cmd_unit_list}};
	static const struct subcommand token_cmds[] = {{"create", cmd_token_create}};
	static const struct subcommand device_cmds[] = {{"list", cmd_device_list},
							{"revoke", cmd_device_revoke},
							{"add", cmd_device_add}};
	static const struct subcommand audit_cmds[] = {{"verify", cmd_audit_verify},
						       {"list", cmd_audit_list}};
	const char *cmd = argv[0];

	if (!strcmp(cmd, "init"))
		return cmd_init(argc, argv);
	if (!strcmp(cmd, "backup"))
		return cmd_backup(argc, argv);
	if (!strcmp(cmd, "unit"))
		return dispatch(cmd, unit_cmds, sizeof unit_cmds / sizeof unit_cmds[0], unit_usage,
				argc, argv);
	if (!strcmp(cmd, "token"))
		return dispatch(cmd, token_cmds, sizeof token_cmds / sizeof token_cmds[0],
				token_usage, argc, argv);
	if (!strcmp(cmd, "device"))
		return dispatch(cmd, device_cmds, sizeof device_cmds / sizeof device_cmds[0],
				device_usage, argc, argv);
	if (!strcmp(cmd, "audit"))
		return dispatch(cmd, audit_cmds, sizeof audit_cmds / sizeof audit_cmds[0],
				audit_usage, argc, argv);
	if (!strcmp(cmd, "scheme") || !strcmp(cmd, "assess") || !strcmp(cmd, "export"))
		return admin_assess_main(argc, argv);
	return usage_error("unknown command '%s'", cmd);
}

const char *admin_usage_summary(void)
{
	return "  baosongd init [--db FILE]\n"
	       "      Create or migrate the database (default " DEFAULT_DB ").\n"
	       "  baosongd unit add|list, token create, device list|revoke|add,\n"
	       "  baosongd backup [--db FILE] OUT | --dir DIR [--keep N] | --config FILE\n"
	       "      Administer units, enrolment tokens and device keys directly on\n"
	       "      the database; each has --help (baosongd unit --help).\n"
	       "  baosongd audit verify|list [--db FILE]\n"
	       "      Check the hash-chained audit trail (exit 65 if it was tampered\n"
	       "      with) or show it newest first (baosongd audit --help).\n"
	       "  baosongd scheme set|show|list|example, assess compute|publish|list|\n"
	       "      show|verify|export, export plan\n"
	       "      Assessment schemes, monthly bulletins (月通报), quarterly rankings\n"
	       "      (季评比), annual assessments (年考核) and their CSV/XLSX/HTML\n"
	       "      (baosongd assess --help).\n";
}
