/* http.c - see http.h.  libmicrohttpd does the HTTP; this file does the
 * checks and turns a request into a struct http_req for the pages. */
#include "http.h"

#include <errno.h>
#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include "err.h"
#include "log.h"

/* What is still read of a body past the cap before the connection is
 * closed (so that a 413 can be answered to an ordinary browser). */
#define HTTP_BODY_SLACK (1024u * 1024u)

struct http_server {
	struct MHD_Daemon *d;
	uint16_t port;
	char secret[HTTP_SECRET_HEX + 1];
	char csrf[HTTP_SECRET_HEX + 1];
	char cookie_name[32];
	char hosts[3][64];   /* the Host header values accepted */
	char origins[3][80]; /* the Origin header values accepted */
	struct ui *ui;
	http_handler handler;
};

struct req_ctx {
	struct http_req rq;
	struct MHD_PostProcessor *pp;
	int refused;
};

int http_loopback_addr(const char *text)
{
	struct in_addr a4;
	struct in6_addr a6;

	if (text == NULL)
		return 0;
	if (inet_pton(AF_INET, text, &a4) == 1)
		return ntohl(a4.s_addr) == INADDR_LOOPBACK; /* 127.0.0.1: the Host names */
	if (inet_pton(AF_INET6, text, &a6) == 1)
		return IN6_IS_ADDR_LOOPBACK(&a6);
	return 0;
}

const char *http_query(const struct http_req *rq, const char *name)
{
	return MHD_lookup_connection_value(rq->conn, MHD_GET_ARGUMENT_KIND, name);
}

const char *http_header(const struct http_req *rq, const char *name)
{
	return MHD_lookup_connection_value(rq->conn, MHD_HEADER_KIND, name);
}

const struct http_field *http_field(const struct http_req *rq, const char *name)
{
	size_t i;

	for (i = 0; i < rq->n_fields; i++)
		if (!strcmp(rq->fields[i].name, name))
			return &rq->fields[i];
	return NULL;
}

const char *http_text(const struct http_req *rq, const char *name)
{
	const struct http_field *f = http_field(rq, name);

	return f != NULL && f->filename == NULL ? (const char *)f->data : NULL;
}

void http_redirect(struct http_resp *rs, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(rs->location, sizeof rs->location, fmt, ap);
	va_end(ap);
	rs->status = 303;
}

static void req_free(struct http_req *rq)
{
	size_t i;

	for (i = 0; i < rq->n_fields; i++) {
		free(rq->fields[i].name);
		free(rq->fields[i].filename);
		free(rq->fields[i].ctype);
		if (rq->fields[i].data != NULL)
			sodium_memzero(rq->fields[i].data, rq->fields[i].len);
		free(rq->fields[i].data);
	}
	free(rq->fields);
}

/* Append size bytes to field f (a continuation) within cap. */
static int field_append(struct http_req *rq, struct http_field *f, const char *data, size_t size,
			size_t cap)
{
	uint8_t *p;

	if (size > cap || f->len > cap - size) {
		rq->too_big = 1;
		return -1;
	}
	if ((p = realloc(f->data, f->len + size + 1)) == NULL)
		return -1;
	memcpy(p + f->len, data, size);
	f->len += size;
	p[f->len] = '\0';
	f->data = p;
	return 0;
}

static enum MHD_Result post_it(void *cls, enum MHD_ValueKind kind, const char *key,
			       const char *filename, const char *content_type,
			       const char *transfer_encoding, const char *data, uint64_t off,
			       size_t size)
{
	struct http_req *rq = cls;
	struct http_field *f;
	size_t cap;

	(void)kind;
	(void)transfer_encoding;
	if (key == NULL || rq->too_big)
		return MHD_YES;
	cap = filename != NULL ? HTTP_FILE_MAX : HTTP_FIELD_MAX;
	f = rq->n_fields ? &rq->fields[rq->n_fields - 1] : NULL;
	if (off == 0 || f == NULL || strcmp(f->name, key) != 0) {
		if (rq->n_fields >= HTTP_FIELDS_MAX) {
			rq->too_big = 1;
			return MHD_YES;
		}
		if (rq->n_fields == rq->cap_fields) {
			size_t nc = rq->cap_fields ? rq->cap_fields * 2 : 16;
			struct http_field *nf = realloc(rq->fields, nc * sizeof *nf);

			if (nf == NULL)
				return MHD_NO;
			rq->fields = nf;
			rq->cap_fields = nc;
		}
		f = &rq->fields[rq->n_fields];
		memset(f, 0, sizeof *f);
		if ((f->name = strdup(key)) == NULL ||
		    (filename != NULL && (f->filename = strdup(filename)) == NULL) ||
		    (content_type != NULL && (f->ctype = strdup(content_type)) == NULL) ||
		    (f->data = calloc(1, 1)) == NULL) {
			free(f->name);
			free(f->filename);
			free(f->ctype);
			return MHD_NO;
		}
		rq->n_fields++;
	}
	if (size && field_append(rq, f, data, size, cap) != 0 && !rq->too_big)
		return MHD_NO;
	return MHD_YES;
}

