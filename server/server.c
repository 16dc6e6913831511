/* server.c - libuv loop, connections, handshake and request dispatch. */
#include "server.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

#include "channel.h"
#include "err.h"
#include "frame.h"
#include "handshake.h"
#include "bs_limits.h"
#include "log.h"
#include "peers.h"
#include "wire.h"

/* Time a closing connection gets to flush its last frame. */
#define CLOSE_FLUSH_MS 2000u

enum conn_state { CONN_HANDSHAKE, CONN_READY, CONN_CLOSING };

struct server;

struct conn {
	uv_tcp_t tcp;
	uv_timer_t timer;
	uv_shutdown_t shutdown_req;
	struct server *srv;
	enum conn_state state;
	uint64_t id;
	char peer[64];
	char who[PEER_NAME_MAX + 1]; /* name of the authenticated key */
	uint8_t client_pub[KEY_LEN];
	struct frame_decoder dec;
	struct noise_hs hs;
	struct channel ch;
	size_t wq_bytes;
	int reading;
	int handles_open;
	struct conn *prev, *next;
};

struct server {
	uv_loop_t loop;
	uv_tcp_t listener;
	uv_signal_t sig_term, sig_int, sig_hup;
	struct server_opts opts;
	struct keypair kp;
	struct peers peers;
	struct conn *conns;
	unsigned nconns;
	uint64_t next_id;
	int stopping;
};

struct write_req {
	uv_write_t req;
	struct conn *c;
	size_t len;
	uint8_t data[];
};

/* The loop is single-threaded: one scratch area serves every callback. */
static uint8_t g_readbuf[64 * 1024];
static uint8_t g_plain[BS_FRAME_MAX];
static uint8_t g_out[BS_FRAME_MAX];

static void conn_close(struct conn *c, int err, const char *why);
static void conn_close_after_flush(struct conn *c);
static void on_conn_timeout(uv_timer_t *t);

void server_opts_defaults(struct server_opts *o)
{
	memset(o, 0, sizeof *o);
	o->host = "127.0.0.1";
	o->port = 7400;
	o->handshake_timeout_ms = BS_HANDSHAKE_TIMEOUT_MS;
	o->idle_timeout_ms = BS_IDLE_TIMEOUT_MS;
	o->max_connections = BS_MAX_CONNECTIONS;
	o->clock_skew_ms = BS_CLOCK_SKEW_MS;
}

/* ---- lifetime ------------------------------------------------------------- */

static void on_handle_closed(uv_handle_t *h)
{
	struct conn *c = h->data;
	if (--c->handles_open > 0)
		return;
	frame_decoder_free(&c->dec);
	noise_hs_wipe(&c->hs);
	channel_wipe(&c->ch);
	free(c);
}

static void conn_unlink(struct conn *c)
{
	struct server *s = c->srv;
	if (c->prev)
		c->prev->next = c->next;
	else
		s->conns = c->next;
	if (c->next)
		c->next->prev = c->prev;
	c->prev = c->next = NULL;
	s->nconns--;
}

/* Close now; pending writes are cancelled. */
static void conn_close(struct conn *c, int err, const char *why)
{
	if (c->state == CONN_CLOSING && uv_is_closing((uv_handle_t *)&c->tcp))
		return;
	if (c->state != CONN_CLOSING)
		conn_unlink(c);
	c->state = CONN_CLOSING;
	if (err != BS_OK)
		log_info("conn %llu closed peer=%s key=%s: %s%s%s",
			 (unsigned long long)c->id, c->peer, c->who[0] ? c->who : "-",
			 bs_strerror(err), why ? ": " : "", why ? why : "");
	else
		log_debug("conn %llu closed peer=%s", (unsigned long long)c->id, c->peer);
	uv_close((uv_handle_t *)&c->tcp, on_handle_closed);
	uv_close((uv_handle_t *)&c->timer, on_handle_closed);
}

static void on_flush_timeout(uv_timer_t *t)
{
	struct conn *c = t->data;
	conn_close(c, BS_OK, NULL);
}

static void on_shutdown(uv_shutdown_t *req, int status)
{
	struct conn *c = req->data;
	(void)status;
	if (!uv_is_closing((uv_handle_t *)&c->tcp))
		conn_close(c, BS_OK, NULL);
}

