/* pages.h - the page handlers routes.c dispatches to, one file each
 * (client/ui/page_*.c).  Each answers one request: it reads the client
 * core, writes the page into rs->body (layout.h) or redirects after a
 * change (POST, then 303 to a GET page). */
#ifndef BS_UI_PAGES_H
#define BS_UI_PAGES_H
#include <stdint.h>

#include "http.h"

struct ui;

/* 今日待办: the start page (page_today.c). */
void page_today(struct http_req *rq, struct http_resp *rs);

/* 同步 (page_sync.c): the page, POST /sync/start, GET /sync/status (JSON). */
void page_sync(struct http_req *rq, struct http_resp *rs);
void page_sync_start(struct http_req *rq, struct http_resp *rs);
void page_sync_status(struct http_req *rq, struct http_resp *rs);

/* 导入, conflicts and refused changes (page_import.c, page_conflict.c):
 * GET /import, POST /import/preview, POST /import/commit; GET /conflict,
 * POST /conflict/resolve; POST /refused/discard. */
void page_import(struct http_req *rq, struct http_resp *rs);
void page_import_preview(struct http_req *rq, struct http_resp *rs);
void page_import_commit(struct http_req *rq, struct http_resp *rs);
void page_conflict(struct http_req *rq, struct http_resp *rs);
void page_conflict_resolve(struct http_req *rq, struct http_resp *rs);
void page_refused_discard(struct http_req *rq, struct http_resp *rs);

/* ---- records: 项目库, 周报, 其他报表, photos (issue 11) ---- */
/* 项目库 (page_projects.c): the list with filters and search. */
void page_projects(struct http_req *rq, struct http_resp *rs);
/* GET/POST /projects/edit (page_projects.c, page_edit.c): add or change one. */
void page_projects_edit(struct http_req *rq, struct http_resp *rs);
/* 周报 (page_weekly.c): one week's report of each project. */
void page_weekly(struct http_req *rq, struct http_resp *rs);
/* GET/POST /weekly/edit (page_weekly_edit.c): one report with its photos. */
void page_weekly_edit(struct http_req *rq, struct http_resp *rs);
/* 其他报表 (page_kinds.c): the kinds this role writes, and one kind's list. */
void page_kinds(struct http_req *rq, struct http_resp *rs);
void page_kinds_list(struct http_req *rq, struct http_resp *rs);
/* GET/POST /kinds/edit?kind=K[&uid=U]: add or change a record of kind K. */
void page_kinds_edit(struct http_req *rq, struct http_resp *rs);
/* POST /kinds/delete (fields kind, uid): delete where the CLI allows it. */
void page_kinds_delete(struct http_req *rq, struct http_resp *rs);
/* ---- 审核, 排名, 看板 (ui-review) ---- */
/* 审核 (page_review.c): the queue, one record, POST /review/act (approve,
 * return, reopen the ticked records), POST /review/fetch (a record's
 * photos from the server). */
void page_review(struct http_req *rq, struct http_resp *rs);
void page_review_item(struct http_req *rq, struct http_resp *rs);
void page_review_act(struct http_req *rq, struct http_resp *rs);
void page_review_fetch(struct http_req *rq, struct http_resp *rs);
/* 排名 (page_rank.c): the published bulletins and rankings. */
void page_rank(struct http_req *rq, struct http_resp *rs);
/* 看板 (page_dashboard.c): the county at a glance, as SVG. */
void page_dashboard(struct http_req *rq, struct http_resp *rs);

/* ---- photos by content hash (page_photo.c) ---- */
/* GET /photo?h=HEX: a JPEG or PNG from this device's store or cache. */
void page_photo(struct http_req *rq, struct http_resp *rs);
/* 64 hex digits into hash: 0 or BS_E_INVAL. */
int photo_parse_hash(const char *text, uint8_t hash[32]);
/* Whether the file of hash is on this device. */
int photo_here(const struct ui *ui, const uint8_t hash[32]);
/* <img> of the photo (alt escaped), or a "未下载" mark when it is not here. */
void photo_img(struct hbuf *b, const struct ui *ui, const uint8_t hash[32], const char *alt);

#endif
