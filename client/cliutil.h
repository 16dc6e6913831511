/* cliutil.h - small things every baosong command shares: naming the
 * command in getopt's messages, reporting a failed write of the output or
 * a failed read of the local database, and the look-ups records_validate
 * needs from this device's local records. */
#ifndef BS_CLIENT_CLIUTIL_H
#define BS_CLIENT_CLIUTIL_H

#include <stdint.h>

#include "localdb.h"

/* Name the command in getopt's messages ("baosong project add: unrecognized
 * option"); argv[0] is only read after this.  Returns argv. */
char **cli_name_argv(char **argv, const char *name);

/* Flush stdout; if that or an earlier write failed, say so and return
 * BS_E_IO (a full disk or a closed pipe must not look like success). */
int cli_write_error(void);

/* Say that the local database could not be read; returns rv. */
int cli_db_error(int rv);

/* struct rec_lookup callbacks over the local database (ctx is the
 * struct localdb *): a project that is here and not deleted; a unit by
 * code among the unit records the server published, or this device's own
 * unit before the first pull. */
int local_lookup_project(void *ctx, const char *uid, int64_t *unit_id, int64_t *total_fen,
			 int *stage);
int local_lookup_unit(void *ctx, const char *code, int64_t *unit_id);

#endif
