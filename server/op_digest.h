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

/* The owner the op asks for, as the digest covers it: for a new record
 * (base_rev 0, not withdrawn) Op.unit_id, or own_unit (the device's unit)
 * when unit_id is 0 - the two mean the same (13.2); otherwise 0, since the
 * server ignores unit_id for an existing record or a withdrawn op. */
int64_t op_digest_owner(const Baosong__V1__Op *op, int64_t own_unit);

/* Version 2, stored with every op handled since: BLAKE2b-256 (unkeyed) of
 *   STR("baosong-op-v2") STR(kind) STR(uid) INT(base_rev) INT(deleted)
 *   INT(withdrawn) STR(data) INT(number of attachments) STR(each attachment)
 *   INT(op_digest_owner(op, own_unit))
 * with INT(v) = 8 bytes big-endian (a bool as 0 or 1, a unit id as its two's
 * complement) and STR(b) = INT(length) then the bytes (an absent string is
 * empty).  created_at_ms (informational) is left out. */
void op_digest(const Baosong__V1__Op *op, int64_t own_unit, uint8_t out[OP_DIGEST_LEN]);

/* Version 1, stored before version 2 existed: the same without the owner,
 * under the tag "baosong-op-v1".  Only to compare an op with a digest
 * stored then; the tags differ, so a version-1 digest never equals a
 * version-2 one and a stored digest matches only its own version. */
void op_digest_v1(const Baosong__V1__Op *op, uint8_t out[OP_DIGEST_LEN]);

#endif
