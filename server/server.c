/* server.c - libuv loop, connections, handshake and request dispatch.
 *
 * The loop thread does networking, framing and the channel's symmetric
 * cryptography.  Every request that touches the database goes to the worker
 * pool (worker.h); the handshake's Diffie-Hellman work (reading message 1,
 * writing message 2) goes to libuv's thread pool.  Replies come back to the
 * loop, which seals and writes them.  A connection is reference-counted:
 * each job holds a reference, so a connection that closes meanwhile is
 * freed only when its last job comes back.
 *
 * Connections come in two pools (docs/OPERATIONS.md 'Connection limits'):
 * those not (yet) authenticated as an enrolled device - before and during
 * the handshake, and enrolment-only sessions - are few, short-lived and
 * limited per address (net/limits.h); device sessions have max_connections
 * to themselves, so a flood of the first kind never takes their room. */
#include "server.h"

#include <assert.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <uv.h>

#include "blobs.h"
#include "bs_limits.h"
#include "channel.h"
#include "clock.h"
#include "err.h"
#include "frame.h"
#include "handlers.h"
#include "upload_pace.h"
#include "upload_slots.h"
#include "handshake.h"
#include "log.h"
#include "net/acceptor.h"
#include "net/addr.h"
#include "net/cookie_secret.h"
#include "net/limits.h"
#include "net/refusals.h"
#include "net/ss_cache.h"
#include "net/tarpit.h"
#include "notify.h"
#include "store.h"
#include "wire.h"
#include "worker.h"

/* Time a closing connection gets to flush its last frame. */
#define CLOSE_FLUSH_MS 2000u
/* Keys remembered for replay refusal of not-yet-enrolled clients. */
#define UNKNOWN_KEYS_MAX 4096u
/* Slots of the per-address table (fixed at start; net/limits.h). */
#define ADDR_TABLE_SLOTS 16384u
/* Refusals of one reason logged one by one per log interval. */
#define REFUSAL_LOG_BURST 10u
/* Handshakes waiting for or in the thread pool above which the server is
 * under load (asks for cookies in cookie = auto). */
#define HS_PENDING_LOAD 32u
/* Connections the kernel queues before accept (capped by net.core.somaxconn):
 * room for a burst of thousands, so a flood does not make the kernel drop
 * the devices' own connection attempts (a dropped SYN costs a client 1 s). */
#define LISTEN_BACKLOG 4096

enum conn_state {
	CONN_HANDSHAKE, /* waiting for message 1 */
	CONN_LOOKUP,    /* message 1 received: decrypted, the key looked up and
			 * message 2 written off the loop thread */
	CONN_READY,     /* session open (enrolled device, or enrolment only) */
	CONN_CLOSING
};

struct server;

struct conn {
	uv_tcp_t tcp;
	uv_timer_t timer;
	uv_shutdown_t shutdown_req;
	struct server *srv;
	enum conn_state state;
	uint64_t id;
	char peer[64];
	struct net_addr addr;
	struct addr_entry *ae;       /* set while counted as unauthenticated */
	int authed;                  /* counted as a device session (reserved at the key look-up) */
	int has_proof;               /* a cookie proof frame came first */
	int held;                    /* waiting for its address's handshake rate: not read */
	struct hs_work *waiting;     /* its message 1, while held */
	struct conn *wait_prev, *wait_next;
	uint8_t proof_mac[COOKIE_MAC_LEN];
	struct session_who who;      /* device_id 0: enrolment only */
	struct hs_client_info hello;
	struct frame_decoder dec;
	struct noise_hs hs;
	struct channel ch;
	size_t wq_bytes;
	unsigned inflight;
	unsigned paced;              /* of those, chunks waiting for the upload pace */
	int reading;
	int handles_open;
	int refs;                    /* 1 for the connection + 1 per job */
	int draining;                /* close once in-flight requests are answered */
	uint8_t *stash;              /* bytes read but not yet consumed: the */
	size_t stash_len;            /* connection had its requests' worth in flight */
	struct conn *prev, *next;
};

struct unknown_key {
	uint8_t pub[KEY_LEN];
	uint64_t last_ts_ns;
};

struct server {
	uv_loop_t loop;
	struct acceptor acc;
	uv_signal_t sig_term, sig_int, sig_hup;
	uv_timer_t drain_timer;
	uv_timer_t log_timer;        /* refusal summaries */
	struct addr_table *addrs;
	struct tarpit tarpit;        /* refused connections held unread */
	struct conn *wait_head, *wait_tail; /* message 1s waiting for their address's rate */
	uv_timer_t wait_timer;
	/* Attachment chunks waiting for the upload pace (upload_pace.h), in
	 * order; each already counted in its connection's inflight. */
	struct upload_pace pace;
	uv_timer_t pace_timer;
	struct job *pace_head, *pace_tail;
	uint64_t paced_chunks;       /* chunks that waited, for the log at stop */
	uint64_t nofile;             /* descriptor limit in force */
	size_t held_cap;
	struct refusals rf;
	struct cookie_secret cookies;
	struct ss_cache *ss;         /* DH(server, device) of active devices (net/ss_cache.h) */
	unsigned n_unauth, n_authed;
	unsigned hs_pending;         /* handshakes in the thread pool */
	uint64_t hs_window_ms;       /* start of the current one-second window */
	unsigned hs_window_count;    /* message 1s received in it */
	struct hs_stats {
		uint64_t msg1_received, msg1_decrypted, rate_delayed, cookies_sent,
			proofs_ok, proofs_bad;
	} hs;
	struct server_opts opts;
	struct handler_cfg hcfg;
	struct keypair kp;
	struct worker_pool *pool;
	struct conn *conns;
	unsigned nconns;
	uint64_t next_id;
	int stopping;
	int pool_stopping;
	/* newest accepted handshake timestamp per device (loop thread) and for
	 * keys still enrolling */
	struct unknown_key *unknown;
	size_t n_unknown;
	struct dev_ts {
		int64_t device_id;
		uint64_t ts;
	} *dev_ts;
	size_t n_dev_ts, cap_dev_ts;
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
static void on_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf);
static void on_read(uv_stream_t *stream, ssize_t nread, const uv_buf_t *buf);
static void maybe_finish(struct server *s);
static void conn_resume(struct conn *c);
static void on_pace_timer(uv_timer_t *t);

void server_opts_defaults(struct server_opts *o)
{
	memset(o, 0, sizeof *o);
	o->host = "127.0.0.1";
	o->port = 7400;
	o->data_dir = ".";
	o->handshake_timeout_ms = BS_HANDSHAKE_TIMEOUT_MS;
	o->idle_timeout_ms = BS_IDLE_TIMEOUT_MS;
	o->max_connections = BS_MAX_CONNECTIONS;
	o->max_unauth_connections = BS_MAX_UNAUTH;
	o->max_unauth_per_addr = BS_MAX_UNAUTH_PER_ADDR;
	o->handshakes_per_s = BS_HANDSHAKES_PER_S;
	o->handshake_burst = BS_HANDSHAKE_BURST;
	o->enrol_timeout_ms = BS_ENROL_TIMEOUT_MS;
	o->cookie_mode = COOKIE_AUTO;
	o->cookie_load_per_s = BS_COOKIE_LOAD_PER_S;
	o->refusal_log_interval_s = 10;
	o->max_held_refused = 4096;
	o->clock_skew_ms = BS_CLOCK_SKEW_MS;
	o->max_file_bytes = BS_MAX_FILE_BYTES;
	o->unit_quota_bytes = BS_UNIT_QUOTA_BYTES;
	o->grouped_uploads = BS_GROUPED_UPLOADS;
	o->upload_pace_mb = BS_UPLOAD_PACE_MB;
	o->readers = 2;
	o->max_batch = BS_MAX_BATCH;
}

