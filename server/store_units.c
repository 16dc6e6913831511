/* store_units.c - units, devices and enrolment tokens (see store.h).
 *
 * Statements come from store.c's cache (store_int.h); functions that run
 * more than one statement are atomic through store__inner_begin/_end. */
#include "store.h"
#include "store_int.h"

#include <sqlite3.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "log.h"

/* ---- units ---- */

static int unit_row(sqlite3_stmt *s, struct unit *u)
{
	int rv;
	memset(u, 0, sizeof *u);
	u->id = sqlite3_column_int64(s, 0);
	u->type = sqlite3_column_int(s, 3);
	if ((rv = store__col_text(s, 1, u->code, sizeof u->code)) != BS_OK ||
	    (rv = store__col_text(s, 2, u->name, sizeof u->name)) != BS_OK ||
	    (rv = store__col_text(s, 4, u->region, sizeof u->region)) != BS_OK)
		return rv;
	return BS_OK;
}

int store_unit_add(struct store *st, const struct unit *u, int64_t *id)
{
	sqlite3_stmt *s = NULL;
	int rv;

	if ((rv = store__writable(st)) != BS_OK)
		return rv;
	if ((rv = store__check_code(u->code)) != BS_OK ||
	    (rv = store__check_utf8(u->name, STORE_NAME_MAX, 0)) != BS_OK ||
	    (rv = store__check_region(u->region)) != BS_OK)
		return rv;
	if (u->type < UNIT_TOWNSHIP || u->type > UNIT_SOE)
		return BS_E_INVAL;
	if ((rv = store__prep(st, S_UNIT_ADD, &s)) != BS_OK)
		return rv;
	if (sqlite3_bind_text(s, 1, u->code, -1, SQLITE_STATIC) ||
	    sqlite3_bind_text(s, 2, u->name, -1, SQLITE_STATIC) ||
	    sqlite3_bind_int(s, 3, u->type) ||
	    sqlite3_bind_text(s, 4, u->region, -1, SQLITE_STATIC)) {
		rv = store__bind_fail(st);
		goto out;
	}
	if ((rv = store__step_done(st, s)) != BS_OK)
		goto out;
	if (id)
		*id = sqlite3_last_insert_rowid(store__db(st));
out:
	store__done(s);
	return rv;
}

/* Run a unit query that binds one value (set up by the caller) and fill out. */
static int unit_one(struct store *st, sqlite3_stmt *s, struct unit *out)
{
	struct unit u;
	int rv = store__step(st, s);
	if (rv == 0)
		rv = BS_E_NOTFOUND;
	else if (rv == 1 && (rv = unit_row(s, &u)) == BS_OK)
		*out = u;
	store__done(s);
	return rv;
}

int store_unit_get(struct store *st, int64_t id, struct unit *out)
{
	sqlite3_stmt *s = NULL;
	int rv = store__prep(st, S_UNIT_GET, &s);
	if (rv != BS_OK)
		return rv;
	if (sqlite3_bind_int64(s, 1, id)) {
		rv = store__bind_fail(st);
		store__done(s);
		return rv;
	}
	return unit_one(st, s, out);
}

int store_unit_by_code(struct store *st, const char *code, struct unit *out)
{
	sqlite3_stmt *s = NULL;
	int rv = store__check_code(code);
	if (rv != BS_OK) /* no unit can have that code */
		return code ? BS_E_NOTFOUND : BS_E_INVAL;
	if ((rv = store__prep(st, S_UNIT_BY_CODE, &s)) != BS_OK)
		return rv;
	if (sqlite3_bind_text(s, 1, code, -1, SQLITE_STATIC)) {
		rv = store__bind_fail(st);
		store__done(s);
		return rv;
	}
	return unit_one(st, s, out);
}

int store_unit_each(struct store *st, int (*fn)(void *ctx, const struct unit *u), void *ctx)
{
	sqlite3_stmt *s = NULL;
	struct unit u;
	int rv = store__prep(st, S_UNIT_EACH, &s);
	if (rv != BS_OK)
		return rv;
	while ((rv = store__step(st, s)) == 1) {
		if ((rv = unit_row(s, &u)) != BS_OK || (rv = fn(ctx, &u)) != 0)
			break;
	}
	store__done(s);
	return rv;
}

/* ---- devices ---- */

static int device_row(sqlite3_stmt *s, struct device *d)
{
	int rv;
	memset(d, 0, sizeof *d);
	d->id = sqlite3_column_int64(s, 0);
	d->unit_id = sqlite3_column_int64(s, 2);
	d->role = sqlite3_column_int(s, 3);
	d->enrolled_at = sqlite3_column_int64(s, 5);
	d->revoked_at = sqlite3_column_int64(s, 6);
	d->last_hello_ns = store__col_u64(s, 7);
	d->applied_seq = store__col_u64(s, 8);
	if ((rv = store__col_fixed(s, 1, d->pubkey, STORE_KEY_LEN)) != BS_OK ||
	    (rv = store__col_text(s, 4, d->label, sizeof d->label)) != BS_OK)
		return rv;
	return BS_OK;
}

