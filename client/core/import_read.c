/* import_read.c - the file an import reads, as UTF-8 CSV text: an .xlsx
 * workbook's first sheet (client/core/xlsx.c), or a CSV file in UTF-8
 * (with or without a byte order mark) or GB18030/GBK.  From a path (the
 * command line) or from bytes in memory (an upload to the 导入 page). */
#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bs_limits.h"
#include "err.h"
#include "import.h"
#include "import_int.h"
#include "utf8.h"
#include "xlsx.h"

/* ---- reading the file ----------------------------------------------------------- */

/* The whole of path into a malloc'd buffer (NUL-terminated), at most
 * BS_IMPORT_FILE_MAX bytes.  Explains failures. */
static int read_whole(struct import *im, const char *path, char **out, size_t *len)
{
	struct stat st;
	size_t cap, n = 0;
	char *buf = NULL, *nb;
	ssize_t got;
	int fd, ret;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0) {
		im_say(im, IMPORT_SAY_ERROR, "无法打开文件 cannot open %s: %s", path, strerror(errno));
		return errno == ENOENT || errno == ENOTDIR ? BS_E_NOTFOUND : BS_E_IO;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		im_say(im, IMPORT_SAY_ERROR, "%s 不是普通文件 is not a regular file", path);
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
			im_say(im, IMPORT_SAY_ERROR, "读取失败 cannot read %s: %s", path,
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
	im_say(im, IMPORT_SAY_ERROR, "文件过大 %s is larger than %u MiB; split it into several "
	       "files", path, BS_IMPORT_FILE_MAX >> 20);
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
		if ((k = utf8_decode(s + i, n - i, &cp)) == 0) {
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
static int decode(struct import *im, const char *path, int enc, char *raw, size_t n,
		  char **text, size_t *tlen, const char **enc_used)
{
	const unsigned char *u = (const unsigned char *)raw;
	int bom = n >= 3 && u[0] == 0xef && u[1] == 0xbb && u[2] == 0xbf;
	size_t bad = 0, bad_utf8 = 0;
	int rv;

	if (n >= 2 && ((u[0] == 0xff && u[1] == 0xfe) || (u[0] == 0xfe && u[1] == 0xff))) {
		im_say(im, IMPORT_SAY_ERROR, "%s 是 UTF-16 文本 is UTF-16 text (Excel's \"Unicode "
		       "text\"); save it as \"CSV UTF-8\" or \"CSV (逗号分隔)\"", path);
		free(raw);
		return BS_E_INVAL;
	}
	if (enc == IMPORT_ENC_UTF8 ||
	    (enc == IMPORT_ENC_AUTO && (bom || utf8_valid(raw, n, &bad_utf8)))) {
		if (!utf8_valid(raw, n, &bad)) {
			unsigned line = line_at(raw, bad);
			im_say(im, IMPORT_SAY_ERROR, "第 %u 行 line %u: 不是有效的 UTF-8 文本 is not "
			       "valid UTF-8%s", line, line,
			       bom ? " (though the file starts with a UTF-8 byte order mark)"
				   : "; if the file is GB18030/GBK, give --encoding gb18030 "
				     "(or leave --encoding auto)");
			free(raw);
			return BS_E_INVAL;
		}
		*enc_used = bom ? "UTF-8 (BOM)" : "UTF-8";
		*text = raw;
		*tlen = n;
		return BS_OK;
	}
	rv = gb18030_to_utf8(raw, n, text, tlen, &bad);
	if (rv == BS_E_INVAL && enc == IMPORT_ENC_AUTO) {
		unsigned l8 = line_at(raw, bad_utf8), lgb = line_at(raw, bad);
		im_say(im, IMPORT_SAY_ERROR, "既不是有效的 UTF-8（第 %u 行）也不是有效的 GB18030（第 "
		       "%u 行） the file is neither valid UTF-8 (line %u) nor GB18030/GBK "
		       "(line %u); save it as \"CSV UTF-8\" and import that", l8, lgb, l8, lgb);
	} else if (rv == BS_E_INVAL) {
		unsigned line = line_at(raw, bad);
		im_say(im, IMPORT_SAY_ERROR, "第 %u 行 line %u: 不是有效的 GB18030 文本 is not valid "
		       "GB18030/GBK text; save the file as \"CSV UTF-8\" and import that", line,
		       line);
	} else if (rv == BS_E_UNSUPPORTED) {
		im_say(im, IMPORT_SAY_ERROR, "本机 iconv 不支持 GB18030 this system's iconv cannot "
		       "convert GB18030 (glibc's gconv modules missing?); save the file as "
		       "\"CSV UTF-8\"");
	}
	free(raw);
	if (rv == BS_OK)
		*enc_used = "GB18030";
	return rv;
}


/* Keep name and the decoded text in im. */
static int keep(struct import *im, const char *name, char *text, size_t tlen)
{
	assert(!im->text);
	if (!(im->name = strdup(name))) {
		free(text);
		return BS_E_NOMEM;
	}
	im->text = text;
	im->tlen = tlen;
	return BS_OK;
}

/* An .xlsx workbook at path, named name in messages. */
static int load_xlsx(struct import *im, const char *path, const char *name)
{
	char *text = NULL, err[512];
	size_t tlen = 0;
	int rv;

	err[0] = '\0';
	rv = xlsx_to_csv(path, BS_IMPORT_FILE_MAX, &text, &tlen, err, sizeof err);
	if (rv != BS_OK) {
		im_say(im, IMPORT_SAY_ERROR, "%s", err[0] ? err : bs_strerror(rv));
		return rv;
	}
	im->st.enc_used = "XLSX";
	return keep(im, name, text, tlen);
}

int import_load_file(struct import *im, const char *path)
{
	char *raw = NULL, *text = NULL;
	size_t n = 0, tlen = 0;
	int rv = read_whole(im, path, &raw, &n);
	if (rv != BS_OK)
		return rv;
	if (xlsx_magic((const unsigned char *)raw, n)) {
		free(raw);
		return load_xlsx(im, path, path);
	}
	if ((rv = decode(im, path, im->o.enc, raw, n, &text, &tlen, &im->st.enc_used)) != BS_OK)
		return rv;
	return keep(im, path, text, tlen);
}

/* The workbook in raw as a private file in dir that no other name reaches:
 * created with mkstemp (mode 0600), unlinked at once, read through
 * /proc/self/fd.  Nothing from the upload names it. */
static int load_xlsx_bytes(struct import *im, const uint8_t *raw, size_t n, const char *name,
			   const char *dir)
{
	char tmp[4200], via[64];
	size_t done = 0;
	int fd, rv;

	if ((size_t)snprintf(tmp, sizeof tmp, "%s/.import-XXXXXX", dir) >= sizeof tmp)
		return BS_E_TOOBIG;
	if ((fd = mkstemp(tmp)) < 0) {
		im_say(im, IMPORT_SAY_ERROR, "无法建立临时文件 cannot create a temporary file in "
		       "%s: %s", dir, strerror(errno));
		return BS_E_IO;
	}
	unlink(tmp);
	while (done < n) {
		ssize_t w = write(fd, raw + done, n - done);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			im_say(im, IMPORT_SAY_ERROR, "无法写临时文件 cannot write a temporary file: %s",
			       w < 0 ? strerror(errno) : "short write");
			close(fd);
			return BS_E_IO;
		}
		done += (size_t)w;
	}
	snprintf(via, sizeof via, "/proc/self/fd/%d", fd);
	rv = load_xlsx(im, via, name);
	close(fd);
	return rv;
}

int import_load(struct import *im, const uint8_t *raw, size_t n, const char *name,
		const char *tmpdir)
{
	char *copy, *text = NULL;
	size_t tlen = 0;
	int rv;

	if (n > BS_IMPORT_FILE_MAX) {
		im_say(im, IMPORT_SAY_ERROR, "文件过大 %s is larger than %u MiB; split it into "
		       "several files", name, BS_IMPORT_FILE_MAX >> 20);
		return BS_E_TOOBIG;
	}
	if (xlsx_magic(raw, n))
		return load_xlsx_bytes(im, raw, n, name, tmpdir);
	if (!(copy = malloc(n + 1)))
		return BS_E_NOMEM;
	memcpy(copy, raw, n);
	copy[n] = '\0';
	if ((rv = decode(im, name, im->o.enc, copy, n, &text, &tlen, &im->st.enc_used)) != BS_OK)
		return rv;
	return keep(im, name, text, tlen);
}