/* ---- lifetime ------------------------------------------------------------- */

static void conn_unref(struct conn *c)
{
	if (--c->refs > 0)
		return;
	if (c->stash) {
		sodium_memzero(c->stash, c->stash_len);
		free(c->stash);
	}
	frame_decoder_free(&c->dec);
	noise_hs_wipe(&c->hs);
	sodium_memzero(c->hello.ss, sizeof c->hello.ss);
	channel_wipe(&c->ch);
	free(c);
}

static void on_handle_closed(uv_handle_t *h)
{
	struct conn *c = h->data;
	if (--c->handles_open > 0)
		return;
	conn_unref(c);
}

/* Out of the unauthenticated pool (into a device session, or closing). */
static void unauth_release(struct conn *c)
{
	if (!c->ae)
		return;
	c->ae->unauth--;
	c->ae = NULL;
	c->srv->n_unauth--;
}

/* Count c as a device session (max_connections) from the moment its key
 * look-up says yes, so that handshakes still in the thread pool cannot all
 * pass the check at once.  Released by conn_unlink whenever c closes, the
 * reply failing included. */
static void session_reserve(struct conn *c)
{
	if (!c->authed) {
		c->authed = 1;
		c->srv->n_authed++;
	}
}

/* An enrolled device's session: it leaves the unauthenticated pool. */
static void conn_promote(struct conn *c)
{
	unauth_release(c);
	session_reserve(c);
}

static void hs_wait_unlink(struct conn *c);

static void conn_unlink(struct conn *c)
{
	struct server *s = c->srv;
	hs_wait_unlink(c);
	unauth_release(c);
	if (c->authed) {
		c->authed = 0;
		s->n_authed--;
	}
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
	struct server *s = c->srv;
	int authed = c->authed;
	if (uv_is_closing((uv_handle_t *)&c->tcp))
		return;
	if (err != BS_OK && c->ae)
		c->ae->refused++;
	if (c->state != CONN_CLOSING)
		conn_unlink(c);
	c->state = CONN_CLOSING;
	/* Closes before authentication are what a flood makes: rate-limited. */
	if (err != BS_OK && (authed || refusal_note(&s->rf, REF_UNAUTH_CLOSED)))
		log_info("conn %llu closed peer=%s device=%lld: %s%s%s",
			 (unsigned long long)c->id, c->peer, (long long)c->who.device_id,
			 bs_strerror(err), why ? ": " : "", why ? why : "");
	else if (err == BS_OK)
		log_debug("conn %llu closed peer=%s", (unsigned long long)c->id, c->peer);
	uv_close((uv_handle_t *)&c->tcp, on_handle_closed);
	uv_close((uv_handle_t *)&c->timer, on_handle_closed);
	maybe_finish(s);
}

static void on_flush_timeout(uv_timer_t *t)
{
	conn_close(t->data, BS_OK, NULL);
}

static void on_shutdown(uv_shutdown_t *req, int status)
{
	struct conn *c = req->data;
	(void)status;
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
	c->reading = 0;
	c->shutdown_req.data = c;
	if (uv_shutdown(&c->shutdown_req, (uv_stream_t *)&c->tcp, on_shutdown) != 0) {
		conn_close(c, BS_OK, NULL);
		return;
	}
	uv_timer_start(&c->timer, on_flush_timeout, CLOSE_FLUSH_MS, 0);
	maybe_finish(c->srv);
}

/* ---- reading control -------------------------------------------------------------- */

/* Requests a connection may have in flight: one before enrolment. */
static unsigned conn_inflight_limit(const struct conn *c)
{
	return c->state == CONN_READY && c->who.device_id == 0 ? 1u : BS_MAX_INFLIGHT;
}

/* Read while the peer takes its replies and has few requests in flight. */
static void conn_update_reading(struct conn *c)
{
	int want;
	if (c->state == CONN_CLOSING || uv_is_closing((uv_handle_t *)&c->tcp))
		return;
	want = !c->draining && !c->held && c->state != CONN_LOOKUP && !c->stash &&
	       c->inflight < conn_inflight_limit(c) && c->wq_bytes < BS_WRITE_QUEUE_HIGH &&
	       c->paced < BS_UPLOAD_PACE_PER_CONN;
	if (want && !c->reading) {
		if (uv_read_start((uv_stream_t *)&c->tcp, on_alloc, on_read) == 0)
			c->reading = 1;
	} else if (!want && c->reading) {
		uv_read_stop((uv_stream_t *)&c->tcp);
		c->reading = 0;
	}
}

/* ---- writing ---------------------------------------------------------------------- */

static void on_write(uv_write_t *req, int status)
{
	struct write_req *w = (struct write_req *)req;
	struct conn *c = w->c;
	c->wq_bytes -= w->len;
	sodium_memzero(w->data, w->len);
	free(w);
	if (status == 0)
		conn_update_reading(c);
}

static int conn_write(struct conn *c, const uint8_t *data, size_t len)
{
	struct write_req *w = malloc(sizeof *w + len);
	uv_buf_t b;

	if (!w)
		return BS_E_NOMEM;
	w->c = c;
	w->len = len;
	memcpy(w->data, data, len);
	b = uv_buf_init((char *)w->data, (unsigned)len);
	if (uv_write(&w->req, (uv_stream_t *)&c->tcp, &b, 1, on_write) != 0) {
		free(w);
		return BS_E_IO;
	}
	c->wq_bytes += len;
	conn_update_reading(c);
	return BS_OK;
}

/* Seal and queue one encoded Envelope. */
static int conn_send_plain(struct conn *c, const uint8_t *plain, size_t plen)
{
	size_t flen = 0;
	int rv = channel_seal(&c->ch, plain, plen, g_out, sizeof g_out, &flen);
	if (rv == BS_OK)
		rv = conn_write(c, g_out, flen);
	return rv;
}

