/* recid.c - ids and hashes by prefix. */
#include "recid.h"

#include <assert.h>
#include <stdio.h>
#include <string.h>

#include "err.h"

void recid_hex(const uint8_t *bin, size_t len, char *out)
{
	static const char hx[] = "0123456789abcdef";
	size_t i;
	for (i = 0; i < len; i++) {
		out[2 * i] = hx[bin[i] >> 4];
		out[2 * i + 1] = hx[bin[i] & 15];
	}
	out[2 * len] = '\0';
}

/* arg lowercased into out if it is 6..max hex characters. */
static int norm_hex(const char *arg, size_t max, char *out)
{
	size_t n = strlen(arg), i;
	if (n < RECID_PREFIX_MIN || n > max)
		return BS_E_INVAL;
	for (i = 0; i < n; i++) {
		char c = arg[i];
		if (c >= 'A' && c <= 'F')
			c = (char)(c - 'A' + 'a');
		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
			return BS_E_INVAL;
		out[i] = c;
	}
	out[n] = '\0';
	return BS_OK;
}

static void add_match(struct recid_found *f, const char *text, const char *kind)
{
	size_t k;
	for (k = 0; k < f->ncand; k++)
		if (strcmp(f->cand[k], text) == 0)
			return; /* the same hash in two records is one file */
	if (f->ncand < RECID_CANDIDATES) {
		snprintf(f->cand[f->ncand], sizeof f->cand[0], "%s", text);
		snprintf(f->cand_kind[f->ncand], sizeof f->cand_kind[0], "%s", kind);
		f->ncand++;
	}
	f->count++;
}

struct walk {
	char prefix[2 * LDB_HASH_LEN + 1];
	size_t len;
	struct recid_found *f;
	int hashes;
};

static int match(void *ctx, const struct lrecord *r)
{
	struct walk *w = ctx;
	size_t i;
	if (!w->hashes) {
		if (strncmp(r->uid, w->prefix, w->len) == 0)
			add_match(w->f, r->uid, r->kind);
		return 0;
	}
	for (i = 0; i < r->n_attachments; i++) {
		char hex[2 * LDB_HASH_LEN + 1];
		recid_hex(r->attachments[i], LDB_HASH_LEN, hex);
		if (strncmp(hex, w->prefix, w->len) == 0)
			add_match(w->f, hex, r->kind);
	}
	return 0;
}

int recid_record(struct localdb *db, const char *kind, const char *arg, struct recid_found *out)
{
	struct walk w;
	int rv;
	assert(db && arg && out);
	memset(out, 0, sizeof *out);
	memset(&w, 0, sizeof w);
	if (norm_hex(arg, REC_UID_LEN, w.prefix) != BS_OK)
		return BS_E_INVAL;
	w.len = strlen(w.prefix);
	w.f = out;
	if ((rv = localdb_record_each(db, kind, 0, match, &w)) != BS_OK)
		return rv;
	if (out->count == 0)
		return BS_E_NOTFOUND;
	if (out->count > 1)
		return BS_E_INVAL;
	memcpy(out->uid, out->cand[0], REC_UID_LEN + 1);
	return BS_OK;
}

int recid_hash(struct localdb *db, const char *arg, struct recid_found *out)
{
	struct walk w;
	size_t i;
	int rv;
	assert(db && arg && out);
	memset(out, 0, sizeof *out);
	memset(&w, 0, sizeof w);
	if (norm_hex(arg, 2 * LDB_HASH_LEN, w.prefix) != BS_OK)
		return BS_E_INVAL;
	w.len = strlen(w.prefix);
	w.f = out;
	w.hashes = 1;
	if (w.len < 2 * LDB_HASH_LEN) {
		if ((rv = localdb_record_each(db, NULL, 0, match, &w)) != BS_OK)
			return rv;
		if (out->count == 0)
			return BS_E_NOTFOUND;
		if (out->count > 1)
			return BS_E_INVAL;
	} else {
		snprintf(out->cand[0], sizeof out->cand[0], "%s", w.prefix);
		out->count = out->ncand = 1;
	}
	for (i = 0; i < LDB_HASH_LEN; i++) {
		unsigned hi = (unsigned)(out->cand[0][2 * i] <= '9' ? out->cand[0][2 * i] - '0'
								   : out->cand[0][2 * i] - 'a' + 10);
		unsigned lo = (unsigned)(out->cand[0][2 * i + 1] <= '9'
						 ? out->cand[0][2 * i + 1] - '0'
						 : out->cand[0][2 * i + 1] - 'a' + 10);
		out->hash[i] = (uint8_t)(hi << 4 | lo);
	}
	return BS_OK;
}
