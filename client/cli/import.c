/* import.c - baosong import: a spreadsheet saved as CSV -- the plan table
 * 《重点建设项目计划表》 or a batch of weekly reports -- into records on
 * this device, each built and checked exactly as `project add` and
 * `report add` do (records_validate, the rules the server applies).
 *
 * People work in Excel and WPS, so the file may be UTF-8 with or without a
 * byte order mark, or GB18030/GBK (what Chinese Windows saves by default);
 * the header row may say 总投资（万元） or "total"; money may carry
 * thousands separators and 万元; dates come in the half-dozen spellings
 * people type.  Every bad row is reported with the line it starts on in
 * the file.  All rows are queued in one local transaction: without
 * --partial one bad row means nothing is queued.
 *
 * Messages for people (bad rows) go to stderr; the summary goes to stdout.
 * Exit status: 0, 64 usage, 65 bad rows or a bad file, 66 no such file. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "app.h"
#include "cliutil.h"
#include "bs_limits.h"
#include "cells.h"
#include "cli.h"
#include "commands.h"
#include "csv.h"
#include "err.h"
#include "period.h"
#include "records.h"
#include "table.h"
#include "wire.h"

#define DECODE_MAX (256u * 1024u) /* protobuf-c memory for one stored record */
#define ERRORS_SHOWN 300u         /* bad rows explained; the rest only counted */
#define VALUE_SHOWN 60u           /* bytes of a cell quoted in a message */
#define TITLE_ROWS_MAX 10u        /* one-cell title rows skipped before the header */
#define HEADER_NORM_MAX 256u      /* bytes of a normalised header cell */

/* ---- options ------------------------------------------------------------------- */

enum encoding { ENC_AUTO, ENC_UTF8, ENC_GB18030 };
enum kind_opt { KIND_DETECT, KIND_PROJECT, KIND_WEEKLY };

/* ---- columns ------------------------------------------------------------------- */

/* How a cell becomes a value. */
enum vtype {
	V_TEXT,        /* one line of text */
	V_MTEXT,       /* free text, line breaks kept */
	V_YEAR,        /* 2026 or 2026年 */
	V_MONEY,       /* 万元: 12,500.00 or 12500万元 */
	V_DATE,        /* any of the spellings cell_date reads, stored YYYY-MM-DD */
	V_STAGE,       /* 新开工 / new_start ... */
	V_WEEK,        /* 2026-W47, or a date in that week */
	V_PERCENT,     /* 0..100, with or without % */
	V_PROJ_CODE,   /* weekly: which project, by 项目代码 */
	V_PROJ_NAME,   /* weekly: by exact name */
	V_PROJ_UID     /* weekly: by id (as `baosong report list --csv` writes it) */
};

/* A field a column can fill.  Aliases are normalised header texts (see
 * cell_norm), separated by '|'. */
struct spec {
	const char *name;          /* the field as records_validate names it */
	const char *proto;         /* the protobuf field, NULL for V_PROJ_* */
	enum vtype type;
	int required;              /* the column must exist and the cell be filled */
	int weekly_mark;           /* a header with it is a weekly batch */
	const char *zh;            /* what people call it */
	const char *aliases;
};

static const struct spec project_specs[] = {
	{"name", "name", V_TEXT, 1, 0, "项目名称", "项目名称|名称|项目|name|project_name"},
	{"code", "code", V_TEXT, 0, 0, "项目代码",
	 "项目代码|全国投资项目代码|投资项目代码|项目统一代码|项目编码|code|project_code"},
	{"plan_year", "plan_year", V_YEAR, 1, 0, "计划年度",
	 "计划年度|年度|计划年份|plan_year|year"},
	{"category", "category", V_TEXT, 0, 0, "项目类别",
	 "项目类别|类别|建设性质|项目类型|category"},
	{"industry_chain", "industry_chain", V_TEXT, 0, 0, "产业链",
	 "产业链|所属产业链|industry_chain|chain"},
	{"investment_type", "investment_type", V_TEXT, 0, 0, "投资类型",
	 "投资类型|投资主体|investment_type"},
	{"level", "level", V_TEXT, 0, 0, "重点级别", "重点级别|级别|项目级别|level"},
	{"township", "township", V_TEXT, 0, 0, "所在乡镇",
	 "所在乡镇|乡镇|所在乡镇(街道)|乡镇(街道)|建设地点|项目地点|township"},
	{"leader", "leader", V_TEXT, 0, 0, "包抓领导",
	 "包抓领导|包抓县级领导|县级包抓领导|包抓县领导|leader"},
	{"owner", "owner", V_TEXT, 0, 0, "业主单位", "业主单位|业主|项目业主|建设单位|owner"},
	{"lead_unit", "lead_unit", V_TEXT, 0, 0, "牵头单位", "牵头单位|lead_unit"},
	{"total_investment", "total_investment_fen", V_MONEY, 1, 0, "总投资",
	 "总投资|项目总投资|计划总投资|total|total_investment"},
	{"annual_plan", "annual_plan_fen", V_MONEY, 0, 0, "年度计划投资",
	 "年度计划投资|年度投资|年度计划|计划投资|本年计划投资|annual|annual_plan"},
	{"start_date", "start_date", V_DATE, 0, 0, "计划开工时间",
	 "计划开工时间|开工时间|计划开工|计划开工日期|开工日期|start|start_date"},
	{"end_date", "end_date", V_DATE, 0, 0, "计划竣工时间",
	 "计划竣工时间|竣工时间|计划竣工|计划竣工日期|竣工日期|end|end_date"},
	{"stage", "stage", V_STAGE, 1, 0, "项目阶段", "项目阶段|建设阶段|阶段|stage"},
	{"contents", "contents", V_MTEXT, 0, 0, "建设内容",
	 "建设内容|建设规模及内容|建设内容及规模|主要建设内容|contents"},
};

static const struct spec weekly_specs[] = {
	{"project_code", NULL, V_PROJ_CODE, 0, 0, "项目代码",
	 "项目代码|全国投资项目代码|投资项目代码|项目统一代码|项目编码|code|project_code"},
	{"project_name", NULL, V_PROJ_NAME, 0, 0, "项目名称",
	 "项目名称|名称|项目|name|project_name"},
	{"project_uid", NULL, V_PROJ_UID, 0, 0, "项目标识", "项目标识|project_uid|project_id"},
	{"period", "period", V_WEEK, 1, 1, "周次", "周次|报告周期|周期|报告周次|period|week"},
	{"invested_period", "invested_period_fen", V_MONEY, 0, 1, "本期完成投资",
	 "本期完成投资|本周完成投资|invested_period"},
	{"invested_ytd", "invested_ytd_fen", V_MONEY, 1, 1, "本年累计完成投资",
	 "本年累计完成投资|本年累计|本年累计完成|invested_ytd|ytd"},
	{"invested_total", "invested_total_fen", V_MONEY, 1, 0, "开工累计完成投资",
	 "开工累计完成投资|累计完成投资|开工以来累计完成投资|自开工累计完成投资|"
	 "invested_total"},
	{"progress", "progress", V_MTEXT, 0, 0, "形象进度", "形象进度|工程进度|progress"},
	{"progress_percent", "progress_percent", V_PERCENT, 0, 0, "进度百分比",
	 "进度百分比|形象进度(%)|形象进度%|形象进度百分比|完成百分比|percent|"
	 "progress_percent"},
	{"problems", "problems", V_MTEXT, 0, 0, "存在问题",
	 "存在问题|存在的问题|问题|困难问题|problems"},
};