/* Stop reading, let queued frames reach the peer, then close. */
static void conn_close_after_flush(struct conn *c)
{
	if (c->state == CONN_CLOSING)
		return;
	conn_unlink(c);
	c->state = CONN_CLOSING;
	uv_read_stop((uv_stream_t *)&c->tcp);
	c->shutdown_req.data = c;
	if (uv_shutdown(&c->shutdown_req, (uv_stream_t *)&c->tcp, on_shutdown) != 0) {
		conn_close(c, BS_OK, NULL);
		return;
	}
	uv_timer_start(&c->timer, on_flush_timeout, CLOSE_FLUSH_MS, 0);
}

/* ---- writing ---------------------------------------------------------------- */

static void on_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf);
static void on_read(uv_stream_t *stream, ssize_t nread, const uv_buf_t *buf);

static void on_write(uv_write_t *req, int status)
{
	struct write_req *w = (struct write_req *)req;
	struct conn *c = w->c;
	c->wq_bytes -= w->len;
	sodium_memzero(w->data, w->len);
	free(w);
	if (status != 0 || c->state == CONN_CLOSING)
		return;
	/* Backpressure: resume reading once the peer has taken its replies. */
	if (!c->reading && c->wq_bytes < BS_WRITE_QUEUE_HIGH / 2) {
		if (uv_read_start((uv_stream_t *)&c->tcp, on_alloc, on_read) == 0)
			c->reading = 1;
	}
}

static int conn_write(struct conn *c, const uint8_t *data, size_t len)
{
	struct write_req *w = malloc(sizeof *w + len);
	uv_buf_t b;
	int rv;

	if (!w)
		return BS_E_NOMEM;
	w->c = c;
	w->len = len;
	memcpy(w->data, data, len);
	b = uv_buf_init((char *)w->data, (unsigned)len);
	rv = uv_write(&w->req, (uv_stream_t *)&c->tcp, &b, 1, on_write);
	if (rv != 0) {
		free(w);
		return BS_E_IO;
	}
	c->wq_bytes += len;
	if (c->reading && c->wq_bytes > BS_WRITE_QUEUE_HIGH) {
		uv_read_stop((uv_stream_t *)&c->tcp);
		c->reading = 0;
	}
	return BS_OK;
}

/* Encrypt and queue one Envelope. */
static int conn_send(struct conn *c, const Envelope *env)
{
	uint8_t *plain = g_plain;
	size_t plen = 0, flen = 0;
	int rv = wire_envelope_encode(env, plain, BS_PAYLOAD_MAX, &plen);
	if (rv == BS_OK)
		rv = channel_seal(&c->ch, plain, plen, g_out, sizeof g_out, &flen);
	sodium_memzero(plain, plen);
	if (rv == BS_OK)
		rv = conn_write(c, g_out, flen);
	return rv;
}

static int conn_send_error(struct conn *c, uint64_t request_id, int err, const char *detail)
{
	Envelope env = BAOSONG__V1__ENVELOPE__INIT;
	WireError e;
	wire_error_set(&e, err, detail);
	env.version = BS_PROTOCOL_VERSION;
	env.request_id = request_id;
	env.body_case = BAOSONG__V1__ENVELOPE__BODY_ERROR;
	env.error = &e;
	return conn_send(c, &env);
}

/* ---- handshake ------------------------------------------------------------- */

