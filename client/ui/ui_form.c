/* ui_form.c - see ui_form.h. */
#include "ui_form.h"

#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "baosong.pb-c.h"
#include "err.h"
#include "field.h"
#include "layout.h"
#include "localdb.h"
#include "ui.h"
#include "ui_rec.h"
#include "wire.h"

#define VALUE_MAX (64u * 1024u) /* the text of one input */
#define ITEM_MAX 600u

int ui_form_init(struct ui_form *uf, const char *kind, struct http_req *rq)
{
	memset(uf, 0, sizeof *uf);
	uf->rq = rq;
	uf->kind = kind;
	return form_fields(kind, uf->ff, FORM_FIELDS_MAX, &uf->n);
}

void ui_form_free(struct ui_form *uf)
{
	size_t i;

	for (i = 0; i < FORM_FIELDS_MAX; i++) {
		free(uf->val[i]);
		uf->val[i] = NULL;
	}
	for (i = 0; i < uf->ntmp; i++)
		if (uf->tmp[i][0])
			unlink(uf->tmp[i]);
	uf->ntmp = 0;
}

int ui_form_index(const struct ui_form *uf, const char *name)
{
	size_t i;

	for (i = 0; i < uf->n; i++)
		if (!strcmp(uf->ff[i].name, name))
			return (int)i;
	return -1;
}

static void set_val(struct ui_form *uf, size_t i, const char *text)
{
	free(uf->val[i]);
	uf->val[i] = text && *text ? strndup(text, VALUE_MAX) : NULL;
}

void ui_form_set(struct ui_form *uf, const char *name, const char *text)
{
	int i = ui_form_index(uf, name);

	if (i >= 0)
		set_val(uf, (size_t)i, text);
}

void ui_form_hide(struct ui_form *uf, const char *name)
{
	int i = ui_form_index(uf, name);

	if (i >= 0)
		uf->hidden[i] = 1;
}

/* The entries of repeated field f of m, one a line. */
static void lines_of(const struct ui_form *uf, const ProtobufCMessage *m,
		     const ProtobufCFieldDescriptor *f, char *out, size_t cap)
{
	size_t i, n = *field_count(m, f), used = 0;

	out[0] = '\0';
	for (i = 0; i < n && used < cap; i++) {
		char item[ITEM_MAX];
		const char *s = item;

		if (field_kind(f) == FK_TEXTS) {
			s = (*(char ***)field_ptr(m, f))[i];
		} else {
			field_format_item(uf->kind, (*(ProtobufCMessage ***)field_ptr(m, f))[i],
					  FMT_CSV, item, sizeof item);
		}
		used += (size_t)snprintf(out + used, cap - used, "%s%s", i ? "\n" : "",
					 s ? s : "");
	}
}

void ui_form_from_msg(struct ui_form *uf, const ProtobufCMessage *m)
{
	static char buf[VALUE_MAX];
	size_t i;

	for (i = 0; i < uf->n; i++) {
		const ProtobufCFieldDescriptor *f = uf->ff[i].f;

		if (uf->ff[i].input == FORM_REPEATED || uf->ff[i].input == FORM_ITEMS)
			lines_of(uf, m, f, buf, sizeof buf);
		else
			field_format(uf->kind, m, f, FMT_CSV, buf, sizeof buf);
		/* A zero number of a new field reads better blank. */
		if ((uf->ff[i].input == FORM_NUMBER && !strcmp(buf, "0")))
			buf[0] = '\0';
		set_val(uf, i, buf);
	}
}

static void input_name(const struct form_field *ff, const char *suffix, char *out, size_t cap)
{
	snprintf(out, cap, "f_%s%s", ff->name, suffix);
}

void ui_form_from_request(struct ui_form *uf)
{
	char name[96];
	size_t i;

	for (i = 0; i < uf->n; i++) {
		input_name(&uf->ff[i], "", name, sizeof name);
		set_val(uf, i, http_text(uf->rq, name));
	}
}

/* ---- from the values to the record -------------------------------------------------- */

struct assigns {
	struct form_assign *a;
	size_t n, cap;
};

static int push(struct assigns *as, const ProtobufCFieldDescriptor *f, const char *v)
{
	if (as->n == as->cap) {
		size_t nc = as->cap ? as->cap * 2 : 64;
		struct form_assign *na = realloc(as->a, nc * sizeof *na);

		if (!na)
			return BS_E_NOMEM;
		as->a = na;
		as->cap = nc;
	}
	as->a[as->n].f = f;
	as->a[as->n].value = v;
	as->n++;
	return BS_OK;
}