static const char *const SECURITY_HEADERS[][2] = {
	{"Content-Security-Policy",
	 "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
	 "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"},
	{"X-Content-Type-Options", "nosniff"},
	{"X-Frame-Options", "DENY"},
	{"Referrer-Policy", "same-origin"},
	{"Cross-Origin-Opener-Policy", "same-origin"},
	{"Cross-Origin-Resource-Policy", "same-origin"},
};

static enum MHD_Result send_resp(struct MHD_Connection *c, struct http_resp *rs)
{
	struct MHD_Response *r;
	enum MHD_Result ok;
	size_t i;
	int status = rs->status ? rs->status : 200;

	if (rs->body.failed) {
		hb_free(&rs->body);
		hb_put(&rs->body, "<!doctype html><meta charset=utf-8><title>500</title>"
				  "<p>页面生成失败（内存不足或页面过大）。Page could not be built.</p>");
		status = 500;
		rs->ctype = NULL;
	}
	r = MHD_create_response_from_buffer(rs->body.len, rs->body.p ? rs->body.p : (char *)"",
					    rs->body.p ? MHD_RESPMEM_MUST_FREE
						       : MHD_RESPMEM_PERSISTENT);
	if (r == NULL) {
		hb_free(&rs->body);
		return MHD_NO;
	}
	rs->body.p = NULL; /* owned by the response now */
	MHD_add_response_header(r, "Content-Type",
				rs->ctype ? rs->ctype : "text/html; charset=utf-8");
	for (i = 0; i < sizeof SECURITY_HEADERS / sizeof SECURITY_HEADERS[0]; i++)
		MHD_add_response_header(r, SECURITY_HEADERS[i][0], SECURITY_HEADERS[i][1]);
	MHD_add_response_header(r, "Cache-Control",
				rs->cacheable ? "private, max-age=3600" : "no-store");
	if (rs->location[0]) {
		MHD_add_response_header(r, "Location", rs->location);
		if (status == 200)
			status = 303;
	}
	if (rs->cookie[0])
		MHD_add_response_header(r, "Set-Cookie", rs->cookie);
	ok = MHD_queue_response(c, (unsigned)status, r);
	MHD_destroy_response(r);
	return ok;
}

static enum MHD_Result refuse(struct MHD_Connection *c, int status, const char *zh, const char *en)
{
	struct http_resp rs;

	memset(&rs, 0, sizeof rs);
	rs.status = status;
	hb_printf(&rs.body,
		  "<!doctype html><html lang=zh-CN><meta charset=utf-8><title>%d</title>"
		  "<body><h1>%d</h1><p>",
		  status, status);
	hb_esc(&rs.body, zh);
	hb_put(&rs.body, "</p><p>");
	hb_esc(&rs.body, en);
	hb_put(&rs.body, "</p></body></html>");
	return send_resp(c, &rs);
}

/* Equal strings of the same length, compared in constant time. */
static int secret_eq(const char *have, const char *want)
{
	size_t n = strlen(want);

	return have != NULL && strlen(have) == n && sodium_memcmp(have, want, n) == 0;
}

struct cookie_walk {
	const struct http_server *s;
	int ok;
};

static enum MHD_Result cookie_it(void *cls, enum MHD_ValueKind kind, const char *key,
				 const char *value)
{
	struct cookie_walk *w = cls;

	(void)kind;
	if (key != NULL && !strcmp(key, w->s->cookie_name) && secret_eq(value, w->s->secret))
		w->ok = 1;
	return MHD_YES;
}

/* Any cookie of this server's name holds the secret: another page on this
 * host (cookies do not tell ports apart) may have set one of the same name
 * with a narrower path, which the browser then sends first. */
static int cookie_ok(const struct http_server *s, struct MHD_Connection *c)
{
	struct cookie_walk w = {s, 0};

	MHD_get_connection_values(c, MHD_COOKIE_KIND, cookie_it, &w);
	return w.ok;
}

static int host_ok(const struct http_server *s, const char *host)
{
	size_t i;

	if (host == NULL)
		return 0;
	for (i = 0; i < 3; i++)
		if (!strcasecmp(host, s->hosts[i]))
			return 1;
	return 0;
}