static void handle_handshake(struct conn *c, const uint8_t *msg, size_t len)
{
	struct server *s = c->srv;
	struct hs_client_info info;
	struct peer *pe;
	size_t outlen = 0;
	int verdict, rv;

	if (len == HS_KEYREQ_LEN && memcmp(msg, HS_KEYREQ, HS_KEYREQ_LEN) == 0) {
		uint8_t resp[FRAME_HDR + HS_KEYRESP_LEN];
		frame_put_header(resp, HS_KEYRESP_LEN);
		memcpy(resp + FRAME_HDR, HS_KEYRESP, 6);
		memcpy(resp + FRAME_HDR + 6, s->kp.pub, KEY_LEN);
		log_info("conn %llu peer=%s asked for the server key", (unsigned long long)c->id,
			 c->peer);
		if (conn_write(c, resp, sizeof resp) != BS_OK)
			conn_close(c, BS_E_IO, "write");
		else
			conn_close_after_flush(c);
		return;
	}

	rv = hs_server_read(&c->hs, &s->kp, msg, len, &info);
	if (rv != BS_OK) {
		/* Nothing authenticated: no reply is possible or owed. */
		noise_hs_wipe(&c->hs);
		conn_close(c, rv, "bad handshake message 1");
		return;
	}
	memcpy(c->client_pub, info.static_pub, KEY_LEN);
	pe = peers_find(&s->peers, info.static_pub);
	if (!pe) {
		char fp[FP_STRLEN + 1];
		keys_fingerprint(info.static_pub, fp);
		log_warn("conn %llu peer=%s refused: unknown client key %s",
			 (unsigned long long)c->id, c->peer, fp);
		verdict = BS_E_UNKNOWN_KEY;
	} else {
		snprintf(c->who, sizeof c->who, "%s", pe->name[0] ? pe->name : "(unnamed)");
		if (info.protocol_version != BS_PROTOCOL_VERSION)
			verdict = BS_E_VERSION;
		else
			verdict = hs_check_timestamp(&pe->last_ts_ns, info.timestamp_ns,
						     wire_now_ns(), s->opts.clock_skew_ms);
	}
	rv = hs_server_reply(&c->hs, verdict, g_out, sizeof g_out, &outlen, &c->ch);
	if (rv != BS_OK) {
		conn_close(c, rv, "handshake reply");
		return;
	}
	if (conn_write(c, g_out, outlen) != BS_OK) {
		conn_close(c, BS_E_IO, "write");
		return;
	}
	if (verdict != BS_OK) {
		if (verdict != BS_E_UNKNOWN_KEY)
			log_warn("conn %llu peer=%s key=%s refused: %s", (unsigned long long)c->id,
				 c->peer, c->who, bs_strerror(verdict));
		conn_close_after_flush(c);
		return;
	}
	c->state = CONN_READY;
	frame_decoder_set_max(&c->dec, BS_FRAME_MAX);
	uv_timer_start(&c->timer, on_conn_timeout, s->opts.idle_timeout_ms,
		       s->opts.idle_timeout_ms);
	log_info("conn %llu peer=%s key=%s session open (%s)", (unsigned long long)c->id, c->peer,
		 c->who, info.client_version);
}

/* ---- requests -------------------------------------------------------------- */

static void handle_ping(struct conn *c, const Envelope *req)
{
	Envelope env = BAOSONG__V1__ENVELOPE__INIT;
	Baosong__V1__Pong pong = BAOSONG__V1__PONG__INIT;

	if (req->ping->data.len > WIRE_PING_DATA_MAX) {
		conn_send_error(c, req->request_id, BS_E_TOOBIG, "ping.data");
		return;
	}
	pong.server_time_ms = wire_now_ms();
	pong.server_version = (char *)"baosongd " BS_VERSION_STRING;
	pong.data = req->ping->data;
	pong.timezone = (char *)"Asia/Shanghai";
	env.version = BS_PROTOCOL_VERSION;
	env.request_id = req->request_id;
	env.body_case = BAOSONG__V1__ENVELOPE__BODY_PONG;
	env.pong = &pong;
	if (conn_send(c, &env) != BS_OK)
		conn_close(c, BS_E_IO, "send pong");
}

static void handle_transport(struct conn *c, const uint8_t *msg, size_t len)
{
	struct wire_arena arena;
	Envelope *env;
	size_t plen = 0;
	int rv;

	rv = channel_open(&c->ch, msg, len, g_plain, sizeof g_plain, &plen);
	if (rv != BS_OK) {
		/* Nonces are out of step after a failure: the session is over. */
		conn_close(c, rv, "transport message");
		return;
	}
	wire_arena_init(&arena, WIRE_DECODE_MEM_MAX);
	env = wire_envelope_decode(&arena, g_plain, plen);
	sodium_memzero(g_plain, plen);
	if (!env) {
		conn_send_error(c, 0, BS_E_PROTO, "Envelope does not decode");
		conn_close_after_flush(c);
		return;
	}
	if (env->version != BS_PROTOCOL_VERSION) {
		conn_send_error(c, env->request_id, BS_E_VERSION, "Envelope.version");
		conn_close_after_flush(c);
		goto out;
	}
	switch (env->body_case) {
	case BAOSONG__V1__ENVELOPE__BODY_PING:
		handle_ping(c, env);
		break;
	default:
		conn_send_error(c, env->request_id, BS_E_UNSUPPORTED, "request body");
		break;
	}
out:
	wire_envelope_free(env, &arena);
}

/* ---- reading ----------------------------------------------------------------- */

static void on_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
	(void)h;
	(void)suggested;
	*buf = uv_buf_init((char *)g_readbuf, sizeof g_readbuf);
}