/* Each non-blank line of text (trimmed), copied into fm's pool. */
static int push_lines(struct form *fm, struct assigns *as, const ProtobufCFieldDescriptor *f,
		      const char *text, size_t *pushed)
{
	const char *p = text ? text : "";

	*pushed = 0;
	while (*p) {
		size_t n = strcspn(p, "\r\n");
		const char *s = p, *e = p + n;
		char *line;

		while (s < e && (*s == ' ' || *s == '\t'))
			s++;
		while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
			e--;
		if (e > s) {
			if (!(line = form_alloc(fm, (size_t)(e - s) + 1)))
				return BS_E_NOMEM;
			memcpy(line, s, (size_t)(e - s));
			if (push(as, f, line) != BS_OK)
				return BS_E_NOMEM;
			(*pushed)++;
		}
		p += n;
		while (*p == '\r' || *p == '\n')
			p++;
	}
	return BS_OK;
}

/* The key of an entry line "KEY=VALUE" into out. */
static void line_key(const char *line, char *out, size_t cap)
{
	size_t n = strcspn(line, "=");

	snprintf(out, cap, "%.*s", (int)(n < cap ? n : cap - 1), line);
}

/* Whether text has a line whose key is key. */
static int has_key(const char *text, const char *key)
{
	const char *p = text ? text : "";
	size_t k = strlen(key);

	while (*p) {
		size_t n = strcspn(p, "\r\n");

		while (*p == ' ' && n > 0) {
			p++;
			n--;
		}
		if (n > k && !strncmp(p, key, k) && p[k] == '=')
			return 1;
		p += n;
		while (*p == '\r' || *p == '\n')
			p++;
	}
	return 0;
}

/* "KEY=" for each entry of old's field f whose key no line of text has:
 * the entries a person deleted from the box. */
static int push_removed(struct ui_form *uf, struct form *fm, struct assigns *as,
			const ProtobufCMessage *old, const ProtobufCFieldDescriptor *f,
			const char *text)
{
	size_t i, n;

	if (!old)
		return BS_OK;
	n = *field_count(old, f);
	for (i = 0; i < n; i++) {
		char item[ITEM_MAX], key[ITEM_MAX];
		char *v;

		field_format_item(uf->kind, (*(ProtobufCMessage ***)field_ptr(old, f))[i], FMT_CSV,
				  item, sizeof item);
		line_key(item, key, sizeof key);
		if (!key[0] || has_key(text, key))
			continue;
		if (!(v = form_alloc(fm, strlen(key) + 2)))
			return BS_E_NOMEM;
		memcpy(v, key, strlen(key));
		v[strlen(key)] = '=';
		if (push(as, f, v) != BS_OK)
			return BS_E_NOMEM;
	}
	return BS_OK;
}

/* A file entry: the key chosen and the file uploaded with it, given to
 * form_apply as "KEY=FILENAME"; the file callback finds the upload by
 * that name.  Removed entries: checkboxes f_NAME_del with the keys. */
static int push_file_items(struct ui_form *uf, struct form *fm, struct assigns *as,
			   const struct form_field *ff)
{
	char name[96], *v;
	const char *key, *base;
	const struct http_field *file;
	size_t i;

	input_name(ff, "_del", name, sizeof name);
	for (i = 0; i < uf->rq->n_fields; i++) {
		const struct http_field *hf = &uf->rq->fields[i];

		if (hf->filename || strcmp(hf->name, name) != 0 || !hf->len ||
		    hf->len > ITEM_MAX)
			continue;
		if (!(v = form_alloc(fm, hf->len + 2)))
			return BS_E_NOMEM;
		memcpy(v, hf->data, hf->len);
		v[hf->len] = '=';
		if (push(as, ff->f, v) != BS_OK)
			return BS_E_NOMEM;
	}
	input_name(ff, "_key", name, sizeof name);
	key = http_text(uf->rq, name);
	input_name(ff, "_file", name, sizeof name);
	file = http_field(uf->rq, name);
	if (!file || !file->filename || !file->filename[0] || !file->len)
		return BS_OK;
	if (!key || !*key || strlen(key) > ITEM_MAX) {
		snprintf(uf->bad, sizeof uf->bad, "%s", ff->name);
		snprintf(uf->bad_msg, sizeof uf->bad_msg, "请选择文件的类别。Choose what the file is.");
		return BS_E_INVAL;
	}
	base = strrchr(file->filename, '/');
	base = base ? base + 1 : file->filename;
	if (!*base || strlen(base) > 200) {
		snprintf(uf->bad, sizeof uf->bad, "%s", ff->name);
		snprintf(uf->bad_msg, sizeof uf->bad_msg,
			 "文件名无效或过长。The file name is empty or too long.");
		return BS_E_INVAL;
	}
	if (!(v = form_alloc(fm, strlen(key) + strlen(base) + 2)))
		return BS_E_NOMEM;
	sprintf(v, "%s=%s", key, base); /* the file callback finds the upload by its name */
	return push(as, ff->f, v);
}

