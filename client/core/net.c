/* net.c - blocking client session with timeouts. */
#include "net.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sodium.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "bs_limits.h"
#include "cookie.h"
#include "err.h"

static uint64_t mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

int net_split_hostport(const char *hostport, char *host, size_t hostcap, char *port,
		       size_t portcap)
{
	const char *colon;
	size_t hlen;
	if (hostport[0] == '[') {
		const char *end = strchr(hostport, ']');
		if (!end || end[1] != ':')
			return BS_E_INVAL;
		hostport++;
		hlen = (size_t)(end - hostport);
		colon = end + 1;
	} else {
		colon = strrchr(hostport, ':');
		if (!colon)
			return BS_E_INVAL;
		hlen = (size_t)(colon - hostport);
	}
	if (hlen == 0 || hlen >= hostcap || strlen(colon + 1) == 0 ||
	    strlen(colon + 1) >= portcap || strspn(colon + 1, "0123456789") != strlen(colon + 1))
		return BS_E_INVAL;
	memcpy(host, hostport, hlen);
	host[hlen] = '\0';
	strcpy(port, colon + 1);
	return BS_OK;
}

static int wait_fd(int fd, short events, uint64_t deadline)
{
	for (;;) {
		struct pollfd p = {.fd = fd, .events = events};
		uint64_t now = mono_ms();
		int r;
		if (now >= deadline)
			return BS_E_TIMEOUT;
		r = poll(&p, 1, (int)(deadline - now));
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return BS_E_IO;
		if (r == 0)
			return BS_E_TIMEOUT;
		return BS_OK;
	}
}

static _Thread_local enum net_fail last_failure;

enum net_fail net_last_failure(void)
{
	return last_failure;
}

static enum net_fail classify_errno(int e)
{
	if (e == ECONNREFUSED)
		return NET_FAIL_REFUSED;
	if (e == ETIMEDOUT)
		return NET_FAIL_TIMEOUT;
	return NET_FAIL_NETWORK;
}

static int tcp_connect(const char *hostport, unsigned timeout_ms, int *fdout)
{
	char host[256], port[16];
	struct addrinfo hints, *res = NULL, *ai;
	uint64_t deadline = mono_ms() + timeout_ms;
	int rv = BS_E_IO, gai;

	last_failure = NET_FAIL_NETWORK;
	if (net_split_hostport(hostport, host, sizeof host, port, sizeof port) != BS_OK)
		return BS_E_INVAL;
	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	if ((gai = getaddrinfo(host, port, &hints, &res)) != 0) {
		last_failure = gai == EAI_SYSTEM ? NET_FAIL_NETWORK : NET_FAIL_DNS;
		return BS_E_IO;
	}
	for (ai = res; ai; ai = ai->ai_next) {
		int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
		int one = 1, soerr = 0;
		socklen_t sl = sizeof soerr;
		if (fd < 0)
			continue;
		fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) != 0) {
			int e = errno;
			if (e != EINPROGRESS) {
				last_failure = classify_errno(e);
				rv = BS_E_IO;
			} else if ((rv = wait_fd(fd, POLLOUT, deadline)) != BS_OK) {
				last_failure = rv == BS_E_TIMEOUT ? NET_FAIL_TIMEOUT
								  : NET_FAIL_NETWORK;
			} else if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) != 0 ||
				   soerr != 0) {
				last_failure = classify_errno(soerr);
				rv = BS_E_IO;
			}
			if (rv != BS_OK) {
				close(fd);
				continue;
			}
		}
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
		*fdout = fd;
		last_failure = NET_FAIL_NONE;
		rv = BS_OK;
		break;
	}
	freeaddrinfo(res);
	return rv;
}

static int send_all(int fd, const uint8_t *p, size_t n, uint64_t deadline)
{
	while (n > 0) {
		ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
		if (w < 0) {
			int rv;
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				return BS_E_IO;
			if ((rv = wait_fd(fd, POLLOUT, deadline)) != BS_OK)
				return rv;
			continue;
		}
		p += w;
		n -= (size_t)w;
	}
	return BS_OK;
}

/* Read until the decoder yields a frame.  Bytes recv() returned past that
 * frame stay in `pending` (4096 bytes) for the next call. */
static int read_frame(int fd, struct frame_decoder *dec, uint8_t *pending, size_t *npending,
		      uint64_t deadline, const uint8_t **frame, size_t *flen)
{
	for (;;) {
		if (*npending > 0) {
			size_t used = 0;
			int rv = frame_decoder_feed(dec, pending, *npending, &used, frame, flen);
			memmove(pending, pending + used, *npending - used);
			*npending -= used;
			if (rv != 0)
				return rv < 0 ? rv : BS_OK;
			continue;
		}
		{
			ssize_t r = recv(fd, pending, 4096, 0);
			if (r > 0) {
				*npending = (size_t)r;
				continue;
			}
			if (r == 0)
				return BS_E_CLOSED;
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				return BS_E_IO;
			{
				int rv = wait_fd(fd, POLLIN, deadline);
				if (rv != BS_OK)
					return rv;
			}
		}
	}
}

