/* cliutil.h - small things every baosong command shares: naming the
 * command in getopt's messages, reporting a failed write of the output or
 * a failed read of the local database, and the look-ups records_validate
 * needs from this device's local records. */
#ifndef BS_CLIENT_CLIUTIL_H
#define BS_CLIENT_CLIUTIL_H

#include <stdint.h>

#include "localdb.h"
#include "save.h"

/* Name the command in getopt's messages ("baosong project add: unrecognized
 * option"); argv[0] is only read after this.  Returns argv. */
char **cli_name_argv(char **argv, const char *name);

/* Flush stdout; if that or an earlier write failed, say so and return
 * BS_E_IO (a full disk or a closed pipe must not look like success). */
int cli_write_error(void);

/* After "the id prefix matches N records": list them (id and kind, at
 * most RECID_CANDIDATES) on stderr so that a person can pick one. */
void cli_print_candidates(struct localdb *db, const char *kind, const char *prefix);

/* Say that the local database could not be read; returns rv. */
int cli_db_error(int rv);

/* local_lookup_project and local_lookup_unit: client/core/save.h. */

/* A file to attach (a site photo, a piece of evidence): check that arg is a
 * regular, non-empty file of at most BS_MAX_FILE_BYTES and hash it with
 * BLAKE2b-256.  what_zh/what_en name it in messages ("照片"/"photo").
 * *path gets its absolute path (malloc'd).  Explains failures on stderr:
 * BS_E_NOTFOUND (cannot open or resolve), BS_E_INVAL (not a regular file,
 * empty), BS_E_TOOBIG (too big, or a path too long), BS_E_IO, BS_E_NOMEM. */
int cli_file_hash(const char *arg, const char *what_zh, const char *what_en, char **path,
		  uint64_t *size, uint8_t hash[LDB_HASH_LEN]);

#endif
