/* cmd_fetch.c - attachments: baosong fetch (by the short hash lists print,
 * or every photo of a report into a folder named after it), and baosong
 * report show (a weekly report with its photos by full hash). */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "app.h"
#include "cli.h"
#include "cliutil.h"
#include "commands.h"
#include "err.h"
#include "explain.h"
#include "field.h"
#include "net.h"
#include "recid.h"
#include "records.h"
#include "review.h"
#include "sync.h"
#include "table.h"

#define FETCH_TIMEOUT_S 30u
#define LABEL_W 28

enum { O_OUT = 256, O_FORCE, O_TIMEOUT, O_OPEN };

/* Say why arg names no single record or attachment. */
static void explain_prefix(const char *what, const char *arg, int rv,
			   const struct recid_found *f)
{
	unsigned i;
	if (rv == BS_E_NOTFOUND)
		fprintf(stderr, "baosong: 本机没有 %s 开头的%s no %s starting with %s on this "
				"device (sync first; lists and `show` print them)\n", arg,
			strcmp(what, "attachment") ? "记录" : "附件", what, arg);
	else if (rv == BS_E_INVAL && f->count > 1) {
		fprintf(stderr, "baosong: %s 不唯一 %s matches %u %ss; give more characters:\n",
			arg, arg, f->count, what);
		for (i = 0; i < f->ncand; i++)
			fprintf(stderr, "  %s  %s\n", f->cand[i], f->cand_kind[i]);
	} else if (rv == BS_E_INVAL)
		fprintf(stderr, "baosong: '%s' 不是有效的标识 is not a %s id: give at least its "
				"first %u hexadecimal characters\n", arg, what, RECID_PREFIX_MIN);
	else
		cli_db_error(rv);
}

/* A folder name from the report: "周报 2026-W47 县城供水管网改造工程 afa6ddd2", with
 * characters a file system or a shell would trip on replaced. */
static void folder_name(const struct review_item *it, char *out, size_t cap)
{
	size_t i;
	snprintf(out, cap, "%s %s %s %.8s", it->kind_zh, it->period, it->project, it->uid);
	for (i = 0; out[i]; i++) {
		unsigned char c = (unsigned char)out[i];
		if (c < 0x20 || c == '/' || c == '\\' || c == ':' || c == '*' || c == '?' ||
		    c == '"' || c == '<' || c == '>' || c == '|')
			out[i] = '_';
	}
	if (out[0] == '.')
		out[0] = '_';
}

static int download(struct session *s, const char *addr, const uint8_t hash[LDB_HASH_LEN],
		    const char *path)
{
	char hex[2 * LDB_HASH_LEN + 1], msg[768];
	struct stat st;
	int rv = sync_download(s, hash, path);
	recid_hex(hash, LDB_HASH_LEN, hex);
	if (rv == BS_E_NOTFOUND)
		fprintf(stderr, "baosong: 服务器上没有这个文件 the server has no file %.16s "
				"(not uploaded yet? its unit syncs it)\n", hex);
	else if (rv == BS_E_CORRUPT)
		fprintf(stderr, "baosong: 下载的内容与哈希不符 what arrived does not match the "
				"hash; nothing written\n");
	else if (rv != BS_OK)
		fprintf(stderr, "baosong: 下载失败 download failed: %s\n",
			client_explain(rv, EXPLAIN_REQUEST, addr, NULL, msg, sizeof msg));
	else if (stat(path, &st) == 0)
		printf("已下载 fetched %.16s to %s (%lld bytes)\n", hex, path,
		       (long long)st.st_size);
	return rv;
}

static void fetch_help(void)
{
	printf("baosong fetch HASH --out FILE [--force] [--timeout S] [--dir DIR]\n"
	       "baosong fetch --open ID [--force] [--dir DIR]\n"
	       "  从县服务器下载附件（现场照片等）。HASH 为内容哈希或其前 %u 位以上（列表和\n"
	       "  show 显示的短哈希即可）；下载内容先与哈希核对，再写入 FILE。\n"
	       "  --open ID：把一份报告（或任何记录）的全部照片存入以该报告命名的文件夹。\n"
	       "  Download an attachment (a site photo ...) from the county server by its\n"
	       "  content hash or its first %u+ hex characters (the short hash lists and\n"
	       "  `show` print).  The download is checked against the hash before FILE\n"
	       "  appears; --force replaces an existing FILE.  --open ID saves every photo\n"
	       "  of record ID into a folder named after it (kind, period, project, id).\n"
	       "Examples:\n  baosong fetch 9f86d081884c7d65 --out site.jpg\n"
	       "  baosong fetch --open afa6ddd2\n",
	       RECID_PREFIX_MIN, RECID_PREFIX_MIN);
}

