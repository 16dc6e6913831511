/* page_sync.c - 同步: the button, the progress bar (photo bytes sent and the
 * time left at the rate so far, polled by the page's script from
 * /sync/status) and the summary of the last sync (ui_sync.c). */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "clock.h"
#include "err.h"
#include "layout.h"
#include "localdb.h"
#include "pages.h"
#include "syncrun.h"
#include "ui.h"
#include "ui_sync.h"

/* "3.2 MB / 10.0 MB，约剩 12 秒" */
static void progress_text(const struct ui_sync_state *s, char *out, size_t cap)
{
	int64_t spent = bs_now_ms() - s->started_ms;
	int n;

	if (!s->running) {
		snprintf(out, cap, "%s", s->text);
		return;
	}
	n = snprintf(out, cap, "%s", s->text);
	if (n < 0 || (size_t)n >= cap || s->bytes_total == 0)
		return;
	n += snprintf(out + n, cap - (size_t)n, "：%.1f MB / %.1f MB", (double)s->bytes_done / 1e6,
		      (double)s->bytes_total / 1e6);
	if (n > 0 && (size_t)n < cap && s->bytes_sent > 0 && spent > 500) {
		double left = (double)(s->bytes_total - s->bytes_done) * (double)spent /
			      (double)s->bytes_sent / 1000.0;
		snprintf(out + n, cap - (size_t)n, "，约剩 %.0f 秒", left);
	}
}

void page_sync_status(struct http_req *rq, struct http_resp *rs)
{
	struct ui_sync_state s;
	char text[1024];

	ui_sync_state(rq->ui, &s);
	progress_text(&s, text, sizeof text);
	rs->ctype = "application/json; charset=utf-8";
	hb_printf(&rs->body,
		  "{\"started\":%s,\"running\":%s,\"ok\":%s,\"done\":%" PRIu64 ",\"total\":%" PRIu64
		  ",\"text\":",
		  s.started ? "true" : "false", s.running ? "true" : "false",
		  s.started && !s.running && s.rv == BS_OK ? "true" : "false", s.bytes_done,
		  s.bytes_total);
	hb_json_str(&rs->body, text);
	hb_put(&rs->body, "}");
}

void page_sync_start(struct http_req *rq, struct http_resp *rs)
{
	int rv = ui_sync_start(rq->ui);

	if (rv != BS_OK && rv != BS_E_BUSY) {
		layout_error(rq, rs, 500, "无法启动同步（内存不足）。", "Could not start a sync.");
		return;
	}
	http_redirect(rs, "/sync");
}

void page_sync(struct http_req *rq, struct http_resp *rs)
{
	struct hbuf *b = &rs->body;
	struct ui_sync_state s;
	struct localdb *db = rq->ui->app.db;
	unsigned pending = 0, refused = 0, conflicts = 0;
	int64_t ok = 0;
	char text[1024], err[SYNC_NOTE_MAX] = "";
	int64_t failed_ms = 0;
	int failed;

	ui_sync_state(rq->ui, &s);
	localdb_counts(db, &pending, &refused, &conflicts);
	localdb_meta_get_int(db, "last_sync_ok", &ok);
	failed = sync_last_failure(db, &failed_ms, err, sizeof err);
	layout_begin(rq, rs, "同步", "sync");
	hb_put(b, "<p>同步会先上传照片和附件，再按顺序报送本机的修改，最后取回服务器上的变化"
		  "（审核意见、排名、其他单位发布的数据）。服务器连不上时，数据留在本机，下次同步继续。</p>");
	hb_printf(b, "<p>待报送的修改：<b id=\"pending\">%u</b> 条；被拒：%u；冲突：%u。上次成功同步：",
		  pending, refused, conflicts);
	layout_time(b, ok);
	hb_put(b, "</p>");
	progress_text(&s, text, sizeof text);
	if (s.running) {
		hb_printf(b, "<div id=\"sync-live\" data-running=\"1\" data-reload=\"1\">"
			     "<progress max=\"%" PRIu64 "\" value=\"%" PRIu64 "\"></progress>"
			     "<p class=\"txt\" aria-live=\"polite\">",
			  s.bytes_total ? s.bytes_total : 1, s.bytes_done);
		hb_esc(b, text);
		hb_put(b, "</p></div>");
	}
	if (s.started && !s.running) {
		hb_put(b, "<section class=\"card\" id=\"summary\"><h2>本次同步</h2>");
		if (s.rv == BS_OK) {
			hb_printf(b, "<p class=\"tag ok\">同步完成</p><ul><li>服务器已确认 %u 条修改"
				     "（重放 %u）</li><li>取回 %u 条</li><li>上传 %u 个文件，%.1f MB"
				     "</li><li>冲突 %u，被拒 %u</li></ul>",
				  s.st.applied, s.st.replayed, s.st.pulled, s.st.files_uploaded,
				  (double)s.st.bytes_uploaded / 1e6, s.st.conflicts, s.st.rejected);
			if (s.refused || s.conflicts)
				layout_notice(b, "warn", "有修改被拒绝或冲突，请到今日待办处理。"
							 "Some changes need attention: see 今日待办.");
		} else {
			layout_notice(b, "error", s.text);
		}
		hb_put(b, "</section>");
	} else if (failed && !s.running) {
		hb_put(b, "<p class=\"msg\">上次同步失败（");
		layout_time(b, failed_ms);
		hb_put(b, "）：");
		hb_esc(b, err);
		hb_put(b, "</p>");
	}
	hb_put(b, "<form method=\"post\" action=\"/sync/start\" class=\"actions\">");
	layout_csrf_input(rq, b);
	hb_printf(b, "<button class=\"pri\" type=\"submit\" id=\"sync-now\"%s>立即同步</button></form>",
		  s.running ? " disabled" : "");
	layout_end(rq, rs);
}
