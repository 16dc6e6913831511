/* table.c - terminal tables by display width, and CSV (see table.h). */
#include "table.h"

#include <string.h>

#include "utf8.h"

unsigned table_cp_width(uint32_t cp)
{
	static const uint32_t wide[][2] = {
		{0x1100, 0x115f}, {0x2e80, 0xa4cf}, {0xac00, 0xd7a3}, {0xf900, 0xfaff},
		{0xfe30, 0xfe4f}, {0xff00, 0xff60}, {0xffe0, 0xffe6},
	};
	size_t i;
	for (i = 0; i < sizeof wide / sizeof wide[0]; i++)
		if (cp >= wide[i][0] && cp <= wide[i][1])
			return 2;
	return 1;
}

/* Characters that would move the cursor, change the terminal's state or
 * reorder what follows (C0/C1 controls, line separators, bidi controls). */
static int is_control(uint32_t cp)
{
	return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) || cp == 0x2028 || cp == 0x2029 ||
	       (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069) ||
	       cp == 0x200e || cp == 0x200f || cp == 0x061c;
}

/* The next thing to show of s (n bytes left): how many bytes it uses, what
 * to write (*out, *outlen) and its width. */
static size_t next_glyph(const char *s, size_t n, const char **out, size_t *outlen,
			 unsigned *w)
{
	uint32_t cp = 0;
	size_t len = utf8_decode(s, n, &cp);
	if (len == 0) {
		*out = "?";
		*outlen = 1;
		*w = 1;
		return 1;
	}
	if (is_control(cp)) {
		*out = (cp == '\t' || cp == '\n' || cp == '\r') ? " " : "?";
		*outlen = 1;
		*w = 1;
		return len;
	}
	*out = s;
	*outlen = len;
	*w = table_cp_width(cp);
	return len;
}

size_t table_width(const char *s)
{
	size_t n = s ? strlen(s) : 0, i = 0, total = 0, outlen;
	const char *out;
	unsigned w;
	while (i < n) {
		i += next_glyph(s + i, n - i, &out, &outlen, &w);
		total += w;
	}
	return total;
}

static void pad(FILE *f, size_t k)
{
	while (k-- > 0)
		fputc(' ', f);
}

void table_cell(FILE *f, const char *s, unsigned width, int right_align)
{
	size_t n = s ? strlen(s) : 0, i = 0, used = 0, total, limit, outlen, len;
	const char *out;
	unsigned w;
	int cut;

	total = table_width(s);
	cut = total > width;
	limit = cut ? (width >= 2 ? width - 2u : width) : width;
	if (!cut && right_align)
		pad(f, width - total);
	while (i < n) {
		len = next_glyph(s + i, n - i, &out, &outlen, &w);
		if (used + w > limit)
			break;
		fwrite(out, 1, outlen, f);
		used += w;
		i += len;
	}
	if (cut && width >= 2) {
		fputs("..", f);
		used += 2;
	}
	if (cut || !right_align)
		pad(f, width - used);
}

void table_text(FILE *f, const char *s, int multiline, const char *indent)
{
	size_t n = s ? strlen(s) : 0, i = 0, outlen;
	const char *out;
	unsigned w;
	while (i < n) {
		if (multiline && s[i] == '\n') {
			fputc('\n', f);
			fputs(indent ? indent : "", f);
			i++;
			continue;
		}
		if (multiline && s[i] == '\r') {
			i++;
			continue;
		}
		i += next_glyph(s + i, n - i, &out, &outlen, &w);
		fwrite(out, 1, outlen, f);
	}
}

void table_wrap(FILE *f, const char *s, size_t start, size_t width, const char *indent)
{
	size_t n = s ? strlen(s) : 0, i = 0, col = start, outlen, ind = table_width(indent);
	const char *out;
	unsigned w;
	while (i < n) {
		if (s[i] == '\n' || s[i] == '\r') {
			if (s[i] == '\n') {
				fputc('\n', f);
				fputs(indent ? indent : "", f);
				col = ind;
			}
			i++;
			continue;
		}
		i += next_glyph(s + i, n - i, &out, &outlen, &w);
		if (col + w > width && col > ind) {
			fputc('\n', f);
			fputs(indent ? indent : "", f);
			col = ind;
		}
		fwrite(out, 1, outlen, f);
		col += w;
	}
}

void csv_begin(FILE *f)
{
	fputs("\xef\xbb\xbf", f);
}

void csv_field(FILE *f, const char *s, int first, int text)
{
	size_t n = s ? strlen(s) : 0, i = 0, len;
	int quote = 0, guard = 0;
	uint32_t cp;

	if (!first)
		fputc(',', f);
	if (n == 0)
		return;
	quote = strpbrk(s, ",\"\r\n") != NULL;
	guard = text && strchr("=+-@\t", s[0]) != NULL;
	if (quote)
		fputc('"', f);
	if (guard)
		fputc('\'', f);
	while (i < n) {
		len = utf8_decode(s + i, n - i, &cp);
		if (len == 0 || (cp < 0x20 && cp != '\t' && cp != '\r' && cp != '\n') ||
		    cp == 0x7f) {
			fputc('?', f);
			i += len ? len : 1;
			continue;
		}
		if (cp == '"')
			fputc('"', f);
		fwrite(s + i, 1, len, f);
		i += len;
	}
	if (quote)
		fputc('"', f);
}

void csv_end_row(FILE *f)
{
	fputs("\r\n", f);
}