/* The upload of a file input (f_*_file) named text, or NULL. */
static const struct http_field *upload_named(const struct http_req *rq, const char *text)
{
	size_t i;

	for (i = 0; i < rq->n_fields; i++) {
		const struct http_field *f = &rq->fields[i];
		const char *base;
		size_t n = strlen(f->name);

		if (!f->filename || n < 7 || strncmp(f->name, "f_", 2) != 0 ||
		    strcmp(f->name + n - 5, "_file") != 0)
			continue;
		base = strrchr(f->filename, '/');
		base = base ? base + 1 : f->filename;
		if (!strcmp(base, text))
			return f;
	}
	return NULL;
}

/* A form_file_fn: text is the name of the file uploaded. */
static int upload_cb(void *ctx, const char *text, struct form_file *out, struct rec_error *err)
{
	struct ui_form *uf = ctx;
	const struct http_field *f = upload_named(uf->rq, text);

	if (!f || !f->filename) {
		snprintf(err->msg, sizeof err->msg, "没有收到文件 no file was uploaded");
		return BS_E_INVAL;
	}
	return ui_form_upload(uf, f, out, err);
}

int ui_form_apply(struct ui_form *uf, struct form *fm, ProtobufCMessage *m,
		  const ProtobufCMessage *old)
{
	struct assigns as = {0};
	struct rec_error err;
	size_t i, pushed;
	int rv = BS_OK;

	memset(&err, 0, sizeof err);
	fm->file = upload_cb;
	fm->cb_ctx = uf;
	for (i = 0; i < uf->n && rv == BS_OK; i++) {
		const struct form_field *ff = &uf->ff[i];
		const char *v = uf->val[i] ? uf->val[i] : "";

		switch (ff->input) {
		case FORM_REPEATED:
			if ((rv = push_lines(fm, &as, ff->f, v, &pushed)) == BS_OK && !pushed)
				rv = push(&as, ff->f, "");
			break;
		case FORM_ITEMS:
			if (ff->item_file) {
				rv = push_file_items(uf, fm, &as, ff);
				break;
			}
			if ((rv = push_removed(uf, fm, &as, old, ff->f, v)) == BS_OK)
				rv = push_lines(fm, &as, ff->f, v, &pushed);
			break;
		case FORM_MONEY:
		case FORM_PERCENT:
		case FORM_NUMBER:
			rv = push(&as, ff->f, *v ? v : "0");
			break;
		case FORM_BOOL:
			rv = push(&as, ff->f, *v ? v : "否");
			break;
		default:
			rv = push(&as, ff->f, v);
			break;
		}
	}
	if (rv == BS_OK)
		rv = form_apply(fm, m, as.a, as.n, &err);
	if (rv != BS_OK && !uf->bad[0])
		ui_form_error(uf, &err);
	free(as.a);
	return rv;
}

void ui_form_error(struct ui_form *uf, const struct rec_error *err)
{
	const ProtobufCFieldDescriptor *f =
		err->field[0] ? form_error_field(records_kind(uf->kind)->desc, err->field) : NULL;

	if (f && ui_form_index(uf, f->name) >= 0 && !uf->hidden[ui_form_index(uf, f->name)]) {
		snprintf(uf->bad, sizeof uf->bad, "%s", f->name);
		snprintf(uf->bad_msg, sizeof uf->bad_msg, "%s",
			 err->msg[0] ? err->msg : "数据有误 invalid value");
		return;
	}
	if (err->field[0] || err->msg[0])
		form_error_text(uf->kind, err, uf->msg, sizeof uf->msg);
	else
		snprintf(uf->msg, sizeof uf->msg, "数据有误，请检查后再保存。Invalid data.");
}

