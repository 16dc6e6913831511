#include "pages.h"
#include "layout.h"
void page_dashboard(struct http_req *rq, struct http_resp *rs)
{
	layout_error(rq, rs, 404, "x", "x");
}
