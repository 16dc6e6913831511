/* field.h - the record kinds' fields, read and written through their
 * protobuf-c descriptors (records_kind()->desc), so that one implementation
 * serves every kind: what kind of value a field holds, its command-line
 * option, its Chinese label, and its value as people read it (enums by
 * their Chinese label, money in 万元 with two decimals).
 *
 * Messages passed in are protobuf-c messages of the kind's descriptor;
 * nothing here keeps a pointer to them.  Labels returned are static. */
#ifndef BS_CLIENT_FIELD_H
#define BS_CLIENT_FIELD_H

#include <stddef.h>
#include <stdint.h>

#include <protobuf-c/protobuf-c.h>

#include "localdb.h"
#include "wire.h"

/* How a field is written and shown. */
enum fk {
	FK_NONE,  /* not settable from the command line */
	FK_TEXT,  /* string */
	FK_MONEY, /* int64 named *_fen: 万元 */
	FK_BP,    /* int32 named *_bp: basis points, or a percentage "15%" */
	FK_SINT,  /* other signed integers */
	FK_UINT,  /* unsigned integers */
	FK_BOOL,
	FK_ENUM,
	FK_TEXTS, /* repeated string */
	FK_ITEMS, /* repeated message of two or more fields: KEY=VALUE, keyed
		   * by its first field, valued by its second */
	FK_HASH,  /* bytes: a file's BLAKE2b-256 (inside repeated entries) */
};

enum fk field_kind(const ProtobufCFieldDescriptor *f);
/* Whether an integer field is 64 bits wide. */
int field_is_64(const ProtobufCFieldDescriptor *f);
/* The option naming f, without "--": '_' as '-', money without "_fen"
 * ("applied_fen" -> "applied", "done_date" -> "done-date"). */
void field_opt(const ProtobufCFieldDescriptor *f, char *out, size_t cap);
/* The record kind a string field FOO_uid refers to ("project_uid" ->
 * "project"), or NULL. */
const char *field_ref_kind(const ProtobufCFieldDescriptor *f);
const ProtobufCFieldDescriptor *field_named(const ProtobufCMessageDescriptor *d,
					    const char *name);
int field_ends_with(const char *s, const char *suffix);

/* The member of m that f describes; for a repeated field, its count. */
void *field_ptr(const void *m, const ProtobufCFieldDescriptor *f);
size_t *field_count(const void *m, const ProtobufCFieldDescriptor *f);
/* After setting a proto2-style optional scalar, mark it present. */
void field_mark_has(void *m, const ProtobufCFieldDescriptor *f);
const char *field_text(const void *m, const ProtobufCFieldDescriptor *f); /* "" if unset */
int64_t field_sint(const void *m, const ProtobufCFieldDescriptor *f);
uint64_t field_uint(const void *m, const ProtobufCFieldDescriptor *f);
int field_enum(const void *m, const ProtobufCFieldDescriptor *f);

/* Chinese label of field (a field of kind, an entry's field, or a derived
 * column "@project", "@overdue", "@complete"): full, and short for table
 * headers; the field's own name if none is known. */
const char *field_zh(const char *kind, const char *field);
const char *field_brief(const char *kind, const char *field);
/* "前期手续" for "approval"; "记录" for an unknown kind. */
const char *field_kind_zh(const char *kind);
/* The review state in a word: 待审, 退回, 已通过, 锁定, or "" for none;
 * before it, 被拒 when a change of this device was refused (the record is
 * not what the county holds until `baosong discard` or a new change) and
 * 冲突 when a conflict waits for `baosong resolve`. */
const char *field_review_word(const struct lrecord *r);
/* An enum value's Chinese label (records_enum_label, or this file's own
 * for enums common/records.c has none for), NULL if none; and the value
 * text names: that label, the value's name or its short English name
 * ("failed" for ACCEPTANCE_FAILED).  0 or BS_E_INVAL. */
const char *field_enum_label(const ProtobufCEnumDescriptor *d, int value);
int field_enum_parse(const ProtobufCEnumDescriptor *d, const char *text, int *value);
/* The non-zero values of d: "县级 市级 省级 国家级 (county city province
 * national)". */
void field_enum_choices(const ProtobufCEnumDescriptor *d, char *out, size_t cap);

enum field_fmt { FMT_TABLE, FMT_CSV, FMT_SHOW };

/* Field f of m as text into out: enums by Chinese label (blank when not
 * given), money in 万元 with two decimals, basis points as "15.00%",
 * times (*_ms) in Beijing time, centi-points (*_c) as "85.20".  A
 * repeated message in FMT_TABLE is its sum (money values) or its count;
 * otherwise its entries as field_format_item, joined by "；". */
void field_format(const char *kind, const void *m, const ProtobufCFieldDescriptor *f,
		  enum field_fmt mode, char *out, size_t cap);
/* One entry: "KEY=VALUE"; a file shows its name, else its hash's start. */
void field_format_item(const char *kind, const ProtobufCMessage *e, enum field_fmt mode,
		       char *out, size_t cap);
/* "2026-11-23 17:03", Beijing time. */
void field_format_time(int64_t ms, char *out, size_t cap);

/* r's data as a message of d, allocated in a (initialised here); NULL if
 * it cannot be read.  Free with protobuf_c_message_free_unpacked(m,
 * &a->alloc). */
ProtobufCMessage *field_unpack(const ProtobufCMessageDescriptor *d, const struct lrecord *r,
			       struct wire_arena *a);
/* The live record uid of kind, unpacked as field_unpack; NULL if absent,
 * deleted, of another kind or unreadable.  With rec, the record too (free
 * it with lrecord_free, only when a message is returned). */
ProtobufCMessage *field_load(struct localdb *db, const char *kind, const char *uid,
			     struct wire_arena *a, struct lrecord *rec);
/* The name of project uid ("" if unknown). */
void field_project_name(struct localdb *db, const char *uid, char *out, size_t cap);
/* r named for messages: "月报 monthly_report 9b0e1f2a 2026-10 «项目名称»";
 * m is r's message, or NULL if unreadable. */
void field_describe(struct localdb *db, const struct lrecord *r, const ProtobufCMessage *m,
		    char *out, size_t cap);

/* For a project or weekly report field ("annual_plan_fen"): its Chinese
 * label and the option the commands take for it ("annual"); 0 if none. */
int record_field_label(const char *kind, const char *field, const char **zh, const char **opt);
/* The label and option ("--annual") of the project or weekly report field
 * named exactly field, as records_validate names it (the last of the table
 * when both kinds have it); 0 if none. */
int field_label_exact(const char *field, const char **zh, const char **opt);

#endif
