/* page_photo.c - GET /photo?h=HEX: a photo of a record, by its content
 * hash, from this device's store or its cache of files fetched from the
 * server (client/core/photocache.h).  The hash is checked to be 64 hex
 * digits and the path built from its own bytes: nothing else from the
 * request reaches the file system.  Only JPEG and PNG are served (what a
 * browser shows); for anything else, or a photo not here, a grey box says
 * why, with the status of the refusal. */
#include <stdlib.h>
#include <string.h>

#include "attach.h"
#include "err.h"
#include "layout.h"
#include "pages.h"
#include "photocache.h"
#include "recid.h"
#include "ui.h"

int photo_parse_hash(const char *text, uint8_t hash[LDB_HASH_LEN])
{
	size_t i;

	if (text == NULL || strlen(text) != 2 * LDB_HASH_LEN)
		return BS_E_INVAL;
	for (i = 0; i < 2 * LDB_HASH_LEN; i++) {
		char c = text[i];
		int v = c >= '0' && c <= '9'   ? c - '0'
			: c >= 'a' && c <= 'f' ? c - 'a' + 10
			: c >= 'A' && c <= 'F' ? c - 'A' + 10
					       : -1;
		if (v < 0)
			return BS_E_INVAL;
		if (i % 2 == 0)
			hash[i / 2] = (uint8_t)(v << 4);
		else
			hash[i / 2] = (uint8_t)(hash[i / 2] | v);
	}
	return BS_OK;
}

int photo_here(const struct ui *ui, const uint8_t hash[LDB_HASH_LEN])
{
	char path[4200];

	return photocache_path(ui->app.dir, hash, path, sizeof path) == BS_OK;
}

void photo_img(struct hbuf *b, const struct ui *ui, const uint8_t hash[LDB_HASH_LEN],
	       const char *alt)
{
	char hex[2 * LDB_HASH_LEN + 1];

	recid_hex(hash, LDB_HASH_LEN, hex);
	if (!photo_here(ui, hash)) {
		hb_printf(b, "<span class=\"nophoto\" title=\"%.16s\">未下载</span>", hex);
		return;
	}
	hb_printf(b, "<img src=\"/photo?h=%s\" alt=\"", hex);
	hb_esc(b, alt);
	hb_put(b, "\" loading=\"lazy\">");
}

/* A grey box with a line of text in place of a photo the browser cannot
 * show: the page's <img> shows why, not a broken image.  The status stays
 * what it is (404, 415, 500). */
static void placeholder(struct http_resp *rs, int status, const char *text)
{
	rs->status = status;
	rs->ctype = "image/svg+xml";
	hb_put(&rs->body, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"192\" height=\"144\" "
			  "viewBox=\"0 0 192 144\"><rect width=\"192\" height=\"144\" fill=\"#e6e9ee\"/>"
			  "<text x=\"96\" y=\"78\" font-size=\"13\" text-anchor=\"middle\" "
			  "fill=\"#5b6775\">");
	hb_esc(&rs->body, text);
	hb_put(&rs->body, "</text></svg>");
}

void page_photo(struct http_req *rq, struct http_resp *rs)
{
	uint8_t hash[LDB_HASH_LEN], *data = NULL;
	size_t len = 0;
	int rv, type;

	if (photo_parse_hash(http_query(rq, "h"), hash) != BS_OK) {
		layout_error(rq, rs, 400, "照片地址不对。", "Not a photo's address (h=64 hex digits).");
		return;
	}
	rv = photocache_read(rq->ui->app.dir, hash, &data, &len);
	if (rv != BS_OK) {
		placeholder(rs, rv == BS_E_NOTFOUND ? 404 : 500,
			    rv == BS_E_NOTFOUND ? "本机还没有这张照片"
			    : rv == BS_E_CORRUPT ? "本机保存的照片已损坏"
						 : "照片无法读取");
		return;
	}
	type = attach_image_type_buf(data, len);
	if (type != ATTACH_JPEG && type != ATTACH_PNG) {
		free(data);
		placeholder(rs, 415, type == ATTACH_HEIC ? "HEIC 照片（浏览器无法显示）"
							 : "不是浏览器能显示的照片");
		return;
	}
	hb_putn(&rs->body, data, len);
	free(data);
	rs->ctype = type == ATTACH_JPEG ? "image/jpeg" : "image/png";
	rs->cacheable = 1; /* the address names the content */
}