static int device_one(struct store *st, sqlite3_stmt *s, struct device *out)
{
	struct device d;
	int rv = store__step(st, s);
	if (rv == 0)
		rv = BS_E_NOTFOUND;
	else if (rv == 1 && (rv = device_row(s, &d)) == BS_OK)
		*out = d;
	store__done(s);
	return rv;
}

int store_device_get(struct store *st, int64_t id, struct device *out)
{
	sqlite3_stmt *s = NULL;
	int rv = store__prep(st, S_DEVICE_GET, &s);
	if (rv != BS_OK)
		return rv;
	if (sqlite3_bind_int64(s, 1, id)) {
		rv = store__bind_fail(st);
		store__done(s);
		return rv;
	}
	return device_one(st, s, out);
}

int store_device_by_key(struct store *st, const uint8_t pubkey[STORE_KEY_LEN],
			struct device *out)
{
	sqlite3_stmt *s = NULL;
	int rv = store__prep(st, S_DEVICE_BY_KEY, &s);
	if (rv != BS_OK)
		return rv;
	if (sqlite3_bind_blob(s, 1, pubkey, STORE_KEY_LEN, SQLITE_STATIC)) {
		rv = store__bind_fail(st);
		store__done(s);
		return rv;
	}
	return device_one(st, s, out);
}

int store_device_each(struct store *st, int (*fn)(void *ctx, const struct device *d),
		      void *ctx)
{
	sqlite3_stmt *s = NULL;
	struct device d;
	int rv = store__prep(st, S_DEVICE_EACH, &s);
	if (rv != BS_OK)
		return rv;
	while ((rv = store__step(st, s)) == 1) {
		if ((rv = device_row(s, &d)) != BS_OK || (rv = fn(ctx, &d)) != 0)
			break;
	}
	store__done(s);
	return rv;
}

/* Insert a device row (inputs already checked). */
static int device_insert(struct store *st, const uint8_t pubkey[STORE_KEY_LEN], int64_t unit_id,
			 int role, const char *label, int64_t now, int64_t *id)
{
	sqlite3_stmt *s = NULL;
	int rv = store__prep(st, S_DEVICE_ADD, &s);
	if (rv != BS_OK)
		return rv;
	if (sqlite3_bind_blob(s, 1, pubkey, STORE_KEY_LEN, SQLITE_STATIC) ||
	    sqlite3_bind_int64(s, 2, unit_id) || sqlite3_bind_int(s, 3, role) ||
	    sqlite3_bind_text(s, 4, label, -1, SQLITE_STATIC) || sqlite3_bind_int64(s, 5, now)) {
		rv = store__bind_fail(st);
		goto out;
	}
	if ((rv = store__step_done(st, s)) == BS_OK)
		*id = sqlite3_last_insert_rowid(store__db(st));
out:
	store__done(s);
	return rv;
}

int store_device_add(struct store *st, const uint8_t pubkey[STORE_KEY_LEN], int64_t unit_id,
		     int role, const char *label, int64_t now, int64_t *id)
{
	int64_t got = 0;
	int rv;

	if (!label)
		label = "";
	if ((rv = store__writable(st)) != BS_OK || (rv = store__check_role(role)) != BS_OK ||
	    (rv = store__check_utf8(label, STORE_NAME_MAX, 1)) != BS_OK)
		return rv;
	/* A missing unit fails the foreign key: BS_E_NOTFOUND. */
	rv = device_insert(st, pubkey, unit_id, role, label, now, &got);
	if (rv == BS_OK && id)
		*id = got;
	return rv;
}

int store_device_revoke(struct store *st, int64_t id, int64_t now)
{
	struct device d;
	sqlite3_stmt *s = NULL;
	int rv;

	if ((rv = store__writable(st)) != BS_OK)
		return rv;
	if (now <= 0)
		return BS_E_INVAL;
	if ((rv = store__prep(st, S_DEVICE_REVOKE, &s)) != BS_OK)
		return rv;
	if (sqlite3_bind_int64(s, 1, id) || sqlite3_bind_int64(s, 2, now)) {
		rv = store__bind_fail(st);
		goto out;
	}
	if ((rv = store__step_done(st, s)) != BS_OK)
		goto out;
	/* Nothing changed: no such device, or revoked already (kept as it was). */
	if (sqlite3_changes(store__db(st)) == 0)
		rv = store_device_get(st, id, &d);
out:
	store__done(s);
	return rv;
}

