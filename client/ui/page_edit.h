/* page_edit.h - the add / edit form of one record of any kind (page_edit.c):
 * GET draws it (the record's values, or a new one's), POST checks the
 * values with client/core's form and save (role, lock, validation, files,
 * warnings, the queue) and then sends the browser to the record's form
 * with ?ok=saved and the warnings shown once; a refused value re-draws
 * the form (422) with what was typed and the message next to the field.
 * The 项目库 and 其他报表 forms are this one; the 周报 form adds photos. */
#ifndef BS_UI_PAGE_EDIT_H
#define BS_UI_PAGE_EDIT_H
#include "http.h"

struct edit_spec {
	const char *kind;     /* REC_KIND_* */
	const char *nav;      /* the navigation entry marked */
	const char *list_href;/* the list to go back to */
	int can_delete;       /* offer deletion (POST /kinds/delete) */
};

/* GET and POST of the form: the record is ?uid= (GET) or the field uid
 * (POST), none for a new one. */
void page_edit(struct http_req *rq, struct http_resp *rs, const struct edit_spec *sp);

#endif
