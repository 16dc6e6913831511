/* unitdir.h - the units this device knows (the unit records the server
 * publishes to every device), for a front end's drop-downs, names and
 * per-unit tables.  Reads the local database only. */
#ifndef BS_CLIENT_UNITDIR_H
#define BS_CLIENT_UNITDIR_H

#include <stddef.h>
#include <stdint.h>

#include "localdb.h"
#include "records.h"

struct unitdir_entry {
	int64_t id;                      /* the unit's id (its records' unit_id) */
	char code[64];
	char name[REC_NAME_MAX + 1];     /* the code when the record has no name */
	int type;                        /* the protocol's UnitType */
};

/* Every readable unit record, ordered by code.  *out is malloc'd (free
 * it; NULL when there are none); 0 or a BS_E_* code. */
int unitdir_load(struct localdb *db, struct unitdir_entry **out, size_t *n);

/* The entry with code (NULL when absent or code is NULL). */
const struct unitdir_entry *unitdir_by_code(const struct unitdir_entry *u, size_t n,
					    const char *code);
/* The entry with id (NULL when absent). */
const struct unitdir_entry *unitdir_by_id(const struct unitdir_entry *u, size_t n, int64_t id);

#endif
