/* err.h - the one error convention of baosong.
 *
 * Every function that can fail returns int: 0 (BS_OK) or a negative BS_E_* code.
 * Codes are stable: the same number, made positive, is the `code` of an Error
 * message on the wire (docs/PROTOCOL.md lists them).  libuv, SQLite and libsodium
 * errors are converted at the boundary; their original text goes to the log. */
#ifndef BS_ERR_H
#define BS_ERR_H

#include <stdbool.h>

enum {
	BS_OK = 0,
	BS_E_NOMEM = -1,       /* out of memory */
	BS_E_INVAL = -2,       /* malformed or invalid input */
	BS_E_PROTO = -3,       /* protocol violation */
	BS_E_TOOBIG = -4,      /* over a size limit */
	BS_E_CRYPTO = -5,      /* authentication / decryption failed */
	BS_E_LOWORDER = -6,    /* Diffie-Hellman gave the all-zero result */
	BS_E_IO = -7,          /* I/O error (disk or network) */
	BS_E_KEYPERM = -8,     /* private key file readable by others */
	BS_E_NOTFOUND = -9,    /* no such object */
	BS_E_REPLAY = -10,     /* replayed handshake */
	BS_E_CLOCK = -11,      /* timestamp outside the allowed clock skew */
	BS_E_UNKNOWN_KEY = -12,/* peer's static key is not known / not allowed */
	BS_E_VERSION = -13,    /* unsupported protocol version */
	BS_E_TIMEOUT = -14,    /* timed out */
	BS_E_NONCE = -15,      /* nonce space exhausted */
	BS_E_CLOSED = -16,     /* connection closed by peer */
	BS_E_STATE = -17,      /* operation not allowed in this state */
	BS_E_UNSUPPORTED = -18,/* message type not supported */
	BS_E_BUSY = -19,       /* server busy / too many connections or requests */
	BS_E_FINGERPRINT = -20,/* server key does not match the pinned fingerprint */
	BS_E_INTERNAL = -21,   /* internal server error */
	BS_E_TOKEN = -22,      /* enrolment token unknown, used or expired */
	BS_E_FORBIDDEN = -23,  /* not allowed for this unit or role */
	BS_E_CONFLICT = -24,   /* record changed on the server since base_rev */
	BS_E_QUOTA = -25,      /* unit's storage quota exceeded */
	BS_E_CORRUPT = -26,    /* uploaded file does not match its hash */
	BS_E_OFFSET = -27,     /* upload offset differs from the server's */
	BS_E_SEQ = -28,        /* op sequence gap: resend from applied_seq + 1 */
	BS_E_MISSING_BLOB = -29, /* op refers to an attachment not uploaded yet */
	BS_E_REVOKED = -30,    /* device key revoked */
	BS_E_NOSPACE = -31,    /* disk full */
	BS_E_LOCKED = -32,     /* another run holds the lock */
	BS_E_DB = -33,         /* database error */
	BS_E_RECORD_LOCKED = -34, /* approved record or closed period: a reviewer must reopen */
	BS_E_SEQ_REUSED = -35, /* op numbers already used by other changes: renumber */
	BS_E__LAST = -36
};

/* Short English description of a BS_E_* code; never NULL. */
const char *bs_strerror(int err);

/* Stable symbolic name ("BS_E_REPLAY"); never NULL. */
const char *bs_errname(int err);

/* Whether an operation that failed with this code may succeed if retried
 * unchanged (network trouble, busy server, clock catching up). */
bool bs_err_retryable(int err);

/* Message for people, in Chinese only (the `message` of an Error on the
 * wire; bs_strerror has the English).  Never NULL. */
const char *bs_strerror_zh(int err);

#endif
