/* attach.h - an attachment belongs to its record once attached: the file is
 * copied into this device's content-addressed store (DIR/files/<hash>, DIR
 * the data directory) at entry, so a file later deleted from a download
 * folder or a USB stick removed loses nothing; the sync uploads the stored
 * copy.  And what kind of file a photo is, by its first bytes. */
#ifndef BS_ATTACH_H
#define BS_ATTACH_H

#include <stddef.h>
#include <stdint.h>

#include "localdb.h"

enum attach_image {
	ATTACH_NOT_IMAGE = 0,
	ATTACH_JPEG = 1,
	ATTACH_PNG = 2,
	ATTACH_HEIC = 3, /* HEIF family: heic, heix, hevc, mif1 ... */
};

/* What the first bytes of the file at path say it is: an enum
 * attach_image, or a negative BS_E_* if it cannot be read. */
int attach_image_type(const char *path);
/* The same for bytes already read (at least 12 for HEIC). */
int attach_image_type_buf(const uint8_t *p, size_t n);

/* Copy the file at src (hash and size as hashed before) into the store of
 * data directory dir, checking the copy against hash (BS_E_CORRUPT if the
 * file changed meanwhile).  A copy already stored under the hash is kept
 * only if it hashes to it again (a damaged one is replaced).  The copy is
 * written to a temporary file of its own (mkstemp), so processes sharing
 * dir never write into each other's.  *stored receives the store path (cap
 * bytes).  BS_E_IO, BS_E_NOSPACE, BS_E_TOOBIG (path), BS_E_NOTFOUND (src
 * or dir gone).  The store path is absolute even when dir is relative. */
int attach_store(const char *dir, const char *src, const uint8_t hash[LDB_HASH_LEN],
		 uint64_t size, char *stored, size_t cap);

#endif
