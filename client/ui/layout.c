/* layout.c - see layout.h. */
#include "layout.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "records.h"
#include "ui.h"

struct nav {
	const char *id, *href, *label;
	unsigned roles; /* 0: everyone */
};

static const struct nav NAV[] = {
	{"today", "/", "今日待办", 0},
	{"projects", "/projects", "项目库", 0},
	{"weekly", "/weekly", "周报", 0},
	{"kinds", "/kinds", "其他报表", 0},
	{"import", "/import", "导入", 0},
	{"sync", "/sync", "同步", 0},
	{"review", "/review", "审核", UI_REVIEW_ROLES},
	{"rank", "/rank", "排名", 0},
	{"dashboard", "/dashboard", "看板", 0},
};

static const char *role_zh(int role)
{
	switch (role) {
	case REC_ROLE_REPORTER: return "填报员";
	case REC_ROLE_REVIEWER: return "审核员";
	case REC_ROLE_STATISTICS: return "统计员";
	case REC_ROLE_LEADER: return "领导";
	case REC_ROLE_ADMIN: return "管理员";
	default: return "未知角色";
	}
}

void layout_begin(struct http_req *rq, struct http_resp *rs, const char *title,
		  const char *active)
{
	struct hbuf *b = &rs->body;
	const struct ui *ui = rq->ui;
	size_t i;

	hb_put(b, "<!doctype html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
		  "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
		  "<title>");
	hb_esc(b, title);
	hb_put(b, " · 报送</title><link rel=\"stylesheet\" href=\"/static/app.css\">"
		  "<link rel=\"icon\" href=\"data:,\">"
		  "<script src=\"/static/app.js\" defer></script>"
		  "<meta name=\"csrf\" content=\"");
	hb_esc(b, ui->csrf);
	hb_put(b, "\"></head><body><a class=\"skip\" href=\"#main\">跳到正文</a>"
		  "<header class=\"top\"><div class=\"brand\">报送 <small>重点项目报送系统</small></div>"
		  "<div class=\"who\">");
	hb_esc(b, ui->srv.unit_name[0] ? ui->srv.unit_name : "（未命名单位）");
	hb_put(b, " · ");
	hb_esc(b, role_zh(ui->srv.role));
	hb_put(b, "</div></header><nav class=\"nav\" aria-label=\"主菜单\"><ul>");
	for (i = 0; i < sizeof NAV / sizeof NAV[0]; i++) {
		if (NAV[i].roles && !ui_role_in(ui, NAV[i].roles))
			continue;
		hb_printf(b, "<li><a href=\"%s\"%s>%s</a></li>", NAV[i].href,
			  active && !strcmp(active, NAV[i].id) ? " aria-current=\"page\"" : "",
			  NAV[i].label);
	}
	hb_put(b, "</ul></nav><main id=\"main\" tabindex=\"-1\"><h1>");
	hb_esc(b, title);
	hb_put(b, "</h1>");
	layout_flash(rq, b);
}

void layout_end(struct http_req *rq, struct http_resp *rs)
{
	(void)rq;
	hb_put(&rs->body, "</main></body></html>\n");
}

void layout_csrf_input(struct http_req *rq, struct hbuf *b)
{
	hb_put(b, "<input type=\"hidden\" name=\"_csrf\" value=\"");
	hb_esc(b, rq->ui->csrf);
	hb_put(b, "\">");
}

void layout_notice(struct hbuf *b, const char *kind, const char *text)
{
	hb_printf(b, "<div class=\"notice %s\" role=\"%s\">", kind,
		  !strcmp(kind, "error") ? "alert" : "status");
	hb_esc(b, text);
	hb_put(b, "</div>");
}

static const char *const FLASH[][3] = {
	{"ok", "saved", "已保存，下次同步时报送。Saved; it is sent by the next sync."},
	{"ok", "unchanged", "没有变化，未保存新的修改。Nothing changed."},
	{"ok", "deleted", "已删除，下次同步时报送。Deleted; sent by the next sync."},
	{"ok", "synced", "同步完成。Sync finished."},
	{"ok", "reviewed", "审核意见已提交。Review recorded."},
	{"ok", "imported", "导入完成，下次同步时报送。Imported; sent by the next sync."},
	{"ok", "resolved", "冲突已处理，下次同步时报送。Conflict resolved."},
	/* 审核 (ui-review) */
	{"ok", "fetched", "照片已从服务器下载。Photos fetched from the server."},
	{"err", "locked", "该记录已审核通过，不能再修改。It is approved and locked."},
	{"err", "notfound", "找不到该记录。No such record."},
	/* 导入, conflicts and refused changes */
	{"ok", "discarded", "已放弃这项修改，本机恢复为服务器上的版本。The change is given up."},
	{"err", "notrefused", "这项修改还在等待发送，不是被拒的修改，不能放弃。"
			      "It is waiting to be sent, not refused."},
};

void layout_flash(struct http_req *rq, struct hbuf *b)
{
	const char *ok = http_query(rq, "ok");
	const char *err = http_query(rq, "err");
	size_t i;

	for (i = 0; i < sizeof FLASH / sizeof FLASH[0]; i++) {
		const char *v = !strcmp(FLASH[i][0], "ok") ? ok : err;

		if (v != NULL && !strcmp(v, FLASH[i][1]))
			layout_notice(b, !strcmp(FLASH[i][0], "ok") ? "ok" : "error", FLASH[i][2]);
	}
}

void layout_error(struct http_req *rq, struct http_resp *rs, int status, const char *zh,
		  const char *en)
{
	char title[32];

	hb_free(&rs->body);
	rs->status = status;
	snprintf(title, sizeof title, "出错了 (%d)", status);
	layout_begin(rq, rs, title, NULL);
	hb_put(&rs->body, "<p>");
	hb_esc(&rs->body, zh);
	hb_put(&rs->body, "</p><p class=\"en\">");
	hb_esc(&rs->body, en);
	hb_put(&rs->body, "</p><p><a href=\"/\">回到今日待办</a></p>");
	layout_end(rq, rs);
}

void layout_time(struct hbuf *b, int64_t ms)
{
	time_t t;
	struct tm tm;
	char s[32];

	if (ms <= 0) {
		hb_put(b, "—");
		return;
	}
	t = (time_t)(ms / 1000) + 8 * 3600; /* Beijing, no daylight saving */
	gmtime_r(&t, &tm);
	strftime(s, sizeof s, "%Y-%m-%d %H:%M", &tm);
	hb_put(b, s);
}

void layout_edit_href(struct hbuf *b, const char *kind, const char *uid)
{
	int generic = strcmp(kind, REC_KIND_PROJECT) != 0 && strcmp(kind, REC_KIND_WEEKLY) != 0;

	if (!generic) {
		hb_put(b, !strcmp(kind, REC_KIND_PROJECT) ? "/projects/edit" : "/weekly/edit");
	} else {
		hb_put(b, "/kinds/edit?kind=");
		hb_url(b, kind);
	}
	if (uid != NULL) {
		hb_put(b, generic ? "&amp;uid=" : "?uid=");
		hb_url(b, uid);
	}
}

void layout_bytes(struct hbuf *b, uint64_t n)
{
	if (n < 1000)
		hb_printf(b, "%u 字节", (unsigned)n);
	else if (n < 1000000)
		hb_printf(b, "%.0f KB", (double)n / 1e3);
	else
		hb_printf(b, "%.1f MB", (double)n / 1e6);
}
