/* page_photo.c - GET /photo?h=HEX: a photo this device holds, by its
 * BLAKE2b-256 hash (64 lowercase hex digits).  The hash is looked up in
 * the local files table (localdb_file_get); no part of the request is
 * ever a path.  Only JPEG and PNG are served, by their first bytes
 * (attach_image_type_buf), under their own content type; anything else
 * (HEIC, which browsers cannot show, or a file that is not an image) is
 * answered with a small picture saying so. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "attach.h"
#include "err.h"
#include "layout.h"
#include "localdb.h"
#include "pages.h"
#include "ui.h"
#include "ui_rec.h"

#define PHOTO_MAX (HB_MAX - 1024u) /* the body buffer's own limit */

/* A grey box with a line of text, for a photo that cannot be shown. */
static void placeholder(struct http_resp *rs, const char *text)
{
	hb_free(&rs->body);
	rs->ctype = "image/svg+xml";
	hb_put(&rs->body, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"192\" height=\"144\" "
			  "viewBox=\"0 0 192 144\"><rect width=\"192\" height=\"144\" fill=\"#e6e9ee\"/>"
			  "<text x=\"96\" y=\"78\" font-size=\"14\" text-anchor=\"middle\" "
			  "fill=\"#5b6775\">");
	hb_esc(&rs->body, text);
	hb_put(&rs->body, "</text></svg>");
}

/* Read the whole file at path (at most PHOTO_MAX bytes) into rs->body. */
static int read_file(const char *path, struct http_resp *rs)
{
	uint8_t buf[64 * 1024];
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	int rv = BS_OK;

	if (fd < 0)
		return errno == ENOENT ? BS_E_NOTFOUND : BS_E_IO;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return BS_E_IO;
	}
	if ((uint64_t)st.st_size > PHOTO_MAX) {
		close(fd);
		return BS_E_TOOBIG;
	}
	for (;;) {
		ssize_t n = read(fd, buf, sizeof buf);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rv = BS_E_IO;
			break;
		}
		if (n == 0)
			break;
		if (rs->body.len + (size_t)n > PHOTO_MAX) {
			rv = BS_E_TOOBIG;
			break;
		}
		hb_putn(&rs->body, buf, (size_t)n);
	}
	close(fd);
	if (rv == BS_OK && hb_failed(&rs->body))
		rv = BS_E_NOMEM;
	return rv;
}

void page_photo(struct http_req *rq, struct http_resp *rs)
{
	uint8_t hash[LDB_HASH_LEN];
	char path[4200];
	uint64_t size = 0;
	int rv, type;

	if (ui_rec_hash_parse(http_query(rq, "h"), hash) != BS_OK) {
		layout_error(rq, rs, 400, "照片地址有误。", "Bad photo address.");
		return;
	}
	rv = localdb_file_get(rq->ui->app.db, hash, path, sizeof path, &size);
	if (rv == BS_E_NOTFOUND) {
		rs->status = 404;
		placeholder(rs, "本机没有这张照片");
		return;
	}
	if (rv != BS_OK || (rv = read_file(path, rs)) != BS_OK) {
		rs->status = rv == BS_E_NOTFOUND ? 404 : 500;
		placeholder(rs, rv == BS_E_NOTFOUND ? "照片文件已不在本机" : "照片无法读取");
		return;
	}
	type = attach_image_type_buf((const uint8_t *)rs->body.p, rs->body.len);
	if (type == ATTACH_JPEG) {
		rs->ctype = "image/jpeg";
	} else if (type == ATTACH_PNG) {
		rs->ctype = "image/png";
	} else {
		placeholder(rs, type == ATTACH_HEIC ? "HEIC 照片（浏览器无法显示）" : "不是图片");
		return;
	}
	rs->cacheable = 1; /* addressed by its content: it never changes */
}
