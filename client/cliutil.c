/* cliutil.c - helpers shared by the baosong commands. */
#include "cliutil.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "err.h"
#include "records.h"
#include "wire.h"

#define DECODE_MAX (256u * 1024u)

char **cli_name_argv(char **argv, const char *name)
{
	argv[0] = (char *)name;
	return argv;
}

int cli_write_error(void)
{
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "baosong: 输出失败 cannot write the output: %s\n", strerror(errno));
		return BS_E_IO;
	}
	return BS_OK;
}

int cli_db_error(int rv)
{
	fprintf(stderr, "baosong: 读取本地数据失败 cannot read the local database: %s\n",
		bs_strerror(rv));
	return rv;
}

int local_lookup_project(void *ctx, const char *uid, int64_t *unit_id, int64_t *total_fen,
			 int *stage)
{
	struct localdb *db = ctx;
	struct lrecord r;
	struct wire_arena a;
	Baosong__V1__Project *p;
	int rv = localdb_record_get(db, uid, &r);
	if (rv != BS_OK)
		return rv;
	if (strcmp(r.kind, REC_KIND_PROJECT) != 0 || r.deleted) {
		lrecord_free(&r);
		return BS_E_NOTFOUND;
	}
	wire_arena_init(&a, DECODE_MAX);
	p = baosong__v1__project__unpack(&a.alloc, r.data_len, r.data);
	if (p) {
		*unit_id = r.unit_id;
		*total_fen = p->total_investment_fen;
		*stage = (int)p->stage;
		baosong__v1__project__free_unpacked(p, &a.alloc);
	} else {
		rv = BS_E_INVAL;
	}
	lrecord_free(&r);
	return rv;
}

struct unit_walk {
	const char *code;
	int64_t unit_id;
	int found;
};

static int unit_match(void *ctx, const struct lrecord *r)
{
	struct unit_walk *uw = ctx;
	struct wire_arena a;
	Baosong__V1__UnitInfo *u;
	wire_arena_init(&a, DECODE_MAX);
	u = baosong__v1__unit_info__unpack(&a.alloc, r->data_len, r->data);
	if (!u)
		return 0;
	if (u->code && strcmp(u->code, uw->code) == 0) {
		uw->unit_id = r->unit_id;
		uw->found = 1;
	}
	baosong__v1__unit_info__free_unpacked(u, &a.alloc);
	return uw->found;
}

int local_lookup_unit(void *ctx, const char *code, int64_t *unit_id)
{
	struct localdb *db = ctx;
	struct unit_walk uw = {code, 0, 0};
	char mine[256];
	int rv = localdb_record_each(db, REC_KIND_UNIT, 0, unit_match, &uw);
	if (rv < 0)
		return rv;
	if (uw.found) {
		*unit_id = uw.unit_id;
		return BS_OK;
	}
	if (localdb_meta_get(db, "unit_code", mine, sizeof mine) == BS_OK && mine[0] &&
	    strcmp(mine, code) == 0)
		return localdb_meta_get_int(db, "unit_id", unit_id);
	return BS_E_NOTFOUND;
}
