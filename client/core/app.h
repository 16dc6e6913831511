/* app.h - what every baosong command shares: the data directory
 * ($BAOSONG_DIR, default ~/.baosong, or --dir), its key, its local database
 * and the run lock.
 *
 *   DIR/client.key, DIR/client.key.pub   this device's key pair
 *   DIR/baosong.db                       local records, outbox, settings
 *   DIR/sync.lock                        held by a running sync
 *   DIR/files/<hash>, DIR/cache/<hash>   attachments entered here (attach.h),
 *                                        and fetched to be shown (photocache.h) */
#ifndef BS_CLIENT_APP_H
#define BS_CLIENT_APP_H

#include "keys.h"
#include "localdb.h"

struct app {
	char dir[4096];
	char key_path[4200];
	char db_path[4200];
	char lock_path[4200];
	struct localdb *db;
	int lock_fd;
};

/* Resolve the directory (dir_arg, else $BAOSONG_DIR, else ~/.baosong),
 * creating it (0700) if create.  Opens nothing. */
int app_init(struct app *a, const char *dir_arg, int create);
struct app_server;

/* An app that app_close accepts before app_init ran. */
void app_blank(struct app *a);
/* For commands: app_init + app_open_db, and (with srv) app_server,
 * explaining any failure on stderr.  BS_E_NOTFOUND (with a hint) before
 * `baosong init`.  a is always safe to app_close afterwards. */
int app_open_cli(const char *dir, struct app *a, struct app_server *srv);

/* Open the local database (creating it). */
int app_open_db(struct app *a);
/* Take the run lock without waiting: BS_E_LOCKED if another run has it. */
int app_lock(struct app *a);
void app_close(struct app *a);

/* The settings a sync needs, from the local database. */
struct app_server {
	char addr[300];
	uint8_t pub[KEY_LEN];
	int64_t device_id, unit_id;
	int role;
	char unit_name[256];
};
/* BS_E_NOTFOUND (with a hint printed) if `baosong init` has not run. */
int app_server(struct app *a, struct app_server *out);

/* The stamp of this device's next handshake (localdb_hello_ns at now),
 * opening the local database if needed. */
int app_hello_ns(struct app *a, uint64_t *out);

struct session;
/* Open a secure session with srv using this device's key (read, used and
 * wiped here).  A key that cannot be read is explained on stderr; a session
 * that fails or is refused too when report is set, else only logged (the
 * unattended sync retries and reports at the end). */
int app_connect(struct app *a, const struct app_server *srv, struct session *s,
		unsigned timeout_ms, int report);

#endif
