/* records.h - the record kinds and their validation, shared by the client
 * (checked before anything is queued) and the server (authoritative).
 *
 * A record's `data` is its kind's protobuf message (proto/baosong.proto).
 * Validation says which field is wrong, in Chinese for people, with a
 * stable code for programs (BS_E_INVAL, detail "field: message"). */
#ifndef BS_RECORDS_H
#define BS_RECORDS_H

#include <stddef.h>
#include <stdint.h>

#define REC_KIND_PROJECT "project"
#define REC_KIND_WEEKLY "weekly_report"
#define REC_UID_LEN 32
#define REC_DATA_MAX (16u * 1024u)   /* encoded record data */
#define REC_ATTACH_MAX 32u           /* attachments per record */
#define REC_TEXT_MAX 2000u           /* bytes of one free-text field */
#define REC_NAME_MAX 200u            /* bytes of a name */

struct rec_error {
	char field[48];
	char msg[200];
};

/* Whether kind is one this version knows. */
int records_kind_known(const char *kind);
/* Whether uid is REC_UID_LEN lowercase hex characters. */
int records_uid_valid(const char *uid);
/* A fresh random uid. */
void records_new_uid(char out[REC_UID_LEN + 1]);

/* What validation may need to know about other records (a weekly report
 * names its project).  Returns 0 and fills *total_fen / *unit_id, or
 * BS_E_NOTFOUND. */
struct rec_lookup {
	int (*project)(void *ctx, const char *uid, int64_t *unit_id, int64_t *total_fen);
	void *ctx;
};

/* Validate data of kind at time now_ms.  unit_id is the unit that will own
 * the record (a weekly report's project must belong to the same unit unless
 * any_unit is set).  Returns 0, BS_E_UNSUPPORTED (unknown kind), BS_E_INVAL
 * (with err filled), BS_E_FORBIDDEN (references another unit's record) or
 * BS_E_TOOBIG. */
int records_validate(const char *kind, const uint8_t *data, size_t len, int64_t now_ms,
		     int64_t unit_id, int any_unit, const struct rec_lookup *lookup,
		     struct rec_error *err);

/* Format "field: message" into out. */
void records_error_text(const struct rec_error *err, char *out, size_t cap);

#endif