static void on_read(uv_stream_t *stream, ssize_t nread, const uv_buf_t *buf)
{
	struct conn *c = stream->data;
	const uint8_t *p = (const uint8_t *)buf->base;
	size_t left;

	if (nread == 0)
		return;
	if (nread < 0) {
		conn_close(c, nread == UV_EOF ? BS_OK : BS_E_IO, uv_strerror((int)nread));
		return;
	}
	left = (size_t)nread;
	if (c->state == CONN_READY)
		uv_timer_again(&c->timer);
	while (left > 0 && c->state != CONN_CLOSING) {
		const uint8_t *frame = NULL;
		size_t used = 0, flen = 0;
		int rv = frame_decoder_feed(&c->dec, p, left, &used, &frame, &flen);
		p += used;
		left -= used;
		if (rv < 0) {
			/* Before the handshake there is no channel to carry an error. */
			if (c->state == CONN_READY) {
				conn_send_error(c, 0, rv, "frame length");
				conn_close_after_flush(c);
			} else {
				conn_close(c, rv, "frame length");
			}
			return;
		}
		if (rv == 0)
			break;
		if (c->state == CONN_HANDSHAKE)
			handle_handshake(c, frame, flen);
		else
			handle_transport(c, frame, flen);
	}
	sodium_memzero(g_readbuf, (size_t)nread);
}

static void on_conn_timeout(uv_timer_t *t)
{
	struct conn *c = t->data;
	conn_close(c, BS_E_TIMEOUT, c->state == CONN_HANDSHAKE ? "no handshake" : "idle");
}

static void on_connection(uv_stream_t *listener, int status)
{
	struct server *s = listener->data;
	struct conn *c;
	struct sockaddr_storage ss;
	int sslen = sizeof ss;

	if (status < 0) {
		log_warn("accept: %s", uv_strerror(status));
		return;
	}
	c = calloc(1, sizeof *c);
	if (!c) {
		log_error("accept: out of memory");
		return;
	}
	c->srv = s;
	c->id = ++s->next_id;
	uv_tcp_init(&s->loop, &c->tcp);
	uv_timer_init(&s->loop, &c->timer);
	c->tcp.data = c;
	c->timer.data = c;
	c->handles_open = 2;
	c->state = CONN_HANDSHAKE;
	frame_decoder_init(&c->dec, BS_FRAME_MAX_PREAUTH);
	c->next = s->conns;
	if (s->conns)
		s->conns->prev = c;
	s->conns = c;
	s->nconns++;
	if (uv_accept(listener, (uv_stream_t *)&c->tcp) != 0) {
		conn_close(c, BS_E_IO, "accept");
		return;
	}
	if (uv_tcp_getpeername(&c->tcp, (struct sockaddr *)&ss, &sslen) == 0) {
		char ip[48] = "?";
		int port = 0;
		if (ss.ss_family == AF_INET) {
			struct sockaddr_in *in = (struct sockaddr_in *)&ss;
			uv_ip4_name(in, ip, sizeof ip);
			port = ntohs(in->sin_port);
		} else if (ss.ss_family == AF_INET6) {
			struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;
			uv_ip6_name(in6, ip, sizeof ip);
			port = ntohs(in6->sin6_port);
		}
		snprintf(c->peer, sizeof c->peer, "%s:%d", ip, port);
	}
	if (s->stopping || s->nconns > s->opts.max_connections) {
		conn_close(c, BS_E_BUSY, "connection limit");
		return;
	}
	uv_tcp_nodelay(&c->tcp, 1);
	uv_timer_start(&c->timer, on_conn_timeout, s->opts.handshake_timeout_ms, 0);
	if (uv_read_start((uv_stream_t *)&c->tcp, on_alloc, on_read) != 0) {
		conn_close(c, BS_E_IO, "read start");
		return;
	}
	c->reading = 1;
	log_debug("conn %llu accepted peer=%s", (unsigned long long)c->id, c->peer);
}

/* ---- signals and start-up --------------------------------------------------- */

static void on_listener_closed(uv_handle_t *h)
{
	(void)h;
}

static void server_stop(struct server *s)
{
	uv_signal_stop(&s->sig_term);
	uv_signal_stop(&s->sig_int);
	uv_signal_stop(&s->sig_hup);
	if (s->stopping)
		return;
	s->stopping = 1;
	log_info("stopping: %u connection(s) open", s->nconns);
	uv_close((uv_handle_t *)&s->listener, on_listener_closed);
	while (s->conns)
		conn_close_after_flush(s->conns);
	uv_close((uv_handle_t *)&s->sig_term, NULL);
	uv_close((uv_handle_t *)&s->sig_int, NULL);
	uv_close((uv_handle_t *)&s->sig_hup, NULL);
}