#define N_PROJECT_SPECS (sizeof project_specs / sizeof project_specs[0])
#define N_WEEKLY_SPECS (sizeof weekly_specs / sizeof weekly_specs[0])

/* One column of the file. */
struct column {
	char *title;               /* the header cell as written (trimmed), malloc'd */
	const struct spec *spec;   /* NULL: ignored */
	const ProtobufCFieldDescriptor *fd;
	char scratch[16];          /* a date or week in canonical form */
	const char *value;         /* this row's cell, trimmed */
};

/* ---- the index of records on this device ---------------------------------------- */

/* Open addressing over malloc'd string keys: projects by "c<US>code" and
 * "n<US>name", weekly reports by "project_uid<US>week", units by
 * "c<US>code" and "n<US>name". */
struct ix_entry {
	char *key;                 /* NULL: free */
	char uid[REC_UID_LEN + 1]; /* the record's; in the unit index, the unit's code */
	int64_t unit_id;
	unsigned count;            /* records with this key (a name may repeat) */
	unsigned line;             /* the line of this file that queued it, 0: already here */
};

struct ix {
	struct ix_entry *slots;
	size_t cap, used;
};

/* ---- one import ---------------------------------------------------------------- */

struct import {
	const char *path;
	enum encoding enc;
	int partial, dry_run;
	const char *enc_used;

	int weekly;
	const char *kind;          /* REC_KIND_PROJECT or REC_KIND_WEEKLY */
	const ProtobufCMessageDescriptor *desc;
	struct column *cols;
	size_t ncols;
	const struct column *proj_code, *proj_name, *proj_uid;

	struct app a;
	struct app_server srv;
	struct rec_lookup lk;
	struct rec_ctx rc;
	int64_t now;
	struct ix projects, reports, units;
	int have_units;            /* the server's unit records are here */
	struct ix_entry by_uid;    /* the project a row names by id */

	unsigned read, good, skipped, bad;
	uint8_t pack[REC_DATA_MAX];
};

/* ---- reading the file ----------------------------------------------------------- */

/* The whole of path into a malloc'd buffer (NUL-terminated), at most
 * BS_IMPORT_FILE_MAX bytes.  Explains failures. */
static int read_whole(const char *path, char **out, size_t *len)
{
	struct stat st;
	size_t cap, n = 0;
	char *buf = NULL, *nb;
	ssize_t got;
	int fd, ret;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0) {
		fprintf(stderr, "baosong: 无法打开文件 cannot open %s: %s\n", path, strerror(errno));
		return errno == ENOENT || errno == ENOTDIR ? BS_E_NOTFOUND : BS_E_IO;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		fprintf(stderr, "baosong: %s 不是普通文件 is not a regular file\n", path);
		ret = BS_E_INVAL;
		goto out;
	}
	if ((unsigned long long)st.st_size > BS_IMPORT_FILE_MAX)
		goto toobig;
	/* Room for one byte more than the size: it tells if the file grew. */
	cap = (size_t)st.st_size + 2;
	if (cap < 4096)
		cap = 4096;
	for (;;) {
		if (!buf || n == cap - 1) {
			if (buf)
				cap = cap > BS_IMPORT_FILE_MAX / 2 ? BS_IMPORT_FILE_MAX + 2u
								    : cap * 2;
			if (!(nb = realloc(buf, cap))) {
				ret = BS_E_NOMEM;
				goto out;
			}
			buf = nb;
		}
		got = read(fd, buf + n, cap - 1 - n);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			fprintf(stderr, "baosong: 读取失败 cannot read %s: %s\n", path,
				strerror(errno));
			ret = BS_E_IO;
			goto out;
		}
		if (got == 0)
			break;
		n += (size_t)got;
		if (n > BS_IMPORT_FILE_MAX)
			goto toobig;
	}
	buf[n] = '\0';
	*out = buf;
	*len = n;
	buf = NULL;
	ret = BS_OK;
	goto out;
toobig:
	fprintf(stderr, "baosong: 文件过大 %s is larger than %u MiB; split it into several "
			"files\n", path, BS_IMPORT_FILE_MAX >> 20);
	ret = BS_E_TOOBIG;
out:
	free(buf);
	close(fd);
	return ret;
}

/* The physical line of byte pos: 1 + the line breaks before it (CRLF, LF
 * or a lone CR, as the CSV reader counts them).  In GB18030 neither CR nor
 * LF ever occurs inside a multi-byte character, so this works on the raw
 * bytes too. */
static unsigned line_at(const char *s, size_t pos)
{
	unsigned line = 1;
	size_t i;
	for (i = 0; i < pos; i++)
		if (s[i] == '\n' || (s[i] == '\r' && (i + 1 >= pos || s[i + 1] != '\n')))
			line++;
	return line;
}

/* Whether s[0..n) is UTF-8; if not, *bad is the first bad byte. */
static int utf8_valid(const char *s, size_t n, size_t *bad)
{
	size_t i = 0, k;
	uint32_t cp;
	while (i < n) {
		if ((unsigned char)s[i] < 0x80) {
			i++;
			continue;
		}
		if ((k = table_utf8_decode(s + i, n - i, &cp)) == 0) {
			*bad = i;
			return 0;
		}
		i += k;
	}
	return 1;
}

/* GB18030 (and so GBK and GB2312) to UTF-8 with iconv.  BS_E_INVAL with
 * *bad at the first byte that is not GB18030; BS_E_UNSUPPORTED if this
 * system's iconv lacks the converter. */
static int gb18030_to_utf8(const char *in, size_t n, char **out, size_t *olen, size_t *bad)
{
	iconv_t cd = iconv_open("UTF-8", "GB18030");
	size_t cap = n + n / 2 + 16, il = n, ol;
	char *buf, *nb, *ip = (char *)in, *op;
	int ret = BS_OK;

	if (cd == (iconv_t)-1)
		return BS_E_UNSUPPORTED;
	if (!(buf = malloc(cap))) {
		iconv_close(cd);
		return BS_E_NOMEM;
	}
	op = buf;
	ol = cap - 1;
	while (il > 0) {
		if (iconv(cd, &ip, &il, &op, &ol) != (size_t)-1)
			break;
		if (errno == E2BIG) {
			size_t used = (size_t)(op - buf);
			if (!(nb = realloc(buf, cap * 2))) {
				ret = BS_E_NOMEM;
				break;
			}
			buf = nb;
			cap *= 2;
			op = buf + used;
			ol = cap - 1 - used;
			continue;
		}
		*bad = (size_t)(ip - in); /* EILSEQ, or EINVAL: cut at the end */
		ret = BS_E_INVAL;
		break;
	}
	iconv_close(cd);
	if (ret != BS_OK) {
		free(buf);
		return ret;
	}
	*op = '\0';
	*out = buf;
	*olen = (size_t)(op - buf);
	return BS_OK;
}

/* raw (n bytes, owned) as UTF-8 text in *text (owned by the caller
 * afterwards; raw is consumed either way).  Explains failures. */
