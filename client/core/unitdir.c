/* unitdir.c - see unitdir.h. */
#include "unitdir.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "field.h"

struct walk {
	struct unitdir_entry *v;
	size_t n, cap;
	int rv;
};

static int take(void *ctx, const struct lrecord *r)
{
	struct walk *w = ctx;
	struct wire_arena a;
	Baosong__V1__UnitInfo *u =
		(Baosong__V1__UnitInfo *)field_unpack(&baosong__v1__unit_info__descriptor, r, &a);
	struct unitdir_entry *e;

	if (!u)
		return 0;
	if (!u->code || !u->code[0] || strlen(u->code) >= sizeof w->v[0].code) {
		protobuf_c_message_free_unpacked(&u->base, &a.alloc);
		return 0;
	}
	if (w->n == w->cap) {
		size_t nc = w->cap ? 2 * w->cap : 32;
		struct unitdir_entry *nv = realloc(w->v, nc * sizeof *nv);
		if (!nv) {
			w->rv = BS_E_NOMEM;
			protobuf_c_message_free_unpacked(&u->base, &a.alloc);
			return 1;
		}
		w->v = nv;
		w->cap = nc;
	}
	e = &w->v[w->n++];
	memset(e, 0, sizeof *e);
	e->id = r->unit_id;
	snprintf(e->code, sizeof e->code, "%s", u->code);
	snprintf(e->name, sizeof e->name, "%s", u->name && u->name[0] ? u->name : u->code);
	e->type = (int)u->type;
	protobuf_c_message_free_unpacked(&u->base, &a.alloc);
	return 0;
}

static int by_code(const void *x, const void *y)
{
	return strcmp(((const struct unitdir_entry *)x)->code,
		      ((const struct unitdir_entry *)y)->code);
}

int unitdir_load(struct localdb *db, struct unitdir_entry **out, size_t *n)
{
	struct walk w;
	int rv;

	assert(db && out && n);
	*out = NULL;
	*n = 0;
	memset(&w, 0, sizeof w);
	rv = localdb_record_each(db, REC_KIND_UNIT, 0, take, &w);
	if (rv == BS_OK)
		rv = w.rv;
	if (rv != BS_OK) {
		free(w.v);
		return rv;
	}
	if (w.n > 1)
		qsort(w.v, w.n, sizeof *w.v, by_code);
	*out = w.v;
	*n = w.n;
	return BS_OK;
}

const struct unitdir_entry *unitdir_by_code(const struct unitdir_entry *u, size_t n,
					    const char *code)
{
	size_t i;

	if (!code)
		return NULL;
	for (i = 0; i < n; i++)
		if (!strcmp(u[i].code, code))
			return &u[i];
	return NULL;
}

const struct unitdir_entry *unitdir_by_id(const struct unitdir_entry *u, size_t n, int64_t id)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (u[i].id == id)
			return &u[i];
	return NULL;
}
