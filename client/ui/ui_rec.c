/* ui_rec.c - see ui_rec.h. */
#include "ui_rec.h"

#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "field.h"
#include "recid.h"

void ui_rec_state(struct hbuf *b, const struct lrecord *r)
{
	const char *w = field_review_word(r);

	if (*w) {
		const char *cls = "warn";

		if (!strcmp(w, "被拒") || !strcmp(w, "冲突") || !strcmp(w, "退回"))
			cls = "err";
		else if (!strcmp(w, "已通过"))
			cls = "ok";
		hb_printf(b, "<span class=\"tag %s\">", cls);
		hb_esc(b, w);
		hb_put(b, "</span> ");
	}
	if (r->pending)
		hb_put(b, "<span class=\"tag warn\" title=\"有修改尚未同步到服务器\">待发送</span>");
}

void ui_rec_thumbs_removable(struct hbuf *b, const uint8_t (*hashes)[LDB_HASH_LEN], size_t n,
			     const char *input)
{
	size_t i;

	hb_put(b, "<span class=\"thumbs\">");
	for (i = 0; i < n; i++) {
		char h[LDB_HASH_LEN * 2 + 1];

		recid_hex(hashes[i], LDB_HASH_LEN, h);
		hb_printf(b, "<span class=\"thumb\"><a href=\"/photo?h=%s\" target=\"_blank\" "
			     "rel=\"noopener\"><img src=\"/photo?h=%s\" alt=\"现场照片 %zu\"></a>"
			     "<label for=\"%s-%zu\"><input type=\"checkbox\" id=\"%s-%zu\" "
			     "name=\"%s\" value=\"%s\"> 删除</label></span>",
			  h, h, i + 1, input, i, input, i, input, h);
	}
	hb_put(b, "</span>");
}

void ui_rec_thumbs(struct hbuf *b, const uint8_t (*hashes)[LDB_HASH_LEN], size_t n,
		   const char *none_text)
{
	size_t i;

	if (n == 0) {
		if (none_text) {
			hb_put(b, "<span class=\"mut\">");
			hb_esc(b, none_text);
			hb_put(b, "</span>");
		}
		return;
	}
	hb_put(b, "<span class=\"thumbs\">");
	for (i = 0; i < n; i++) {
		char h[LDB_HASH_LEN * 2 + 1];

		recid_hex(hashes[i], LDB_HASH_LEN, h);
		hb_printf(b, "<a href=\"/photo?h=%s\" target=\"_blank\" rel=\"noopener\">"
			     "<img src=\"/photo?h=%s\" alt=\"现场照片 %zu\" loading=\"lazy\"></a>",
			  h, h, i + 1);
	}
	hb_put(b, "</span>");
}

int ui_choices_add(struct ui_choices *c, const char *s)
{
	size_t lo = 0, hi, mid;
	char *d;

	if (s == NULL || !*s || c->n >= UI_CHOICES_MAX || strlen(s) > UI_FILTER_MAX)
		return BS_OK;
	hi = c->n;
	while (lo < hi) {
		int k;

		mid = (lo + hi) / 2;
		k = strcmp(c->v[mid], s);
		if (k == 0)
			return BS_OK;
		if (k < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (c->n == c->cap) {
		size_t nc = c->cap ? c->cap * 2 : 16;
		char **nv = realloc(c->v, nc * sizeof *nv);

		if (!nv)
			return BS_E_NOMEM;
		c->v = nv;
		c->cap = nc;
	}
	if (!(d = strdup(s)))
		return BS_E_NOMEM;
	memmove(c->v + lo + 1, c->v + lo, (c->n - lo) * sizeof *c->v);
	c->v[lo] = d;
	c->n++;
	return BS_OK;
}

void ui_choices_free(struct ui_choices *c)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		free(c->v[i]);
	free(c->v);
	memset(c, 0, sizeof *c);
}

void ui_choices_options(struct hbuf *b, const struct ui_choices *c, const char *any_label,
			const char *selected)
{
	size_t i;

	hb_put(b, "<option value=\"\">");
	hb_esc(b, any_label);
	hb_put(b, "</option>");
	for (i = 0; i < c->n; i++) {
		hb_put(b, "<option value=\"");
		hb_esc(b, c->v[i]);
		hb_put(b, selected && !strcmp(selected, c->v[i]) ? "\" selected>" : "\">");
		hb_esc(b, c->v[i]);
		hb_put(b, "</option>");
	}
}

const char *ui_filter(const struct http_req *rq, const char *name)
{
	const char *v = http_query(rq, name);

	if (v == NULL || !*v || strlen(v) > UI_FILTER_MAX)
		return NULL;
	return v;
}

void ui_rec_returned_notice(struct hbuf *b, const struct lrecord *r)
{
	if (!r->review_comment[0] ||
	    r->review_status != BAOSONG__V1__REVIEW_STATUS__REVIEW_RETURNED)
		return;
	hb_put(b, "<div class=\"notice warn\" role=\"status\">审核意见：");
	hb_esc(b, r->review_comment);
	hb_put(b, "</div>");
}