static int decode(struct import *im, char *raw, size_t n, char **text, size_t *tlen)
{
	const unsigned char *u = (const unsigned char *)raw;
	int bom = n >= 3 && u[0] == 0xef && u[1] == 0xbb && u[2] == 0xbf;
	size_t bad = 0, bad_utf8 = 0;
	int rv;

	if (n >= 2 && ((u[0] == 0xff && u[1] == 0xfe) || (u[0] == 0xfe && u[1] == 0xff))) {
		fprintf(stderr, "baosong: %s 是 UTF-16 文本 is UTF-16 text (Excel's \"Unicode "
				"text\"); save it as \"CSV UTF-8\" or \"CSV (逗号分隔)\"\n", im->path);
		free(raw);
		return BS_E_INVAL;
	}
	if (im->enc == ENC_UTF8 ||
	    (im->enc == ENC_AUTO && (bom || utf8_valid(raw, n, &bad_utf8)))) {
		if (!utf8_valid(raw, n, &bad)) {
			unsigned line = line_at(raw, bad);
			fprintf(stderr, "baosong: 第 %u 行 line %u: 不是有效的 UTF-8 文本 is not valid "
					"UTF-8%s\n", line, line,
				bom ? " (though the file starts with a UTF-8 byte order mark)"
				    : "; if the file is GB18030/GBK, give --encoding gb18030 "
				      "(or leave --encoding auto)");
			free(raw);
			return BS_E_INVAL;
		}
		im->enc_used = bom ? "UTF-8 (BOM)" : "UTF-8";
		*text = raw;
		*tlen = n;
		return BS_OK;
	}
	rv = gb18030_to_utf8(raw, n, text, tlen, &bad);
	if (rv == BS_E_INVAL && im->enc == ENC_AUTO) {
		unsigned l8 = line_at(raw, bad_utf8), lgb = line_at(raw, bad);
		fprintf(stderr, "baosong: 既不是有效的 UTF-8（第 %u 行）也不是有效的 GB18030（第 "
				"%u 行） the file is neither valid UTF-8 (line %u) nor GB18030/GBK "
				"(line %u); save it as \"CSV UTF-8\" and import that\n",
			l8, lgb, l8, lgb);
	} else if (rv == BS_E_INVAL) {
		unsigned line = line_at(raw, bad);
		fprintf(stderr, "baosong: 第 %u 行 line %u: 不是有效的 GB18030 文本 is not valid "
				"GB18030/GBK text; save the file as \"CSV UTF-8\" and import that\n",
			line, line);
	} else if (rv == BS_E_UNSUPPORTED) {
		fprintf(stderr, "baosong: 本机 iconv 不支持 GB18030 this system's iconv cannot "
				"convert GB18030 (glibc's gconv modules missing?); save the file as "
				"\"CSV UTF-8\"\n");
	}
	free(raw);
	if (rv == BS_OK)
		im->enc_used = "GB18030";
	return rv;
}

/* ---- columns by header ------------------------------------------------------ */

/* Whether the '|'-separated list has word. */
static int alias_has(const char *list, const char *word)
{
	size_t n = strlen(word);
	const char *p = list;
	if (!n)
		return 0;
	while (p) {
		const char *bar = strchr(p, '|');
		size_t len = bar ? (size_t)(bar - p) : strlen(p);
		if (len == n && memcmp(p, word, n) == 0)
			return 1;
		p = bar ? bar + 1 : NULL;
	}
	return 0;
}

static const struct spec *spec_exact(const struct spec *specs, size_t n, const char *word)
{
	size_t i;
	for (i = 0; i < n; i++)
		if (alias_has(specs[i].aliases, word))
			return &specs[i];
	/* "2026年计划投资", "2026年度计划投资": the year is the table's. */
	if (word[0] >= '0' && word[0] <= '9' && strlen(word) > 4 && word[1] >= '0' &&
	    word[1] <= '9' && word[2] >= '0' && word[2] <= '9' && word[3] >= '0' &&
	    word[3] <= '9') {
		const char *rest = word + 4;
		for (i = 0; i < n; i++)
			if (alias_has(specs[i].aliases, rest) ||
			    (!strncmp(rest, "年", 3) && alias_has(specs[i].aliases, rest + 3)))
				return &specs[i];
	}
	return NULL;
}

/* The field a normalised header names, and the unit it gives ("" if
 * none): "总投资(万元)" -> total, "万元"; "形象进度(%)" -> percent. */
static const struct spec *spec_match(const struct spec *specs, size_t n, const char *norm,
				     char *unit, size_t ucap)
{
	char base[HEADER_NORM_MAX];
	const struct spec *s;
	size_t len;
	char *open;

	unit[0] = '\0';
	if ((s = spec_exact(specs, n, norm)))
		return s;
	snprintf(base, sizeof base, "%s", norm);
	len = strlen(base);
	if (len && base[len - 1] == ')' && (open = strrchr(base, '(')) != NULL) {
		base[len - 1] = '\0';
		snprintf(unit, ucap, "%s", open + 1);
		*open = '\0';
	} else if (cell_cut_suffix(base, "万元")) {
		snprintf(unit, ucap, "万元");
	} else if (cell_cut_suffix(base, "%")) {
		snprintf(unit, ucap, "%%");
	}
	len = strlen(base);
	while (len && (base[len - 1] == '/' || base[len - 1] == '_' || base[len - 1] == ':'))
		base[--len] = '\0';
	return unit[0] ? spec_exact(specs, n, base) : NULL;
}

/* ---- messages -------------------------------------------------------------------- */

/* Write at most VALUE_SHOWN bytes of s (cut at a character), sanitised. */
static void show_value(FILE *f, const char *s)
{
	char buf[VALUE_SHOWN + 4];
	size_t n = strlen(s), k = 0;
	uint32_t cp;
	while (k < n && k < VALUE_SHOWN) {
		size_t c = table_utf8_decode(s + k, n - k, &cp);
		if (c == 0)
			c = 1;
		if (k + c > VALUE_SHOWN)
			break;
		k += c;
	}
	memcpy(buf, s, k);
	buf[k] = '\0';
	if (k < n)
		memcpy(buf + k, "...", 4);
	table_text(f, buf, 0, NULL);
}

/* "第 12 行 line 12: total_investment: 金额不能为负数 (总投资（万元）: «-5»)" */
static void row_error(struct import *im, unsigned line, const char *field, const char *msg,
		      const struct column *col)
{
	if (++im->bad > ERRORS_SHOWN)
		return;
	fprintf(stderr, "第 %u 行 line %u: %s: ", line, line, field);
	table_text(stderr, msg, 0, NULL);
	if (col) {
		fputs(" (", stderr);
		table_text(stderr, col->title, 0, NULL);
		if (col->value && *col->value) {
			fputs(": «", stderr);
			show_value(stderr, col->value);
			fputs("»", stderr);
		} else {
			fputs(": 空 empty", stderr);
		}
		fputs(")", stderr);
	}
	fputc('\n', stderr);
}

static const struct column *column_of(const struct import *im, const char *field)
{
	size_t i;
	for (i = 0; i < im->ncols; i++)
		if (im->cols[i].spec && strcmp(im->cols[i].spec->name, field) == 0)
			return &im->cols[i];
	return NULL;
}

/* ---- the index ---------------------------------------------------------------------- */

static uint64_t ix_hash(const char *k)
{
	uint64_t h = 14695981039346656037ull;
	for (; *k; k++)
		h = (h ^ (unsigned char)*k) * 1099511628211ull;
	return h;
}

static struct ix_entry *ix_slot(const struct ix *ix, const char *key)
{
	size_t i = (size_t)ix_hash(key) & (ix->cap - 1);
	while (ix->slots[i].key && strcmp(ix->slots[i].key, key) != 0)
		i = (i + 1) & (ix->cap - 1);
	return &ix->slots[i];
}

static const struct ix_entry *ix_find(const struct ix *ix, const char *key)
{
	struct ix_entry *e;
	if (!ix->cap)
		return NULL;
	e = ix_slot(ix, key);
	return e->key ? e : NULL;
}

/* Add uid under key (a second record with the same key makes it
 * ambiguous: count 2). */
