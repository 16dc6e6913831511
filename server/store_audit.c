/* store_audit.c - the store's audit trail (store.h): the key file, appends,
 * reading rows, and the verifier.  Split from store.c; it uses store.c's
 * statement cache and helpers through store_int.h. */
#include "store.h"
#include "store_int.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "err.h"
#include "log.h"

/* ---- audit trail ----
 *
 * The chain.  Row n of table audit (seq = n = 1, 2, 3 ...) holds
 *
 *   mac_n = BLAKE2b(outlen 32, key K, message prev_mac_n || ROW_n)
 *
 * where K is the 32-byte audit key (the whole file DB.audit-key) used as
 * BLAKE2b's key (RFC 7693 keyed mode; libsodium crypto_generichash with a
 * key), prev_mac_1 is 32 zero bytes and prev_mac_n = mac_(n-1).
 *
 * ROW_n, the canonical encoding of the row, is the concatenation of
 *
 *   STR("baosong-audit-v1")                              (domain tag)
 *   INT(seq) INT(at) INT(unit_id) INT(device_id) INT(role)
 *   STR(action) STR(kind) STR(subject)
 *   INT(rev)
 *   OPT(before) OPT(after) OPT(detail)
 *
 * for rows whose owner column is NULL (every row but record.put and
 * record.review ones, and those written before schema 5); a row with an
 * owner (the unit owning the record the row is about) is encoded as
 *
 *   STR("baosong-audit-v2") and the same fields, then INT(owner)
 *
 * with
 *   INT(v) = v as 8 bytes, big-endian (two's complement; all values here
 *            are >= 0);
 *   STR(b) = INT(number of bytes of b) || the bytes of b (text: its UTF-8
 *            bytes as stored, no terminating NUL);
 *   OPT(b) = STR(b) when the column holds a value (an empty one included),
 *            and for SQL NULL the 8 bytes FF FF FF FF FF FF FF FF alone.
 *
 * Every value is the column's stored value, so a verifier needs only the
 * table and the key: walk rows by seq; seq must go 1, 2, 3 ...; each
 * prev_mac must equal the previous row's mac (zeros for the first); each
 * mac must equal the formula over the row's own prev_mac and columns.
 * (In Python: hashlib.blake2b(prev_mac + ROW, key=K, digest_size=32);
 * tests/integration/test_admin.sh checks a trail that way.) */

#define AUDIT_TAG "baosong-audit-v1"
#define AUDIT_TAG_OWNER "baosong-audit-v2"
#define AUDIT_KEY_SUFFIX ".audit-key"

/* One row's covered fields, as bytes; has_* is 0 for SQL NULL. */
struct audit_raw {
	uint64_t seq;
	int64_t at, unit_id, device_id, role;
	const void *action, *kind, *subject;
	size_t action_len, kind_len, subject_len;
	uint64_t rev;
	const void *before, *after, *detail;
	size_t before_len, after_len, detail_len;
	int has_before, has_after, has_detail;
	int64_t owner;                /* 0: NULL */
};

static void mac_int(crypto_generichash_state *h, uint64_t v)
{
	uint8_t b[8];
	int i;
	for (i = 0; i < 8; i++)
		b[i] = (uint8_t)(v >> (56 - 8 * i));
	crypto_generichash_update(h, b, sizeof b);
}

static void mac_str(crypto_generichash_state *h, const void *p, size_t n)
{
	mac_int(h, (uint64_t)n);
	if (n > 0)
		crypto_generichash_update(h, p, n);
}

static void mac_opt(crypto_generichash_state *h, int has, const void *p, size_t n)
{
	if (has)
		mac_str(h, p, n);
	else
		mac_int(h, UINT64_MAX);
}

