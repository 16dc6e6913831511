/* http.h - the local web server of `baosong ui`: libmicrohttpd bound to a
 * loopback address, one request at a time (one polling thread, so the page
 * handlers share the client's local database without locks), and the
 * checks every request passes before a page sees it:
 *
 *   - the Host header names this server (127.0.0.1:PORT, localhost:PORT,
 *     [::1]:PORT): a DNS-rebinding page cannot reach it under its own name;
 *   - the per-launch secret: GET /login?k=SECRET (the address printed and
 *     opened at start) sets it as an HttpOnly, SameSite=Strict cookie; any
 *     other request without the cookie is refused (403) before its body is
 *     read;
 *   - a state-changing request (POST) carries the CSRF token (form field
 *     _csrf or header X-CSRF-Token), and an Origin header, if any, is this
 *     server's;
 *   - bodies are capped (HTTP_BODY_MAX, HTTP_FILE_MAX a file, HTTP_FIELDS_MAX
 *     fields) before they are stored.
 *
 * Every response carries a strict Content-Security-Policy (no inline
 * script or style, nothing from another origin), nosniff, no framing, no
 * referrer beyond this origin and no caching.  No path from a request touches the file
 * system: routes are a fixed table (routes.c). */
#ifndef BS_UI_HTTP_H
#define BS_UI_HTTP_H
#include <stddef.h>
#include <stdint.h>

#include "html.h"

#define HTTP_BODY_MAX (64u * 1024u * 1024u) /* a POST: several site photos */
#define HTTP_FILE_MAX (20u * 1024u * 1024u) /* one uploaded file */
#define HTTP_FIELDS_MAX 4000u               /* fields and files of one POST */
#define HTTP_FIELD_MAX (256u * 1024u)       /* one text field */
#define HTTP_SECRET_HEX 64                  /* 32 random bytes, hex */

/* One field of a submitted form: text, or a file (filename set). */
struct http_field {
	char *name;
	char *filename; /* NULL for a text field */
	char *ctype;    /* the file's declared type, or NULL */
	uint8_t *data;  /* NUL-terminated (not counted in len) */
	size_t len;
};

struct ui;
struct http_req {
	struct ui *ui;
	const char *method; /* "GET" or "POST" */
	const char *path;   /* without the query */
	void *conn;         /* struct MHD_Connection * */
	struct http_field *fields;
	size_t n_fields, cap_fields;
	size_t body_bytes;
	int too_big;        /* the body passed a cap: refused with 413 */
};

struct http_resp {
	int status;           /* 200 unless set */
	const char *ctype;    /* "text/html; charset=utf-8" unless set */
	struct hbuf body;
	char location[1024];  /* a redirect (status 303) when set */
	char cookie[256];     /* a Set-Cookie value when set */
	int cacheable;        /* static assets: may be cached */
};

/* A query parameter of the request, or NULL. */
const char *http_query(const struct http_req *rq, const char *name);
/* The first form field (text or file) named name, or NULL. */
const struct http_field *http_field(const struct http_req *rq, const char *name);
/* Its text, or NULL when absent or a file. */
const char *http_text(const struct http_req *rq, const char *name);
/* A request header, or NULL. */
const char *http_header(const struct http_req *rq, const char *name);

/* Answer with a redirect (303 See Other) to location, a path of this
 * server ("/projects?saved=1"). */
void http_redirect(struct http_resp *rs, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* The server.  Bound to addr (a loopback address: "127.0.0.1" or "::1")
 * at port (0: the OS picks).  handler answers every request that passed
 * the checks above. */
struct http_server;
typedef void (*http_handler)(struct http_req *rq, struct http_resp *rs);
/* 0 or a BS_E_* code: BS_E_INVAL if addr is not a loopback address,
 * BS_E_IO if it cannot be bound (the reason logged).  secret and csrf are
 * HTTP_SECRET_HEX characters each. */
int http_start(struct http_server **out, const char *addr, uint16_t port, const char *secret,
	       const char *csrf, struct ui *ui, http_handler handler);
uint16_t http_port(const struct http_server *s);
void http_stop(struct http_server *s); /* NULL-safe */

/* Whether text names a loopback address this server may listen on. */
int http_loopback_addr(const char *text);

#endif