static void on_signal(uv_signal_t *h, int signum)
{
	struct server *s = h->data;
	if (signum == SIGHUP) {
		unsigned bad = 0;
		int rv = peers_reload(&s->peers, s->opts.authorized_path, &bad);
		struct conn *c, *next;
		if (rv != BS_OK) {
			log_error("reload %s: %s (line %u); keeping the old keys",
				  s->opts.authorized_path, bs_strerror(rv), bad);
			return;
		}
		log_info("reloaded %s: %zu key(s)", s->opts.authorized_path, s->peers.n);
		/* A key no longer listed is revoked: end its sessions now. */
		for (c = s->conns; c; c = next) {
			next = c->next;
			if (c->state == CONN_READY && !peers_find(&s->peers, c->client_pub))
				conn_close(c, BS_E_UNKNOWN_KEY, "key revoked");
		}
		return;
	}
	server_stop(s);
}

static int write_port_file(const char *path, int port)
{
	char tmp[4096];
	FILE *f;
	if ((size_t)snprintf(tmp, sizeof tmp, "%s.tmp", path) >= sizeof tmp)
		return BS_E_INVAL;
	f = fopen(tmp, "we");
	if (!f)
		return BS_E_IO;
	fprintf(f, "%d\n", port);
	if (fclose(f) != 0 || rename(tmp, path) != 0)
		return BS_E_IO;
	return BS_OK;
}

int server_run(const struct server_opts *o)
{
	struct server *s;
	struct sockaddr_storage addr;
	char fp[FP_STRLEN + 1];
	unsigned bad = 0;
	int rv, port;
	int namelen;

	s = calloc(1, sizeof *s);
	if (!s)
		return BS_E_NOMEM;
	s->opts = *o;
	rv = keys_read_private(o->key_path, &s->kp);
	if (rv != BS_OK) {
		log_error("server key %s: %s", o->key_path, bs_strerror(rv));
		goto out_free;
	}
	rv = peers_load(&s->peers, o->authorized_path, &bad);
	if (rv != BS_OK) {
		if (bad)
			log_error("authorized keys %s line %u: %s", o->authorized_path, bad,
				  bs_strerror(rv));
		else
			log_error("authorized keys %s: %s", o->authorized_path, bs_strerror(rv));
		goto out_free;
	}
	if (uv_ip4_addr(o->host, o->port, (struct sockaddr_in *)&addr) != 0 &&
	    uv_ip6_addr(o->host, o->port, (struct sockaddr_in6 *)&addr) != 0) {
		log_error("listen address %s is not an IP address", o->host);
		rv = BS_E_INVAL;
		goto out_peers;
	}
	uv_loop_init(&s->loop);
	uv_tcp_init(&s->loop, &s->listener);
	s->listener.data = s;
	if ((rv = uv_tcp_bind(&s->listener, (struct sockaddr *)&addr, 0)) != 0 ||
	    (rv = uv_listen((uv_stream_t *)&s->listener, 128, on_connection)) != 0) {
		log_error("listen on %s:%d: %s", o->host, o->port, uv_strerror(rv));
		rv = BS_E_IO;
		uv_close((uv_handle_t *)&s->listener, NULL);
		uv_run(&s->loop, UV_RUN_DEFAULT);
		uv_loop_close(&s->loop);
		goto out_peers;
	}
	namelen = sizeof addr;
	uv_tcp_getsockname(&s->listener, (struct sockaddr *)&addr, &namelen);
	port = ntohs(addr.ss_family == AF_INET ? ((struct sockaddr_in *)&addr)->sin_port
					       : ((struct sockaddr_in6 *)&addr)->sin6_port);
	keys_fingerprint(s->kp.pub, fp);
	log_info("listening on %s:%d, server key fingerprint %s, %zu client key(s)", o->host,
		 port, fp, s->peers.n);
	if (o->port_file && write_port_file(o->port_file, port) != BS_OK)
		log_error("could not write port file %s", o->port_file);

	uv_signal_init(&s->loop, &s->sig_term);
	uv_signal_init(&s->loop, &s->sig_int);
	uv_signal_init(&s->loop, &s->sig_hup);
	s->sig_term.data = s->sig_int.data = s->sig_hup.data = s;
	uv_signal_start(&s->sig_term, on_signal, SIGTERM);
	uv_signal_start(&s->sig_int, on_signal, SIGINT);
	uv_signal_start(&s->sig_hup, on_signal, SIGHUP);

	uv_run(&s->loop, UV_RUN_DEFAULT);
	rv = uv_loop_close(&s->loop) == 0 ? BS_OK : BS_E_INTERNAL;
	log_info("stopped");
out_peers:
	peers_free(&s->peers);
out_free:
	keys_wipe(&s->kp);
	free(s);
	return rv;
}