int net_resolve_server_key(const char *hostport, const char *arg, unsigned timeout_ms,
			   uint8_t pub[KEY_LEN])
{
	uint8_t fp[FP_BYTES];
	struct frame_decoder dec;
	const uint8_t *frame = NULL;
	size_t flen = 0;
	uint8_t req[FRAME_HDR + HS_KEYREQ_LEN];
	uint8_t pending[4096];
	size_t npending = 0;
	uint64_t deadline;
	int fd = -1, rv;

	rv = keys_read_public(arg, pub);
	if (rv == BS_OK)
		return BS_OK;
	if (rv != BS_E_NOTFOUND)
		return rv;
	if (keys_parse_fingerprint(arg, fp) != BS_OK)
		return BS_E_INVAL;
	if ((rv = tcp_connect(hostport, timeout_ms, &fd)) != BS_OK)
		return rv;
	deadline = mono_ms() + timeout_ms;
	frame_put_header(req, HS_KEYREQ_LEN);
	memcpy(req + FRAME_HDR, HS_KEYREQ, HS_KEYREQ_LEN);
	frame_decoder_init(&dec, HS_KEYRESP_LEN);
	rv = send_all(fd, req, sizeof req, deadline);
	if (rv == BS_OK)
		rv = read_frame(fd, &dec, pending, &npending, deadline, &frame, &flen);
	if (rv == BS_OK) {
		if (flen != HS_KEYRESP_LEN || memcmp(frame, HS_KEYRESP, 6) != 0)
			rv = BS_E_PROTO;
		else if (!keys_match_fingerprint(frame + 6, fp))
			rv = BS_E_FINGERPRINT;
		else
			memcpy(pub, frame + 6, KEY_LEN);
	}
	frame_decoder_free(&dec);
	close(fd);
	return rv;
}

/* The server answered message 1 with a cookie reply (it is under load):
 * open the cookie, connect again and send the proof frame and the same
 * message 1 (msg1: the whole first frame, header included).  On success
 * *frame is the server's next frame.  A second cookie reply is BS_E_BUSY. */
static int cookie_retry(struct session *s, const char *hostport,
			const uint8_t server_pub[KEY_LEN], const uint8_t *msg1, size_t msg1_len,
			const uint8_t *reply, size_t reply_len, const uint8_t **frame, size_t *flen)
{
	uint8_t cookie[COOKIE_LEN];
	uint8_t buf[FRAME_HDR + COOKIE_PROOF_LEN + HS_FRAME_MAX];
	uint64_t deadline;
	int rv;

	if (msg1_len < FRAME_HDR || msg1_len - FRAME_HDR > HS_FRAME_MAX)
		return BS_E_INTERNAL;
	rv = cookie_reply_open(server_pub, msg1 + FRAME_HDR, msg1_len - FRAME_HDR, reply,
			       reply_len, cookie);
	if (rv != BS_OK)
		return rv;
	frame_put_header(buf, COOKIE_PROOF_LEN);
	cookie_proof_build(cookie, msg1 + FRAME_HDR, msg1_len - FRAME_HDR, buf + FRAME_HDR);
	sodium_memzero(cookie, sizeof cookie);
	memcpy(buf + FRAME_HDR + COOKIE_PROOF_LEN, msg1, msg1_len);

	close(s->fd);
	s->fd = -1;
	frame_decoder_free(&s->dec);
	frame_decoder_init(&s->dec, BS_FRAME_MAX_PREAUTH);
	s->npending = 0;
	if ((rv = tcp_connect(hostport, s->timeout_ms, &s->fd)) != BS_OK)
		return rv;
	deadline = mono_ms() + s->timeout_ms;
	rv = send_all(s->fd, buf, FRAME_HDR + COOKIE_PROOF_LEN + msg1_len, deadline);
	if (rv == BS_OK)
		rv = read_frame(s->fd, &s->dec, s->pending, &s->npending, deadline, frame, flen);
	if (rv == BS_OK && cookie_is_reply(*frame, *flen))
		rv = BS_E_BUSY; /* the proof did not satisfy it: try later */
	return rv;
}

