/* upload_slots.c - the uploads that may go in flushed groups at once
 * (upload_slots.h). */
#include "upload_slots.h"

#include <assert.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"

struct slot {
	int used;
	int64_t unit;
	uint8_t hash[32];
	int64_t last_ms;
};

struct upload_slots {
	pthread_mutex_t mu;
	unsigned max;
	int64_t idle_ms;
	struct slot *v;
};

int upload_slots_new(unsigned max, int64_t idle_ms, struct upload_slots **out)
{
	struct upload_slots *s = calloc(1, sizeof *s);
	assert(out && idle_ms > 0);
	if (!s || !(s->v = calloc(max + 1, sizeof *s->v)) ||
	    pthread_mutex_init(&s->mu, NULL) != 0) {
		if (s)
			free(s->v);
		free(s);
		return BS_E_NOMEM;
	}
	s->max = max;
	s->idle_ms = idle_ms;
	*out = s;
	return BS_OK;
}

void upload_slots_free(struct upload_slots *s)
{
	if (!s)
		return;
	pthread_mutex_destroy(&s->mu);
	free(s->v);
	free(s);
}

static int same(const struct slot *v, int64_t unit, const uint8_t hash[32])
{
	return v->used && v->unit == unit && !memcmp(v->hash, hash, 32);
}

int upload_slots_take(struct upload_slots *s, int64_t unit, const uint8_t hash[32],
		      int64_t now_ms)
{
	unsigned i, free_i = s->max;
	int ok = 0;
	pthread_mutex_lock(&s->mu);
	for (i = 0; i < s->max; i++) {
		struct slot *v = &s->v[i];
		if (same(v, unit, hash)) {
			v->last_ms = now_ms;
			ok = 1;
			break;
		}
		if (v->used && now_ms - v->last_ms > s->idle_ms)
			v->used = 0; /* abandoned (a client gone in the middle of a group) */
		if (!v->used && free_i == s->max)
			free_i = i;
	}
	if (!ok && free_i < s->max) {
		struct slot *v = &s->v[free_i];
		v->used = 1;
		v->unit = unit;
		memcpy(v->hash, hash, 32);
		v->last_ms = now_ms;
		ok = 1;
	}
	pthread_mutex_unlock(&s->mu);
	return ok;
}

void upload_slots_release(struct upload_slots *s, int64_t unit, const uint8_t hash[32])
{
	unsigned i;
	pthread_mutex_lock(&s->mu);
	for (i = 0; i < s->max; i++)
		if (same(&s->v[i], unit, hash))
			s->v[i].used = 0;
	pthread_mutex_unlock(&s->mu);
}