/* ---- uploads --------------------------------------------------------------------------- */

int ui_form_upload(struct ui_form *uf, const struct http_field *f, struct form_file *out,
		   struct rec_error *err)
{
	char *path;
	size_t off = 0;
	int fd, rv;

	assert(f && f->filename);
	if (uf->ntmp == REC_ATTACH_MAX) {
		snprintf(err->msg, sizeof err->msg, "文件过多，每条记录最多 %u 个 too many files",
			 REC_ATTACH_MAX);
		return BS_E_TOOBIG;
	}
	path = uf->tmp[uf->ntmp];
	if ((size_t)snprintf(path, sizeof uf->tmp[0], "%s/.upload-XXXXXX", uf->rq->ui->app.dir) >=
	    sizeof uf->tmp[0]) {
		path[0] = '\0';
		return BS_E_TOOBIG;
	}
	if ((fd = mkstemp(path)) < 0) {
		path[0] = '\0';
		snprintf(err->msg, sizeof err->msg, "无法暂存上传的文件 cannot keep the upload: %s",
			 strerror(errno));
		return BS_E_IO;
	}
	uf->ntmp++;
	while (off < f->len) {
		ssize_t w = write(fd, f->data + off, f->len - off);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0) {
			snprintf(err->msg, sizeof err->msg,
				 "无法暂存上传的文件 cannot keep the upload: %s", strerror(errno));
			close(fd);
			return BS_E_IO;
		}
		off += (size_t)w;
	}
	if (close(fd) != 0) {
		snprintf(err->msg, sizeof err->msg, "无法暂存上传的文件 cannot keep the upload");
		return BS_E_IO;
	}
	rv = form_hash_file(NULL, path, out, err);
	if (rv == BS_OK)
		out->arg = f->filename;
	return rv;
}

/* ---- drawing ----------------------------------------------------------------------------- */

/* What the drop-downs and suggestions offer, from the local records. */
struct lists {
	struct ui_choices categories, townships, leaders, owners;
	struct ui_choices unit_codes;   /* "code" */
	struct ui_choices unit_names;   /* "code\tname", same order as codes */
	struct ui_choices projects;     /* "name\tuid" */
};

static int walk_project(void *ctx, const struct lrecord *r)
{
	struct lists *l = ctx;
	struct wire_arena a;
	Baosong__V1__Project *p =
		(Baosong__V1__Project *)field_unpack(&baosong__v1__project__descriptor, r, &a);
	char line[REC_NAME_MAX + LDB_UID_MAX + 8];

	if (!p)
		return 0;
	ui_choices_add(&l->categories, p->category);
	ui_choices_add(&l->townships, p->township);
	ui_choices_add(&l->leaders, p->leader);
	ui_choices_add(&l->owners, p->owner);
	snprintf(line, sizeof line, "%.*s\t%s", (int)REC_NAME_MAX,
		 p->name && *p->name ? p->name : "（未命名）", r->uid);
	ui_choices_add(&l->projects, line);
	protobuf_c_message_free_unpacked(&p->base, &a.alloc);
	return 0;
}

static int walk_leader(void *ctx, const struct lrecord *r)
{
	struct lists *l = ctx;
	struct wire_arena a;
	Baosong__V1__Leader *p =
		(Baosong__V1__Leader *)field_unpack(&baosong__v1__leader__descriptor, r, &a);

	if (!p)
		return 0;
	ui_choices_add(&l->leaders, p->name);
	protobuf_c_message_free_unpacked(&p->base, &a.alloc);
	return 0;
}

static int walk_unit(void *ctx, const struct lrecord *r)
{
	struct lists *l = ctx;
	struct wire_arena a;
	Baosong__V1__UnitInfo *u =
		(Baosong__V1__UnitInfo *)field_unpack(&baosong__v1__unit_info__descriptor, r, &a);
	char line[600];

	if (!u)
		return 0;
	if (u->code && *u->code) {
		snprintf(line, sizeof line, "%s\t%s", u->code, u->name ? u->name : "");
		ui_choices_add(&l->unit_names, line);
	}
	if (u->type == BAOSONG__V1__UNIT_TYPE__UNIT_TOWNSHIP)
		ui_choices_add(&l->townships, u->name);
	protobuf_c_message_free_unpacked(&u->base, &a.alloc);
	return 0;
}

