/* routes.c - which page answers which request.  A fixed table matched
 * exactly: no part of a request's path is ever used as a file name. */
#include <string.h>

#include "assets.h"
#include "layout.h"
#include "pages.h"
#include "records.h"
#include "ui.h"

struct route {
	const char *method; /* "GET" (HEAD too) or "POST" */
	const char *path;
	void (*fn)(struct http_req *rq, struct http_resp *rs);
};

static void asset_css(struct http_req *rq, struct http_resp *rs)
{
	(void)rq;
	hb_put(&rs->body, UI_CSS);
	rs->ctype = "text/css; charset=utf-8";
	rs->cacheable = 1;
}

static void asset_js(struct http_req *rq, struct http_resp *rs)
{
	(void)rq;
	hb_put(&rs->body, UI_JS);
	rs->ctype = "text/javascript; charset=utf-8";
	rs->cacheable = 1;
}

static const struct route ROUTES[] = {
	{"GET", "/", page_today},
	{"GET", "/sync", page_sync},
	{"POST", "/sync/start", page_sync_start},
	{"GET", "/sync/status", page_sync_status},
	/* 导入, conflicts and refused changes */
	{"GET", "/import", page_import},
	{"POST", "/import/preview", page_import_preview},
	{"POST", "/import/commit", page_import_commit},
	{"GET", "/conflict", page_conflict},
	{"POST", "/conflict/resolve", page_conflict_resolve},
	{"POST", "/refused/discard", page_refused_discard},
	/* records: 项目库, 周报, 其他报表, photos */
	{"GET", "/projects", page_projects},
	{"GET", "/weekly", page_weekly},
	{"GET", "/kinds", page_kinds},
	{"GET", "/projects/edit", page_projects_edit},
	{"POST", "/projects/edit", page_projects_edit},
	{"GET", "/weekly/edit", page_weekly_edit},
	{"POST", "/weekly/edit", page_weekly_edit},
	{"GET", "/kinds/list", page_kinds_list},
	{"GET", "/kinds/edit", page_kinds_edit},
	{"POST", "/kinds/edit", page_kinds_edit},
	{"POST", "/kinds/delete", page_kinds_delete},
	/* 审核, 排名, 看板 (ui-review) */
	{"GET", "/review", page_review},
	{"GET", "/review/item", page_review_item},
	{"POST", "/review/act", page_review_act},
	{"POST", "/review/fetch", page_review_fetch},
	{"GET", "/rank", page_rank},
	{"GET", "/dashboard", page_dashboard},
	{"GET", "/photo", page_photo},
	{"GET", "/static/app.css", asset_css},
	{"GET", "/static/app.js", asset_js},
};

int ui_role_in(const struct ui *ui, unsigned mask)
{
	return ui->srv.role > 0 && ui->srv.role < 32 && (mask & REC_ROLE_BIT(ui->srv.role)) != 0;
}

void ui_route(struct http_req *rq, struct http_resp *rs)
{
	size_t i;
	int path_known = 0;

	for (i = 0; i < sizeof ROUTES / sizeof ROUTES[0]; i++) {
		if (strcmp(rq->path, ROUTES[i].path) != 0)
			continue;
		path_known = 1;
		if (!strcmp(rq->method, ROUTES[i].method)) {
			ROUTES[i].fn(rq, rs);
			return;
		}
	}
	if (path_known)
		layout_error(rq, rs, 405, "这个地址不接受这种请求。", "Method not allowed here.");
	else
		layout_error(rq, rs, 404, "没有这个页面。", "No such page.");
}