static int origin_ok(const struct http_server *s, struct MHD_Connection *c)
{
	const char *o = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Origin");
	const char *site = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Sec-Fetch-Site");
	size_t i;

	if (site != NULL && strcmp(site, "same-origin") != 0 && strcmp(site, "none") != 0)
		return 0;
	if (o == NULL)
		return 1;
	for (i = 0; i < 3; i++)
		if (!strcasecmp(o, s->origins[i]))
			return 1;
	return 0;
}

static enum MHD_Result login(struct http_server *s, struct MHD_Connection *c)
{
	struct http_resp rs;
	const char *k = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "k");

	if (!secret_eq(k, s->secret)) {
		log_warn("ui: a login with a wrong or missing key was refused");
		return refuse(c, 403, "这个地址的口令不对。请使用 baosong ui 启动时打印的完整地址。",
			      "Wrong key: open the full address baosong ui printed when it started.");
	}
	memset(&rs, 0, sizeof rs);
	snprintf(rs.cookie, sizeof rs.cookie, "%s=%s; Path=/; HttpOnly; SameSite=Strict",
		 s->cookie_name, s->secret);
	http_redirect(&rs, "/");
	return send_resp(c, &rs);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
				  const char *method, const char *version,
				  const char *upload_data, size_t *upload_data_size, void **con_cls)
{
	struct http_server *s = cls;
	struct req_ctx *x = *con_cls;
	struct http_resp rs;
	int post;

	(void)version;
	if (x == NULL) {
		const char *len;
		const char *ct;

		/* Everything checked before a byte of the body is stored. */
		if (!host_ok(s, MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Host")))
			return refuse(c, 421, "请求的主机名不是本机页面。",
				      "Misdirected request: wrong Host header.");
		post = !strcmp(method, "POST");
		if (!post && strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0)
			return refuse(c, 405, "不支持的请求方法。", "Method not allowed.");
		if (!post && !strcmp(url, "/login"))
			return login(s, c);
		if (!cookie_ok(s, c))
			return refuse(c, 403,
				      "没有登录凭据。请使用 baosong ui 启动时打印的地址打开本页。",
				      "Forbidden: open the address baosong ui printed when it started.");
		if (post && !origin_ok(s, c)) {
			const char *o = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Origin");
			const char *fs = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
								      "Sec-Fetch-Site");

			log_warn("ui: a cross-site POST %s was refused (Origin %.100s, "
				 "Sec-Fetch-Site %.40s)",
				 url, o ? o : "none", fs ? fs : "none");
			return refuse(c, 403, "拒绝来自其他网站的提交。",
				      "Forbidden: a cross-site request.");
		}
		len = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Length");
		if (len != NULL && strtoull(len, NULL, 10) > HTTP_BODY_MAX)
			return refuse(c, 413, "提交的内容太大（照片每张不超过 20 MB，一次共 64 MB）。",
				      "Request too large.");
		if ((x = calloc(1, sizeof *x)) == NULL)
			return MHD_NO;
		x->rq.ui = s->ui;
		x->rq.conn = c;
		x->rq.method = post ? "POST" : "GET";
		x->rq.path = url;
		ct = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Type");
		if (post && ct != NULL &&
		    (x->pp = MHD_create_post_processor(c, 64 * 1024, post_it, &x->rq)) == NULL) {
			free(x);
			return refuse(c, 415, "不支持的提交格式。", "Unsupported form encoding.");
		}
		*con_cls = x;
		return MHD_YES;
	}
	if (*upload_data_size != 0) {
		x->rq.body_bytes += *upload_data_size;
		if (x->rq.body_bytes > HTTP_BODY_MAX)
			x->rq.too_big = 1;
		if (x->rq.body_bytes > HTTP_BODY_MAX + HTTP_BODY_SLACK)
			return MHD_NO; /* a chunked body that does not end: close */
		if (!x->rq.too_big && !x->refused && x->pp != NULL &&
		    MHD_post_process(x->pp, upload_data, *upload_data_size) != MHD_YES)
			x->refused = 1;
		*upload_data_size = 0;
		return MHD_YES;
	}
	if (x->rq.too_big)
		return refuse(c, 413, "提交的内容太大（照片每张不超过 20 MB，一次共 64 MB）。",
			      "Request too large.");
	if (x->refused)
		return refuse(c, 400, "提交的表单格式有误。", "Malformed form data.");
	if (!strcmp(x->rq.method, "POST")) {
		const char *tok = http_text(&x->rq, "_csrf");

		if (tok == NULL)
			tok = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-CSRF-Token");
		if (!secret_eq(tok, s->csrf))
			return refuse(c, 403, "表单已过期或来自其他网站，请刷新页面后再提交。",
				      "Forbidden: missing or wrong CSRF token; reload the page.");
	}
	memset(&rs, 0, sizeof rs);
	s->handler(&x->rq, &rs);
	return send_resp(c, &rs);
}

static void on_done(void *cls, struct MHD_Connection *c, void **con_cls,
		    enum MHD_RequestTerminationCode toe)
{
	struct req_ctx *x = *con_cls;

	(void)cls;
	(void)c;
	(void)toe;
	if (x == NULL)
		return;
	if (x->pp != NULL)
		MHD_destroy_post_processor(x->pp);
	req_free(&x->rq);
	free(x);
	*con_cls = NULL;
}

static void mhd_log(void *cls, const char *fmt, va_list ap)
{
	char msg[512];

	(void)cls;
	vsnprintf(msg, sizeof msg, fmt, ap);
	msg[strcspn(msg, "\n")] = '\0';
	log_warn("ui: http: %s", msg);
}

/* A listening socket on addr:port (port 0: the OS picks), with its port
 * in *bound; -1 on failure (errno set). */
static int listen_on(const char *addr, uint16_t port, uint16_t *bound)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int fd, one = 1, fam = strchr(addr, ':') ? AF_INET6 : AF_INET;

	memset(&ss, 0, sizeof ss);
	if (fam == AF_INET) {
		struct sockaddr_in *a = (struct sockaddr_in *)&ss;

		a->sin_family = AF_INET;
		a->sin_port = htons(port);
		inet_pton(AF_INET, addr, &a->sin_addr);
		len = sizeof *a;
	} else {
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ss;

		a->sin6_family = AF_INET6;
		a->sin6_port = htons(port);
		inet_pton(AF_INET6, addr, &a->sin6_addr);
		len = sizeof *a;
	}
	if ((fd = socket(fam, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (fam == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
	if (bind(fd, (struct sockaddr *)&ss, len) != 0 || listen(fd, 64) != 0 ||
	    getsockname(fd, (struct sockaddr *)&ss, &len) != 0) {
		int e = errno;

		close(fd);
		errno = e;
		return -1;
	}
	*bound = ntohs(fam == AF_INET ? ((struct sockaddr_in *)&ss)->sin_port
				      : ((struct sockaddr_in6 *)&ss)->sin6_port);
	return fd;
}

int http_start(struct http_server **out, const char *addr, uint16_t port, const char *secret,
	       const char *csrf, struct ui *ui, http_handler handler)
{
	struct http_server *s;
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO | MHD_USE_ERROR_LOG;
	const char *names[3] = {"127.0.0.1", "localhost", "[::1]"};
	size_t i;
	int fd;

	*out = NULL;
	if (!http_loopback_addr(addr) || strlen(secret) != HTTP_SECRET_HEX ||
	    strlen(csrf) != HTTP_SECRET_HEX)
		return BS_E_INVAL;
	if (strchr(addr, ':') != NULL)
		flags |= MHD_USE_IPv6;
	if ((s = calloc(1, sizeof *s)) == NULL)
		return BS_E_NOMEM;
	/* The socket first, so that everything a request is checked against
	 * is set before the server's thread can take one. */
	if ((fd = listen_on(addr, port, &s->port)) < 0) {
		log_warn("ui: cannot listen on %s port %u: %s", addr, (unsigned)port,
			 strerror(errno));
		free(s);
		return BS_E_IO;
	}
	memcpy(s->secret, secret, HTTP_SECRET_HEX);
	memcpy(s->csrf, csrf, HTTP_SECRET_HEX);
	s->ui = ui;
	s->handler = handler;
	snprintf(s->cookie_name, sizeof s->cookie_name, "baosong_ui_%u", (unsigned)s->port);
	for (i = 0; i < 3; i++) {
		snprintf(s->hosts[i], sizeof s->hosts[i], "%s:%u", names[i], (unsigned)s->port);
		snprintf(s->origins[i], sizeof s->origins[i], "http://%s:%u", names[i],
			 (unsigned)s->port);
	}
	s->d = MHD_start_daemon(flags, 0, NULL, NULL, on_request, s, MHD_OPTION_EXTERNAL_LOGGER,
				mhd_log, s, MHD_OPTION_LISTEN_SOCKET, fd,
				MHD_OPTION_CONNECTION_LIMIT, 64u, MHD_OPTION_CONNECTION_TIMEOUT, 120u,
				MHD_OPTION_NOTIFY_COMPLETED, on_done, s, MHD_OPTION_END);
	if (s->d == NULL) {
		close(fd);
		sodium_memzero(s, sizeof *s);
		free(s);
		return BS_E_IO;
	}
	*out = s;
	return BS_OK;
}

uint16_t http_port(const struct http_server *s)
{
	return s->port;
}

void http_stop(struct http_server *s)
{
	if (s == NULL)
		return;
	MHD_stop_daemon(s->d);
	sodium_memzero(s, sizeof *s);
	free(s);
}
