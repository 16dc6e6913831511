/* ss_cache.c - the static-static DH of enrolled devices (see the header). */
#include "ss_cache.h"

#include <assert.h>
#include <pthread.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"

#define SLOTS_MAX (1u << 20)

struct slot {
	uint8_t pub[32];
	uint8_t ss[32];
	int used;
};

struct ss_cache {
	pthread_mutex_t mu;
	struct slot *slots; /* sodium_allocarray: guarded, locked, wiped */
	unsigned n;
	uint64_t hits, misses;
};

int ss_cache_new(unsigned slots, struct ss_cache **out)
{
	struct ss_cache *c;
	*out = NULL;
	if (slots == 0 || slots > SLOTS_MAX)
		return BS_E_INVAL;
	c = calloc(1, sizeof *c);
	if (!c)
		return BS_E_NOMEM;
	c->slots = sodium_allocarray(slots, sizeof *c->slots);
	if (!c->slots || pthread_mutex_init(&c->mu, NULL) != 0) {
		sodium_free(c->slots);
		free(c);
		return BS_E_NOMEM;
	}
	memset(c->slots, 0, (size_t)slots * sizeof *c->slots);
	c->n = slots;
	*out = c;
	return BS_OK;
}

void ss_cache_free(struct ss_cache *c)
{
	if (!c)
		return;
	sodium_free(c->slots); /* zeroes the memory first */
	pthread_mutex_destroy(&c->mu);
	free(c);
}

/* Public keys are uniformly random: their first bytes spread them. */
static struct slot *slot_of(struct ss_cache *c, const uint8_t pub[32])
{
	uint32_t h = (uint32_t)pub[0] | (uint32_t)pub[1] << 8 | (uint32_t)pub[2] << 16 |
		     (uint32_t)pub[3] << 24;
	return &c->slots[h % c->n];
}

int ss_cache_get(void *arg, const uint8_t pub[32], uint8_t out[32])
{
	struct ss_cache *c = arg;
	struct slot *s;
	int found;
	assert(c && pub && out);
	pthread_mutex_lock(&c->mu);
	s = slot_of(c, pub);
	found = s->used && memcmp(s->pub, pub, 32) == 0;
	if (found) {
		memcpy(out, s->ss, 32);
		c->hits++;
	} else {
		c->misses++;
	}
	pthread_mutex_unlock(&c->mu);
	return found;
}

void ss_cache_put(struct ss_cache *c, const uint8_t pub[32], const uint8_t ss[32])
{
	struct slot *s;
	assert(c && pub && ss);
	pthread_mutex_lock(&c->mu);
	s = slot_of(c, pub);
	memcpy(s->pub, pub, 32);
	memcpy(s->ss, ss, 32);
	s->used = 1;
	pthread_mutex_unlock(&c->mu);
}

void ss_cache_stats(struct ss_cache *c, uint64_t *hits, uint64_t *misses)
{
	pthread_mutex_lock(&c->mu);
	*hits = c->hits;
	*misses = c->misses;
	pthread_mutex_unlock(&c->mu);
}
