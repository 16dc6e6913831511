/* limits.c - the per-address table (see limits.h). */
#include "limits.h"

#include <assert.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"

/* Slots looked at for one address before it is refused. */
#define PROBE_MAX 64u

struct addr_table {
	struct addr_limits_cfg cfg;
	uint8_t hash_key[crypto_shorthash_KEYBYTES];
	size_t nslots;
	struct addr_entry *slots;
	struct addr_entry top;  /* copy returned by addr_table_top_refused */
};

int addr_table_new(const struct addr_limits_cfg *cfg, size_t slots, struct addr_table **out)
{
	struct addr_table *t;
	assert(cfg && slots > 0 && out);
	t = calloc(1, sizeof *t);
	if (!t)
		return BS_E_NOMEM;
	t->slots = calloc(slots, sizeof *t->slots);
	if (!t->slots) {
		free(t);
		return BS_E_NOMEM;
	}
	t->cfg = *cfg;
	t->nslots = slots;
	randombytes_buf(t->hash_key, sizeof t->hash_key);
	*out = t;
	return BS_OK;
}

void addr_table_free(struct addr_table *t)
{
	if (!t)
		return;
	free(t->slots);
	free(t);
}

const struct addr_limits_cfg *addr_table_cfg(const struct addr_table *t)
{
	return &t->cfg;
}

static uint64_t bucket_max(const struct addr_table *t)
{
	return (uint64_t)t->cfg.hs_burst * 1000u;
}

static void refill(const struct addr_table *t, struct addr_entry *e, uint64_t now_ms)
{
	uint64_t max = bucket_max(t);
	if (now_ms > e->refill_ms) {
		uint64_t add = (now_ms - e->refill_ms) * t->cfg.hs_per_s; /* milli-tokens */
		e->tokens_milli = e->tokens_milli + add > max ? max : e->tokens_milli + add;
		e->refill_ms = now_ms;
	}
}

static int idle(const struct addr_table *t, struct addr_entry *e, uint64_t now_ms)
{
	if (e->unauth > 0 || e->refused > 0)
		return 0;
	refill(t, e, now_ms);
	return e->tokens_milli >= bucket_max(t);
}

struct addr_entry *addr_table_get(struct addr_table *t, const struct net_addr *a,
				  uint64_t now_ms)
{
	struct net_addr key;
	uint8_t h[crypto_shorthash_BYTES];
	uint64_t start;
	struct addr_entry *reuse = NULL, *e;
	size_t i;

	net_addr_limit_key(a, &key);
	crypto_shorthash(h, key.b, sizeof key.b, t->hash_key);
	memcpy(&start, h, sizeof start);
	/* Look along the whole probe run first: the address may sit past an
	 * idle slot that could be reused. */
	for (i = 0; i < PROBE_MAX && i < t->nslots; i++) {
		e = &t->slots[(start + i) % t->nslots];
		if (!e->used) {
			if (!reuse)
				reuse = e;
			break;
		}
		if (e->key.len == key.len && memcmp(e->key.b, key.b, sizeof key.b) == 0)
			return e;
		if (!reuse && idle(t, e, now_ms))
			reuse = e;
	}
	if (!reuse)
		return NULL;
	memset(reuse, 0, sizeof *reuse);
	reuse->key = key;
	reuse->used = 1;
	reuse->tokens_milli = bucket_max(t);
	reuse->refill_ms = now_ms;
	return reuse;
}

int addr_hs_available(struct addr_table *t, struct addr_entry *e, uint64_t now_ms)
{
	refill(t, e, now_ms);
	return e->tokens_milli >= 1000u;
}

int addr_hs_take(struct addr_table *t, struct addr_entry *e, uint64_t now_ms)
{
	if (!addr_hs_available(t, e, now_ms))
		return 0;
	e->tokens_milli -= 1000u;
	return 1;
}

const struct addr_entry *addr_table_top_refused(struct addr_table *t, uint32_t *count)
{
	size_t i;
	struct addr_entry *best = NULL;
	for (i = 0; i < t->nslots; i++) {
		struct addr_entry *e = &t->slots[i];
		if (!e->used || e->refused == 0)
			continue;
		if (!best || e->refused > best->refused)
			best = e;
	}
	if (!best) {
		*count = 0;
		return NULL;
	}
	t->top = *best;
	*count = best->refused;
	for (i = 0; i < t->nslots; i++)
		t->slots[i].refused = 0;
	return &t->top;
}