static int conn_send(struct conn *c, const Envelope *env)
{
	size_t plen = 0;
	int rv = wire_envelope_encode(env, g_plain, BS_PAYLOAD_MAX, &plen);
	if (rv == BS_OK)
		rv = conn_send_plain(c, g_plain, plen);
	sodium_memzero(g_plain, plen);
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

/* ---- replay memory (loop thread) ------------------------------------------------- */

static uint64_t *dev_ts_slot(struct server *s, int64_t device_id)
{
	size_t i;
	for (i = 0; i < s->n_dev_ts; i++)
		if (s->dev_ts[i].device_id == device_id)
			return &s->dev_ts[i].ts;
	if (s->n_dev_ts == s->cap_dev_ts) {
		size_t ncap = s->cap_dev_ts ? s->cap_dev_ts * 2 : 64;
		struct dev_ts *nv = realloc(s->dev_ts, ncap * sizeof *nv);
		if (!nv)
			return NULL;
		s->dev_ts = nv;
		s->cap_dev_ts = ncap;
	}
	s->dev_ts[s->n_dev_ts].device_id = device_id;
	s->dev_ts[s->n_dev_ts].ts = 0;
	return &s->dev_ts[s->n_dev_ts++].ts;
}

static uint64_t *unknown_slot(struct server *s, const uint8_t pub[KEY_LEN])
{
	size_t i;
	for (i = 0; i < s->n_unknown; i++)
		if (sodium_memcmp(s->unknown[i].pub, pub, KEY_LEN) == 0)
			return &s->unknown[i].last_ts_ns;
	if (s->n_unknown == UNKNOWN_KEYS_MAX) {
		/* Forget the oldest half; their old messages are outside the
		 * clock window soon enough. */
		memmove(s->unknown, s->unknown + UNKNOWN_KEYS_MAX / 2,
			(UNKNOWN_KEYS_MAX / 2) * sizeof *s->unknown);
		s->n_unknown = UNKNOWN_KEYS_MAX / 2;
	}
	memcpy(s->unknown[s->n_unknown].pub, pub, KEY_LEN);
	s->unknown[s->n_unknown].last_ts_ns = 0;
	return &s->unknown[s->n_unknown++].last_ts_ns;
}

/* ---- handshake --------------------------------------------------------------------- */

/* One step of a handshake's public-key work, run in libuv's thread pool.
 * While it runs the connection is in CONN_LOOKUP and not read, and the loop
 * does not touch c->hs, c->hello or c->ch. */
struct hs_work {
	uv_work_t req;
	struct conn *c;
	int rv;
	/* step 1: message 1 in */
	uint8_t msg[BS_FRAME_MAX_PREAUTH];
	size_t len;
	/* step 2: the verdict and what the key look-up found; message 2 out */
	int verdict;
	enum key_status status;
	struct session_who who;
	uint8_t pubkey[KEY_LEN];
	uint8_t out[HS_FRAME_MAX];
	size_t outlen;
};

static void hs_work_free(struct hs_work *w)
{
	sodium_memzero(w, sizeof *w);
	free(w);
}

/* Queue w for the thread pool; the job holds a reference.  Returns 0, or
 * an error after which the caller frees w and closes c. */
static int hs_submit(struct conn *c, struct hs_work *w, uv_work_cb work, uv_after_work_cb after)
{
	struct server *s = c->srv;
	w->c = c;
	w->req.data = w;
	if (uv_queue_work(&s->loop, &w->req, work, after) != 0)
		return BS_E_INTERNAL;
	c->refs++;
	c->inflight++;
	s->hs_pending++;
	return BS_OK;
}

/* A handshake job came back.  Returns 1 if the connection still waits for
 * it (not closed meanwhile, job not cancelled). */
static int hs_job_back(struct conn *c, int status)
{
	c->srv->hs_pending--;
	c->inflight--;
	return status == 0 && c->state == CONN_LOOKUP;
}

static void on_hello_saved(struct job *j, int commit_err)
{
	struct server *s = j->owner;
	if (j->result != BS_OK || commit_err != BS_OK)
		log_warn("could not record handshake time: %s",
			 bs_strerror(commit_err ? commit_err : j->result));
	free(j);
	/* No connection to notify, but a stop may be waiting for this job. */
	maybe_finish(s);
}

static void send_key(struct conn *c)
{
	uint8_t resp[FRAME_HDR + HS_KEYRESP_LEN];
	frame_put_header(resp, HS_KEYRESP_LEN);
	memcpy(resp + FRAME_HDR, HS_KEYRESP, 6);
	memcpy(resp + FRAME_HDR + 6, c->srv->kp.pub, KEY_LEN);
	log_info("conn %llu peer=%s asked for the server key", (unsigned long long)c->id, c->peer);
	if (conn_write(c, resp, sizeof resp) != BS_OK)
		conn_close(c, BS_E_IO, "write");
	else
		conn_close_after_flush(c);
}

/* Step 2 in the thread pool: message 2 (two DH and a key pair). */
static void hs_reply_work(uv_work_t *req)
{
	struct hs_work *w = req->data;
	struct conn *c = w->c;
	w->rv = hs_server_reply(&c->hs, w->verdict, w->out, sizeof w->out, &w->outlen, &c->ch);
}

/* Message 2 is ready: send it and open the session (or close after it). */
static void on_hs_reply_done(uv_work_t *req, int status)
{
	struct hs_work *w = req->data;
	struct conn *c = w->c;
	struct server *s = c->srv;
	char fp[FP_STRLEN + 1];
	int rv;

	if (!hs_job_back(c, status))
		goto out;
	rv = w->rv == BS_OK ? conn_write(c, w->out, w->outlen) : w->rv;
	if (rv != BS_OK) {
		conn_close(c, rv, "handshake reply");
		goto out;
	}
	keys_fingerprint(w->pubkey, fp);
	if (w->verdict != BS_OK) {
		if (refusal_note(&s->rf, REF_HANDSHAKE))
			log_warn("conn %llu peer=%s key %s refused: %s", (unsigned long long)c->id,
				 c->peer, fp, bs_strerror(w->verdict));
		conn_close_after_flush(c);
		goto out;
	}
	c->state = CONN_READY;
	if (w->status == KEY_ACTIVE && c->hello.ss_computed)
		ss_cache_put(s->ss, c->hello.static_pub, c->hello.ss);
	sodium_memzero(c->hello.ss, sizeof c->hello.ss);
	if (w->status == KEY_ACTIVE) {
		struct hello_job *hj = calloc(1, sizeof *hj);
		conn_promote(c);
		c->who = w->who;
		frame_decoder_set_max(&c->dec, BS_FRAME_MAX);
		uv_timer_start(&c->timer, on_conn_timeout, s->opts.idle_timeout_ms,
			       s->opts.idle_timeout_ms);
		log_info("conn %llu peer=%s device=%lld unit=%lld role=%d session open (%s)",
			 (unsigned long long)c->id, c->peer, (long long)c->who.device_id,
			 (long long)c->who.unit_id, c->who.role, c->hello.client_version);
		/* Remember the timestamp across restarts (not waited for). */
		if (hj && !s->pool_stopping) {
			hj->job.run = handler_hello_save;
			hj->job.done = on_hello_saved;
			hj->job.owner = s;
			hj->device_id = c->who.device_id;
			hj->ts_ns = c->hello.timestamp_ns;
			worker_submit_write(s->pool, &hj->job);
		} else {
			free(hj);
		}
	} else {
		/* Unknown key: a session that may only enrol, on tighter limits,
		 * still counted as unauthenticated. */
		memset(&c->who, 0, sizeof c->who);
		memcpy(c->who.pubkey, w->pubkey, KEY_LEN);
		frame_decoder_set_max(&c->dec, BS_FRAME_MAX_ENROL);
		uv_timer_start(&c->timer, on_conn_timeout, s->opts.enrol_timeout_ms, 0);
		if (refusal_note(&s->rf, REF_HANDSHAKE))
			log_info("conn %llu peer=%s key %s not enrolled: enrolment-only session",
				 (unsigned long long)c->id, c->peer, fp);
	}
	conn_update_reading(c);
out:
	hs_work_free(w);
	conn_unref(c); /* may free c */
	maybe_finish(s);
}

/* The key look-up came back: decide, then write message 2 off the loop. */
static void on_key_looked_up(struct job *j, int commit_err)
{
	struct key_job *kj = (struct key_job *)j;
	struct conn *c = j->owner;
	struct server *s = c->srv;
	struct hs_work *w;
	uint64_t *last = NULL;
	int verdict = BS_OK;

	(void)commit_err;
	c->inflight--;
	if (c->state != CONN_LOOKUP) {
		/* Closed meanwhile; a stop may have been waiting for this job. */
		free(kj);
		conn_unref(c); /* may free c */
		maybe_finish(s);
		return;
	}
	if (s->stopping) {
		/* No new sessions while draining. */
		conn_close(c, BS_E_BUSY, "stopping");
		goto out;
	}
	if (j->result != BS_OK) {
		verdict = BS_E_BUSY;
	} else if (kj->status == KEY_REVOKED) {
		verdict = BS_E_REVOKED;
	} else if (c->hello.protocol_version != BS_PROTOCOL_VERSION) {
		verdict = BS_E_VERSION;
	} else {
		if (kj->status == KEY_ACTIVE) {
			last = dev_ts_slot(s, kj->who.device_id);
			if (last && *last < kj->last_hello_ns)
				*last = kj->last_hello_ns;
		} else {
			last = unknown_slot(s, kj->pubkey);
		}
		verdict = last ? hs_check_timestamp(last, c->hello.timestamp_ns, wire_now_ns(),
						    s->opts.clock_skew_ms)
			       : BS_E_NOMEM;
	}
	if (verdict == BS_OK && kj->status == KEY_ACTIVE &&
	    s->n_authed >= s->opts.max_connections) {
		verdict = BS_E_BUSY;
		if (refusal_note(&s->rf, REF_SESSIONS_FULL))
			log_warn("conn %llu peer=%s device=%lld refused: %s",
				 (unsigned long long)c->id, c->peer, (long long)kj->who.device_id,
				 refusal_name(REF_SESSIONS_FULL));
	}
	if (verdict == BS_OK && kj->status == KEY_ACTIVE)
		session_reserve(c);
	w = calloc(1, sizeof *w);
	if (!w) {
		conn_close(c, BS_E_NOMEM, "handshake reply");
		goto out;
	}
	w->verdict = verdict;
	w->status = kj->status;
	w->who = kj->who;
	memcpy(w->pubkey, kj->pubkey, KEY_LEN);
	if (hs_submit(c, w, hs_reply_work, on_hs_reply_done) != BS_OK) {
		hs_work_free(w);
		conn_close(c, BS_E_INTERNAL, "handshake job");
	}
out:
	free(kj);
	conn_unref(c);
	maybe_finish(s);
}

/* Step 1 in the thread pool: decrypt message 1 (two DH). */
static void hs_read_work(uv_work_t *req)
{
	struct hs_work *w = req->data;
	struct conn *c = w->c;
	w->rv = hs_server_read_cached(&c->hs, &c->srv->kp, w->msg, w->len, &c->hello,
				      ss_cache_get, c->srv->ss);
	sodium_memzero(w->msg, w->len);
}

/* Message 1 read: look its key up on a reader thread. */
static void on_hs_read_done(uv_work_t *req, int status)
{
	struct hs_work *w = req->data;
	struct conn *c = w->c;
	struct server *s = c->srv;
	struct key_job *kj;

	s->hs.msg1_decrypted++;
	if (!hs_job_back(c, status))
		goto out;
	if (w->rv != BS_OK) {
		/* Nothing authenticated: no reply is possible or owed. */
		noise_hs_wipe(&c->hs);
		conn_close(c, w->rv, "bad handshake message 1");
		goto out;
	}
	if (s->stopping) {
		conn_close(c, BS_E_BUSY, "stopping");
		goto out;
	}
	kj = calloc(1, sizeof *kj);
	if (!kj) {
		conn_close(c, BS_E_NOMEM, NULL);
		goto out;
	}
	memcpy(kj->pubkey, c->hello.static_pub, KEY_LEN);
	kj->job.run = handler_key_lookup;
	kj->job.done = on_key_looked_up;
	kj->job.owner = c;
	c->refs++;
	c->inflight++;
	worker_submit_read(s->pool, &kj->job);
out:
	hs_work_free(w);
	conn_unref(c); /* may free c */
	maybe_finish(s);
}

/* cookie = auto: under load when many handshakes wait for the thread pool
 * or many message 1s came in the last second. */
static int under_load(const struct server *s)
{
	if (s->opts.cookie_mode == COOKIE_ALWAYS)
		return 1;
	if (s->opts.cookie_mode == COOKIE_NEVER)
		return 0;
	return s->hs_pending >= HS_PENDING_LOAD || s->hs_window_count > s->opts.cookie_load_per_s;
}

/* Instead of any DH: a cookie bound to the peer's address, then close. */
static void send_cookie(struct conn *c, const uint8_t *msg1, size_t len, uint64_t now)
{
	struct server *s = c->srv;
	uint8_t resp[FRAME_HDR + COOKIE_REPLY_LEN], cookie[COOKIE_LEN];
	int rv;

	cookie_for(&s->cookies, &c->addr, now, cookie);
	rv = cookie_reply_seal(s->kp.pub, cookie, msg1, len, resp + FRAME_HDR);
	sodium_memzero(cookie, sizeof cookie);
	frame_put_header(resp, COOKIE_REPLY_LEN);
	s->hs.cookies_sent++;
	if (refusal_note(&s->rf, REF_COOKIE))
		log_info("conn %llu peer=%s: %s", (unsigned long long)c->id, c->peer,
			 refusal_name(REF_COOKIE));
	if (rv != BS_OK || conn_write(c, resp, sizeof resp) != BS_OK)
		conn_close(c, BS_E_IO, "cookie reply");
	else
		conn_close_after_flush(c);
}

/* Message 1 goes to the thread pool: the DH work starts. */
static void hs_start(struct conn *c, struct hs_work *w)
{
	c->state = CONN_LOOKUP;
	conn_update_reading(c);
	if (hs_submit(c, w, hs_read_work, on_hs_read_done) != BS_OK) {
		hs_work_free(w);
		conn_close(c, BS_E_INTERNAL, "handshake job");
	}
}

static void hs_wait_unlink(struct conn *c)
{
	struct server *s = c->srv;
	if (!c->held)
		return;
	if (c->wait_prev)
		c->wait_prev->wait_next = c->wait_next;
	else
		s->wait_head = c->wait_next;
	if (c->wait_next)
		c->wait_next->wait_prev = c->wait_prev;
	else
		s->wait_tail = c->wait_prev;
	c->wait_prev = c->wait_next = NULL;
	c->held = 0;
	if (c->waiting) {
		hs_work_free(c->waiting);
		c->waiting = NULL;
	}
}

/* Every tick, in arrival order, each waiting message 1 whose address has
 * a handshake again goes on. */
static void on_wait_timer(uv_timer_t *t)
{
	struct server *s = t->data;
	uint64_t now = uv_now(&s->loop);
	struct conn *c, *next;
	for (c = s->wait_head; c; c = next) {
		next = c->wait_next;
		if (addr_hs_take(s->addrs, c->ae, now)) {
			struct hs_work *w = c->waiting;
			c->waiting = NULL;
			hs_wait_unlink(c);
			hs_start(c, w);
		}
	}
	if (!s->wait_head)
		uv_timer_stop(&s->wait_timer);
}

static void hs_wait(struct conn *c, struct hs_work *w)
{
	struct server *s = c->srv;
	unsigned tick = 1000u / (s->opts.handshakes_per_s ? s->opts.handshakes_per_s : 1u);
	s->hs.rate_delayed++;
	c->ae->refused++;
	if (refusal_note(&s->rf, REF_ADDR_RATE))
		log_info("conn %llu peer=%s: %s", (unsigned long long)c->id, c->peer,
			 refusal_name(REF_ADDR_RATE));
	c->waiting = w;
	c->held = 1;
	c->wait_prev = s->wait_tail;
	c->wait_next = NULL;
	if (s->wait_tail)
		s->wait_tail->wait_next = c;
	else
		s->wait_head = c;
	s->wait_tail = c;
	conn_update_reading(c);
	if (!uv_is_active((uv_handle_t *)&s->wait_timer))
		uv_timer_start(&s->wait_timer, on_wait_timer, tick ? tick : 1u, tick ? tick : 1u);
}

static void handle_handshake(struct conn *c, const uint8_t *msg, size_t len)
{
	struct server *s = c->srv;
	uint64_t now = uv_now(&s->loop);
	struct hs_work *w;

	if (len == HS_KEYREQ_LEN && memcmp(msg, HS_KEYREQ, HS_KEYREQ_LEN) == 0) {
		send_key(c);
		return;
	}
	if (cookie_is_proof(msg, len)) {
		if (c->has_proof) {
			conn_close(c, BS_E_PROTO, "second cookie proof");
			return;
		}
		c->has_proof = 1;
		memcpy(c->proof_mac, msg + COOKIE_MAGIC_LEN, COOKIE_MAC_LEN);
		return;
	}
	if (now - s->hs_window_ms >= 1000u) {
		s->hs_window_ms = now;
		s->hs_window_count = 0;
	}
	s->hs_window_count++;
	s->hs.msg1_received++;
	if (len < COOKIE_AD_LEN) {
		conn_close(c, BS_E_PROTO, "bad handshake message 1");
		return;
	}
	/* The cheap checks first, before any DH: the cookie under load, then
	 * the address's handshake rate. */
	if (under_load(s)) {
		int ok = c->has_proof &&
			 cookie_check(&s->cookies, &c->addr, now, c->proof_mac, msg, len);
		if (c->has_proof) {
			if (ok)
				s->hs.proofs_ok++;
			else
				s->hs.proofs_bad++;
		}
		if (!ok) {
			send_cookie(c, msg, len, now);
			return;
		}
	}
	if (s->stopping) {
		conn_close(c, BS_E_BUSY, "stopping");
		return;
	}
	w = calloc(1, sizeof *w);
	if (!w) {
		conn_close(c, BS_E_NOMEM, NULL);
		return;
	}
	assert(len <= sizeof w->msg); /* the pre-handshake frame limit */
	memcpy(w->msg, msg, len);
	w->len = len;
	assert(c->ae);
	if (!addr_hs_take(s->addrs, c->ae, now)) {
		/* Over the address's rate: the message waits, the connection
		 * unread, until the rate allows it or the handshake timeout
		 * closes the connection.  Other addresses do not wait. */
		hs_wait(c, w);
		return;
	}
	hs_start(c, w);
}

/* ---- requests ---------------------------------------------------------------------- */

static void on_request_done(struct job *j, int commit_err)
{
	struct req_job *rj = (struct req_job *)j;
	struct conn *c = j->owner;
	struct server *s = c->srv;
	int rv;

	c->inflight--;
	if (commit_err != BS_OK) {
		/* Nothing of this request was kept: say so, the client retries. */
		free(rj->resp);
		rj->resp = NULL;
		rj->enrolled = 0;
		if (handler_error_reply(rj->request_id, commit_err, "not committed", &rj->resp,
					&rj->resp_len) != BS_OK)
			rj->resp_len = 0;
	}
	if (c->state == CONN_READY && !uv_is_closing((uv_handle_t *)&c->tcp)) {
		if (rj->enrolled) {
			uint64_t *last;
			conn_promote(c);
			c->who = rj->new_who;
			/* The enrolling handshake's time is this device's first mark. */
			last = dev_ts_slot(s, c->who.device_id);
			if (last && *last < c->hello.timestamp_ns)
				*last = c->hello.timestamp_ns;
			frame_decoder_set_max(&c->dec, BS_FRAME_MAX);
			uv_timer_start(&c->timer, on_conn_timeout, c->srv->opts.idle_timeout_ms,
				       c->srv->opts.idle_timeout_ms);
		}
		if (!rj->resp) {
			/* The worker could not even start the request (e.g. its
			 * savepoint failed): a retryable answer, not a closed line. */
			int err = j->result < 0 ? j->result : BS_E_INTERNAL;
			if (handler_error_reply(rj->request_id, err, NULL, &rj->resp,
						&rj->resp_len) != BS_OK)
				rj->resp = NULL;
		}
		rv = rj->resp ? conn_send_plain(c, rj->resp, rj->resp_len) : BS_E_INTERNAL;
		if (rv != BS_OK)
			conn_close(c, rv, "reply");
		else if (rj->end_session)
			conn_close_after_flush(c);
		else if (c->draining && c->inflight == 0)
			conn_close_after_flush(c);
		else
			conn_resume(c);
	}
	if (rj->resp) {
		sodium_memzero(rj->resp, rj->resp_len);
		free(rj->resp);
	}
	wire_envelope_free(rj->req, &rj->arena);
	free(rj);
	conn_unref(c); /* may free c */
	maybe_finish(s);
}

static void submit_job(struct server *s, struct req_job *rj)
{
	if (handler_is_write(rj->req))
		worker_submit_write(s->pool, &rj->job);
	else
		worker_submit_read(s->pool, &rj->job);
}

/* Let the waiting chunks go as the pace allows (all of them when stopping).
 * A chunk whose connection closed meanwhile is dropped unwritten: nobody
 * waits for its answer, and it must not take the others' turn. */
static void pace_release(struct server *s, int all)
{
	while (s->pace_head) {
		struct job *j = s->pace_head;
		struct req_job *rj = (struct req_job *)j;
		struct conn *c = j->owner;
		int gone = c->state != CONN_READY || uv_is_closing((uv_handle_t *)&c->tcp);
		uint64_t wait = all || gone ? 0
					    : upload_pace_ask(&s->pace, rj->req->blob_put->data.len,
							      uv_now(&s->loop));
		if (wait) {
			uv_timer_start(&s->pace_timer, on_pace_timer, wait, 0);
			return;
		}
		s->pace_head = j->next;
		if (!s->pace_head)
			s->pace_tail = NULL;
		j->next = NULL;
		c->paced--;
		if (gone) {
			on_request_done(j, BS_E_BUSY); /* frees it; may free c */
			continue;
		}
		submit_job(s, rj);
		conn_update_reading(c);
	}
}

static void on_pace_timer(uv_timer_t *t)
{
	pace_release(t->data, 0);
}

static void dispatch(struct conn *c, Envelope *env, struct wire_arena *arena)
{
	struct server *s = c->srv;
	struct req_job *rj;
	uint64_t wait = 0;

	if (c->who.device_id == 0 && env->body_case != BAOSONG__V1__ENVELOPE__BODY_ENROLL) {
		/* Tighter rules before enrolment: anything else ends the session. */
		conn_send_error(c, env->request_id, BS_E_UNKNOWN_KEY, "enrol first (baosong init)");
		wire_envelope_free(env, arena);
		conn_close_after_flush(c);
		return;
	}
	/* Everything else, Ping and bodies that are not requests included, goes
	 * to a worker, which re-reads the device first: a key revoked while its
	 * session is open gets BS_E_REVOKED and the session ends. */
	rj = calloc(1, sizeof *rj);
	if (!rj) {
		conn_send_error(c, env->request_id, BS_E_BUSY, NULL);
		wire_envelope_free(env, arena);
		return;
	}
	rj->job.run = handler_run;
	rj->job.done = on_request_done;
	rj->job.owner = c;
	rj->who = c->who;
	rj->cfg = &s->hcfg;
	rj->req = env;
	rj->arena = *arena;
	rj->arena.alloc.allocator_data = &rj->arena; /* the arena moved */
	rj->request_id = env->request_id;
	c->refs++;
	c->inflight++;
	conn_update_reading(c);
	if (env->body_case == BAOSONG__V1__ENVELOPE__BODY_PUSH && env->push->n_ops > 0)
		upload_pace_push(&s->pace, uv_now(&s->loop));
	if (env->body_case == BAOSONG__V1__ENVELOPE__BODY_BLOB_PUT && !s->stopping &&
	    (s->pace_head || (wait = upload_pace_ask(&s->pace, env->blob_put->data.len,
						     uv_now(&s->loop))) != 0)) {
		/* Uploads yield to pushes: this chunk waits its turn. */
		rj->job.next = NULL;
		if (s->pace_tail)
			s->pace_tail->next = &rj->job;
		else
			s->pace_head = &rj->job;
		s->pace_tail = &rj->job;
		s->paced_chunks++;
		c->paced++; /* a connection with chunks waiting is not read further */
		conn_update_reading(c);
		if (!uv_is_active((uv_handle_t *)&s->pace_timer))
			uv_timer_start(&s->pace_timer, on_pace_timer, wait ? wait : 1, 0);
		return;
	}
	submit_job(s, rj);
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
		log_info("conn %llu device=%lld: Envelope does not decode; closing",
			 (unsigned long long)c->id, (long long)c->who.device_id);
		conn_send_error(c, 0, BS_E_PROTO, "Envelope does not decode");
		conn_close_after_flush(c);
		return;
	}
	if (env->version != BS_PROTOCOL_VERSION) {
		log_info("conn %llu device=%lld: protocol version %u; closing",
			 (unsigned long long)c->id, (long long)c->who.device_id, env->version);
		conn_send_error(c, env->request_id, BS_E_VERSION, "Envelope.version");
		wire_envelope_free(env, &arena);
		conn_close_after_flush(c);
		return;
	}
	dispatch(c, env, &arena);
}

