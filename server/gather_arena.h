/* gather_arena.h - the allocator the assessment gather decodes records
 * with: protobuf-c's allocations for one record come out of one buffer that
 * is reused for the next record, instead of one malloc and free each.
 *
 * The limit is counted exactly as wire_arena counts it (common/wire.c):
 * each block with a header of the same size, so a record decodes, or is
 * refused as too large, exactly as it would with a wire_arena of the same
 * max.  Blocks that do not fit in the buffer (a record decoding to more than
 * it) come from malloc. */
#ifndef BS_GATHER_ARENA_H
#define BS_GATHER_ARENA_H

#include <protobuf-c/protobuf-c.h>
#include <stddef.h>

struct gather_arena {
	ProtobufCAllocator alloc;  /* pass &a->alloc to protobuf-c */
	size_t used, max;          /* counted as wire_arena counts them */
	unsigned char *buf;
	size_t cap, top;           /* the buffer and how much of it is handed out */
};

/* A buffer of cap bytes (0: BS_E_NOMEM), limit max.  BS_OK or BS_E_NOMEM. */
int gather_arena_init(struct gather_arena *a, size_t cap, size_t max);
/* Start a new record: the buffer is reused.  Every block of the previous
 * record must have been freed (protobuf_c_message_free_unpacked). */
void gather_arena_reset(struct gather_arena *a);
void gather_arena_free(struct gather_arena *a);

#endif