static void lists_load(struct ui_form *uf, struct lists *l)
{
	static const char *const categories[] = {"产业", "基础设施", "民生", "生态", "城建",
						 "乡村振兴", NULL};
	struct localdb *db = uf->rq->ui->app.db;
	size_t i;

	memset(l, 0, sizeof *l);
	for (i = 0; categories[i]; i++)
		ui_choices_add(&l->categories, categories[i]);
	localdb_record_each(db, REC_KIND_PROJECT, 0, walk_project, l);
	localdb_record_each(db, REC_KIND_LEADER, 0, walk_leader, l);
	localdb_record_each(db, REC_KIND_UNIT, 0, walk_unit, l);
	if (uf->rq->ui->srv.unit_name[0])
		ui_choices_add(&l->townships, uf->rq->ui->srv.unit_name);
}

static void lists_free(struct lists *l)
{
	ui_choices_free(&l->categories);
	ui_choices_free(&l->townships);
	ui_choices_free(&l->leaders);
	ui_choices_free(&l->owners);
	ui_choices_free(&l->unit_codes);
	ui_choices_free(&l->unit_names);
	ui_choices_free(&l->projects);
}

/* The suggestions for a text field, by its name, or NULL. */
static const struct ui_choices *suggest(struct lists *l, const char *name)
{
	if (!strcmp(name, "category"))
		return &l->categories;
	if (!strcmp(name, "township"))
		return &l->townships;
	if (!strcmp(name, "leader"))
		return &l->leaders;
	if (!strcmp(name, "owner"))
		return &l->owners;
	return NULL;
}

static int is_unit_code(const char *name)
{
	return !strcmp(name, "lead_unit") || !strcmp(name, "unit_code");
}

static void option(struct hbuf *b, const char *value, const char *label, int selected)
{
	hb_put(b, "<option value=\"");
	hb_esc(b, value);
	hb_put(b, selected ? "\" selected>" : "\">");
	hb_esc(b, label);
	hb_put(b, "</option>");
}

/* "name\tvalue" lines: a drop-down of the values labelled by the names
 * (unit lines are "code\tname": swapped). */
static void select_pairs(struct hbuf *b, const struct ui_choices *c, int label_first,
			 const char *cur)
{
	size_t i;
	int found = 0;

	option(b, "", "（请选择）", !cur || !*cur);
	for (i = 0; i < c->n; i++) {
		const char *tab = strchr(c->v[i], '\t');
		char first[600];
		const char *second;
		int sel;

		if (!tab)
			continue;
		snprintf(first, sizeof first, "%.*s", (int)(tab - c->v[i]), c->v[i]);
		second = tab + 1;
		sel = cur && !strcmp(cur, label_first ? second : first);
		found |= sel;
		if (label_first) {
			option(b, second, first, sel);
		} else {
			option(b, first, *second ? second : first, sel);
		}
	}
	if (cur && *cur && !found)
		option(b, cur, cur, 1); /* a value not on this device: kept */
}

static void draw_enum(struct hbuf *b, const struct form_field *ff, const char *cur)
{
	const ProtobufCEnumDescriptor *d = ff->f->descriptor;
	unsigned i;

	option(b, "", "（请选择）", !cur || !*cur);
	for (i = 0; i < d->n_values; i++) {
		const char *l = field_enum_label(d, d->values[i].value);

		if (d->values[i].value == 0 || !l)
			continue;
		option(b, l, l, cur && !strcmp(cur, l));
	}
}

static const char *placeholder(enum form_input in)
{
	switch (in) {
	case FORM_MONEY: return "万元，如 1234.56";
	case FORM_PERCENT: return "如 15%";
	case FORM_DATE: return "YYYY-MM-DD";
	case FORM_WEEK: return "如 2026-W47";
	case FORM_MONTH: return "如 2026-10";
	case FORM_PERIOD: return "如 2026 或 2026-Q2";
	default: return NULL;
	}
}

/* The evidence entries of a file field: each with a box to remove it,
 * then a key and a file to add one. */