int session_open(struct session *s, const char *hostport, const struct keypair *kp,
		 const uint8_t server_pub[KEY_LEN], uint64_t hello_ns, unsigned timeout_ms)
{
	struct noise_hs hs;
	uint8_t out[HS_FRAME_MAX];
	const uint8_t *frame = NULL;
	size_t outlen = 0, flen = 0;
	uint64_t deadline;
	int rv;

	memset(s, 0, sizeof *s);
	s->fd = -1;
	s->timeout_ms = timeout_ms;
	s->next_id = 1;
	frame_decoder_init(&s->dec, BS_FRAME_MAX_PREAUTH);
	if ((rv = tcp_connect(hostport, timeout_ms, &s->fd)) != BS_OK)
		return rv;
	deadline = mono_ms() + timeout_ms;
	rv = hs_client_start(&hs, kp, server_pub, hello_ns, out, sizeof out, &outlen);
	if (rv == BS_OK)
		rv = send_all(s->fd, out, outlen, deadline);
	if (rv == BS_OK)
		rv = read_frame(s->fd, &s->dec, s->pending, &s->npending, deadline, &frame, &flen);
	if (rv == BS_OK && cookie_is_reply(frame, flen)) {
		s->cookie_retries++;
		rv = cookie_retry(s, hostport, server_pub, out, outlen, frame, flen, &frame, &flen);
	}
	if (rv == BS_OK)
		rv = hs_client_finish(&hs, frame, flen, &s->server, &s->ch);
	noise_hs_wipe(&hs);
	if (rv != BS_OK) {
		session_close(s);
		return rv;
	}
	frame_decoder_set_max(&s->dec, BS_FRAME_MAX);
	return BS_OK;
}

int session_send_raw(struct session *s, const uint8_t *data, size_t len)
{
	return send_all(s->fd, data, len, mono_ms() + s->timeout_ms);
}

int session_read_frame(struct session *s, uint8_t *buf, size_t cap, size_t *len)
{
	const uint8_t *frame = NULL;
	size_t flen = 0;
	int rv = read_frame(s->fd, &s->dec, s->pending, &s->npending, mono_ms() + s->timeout_ms,
			    &frame, &flen);
	if (rv != BS_OK)
		return rv;
	if (flen > cap)
		return BS_E_TOOBIG;
	memcpy(buf, frame, flen);
	*len = flen;
	return BS_OK;
}

/* Scratch for one request or response at a time, shared by the
 * functions below (thread-local storage comes out of every thread's stack:
 * one set, not one per function). */
static _Thread_local uint8_t plain[BS_FRAME_MAX], out[BS_FRAME_MAX];

static int send_at(struct session *s, Envelope *req, uint64_t deadline)
{
	size_t plen = 0, olen = 0;
	int rv;

	req->version = BS_PROTOCOL_VERSION;
	req->request_id = s->next_id++;
	rv = wire_envelope_encode(req, plain, BS_PAYLOAD_MAX, &plen);
	if (rv == BS_OK)
		rv = channel_seal(&s->ch, plain, plen, out, sizeof out, &olen);
	sodium_memzero(plain, plen);
	if (rv == BS_OK)
		rv = send_all(s->fd, out, olen, deadline);
	return rv;
}

static int recv_at(struct session *s, struct wire_arena *arena, Envelope **resp,
		   uint64_t deadline)
{
	const uint8_t *frame = NULL;
	size_t flen = 0, plen = 0;
	int rv = read_frame(s->fd, &s->dec, s->pending, &s->npending, deadline, &frame, &flen);
	if (rv == BS_OK)
		rv = channel_open(&s->ch, frame, flen, plain, sizeof plain, &plen);
	if (rv != BS_OK)
		return rv;
	*resp = wire_envelope_decode(arena, plain, plen);
	sodium_memzero(plain, plen);
	return *resp ? BS_OK : BS_E_PROTO;
}

int session_send(struct session *s, Envelope *req, uint64_t *id)
{
	int rv = send_at(s, req, mono_ms() + s->timeout_ms);
	if (rv == BS_OK && id)
		*id = req->request_id;
	return rv;
}

int session_recv(struct session *s, struct wire_arena *arena, Envelope **resp)
{
	return recv_at(s, arena, resp, mono_ms() + s->timeout_ms);
}

int session_call(struct session *s, Envelope *req, struct wire_arena *arena, Envelope **resp)
{
	uint64_t deadline = mono_ms() + s->timeout_ms;
	int rv = send_at(s, req, deadline);

	while (rv == BS_OK) {
		Envelope *env;
		if ((rv = recv_at(s, arena, &env, deadline)) != BS_OK)
			break;
		if (env->request_id == req->request_id || env->request_id == 0) {
			*resp = env;
			return BS_OK;
		}
		/* A response to an earlier, abandoned request: skip it. */
		wire_envelope_free(env, arena);
	}
	return rv;
}

void session_close(struct session *s)
{
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
	frame_decoder_free(&s->dec);
	channel_wipe(&s->ch);
	sodium_memzero(s->pending, sizeof s->pending);
	s->npending = 0;
}