static int ix_add(struct ix *ix, const char *key, const char *uid, int64_t unit_id,
		  unsigned line)
{
	struct ix_entry *e;
	if ((ix->used + 1) * 2 > ix->cap) {
		struct ix old = *ix;
		size_t i;
		ix->cap = old.cap ? old.cap * 2 : 64;
		if (!(ix->slots = calloc(ix->cap, sizeof *ix->slots))) {
			*ix = old;
			return BS_E_NOMEM;
		}
		for (i = 0; i < old.cap; i++)
			if (old.slots[i].key)
				*ix_slot(ix, old.slots[i].key) = old.slots[i];
		free(old.slots);
	}
	e = ix_slot(ix, key);
	if (e->key) {
		e->count++;
		return BS_OK;
	}
	if (!(e->key = strdup(key)))
		return BS_E_NOMEM;
	snprintf(e->uid, sizeof e->uid, "%s", uid);
	e->unit_id = unit_id;
	e->count = 1;
	e->line = line;
	ix->used++;
	return BS_OK;
}

static void ix_free(struct ix *ix)
{
	size_t i;
	for (i = 0; i < ix->cap; i++)
		free(ix->slots[i].key);
	free(ix->slots);
	memset(ix, 0, sizeof *ix);
}

/* "c<US>code", "n<US>name", "uid<US>2026-W47" into a malloc'd string. */
static char *make_key(const char *a, const char *b)
{
	size_t na = strlen(a), nb = strlen(b);
	char *k = malloc(na + nb + 2);
	if (k) {
		memcpy(k, a, na);
		k[na] = '\x1f';
		memcpy(k + na + 1, b, nb + 1);
	}
	return k;
}

static int ix_add2(struct ix *ix, const char *a, const char *b, const char *uid,
		   int64_t unit_id, unsigned line)
{
	char *k = make_key(a, b);
	int rv;
	if (!k)
		return BS_E_NOMEM;
	rv = ix_add(ix, k, uid, unit_id, line);
	free(k);
	return rv;
}

static const struct ix_entry *ix_find2(const struct ix *ix, const char *a, const char *b)
{
	char *k = make_key(a, b);
	const struct ix_entry *e;
	if (!k)
		return NULL;
	e = ix_find(ix, k);
	free(k);
	return e;
}

static int index_project(struct import *im, const Baosong__V1__Project *p, const char *uid,
			 int64_t unit_id, unsigned line)
{
	int rv = BS_OK;
	if (p->code && *p->code)
		rv = ix_add2(&im->projects, "c", p->code, uid, unit_id, line);
	if (rv == BS_OK && p->name && *p->name)
		rv = ix_add2(&im->projects, "n", p->name, uid, unit_id, line);
	return rv;
}

static int load_project(void *ctx, const struct lrecord *r)
{
	struct import *im = ctx;
	struct wire_arena a;
	Baosong__V1__Project *p;
	int rv;
	wire_arena_init(&a, DECODE_MAX);
	if (!(p = baosong__v1__project__unpack(&a.alloc, r->data_len, r->data)))
		return 0;
	rv = index_project(im, p, r->uid, r->unit_id, 0);
	baosong__v1__project__free_unpacked(p, &a.alloc);
	return rv;
}

static int load_report(void *ctx, const struct lrecord *r)
{
	struct import *im = ctx;
	struct wire_arena a;
	Baosong__V1__WeeklyReport *w;
	char week[9];
	int64_t monday;
	int rv = 0;
	wire_arena_init(&a, DECODE_MAX);
	if (!(w = baosong__v1__weekly_report__unpack(&a.alloc, r->data_len, r->data)))
		return 0;
	if (w->project_uid && w->period && period_parse_week(w->period, &monday) == BS_OK) {
		period_format_week(monday, week);
		rv = ix_add2(&im->reports, w->project_uid, week, r->uid, r->unit_id, 0);
	}
	baosong__v1__weekly_report__free_unpacked(w, &a.alloc);
	return rv;
}

static int load_unit(void *ctx, const struct lrecord *r)
{
	struct import *im = ctx;
	struct wire_arena a;
	Baosong__V1__UnitInfo *u;
	int rv = BS_OK;
	im->have_units = 1;
	wire_arena_init(&a, DECODE_MAX);
	if (!(u = baosong__v1__unit_info__unpack(&a.alloc, r->data_len, r->data)))
		return 0;
	if (u->code && *u->code && strlen(u->code) <= REC_UID_LEN) {
		rv = ix_add2(&im->units, "c", u->code, u->code, r->unit_id, 0);
		if (rv == BS_OK && u->name && *u->name)
			rv = ix_add2(&im->units, "n", u->name, u->code, r->unit_id, 0);
	}
	baosong__v1__unit_info__free_unpacked(u, &a.alloc);
	return rv;
}

/* The project a weekly report names, for records_validate. */
static int import_lookup_project(void *ctx, const char *uid, int64_t *unit_id,
				 int64_t *total_fen, int *stage)
{
	const struct import *im = ctx;
	return local_lookup_project(im->a.db, uid, unit_id, total_fen, stage);
}

/* A unit by code, for records_validate (set once unit records are here,
 * as `project add` does). */
static int lookup_unit(void *ctx, const char *code, int64_t *unit_id)
{
	const struct import *im = ctx;
	const struct ix_entry *e = ix_find2(&im->units, "c", code);
	if (!e)
		return BS_E_NOTFOUND;
	*unit_id = e->unit_id;
	return BS_OK;
}

/* ---- the header ------------------------------------------------------------------- */

static int row_blank(const struct csv_row *row)
{
	size_t i;
	for (i = 0; i < row->n; i++)
		if (*cell_trim(row->cells[i]))
			return 0;
	return 1;
}

/* A title above the table ("2026年重点建设项目计划表"): one cell filled,
 * and it names no column. */
static int row_is_title(const struct csv_row *row)
{
	char norm[HEADER_NORM_MAX], unit[64];
	size_t i, n = 0, at = 0;
	for (i = 0; i < row->n; i++) {
		if (*cell_trim(row->cells[i])) {
			n++;
			at = i;
		}
	}
	if (n != 1)
		return 0;
	cell_norm(row->cells[at], norm, sizeof norm);
	return !spec_match(project_specs, N_PROJECT_SPECS, norm, unit, sizeof unit) &&
	       !spec_match(weekly_specs, N_WEEKLY_SPECS, norm, unit, sizeof unit);
}

/* Which kind a header is: weekly if it has a column only weekly reports
 * have (周次, 本期完成投资, 本年累计完成投资). */
static int header_is_weekly(const struct csv_row *row)
{
	char norm[HEADER_NORM_MAX], unit[64];
	const struct spec *s;
	size_t i;
	for (i = 0; i < row->n; i++) {
		cell_norm(row->cells[i], norm, sizeof norm);
		s = spec_match(weekly_specs, N_WEEKLY_SPECS, norm, unit, sizeof unit);
		if (s && s->weekly_mark)
			return 1;
	}
	return 0;
}

