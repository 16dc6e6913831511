/* attach.c - the content-addressed attachment store and image sniffing
 * (see attach.h).  A copy is written to a temporary file of its own
 * (mkstemp: DIR/files/.tmp-<hash>-XXXXXX, so two processes sharing a data
 * directory never write into each other's copy), synced, and renamed to
 * DIR/files/<hash>: a crash leaves no half file under the final name.  A
 * copy already stored is trusted only after it is hashed again. */
#include "attach.h"

#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "err.h"

int attach_image_type_buf(const uint8_t *p, size_t n)
{
	static const char *const heif[] = {"heic", "heix", "hevc", "hevx", "heim",
					   "heis", "hevm", "hevs", "mif1", "msf1"};
	size_t i;
	if (n >= 3 && p[0] == 0xff && p[1] == 0xd8 && p[2] == 0xff)
		return ATTACH_JPEG;
	if (n >= 8 && memcmp(p, "\x89PNG\r\n\x1a\n", 8) == 0)
		return ATTACH_PNG;
	if (n >= 12 && memcmp(p + 4, "ftyp", 4) == 0)
		for (i = 0; i < sizeof heif / sizeof heif[0]; i++)
			if (memcmp(p + 8, heif[i], 4) == 0)
				return ATTACH_HEIC;
	return ATTACH_NOT_IMAGE;
}

int attach_image_type(const char *path)
{
	uint8_t buf[16];
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return BS_E_NOTFOUND;
	n = read(fd, buf, sizeof buf);
	close(fd);
	if (n < 0)
		return BS_E_IO;
	return attach_image_type_buf(buf, (size_t)n);
}

static int io_error(void)
{
	return errno == ENOSPC || errno == EDQUOT ? BS_E_NOSPACE : BS_E_IO;
}

/* Whether the file at path is a regular file of exactly size bytes whose
 * BLAKE2b is hash.  Anything unreadable counts as not matching (the caller
 * then writes a fresh copy over it). */
static int stored_matches(const char *path, const uint8_t hash[LDB_HASH_LEN], uint64_t size)
{
	uint8_t buf[65536], got[LDB_HASH_LEN];
	crypto_generichash_blake2b_state hs;
	uint64_t total = 0;
	struct stat st;
	int ok = 0, fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK | O_NOFOLLOW);

	if (fd < 0)
		return 0;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || (uint64_t)st.st_size != size)
		goto out;
	crypto_generichash_blake2b_init(&hs, NULL, 0, LDB_HASH_LEN);
	for (;;) {
		ssize_t n = read(fd, buf, sizeof buf);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			goto out;
		if (n == 0)
			break;
		total += (uint64_t)n;
		if (total > size)
			goto out;
		crypto_generichash_blake2b_update(&hs, buf, (unsigned long long)n);
	}
	crypto_generichash_blake2b_final(&hs, got, LDB_HASH_LEN);
	ok = total == size && sodium_memcmp(got, hash, LDB_HASH_LEN) == 0;
out:
	close(fd);
	return ok;
}

int attach_store(const char *dir, const char *src, const uint8_t hash[LDB_HASH_LEN],
		 uint64_t size, char *stored, size_t cap)
{
	char hex[LDB_HASH_LEN * 2 + 1], files[4200], tmp[4300];
	uint8_t buf[65536], got[LDB_HASH_LEN];
	crypto_generichash_blake2b_state hs;
	uint64_t total = 0;
	int in = -1, out = -1, rv = BS_OK;

	assert(dir && src && hash && stored && cap > 0);
	sodium_bin2hex(hex, sizeof hex, hash, LDB_HASH_LEN);
	/* The path is kept in the local database and read by later runs from
	 * any working directory (a nightly job): make it absolute. */
	if (dir[0] != '/') {
		char *abs = realpath(dir, NULL);
		if (!abs)
			return BS_E_NOTFOUND;
		rv = (size_t)snprintf(files, sizeof files, "%s/files", abs) >= sizeof files
			     ? BS_E_TOOBIG
			     : BS_OK;
		free(abs);
	} else {
		rv = (size_t)snprintf(files, sizeof files, "%s/files", dir) >= sizeof files
			     ? BS_E_TOOBIG
			     : BS_OK;
	}
	if (rv != BS_OK)
		return rv;
	if ((size_t)snprintf(tmp, sizeof tmp, "%s/.tmp-%s-XXXXXX", files, hex) >= sizeof tmp ||
	    (size_t)snprintf(stored, cap, "%s/%s", files, hex) >= cap)
		return BS_E_TOOBIG;
	if (mkdir(files, 0700) != 0 && errno != EEXIST)
		return io_error();
	/* Stored before (the same photo again): keep it only if it still hashes
	 * to its name; a damaged copy of the same size is replaced below. */
	if (stored_matches(stored, hash, size))
		return BS_OK;
	if ((in = open(src, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK)) < 0)
		return BS_E_NOTFOUND;
	if ((out = mkstemp(tmp)) < 0) { /* 0600, O_EXCL: this process's own file */
		tmp[0] = '\0';
		rv = io_error();
		goto out;
	}
	(void)fcntl(out, F_SETFD, FD_CLOEXEC);
	crypto_generichash_blake2b_init(&hs, NULL, 0, LDB_HASH_LEN);
	for (;;) {
		ssize_t n = read(in, buf, sizeof buf), w = 0;
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rv = BS_E_IO;
			goto out;
		}
		if (n == 0)
			break;
		total += (uint64_t)n;
		if (total > size) {
			rv = BS_E_CORRUPT; /* it grew since it was hashed */
			goto out;
		}
		crypto_generichash_blake2b_update(&hs, buf, (unsigned long long)n);
		while (w < n) {
			ssize_t k = write(out, buf + w, (size_t)(n - w));
			if (k < 0 && errno == EINTR)
				continue;
			if (k < 0) {
				rv = io_error();
				goto out;
			}
			w += k;
		}
	}
	crypto_generichash_blake2b_final(&hs, got, LDB_HASH_LEN);
	if (total != size || sodium_memcmp(got, hash, LDB_HASH_LEN) != 0) {
		rv = BS_E_CORRUPT;
		goto out;
	}
	if (fsync(out) != 0) {
		rv = io_error();
		goto out;
	}
	if (close(out) != 0) {
		out = -1;
		rv = io_error();
		goto out;
	}
	out = -1;
	if (rename(tmp, stored) != 0) {
		rv = io_error();
		goto out;
	}
	/* The directory entry must be durable too. */
	{
		int dfd = open(files, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (dfd >= 0) {
			(void)fsync(dfd);
			close(dfd);
		}
	}
out:
	if (in >= 0)
		close(in);
	if (out >= 0)
		close(out);
	if (rv != BS_OK && tmp[0])
		unlink(tmp);
	return rv;
}
