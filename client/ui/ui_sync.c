/* ui_sync.c - see ui_sync.h. */
#include "ui_sync.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "clock.h"
#include "err.h"
#include "explain.h"
#include "localdb.h"
#include "syncrun.h"
#include "ui.h"

#define UI_SYNC_TIMEOUT_MS 30000u

struct sync_job {
	pthread_mutex_t mu;
	pthread_t th;
	char dir[4096];
	char cur_path[4200]; /* the file uploading, and how far it is */
	uint64_t cur_done;
	struct ui_sync_state s;
};

/* Progress per file: a new path starts at the offset the server already
 * holds (counted as done, not as sent now); later calls add what was sent
 * since the last one. */
static void on_upload(void *ctx, const char *path, uint64_t done, uint64_t total)
{
	struct sync_job *j = ctx;

	(void)total;
	pthread_mutex_lock(&j->mu);
	if (strcmp(path, j->cur_path) != 0) {
		snprintf(j->cur_path, sizeof j->cur_path, "%s", path);
		j->s.bytes_done += done;
	} else if (done > j->cur_done) {
		j->s.bytes_done += done - j->cur_done;
		j->s.bytes_sent += done - j->cur_done;
	}
	j->cur_done = done;
	if (j->s.bytes_done > j->s.bytes_total)
		j->s.bytes_total = j->s.bytes_done;
	snprintf(j->s.text, sizeof j->s.text, "正在上传照片和附件 uploading attachments");
	pthread_mutex_unlock(&j->mu);
}

static int add_unsent(void *ctx, const uint8_t hash[LDB_HASH_LEN], const char *path, uint64_t size)
{
	uint64_t *total = ctx;

	(void)hash;
	(void)path;
	*total += size;
	return 0;
}

static void *run(void *arg)
{
	struct sync_job *j = arg;
	struct app a;
	struct sync_opts so;
	struct sync_stats st;
	enum explain_step step = EXPLAIN_LOCAL;
	char addr[300] = "", why[768] = "";
	unsigned pend = 0, quar = 0, conf = 0;
	uint64_t total = 0;
	int rv;

	memset(&so, 0, sizeof so);
	memset(&st, 0, sizeof st);
	so.on_upload = on_upload;
	so.upload_ctx = j;
	app_blank(&a);
	rv = app_init(&a, j->dir, 0);
	if (rv == BS_OK)
		rv = app_open_db(&a);
	if (rv == BS_OK && (rv = app_lock(&a)) != BS_OK)
		client_explain(rv, EXPLAIN_LOCAL, NULL, a.lock_path, why, sizeof why);
	else if (rv != BS_OK)
		client_explain(rv, EXPLAIN_LOCAL, NULL, a.db_path, why, sizeof why);
	if (rv == BS_OK) {
		localdb_file_each_unsent(a.db, add_unsent, &total);
		pthread_mutex_lock(&j->mu);
		j->s.bytes_total = total;
		snprintf(j->s.text, sizeof j->s.text, "正在连接服务器 connecting");
		pthread_mutex_unlock(&j->mu);
		rv = sync_round(&a, SYNC_MODE_SYNC, UI_SYNC_TIMEOUT_MS, &so, &st, &step, addr);
		if (rv != BS_OK)
			client_explain(rv, step, addr, step == EXPLAIN_LOCAL ? a.db_path : NULL, why,
				       sizeof why);
		sync_note_result(&a, rv, why);
		localdb_counts(a.db, &pend, &quar, &conf);
	}
	app_close(&a);
	pthread_mutex_lock(&j->mu);
	j->s.running = 0;
	j->s.rv = rv;
	j->s.st = st;
	j->s.pending = pend;
	j->s.refused = quar;
	j->s.conflicts = conf;
	j->s.finished_ms = bs_now_ms();
	if (rv == BS_OK)
		snprintf(j->s.text, sizeof j->s.text, "同步完成 sync done");
	else
		snprintf(j->s.text, sizeof j->s.text, "同步失败：%s%s", why,
			 bs_err_retryable(rv) && strstr(why, "数据未丢失") == NULL
				 ? "；本机数据未丢失，稍后再试"
				 : "");
	pthread_mutex_unlock(&j->mu);
	return NULL;
}

int ui_sync_start(struct ui *ui)
{
	struct sync_job *j = ui->sync;

	if (j != NULL) {
		int running;

		pthread_mutex_lock(&j->mu);
		running = j->s.running;
		pthread_mutex_unlock(&j->mu);
		if (running)
			return BS_E_BUSY;
		pthread_join(j->th, NULL);
		pthread_mutex_destroy(&j->mu);
		free(j);
		ui->sync = NULL;
	}
	if ((j = calloc(1, sizeof *j)) == NULL)
		return BS_E_NOMEM;
	pthread_mutex_init(&j->mu, NULL);
	snprintf(j->dir, sizeof j->dir, "%s", ui->dir);
	j->s.started = 1;
	j->s.running = 1;
	j->s.started_ms = bs_now_ms();
	snprintf(j->s.text, sizeof j->s.text, "正在准备 starting");
	if (pthread_create(&j->th, NULL, run, j) != 0) {
		pthread_mutex_destroy(&j->mu);
		free(j);
		return BS_E_NOMEM;
	}
	ui->sync = j;
	return BS_OK;
}

void ui_sync_state(struct ui *ui, struct ui_sync_state *out)
{
	memset(out, 0, sizeof *out);
	if (ui->sync == NULL)
		return;
	pthread_mutex_lock(&ui->sync->mu);
	*out = ui->sync->s;
	pthread_mutex_unlock(&ui->sync->mu);
}

void ui_sync_stop(struct ui *ui)
{
	if (ui->sync == NULL)
		return;
	pthread_join(ui->sync->th, NULL);
	pthread_mutex_destroy(&ui->sync->mu);
	free(ui->sync);
	ui->sync = NULL;
}