/* mac = BLAKE2b-256(key, prev || ROW(r)), as documented above. */
static void audit_mac(const uint8_t key[STORE_AUDIT_KEY_LEN], const uint8_t prev[STORE_HASH_LEN],
		      const struct audit_raw *r, uint8_t mac[STORE_HASH_LEN])
{
	crypto_generichash_state h;

	crypto_generichash_init(&h, key, STORE_AUDIT_KEY_LEN, STORE_HASH_LEN);
	crypto_generichash_update(&h, prev, STORE_HASH_LEN);
	if (r->owner > 0)
		mac_str(&h, AUDIT_TAG_OWNER, strlen(AUDIT_TAG_OWNER));
	else
		mac_str(&h, AUDIT_TAG, strlen(AUDIT_TAG));
	mac_int(&h, r->seq);
	mac_int(&h, (uint64_t)r->at);
	mac_int(&h, (uint64_t)r->unit_id);
	mac_int(&h, (uint64_t)r->device_id);
	mac_int(&h, (uint64_t)r->role);
	mac_str(&h, r->action, r->action_len);
	mac_str(&h, r->kind, r->kind_len);
	mac_str(&h, r->subject, r->subject_len);
	mac_int(&h, r->rev);
	mac_opt(&h, r->has_before, r->before, r->before_len);
	mac_opt(&h, r->has_after, r->after, r->after_len);
	mac_opt(&h, r->has_detail, r->detail, r->detail_len);
	if (r->owner > 0)
		mac_int(&h, (uint64_t)r->owner);
	crypto_generichash_final(&h, mac, STORE_HASH_LEN);
	sodium_memzero(&h, sizeof h);
}

/* ---- the key file ---- */

/* "<db_path>.audit-key", malloc'd; NULL when out of memory. */
char *store__audit_key_path(const char *db_path)
{
	size_t n = strlen(db_path);
	char *p = malloc(n + sizeof AUDIT_KEY_SUFFIX);
	if (p) {
		memcpy(p, db_path, n);
		memcpy(p + n, AUDIT_KEY_SUFFIX, sizeof AUDIT_KEY_SUFFIX);
	}
	return p;
}

/* fsync the directory that holds path. */
static int fsync_parent(const char *path)
{
	char *dir = strdup(path), *slash;
	int rv;
	if (!dir)
		return BS_E_NOMEM;
	slash = strrchr(dir, '/');
	if (slash == dir)
		slash[1] = '\0';
	else if (slash)
		*slash = '\0';
	rv = store__fsync_path(slash ? dir : ".", 1);
	free(dir);
	return rv;
}

/* Read the key: BS_E_NOTFOUND if there is no file, BS_E_KEYPERM if group or
 * others have any access to it, BS_E_INVAL unless it is 32 bytes. */
static int audit_key_read(const char *path, uint8_t key[STORE_AUDIT_KEY_LEN])
{
	uint8_t buf[STORE_AUDIT_KEY_LEN];
	struct stat sb;
	size_t got = 0;
	ssize_t n;
	int fd, rv;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT)
			return BS_E_NOTFOUND;
		log_error("store: cannot open audit key %s: %s", path, strerror(errno));
		return errno == EACCES ? BS_E_KEYPERM : BS_E_IO;
	}
	if (fstat(fd, &sb) != 0) {
		log_error("store: audit key %s: %s", path, strerror(errno));
		rv = BS_E_IO;
		goto out;
	}
	if (!S_ISREG(sb.st_mode)) {
		log_error("store: audit key %s is not a regular file", path);
		rv = BS_E_INVAL;
		goto out;
	}
	if ((sb.st_mode & 077) != 0) {
		log_error("store: audit key %s is open to group or others (mode %03o): "
			  "chmod 600 %s", path, (unsigned)(sb.st_mode & 0777), path);
		rv = BS_E_KEYPERM;
		goto out;
	}
	if (sb.st_size != STORE_AUDIT_KEY_LEN) {
		log_error("store: audit key %s holds %lld bytes, %d expected", path,
			  (long long)sb.st_size, STORE_AUDIT_KEY_LEN);
		rv = BS_E_INVAL;
		goto out;
	}
	while (got < sizeof buf) {
		n = read(fd, buf + got, sizeof buf - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			log_error("store: cannot read audit key %s: %s", path,
				  n < 0 ? strerror(errno) : "short file");
			rv = BS_E_IO;
			goto out;
		}
		got += (size_t)n;
	}
	memcpy(key, buf, sizeof buf);
	rv = BS_OK;
out:
	sodium_memzero(buf, sizeof buf);
	close(fd);
	return rv;
}

/* Create path holding key, mode 0600, never over an existing file
 * (BS_E_CONFLICT then).  It is written and fsynced under a temporary name
 * made with O_EXCL, then linked into place, so nobody reads half a key;
 * the directory is fsynced.  BS_E_IO on failure (logged). */
