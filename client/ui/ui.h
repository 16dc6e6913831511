/* ui.h - `baosong ui`: the local web page clerks, reviewers and leaders
 * work in.  One process serves one data directory on a loopback address
 * (client/ui/http.c); every page reads and writes through the client core
 * (client/core: the local database, outbox, validation, sync), the same
 * code the command line uses.
 *
 * The pages run one at a time on the HTTP server's thread and share ui->app
 * (the local database).  A sync runs on a thread of its own with its own
 * handle (client/ui/sync_job.c). */
#ifndef BS_UI_UI_H
#define BS_UI_UI_H
#include <stdint.h>

#include "app.h"
#include "http.h"
#include "records.h"

struct sync_job;

struct ui {
	struct app app;          /* the data directory, its database open */
	struct app_server srv;   /* this device: server, unit, role */
	char dir[4096];          /* the data directory, for a sync's own handle */
	char csrf[HTTP_SECRET_HEX + 1];
	struct sync_job *sync;   /* the running or last sync, or NULL */
};

/* `baosong ui [--port N] [--no-open] [--listen ADDR] [--dir DIR]`. */
int cmd_ui(int argc, char **argv);

/* Answer one request that passed http.c's checks (routes.c). */
void ui_route(struct http_req *rq, struct http_resp *rs);

/* The roles that may review (as the server allows): 审核 and its queue. */
#define UI_REVIEW_ROLES                                                                    \
	(REC_ROLE_BIT(REC_ROLE_REVIEWER) | REC_ROLE_BIT(REC_ROLE_STATISTICS) |             \
	 REC_ROLE_BIT(REC_ROLE_LEADER) | REC_ROLE_BIT(REC_ROLE_ADMIN))

/* The role of this device may do what REC_ROLE_BIT()s in mask allow. */
int ui_role_in(const struct ui *ui, unsigned mask);

#endif
