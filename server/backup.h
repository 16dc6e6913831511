/* backup.h - the nightly backups of baosongd (`baosongd backup --dir`):
 * naming, the check of a copy, and pruning to a retention count.
 *
 * A backup set is a directory of copies named
 *   baosong-YYYYMMDD-HHMMSS.db        (Asia/Shanghai time of the run)
 *   baosong-YYYYMMDD-HHMMSS.db.audit-key
 * (a "-N" before ".db" when two runs share a second).  A copy that failed
 * its check is renamed NAME.failed (and NAME.failed.audit-key): it is kept
 * for inspection and never counted or pruned.
 *
 * Settings come from the [backup] section of baosongd.ini:
 *   [backup]
 *   dir = /var/lib/baosong/backups   ; default: DATA/backups
 *   keep = 14                        ; checked copies kept, 1..10000 */
#ifndef BS_BACKUP_H
#define BS_BACKUP_H

#include <stddef.h>
#include <stdint.h>

#define BACKUP_KEEP_DEFAULT 14u
#define BACKUP_KEEP_MAX 10000u
#define BACKUP_PATH_MAX 4096

struct backup_config {
	char db[BACKUP_PATH_MAX];  /* [server] data + "/baosong.db", "" if unset */
	char dir[BACKUP_PATH_MAX]; /* [backup] dir, else DATA/backups, "" if neither */
	unsigned keep;             /* [backup] keep, else BACKUP_KEEP_DEFAULT */
};

/* Whether name = value is a valid [backup] setting (for config_load). */
int backup_setting_ok(const char *name, const char *value);

/* Read the backup settings from the INI file path (other sections are
 * left to config_load).  On error, err says what. */
int backup_config_load(const char *path, struct backup_config *bc, char *err, size_t errcap);

/* Make dir (mode 0700) when missing, then a new copy's path in it for the
 * instant now_ms: out gets DIR/baosong-YYYYMMDD-HHMMSS[-N].db, a name not
 * yet taken. */
int backup_new_path(const char *dir, int64_t now_ms, char *out, size_t cap);

/* PRAGMA integrity_check on the copy at path.  BS_OK when it says "ok";
 * otherwise BS_E_CORRUPT (first problem in why) or the open's error. */
int backup_integrity_check(const char *path, char *why, size_t cap);

/* After a check: remove the empty -wal and the -shm that opening the
 * copy left beside it, so a copy is one file and its key. */
void backup_tidy(const char *path);

/* Rename a copy that failed its check (and its key) to PATH.failed. */
int backup_set_aside(const char *path, char *out, size_t cap);

/* Delete the oldest copies in dir beyond the newest keep (each with its
 * audit key and any -wal/-shm); *pruned counts the copies deleted.  The
 * names deleted are logged. */
int backup_prune(const char *dir, unsigned keep, unsigned *pruned);

#endif