int store__audit_key_write(const char *path, const uint8_t key[STORE_AUDIT_KEY_LEN])
{
	char *tmp = NULL;
	size_t len = strlen(path) + 32, done_n = 0;
	ssize_t n;
	int fd = -1, rv = BS_E_IO, tries;

	if (!(tmp = malloc(len)))
		return BS_E_NOMEM;
	for (tries = 0; tries < 2; tries++) {
		snprintf(tmp, len, "%s.tmp.%ld", path, (long)getpid());
		fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		if (fd >= 0 || errno != EEXIST)
			break;
		unlink(tmp); /* left by a crashed process that had our pid */
	}
	if (fd < 0) {
		log_error("store: cannot create %s: %s", tmp, strerror(errno));
		goto out;
	}
	while (done_n < STORE_AUDIT_KEY_LEN) {
		n = write(fd, key + done_n, STORE_AUDIT_KEY_LEN - done_n);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			log_error("store: cannot write %s: %s", tmp, strerror(errno));
			goto fail;
		}
		done_n += (size_t)n;
	}
	if (fsync(fd) != 0) {
		log_error("store: cannot fsync %s: %s", tmp, strerror(errno));
		goto fail;
	}
	close(fd);
	fd = -1;
	if (link(tmp, path) != 0) {
		if (errno == EEXIST)
			rv = BS_E_CONFLICT;
		else
			log_error("store: cannot create %s: %s", path, strerror(errno));
		goto fail;
	}
	unlink(tmp);
	rv = fsync_parent(path);
	if (rv != BS_OK)
		log_error("store: cannot fsync the directory of %s", path);
	goto out;
fail:
	if (fd >= 0)
		close(fd);
	unlink(tmp);
out:
	free(tmp);
	return rv;
}

/* Whether the trail has any row: 1, 0, or <0. */
static int audit_any(struct store *st)
{
	sqlite3_stmt *s = NULL;
	int rv = store__prep(st, S_AUDIT_ANY, &s);
	if (rv != BS_OK)
		return rv;
	rv = store__step(st, s);
	if (rv == 1)
		rv = sqlite3_column_int(s, 0) != 0;
	else if (rv == 0)
		rv = BS_E_DB;
	store__done(s);
	return rv;
}

/* Load the key into st, making it first when a read-write open finds none
 * and the trail is empty. */
int store__audit_key_setup(struct store *st, const char *db_path)
{
	uint8_t fresh[STORE_AUDIT_KEY_LEN];
	char *path = store__audit_key_path(db_path);
	int rv;

	if (!path)
		return BS_E_NOMEM;
	rv = audit_key_read(path, store__audit_key(st));
	if (rv != BS_E_NOTFOUND)
		goto out;
	if (store__readonly(st)) {
		log_error("store: audit key %s is missing: the audit trail cannot be checked "
			  "without it (a read-write open such as baosongd init makes it for a new "
			  "database; otherwise restore it from a backup)", path);
		goto out;
	}
	if ((rv = audit_any(st)) != 0) {
		if (rv == 1) {
			log_error("store: audit key %s is missing but the database holds an "
				  "audit trail: restore the key from a backup (a new key would "
				  "fail every row)", path);
			rv = BS_E_NOTFOUND;
		}
		goto out;
	}
	randombytes_buf(fresh, sizeof fresh);
	rv = store__audit_key_write(path, fresh);
	if (rv == BS_OK) {
		memcpy(store__audit_key(st), fresh, sizeof fresh);
		log_info("store: created audit key %s (keep it with every backup)", path);
	} else if (rv == BS_E_CONFLICT) {
		rv = audit_key_read(path, store__audit_key(st)); /* another process was first */
	}
out:
	sodium_memzero(fresh, sizeof fresh);
	free(path);
	return rv;
}

/* ---- append ---- */

static int check_audit_entry(const struct audit_entry *e)
{
	const char *kind = e->kind ? e->kind : "";
	const char *subject = e->subject ? e->subject : "";
	int rv;

	if ((rv = store__check_ascii(e->action, STORE_AUDIT_ACTION_MAX, "._-", 0)) != BS_OK)
		return rv;
	if (*kind && (rv = store__check_kind(kind)) != BS_OK)
		return rv;
	if ((rv = store__check_utf8(subject, STORE_AUDIT_SUBJECT_MAX, 1)) != BS_OK)
		return rv;
	if (e->detail &&
	    (rv = store__check_utf8_text(e->detail, STORE_AUDIT_DETAIL_MAX, 1, 1)) != BS_OK)
		return rv;
	if (e->before_len > STORE_AUDIT_STATE_MAX || e->after_len > STORE_AUDIT_STATE_MAX)
		return BS_E_TOOBIG;
	if ((e->before_len > 0 && !e->before) || (e->after_len > 0 && !e->after))
		return BS_E_INVAL;
	if (e->role < 0 || e->role > ROLE_ADMIN || e->unit_id < 0 || e->device_id < 0 ||
	    e->owner < 0 || store__check_u63(e->rev) != BS_OK)
		return BS_E_INVAL;
	return BS_OK;
}