static void draw_file_items(struct hbuf *b, const struct form_field *ff, const char *cur,
			    const char *id)
{
	const char *p = cur ? cur : "";
	const ProtobufCFieldDescriptor *kf;
	unsigned k = 0;

	if (*p)
		hb_put(b, "<ul class=\"files\">");
	while (*p) {
		size_t n = strcspn(p, "\n");
		char line[ITEM_MAX], key[ITEM_MAX];

		snprintf(line, sizeof line, "%.*s", (int)(n < sizeof line ? n : sizeof line - 1), p);
		line_key(line, key, sizeof key);
		hb_printf(b, "<li><label for=\"%s-del%u\"><input type=\"checkbox\" id=\"%s-del%u\" "
			     "name=\"f_%s_del\" value=\"",
			  id, k, id, k, ff->name);
		hb_esc(b, key);
		hb_put(b, "\"> 删除</label> ");
		hb_esc(b, line);
		hb_put(b, "</li>");
		k++;
		p += n;
		while (*p == '\n')
			p++;
	}
	if (k)
		hb_put(b, "</ul>");
	kf = ff->f->descriptor
		     ? &((const ProtobufCMessageDescriptor *)ff->f->descriptor)->fields[0]
		     : NULL;
	hb_printf(b, "<div class=\"row\"><label for=\"%s-key\">添加：类别", id);
	if (kf && field_kind(kf) == FK_ENUM) {
		struct form_field kff;

		memset(&kff, 0, sizeof kff);
		kff.f = kf;
		hb_printf(b, "<select id=\"%s-key\" name=\"f_%s_key\">", id, ff->name);
		draw_enum(b, &kff, NULL);
		hb_put(b, "</select></label>");
	} else {
		hb_printf(b, "<input type=\"text\" id=\"%s-key\" name=\"f_%s_key\" "
			     "maxlength=\"100\"></label>",
			  id, ff->name);
	}
	hb_printf(b, "<label for=\"%s-file\">文件<input type=\"file\" id=\"%s-file\" "
		     "name=\"f_%s_file\"></label></div>",
		  id, id, ff->name);
	if (ff->choices[0] && !(kf && field_kind(kf) == FK_ENUM)) {
		hb_put(b, "<div class=\"hint\">可选类别：");
		hb_esc(b, ff->choices);
		hb_put(b, "</div>");
	}
}

