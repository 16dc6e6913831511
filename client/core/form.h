/* form.h - turning what a person typed into a record, for every record kind
 * (records_kind(kind)->desc), the same way for every front end: the
 * command line (client/cli) and the local web page (client/ui).  A field is
 * set by its name from its text: money in 万元 (a field named *_fen), enums
 * by Chinese label or English name, dates, weeks and periods as text (their
 * format is records_validate's to judge), bools (是/否), basis points or a
 * percentage ("15%"), repeated strings, repeated KEY=VALUE entries (a file
 * entry is hashed and attached), and project references by id or a unique
 * prefix of it.
 *
 * Nothing here prints.  A refused value fills a struct rec_error naming the
 * field, with the Chinese message the command line prints after it;
 * form_error_text renders it in full.
 *
 * Strings set into a message point into memory the form owns (its pool) or
 * that the caller keeps alive: pack the message before form_free. */
#ifndef BS_CLIENT_FORM_H
#define BS_CLIENT_FORM_H

#include <stddef.h>
#include <stdint.h>

#include <protobuf-c/protobuf-c.h>

#include "localdb.h"
#include "records.h"

#define FORM_FIELDS_MAX 32u  /* fields of one message handled */
#define FORM_CHOICES_LEN 400u
#define FORM_PREFIX_MIN 6u   /* characters of a record id at least */

/* A file attached while filling a form (an evidence entry). */
struct form_file {
	char *path;                /* absolute, malloc'd; owned by the form */
	uint64_t size;
	uint8_t hash[LDB_HASH_LEN];
	const char *arg;           /* as given */
	char *stored;              /* its copy in the store (save_keep_files), malloc'd */
};

/* How a record named by text is found: write its uid into uid (cap
 * LDB_UID_MAX + 1) and return 0, or a negative BS_E_* with err filled.  A
 * front end that explains on its own may leave err empty. */
typedef int (*form_ref_fn)(void *ctx, struct localdb *db, const char *kind, const char *text,
			   char *uid, struct rec_error *err);
/* How a file named by text is checked and hashed into out (path malloc'd);
 * 0 or a negative BS_E_* with err filled (or empty, as above). */
typedef int (*form_file_fn)(void *ctx, const char *text, struct form_file *out,
			    struct rec_error *err);

struct form_pool {
	void **blocks;
	size_t n, cap;
};

struct form {
	const char *kind;                     /* REC_KIND_* */
	const struct rec_kind *rk;
	const ProtobufCMessageDescriptor *desc;
	struct localdb *db;                   /* for references; may be NULL */
	struct form_pool pool;
	struct form_file files[REC_ATTACH_MAX];
	size_t nfiles;
	form_ref_fn ref;                      /* default: form_find_record */
	form_file_fn file;                    /* default: form_hash_file */
	void *cb_ctx;
};

/* Start a form for kind over db (may be NULL when no field refers to a
 * record).  BS_E_UNSUPPORTED if this version has no descriptor for kind
 * or it has more than FORM_FIELDS_MAX fields. */
int form_init(struct form *fm, const char *kind, struct localdb *db);
/* Release the pool and the attached files' paths; NULL-safe. */
void form_free(struct form *fm);
/* Zeroed memory living as long as the form; NULL when out of memory. */
void *form_alloc(struct form *fm, size_t size);
char *form_strdup(struct form *fm, const char *s);

/* A fresh message of the kind, or a shallow copy of prev (it shares
 * prev's strings and entries: keep prev until the copy is packed). */
ProtobufCMessage *form_message(struct form *fm, const ProtobufCMessage *prev);

/* One value a person gave: field f (of the kind's descriptor), its text. */
struct form_assign {
	const ProtobufCFieldDescriptor *f;
	const char *value;   /* kept alive by the caller */
};

/* Put every value given into m.  A single field is set (the last value
 * wins); a repeated string field given at least once is replaced by the
 * non-empty values given; a repeated KEY=VALUE field keeps its entries,
 * an entry given replaces the one with the same key, KEY= removes it, the
 * rest are appended.  0, or BS_E_INVAL / BS_E_TOOBIG with err naming the
 * field, or what the reference / file callback returned. */
int form_apply(struct form *fm, ProtobufCMessage *m, const struct form_assign *as, size_t n,
	       struct rec_error *err);
/* The same for one field named by its name ("applied_fen"; for money also
 * without the suffix, "applied") and one text. */
int form_set(struct form *fm, ProtobufCMessage *m, const char *field, const char *text,
	     struct rec_error *err);

