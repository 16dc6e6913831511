/* net.h - the client's side of a session: a blocking TCP connection with
 * timeouts, the IK handshake, and request/response over the channel.
 *
 * Every wait is bounded by the session's timeout; nothing here blocks
 * forever on a bad line. */
#ifndef BS_CLIENT_NET_H
#define BS_CLIENT_NET_H

#include <stddef.h>
#include <stdint.h>

#include "channel.h"
#include "frame.h"
#include "handshake.h"
#include "keys.h"
#include "wire.h"

struct session {
	int fd;
	struct channel ch;
	struct frame_decoder dec;
	unsigned timeout_ms;
	uint64_t next_id;
	struct hs_server_info server;
	uint8_t pending[4096]; /* bytes received past the current frame */
	size_t npending;
	unsigned cookie_retries; /* the server asked for a cookie first (under load) */
};

/* Resolve --server-key: a public key file, or a fingerprint, in which case
 * the key is fetched from the server and checked against it.  Returns 0,
 * BS_E_FINGERPRINT, BS_E_INVAL (neither a file nor a fingerprint), or a
 * network error. */
int net_resolve_server_key(const char *hostport, const char *arg, unsigned timeout_ms,
			   uint8_t pub[KEY_LEN]);

/* Connect to HOST:PORT and complete the handshake, stamped hello_ns (the
 * server refuses a stamp not above the last it accepted from this key; a
 * device takes it from localdb_hello_ns).  On a refusal the server's error
 * is returned and s->server.error_message says why.  If the server is under
 * load and answers with a cookie reply (docs/PROTOCOL.md 6.8), this
 * connects once more with the cookie's proof and the same message 1. */
int session_open(struct session *s, const char *hostport, const struct keypair *kp,
		 const uint8_t server_pub[KEY_LEN], uint64_t hello_ns, unsigned timeout_ms);

/* Send req (its version and request_id are set here) and wait for the
 * response with the same id.  *resp must be freed with
 * wire_envelope_free(*resp, arena). */
int session_call(struct session *s, Envelope *req, struct wire_arena *arena, Envelope **resp);

/* Pipelining (PROTOCOL.md section 8): send req without waiting (*id: its
 * request_id, may be NULL), and read the next response, whichever request
 * it answers (request_id 0: a connection-level error).  Free *resp with
 * wire_envelope_free(*resp, arena). */
int session_send(struct session *s, Envelope *req, uint64_t *id);
int session_recv(struct session *s, struct wire_arena *arena, Envelope **resp);

/* Low level, for tests: send raw bytes / read one frame body (copied into
 * buf, at most cap bytes). */
int session_send_raw(struct session *s, const uint8_t *data, size_t len);
int session_read_frame(struct session *s, uint8_t *buf, size_t cap, size_t *len);

void session_close(struct session *s);

/* Why the last connection attempt of this thread failed before any byte
 * was exchanged (tcp_connect inside net_resolve_server_key and
 * session_open): the name did not resolve, the server refused the
 * connection, nothing answered in time, or another network error.
 * NET_FAIL_NONE when the last attempt connected.  Front ends use it to say
 * "cannot reach the county server" instead of a bare I/O error. */
enum net_fail { NET_FAIL_NONE = 0, NET_FAIL_DNS, NET_FAIL_REFUSED, NET_FAIL_TIMEOUT,
		NET_FAIL_NETWORK };
enum net_fail net_last_failure(void);

/* Split "host:port" / "[v6]:port".  Returns 0 or BS_E_INVAL. */
int net_split_hostport(const char *hostport, char *host, size_t hostcap, char *port,
		       size_t portcap);

#endif
