/* blobs.c - attachment files. */
#include "blobs.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "err.h"
#include "filehash.h"
#include "log.h"

static int io_err(void)
{
	return errno == ENOSPC || errno == EDQUOT ? BS_E_NOSPACE : BS_E_IO;
}

static void hex(const uint8_t hash[BLOB_HASH_LEN], char out[2 * BLOB_HASH_LEN + 1])
{
	sodium_bin2hex(out, 2 * BLOB_HASH_LEN + 1, hash, BLOB_HASH_LEN);
}

static int part_path(const char *dir, const uint8_t hash[BLOB_HASH_LEN], int64_t unit,
		     char *out, size_t cap)
{
	char h[2 * BLOB_HASH_LEN + 1];
	hex(hash, h);
	if ((size_t)snprintf(out, cap, "%s/tmp/%s-%lld.part", dir, h, (long long)unit) >= cap)
		return BS_E_TOOBIG;
	return BS_OK;
}

static int final_path(const char *dir, const uint8_t hash[BLOB_HASH_LEN], char *out,
		      size_t cap, char *subdir, size_t subcap)
{
	char h[2 * BLOB_HASH_LEN + 1];
	hex(hash, h);
	if (subdir && (size_t)snprintf(subdir, subcap, "%s/%.2s", dir, h) >= subcap)
		return BS_E_TOOBIG;
	if ((size_t)snprintf(out, cap, "%s/%.2s/%s", dir, h, h) >= cap)
		return BS_E_TOOBIG;
	return BS_OK;
}

static int fsync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int rv = BS_OK;
	if (fd < 0)
		return BS_E_IO;
	if (fsync(fd) != 0)
		rv = BS_E_IO;
	close(fd);
	return rv;
}

/* fsync the directory that holds path's last component. */
static int fsync_parent(const char *path)
{
	char parent[4096];
	const char *slash = strrchr(path, '/');
	size_t len = slash ? (size_t)(slash - path) : 0;
	if (len >= sizeof parent)
		return BS_E_TOOBIG;
	if (!slash)
		return fsync_dir(".");
	if (len == 0)
		return fsync_dir("/");
	memcpy(parent, path, len);
	parent[len] = '\0';
	return fsync_dir(parent);
}

int blobs_init(const char *dir)
{
	char tmp[4096];
	if (mkdir(dir, 0750) != 0 && errno != EEXIST)
		return BS_E_IO;
	if ((size_t)snprintf(tmp, sizeof tmp, "%s/tmp", dir) >= sizeof tmp)
		return BS_E_TOOBIG;
	if (mkdir(tmp, 0750) != 0 && errno != EEXIST)
		return BS_E_IO;
	/* dir may have been made just now: its entry in the data directory is
	 * durable before any attachment is stored under it. */
	return fsync_parent(dir);
}

static int part_write(const char *dir, const uint8_t hash[BLOB_HASH_LEN], int64_t unit,
		      uint64_t offset, const uint8_t *data, size_t len, int flush)
{
	char path[4096];
	int fd, rv = BS_OK;
	size_t done = 0;

	if ((rv = part_path(dir, hash, unit, path, sizeof path)) != BS_OK)
		return rv;
	fd = open(path, O_WRONLY | O_CLOEXEC | (flush ? O_CREAT : 0), 0640);
	if (fd < 0)
		return !flush && errno == ENOENT ? BS_E_NOTFOUND : io_err();
	while (done < len) {
		ssize_t w = pwrite(fd, data + done, len - done, (off_t)(offset + done));
		if (w < 0) {
			if (errno == EINTR)
				continue;
			rv = io_err();
			goto out;
		}
		done += (size_t)w;
	}
	if (flush && fdatasync(fd) != 0)
		rv = io_err();
out:
	close(fd);
	return rv;
}

int blobs_part_write(const char *dir, const uint8_t hash[BLOB_HASH_LEN], int64_t unit,
		     uint64_t offset, const uint8_t *data, size_t len)
{
	return part_write(dir, hash, unit, offset, data, len, 1);
}

int blobs_part_put(const char *dir, const uint8_t hash[BLOB_HASH_LEN], int64_t unit,
		   uint64_t offset, const uint8_t *data, size_t len)
{
	return part_write(dir, hash, unit, offset, data, len, 0);
}

int blobs_part_size(const char *dir, const uint8_t hash[BLOB_HASH_LEN], int64_t unit,
		    uint64_t *size)
{
	char path[4096];
	struct stat st;
	int rv = part_path(dir, hash, unit, path, sizeof path);
	if (rv != BS_OK)
		return rv;
	if (stat(path, &st) != 0) {
		if (errno != ENOENT)
			return BS_E_IO;
		*size = 0;
		return BS_OK;
	}
	*size = (uint64_t)st.st_size;
	return BS_OK;
}

static int ok_path(const char *dir, const uint8_t hash[BLOB_HASH_LEN], int64_t unit,
		   uint64_t token, char *out, size_t cap)
{
	char h[2 * BLOB_HASH_LEN + 1];
	hex(hash, h);
	if ((size_t)snprintf(out, cap, "%s/tmp/%s-%lld-%016llx.ok", dir, h, (long long)unit,
			     (unsigned long long)token) >= cap)
		return BS_E_TOOBIG;
	return BS_OK;
}