/* The newest row's seq and mac, or 0 and zeros. */
static int audit_last(struct store *st, uint64_t *seq, uint8_t mac[STORE_HASH_LEN])
{
	sqlite3_stmt *s = NULL;
	int rv = store__prep(st, S_AUDIT_LAST, &s);
	if (rv != BS_OK)
		return rv;
	rv = store__step(st, s);
	if (rv == 0) {
		*seq = 0;
		memset(mac, 0, STORE_HASH_LEN);
	} else if (rv == 1) {
		*seq = store__col_u64(s, 0);
		rv = store__col_fixed(s, 1, mac, STORE_HASH_LEN);
	}
	store__done(s);
	return rv;
}

int store_audit_append(struct store *st, const struct audit_entry *e)
{
	static const uint8_t empty[1] = {0};
	struct audit_raw r;
	sqlite3_stmt *s = NULL;
	uint8_t prev[STORE_HASH_LEN], mac[STORE_HASH_LEN];
	uint64_t last = 0;
	int own = 0, rv;

	if (!e)
		return BS_E_INVAL;
	if ((rv = check_audit_entry(e)) != BS_OK)
		return rv;
	memset(&r, 0, sizeof r);
	r.at = e->at;
	r.unit_id = e->unit_id;
	r.device_id = e->device_id;
	r.role = e->role;
	r.action = e->action;
	r.action_len = strlen(e->action);
	r.kind = e->kind ? e->kind : "";
	r.kind_len = strlen(r.kind);
	r.subject = e->subject ? e->subject : "";
	r.subject_len = strlen(r.subject);
	r.rev = e->rev;
	r.has_before = e->before != NULL;
	r.before = e->before_len ? (const void *)e->before : empty;
	r.before_len = e->before_len;
	r.has_after = e->after != NULL;
	r.after = e->after_len ? (const void *)e->after : empty;
	r.after_len = e->after_len;
	r.has_detail = e->detail != NULL;
	r.detail = e->detail ? e->detail : "";
	r.detail_len = strlen(r.detail);
	r.owner = e->owner;

	if ((rv = store__inner_begin(st, &own)) != BS_OK)
		return rv;
	if ((rv = audit_last(st, &last, prev)) != BS_OK)
		goto out;
	if (last >= (uint64_t)INT64_MAX) {
		rv = BS_E_DB;
		goto out;
	}
	r.seq = last + 1;
	audit_mac(store__audit_key(st), prev, &r, mac);
	if ((rv = store__prep(st, S_AUDIT_ADD, &s)) != BS_OK)
		goto out;
	if (sqlite3_bind_int64(s, 1, (sqlite3_int64)r.seq) || sqlite3_bind_int64(s, 2, r.at) ||
	    sqlite3_bind_int64(s, 3, r.unit_id) || sqlite3_bind_int64(s, 4, r.device_id) ||
	    sqlite3_bind_int64(s, 5, r.role) ||
	    sqlite3_bind_text(s, 6, r.action, (int)r.action_len, SQLITE_STATIC) ||
	    sqlite3_bind_text(s, 7, r.kind, (int)r.kind_len, SQLITE_STATIC) ||
	    sqlite3_bind_text(s, 8, r.subject, (int)r.subject_len, SQLITE_STATIC) ||
	    sqlite3_bind_int64(s, 9, (sqlite3_int64)r.rev) ||
	    (r.has_before ? sqlite3_bind_blob(s, 10, r.before, (int)r.before_len, SQLITE_STATIC)
			  : sqlite3_bind_null(s, 10)) ||
	    (r.has_after ? sqlite3_bind_blob(s, 11, r.after, (int)r.after_len, SQLITE_STATIC)
			 : sqlite3_bind_null(s, 11)) ||
	    (r.has_detail ? sqlite3_bind_text(s, 12, r.detail, (int)r.detail_len, SQLITE_STATIC)
			  : sqlite3_bind_null(s, 12)) ||
	    sqlite3_bind_blob(s, 13, prev, STORE_HASH_LEN, SQLITE_STATIC) ||
	    sqlite3_bind_blob(s, 14, mac, STORE_HASH_LEN, SQLITE_STATIC) ||
	    (r.owner > 0 ? sqlite3_bind_int64(s, 15, r.owner) : sqlite3_bind_null(s, 15))) {
		rv = store__bind_fail(st);
		goto out;
	}
	rv = store__step_done(st, s);
out:
	store__done(s);
	return store__inner_end(st, own, rv);
}

