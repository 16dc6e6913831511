/* import_int.h - what the parts of the import engine share (import.c:
 * columns, the header, plan tables, weekly batches and the run;
 * import_kinds.c: targets and the other record kinds; import_read.c: the
 * file's bytes as text).  Not an interface for the rest of the client:
 * that is import.h. */
#ifndef BS_CORE_IMPORT_INT_H
#define BS_CORE_IMPORT_INT_H

#include <stddef.h>
#include <stdint.h>

#include "app.h"
#include "bs_limits.h"
#include "csv.h"
#include "import.h"
#include "records.h"

#define DECODE_MAX (256u * 1024u) /* protobuf-c memory for one stored record */
#define ERRORS_SHOWN IMPORT_ERRORS_SHOWN
#define VALUE_SHOWN IMPORT_VALUE_SHOWN
#define TITLE_ROWS_MAX 10u        /* one-cell title rows skipped before the header */
#define HEADER_NORM_MAX 256u      /* bytes of a normalised header cell */

/* ---- what the table holds ---------------------------------------------------------- */

#define IM_PROJECT IMPORT_PROJECT
#define IM_WEEKLY IMPORT_WEEKLY
#define IM_TARGET IMPORT_TARGET
#define IM_OTHER IMPORT_OTHER

/* ---- columns ------------------------------------------------------------------- */

/* How a cell becomes a value. */
enum vtype {
	V_TEXT,        /* one line of text */
	V_MTEXT,       /* free text, line breaks kept */
	V_YEAR,        /* 2026 or 2026年 */
	V_MONEY,       /* 万元: 12,500.00 or 12500万元 */
	V_DATE,        /* any of the spellings cell_date reads, stored YYYY-MM-DD */
	V_STAGE,       /* 新开工 / new_start ... */
	V_WEEK,        /* 2026-W47, or a date in that week */
	V_PERCENT,     /* 0..100, with or without % */
	V_PROJ_CODE,   /* weekly: which project, by 项目代码 */
	V_PROJ_NAME,   /* weekly: by exact name */
	V_PROJ_UID,    /* weekly: by id (as `baosong report list --csv` writes it) */
	V_UNIT,        /* a unit by code, name, alias or leniently; stored as its code
			* (牵头单位/责任单位: the first the lead, the others responsible) */
	V_UNITS,       /* units, separated by 、，,;/ : responsible units */
	V_NOTE,        /* recognised, not a field of this kind (said once) */
	V_TPERIOD,     /* a target's year or quarter: 2026, 2026年, 2026-Q2, 2026年第二季度 */
	V_GROWTH,      /* a percentage as basis points: 15, 15%, 7.5% */
	V_UINT         /* a whole number */
};

/* A field a column can fill.  Aliases are normalised header texts (see
 * cell_norm), separated by '|'. */
struct spec {
	const char *name;          /* the field as records_validate names it */
	const char *proto;         /* the protobuf field, NULL for V_PROJ_* */
	enum vtype type;
	int required;              /* the column must exist and the cell be filled */
	int weekly_mark;           /* a header with it is a weekly batch */
	const char *zh;            /* what people call it */
	const char *aliases;
};

/* One column of the file. */
struct column {
	char *title;               /* the header cell as written (trimmed), malloc'd */
	const struct spec *spec;   /* NULL: ignored */
	const ProtobufCFieldDescriptor *fd;
	char scratch[16];          /* a date or week in canonical form */
	const char *value;         /* this row's cell, trimmed */
	int warned;                /* V_NOTE: said once */
	int proj;                  /* another kind: 1 names a project by code, 2 by name */
};

/* ---- the index of records on this device ---------------------------------------- */

/* Open addressing over malloc'd string keys: projects by "c<US>code" and
 * "n<US>name", weekly reports by "project_uid<US>week", units by
 * "c<US>code" and "n<US>name". */
struct ix_entry {
	char *key;                 /* NULL: free */
	char uid[REC_UID_LEN + 1]; /* the record's; in the unit index, the unit's code */
	int64_t unit_id;
	unsigned count;            /* records with this key (a name may repeat) */
	unsigned line;             /* the line of this file that queued it, 0: already here */
};

struct ix {
	struct ix_entry *slots;
	size_t cap, used;
};

/* ---- one import ---------------------------------------------------------------- */

struct import {
	struct import_opts o;
	struct import_sink sink;
	struct import_stats st;    /* read, good, skipped, bad, updated ... */
	char *name;                /* the file, as messages call it */
	char *text;                /* the file as UTF-8 CSV text */
	size_t tlen;
	struct csv_reader *rd;     /* positioned after the header */

	int weekly;
	int what;                  /* IM_* */
	const char *kind;          /* REC_KIND_PROJECT, REC_KIND_WEEKLY or REC_KIND_TARGET */
	struct unit_names *unames;
	const char *resp[REC_ATTACH_MAX];  /* this row's responsible units */
	size_t nresp;
	unsigned last_bad_line, msgs;
	int64_t row_unit;          /* the unit that will own this row's record */
	const ProtobufCMessageDescriptor *desc;
	struct column *cols;
	size_t ncols;
	const struct column *proj_code, *proj_name, *proj_uid;

	struct app *a;             /* borrowed for import_run */
	struct app_server srv;
	struct rec_lookup lk;
	struct rec_ctx rc;
	int64_t now;
	struct ix projects, reports, units, targets;
	int have_units;            /* the server's unit records are here */
	struct ix_entry by_uid;    /* the project a row names by id */

	uint8_t pack[REC_DATA_MAX];
};


/* ---- shared by import.c and import_kinds.c ---- */

/* Say a message of im (see import_say). */
void im_say(struct import *im, enum import_say what, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

void im_row_error(struct import *im, unsigned line, const char *field, const char *msg,
		      const struct column *col);
const struct column *im_column_of(const struct import *im, const char *field);
const struct ix_entry *im_ix_find2(const struct ix *ix, const char *a, const char *b);
int im_ix_add2(struct ix *ix, const char *a, const char *b, const char *uid,
		   int64_t unit_id, unsigned line);
int im_fill_cells(struct import *im, const struct csv_row *row, ProtobufCMessage *m);
int im_pack_validate(struct import *im, const struct csv_row *row,
			 const ProtobufCMessage *m, size_t *len);
int im_queue(struct import *im, const char *uid, int64_t unit_id, size_t len);

/* Targets on this device by unit and period (localdb_record_each). */
int im_load_target(void *ctx, const struct lrecord *r);
/* One row of a target table; one row of another kind's table (--kind K). */
int im_target_row(struct import *im, const struct csv_row *row);
int im_kind_row(struct import *im, const struct csv_row *row);
/* The field of kind a header names (its proto name, option name, Chinese
 * label or short label), or NULL; *proj is 1 for a column naming a project
 * by code, 2 by name (then the field is the kind's project_uid). */
const ProtobufCFieldDescriptor *im_kind_field(const char *kind, const char *header, int *proj);

#endif
