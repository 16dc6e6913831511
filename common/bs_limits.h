/* limits.h - every limit of baosong in one place.
 *
 * Limits are checked before anything is allocated; tighter limits apply
 * before a peer has authenticated.  Changing a wire limit is a protocol
 * change: docs/PROTOCOL.md must say so. */
#ifndef BS_LIMITS_H
#define BS_LIMITS_H

/* Largest Noise message (the Noise spec's own maximum) and so the largest
 * frame body once the handshake is done. */
#define BS_FRAME_MAX 65535u
/* Largest frame accepted before the handshake completes.  An IK first
 * message is 96 bytes plus its (encrypted) payload. */
#define BS_FRAME_MAX_PREAUTH 512u
/* Largest plaintext carried by one transport message. */
#define BS_PAYLOAD_MAX (BS_FRAME_MAX - 16u)
/* Largest handshake payload (ClientHello / ServerHello). */
#define BS_HELLO_MAX 256u

/* Time allowed from accept to a completed handshake. */
#define BS_HANDSHAKE_TIMEOUT_MS 5000u
/* A session with no traffic for this long is closed. */
#define BS_IDLE_TIMEOUT_MS 300000u
/* Allowed difference between client and server clocks for the handshake
 * timestamp. */
#define BS_CLOCK_SKEW_MS 300000u
/* Most simultaneous device sessions a server keeps. */
#define BS_MAX_CONNECTIONS 1024u
/* Most connections not authenticated as an enrolled device (handshake,
 * enrolment-only), in all and from one address; handshakes per second and
 * burst per address (server defaults; config). */
#define BS_MAX_UNAUTH 512u
#define BS_MAX_UNAUTH_PER_ADDR 64u
#define BS_HANDSHAKES_PER_S 50u
#define BS_HANDSHAKE_BURST 100u
/* Message 1s a second (all addresses) above which the server asks for a
 * cookie first (cookie = auto). */
#define BS_COOKIE_LOAD_PER_S 200u
/* Most requests a connection may have outstanding. */
#define BS_MAX_INFLIGHT 64u
/* Largest frame from a key the server does not know (it may only enrol). */
#define BS_FRAME_MAX_ENROL 4096u
/* Whole life of such a session (default; config). */
#define BS_ENROL_TIMEOUT_MS 10000u
/* Largest attachment, and attachment bytes per unit (defaults; config). */
#define BS_MAX_FILE_BYTES (64ull * 1024 * 1024)
#define BS_UNIT_QUOTA_BYTES (20ull * 1024 * 1024 * 1024)
/* Uploads the server lets send in flushed groups (BlobPut.more) at once
 * (grouped_uploads), and how long one that sends nothing keeps its place. */
#define BS_GROUPED_UPLOADS 1u
#define BS_GROUPED_IDLE_MS 10000
/* Uploads yield to pushes (server/upload_pace.h): attachment bytes a second,
 * in MB, of all sessions together while pushes arrive (upload_pace_mb), the
 * bucket, and how long after the last push they count as arriving. */
#define BS_UPLOAD_PACE_MB 8u
#define BS_UPLOAD_PACE_BURST (1024 * 1024)
#define BS_UPLOAD_PACE_ACTIVE_MS 1000u
/* Chunks of one connection waiting for the pace before it is no longer
 * read: bounds the memory they hold and keeps the queue fair. */
#define BS_UPLOAD_PACE_PER_CONN 2u
/* Devices whose static-static DH the server keeps between handshakes
 * (server/net/ss_cache.h): 68 bytes each, locked in memory. */
#define BS_SS_CACHE_SLOTS 8192u
/* Most requests the writer commits in one transaction. */
#define BS_MAX_BATCH 256u
/* Time SIGTERM allows for in-flight requests to finish. */
#define BS_DRAIN_TIMEOUT_MS 10000u
/* Bytes queued for writing on one connection above which it stops being read. */
#define BS_WRITE_QUEUE_HIGH (1024u * 1024u)

/* Both sides rekey a direction after this many messages in it. */
#define BS_REKEY_INTERVAL (1ull << 20)
/* A session is closed (not continued) once a nonce reaches this. */
#define BS_NONCE_LIMIT (1ull << 62)

/* `baosong import` (client only): the largest file read, and what one CSV
 * record may hold.  A longer cell than any record field allows still fits,
 * so that validation can say which field is too long. */
#define BS_IMPORT_FILE_MAX (32u * 1024u * 1024u)
#define BS_IMPORT_FIELD_MAX (16u * 1024u)
#define BS_IMPORT_COLS_MAX 256u
#define BS_IMPORT_ROWS_MAX 100000u

#endif