/* The message's attachments: the files its entries name, each once, when
 * the kind has file entries; otherwise those of old (may be NULL). */
void form_attachments(const ProtobufCMessage *m, const struct lrecord *old,
		      uint8_t att[][LDB_HASH_LEN], size_t *natt);

/* The field of d an error names: "applied" is applied_fen, "funds[2]"
 * funds; NULL if none. */
const ProtobufCFieldDescriptor *form_error_field(const ProtobufCMessageDescriptor *d,
						 const char *name);
/* err as the command line says it, without "baosong: ":
 * "数据有误 invalid data: deadline 办结时限 (--deadline): 日期格式应为 YYYY-MM-DD",
 * and for an enum a second line "  可选 choices: ...". */
void form_error_text(const char *kind, const struct rec_error *err, char *out, size_t cap);

/* ---- the values, one at a time --------------------------------------------------- */

/* 万元 with up to two decimals into fen. */
int form_parse_money(const char *s, int64_t *fen);
/* Basis points, or a percentage with up to two decimals ("15%"). */
int form_parse_bp(const char *s, int64_t *bp);
int form_parse_sint(const char *s, int64_t min, int64_t max, int64_t *v);
/* 是/否, yes/no, true/false, 1/0, y/n. */
int form_parse_bool(const char *s, int *v);
/* A project stage by Chinese name or English short name ("续建",
 * "continuing"; "投产" and "运营" are both operating). */
int form_stage_parse(const char *s, int *stage);
const char *form_stage_zh(int stage);  /* "未定" if unknown */
const char *form_stage_en(int stage);  /* "continuing"; "unknown" if unknown */
/* "谋划储备 前期 ... (or reserve preparation ...)" */
#define FORM_STAGE_CHOICES                                                         \
	"谋划储备 前期 新开工 续建 竣工 投产 运营 停缓建\n"                        \
	"  (or reserve preparation new_start continuing completed operating suspended)"

/* The live record of kind named by text: its uid, or a prefix of at least
 * FORM_PREFIX_MIN characters only one record has.  BS_E_INVAL (not an
 * id, ambiguous) or BS_E_NOTFOUND with err's message; database errors as
 * they come.  A form_ref_fn (ctx unused). */
int form_find_record(void *ctx, struct localdb *db, const char *kind, const char *text,
		     char *uid, struct rec_error *err);
/* Check the file at text is a regular, non-empty file of at most
 * BS_MAX_FILE_BYTES and hash it (BLAKE2b-256).  A form_file_fn. */
int form_hash_file(void *ctx, const char *text, struct form_file *out, struct rec_error *err);

/* ---- what a front end draws ------------------------------------------------------ */

enum form_input {
	FORM_TEXT,      /* one line */
	FORM_TEXTAREA,  /* several lines (contents, notes, descriptions) */
	FORM_NUMBER,    /* integer */
	FORM_MONEY,     /* 万元, two decimals */
	FORM_PERCENT,   /* basis points or "15%" */
	FORM_DATE,      /* YYYY-MM-DD */
	FORM_WEEK,      /* YYYY-Www */
	FORM_MONTH,     /* YYYY-MM */
	FORM_PERIOD,    /* YYYY, YYYY-Qn (or YYYY-MM) */
	FORM_ENUM,      /* one of choices */
	FORM_BOOL,      /* 是/否 */
	FORM_PROJECT,   /* a project's id */
	FORM_REPEATED,  /* several texts, one per value */
	FORM_ITEMS,     /* several KEY=VALUE entries */
};

struct form_field {
	const ProtobufCFieldDescriptor *f;
	const char *name;       /* "applied_fen" */
	const char *label;      /* "申报金额" */
	char opt[48];           /* "applied": the command-line option */
	enum form_input input;
	int required;           /* records_validate refuses it empty */
	/* FORM_ENUM: the choices (Chinese labels, then English names);
	 * FORM_ITEMS: KEY=VALUE with the key's choices when an enum. */
	char choices[FORM_CHOICES_LEN];
	int item_file;          /* FORM_ITEMS: the value is a file to attach */
};

/* The fields of kind's form, in the message's order, into out (cap
 * entries); *n the count.  Fields people do not type (times, hashes,
 * server-kept fields) are left out.  BS_E_UNSUPPORTED for an unknown
 * kind, BS_E_TOOBIG when cap is too small. */
int form_fields(const char *kind, struct form_field *out, size_t cap, size_t *n);

#endif
