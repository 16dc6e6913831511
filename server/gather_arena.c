/* gather_arena.c - a reusable decode buffer with wire_arena's limits
 * (gather_arena.h). */
#include "gather_arena.h"

#include <assert.h>
#include <stdalign.h>
#include <stdint.h>
#include <stdlib.h>

#include "err.h"
#include "wire.h"

/* What wire_arena charges for each block besides its size. */
#define CHARGE (wire_arena_block_charge())

/* Our own header in front of each block. */
struct block {
	size_t charged;            /* what was added to used */
	size_t from_malloc;        /* 1: the block is its own malloc */
	max_align_t align;
};
#define ALIGN (alignof(max_align_t))

static void *arena_alloc(void *data, size_t size)
{
	struct gather_arena *a = data;
	struct block *b;
	size_t need;

	if (a->max < CHARGE || size > a->max - CHARGE || a->used > a->max - CHARGE - size)
		return NULL;
	need = offsetof(struct block, align) + size;
	need = (need + ALIGN - 1) / ALIGN * ALIGN;
	if (need <= a->cap - a->top) {
		b = (struct block *)(void *)(a->buf + a->top);
		a->top += need;
		b->from_malloc = 0;
	} else {
		if (!(b = malloc(offsetof(struct block, align) + size)))
			return NULL;
		b->from_malloc = 1;
	}
	b->charged = size + CHARGE;
	a->used += b->charged;
	return &b->align;
}

static void arena_free(void *data, void *ptr)
{
	struct gather_arena *a = data;
	struct block *b;
	if (!ptr)
		return;
	b = (struct block *)(void *)((char *)ptr - offsetof(struct block, align));
	a->used -= b->charged;
	if (b->from_malloc)
		free(b);
}

int gather_arena_init(struct gather_arena *a, size_t cap, size_t max)
{
	assert(a);
	a->alloc.alloc = arena_alloc;
	a->alloc.free = arena_free;
	a->alloc.allocator_data = a;
	a->used = 0;
	a->max = max;
	a->top = 0;
	a->cap = cap;
	a->buf = cap ? aligned_alloc(ALIGN, (cap + ALIGN - 1) / ALIGN * ALIGN) : NULL;
	return a->buf ? BS_OK : BS_E_NOMEM;
}

void gather_arena_reset(struct gather_arena *a)
{
	assert(a && a->used == 0);
	a->top = 0;
}

void gather_arena_free(struct gather_arena *a)
{
	if (a) {
		free(a->buf);
		a->buf = NULL;
		a->cap = a->top = 0;
	}
}
