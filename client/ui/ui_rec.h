/* ui_rec.h - what the record pages (项目库, 周报, 其他报表) share: a record's
 * state as tags, its photos as thumbnails, the distinct values a filter
 * offers, and reading a filter from the query with its length checked. */
#ifndef BS_UI_REC_H
#define BS_UI_REC_H
#include <stddef.h>

#include "http.h"
#include "localdb.h"

#define UI_FILTER_MAX 200u  /* bytes of one filter value; longer ones are ignored */
#define UI_CHOICES_MAX 5000u /* distinct values a drop-down offers */

/* The state of r as tags: 被拒 / 冲突 / 退回 / 待审 / 已通过 / 锁定
 * (field_review_word) and 待发送 while changes wait for a sync. */
void ui_rec_state(struct hbuf *b, const struct lrecord *r);
/* The reviewer's comment of a returned record, as a notice above its form;
 * nothing for any other record. */
void ui_rec_returned_notice(struct hbuf *b, const struct lrecord *r);

/* Thumbnails of hashes (n of them), each a link to the full photo
 * (/photo?h=HEX).  Nothing for n == 0 unless none_text is given. */
void ui_rec_thumbs(struct hbuf *b, const uint8_t (*hashes)[LDB_HASH_LEN], size_t n,
		   const char *none_text);

/* The same, each with a box named input (value: its hash in hex) to
 * take it off the record. */
void ui_rec_thumbs_removable(struct hbuf *b, const uint8_t (*hashes)[LDB_HASH_LEN], size_t n,
			     const char *input);

/* A set of distinct strings, kept sorted (for the options of a filter). */
struct ui_choices {
	char **v;
	size_t n, cap;
};
/* Add s (nothing for NULL, "", a duplicate, or past UI_CHOICES_MAX).
 * 0 or BS_E_NOMEM. */
int ui_choices_add(struct ui_choices *c, const char *s);
void ui_choices_free(struct ui_choices *c);
/* <option>s: an empty one labelled any_label, then each value, the one
 * equal to selected marked. */
void ui_choices_options(struct hbuf *b, const struct ui_choices *c, const char *any_label,
			const char *selected);

/* The query value name if present, non-empty and at most UI_FILTER_MAX
 * bytes; else NULL. */
const char *ui_filter(const struct http_req *rq, const char *name);

#endif
