/* merge.h - a three-way merge of a record's data, field by field: base (the
 * version a change was made from), mine (this device's change) and theirs
 * (what the server holds now).  A field only one side changed takes that
 * side's value; a field both sides changed to different values is a
 * conflict.  Fields are the top-level fields of the kind's message (a
 * repeated field is one field); fields this version does not know are
 * kept as theirs.
 *
 * Pure: reads bytes, writes bytes, keeps nothing. */
#ifndef BS_MERGE_H
#define BS_MERGE_H

#include <stddef.h>
#include <stdint.h>

#include <protobuf-c/protobuf-c.h>

#include "localdb.h"

#define MERGE_FIELDS_MAX 64

enum merge_pick {
	MERGE_OPEN = 0,   /* a conflict left open: theirs is used for now */
	MERGE_MINE = 1,   /* a conflict settled for this device's value */
	MERGE_THEIRS = 2, /* a conflict settled for the server's value */
};

struct merge_result {
	uint8_t *data;            /* the merged data, malloc'd (free it) */
	size_t len;
	unsigned n_mine;          /* fields taken from mine */
	unsigned n_conflicts;     /* fields both sides changed differently */
	const ProtobufCFieldDescriptor *conflicts[MERGE_FIELDS_MAX];
};

/* Merge the kind's data.  pick, if not NULL, has one entry per field of
 * the kind's descriptor (desc->n_fields) and settles conflicts; a conflict
 * is counted in n_conflicts whatever its pick.  BS_E_UNSUPPORTED for a
 * kind this version does not know, BS_E_INVAL if a version cannot be
 * read. */
int merge3(const char *kind, const uint8_t *base, size_t base_len, const uint8_t *mine,
	   size_t mine_len, const uint8_t *theirs, size_t theirs_len, const unsigned char *pick,
	   struct merge_result *out);
void merge_result_free(struct merge_result *r);

/* The kind's descriptor, or NULL. */
const ProtobufCMessageDescriptor *merge_desc(const char *kind);

/* The attachments after a merge: theirs, then each of mine not in base
 * (attachments added by the change are kept; none is dropped).  out holds
 * at most max; *n receives the count.  BS_E_TOOBIG (and *n = 0) when the
 * union needs more than max: out is then partial and must not be used -
 * the caller treats the record as a whole-record conflict instead of
 * dropping a photo. */
int merge_attachments(const uint8_t (*base)[LDB_HASH_LEN], size_t n_base,
		      const uint8_t (*mine)[LDB_HASH_LEN], size_t n_mine,
		      const uint8_t (*theirs)[LDB_HASH_LEN], size_t n_theirs,
		      uint8_t (*out)[LDB_HASH_LEN], size_t max, size_t *n);

/* Field f of the kind's message in data as people read it (field_format),
 * into out; "" if data cannot be read. */
void merge_field_text(const char *kind, const uint8_t *data, size_t len,
		      const ProtobufCFieldDescriptor *f, char *out, size_t cap);

#endif