int cmd_fetch(int argc, char **argv)
{
	static const struct option opts[] = {{"out", required_argument, 0, O_OUT},
					     {"force", no_argument, 0, O_FORCE},
					     {"timeout", required_argument, 0, O_TIMEOUT},
					     {"open", no_argument, 0, O_OPEN},
					     {"dir", required_argument, 0, 'd'},
					     {"help", no_argument, 0, 'h'},
					     {0, 0, 0, 0}};
	const char *dir = NULL, *path = NULL, *arg;
	unsigned long long timeout_s = FETCH_TIMEOUT_S;
	struct recid_found found;
	struct app_server srv;
	struct session s;
	struct stat st;
	struct app a;
	struct lrecord rec;
	int force = 0, open_it = 0, connected = 0, have_rec = 0, c, rv;

	cli_name_argv(argv, "baosong fetch");
	while ((c = getopt_long(argc, argv, "d:h", opts, NULL)) != -1) {
		switch (c) {
		case O_OUT: path = optarg; break;
		case O_FORCE: force = 1; break;
		case O_OPEN: open_it = 1; break;
		case O_TIMEOUT:
			if (cli_parse_uint(optarg, 1, 3600, &timeout_s) != BS_OK) {
				fprintf(stderr, "baosong: --timeout must be 1..3600 seconds\n");
				return EX_USAGE_;
			}
			break;
		case 'd': dir = optarg; break;
		case 'h': fetch_help(); return 0;
		default: return EX_USAGE_;
		}
	}
	if (argc - optind != 1 || (!path && !open_it) || (path && open_it)) {
		fprintf(stderr, "baosong fetch: give HASH and --out FILE, or --open ID (see "
				"--help)\n");
		return EX_USAGE_;
	}
	arg = argv[optind];
	if (path && strlen(path) > 4000) {
		fprintf(stderr, "baosong fetch: --out path too long\n");
		return EX_USAGE_;
	}
	if (path && !force && lstat(path, &st) == 0) {
		fprintf(stderr, "baosong fetch: %s 已存在 exists already (--force replaces it)\n",
			path);
		return EX_USAGE_;
	}
	app_blank(&a);
	if ((rv = app_open_cli(dir, &a, &srv)) != BS_OK)
		goto out;
	if (open_it) {
		rv = recid_record(a.db, NULL, arg, &found);
		if (rv == BS_OK)
			rv = localdb_record_get(a.db, found.uid, &rec);
		if (rv != BS_OK) {
			explain_prefix("record", arg, rv, &found);
			goto out;
		}
		have_rec = 1;
		if (rec.n_attachments == 0) {
			printf("这条记录没有附件 record %.8s has no attachments\n", rec.uid);
			goto out;
		}
	} else if ((rv = recid_hash(a.db, arg, &found)) != BS_OK) {
		explain_prefix("attachment", arg, rv, &found);
		goto out;
	}
	if ((rv = app_connect(&a, &srv, &s, (unsigned)timeout_s * 1000u, 1)) != BS_OK)
		goto out;
	connected = 1;
	if (!open_it) {
		rv = download(&s, srv.addr, found.hash, path);
	} else {
		struct review_item it;
		char folder[600], file[800], hex[2 * LDB_HASH_LEN + 1];
		size_t i;
		if (review_item_of(a.db, rec.uid, &it) != BS_OK) {
			memset(&it, 0, sizeof it);
			snprintf(it.uid, sizeof it.uid, "%.32s", rec.uid);
			it.kind_zh = field_kind_zh(rec.kind);
		}
		folder_name(&it, folder, sizeof folder);
		if (mkdir(folder, 0755) != 0 && errno != EEXIST) {
			char msg[768];
			rv = errno == ENOSPC ? BS_E_NOSPACE : BS_E_IO;
			fprintf(stderr, "baosong: %s\n",
				client_explain(rv, EXPLAIN_LOCAL, NULL, folder, msg, sizeof msg));
			goto out;
		}
		for (i = 0; i < rec.n_attachments && rv == BS_OK; i++) {
			recid_hex(rec.attachments[i], LDB_HASH_LEN, hex);
			snprintf(file, sizeof file, "%s/%zu-%.16s", folder, i + 1, hex);
			if (!force && lstat(file, &st) == 0) {
				printf("已有 already there: %s\n", file);
				continue;
			}
			rv = download(&s, srv.addr, rec.attachments[i], file);
		}
		if (rv == BS_OK)
			printf("照片已存入文件夹 photos saved in: %s\n", folder);
	}
out:
	if (connected)
		session_close(&s);
	if (have_rec)
		lrecord_free(&rec);
	app_close(&a);
	return cli_exit_code(rv);
}

