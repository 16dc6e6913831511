/* op_digest.h - what the server keeps of an op to recognise its retry.
 *
 * A push that repeats a seq the server has handled is answered with the
 * stored receipt only when the op is the same one: its digest (below) equals
 * the digest stored with the receipt.  Other content under a used seq (a
 * restored or copied data directory) is refused with BS_E_SEQ_REUSED
 * (docs/PROTOCOL.md 13.3 and 13.6). */
#ifndef BS_OP_DIGEST_H
#define BS_OP_DIGEST_H

#include <stdint.h>

#include "wire.h"

#define OP_DIGEST_LEN 32

/* BLAKE2b-256 (unkeyed) of
 *   STR("baosong-op-v1") STR(kind) STR(uid) INT(base_rev) INT(deleted)
 *   INT(withdrawn) STR(data) INT(number of attachments) STR(each attachment)
 * with INT(v) = 8 bytes big-endian (a bool as 0 or 1) and STR(b) = INT(length)
 * then the bytes (an absent string is empty).  created_at_ms (informational)
 * and unit_id (filled in from the device's copy of the record, which a pull
 * may correct between two tries) are left out. */
void op_digest(const Baosong__V1__Op *op, uint8_t out[OP_DIGEST_LEN]);

#endif
