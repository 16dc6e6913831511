/* html.c - see html.h. */
#include "html.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "money.h"
#include "utf8.h"

void hb_init(struct hbuf *b)
{
	memset(b, 0, sizeof *b);
}

void hb_free(struct hbuf *b)
{
	free(b->p);
	memset(b, 0, sizeof *b);
}

int hb_failed(const struct hbuf *b)
{
	return b->failed;
}

static int hb_reserve(struct hbuf *b, size_t more)
{
	size_t want, cap;
	char *p;

	if (b->failed)
		return -1;
	if (more > HB_MAX || b->len + more + 1 > HB_MAX) {
		b->failed = 1;
		return -1;
	}
	want = b->len + more + 1;
	if (want <= b->cap)
		return 0;
	cap = b->cap ? b->cap : 4096;
	while (cap < want)
		cap *= 2;
	if ((p = realloc(b->p, cap)) == NULL) {
		b->failed = 1;
		return -1;
	}
	b->p = p;
	b->cap = cap;
	return 0;
}

void hb_putn(struct hbuf *b, const void *s, size_t n)
{
	if (hb_reserve(b, n) != 0)
		return;
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

void hb_put(struct hbuf *b, const char *s)
{
	hb_putn(b, s, strlen(s));
}

void hb_vprintf(struct hbuf *b, const char *fmt, va_list ap)
{
	va_list aq;
	int n;

	va_copy(aq, ap);
	n = vsnprintf(NULL, 0, fmt, aq);
	va_end(aq);
	if (n < 0) {
		b->failed = 1;
		return;
	}
	if (hb_reserve(b, (size_t)n) != 0)
		return;
	vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
}

void hb_printf(struct hbuf *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	hb_vprintf(b, fmt, ap);
	va_end(ap);
}

void hb_escn(struct hbuf *b, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, run = 0, k;
	uint32_t cp;

	while (i < n) {
		unsigned char c = p[i];
		const char *rep = NULL;

		switch (c) {
		case '&': rep = "&amp;"; break;
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '"': rep = "&quot;"; break;
		case '\'': rep = "&#39;"; break;
		default: break;
		}
		if (rep == NULL && c >= 0x20 && c != 0x7F && c < 0x80) {
			i++;
			run++;
			continue;
		}
		if (rep == NULL && c >= 0x80 && (k = utf8_decode((const char *)p + i, n - i, &cp)) > 0) {
			i += k;
			run += k;
			continue;
		}
		hb_putn(b, p + i - run, run);
		run = 0;
		if (rep != NULL)
			hb_put(b, rep);
		else if (c == '\n' || c == '\t')
			hb_putn(b, &c, 1);
		else if (c >= 0x80)
			hb_put(b, "\xEF\xBF\xBD"); /* U+FFFD */
		i++;
	}
	hb_putn(b, p + i - run, run);
}

void hb_esc(struct hbuf *b, const char *s)
{
	if (s != NULL)
		hb_escn(b, s, strlen(s));
}

void hb_escf(struct hbuf *b, const char *fmt, ...)
{
	struct hbuf t;
	va_list ap;

	hb_init(&t);
	va_start(ap, fmt);
	hb_vprintf(&t, fmt, ap);
	va_end(ap);
	if (t.failed)
		b->failed = 1;
	else if (t.len)
		hb_escn(b, t.p, t.len);
	hb_free(&t);
}

void hb_url(struct hbuf *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";

	for (; s != NULL && *s; s++) {
		unsigned char c = (unsigned char)*s;
		char e[3];

		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    c == '-' || c == '_' || c == '.' || c == '~') {
			hb_putn(b, &c, 1);
			continue;
		}
		e[0] = '%';
		e[1] = hex[c >> 4];
		e[2] = hex[c & 15];
		hb_putn(b, e, 3);
	}
}

void hb_money(struct hbuf *b, int64_t fen)
{
	char t[64];

	money_format_wan(fen, t, sizeof t);
	hb_esc(b, t);
}

void hb_json_str(struct hbuf *b, const char *s)
{
	static const char hex[] = "0123456789abcdef";

	hb_put(b, "\"");
	for (; s != NULL && *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\' || c < 0x20 || c == '<' || c == '>' || c == '&' ||
		    c == '\'') {
			char e[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
			hb_putn(b, e, 6);
		} else {
			hb_putn(b, &c, 1);
		}
	}
	hb_put(b, "\"");
}
