/* blobs.h - attachment files on disk, content-addressed by BLAKE2b-256.
 *
 *   DIR/ab/abcdef...            complete, verified blobs (one copy each)
 *   DIR/tmp/HASH-UNIT.part      an upload in progress for one unit
 *   DIR/tmp/HASH-UNIT-TOKEN.ok  its verified file, until the writer accepts
 *                               it (moved to DIR/ab/...) or refuses it
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
/* Write len bytes at offset into the existing part file of (hash, unit),
 * without flushing (a later blobs_part_write flushes the file, these bytes
 * included).  BS_E_NOTFOUND if there is no part file. */
int blobs_part_put(const char *dir, const uint8_t hash[BLOB_HASH_LEN], int64_t unit,
		   uint64_t offset, const uint8_t *data, size_t len);
/* Size of the part file (0 if none). */
int blobs_part_size(const char *dir, const uint8_t hash[BLOB_HASH_LEN], int64_t unit,
		    uint64_t *size);
/* The upload of (hash, unit) has all `size` bytes: move the part file out
 * of the way of later writes (to DIR/tmp/HASH-UNIT-TOKEN.ok, token unique
 * to this upload's last chunk), verify the hash of its first size bytes
 * and cut it to size; return 0, or on mismatch delete it and return
 * BS_E_CORRUPT (on any other error it is deleted too).  The expensive
 * half, off the writer thread. */
int blobs_part_verify(const char *dir, const uint8_t hash[BLOB_HASH_LEN], int64_t unit,
		      uint64_t size, uint64_t token);
/* Move a verified file (blobs_part_verify) to its final place, or drop it
 * if the blob is already stored, and make the stored file's name durable
 * (fsync of its subdirectory and of DIR) in both cases.  *placed is 1 when this call created the
 * final file.  Writer thread only, once the database accepts the blob: so
 * a final file does not exist without the row that accounts for it. */
int blobs_verified_place(const char *dir, const uint8_t hash[BLOB_HASH_LEN], int64_t unit,
			 uint64_t token, uint64_t size, int *placed);
/* Delete a verified file the writer refused (nothing if already placed). */
int blobs_verified_remove(const char *dir, const uint8_t hash[BLOB_HASH_LEN], int64_t unit,
			  uint64_t token);
/* Delete a final blob file (one just placed whose row could not be added). */
int blobs_remove(const char *dir, const uint8_t hash[BLOB_HASH_LEN]);
int blobs_part_remove(const char *dir, const uint8_t hash[BLOB_HASH_LEN], int64_t unit);

/* Whether the final blob file exists with this size. */
int blobs_exists(const char *dir, const uint8_t hash[BLOB_HASH_LEN], uint64_t size);
/* Read up to len bytes at offset of a stored blob. */
int blobs_read(const char *dir, const uint8_t hash[BLOB_HASH_LEN], uint64_t offset,
	       uint8_t *buf, size_t len, size_t *got);

#endif