int store_device_set_hello(struct store *st, int64_t id, uint64_t ts_ns)
{
	sqlite3_stmt *s = NULL;
	int rv;

	if ((rv = store__writable(st)) != BS_OK || (rv = store__check_u63(ts_ns)) != BS_OK)
		return rv;
	if ((rv = store__prep(st, S_DEVICE_HELLO, &s)) != BS_OK)
		return rv;
	if (sqlite3_bind_int64(s, 1, id) || sqlite3_bind_int64(s, 2, (sqlite3_int64)ts_ns)) {
		rv = store__bind_fail(st);
		goto out;
	}
	if ((rv = store__step_done(st, s)) == BS_OK && sqlite3_changes(store__db(st)) == 0)
		rv = BS_E_NOTFOUND;
out:
	store__done(s);
	return rv;
}

/* ---- tokens ---- */

int store_token_add(struct store *st, const uint8_t hash[STORE_HASH_LEN], int64_t unit_id,
		    int role, int64_t expires_at, int64_t now)
{
	sqlite3_stmt *s = NULL;
	int rv;

	if ((rv = store__writable(st)) != BS_OK || (rv = store__check_role(role)) != BS_OK)
		return rv;
	if (expires_at <= now)
		return BS_E_INVAL;
	if ((rv = store__prep(st, S_TOKEN_ADD, &s)) != BS_OK)
		return rv;
	if (sqlite3_bind_blob(s, 1, hash, STORE_HASH_LEN, SQLITE_STATIC) ||
	    sqlite3_bind_int64(s, 2, unit_id) || sqlite3_bind_int(s, 3, role) ||
	    sqlite3_bind_int64(s, 4, now) || sqlite3_bind_int64(s, 5, expires_at)) {
		rv = store__bind_fail(st);
		goto out;
	}
	rv = store__step_done(st, s);
out:
	store__done(s);
	return rv;
}

/* Look the token up: BS_E_TOKEN unless it exists, is unused and unexpired. */
static int token_check(struct store *st, const uint8_t hash[STORE_HASH_LEN], int64_t now,
		       int64_t *unit_id, int *role)
{
	sqlite3_stmt *s = NULL;
	int rv = store__prep(st, S_TOKEN_GET, &s);
	if (rv != BS_OK)
		return rv;
	if (sqlite3_bind_blob(s, 1, hash, STORE_HASH_LEN, SQLITE_STATIC)) {
		rv = store__bind_fail(st);
		goto out;
	}
	rv = store__step(st, s);
	if (rv < 0)
		goto out;
	if (rv == 0 || sqlite3_column_int(s, 3) != 0 || sqlite3_column_int64(s, 2) <= now) {
		rv = BS_E_TOKEN;
		goto out;
	}
	*unit_id = sqlite3_column_int64(s, 0);
	*role = sqlite3_column_int(s, 1);
	rv = BS_OK;
out:
	store__done(s);
	return rv;
}

static int token_burn(struct store *st, const uint8_t hash[STORE_HASH_LEN], int64_t now,
		      int64_t device_id)
{
	sqlite3_stmt *s = NULL;
	int rv = store__prep(st, S_TOKEN_USE, &s);
	if (rv != BS_OK)
		return rv;
	if (sqlite3_bind_blob(s, 1, hash, STORE_HASH_LEN, SQLITE_STATIC) ||
	    sqlite3_bind_int64(s, 2, now) || sqlite3_bind_int64(s, 3, device_id)) {
		rv = store__bind_fail(st);
		goto out;
	}
	if ((rv = store__step_done(st, s)) == BS_OK && sqlite3_changes(store__db(st)) != 1)
		rv = BS_E_TOKEN;
out:
	store__done(s);
	return rv;
}

int store_token_redeem(struct store *st, const uint8_t hash[STORE_HASH_LEN], int64_t now,
		       const uint8_t pubkey[STORE_KEY_LEN], const char *label,
		       struct device *out)
{
	struct device d;
	int64_t unit_id = 0, id = 0;
	int role = 0, own = 0, rv;

	if (!label)
		label = "";
	if ((rv = store__check_utf8(label, STORE_NAME_MAX, 1)) != BS_OK)
		return rv;
	if ((rv = store__inner_begin(st, &own)) != BS_OK)
		return rv;
	if ((rv = token_check(st, hash, now, &unit_id, &role)) != BS_OK)
		goto out;
	rv = store_device_by_key(st, pubkey, &d);
	if (rv == BS_OK) {
		rv = BS_E_CONFLICT;
		goto out;
	}
	if (rv != BS_E_NOTFOUND)
		goto out;
	if ((rv = device_insert(st, pubkey, unit_id, role, label, now, &id)) != BS_OK ||
	    (rv = token_burn(st, hash, now, id)) != BS_OK ||
	    (rv = store_device_get(st, id, &d)) != BS_OK)
		goto out;
out:
	rv = store__inner_end(st, own, rv);
	if (rv == BS_OK)
		*out = d;
	return rv;
}
