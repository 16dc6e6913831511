/* photocache.h - the photos (and other attachments) of records, found on
 * this device by content hash: in the store of files attached here
 * (DIR/files/<hash>, attach.h) or in the cache of files fetched from the
 * server on demand (DIR/cache/<hash>), for a front end that shows them
 * (the reviewer's device holds the records of every unit, but not their
 * files until it asks).  A path is only ever built from a hash's own hex,
 * never from text from outside. */
#ifndef BS_CLIENT_PHOTOCACHE_H
#define BS_CLIENT_PHOTOCACHE_H

#include <stddef.h>
#include <stdint.h>

#include "app.h"
#include "localdb.h"

/* The largest file served from the cache (a site photo; the upload cap). */
#define PHOTOCACHE_FILE_MAX (20u * 1024u * 1024u)

/* Where the file of hash is on this device: 0 with its path in out, or
 * BS_E_NOTFOUND (not here), BS_E_TOOBIG (path does not fit cap). */
int photocache_path(const char *dir, const uint8_t hash[LDB_HASH_LEN], char *out, size_t cap);

/* Read the file of hash (at most PHOTOCACHE_FILE_MAX bytes) into a
 * malloc'd *data, checking that it still hashes to hash (a damaged copy
 * is not shown).  0, BS_E_NOTFOUND, BS_E_TOOBIG, BS_E_CORRUPT, BS_E_IO,
 * BS_E_NOMEM. */
int photocache_read(const char *dir, const uint8_t hash[LDB_HASH_LEN], uint8_t **data,
		    size_t *len);

/* Fetch from the server every one of the n hashes not on this device yet
 * into DIR/cache (one session, timeout_ms per step).  *got counts the
 * files fetched.  0, or the first failure's BS_E_* code with msg saying
 * why (Chinese, then English). */
int photocache_fetch(struct app *a, const struct app_server *srv,
		     const uint8_t (*hashes)[LDB_HASH_LEN], size_t n, unsigned timeout_ms,
		     unsigned *got, char *msg, size_t cap);

#endif
