/* handshake.h - baosong's use of the Noise IK handshake.
 *
 * Frame 1 (client -> server): IK message 1 whose payload is a ClientHello.
 * Frame 2 (server -> client): IK message 2 whose payload is a ServerHello;
 *   if ServerHello.error is set the server closes the connection after it.
 *
 * Key discovery (for a client that only has the server's fingerprint): the
 * client's first frame is the 8 bytes "BSKEYREQ"; the server answers with one
 * frame "BSKEY1" + its 32-byte static public key and closes.  The client
 * checks the key against the fingerprint before using it. */
#ifndef BS_HANDSHAKE_H
#define BS_HANDSHAKE_H

#include <stddef.h>
#include <stdint.h>

#include "channel.h"
#include "keys.h"
#include "noise.h"

#define HS_KEYREQ "BSKEYREQ"
#define HS_KEYREQ_LEN 8u
#define HS_KEYRESP "BSKEY1"
#define HS_KEYRESP_LEN (6u + KEY_LEN)
#define HS_VERSION_MAX 64u

/* Frame buffer big enough for either handshake frame. */
#define HS_FRAME_MAX 512u

struct hs_client_info {
	uint8_t static_pub[KEY_LEN];
	uint64_t timestamp_ns;
	uint32_t protocol_version;
	char client_version[HS_VERSION_MAX];
	/* hs_server_read_cached only (hs_server_read leaves it zero): the
	 * static-static DH with this client (a secret: wipe it once kept or
	 * dropped), and whether it was computed (1) or came from the caller's
	 * ss_get (0). */
	uint8_t ss[KEY_LEN];
	int ss_computed;
};

struct hs_server_info {
	uint32_t protocol_version;
	int64_t server_time_ms;
	char server_version[HS_VERSION_MAX];
	int error;              /* BS_E_* the server refused with, or 0 */
	char error_message[256];
};

/* Client: start the handshake; writes the whole first frame (length header
 * included) to out. */
int hs_client_start(struct noise_hs *hs, const struct keypair *kp,
		    const uint8_t server_pub[KEY_LEN], uint64_t now_ns, uint8_t *out,
		    size_t cap, size_t *outlen);

/* Client: read the server's frame body.  On acceptance fills ch and returns
 * 0; if the server refused, returns its error (info->error too). */
int hs_client_finish(struct noise_hs *hs, const uint8_t *msg, size_t len,
		     struct hs_server_info *info, struct channel *ch);

/* Server: read frame 1.  Fills info.  A message 1 that decrypts proves it was
 * made with the client's private key, but not that it is fresh: it may be a
 * replay, so check info->timestamp_ns (hs_check_timestamp) before accepting.
 * A replayer still cannot use a session (it lacks the ephemeral key), but it
 * must not get one.  Returns 0 or an error; on error hs has been wiped and
 * the connection is closed without a reply. */
int hs_server_read(struct noise_hs *hs, const struct keypair *kp, const uint8_t *msg,
		   size_t len, struct hs_client_info *info);
/* The same, taking the static-static DH from ss_get when it knows the
 * client's key (struct noise_hs); info->ss and info->ss_computed say what
 * was used. */
int hs_server_read_cached(struct noise_hs *hs, const struct keypair *kp, const uint8_t *msg,
			  size_t len, struct hs_client_info *info,
			  int (*ss_get)(void *ctx, const uint8_t rs[KEY_LEN], uint8_t out[KEY_LEN]),
			  void *ss_ctx);

/* Server: write frame 2 (length header included).  err 0 accepts and fills
 * ch; otherwise the reply carries the error and ch is untouched. */
int hs_server_reply(struct noise_hs *hs, int err, uint8_t *out, size_t cap, size_t *outlen,
		    struct channel *ch);

/* Clock and replay check for a ClientHello timestamp: ts must be within
 * skew_ms of now (else BS_E_CLOCK) and newer than *last, the newest accepted
 * for this key (else BS_E_REPLAY).  Updates *last on success. */
int hs_check_timestamp(uint64_t *last, uint64_t ts_ns, uint64_t now_ns, uint64_t skew_ms);

#endif
