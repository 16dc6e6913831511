/* filehash.c - BLAKE2b-256 of a file's contents (filehash.h). */
#include "filehash.h"

#include <errno.h>
#include <sodium.h>
#include <stdlib.h>
#include <unistd.h>

#include "err.h"

#define PIECE (64u * 1024u)

int filehash_fd(int fd, uint64_t max, uint8_t hash[FILEHASH_LEN], uint64_t *size)
{
	crypto_generichash_state hs;
	uint8_t *buf = malloc(PIECE);
	uint64_t total = 0;
	int rv = BS_OK;

	if (!buf)
		return BS_E_NOMEM;
	crypto_generichash_init(&hs, NULL, 0, FILEHASH_LEN);
	for (;;) {
		ssize_t got = read(fd, buf, PIECE);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			rv = BS_E_IO;
			break;
		}
		if (got == 0)
			break;
		if ((uint64_t)got > max - total) {
			rv = BS_E_TOOBIG;
			break;
		}
		total += (uint64_t)got;
		crypto_generichash_update(&hs, buf, (unsigned long long)got);
	}
	free(buf);
	if (rv != BS_OK)
		return rv;
	crypto_generichash_final(&hs, hash, FILEHASH_LEN);
	*size = total;
	return BS_OK;
}
