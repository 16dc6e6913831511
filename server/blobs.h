/* blobs.h - attachment files on disk, content-addressed by BLAKE2b-256.
 *
 *   DIR/ab/abcdef...            complete, verified blobs (one copy each)
 *   DIR/tmp/HASH-UNIT.part      an upload in progress for one unit
 *
 * A chunk is on disk (fdatasync) before its progress is recorded in the
 * database, so after a crash the part file is never shorter than the
 * recorded offset; anything past it is overwritten by the resumed upload.
 * Called from the writer and reader threads only. */
#ifndef BS_BLOBS_H
#define BS_BLOBS_H

#include <stddef.h>
#include <stdint.h>

#define BLOB_HASH_LEN 32
#define BLOB_CHUNK_MAX 49152u

/* Create DIR and DIR/tmp if missing, and make DIR's entry in its parent
 * durable (fsync of the parent directory). */
int blobs_init(const char *dir);

/* Write len bytes at offset into the part file of (hash, unit), durably. */
int blobs_part_write(const char *dir, const uint8_t hash[BLOB_HASH_LEN], int64_t unit,
		     uint64_t offset, const uint8_t *data, size_t len);
/* Size of the part file (0 if none). */
int blobs_part_size(const char *dir, const uint8_t hash[BLOB_HASH_LEN], int64_t unit,
		    uint64_t *size);
/* The upload of (hash, unit) has all `size` bytes: verify the hash of the
 * first size bytes; on success move it to its final place (or drop it if
 * the blob is already stored), make the stored file's name durable (fsync of
 * its subdirectory and of DIR) and return 0; on mismatch delete it and
 * return BS_E_CORRUPT. */
int blobs_part_finish(const char *dir, const uint8_t hash[BLOB_HASH_LEN], int64_t unit,
		      uint64_t size);
int blobs_part_remove(const char *dir, const uint8_t hash[BLOB_HASH_LEN], int64_t unit);

/* Whether the final blob file exists with this size. */
int blobs_exists(const char *dir, const uint8_t hash[BLOB_HASH_LEN], uint64_t size);
/* Read up to len bytes at offset of a stored blob. */
int blobs_read(const char *dir, const uint8_t hash[BLOB_HASH_LEN], uint64_t offset,
	       uint8_t *buf, size_t len, size_t *got);

#endif
