/* html.h - building a page: a growing buffer, text escaped for HTML
 * (element content and quoted attribute values alike), and the few
 * formats every page uses.  A buffer that failed to grow stays failed
 * (hb_failed) and further appends do nothing, so a page is built without
 * checking every call and the failure is answered once, as a 500. */
#ifndef BS_UI_HTML_H
#define BS_UI_HTML_H
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#define HB_MAX (32u * 1024u * 1024u) /* no page is larger */

struct hbuf {
	char *p;
	size_t len, cap;
	int failed;
};

void hb_init(struct hbuf *b);
void hb_free(struct hbuf *b);
int hb_failed(const struct hbuf *b);
/* Raw markup (trusted: written by this program). */
void hb_put(struct hbuf *b, const char *s);
void hb_putn(struct hbuf *b, const void *s, size_t n);
void hb_printf(struct hbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void hb_vprintf(struct hbuf *b, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
/* Text from anywhere else (records, the server, the request): & < > " '
 * escaped; invalid UTF-8 shown as U+FFFD; control characters dropped
 * (a newline kept). */
void hb_esc(struct hbuf *b, const char *s);
void hb_escn(struct hbuf *b, const char *s, size_t n);
/* printf into a scratch buffer, then hb_esc. */
void hb_escf(struct hbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A value for a URL query: percent-encoded (RFC 3986 unreserved kept). */
void hb_url(struct hbuf *b, const char *s);
/* Money in 万元 from fen, "12,345.67" (two decimals, separators). */
void hb_money(struct hbuf *b, int64_t fen);
/* A JSON string literal of s (quotes included), safe inside HTML too. */
void hb_json_str(struct hbuf *b, const char *s);

#endif
