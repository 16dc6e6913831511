/* layout.h - the frame of every page: the header with this device's unit
 * and role, the navigation (one entry per page, the current one marked),
 * the CSRF token for scripts, a notice line, and the end.  A form that
 * changes anything includes layout_csrf_input. */
#ifndef BS_UI_LAYOUT_H
#define BS_UI_LAYOUT_H
#include <stdint.h>

#include "http.h"

/* The navigation entries; active names one ("today", "projects", ...). */
void layout_begin(struct http_req *rq, struct http_resp *rs, const char *title,
		  const char *active);
void layout_end(struct http_req *rq, struct http_resp *rs);
/* <input type=hidden name=_csrf value=...> */
void layout_csrf_input(struct http_req *rq, struct hbuf *b);
/* A notice box: kind "ok", "warn" or "error"; text escaped. */
void layout_notice(struct hbuf *b, const char *kind, const char *text);
/* The notice named by the request's ?ok= / ?err= code (fixed texts only:
 * nothing from the query is shown). */
void layout_flash(struct http_req *rq, struct hbuf *b);
/* A page saying something went wrong, status (e.g. 404, 500), with text. */
void layout_error(struct http_req *rq, struct http_resp *rs, int status, const char *zh,
		  const char *en);
/* "2026-11-23 17:03" in Beijing time, or "—" for 0. */
void layout_time(struct hbuf *b, int64_t ms);

/* A size in bytes for people: "820 KB", "3.4 MB". */
void layout_bytes(struct hbuf *b, uint64_t n);
/* The address of the form that edits record uid of kind (a new one when
 * uid is NULL): /projects/edit, /weekly/edit, /kinds/edit?kind=...
 * Written as an href value (escaped). */
void layout_edit_href(struct hbuf *b, const char *kind, const char *uid);

#endif
