/* kinds_int.h - what the two halves of the record-kind commands share
 * (client/cli/cmd_kinds.c: the kinds' table, parsing, add, edit, delete,
 * dispatch; cmd_kinds_read.c: list and show).  Not a contract for other
 * files. */
#ifndef BS_KINDS_INT_H
#define BS_KINDS_INT_H

#include <getopt.h>
#include <stdint.h>

#include "app.h"
#include "form.h"
#include "localdb.h"
#include "records.h"

#define UID_PREFIX_MIN 6u
#define UID_SHOW 8
#define HASH_BUF (64u * 1024u)    /* read size when hashing a file */
#define LABEL_W 34u               /* label column of `show` */
#define FILTER_MAX 200u           /* bytes of a list filter */
#define FIELDS_MAX 32u            /* fields of one message this code handles */
#define OPT_FIELD 1000            /* getopt value of field i: OPT_FIELD + i */
#define CELL_MAX 2048u            /* one formatted value */
#define REVIEW_W 6u
#define MONTHS_DEFAULT 3u
#define PERIODS_MAX 104u          /* --weeks / --months at most */

enum {
	O_CSV = 900, O_OVERDUE, O_LATE, O_MISSING, O_MONTHS, O_REVIEW
};

/* A column of a kind's terminal table: a field, or a derived value
 * ("@project": the named project's name, "@overdue", "@complete"). */
struct kcol {
	const char *field;
	unsigned width;
};

struct kcmd {
	const char *cmd;             /* "approval" */
	const char *kind;            /* REC_KIND_APPROVAL */
	const char *en;              /* "approval item" */
	const char *about;           /* one line for help */
	const struct kcol *cols;     /* ends with {NULL, 0} */
	const char *example;         /* an add command */
	int read_only;               /* published by the server: list and show only */
	const char *source;          /* read_only: what publishes them */
};

enum {
	K_APPROVAL, K_MONTHLY, K_STATS, K_DEAL, K_FUNDING, K_PROBLEM, K_TARGET, K_LEADER, K_UNIT,
	K_ACCEPTANCE, K_PUBLICATION, K_ADJUSTMENT
};
extern const struct kcmd kcmds[];

struct kwork {
	const struct kcmd *kc;
	const struct rec_kind *rk;
	const ProtobufCMessageDescriptor *desc;
	const char *dir;
	struct app a;
	struct app_server srv;
	int have_srv;
	int64_t now;
	struct form fm;            /* the core's form (client/core/form.h) */
	struct form_assign *as;
	size_t nas;
	char optname[FIELDS_MAX][48];
	struct option opts[2 * FIELDS_MAX + 16];
};

int kw_kwork_init(struct kwork *w, const struct kcmd *kc, int argc);
void kw_kwork_free(struct kwork *w);
/* The getopt table of the kind's fields (list: as filters) plus extra. */
void kw_build_opts(struct kwork *w, int list, const struct option *extra);
/* If c is a field option, remember it and return 1. */
int kw_take_field(struct kwork *w, int c);
/* The live record of kind named by arg (uid or unique prefix); explains
 * failures on stderr. */
int kw_kfind(struct localdb *db, const char *kind, const char *arg, struct lrecord *out);
void kw_print_field_help(const struct kwork *w, const ProtobufCFieldDescriptor *f, int list);
void kw_sep(void);
/* cmd_kinds_read.c */
int kw_kind_list(const struct kcmd *kc, int argc, char **argv);
int kw_kind_show(const struct kcmd *kc, int argc, char **argv);

#endif
