/* ui_form.h - a record kind's form on a page: the fields client/core's
 * form_fields() describes, drawn as inputs (drop-downs for enums, projects,
 * units and leaders from the local records; money in 万元), filled from a
 * record or from what was submitted, and turned back into the record with
 * form_apply() — the same rules and messages as the command line.  A
 * refused value is shown next to its field (class "field bad" and a
 * <div class="msg">), the other values kept as typed.
 *
 * Inputs are named "f_" + the field's name.  Files (photos, evidence) are
 * uploaded bytes: ui_form_upload writes one to a private temporary file
 * in the data directory and hashes it (form_hash_file), so that save.h
 * keeps it in the attachment store like a file named on the command line;
 * ui_form_free removes the temporary files. */
#ifndef BS_UI_FORM_H
#define BS_UI_FORM_H
#include <stddef.h>

#include "entry.h"
#include "form.h"
#include "http.h"
#include "records.h"

#define UI_FORM_MSG 600u

struct ui_form {
	struct http_req *rq;
	const char *kind;
	struct form_field ff[FORM_FIELDS_MAX];
	size_t n;
	char *val[FORM_FIELDS_MAX];      /* the text of each input (malloc'd), NULL: empty */
	int hidden[FORM_FIELDS_MAX];     /* sent as a hidden input, not drawn */
	char bad[64];                    /* the field a refused value belongs to */
	char bad_msg[UI_FORM_MSG];       /* its message */
	char msg[UI_FORM_MSG];           /* an error not about one field */
	char dup[LDB_UID_MAX + 1];       /* the record of the same key (save_record) */
	char tmp[REC_ATTACH_MAX][4300];  /* temporary copies of uploads */
	size_t ntmp;
};

/* Start a form of kind for request rq.  BS_E_UNSUPPORTED for an unknown
 * kind. */
int ui_form_init(struct ui_form *uf, const char *kind, struct http_req *rq);
/* Free the values and remove the temporary files. */
void ui_form_free(struct ui_form *uf);

/* The index of field name, or -1. */
int ui_form_index(const struct ui_form *uf, const char *name);
/* Set the text of field name (copied); nothing if the form has no such field. */
void ui_form_set(struct ui_form *uf, const char *name, const char *text);
/* Draw field name as a hidden input (its value is fixed by the page). */
void ui_form_hide(struct ui_form *uf, const char *name);
/* Every value as a person would type it, from message m of the kind. */
void ui_form_from_msg(struct ui_form *uf, const ProtobufCMessage *m);
/* Every value from the submitted form (inputs f_NAME). */
void ui_form_from_request(struct ui_form *uf);

/* Put the values into m (a message of the kind, from form_message; old is
 * the record's message before, or NULL, for the KEY=VALUE entries a
 * person removed).  Files of evidence entries come from the uploads.
 * 0, or the error of form_apply with uf->bad / uf->bad_msg (or uf->msg)
 * set. */
int ui_form_apply(struct ui_form *uf, struct form *fm, ProtobufCMessage *m,
		  const ProtobufCMessage *old);
/* Show err (a refused field, as records_validate or form_apply fill it)
 * next to its field, or in uf->msg if it names none of the form's. */
void ui_form_error(struct ui_form *uf, const struct rec_error *err);

/* Draw the fields (not the <form> element, not the buttons). */
void ui_form_fields(struct ui_form *uf, struct hbuf *b);
/* The notices above a form: uf->msg, and that a field needs fixing. */
void ui_form_notices(struct ui_form *uf, struct hbuf *b);

/* Write upload f (a file field of the request) to a temporary file of
 * this form and hash it into out (form_hash_file).  0, or BS_E_* with err
 * filled (Chinese, then English). */
int ui_form_upload(struct ui_form *uf, const struct http_field *f, struct form_file *out,
		   struct rec_error *err);

/* The warnings of a save, kept for the page the browser is sent to next
 * (one at a time: the pages run one at a time), and shown there once when
 * it shows record uid. */
void ui_form_warn_keep(const char *uid, const struct entry_warnings *w);
void ui_form_warn_show(struct hbuf *b, const char *uid);

#endif