/* ---- reading rows ---- */

/* A column's bytes (text or blob) and whether it is not NULL. */
static const void *col_bytes(sqlite3_stmt *s, int i, size_t *len, int *has)
{
	static const uint8_t empty[1] = {0};
	const void *p;
	int n;

	*has = sqlite3_column_type(s, i) != SQLITE_NULL;
	p = sqlite3_column_type(s, i) == SQLITE_TEXT ? (const void *)sqlite3_column_text(s, i)
						      : sqlite3_column_blob(s, i);
	n = sqlite3_column_bytes(s, i);
	*len = n > 0 ? (size_t)n : 0;
	return p && n > 0 ? p : empty;
}

/* Fill r from a row of AUDIT_COLS. */
static void audit_row(sqlite3_stmt *s, struct audit_raw *r)
{
	int has;
	memset(r, 0, sizeof *r);
	r->seq = store__col_u64(s, 0);
	r->at = sqlite3_column_int64(s, 1);
	r->unit_id = sqlite3_column_int64(s, 2);
	r->device_id = sqlite3_column_int64(s, 3);
	r->role = sqlite3_column_int64(s, 4);
	r->action = col_bytes(s, 5, &r->action_len, &has);
	r->kind = col_bytes(s, 6, &r->kind_len, &has);
	r->subject = col_bytes(s, 7, &r->subject_len, &has);
	r->rev = (uint64_t)sqlite3_column_int64(s, 8);
	r->before = col_bytes(s, 9, &r->before_len, &r->has_before);
	r->after = col_bytes(s, 10, &r->after_len, &r->has_after);
	r->detail = col_bytes(s, 11, &r->detail_len, &r->has_detail);
	/* NULL reads as 0; a stored value <= 0 is refused by the schema. */
	r->owner = sqlite3_column_int64(s, 12);
}

int store_audit_each(struct store *st, const char *subject, uint64_t limit,
		     int (*fn)(void *ctx, uint64_t seq, const struct audit_entry *e),
		     void *ctx)
{
	struct audit_entry e;
	sqlite3_stmt *s = NULL;
	int rv;

	if (!fn)
		return BS_E_INVAL;
	if (subject && store__check_utf8(subject, STORE_AUDIT_SUBJECT_MAX, 1) != BS_OK)
		return BS_OK; /* no row can have that subject */
	rv = store__prep(st, subject ? S_AUDIT_LIST_SUBJECT : S_AUDIT_LIST, &s);
	if (rv != BS_OK)
		return rv;
	if (sqlite3_bind_int64(s, 1, limit == 0 || store__check_u63(limit) != BS_OK
					     ? -1 : (sqlite3_int64)limit) ||
	    (subject && sqlite3_bind_text(s, 2, subject, -1, SQLITE_STATIC))) {
		rv = store__bind_fail(st);
		goto out;
	}
	while ((rv = store__step(st, s)) == 1) {
		struct audit_raw r;
		/* The text columns come from sqlite3_column_text (NUL-terminated)
		 * or, when empty, col_bytes' static empty string. */
		audit_row(s, &r);
		memset(&e, 0, sizeof e);
		e.at = r.at;
		e.unit_id = r.unit_id;
		e.device_id = r.device_id;
		e.role = (int)r.role;
		e.action = r.action;
		e.kind = r.kind;
		e.subject = r.subject;
		e.rev = r.rev;
		e.before = r.has_before ? r.before : NULL;
		e.before_len = r.before_len;
		e.after = r.has_after ? r.after : NULL;
		e.after_len = r.after_len;
		e.detail = r.has_detail ? r.detail : NULL;
		e.owner = r.owner;
		if ((rv = fn(ctx, r.seq, &e)) != 0)
			break;
	}
out:
	store__done(s);
	return rv;
}