/* Map the header row to fields.  Explains a header that cannot work. */
static int map_header(struct import *im, const struct csv_row *row)
{
	const struct spec *specs = im->weekly ? weekly_specs : project_specs;
	size_t nspecs = im->weekly ? N_WEEKLY_SPECS : N_PROJECT_SPECS, i, k;
	char norm[HEADER_NORM_MAX], unit[64];
	int missing = 0;

	if (!(im->cols = calloc(row->n, sizeof *im->cols)))
		return BS_E_NOMEM;
	im->ncols = row->n;
	for (i = 0; i < row->n; i++) {
		struct column *c = &im->cols[i];
		const struct spec *s;
		if (!(c->title = strdup(cell_trim(row->cells[i]))))
			return BS_E_NOMEM;
		cell_norm(c->title, norm, sizeof norm);
		if (!norm[0] || !(s = spec_match(specs, nspecs, norm, unit, sizeof unit)))
			continue;
		if (s->type == V_MONEY && unit[0] && strcmp(unit, "万元") != 0) {
			fprintf(stderr, "baosong: 第 %u 行 line %u: 第 %zu 列「", row->line, row->line,
				i + 1);
			table_text(stderr, c->title, 0, NULL);
			fprintf(stderr, "」的单位须为万元 column %zu must be in 万元 (convert the "
					"column in the spreadsheet, and write 万元 in its header)\n",
				i + 1);
			return BS_E_INVAL;
		}
		for (k = 0; k < i; k++) {
			if (im->cols[k].spec == s) {
				fprintf(stderr, "baosong: 第 %u 行 line %u: 第 %zu 列和第 %zu 列都是"
						"「%s」 columns %zu and %zu both give %s\n",
					row->line, row->line, k + 1, i + 1, s->zh, k + 1, i + 1,
					s->name);
				return BS_E_INVAL;
			}
		}
		c->spec = s;
		if (s->proto &&
		    !(c->fd = protobuf_c_message_descriptor_get_field_by_name(im->desc,
									       s->proto))) {
			fprintf(stderr, "baosong: internal error: no field %s\n", s->proto);
			return BS_E_INTERNAL;
		}
		if (s->type == V_PROJ_CODE)
			im->proj_code = c;
		else if (s->type == V_PROJ_NAME)
			im->proj_name = c;
		else if (s->type == V_PROJ_UID)
			im->proj_uid = c;
	}
	for (k = 0; k < nspecs; k++) {
		if (!specs[k].required)
			continue;
		for (i = 0; i < im->ncols && im->cols[i].spec != &specs[k]; i++)
			;
		if (i == im->ncols) {
			fprintf(stderr, "baosong: 第 %u 行 line %u: 缺少「%s」列 no %s column\n",
				row->line, row->line, specs[k].zh, specs[k].name);
			missing = 1;
		}
	}
	if (im->weekly && !im->proj_code && !im->proj_name && !im->proj_uid) {
		fprintf(stderr, "baosong: 第 %u 行 line %u: 缺少「项目代码」或「项目名称」列 no "
				"column naming the project (项目代码 or 项目名称)\n",
			row->line, row->line);
		missing = 1;
	}
	if (missing) {
		fprintf(stderr, "  表头 the header (line %u) is the first row with more than one "
				"cell, read as %s (--kind chooses); `baosong import --help` lists "
				"the columns\n", row->line,
			im->weekly ? "weekly reports" : "projects");
		return BS_E_INVAL;
	}
	return BS_OK;
}

/* ---- rows --------------------------------------------------------------------------- */

static void *field_ptr(ProtobufCMessage *m, const ProtobufCFieldDescriptor *fd)
{
	return (char *)m + fd->offset;
}

/* Put each cell of row into m (and the project columns aside).  Every
 * bad cell is reported; BS_E_INVAL if there was one. */
static int fill_cells(struct import *im, const struct csv_row *row, ProtobufCMessage *m)
{
	size_t i;
	int bad = 0;

	for (i = 0; i < im->ncols; i++)
		im->cols[i].value = "";
	for (i = 0; i < im->ncols; i++) {
		struct column *c = &im->cols[i];
		const struct spec *s = c->spec;
		char *v;
		const char *msg = NULL;
		uint32_t u;
		int64_t fen, days;
		int stage, rv;

		if (!s)
			continue;
		v = i < row->n ? cell_trim(row->cells[i]) : NULL;
		c->value = v ? v : "";
		if (!v || !*v) {
			if (s->required) {
				row_error(im, row->line, s->name, "必须填写 required", c);
				bad = 1;
			}
			continue;
		}
		switch (s->type) {
		case V_TEXT:
			if (strpbrk(v, "\r\n")) {
				msg = "单元格内有换行，此项须为一行 the cell has a line break; this "
				      "field is one line";
				break;
			}
			*(const char **)field_ptr(m, c->fd) = cell_undefuse(v);
			break;
		case V_MTEXT:
			cell_unix_newlines(v);
			*(const char **)field_ptr(m, c->fd) = cell_undefuse(v);
			break;
		case V_YEAR:
			if (cell_uint(v, &u) != BS_OK) {
				msg = "应为年份，如 2026 a year, e.g. 2026";
				break;
			}
			*(uint32_t *)field_ptr(m, c->fd) = u;
			break;
		case V_MONEY:
			if ((rv = cell_money(v, &fen)) == BS_E_UNSUPPORTED) {
				msg = "金额须以万元为单位 amounts are in 万元";
				break;
			}
			if (rv != BS_OK) {
				msg = "金额应为万元，最多两位小数，如 1234.56 an amount in 万元 with "
				      "at most two decimals";
				break;
			}
			*(int64_t *)field_ptr(m, c->fd) = fen;
			break;
		case V_DATE:
			if ((rv = cell_date(v, &days)) == BS_E_NOTFOUND) {
				msg = "没有这一天 no such day";
				break;
			}
			if (rv != BS_OK) {
				msg = "日期应为 2026-03-01、2026/3/1、2026.3.1、2026年3月1日 或 "
				      "2026-03 a date";
				break;
			}
			period_format_date(days, c->scratch);
			*(const char **)field_ptr(m, c->fd) = c->scratch;
			break;
		case V_STAGE:
			if (cell_stage(v, &stage) != BS_OK) {
				msg = "未知的项目阶段 unknown stage; stages: 谋划储备 前期 新开工 "
				      "续建 竣工 投产 运营 停缓建";
				break;
			}
			*(int *)field_ptr(m, c->fd) = stage;
			break;
		case V_WEEK:
			if (cell_week(v, c->scratch) != BS_OK) {
				msg = "周次应为 2026-W47（ISO 周）或该周内的日期 an ISO week like "
				      "2026-W47, or a date in it";
				break;
			}
			*(const char **)field_ptr(m, c->fd) = c->scratch;
			break;
		case V_PERCENT:
			if (cell_uint(v, &u) != BS_OK) {
				msg = "应为 0 至 100 的整数 a whole number from 0 to 100";
				break;
			}
			*(uint32_t *)field_ptr(m, c->fd) = u;
			break;
		case V_PROJ_CODE:
		case V_PROJ_NAME:
		case V_PROJ_UID:
			break;
		}
		if (msg) {
			row_error(im, row->line, s->name, msg, c);
			bad = 1;
		}
	}
	return bad ? BS_E_INVAL : BS_OK;
}

/* Pack m into im->pack and validate it as the server will.  BS_E_INVAL if
 * the row is bad (reported), another code if validation could not run. */
static int pack_validate(struct import *im, const struct csv_row *row,
			 const ProtobufCMessage *m, size_t *len)
{
	struct rec_error err;
	size_t n = protobuf_c_message_get_packed_size(m);
	int rv;

	if (n > REC_DATA_MAX) {
		row_error(im, row->line, "data", "记录过大，请缩短文字 the record is too large; "
						 "shorten the text", NULL);
		return BS_E_INVAL;
	}
	*len = protobuf_c_message_pack(m, im->pack);
	rv = records_validate(im->kind, im->pack, *len, &im->rc, &err);
	if (rv == BS_E_INVAL || rv == BS_E_FORBIDDEN || rv == BS_E_TOOBIG) {
		row_error(im, row->line, err.field[0] ? err.field : "data",
			  err.msg[0] ? err.msg : "数据有误 invalid", column_of(im, err.field));
		return BS_E_INVAL;
	}
	if (rv != BS_OK)
		fprintf(stderr, "baosong: 第 %u 行 line %u: 无法检查 cannot check the row: %s\n",
			row->line, row->line, bs_strerror(rv));
	return rv;
}

