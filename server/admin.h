/* admin.h - administrator commands of baosongd that work directly on the
 * database file (init, unit, token, device, backup, audit).  They open their own
 * store handle, so they may run while `baosongd serve` uses the same file:
 * SQLite serialises the writers (busy timeout) and WAL keeps readers apart. */
#ifndef BS_ADMIN_H
#define BS_ADMIN_H

/* Whether cmd ("unit", "token", ...) is an administrator command. */
int admin_is_command(const char *cmd);

/* Run the command argv[0] with its arguments; returns the exit status
 * (0, 64 for usage errors, otherwise cli_exit_code() of the failure). */
int admin_main(int argc, char **argv);

/* The lines the top-level usage shows for these commands. */
const char *admin_usage_summary(void);

/* ---- shared by the administrator command files (admin.c, admin_assess.c) ---- */

#include <stdint.h>
#include <stddef.h>

#include "records.h"
#include "store.h"

#define ADMIN_WHEN_LEN 32 /* "YYYY-MM-DD HH:MM:SS" and room to spare */

int64_t admin_now_ms(void);
/* ms as Asia/Shanghai "YYYY-MM-DD HH:MM[:SS]". */
void admin_format_local(int64_t ms, int seconds, char out[ADMIN_WHEN_LEN]);
/* Open the database (checks the file's mode); returns an exit status. */
int admin_open_db(const char *path, int readonly, struct store **st);
/* Append an audit row for the command line (actor 0). */
int admin_audit(struct store *st, int64_t now, const char *action, const char *kind,
		const char *subject, uint64_t rev, const uint8_t *after, size_t after_len,
		const char *detail);
/* The "record.put" audit row of a record the command line wrote (r as
 * store_record_put left it: rev set; its owner r->unit_id is recorded). */
int admin_audit_record(struct store *st, int64_t now, const struct record *r);
/* A uid for a record the server writes: random like a device's, so no
 * device can know it before it is published and claim it first. */
void admin_record_uid(char out[REC_UID_LEN + 1]);
/* Commit when rv is 0, else roll back; returns rv or the commit's error. */
int admin_finish(struct store *st, int rv);
/* "baosongd: ...: reason" on stderr; returns the exit status for rv. */
int admin_fail(int rv, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int admin_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* scheme, assess, export (server/admin_assess.c). */
int admin_assess_main(int argc, char **argv);
/* For `audit verify`: every publication's digest, its audit row and its
 * results recomputed from its stored inputs and scheme version; each
 * problem is passed to bad and counted in *problems. */
int admin_assess_verify_all(struct store *st, uint64_t *problems,
			    void (*bad)(void *ctx, uint64_t seq, const char *why), void *ctx);

#endif