static void draw_field(struct ui_form *uf, struct hbuf *b, struct lists *l, size_t i)
{
	const struct form_field *ff = &uf->ff[i];
	const char *cur = uf->val[i] ? uf->val[i] : "";
	const struct ui_choices *sug;
	const char *ph = placeholder(ff->input);
	int bad = uf->bad[0] && !strcmp(uf->bad, ff->name);
	int wide = ff->input == FORM_TEXTAREA || ff->input == FORM_REPEATED ||
		   ff->input == FORM_ITEMS;
	char id[96];

	snprintf(id, sizeof id, "f-%s", ff->name);
	if (uf->hidden[i]) {
		hb_printf(b, "<input type=\"hidden\" name=\"f_%s\" value=\"", ff->name);
		hb_esc(b, cur);
		hb_put(b, "\">");
		return;
	}
	hb_printf(b, "<div class=\"field%s%s\" id=\"field-%s\"><label for=\"%s\">", bad ? " bad" : "",
		  wide ? " wide" : "", ff->name, id);
	hb_esc(b, ff->label);
	if (ff->input == FORM_MONEY)
		hb_put(b, "（万元）");
	if (ff->required)
		hb_put(b, " <span class=\"req\" title=\"必填\">*</span>");
	hb_put(b, "</label>");
	switch (ff->input) {
	case FORM_ENUM:
		hb_printf(b, "<select id=\"%s\" name=\"f_%s\">", id, ff->name);
		draw_enum(b, ff, cur);
		hb_put(b, "</select>");
		break;
	case FORM_BOOL:
		hb_printf(b, "<select id=\"%s\" name=\"f_%s\">", id, ff->name);
		option(b, "否", "否", strcmp(cur, "是") != 0);
		option(b, "是", "是", !strcmp(cur, "是"));
		hb_put(b, "</select>");
		break;
	case FORM_PROJECT:
		hb_printf(b, "<select id=\"%s\" name=\"f_%s\">", id, ff->name);
		select_pairs(b, &l->projects, 1, cur);
		hb_put(b, "</select>");
		break;
	case FORM_TEXTAREA:
	case FORM_REPEATED:
	case FORM_ITEMS:
		if (ff->input == FORM_ITEMS && ff->item_file) {
			draw_file_items(b, ff, cur, id);
			break;
		}
		hb_printf(b, "<textarea id=\"%s\" name=\"f_%s\" rows=\"3\">", id, ff->name);
		hb_esc(b, cur);
		hb_put(b, "</textarea>");
		if (ff->input == FORM_REPEATED)
			hb_put(b, "<div class=\"hint\">每行一项</div>");
		if (ff->input == FORM_ITEMS) {
			hb_put(b, "<div class=\"hint\">每行一项，格式 类别=金额 或 月份=金额；删去一行即删除该项");
			if (ff->choices[0]) {
				hb_put(b, "。可选：");
				hb_esc(b, ff->choices);
			}
			hb_put(b, "</div>");
		}
		break;
	default:
		if (is_unit_code(ff->name) && l->unit_names.n) {
			hb_printf(b, "<select id=\"%s\" name=\"f_%s\">", id, ff->name);
			select_pairs(b, &l->unit_names, 0, cur);
			hb_put(b, "</select>");
			break;
		}
		hb_printf(b, "<input type=\"text\" id=\"%s\" name=\"f_%s\"%s value=\"", id, ff->name,
			  ff->input == FORM_MONEY || ff->input == FORM_PERCENT
				  ? " inputmode=\"decimal\""
			  : ff->input == FORM_NUMBER ? " inputmode=\"numeric\""
						     : "");
		hb_esc(b, cur);
		hb_put(b, "\"");
		if (ph) {
			hb_put(b, " placeholder=\"");
			hb_esc(b, ph);
			hb_put(b, "\"");
		}
		if (bad)
			hb_printf(b, " aria-invalid=\"true\" aria-describedby=\"%s-msg\"", id);
		sug = suggest(l, ff->name);
		if (sug && sug->n)
			hb_printf(b, " list=\"%s-list\"", id);
		hb_put(b, ">");
		if (sug && sug->n) {
			size_t k;

			hb_printf(b, "<datalist id=\"%s-list\">", id);
			for (k = 0; k < sug->n; k++) {
				hb_put(b, "<option value=\"");
				hb_esc(b, sug->v[k]);
				hb_put(b, "\">");
			}
			hb_put(b, "</datalist>");
		}
		break;
	}
	if (bad) {
		hb_printf(b, "<div class=\"msg\" id=\"%s-msg\" role=\"alert\">", id);
		hb_esc(b, uf->bad_msg);
		hb_put(b, "</div>");
	}
	hb_put(b, "</div>");
}

void ui_form_fields(struct ui_form *uf, struct hbuf *b)
{
	struct lists l;
	size_t i;

	lists_load(uf, &l);
	for (i = 0; i < uf->n; i++)
		draw_field(uf, b, &l, i);
	lists_free(&l);
}

void ui_form_notices(struct ui_form *uf, struct hbuf *b)
{
	if (uf->msg[0])
		layout_notice(b, "error", uf->msg);
	if (uf->dup[0]) {
		hb_put(b, "<p class=\"actions\"><a class=\"btn pri\" id=\"open-dup\" href=\"");
		layout_edit_href(b, uf->kind, uf->dup);
		hb_put(b, "\">打开已有的那一条</a></p>");
	}
	if (uf->bad[0])
		layout_notice(b, "error", "有一项需要修改，见下方标红处。Please correct the field "
					  "marked below.");
}

/* ---- warnings across the redirect after a save ------------------------------------------- */

static struct {
	char uid[LDB_UID_MAX + 1];
	struct entry_warnings w;
} kept;

void ui_form_warn_keep(const char *uid, const struct entry_warnings *w)
{
	memset(&kept, 0, sizeof kept);
	if (!w || !w->n)
		return;
	snprintf(kept.uid, sizeof kept.uid, "%s", uid);
	kept.w = *w;
}

void ui_form_warn_show(struct hbuf *b, const char *uid)
{
	unsigned i;

	if (!kept.uid[0] || !uid || strcmp(kept.uid, uid) != 0)
		return;
	for (i = 0; i < kept.w.n && i < ENTRY_WARN_MAX; i++) {
		char t[ENTRY_WARN_LEN + 16];

		snprintf(t, sizeof t, "提醒：%s", kept.w.text[i]);
		layout_notice(b, "warn", t);
	}
	memset(&kept, 0, sizeof kept);
}