int store_audit_head(struct store *st, uint64_t *seq, uint8_t mac[STORE_HASH_LEN])
{
	uint8_t m[STORE_HASH_LEN];
	uint64_t n = 0;
	int rv = audit_last(st, &n, m);
	if (rv == BS_OK) {
		*seq = n;
		memcpy(mac, m, sizeof m);
	}
	return rv;
}

/* ---- verify ---- */

struct audit_check {
	void (*bad)(void *ctx, uint64_t seq, const char *why);
	void *ctx;
	uint64_t problems;
};

#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
static void report(struct audit_check *c, uint64_t seq, const char *fmt, ...)
{
	char why[512];
	va_list ap;

	c->problems++;
	if (!c->bad)
		return;
	va_start(ap, fmt);
	vsnprintf(why, sizeof why, fmt, ap);
	va_end(ap);
	c->bad(c->ctx, seq, why);
}

/* Walk the chain in seq order, one row in memory at a time. */
static int audit_walk(struct store *st, struct audit_check *c, uint64_t *rows)
{
	sqlite3_stmt *s = NULL;
	uint8_t prev[STORE_HASH_LEN], mac[STORE_HASH_LEN];
	uint64_t n = 0, expect = 1, last = 0, mac_bad = 0, links_bad = 0;
	int rv;

	memset(prev, 0, sizeof prev);
	if ((rv = store__prep(st, S_AUDIT_WALK, &s)) != BS_OK)
		return rv;
	while ((rv = store__step(st, s)) == 1) {
		struct audit_raw r;
		const void *row_prev = sqlite3_column_blob(s, 13);
		const void *row_mac = sqlite3_column_blob(s, 14);
		int prev_n = sqlite3_column_bytes(s, 13), mac_n = sqlite3_column_bytes(s, 14);

		audit_row(s, &r);
		n++;
		if (r.seq != expect) {
			links_bad++;
			if (r.seq > expect + 1)
				report(c, r.seq, "rows %llu..%llu are missing (deleted)",
				       (unsigned long long)expect, (unsigned long long)(r.seq - 1));
			else
				report(c, r.seq, "row %llu is missing (deleted)",
				       (unsigned long long)expect);
		}
		if (!row_prev || !row_mac || prev_n != STORE_HASH_LEN || mac_n != STORE_HASH_LEN) {
			report(c, r.seq, "row damaged: prev_mac/mac are not 32 bytes");
			mac_bad++;
			links_bad++;
			memset(prev, 0xff, sizeof prev); /* the next row cannot chain to it */
			expect = r.seq + 1;
			last = r.seq;
			continue;
		}
		if (sodium_memcmp(row_prev, prev, STORE_HASH_LEN) != 0) {
			links_bad++;
			if (last == 0)
				report(c, r.seq, "chain broken: the first row's prev_mac is not "
				       "zero (rows before it deleted, or it was inserted)");
			else
				report(c, r.seq, "chain broken: prev_mac differs from the mac of "
				       "row %llu (a row deleted, inserted or reordered here)",
				       (unsigned long long)last);
		}
		audit_mac(store__audit_key(st), row_prev, &r, mac);
		if (sodium_memcmp(mac, row_mac, STORE_HASH_LEN) != 0) {
			report(c, r.seq, "row altered: its mac does not match its contents "
			       "(edited, moved from another seq, or written without the key)");
			mac_bad++;
		}
		memcpy(prev, row_mac, STORE_HASH_LEN);
		expect = r.seq + 1;
		last = r.seq;
	}
	store__done(s);
	if (rv < 0)
		return rv;
	/* Every mac wrong while every link holds: not an edit but another key. */
	if (n > 1 && mac_bad == n && links_bad == 0)
		report(c, 0, "no row's mac matches although the chain links hold: this is "
			     "not the key the trail was written with (DB%s)", AUDIT_KEY_SUFFIX);
	*rows = n;
	return BS_OK;
}

/* Each record against the newest record.put/record.review row of its uid,
 * in one statement (S_RECORD_ALL joins them; the trail has no index on
 * subject, so a look-up per record would scan the trail each time). */