int blobs_part_verify(const char *dir, const uint8_t hash[BLOB_HASH_LEN], int64_t unit,
		      uint64_t size, uint64_t token)
{
	char part[4096], ok[4096];
	uint8_t got[BLOB_HASH_LEN];
	uint64_t have = 0;
	int fd, rv;

	if ((rv = part_path(dir, hash, unit, part, sizeof part)) != BS_OK ||
	    (rv = ok_path(dir, hash, unit, token, ok, sizeof ok)) != BS_OK)
		return rv;
	/* Out of the way of later writes to the part file first: what is
	 * verified is what the writer moves into place. */
	if (rename(part, ok) != 0)
		return errno == ENOENT ? BS_E_NOTFOUND : io_err();
	fd = open(ok, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		rv = io_err();
		unlink(ok);
		return rv;
	}
	rv = filehash_fd(fd, size, got, &have);
	close(fd);
	if (rv != BS_OK && rv != BS_E_TOOBIG) {
		unlink(ok);
		return rv;
	}
	/* More bytes than announced, fewer, or other ones: not this blob. */
	if (rv == BS_E_TOOBIG || have != size || sodium_memcmp(got, hash, BLOB_HASH_LEN) != 0) {
		unlink(ok);
		return BS_E_CORRUPT;
	}
	if (truncate(ok, (off_t)size) != 0) {
		rv = io_err();
		unlink(ok);
		return rv;
	}
	return BS_OK;
}

int blobs_verified_place(const char *dir, const uint8_t hash[BLOB_HASH_LEN], int64_t unit,
			 uint64_t token, uint64_t size, int *placed)
{
	char ok[4096], fin[4096], sub[4096];
	int rv;

	*placed = 0;
	if ((rv = ok_path(dir, hash, unit, token, ok, sizeof ok)) != BS_OK ||
	    (rv = final_path(dir, hash, fin, sizeof fin, sub, sizeof sub)) != BS_OK)
		return rv;
	if (blobs_exists(dir, hash, size)) {
		unlink(ok); /* stored once; synced below, in case an earlier sync failed */
	} else {
		if (mkdir(sub, 0750) != 0 && errno != EEXIST)
			return io_err();
		if (rename(ok, fin) != 0)
			return errno == ENOENT ? BS_E_NOTFOUND : io_err();
		*placed = 1;
	}
	/* Durable before the database names it: the file's entry in its
	 * subdirectory, and the subdirectory's entry in dir (it may be new, or
	 * made by an earlier attempt whose sync failed). */
	if ((rv = fsync_dir(sub)) != BS_OK || (rv = fsync_dir(dir)) != BS_OK)
		return rv;
	return BS_OK;
}

int blobs_verified_remove(const char *dir, const uint8_t hash[BLOB_HASH_LEN], int64_t unit,
			  uint64_t token)
{
	char ok[4096];
	int rv = ok_path(dir, hash, unit, token, ok, sizeof ok);
	if (rv != BS_OK)
		return rv;
	if (unlink(ok) != 0 && errno != ENOENT)
		return BS_E_IO;
	return BS_OK;
}

int blobs_remove(const char *dir, const uint8_t hash[BLOB_HASH_LEN])
{
	char fin[4096], sub[4096];
	int rv = final_path(dir, hash, fin, sizeof fin, sub, sizeof sub);
	if (rv != BS_OK)
		return rv;
	if (unlink(fin) != 0 && errno != ENOENT)
		return BS_E_IO;
	return BS_OK;
}

int blobs_part_remove(const char *dir, const uint8_t hash[BLOB_HASH_LEN], int64_t unit)
{
	char path[4096];
	int rv = part_path(dir, hash, unit, path, sizeof path);
	if (rv != BS_OK)
		return rv;
	if (unlink(path) != 0 && errno != ENOENT)
		return BS_E_IO;
	return BS_OK;
}

int blobs_exists(const char *dir, const uint8_t hash[BLOB_HASH_LEN], uint64_t size)
{
	char fin[4096];
	struct stat st;
	if (final_path(dir, hash, fin, sizeof fin, NULL, 0) != BS_OK)
		return 0;
	return stat(fin, &st) == 0 && (uint64_t)st.st_size == size;
}

int blobs_read(const char *dir, const uint8_t hash[BLOB_HASH_LEN], uint64_t offset,
	       uint8_t *buf, size_t len, size_t *got)
{
	char fin[4096];
	size_t done = 0;
	int fd, rv = BS_OK;
	if ((rv = final_path(dir, hash, fin, sizeof fin, NULL, 0)) != BS_OK)
		return rv;
	fd = open(fin, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? BS_E_NOTFOUND : BS_E_IO;
	while (done < len) {
		ssize_t r = pread(fd, buf + done, len - done, (off_t)(offset + done));
		if (r < 0) {
			if (errno == EINTR)
				continue;
			rv = BS_E_IO;
			break;
		}
		if (r == 0)
			break;
		done += (size_t)r;
	}
	close(fd);
	if (rv == BS_OK)
		*got = done;
	return rv;
}
