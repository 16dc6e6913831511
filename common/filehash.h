/* filehash.h - BLAKE2b-256 of a file's contents, read in bounded pieces:
 * attachments are content-addressed by it on both sides. */
#ifndef BS_FILEHASH_H
#define BS_FILEHASH_H

#include <stdint.h>

#define FILEHASH_LEN 32

/* Hash what fd holds from its current position to its end, reading at most
 * max bytes: BS_OK with *size; BS_E_TOOBIG if there is more than max (the
 * file grew, or is not what it should be); BS_E_IO on a read error (EINTR is
 * retried); BS_E_NOMEM.  fd is not closed. */
int filehash_fd(int fd, uint64_t max, uint8_t hash[FILEHASH_LEN], uint64_t *size);

#endif