static void show_line(const char *label, const char *value)
{
	table_cell(stdout, label, LABEL_W, 0);
	table_text(stdout, value, 1, "                            ");
	fputc('\n', stdout);
}

int cmd_report_show(int argc, char **argv)
{
	static const struct option opts[] = {{"dir", required_argument, 0, 'd'},
					     {"help", no_argument, 0, 'h'},
					     {0, 0, 0, 0}};
	const char *dir = NULL;
	struct recid_found found;
	struct review_item it;
	struct lrecord r;
	struct wire_arena ar;
	ProtobufCMessage *m;
	struct app a;
	char v[1024];
	size_t i;
	int c, rv, have = 0;

	while ((c = getopt_long(argc, argv, "d:h", opts, NULL)) != -1) {
		switch (c) {
		case 'd': dir = optarg; break;
		case 'h':
			printf("baosong report show ID [--dir DIR]\n"
			       "  一份周报的全部内容、审核状态及意见，照片按完整哈希列出（baosong "
			       "fetch 用）。\n"
			       "  One weekly report: every field, its review state and comment, "
			       "and its\n  photos by full hash (for baosong fetch).  ID: the id "
			       "or its first %u+ characters.\n", RECID_PREFIX_MIN);
			return 0;
		default: return EX_USAGE_;
		}
	}
	if (argc - optind != 1) {
		fprintf(stderr, "baosong report show: which report? (ID)\n");
		return EX_USAGE_;
	}
	app_blank(&a);
	if ((rv = app_open_cli(dir, &a, NULL)) != BS_OK)
		goto out;
	rv = recid_record(a.db, REC_KIND_WEEKLY, argv[optind], &found);
	if (rv == BS_OK)
		rv = localdb_record_get(a.db, found.uid, &r);
	if (rv != BS_OK) {
		explain_prefix("weekly report", argv[optind], rv, &found);
		goto out;
	}
	have = 1;
	if (review_item_of(a.db, r.uid, &it) != BS_OK)
		memset(&it, 0, sizeof it);
	show_line("标识 id", r.uid);
	show_line("单位 unit", it.unit_name);
	show_line("项目 project", it.project);
	m = field_unpack(&baosong__v1__weekly_report__descriptor, &r, &ar);
	if (m) {
		const ProtobufCMessageDescriptor *d = m->descriptor;
		for (i = 0; i < d->n_fields; i++) {
			char label[128];
			if (!strcmp(d->fields[i].name, "project_uid"))
				continue;
			field_format(r.kind, m, &d->fields[i], FMT_SHOW, v, sizeof v);
			snprintf(label, sizeof label, "%s %s", field_zh(r.kind, d->fields[i].name),
				 d->fields[i].name);
			show_line(label, v);
		}
		protobuf_c_message_free_unpacked(m, &ar.alloc);
	}
	snprintf(v, sizeof v, "%s (rev %llu)%s", review_state_zh(r.review_status, r.locked),
		 (unsigned long long)r.rev, r.pending ? ", 有待发送的修改 changes not sent yet" : "");
	show_line("审核 review", v);
	if (r.review_comment[0])
		show_line("审核意见 comment", r.review_comment);
	snprintf(v, sizeof v, "%zu", r.n_attachments);
	show_line("照片 photos", v);
	for (i = 0; i < r.n_attachments; i++) {
		char hex[2 * LDB_HASH_LEN + 1], local[4096];
		uint64_t size = 0;
		recid_hex(r.attachments[i], LDB_HASH_LEN, hex);
		printf("  %s", hex);
		if (localdb_file_get(a.db, r.attachments[i], local, sizeof local, &size) == BS_OK) {
			printf("  ");
			table_text(stdout, local, 0, "");
		}
		putchar('\n');
	}
	rv = cli_write_error();
out:
	if (have)
		lrecord_free(&r);
	app_close(&a);
	return cli_exit_code(rv);
}
