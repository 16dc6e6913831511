/* records_cli.h - what the record commands of the command line share
 * (client/cli/cmd_records.c: projects and the helpers below;
 * cmd_report.c: weekly reports; cmd_resolve.c: resolve, discard, fetch). */
#ifndef BS_RECORDS_CLI_H
#define BS_RECORDS_CLI_H

#include <stddef.h>
#include <stdint.h>

#include "app.h"
#include "baosong.pb-c.h"
#include "field.h"
#include "localdb.h"
#include "records.h"
#include "wire.h"

#define UID_PREFIX_MIN 6u
#define UID_SHOW 8              /* uid characters shown in tables */
#define DECODE_MAX (256u * 1024u) /* protobuf-c memory for one record */
#define HASH_BUF (64u * 1024u)  /* read size when hashing a photo */
#define FILTER_MAX 200u         /* bytes of a --township / --leader filter */
#define FETCH_TIMEOUT_S 30u
#define LABEL_W 30u             /* label column of `project show` */

enum {
	O_NAME = 256, O_CODE, O_YEAR, O_STAGE, O_TOTAL, O_ANNUAL, O_CATEGORY, O_CHAIN,
	O_ITYPE, O_LEVEL, O_TOWNSHIP, O_LEADER, O_OWNER, O_LEAD_UNIT, O_START, O_END,
	O_CONTENTS, O_CSV, O_PROJECT, O_WEEK, O_PERIOD, O_YTD, O_PROGRESS, O_PERCENT,
	O_PROBLEMS, O_PHOTO, O_REPLACE, O_MINE, O_THEIRS, O_OUT, O_FORCE, O_TIMEOUT,
	O_OVERDUE, O_NO_EVIDENCE, O_LATE, O_MISSING, O_WEEKS, O_CLEAR, O_PICK
};

/* "2026-11-23 17:03" in Shanghai time. */
void fmt_local(int64_t ms, char *out, size_t cap);
/* Pack m into a fresh buffer (the caller frees *out); explains a record
 * too big. */
int pack_msg(const ProtobufCMessage *m, uint8_t **out, size_t *len);
Baosong__V1__Project *project_unpack(struct wire_arena *a, const uint8_t *data, size_t len);
Baosong__V1__WeeklyReport *weekly_unpack(struct wire_arena *a, const uint8_t *data, size_t len);
const char *str_or_empty(const char *s);
/* record_field_label: field.h. */
/* Fill err for field with msg; returns BS_E_INVAL. */
int field_error(struct rec_error *err, const char *field, const char *msg);
/* "baosong: 数据有误 invalid data: FIELD 标签 (--option): message" */
void print_rec_error(const struct rec_error *err);
/* The live record of kind named by arg (a uid, or a unique prefix of at
 * least UID_PREFIX_MIN characters); failures explained on stderr. */
int find_record(struct localdb *db, const char *kind, const char *arg, struct lrecord *out);
/* Who writes what, for records_validate. */
void rec_ctx_init(struct rec_ctx *c, struct rec_lookup *lk, struct localdb *db,
		  const struct app_server *srv, int64_t now);
void project_name(struct localdb *db, const char *uid, char *out, size_t cap);
/* "项目 project 3fa1c2d4 «name»" / "周报 weekly report 9b0e1f2a 2026-W47 «name»". */
void describe_record(struct localdb *db, const char *kind, const char *uid,
		     const uint8_t *data, size_t len, char *out, size_t cap);
/* 万元 text into fen; a bad amount fills err (BS_E_INVAL). */
int parse_money(struct rec_error *err, const char *field, const char *s, int64_t *fen);
/* Validate data and queue it as a change of uid; explains failures. */
int queue_change(struct app *a, const char *kind, const char *uid, int64_t unit_id,
		 const uint8_t *data, size_t len, const uint8_t (*att)[LDB_HASH_LEN],
		 size_t n_att, int64_t now, const struct app_server *srv, uint64_t *seq);
/* The mark of a list row: 被拒 (a change refused), 冲突 (a conflict
 * waits), * (changes not sent yet), or "". */
const char *pending_mark(const struct lrecord *r);
/* Print each warning of w on stderr ("提醒 warning: ..."). */
struct entry_warnings;
void print_warnings(const struct entry_warnings *w);

#endif