/* ---- reading ----------------------------------------------------------------------- */

static void on_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
	(void)h;
	(void)suggested;
	*buf = uv_buf_init((char *)g_readbuf, sizeof g_readbuf);
}

/* Consume bytes: frames are handled until the connection has its limit of
 * requests in flight; what is left waits in c->stash (reading paused) and
 * is consumed as replies go out.  So a peer's pipelined requests cost at
 * most BS_MAX_INFLIGHT replies of memory, whatever it sends. */
static void conn_consume(struct conn *c, const uint8_t *p, size_t left)
{
	while (left > 0 && !c->held && (c->state == CONN_HANDSHAKE || c->state == CONN_READY)) {
		const uint8_t *frame = NULL;
		size_t used = 0, flen = 0;
		int rv;
		if (c->state == CONN_READY && c->inflight >= conn_inflight_limit(c)) {
			c->stash = malloc(left);
			if (!c->stash) {
				conn_close(c, BS_E_NOMEM, "stash");
				return;
			}
			memcpy(c->stash, p, left);
			c->stash_len = left;
			conn_update_reading(c);
			return;
		}
		rv = frame_decoder_feed(&c->dec, p, left, &used, &frame, &flen);
		p += used;
		left -= used;
		if (rv < 0) {
			/* Before the handshake there is no channel to carry an error. */
			if (c->state == CONN_READY) {
				log_info("conn %llu device=%lld: %s (frame length); closing",
					 (unsigned long long)c->id, (long long)c->who.device_id,
					 bs_strerror(rv));
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
	if (left > 0 && c->state == CONN_LOOKUP) {
		/* Bytes after message 1 before message 2 was sent: not allowed. */
		conn_close(c, BS_E_PROTO, "data before the handshake finished");
	}
}

/* Replies went out: consume what waited, then read again. */
static void conn_resume(struct conn *c)
{
	if (c->stash && c->state == CONN_READY && !c->draining &&
	    c->inflight < conn_inflight_limit(c)) {
		uint8_t *buf = c->stash;
		size_t len = c->stash_len;
		c->stash = NULL;
		c->stash_len = 0;
		conn_consume(c, buf, len);
		sodium_memzero(buf, len);
		free(buf);
	}
	conn_update_reading(c);
}

static void on_read(uv_stream_t *stream, ssize_t nread, const uv_buf_t *buf)
{
	struct conn *c = stream->data;

	if (nread == 0)
		return;
	if (nread < 0) {
		conn_close(c, nread == UV_EOF ? BS_OK : BS_E_IO, uv_strerror((int)nread));
		return;
	}
	if (c->state == CONN_READY && c->who.device_id != 0)
		uv_timer_again(&c->timer);
	conn_consume(c, (const uint8_t *)buf->base, (size_t)nread);
	sodium_memzero(g_readbuf, (size_t)nread);
}

static void on_conn_timeout(uv_timer_t *t)
{
	struct conn *c = t->data;
	conn_close(c, BS_E_TIMEOUT, c->state == CONN_READY ? "idle" : "no handshake");
}

/* A connection refused at accept: nothing was allocated for it. */
static void refuse_fd(struct server *s, int fd, const struct net_addr *na, enum refusal why)
{
	if (refusal_note(&s->rf, why)) {
		char ip[48];
		net_addr_str(na, ip, sizeof ip);
		log_info("connection from %s refused: %s", ip, refusal_name(why));
	}
	if (why == REF_ACCEPT)
		tarpit_reset_close(fd);
	else
		tarpit_hold(&s->tarpit, fd);
}

static void on_accepted(void *user, int fd, const struct sockaddr *peer)
{
	struct server *s = user;
	uint64_t now = uv_now(&s->loop);
	struct net_addr na;
	struct addr_entry *ae;
	struct conn *c;
	char ip[48];
	int port = 0;

	if (s->stopping || net_addr_from_sockaddr(&na, peer) != 0) {
		close(fd);
		return;
	}
	if (s->n_unauth >= s->opts.max_unauth_connections) {
		refuse_fd(s, fd, &na, REF_POOL_FULL);
		return;
	}
	ae = addr_table_get(s->addrs, &na, now);
	if (!ae) {
		refuse_fd(s, fd, &na, REF_ADDR_TABLE);
		return;
	}
	if (ae->unauth >= s->opts.max_unauth_per_addr) {
		ae->refused++;
		refuse_fd(s, fd, &na, REF_ADDR_CONNS);
		return;
	}
	c = calloc(1, sizeof *c);
	if (!c) {
		refuse_fd(s, fd, &na, REF_ACCEPT);
		return;
	}
	c->srv = s;
	c->id = ++s->next_id;
	c->addr = na;
	uv_tcp_init(&s->loop, &c->tcp);
	uv_timer_init(&s->loop, &c->timer);
	c->tcp.data = c;
	c->timer.data = c;
	c->handles_open = 2;
	c->refs = 1;
	c->state = CONN_HANDSHAKE;
	frame_decoder_init(&c->dec, BS_FRAME_MAX_PREAUTH);
	c->next = s->conns;
	if (s->conns)
		s->conns->prev = c;
	s->conns = c;
	s->nconns++;
	c->ae = ae;
	ae->unauth++;
	s->n_unauth++;
	net_addr_str(&na, ip, sizeof ip);
	if (peer->sa_family == AF_INET6)
		port = ntohs(((const struct sockaddr_in6 *)(const void *)peer)->sin6_port);
	else
		port = ntohs(((const struct sockaddr_in *)(const void *)peer)->sin_port);
	snprintf(c->peer, sizeof c->peer, na.len == 16 ? "[%s]:%d" : "%s:%d", ip, port);
	if (uv_tcp_open(&c->tcp, fd) != 0) {
		close(fd);
		conn_close(c, BS_E_IO, "accept");
		return;
	}
	uv_tcp_nodelay(&c->tcp, 1);
	uv_timer_start(&c->timer, on_conn_timeout, s->opts.handshake_timeout_ms, 0);
	conn_update_reading(c);
	if (!c->reading) {
		conn_close(c, BS_E_IO, "read start");
		return;
	}
	log_debug("conn %llu accepted peer=%s", (unsigned long long)c->id, c->peer);
}

/* Every log interval: the refusal summary. */
static void on_log_timer(uv_timer_t *t)
{
	struct server *s = t->data;
	uint32_t n = 0;
	const struct addr_entry *top = addr_table_top_refused(s->addrs, &n);
	char ip[48];
	if (top)
		net_addr_str(&top->key, ip, sizeof ip);
	refusals_flush(&s->rf, s->opts.refusal_log_interval_s, top ? ip : NULL, n);
}

/* ---- stopping ---------------------------------------------------------------------- */

static void on_pool_closed(void *arg)
{
	struct server *s = arg;
	struct worker_stats ws;
	(void)ws;
	uv_close((uv_handle_t *)&s->drain_timer, NULL);
	log_info("all requests answered; database closed");
}

/* Once stopping and nothing is left in flight, stop the workers. */
static void maybe_finish(struct server *s)
{
	struct conn *c;
	if (!s->stopping || s->pool_stopping)
		return;
	for (c = s->conns; c; c = c->next)
		if (c->inflight > 0)
			return;
	if (s->conns) /* idle sessions still listed: close them */
		return;
	if (worker_pending(s->pool) > 0)
		return;
	s->pool_stopping = 1;
	worker_pool_stop(s->pool, on_pool_closed, s);
}

static void on_drain_timeout(uv_timer_t *t)
{
	struct server *s = t->data;
	struct conn *c, *next;
	log_warn("drain timeout: closing %u connection(s) now", s->nconns);
	for (c = s->conns; c; c = next) {
		next = c->next;
		conn_close(c, BS_E_TIMEOUT, "drain");
	}
}

static void server_stop(struct server *s)
{
	struct conn *c, *next;
	if (s->stopping)
		return;
	s->stopping = 1;
	notify_stopping();
	uv_signal_stop(&s->sig_term);
	uv_signal_stop(&s->sig_int);
	uv_signal_stop(&s->sig_hup);
	uv_close((uv_handle_t *)&s->sig_term, NULL);
	uv_close((uv_handle_t *)&s->sig_int, NULL);
	uv_close((uv_handle_t *)&s->sig_hup, NULL);
	log_info("stopping: %u connection(s), %zu request(s) in flight", s->nconns,
		 worker_pending(s->pool));
	acceptor_close(&s->acc);
	tarpit_close(&s->tarpit);
	uv_close((uv_handle_t *)&s->wait_timer, NULL);
	pace_release(s, 1); /* answer the waiting chunks too */
	uv_close((uv_handle_t *)&s->pace_timer, NULL);
	on_log_timer(&s->log_timer);
	uv_close((uv_handle_t *)&s->log_timer, NULL);
	log_info("handshakes: %llu message 1 received, %llu decrypted (DH), %llu delayed by "
		 "the address rate, %llu cookie replies, %llu/%llu cookie proofs good/bad",
		 (unsigned long long)s->hs.msg1_received, (unsigned long long)s->hs.msg1_decrypted,
		 (unsigned long long)s->hs.rate_delayed, (unsigned long long)s->hs.cookies_sent,
		 (unsigned long long)s->hs.proofs_ok, (unsigned long long)s->hs.proofs_bad);
	{
		uint64_t hits = 0, misses = 0;
		ss_cache_stats(s->ss, &hits, &misses);
		log_info("handshakes: static-static DH of known devices reused %llu time(s), "
			 "computed %llu", (unsigned long long)hits, (unsigned long long)misses);
	}
	log_info("uploads: %llu chunk(s) waited for the upload pace (upload_pace_mb = %u)",
		 (unsigned long long)s->paced_chunks, s->opts.upload_pace_mb);
	/* Take no new requests; answer those in flight, then close. */
	for (c = s->conns; c; c = next) {
		next = c->next;
		c->draining = 1;
		conn_update_reading(c);
		if (c->inflight == 0)
			conn_close_after_flush(c);
	}
	uv_timer_start(&s->drain_timer, on_drain_timeout, BS_DRAIN_TIMEOUT_MS, 0);
	maybe_finish(s);
}

static void on_signal(uv_signal_t *h, int signum)
{
	if (signum == SIGHUP) {
		/* Devices live in the database and are re-read on every request:
		 * there is nothing to reload. */
		log_info("SIGHUP: nothing to reload (devices are checked on every request)");
		return;
	}
	server_stop(h->data);
}

/* ---- start-up ---------------------------------------------------------------------- */

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
	char fp[FP_STRLEN + 1], db[4096];
	int rv, port;

	s = calloc(1, sizeof *s);
	if (!s)
		return BS_E_NOMEM;
	s->opts = *o;
	s->unknown = calloc(UNKNOWN_KEYS_MAX, sizeof *s->unknown);
	if (!s->unknown) {
		rv = BS_E_NOMEM;
		goto out_free;
	}
	{
		struct addr_limits_cfg ac = {o->max_unauth_per_addr, o->handshakes_per_s,
					     o->handshake_burst};
		if ((rv = addr_table_new(&ac, ADDR_TABLE_SLOTS, &s->addrs)) != BS_OK)
			goto out_free;
	}
	refusals_init(&s->rf, REFUSAL_LOG_BURST);
	s->nofile = acceptor_raise_nofile((uint64_t)o->max_connections +
					  o->max_unauth_connections + 64u);
	rv = keys_read_private(o->key_path, &s->kp);
	if (rv != BS_OK) {
		log_error("server key %s: %s", o->key_path, bs_strerror(rv));
		goto out_free;
	}
	if ((size_t)snprintf(db, sizeof db, "%s/baosong.db", o->data_dir) >= sizeof db ||
	    (size_t)snprintf(s->hcfg.blob_dir, sizeof s->hcfg.blob_dir, "%s/blobs",
			     o->data_dir) >= sizeof s->hcfg.blob_dir) {
		rv = BS_E_INVAL;
		goto out_free;
	}
	s->hcfg.max_file_bytes = o->max_file_bytes;
	s->hcfg.unit_quota_bytes = o->unit_quota_bytes;
	if ((rv = upload_slots_new(o->grouped_uploads, BS_GROUPED_IDLE_MS, &s->hcfg.slots)) !=
	    BS_OK ||
	    (rv = ss_cache_new(BS_SS_CACHE_SLOTS, &s->ss)) != BS_OK)
		goto out_free;
	if ((rv = blobs_init(s->hcfg.blob_dir)) != BS_OK) {
		log_error("attachment directory %s: %s", s->hcfg.blob_dir, bs_strerror(rv));
		goto out_free;
	}
	if (uv_ip4_addr(o->host, o->port, (struct sockaddr_in *)&addr) != 0 &&
	    uv_ip6_addr(o->host, o->port, (struct sockaddr_in6 *)&addr) != 0) {
		log_error("listen address %s is not an IP address", o->host);
		rv = BS_E_INVAL;
		goto out_free;
	}
	uv_loop_init(&s->loop);
	rv = worker_pool_start(&s->loop, db, o->readers, o->max_batch, s, &s->pool);
	if (rv != BS_OK) {
		log_error("database %s: %s", db, bs_strerror(rv));
		uv_run(&s->loop, UV_RUN_DEFAULT);
		uv_loop_close(&s->loop);
		goto out_free;
	}
	uv_timer_init(&s->loop, &s->drain_timer);
	s->drain_timer.data = s;
	uv_timer_init(&s->loop, &s->log_timer);
	s->log_timer.data = s;
	uv_timer_init(&s->loop, &s->wait_timer);
	s->wait_timer.data = s;
	uv_timer_init(&s->loop, &s->pace_timer);
	s->pace_timer.data = s;
	upload_pace_init(&s->pace, (uint64_t)o->upload_pace_mb * 1000000u, BS_UPLOAD_PACE_BURST,
			 BS_UPLOAD_PACE_ACTIVE_MS);
	cookie_secret_init(&s->cookies, uv_now(&s->loop));
	{
		/* Hold refusals only in descriptors the limits do not need. */
		uint64_t need = (uint64_t)o->max_connections + o->max_unauth_connections + 64u;
		uint64_t spare = s->nofile > need ? s->nofile - need : 0;
		size_t cap = spare < o->max_held_refused ? (size_t)spare : o->max_held_refused;
		if (tarpit_init(&s->tarpit, &s->loop, cap, o->handshake_timeout_ms) != BS_OK) {
			log_warn("no memory or epoll set for %zu held refusals: refusals close "
				 "at once", cap);
			cap = 0;
		}
		s->held_cap = cap;
	}
	s->hs_window_ms = uv_now(&s->loop);
	uv_signal_init(&s->loop, &s->sig_term);
	uv_signal_init(&s->loop, &s->sig_int);
	uv_signal_init(&s->loop, &s->sig_hup);
	s->sig_term.data = s->sig_int.data = s->sig_hup.data = s;
	if ((rv = acceptor_open(&s->acc, &s->loop, (struct sockaddr *)&addr, LISTEN_BACKLOG,
				on_accepted, s, &s->rf)) != 0) {
		log_error("listen on %s:%d: %s", o->host, o->port, uv_strerror(rv));
		rv = BS_E_IO;
		server_stop(s);
		uv_run(&s->loop, UV_RUN_DEFAULT);
		uv_loop_close(&s->loop);
		goto out_free;
	}
	port = acceptor_port(&s->acc);
	uv_timer_start(&s->log_timer, on_log_timer, s->opts.refusal_log_interval_s * 1000u,
		       s->opts.refusal_log_interval_s * 1000u);
	keys_fingerprint(s->kp.pub, fp);
	log_info("listening on %s:%d, database %s, server key fingerprint %s", o->host, port, db,
		 fp);
	log_info("limits: %u device sessions; %u unauthenticated connections, %u from one "
		 "address; %u handshakes/s per address (burst %u); %zu refused connections "
		 "held; cookies %s",
		 o->max_connections, o->max_unauth_connections, o->max_unauth_per_addr,
		 o->handshakes_per_s, o->handshake_burst, s->held_cap,
		 o->cookie_mode == COOKIE_ALWAYS  ? "always"
		 : o->cookie_mode == COOKIE_NEVER ? "never"
						  : "when under load");
	if (bs_clock_overridden())
		log_warn("the clock is set by " BS_CLOCK_ENV "=%s (tests and the demo only): "
			 "deadlines and timestamps follow it, not the system clock",
			 getenv(BS_CLOCK_ENV));
	/* Signals first: whoever waits for the port file may signal at once. */
	uv_signal_start(&s->sig_term, on_signal, SIGTERM);
	uv_signal_start(&s->sig_int, on_signal, SIGINT);
	uv_signal_start(&s->sig_hup, on_signal, SIGHUP);
	if (o->port_file && write_port_file(o->port_file, port) != BS_OK)
		log_error("could not write port file %s", o->port_file);
	notify_ready(&s->loop, o->host, port);

	uv_run(&s->loop, UV_RUN_DEFAULT);
	rv = uv_loop_close(&s->loop) == 0 ? BS_OK : BS_E_INTERNAL;
	log_info("stopped");
out_free:
	upload_slots_free(s->hcfg.slots);
	ss_cache_free(s->ss);
	keys_wipe(&s->kp);
	cookie_secret_wipe(&s->cookies);
	addr_table_free(s->addrs);
	free(s->unknown);
	free(s->dev_ts);
	free(s);
	return rv;
}
