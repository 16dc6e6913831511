/* recid.h - records and attachments named the way lists print them: a
 * record by its id or the first RECID_PREFIX_MIN+ characters of it, an
 * attachment by its content hash or the first RECID_PREFIX_MIN+ hex
 * characters of it.  An ambiguous prefix is an error that names the
 * candidates, so that a person can pick one. */
#ifndef BS_CLIENT_RECID_H
#define BS_CLIENT_RECID_H

#include <stddef.h>

#include "localdb.h"
#include "records.h"

#define RECID_PREFIX_MIN 6u
#define RECID_CANDIDATES 8u /* candidates kept for the error message */

struct recid_found {
	char uid[REC_UID_LEN + 1];             /* the record's id */
	uint8_t hash[LDB_HASH_LEN];            /* recid_hash: the attachment */
	unsigned count;                        /* matches (1 on success) */
	char cand[RECID_CANDIDATES][2 * LDB_HASH_LEN + 1]; /* first matches */
	char cand_kind[RECID_CANDIDATES][LDB_KIND_MAX + 1];
	unsigned ncand;
};

/* The live record of kind (any kind if NULL) named by arg.  0 with
 * out->uid; BS_E_INVAL if arg is not a hex id of RECID_PREFIX_MIN..32
 * characters, or matches more than one record (out->count, candidates in
 * out->cand); BS_E_NOTFOUND; or a database error. */
int recid_record(struct localdb *db, const char *kind, const char *arg, struct recid_found *out);

/* The attachment of a live record on this device named by arg (hash or
 * prefix of at least RECID_PREFIX_MIN hex characters); a full 64-character
 * hash is accepted even if no record here names it.  Errors as
 * recid_record. */
int recid_hash(struct localdb *db, const char *arg, struct recid_found *out);

/* Lowercase hex of len bytes into out (2 * len + 1). */
void recid_hex(const uint8_t *bin, size_t len, char *out);

#endif