static int audit_check_records(struct store *st, struct audit_check *c)
{
	sqlite3_stmt *s = NULL;
	int rv;

	if ((rv = store__prep(st, S_RECORD_ALL, &s)) != BS_OK)
		goto out;
	while ((rv = store__step(st, s)) == 1) {
		const unsigned char *uid = sqlite3_column_text(s, 0);
		const unsigned char *kind = sqlite3_column_text(s, 3);
		int64_t owner = sqlite3_column_int64(s, 4);
		uint64_t rev = store__col_u64(s, 1), arow, arev;
		size_t data_n, after_n;
		const void *data, *after;
		int has;

		if (!uid)
			continue; /* NOT NULL in the schema */
		data = col_bytes(s, 2, &data_n, &has);
		if (sqlite3_column_type(s, 5) == SQLITE_NULL) {
			report(c, 0, "record %s (rev %llu) has no audit row: written behind the "
				     "audit trail", (const char *)uid, (unsigned long long)rev);
		} else {
			arow = store__col_u64(s, 5);
			arev = store__col_u64(s, 6);
			after = col_bytes(s, 7, &after_n, &has);
			if (arev != rev)
				report(c, 0, "record %s is at rev %llu but its newest audit "
				       "row (seq %llu) says rev %llu: changed behind the audit "
				       "trail", (const char *)uid, (unsigned long long)rev,
				       (unsigned long long)arow, (unsigned long long)arev);
			if (after_n != data_n || memcmp(after, data, data_n) != 0)
				report(c, 0, "record %s: its data differs from its newest "
				       "audit row (seq %llu): edited behind the audit trail",
				       (const char *)uid, (unsigned long long)arow);
			{
				const unsigned char *akind = sqlite3_column_text(s, 8);
				int64_t aowner = sqlite3_column_int64(s, 9);
				if (!kind || !akind || strcmp((const char *)kind,
							      (const char *)akind) != 0)
					report(c, 0, "record %s is a %s but its newest audit row "
					       "(seq %llu) says %s: its kind was changed",
					       (const char *)uid, kind ? (const char *)kind : "?",
					       (unsigned long long)arow,
					       akind ? (const char *)akind : "?");
				if (sqlite3_column_type(s, 9) != SQLITE_NULL && aowner != owner)
					report(c, 0, "record %s belongs to unit %lld but its newest "
					       "audit row (seq %llu) says unit %lld: its owner was "
					       "changed", (const char *)uid, (long long)owner,
					       (unsigned long long)arow, (long long)aowner);
			}
		}
	}
out:
	store__done(s);
	return rv < 0 ? rv : BS_OK;
}

/* Over every record's history (its record.put / record.review rows, whose
 * columns the chain walk has just authenticated): one kind, one owner. */
static int audit_check_history(struct store *st, struct audit_check *c)
{
	sqlite3_stmt *s = NULL;
	int rv = store__prep(st, S_AUDIT_MIXED, &s);
	if (rv != BS_OK)
		return rv;
	while ((rv = store__step(st, s)) == 1) {
		const unsigned char *uid = sqlite3_column_text(s, 0);
		const unsigned char *kinds = sqlite3_column_text(s, 1);
		const unsigned char *owners = sqlite3_column_text(s, 3);
		uint64_t last = store__col_u64(s, 5);
		if (sqlite3_column_int64(s, 2) > 1)
			report(c, last, "record %s changed kind over its history (%s): a "
			       "record's kind never changes", uid ? (const char *)uid : "?",
			       kinds ? (const char *)kinds : "?");
		if (sqlite3_column_int64(s, 4) > 1)
			report(c, last, "record %s changed owner over its history (units %s): "
			       "a record's owner never changes", uid ? (const char *)uid : "?",
			       owners ? (const char *)owners : "?");
	}
	store__done(s);
	return rv < 0 ? rv : BS_OK;
}

int store_audit_verify(struct store *st, uint64_t *rows, uint64_t *problems,
		       void (*bad)(void *ctx, uint64_t seq, const char *why), void *ctx)
{
	struct audit_check c = {bad, ctx, 0};
	uint64_t n = 0;
	int own, rv;

	/* One snapshot for both passes, so a running server's appends do not
	 * show up as mismatches. */
	own = sqlite3_get_autocommit(store__db(st));
	if (own && (rv = store__exec(st, S_BEGIN_READ)) != BS_OK)
		return rv;
	rv = audit_walk(st, &c, &n);
	if (rv == BS_OK)
		rv = audit_check_records(st, &c);
	if (rv == BS_OK)
		rv = audit_check_history(st, &c);
	if (own && !sqlite3_get_autocommit(store__db(st)))
		store__exec(st, S_ROLLBACK);
	if (rv != BS_OK)
		return rv;
	if (rows)
		*rows = n;
	if (problems)
		*problems = c.problems;
	return BS_OK;
}
