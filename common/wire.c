/* wire.c - protobuf helpers. */
#include "wire.h"

#include "clock.h"

#include <stdlib.h>
#include <time.h>

#include "err.h"

/* Each block carries its size in a header so the cap can be given back. */
struct block_hdr {
	size_t size;
	max_align_t align;
};

size_t wire_arena_block_charge(void)
{
	return sizeof(struct block_hdr);
}

static void *arena_alloc(void *data, size_t size)
{
	struct wire_arena *a = data;
	struct block_hdr *b;
	/* Each block counts with its header, so the cap bounds real memory. */
	if (a->max < sizeof *b || size > a->max - sizeof *b ||
	    a->used > a->max - sizeof *b - size)
		return NULL;
	b = malloc(sizeof *b + size);
	if (!b)
		return NULL;
	b->size = size + sizeof *b;
	a->used += b->size;
	return (char *)b + sizeof *b;
}

static void arena_free(void *data, void *ptr)
{
	struct wire_arena *a = data;
	struct block_hdr *b;
	if (!ptr)
		return;
	b = (struct block_hdr *)(void *)((char *)ptr - sizeof *b);
	a->used -= b->size;
	free(b);
}

void wire_arena_init(struct wire_arena *a, size_t max)
{
	a->alloc.alloc = arena_alloc;
	a->alloc.free = arena_free;
	a->alloc.allocator_data = a;
	a->used = 0;
	a->max = max;
}

Envelope *wire_envelope_decode(struct wire_arena *a, const uint8_t *buf, size_t len)
{
	return baosong__v1__envelope__unpack(&a->alloc, len, buf);
}

void wire_envelope_free(Envelope *env, struct wire_arena *a)
{
	if (env)
		baosong__v1__envelope__free_unpacked(env, &a->alloc);
}

int wire_envelope_encode(const Envelope *env, uint8_t *buf, size_t cap, size_t *len)
{
	size_t n = baosong__v1__envelope__get_packed_size(env);
	if (n > cap)
		return BS_E_TOOBIG;
	*len = baosong__v1__envelope__pack(env, buf);
	return BS_OK;
}

void wire_error_set(WireError *e, int err, const char *detail)
{
	baosong__v1__error__init(e);
	e->code = (uint32_t)(-err);
	e->retryable = bs_err_retryable(err);
	e->message = (char *)bs_strerror_zh(err);
	if (detail)
		e->detail = (char *)detail;
}

int wire_error_code(const WireError *e)
{
	if (!e || e->code == 0 || e->code >= (uint32_t)(-BS_E__LAST))
		return BS_E_INTERNAL;
	return -(int)e->code;
}

int64_t wire_now_ms(void)
{
	return bs_now_ms();
}

uint64_t wire_now_ns(void)
{
	return bs_now_ns();
}