/* The first column whose value differs between messages a and b, or NULL
 * if all the columns of the file agree. */
static const struct column *first_difference(const struct import *im,
					     const ProtobufCMessage *a,
					     const ProtobufCMessage *b)
{
	size_t i;
	for (i = 0; i < im->ncols; i++) {
		const ProtobufCFieldDescriptor *fd = im->cols[i].fd;
		const void *x, *y;
		if (!fd)
			continue;
		x = (const char *)a + fd->offset;
		y = (const char *)b + fd->offset;
		switch (fd->type) {
		case PROTOBUF_C_TYPE_STRING: {
			const char *s = *(char *const *)x, *t = *(char *const *)y;
			if (strcmp(s ? s : "", t ? t : "") != 0)
				return &im->cols[i];
			break;
		}
		case PROTOBUF_C_TYPE_INT64:
			if (*(const int64_t *)x != *(const int64_t *)y)
				return &im->cols[i];
			break;
		case PROTOBUF_C_TYPE_UINT32:
			if (*(const uint32_t *)x != *(const uint32_t *)y)
				return &im->cols[i];
			break;
		case PROTOBUF_C_TYPE_ENUM:
			if (*(const int *)x != *(const int *)y)
				return &im->cols[i];
			break;
		default:
			return &im->cols[i];
		}
	}
	return NULL;
}

/* A record with the same key exists (e): 1 if it holds the same values
 * in every column of the file (the row is skipped), 0 if not (reported),
 * or an error. */
static int same_as_existing(struct import *im, const struct csv_row *row,
			    const struct ix_entry *e, const ProtobufCMessage *m,
			    const char *field, const char *what)
{
	struct lrecord r;
	struct wire_arena a;
	ProtobufCMessage *old;
	const struct column *diff = NULL;
	char msg[400], where[64];
	int rv;

	if (e->count > 1) {
		snprintf(msg, sizeof msg, "本机已有 %u 个同名项目 %u projects on this device have "
					  "this name; give 项目代码", e->count, e->count);
		row_error(im, row->line, field, msg, column_of(im, field));
		return 0;
	}
	if ((rv = localdb_record_get(im->a.db, e->uid, &r)) != BS_OK) {
		fprintf(stderr, "baosong: 读取本地数据失败 cannot read the local database: %s\n",
			bs_strerror(rv));
		return rv;
	}
	wire_arena_init(&a, DECODE_MAX);
	old = protobuf_c_message_unpack(im->desc, &a.alloc, r.data_len, r.data);
	lrecord_free(&r);
	if (old) {
		diff = first_difference(im, m, old);
		protobuf_c_message_free_unpacked(old, &a.alloc);
		if (!diff)
			return 1;
	}
	if (e->line)
		snprintf(where, sizeof where, "与第 %u 行重复 same as line %u", e->line, e->line);
	else
		snprintf(where, sizeof where, "本机已有 exists already");
	snprintf(msg, sizeof msg, "%s%s %.8s，「%s」不同 %s %s; %s", what, where, e->uid,
		 diff ? diff->spec->zh : "内容", diff ? diff->spec->name : "it", "differs",
		 im->weekly ? "correct it with `baosong report edit ID`"
			    : "change it with `baosong project edit`");
	row_error(im, row->line, field, msg, diff);
	return 0;
}

static int queue(struct import *im, const char *uid, int64_t unit_id, size_t len)
{
	uint64_t seq;
	int rv = localdb_change(im->a.db, im->kind, uid, unit_id, im->pack, len, NULL, 0, 0,
				im->now, &seq);
	if (rv != BS_OK)
		fprintf(stderr, "baosong: 保存失败 cannot save: %s\n", bs_strerror(rv));
	return rv;
}

/* One data row of a plan table.  BS_OK when the row is dealt with (good,
 * skipped or bad), else an error that ends the import. */
static int project_row(struct import *im, const struct csv_row *row)
{
	Baosong__V1__Project p = BAOSONG__V1__PROJECT__INIT;
	const struct ix_entry *e;
	char uid[REC_UID_LEN + 1];
	int by_code, rv;
	size_t len;

	if (fill_cells(im, row, &p.base) != BS_OK)
		return BS_OK;
	/* 牵头单位 is a unit code; the plan table gives the unit's name. */
	if (im->have_units && p.lead_unit && *p.lead_unit &&
	    !ix_find2(&im->units, "c", p.lead_unit) &&
	    (e = ix_find2(&im->units, "n", p.lead_unit)) != NULL && e->count == 1)
		p.lead_unit = (char *)e->uid;
	if ((rv = pack_validate(im, row, &p.base, &len)) != BS_OK)
		return rv == BS_E_INVAL ? BS_OK : rv;
	by_code = p.code && *p.code;
	e = ix_find2(&im->projects, by_code ? "c" : "n", by_code ? p.code : p.name);
	if (e) {
		rv = same_as_existing(im, row, e, &p.base, by_code ? "code" : "name",
				      "项目 project ");
		if (rv == 1)
			im->skipped++;
		return rv < 0 ? rv : BS_OK;
	}
	records_new_uid(uid);
	if ((rv = queue(im, uid, im->srv.unit_id, len)) != BS_OK ||
	    (rv = index_project(im, &p, uid, im->srv.unit_id, row->line)) != BS_OK)
		return rv;
	im->good++;
	return BS_OK;
}

/* The project a weekly row names: by id, else by code, else by exact
 * name.  NULL if none (reported). */
static const struct ix_entry *row_project(struct import *im, const struct csv_row *row,
					  const char **field)
{
	const struct column *code = im->proj_code, *name = im->proj_name, *id = im->proj_uid;
	const struct ix_entry *e = NULL;
	struct ix_entry *by_uid = &im->by_uid;
	char msg[300];
	struct lrecord r;

	*field = "project";
	if (id && *id->value) {
		if (!records_uid_valid(id->value) ||
		    localdb_record_get(im->a.db, id->value, &r) != BS_OK) {
			row_error(im, row->line, "project_uid", "本机没有这个项目 no such project "
				  "on this device", id);
			return NULL;
		}
		memset(by_uid, 0, sizeof *by_uid);
		snprintf(by_uid->uid, sizeof by_uid->uid, "%.*s", REC_UID_LEN, r.uid);
		by_uid->unit_id = r.unit_id;
		by_uid->count = strcmp(r.kind, REC_KIND_PROJECT) == 0 && !r.deleted;
		lrecord_free(&r);
		if (!by_uid->count) {
			row_error(im, row->line, "project_uid", "不是项目 not a project", id);
			return NULL;
		}
		return by_uid;
	}
	if (code && *code->value)
		e = ix_find2(&im->projects, "c", code->value);
	if (!e && name && *name->value)
		e = ix_find2(&im->projects, "n", name->value);
	if (e && e->count > 1) {
		snprintf(msg, sizeof msg, "本机有 %u 个项目与之对应 %u projects match; give "
					  "项目代码", e->count, e->count);
		row_error(im, row->line, "project", msg, code && *code->value ? code : name);
		return NULL;
	}
	if (!e) {
		if ((!code || !*code->value) && (!name || !*name->value)) {
			row_error(im, row->line, "project", "未填项目代码或项目名称 neither 项目代码 "
				  "nor 项目名称 given", NULL);
			return NULL;
		}
		row_error(im, row->line, "project", "本机没有这个项目 no such project on this "
			  "device (`baosong project list` shows them; `baosong pull` fetches the "
			  "server's)", code && *code->value ? code : name);
		return NULL;
	}
	return e;
}

