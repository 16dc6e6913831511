/* store_int.h - what the store's other modules (store_review.c) may use of
 * store.c; nothing outside server/store*.c includes this. */
#ifndef BS_STORE_INT_H
#define BS_STORE_INT_H

#include <sqlite3.h>

#include "store.h"

/* The connection of st. */
sqlite3 *store__db(struct store *st);
/* Convert a failed SQLite result code to BS_E_*, logging SQLite's text. */
int store__fail(struct store *st, int rc, const char *what);
/* Prepare sql (finalize it yourself); a failure is logged as above. */
int store__prepare(struct store *st, const char *sql, sqlite3_stmt **out);

#endif