/* One data row of a weekly batch. */
static int weekly_row(struct import *im, const struct csv_row *row)
{
	Baosong__V1__WeeklyReport w = BAOSONG__V1__WEEKLY_REPORT__INIT;
	const struct ix_entry *proj, *e;
	char uid[REC_UID_LEN + 1], project_uid[REC_UID_LEN + 1];
	const char *field;
	int64_t unit_id;
	size_t len;
	int rv;

	if (fill_cells(im, row, &w.base) != BS_OK)
		return BS_OK;
	if (!(proj = row_project(im, row, &field)))
		return BS_OK;
	snprintf(project_uid, sizeof project_uid, "%s", proj->uid);
	unit_id = proj->unit_id;
	w.project_uid = project_uid;
	if ((rv = pack_validate(im, row, &w.base, &len)) != BS_OK)
		return rv == BS_E_INVAL ? BS_OK : rv;
	if ((e = ix_find2(&im->reports, project_uid, w.period)) != NULL) {
		rv = same_as_existing(im, row, e, &w.base, "period", "该项目该周的周报 report ");
		if (rv == 1)
			im->skipped++;
		return rv < 0 ? rv : BS_OK;
	}
	records_new_uid(uid);
	if ((rv = queue(im, uid, unit_id, len)) != BS_OK ||
	    (rv = ix_add2(&im->reports, project_uid, w.period, uid, unit_id, row->line)) != BS_OK)
		return rv;
	im->good++;
	return BS_OK;
}

/* ---- the command ------------------------------------------------------------------ */

static void import_help(void)
{
	printf("baosong import FILE.csv [--kind project|weekly_report] "
	       "[--encoding auto|utf-8|gb18030]\n"
	       "               [--partial] [--dry-run] [--dir DIR]\n"
	       "  Read a spreadsheet saved as CSV (Excel/WPS: 另存为 CSV) and queue its rows "
	       "as projects\n  (the plan table 重点建设项目计划表) or weekly reports; the next "
	       "`baosong sync` sends them.\n"
	       "  Every row is checked as `project add` / `report add` check it; bad rows are "
	       "listed\n  with their line in the file.  Without --partial nothing is queued "
	       "if any row is bad.\n"
	       "  A project already on this device (same 项目代码, or same name without one) "
	       "is skipped\n  if the file says the same about it, else refused; likewise a "
	       "project's report\n  for a week it has one.\n"
	       "Options:\n"
	       "  --kind K          project or weekly_report (default: weekly_report if the "
	       "header has\n                    周次 / 本期完成投资 / 本年累计完成投资, "
	       "else project)\n"
	       "  --encoding E      auto (default: UTF-8 with or without BOM, else GB18030), "
	       "utf-8,\n                    or gb18030 (also reads GBK and GB2312)\n"
	       "  --partial         queue the good rows even if some are bad\n"
	       "  --dry-run         check everything, queue nothing\n"
	       "Columns (the header is the first row with more than one cell; spaces, "
	       "（）and\n(万元) are allowed in it; 序号 and other columns are ignored):\n"
	       "  projects: 项目名称* 项目代码 计划年度* 项目类别 产业链 投资类型 重点级别 "
	       "所在乡镇\n    包抓领导 业主单位 牵头单位 总投资(万元)* 年度计划投资(万元) "
	       "计划开工时间\n    计划竣工时间 项目阶段* 建设内容\n"
	       "  weekly reports: 项目代码 or 项目名称* 周次* 本期完成投资 本年累计完成投资* "
	       "\n    开工累计完成投资* 形象进度 进度百分比 存在问题\n"
	       "  (* required; English names work too: name, code, year, stage, total, "
	       "annual ...)\n"
	       "  Money in 万元 (12,500.00 and 12500万元 are fine); dates as 2026-03-01, "
	       "2026/3/1,\n  2026.3.1, 2026年3月1日 or 2026-03; weeks as 2026-W47 or a date "
	       "in the week.\n"
	       "Example:\n"
	       "  baosong import 2026年重点项目计划表.csv --dry-run\n"
	       "  baosong import 周报-第47周.csv --partial\n");
}

static int parse_args(int argc, char **argv, struct import *im, enum kind_opt *kind,
		      const char **dir)
{
	static const struct option opts[] = {{"kind", required_argument, 0, 'k'},
					     {"encoding", required_argument, 0, 'e'},
					     {"partial", no_argument, 0, 'p'},
					     {"dry-run", no_argument, 0, 'n'},
					     {"dir", required_argument, 0, 'd'},
					     {"help", no_argument, 0, 'h'},
					     {0, 0, 0, 0}};
	int c;
	argv[0] = (char *)"baosong import";
	while ((c = getopt_long(argc, argv, "d:h", opts, NULL)) != -1) {
		switch (c) {
		case 'k':
			if (!strcmp(optarg, "project") || !strcmp(optarg, "项目")) {
				*kind = KIND_PROJECT;
			} else if (!strcmp(optarg, REC_KIND_WEEKLY) || !strcmp(optarg, "weekly") ||
				   !strcmp(optarg, "周报")) {
				*kind = KIND_WEEKLY;
			} else {
				fprintf(stderr, "baosong import: --kind is project or weekly_report\n");
				return EX_USAGE_;
			}
			break;
		case 'e':
			if (!strcasecmp(optarg, "auto")) {
				im->enc = ENC_AUTO;
			} else if (!strcasecmp(optarg, "utf-8") || !strcasecmp(optarg, "utf8")) {
				im->enc = ENC_UTF8;
			} else if (!strcasecmp(optarg, "gb18030") || !strcasecmp(optarg, "gbk") ||
				   !strcasecmp(optarg, "gb2312")) {
				im->enc = ENC_GB18030;
			} else {
				fprintf(stderr, "baosong import: --encoding is auto, utf-8 or "
						"gb18030\n");
				return EX_USAGE_;
			}
			break;
		case 'p': im->partial = 1; break;
		case 'n': im->dry_run = 1; break;
		case 'd': *dir = optarg; break;
		case 'h': import_help(); return 0;
		default: return EX_USAGE_;
		}
	}
	if (argc - optind != 1) {
		fprintf(stderr, "baosong import: give one CSV file (see --help)\n");
		return EX_USAGE_;
	}
	im->path = argv[optind];
	return -1;
}

/* Open the data directory and this device's settings; fill the validation
 * context.  Explains failures. */
static int open_device(struct import *im, const char *dir)
{
	int rv = app_init(&im->a, dir, 0);
	if (rv != BS_OK) {
		fprintf(stderr, "baosong: 数据目录无效 bad data directory: %s\n", bs_strerror(rv));
		return rv;
	}
	if ((rv = app_open_db(&im->a)) != BS_OK) {
		fprintf(stderr, "baosong: 无法打开本地数据库 cannot open the local database %s: %s\n",
			im->a.db_path, bs_strerror(rv));
		return rv;
	}
	if ((rv = app_server(&im->a, &im->srv)) != BS_OK) {
		if (rv != BS_E_NOTFOUND)
			fprintf(stderr, "baosong: 本机设置已损坏 this device's settings are damaged: "
					"%s\n", bs_strerror(rv));
		return rv;
	}
	im->now = wire_now_ms();
	im->lk.project = import_lookup_project;
	im->lk.unit = NULL; /* set once the unit records are loaded, if any */
	im->lk.ctx = im;
	im->rc.now_ms = im->now;
	im->rc.unit_id = im->srv.unit_id;
	im->rc.role = im->srv.role;
	im->rc.any_unit = im->srv.role == REC_ROLE_ADMIN;
	im->rc.lookup = &im->lk;
	return BS_OK;
}

static void print_summary(const struct import *im, int committed)
{
	size_t i;
	int any = 0;
	printf("%s «", im->weekly ? "周报 weekly reports" : "项目 projects");
	table_text(stdout, im->path, 0, NULL);
	printf("» (%s): 读取 read %u, 入队 queued %u, 跳过 skipped %u, 拒绝 refused %u\n",
	       im->enc_used ? im->enc_used : "?", im->read, committed ? im->good : 0, im->skipped,
	       im->bad);
	for (i = 0; i < im->ncols; i++) {
		if (im->cols[i].spec || !im->cols[i].title[0])
			continue;
		fputs(any ? ", " : "忽略的列 ignored columns: ", stdout);
		table_text(stdout, im->cols[i].title, 0, NULL);
		any = 1;
	}
	if (any)
		fputc('\n', stdout);
	if (im->skipped)
		printf("跳过的行与本机已有记录相同 skipped rows match records already on this "
		       "device\n");
	if (im->dry_run && im->bad && !im->partial)
		printf("试运行，未保存 dry run: nothing queued; as it is, nothing would be: %u "
		       "row%s bad (--partial would queue the %u good one%s)\n", im->bad,
		       im->bad == 1 ? " is" : "s are", im->good, im->good == 1 ? "" : "s");
	else if (im->dry_run)
		printf("试运行，未保存 dry run: nothing queued (%u would be)\n", im->good);
	else if (im->bad && !im->partial)
		printf("未保存 nothing queued: %u row%s bad; fix %s and import again, or give "
		       "--partial to queue the %u good one%s\n", im->bad,
		       im->bad == 1 ? " is" : "s are", im->bad == 1 ? "it" : "them", im->good,
		       im->good == 1 ? "" : "s");
	else if (committed && im->good)
		printf("已保存 saved: `baosong sync` sends them\n");
}

int cmd_import(int argc, char **argv)
{
	struct csv_limits lim = {BS_IMPORT_FIELD_MAX, BS_IMPORT_COLS_MAX, BS_IMPORT_ROWS_MAX};
	struct import *im;
	struct csv_reader *rd = NULL;
	struct csv_row row;
	struct csv_error cerr;
	enum kind_opt kind = KIND_DETECT;
	const char *dir = NULL;
	char *raw = NULL, *text = NULL;
	size_t rawlen = 0, tlen = 0, i;
	unsigned titles = 0;
	int in_tx = 0, committed = 0, have_header = 0, rv, r;

	memset(&cerr, 0, sizeof cerr);

	if (!(im = calloc(1, sizeof *im))) {
		fprintf(stderr, "baosong: 内存不足 out of memory\n");
		return cli_exit_code(BS_E_NOMEM);
	}
	im->a.lock_fd = -1;
	if ((rv = parse_args(argc, argv, im, &kind, &dir)) >= 0) {
		free(im);
		return rv;
	}
	if ((rv = read_whole(im->path, &raw, &rawlen)) != BS_OK)
		goto out;
	rv = decode(im, raw, rawlen, &text, &tlen);
	raw = NULL;
	if (rv != BS_OK || (rv = csv_reader_new(text, tlen, &lim, &rd)) != BS_OK)
		goto out;

	/* The header: the first row with more than one cell filled (a title
	 * row above it, one cell across the table, is skipped). */
	while (!have_header) {
		r = csv_next(rd, &row, &cerr);
		if (r == 0) {
			fprintf(stderr, "baosong: %s 中没有表头 has no header row (nothing to "
					"import)\n", im->path);
			rv = BS_E_INVAL;
			goto out;
		}
		if (r < 0) {
			fprintf(stderr, "baosong: 第 %u 行 line %u: 无法读取表头 cannot read the "
					"header: %s\n", cerr.line, cerr.line, cerr.msg);
			rv = r;
			goto out;
		}
		if (row_blank(&row))
			continue;
		if (row_is_title(&row) && titles++ < TITLE_ROWS_MAX)
			continue;
		have_header = 1;
	}
	im->weekly = kind == KIND_WEEKLY || (kind == KIND_DETECT && header_is_weekly(&row));
	im->kind = im->weekly ? REC_KIND_WEEKLY : REC_KIND_PROJECT;
	im->desc = im->weekly ? &baosong__v1__weekly_report__descriptor
			      : &baosong__v1__project__descriptor;
	if ((rv = map_header(im, &row)) != BS_OK)
		goto out;

	if ((rv = open_device(im, dir)) != BS_OK)
		goto out;
	/* One transaction from the first read to the last write: what is
	 * checked against is what is written to, and a failure undoes all. */
	if ((rv = localdb_begin(im->a.db)) != BS_OK) {
		fprintf(stderr, "baosong: 本地数据库忙 the local database is busy: %s\n",
			bs_strerror(rv));
		goto out;
	}
	in_tx = 1;
	if ((rv = localdb_record_each(im->a.db, REC_KIND_PROJECT, 0, load_project, im)) < 0 ||
	    (rv = localdb_record_each(im->a.db, REC_KIND_UNIT, 0, load_unit, im)) < 0 ||
	    (im->weekly &&
	     (rv = localdb_record_each(im->a.db, REC_KIND_WEEKLY, 0, load_report, im)) < 0)) {
		fprintf(stderr, "baosong: 读取本地数据失败 cannot read the local database: %s\n",
			bs_strerror(rv));
		goto out;
	}
	if (im->have_units)
		im->lk.unit = lookup_unit;

	for (;;) {
		r = csv_next(rd, &row, &cerr);
		if (r == 0)
			break;
		if (r < 0) {
			im->read++;
			row_error(im, cerr.line, "csv", cerr.msg, NULL);
			if (cerr.fatal) {
				rv = r;
				goto stopped;
			}
			continue;
		}
		if (row_blank(&row))
			continue;
		im->read++;
		rv = im->weekly ? weekly_row(im, &row) : project_row(im, &row);
		if (rv != BS_OK)
			goto stopped;
	}
	if (im->bad > ERRORS_SHOWN)
		fprintf(stderr, "（另有 %u 行有误未列出 %u more bad rows not listed）\n",
			im->bad - ERRORS_SHOWN, im->bad - ERRORS_SHOWN);
	if (!im->dry_run && im->good && (!im->bad || im->partial)) {
		if ((rv = localdb_commit(im->a.db)) != BS_OK) {
			fprintf(stderr, "baosong: 保存失败 cannot save: %s\n", bs_strerror(rv));
			goto stopped;
		}
		in_tx = 0;
		committed = 1;
	}
	print_summary(im, committed);
	rv = im->bad ? BS_E_INVAL : BS_OK;
	goto out;
stopped:
	fprintf(stderr, "baosong: 导入中止，未保存任何记录 import stopped; nothing queued\n");
out:
	if (in_tx)
		localdb_rollback(im->a.db);
	csv_reader_free(rd);
	free(raw);
	free(text);
	for (i = 0; i < im->ncols; i++)
		free(im->cols[i].title);
	free(im->cols);
	ix_free(&im->projects);
	ix_free(&im->reports);
	ix_free(&im->units);
	app_close(&im->a);
	free(im);
	return cli_exit_code(rv);
}
