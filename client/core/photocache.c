/* photocache.c - see photocache.h. */
#include "photocache.h"

#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "err.h"
#include "explain.h"
#include "net.h"
#include "recid.h"
#include "sync.h"

static int path_in(const char *dir, const char *sub, const uint8_t hash[LDB_HASH_LEN],
		   char *out, size_t cap)
{
	char hex[2 * LDB_HASH_LEN + 1];

	recid_hex(hash, LDB_HASH_LEN, hex);
	if ((size_t)snprintf(out, cap, "%s/%s/%s", dir, sub, hex) >= cap)
		return BS_E_TOOBIG;
	return BS_OK;
}

int photocache_path(const char *dir, const uint8_t hash[LDB_HASH_LEN], char *out, size_t cap)
{
	static const char *const where[] = {"files", "cache"};
	struct stat st;
	size_t i;
	int rv;

	assert(dir != NULL && hash != NULL && out != NULL && cap > 0);
	for (i = 0; i < sizeof where / sizeof where[0]; i++) {
		if ((rv = path_in(dir, where[i], hash, out, cap)) != BS_OK)
			return rv;
		if (lstat(out, &st) == 0 && S_ISREG(st.st_mode))
			return BS_OK;
	}
	out[0] = '\0';
	return BS_E_NOTFOUND;
}

int photocache_read(const char *dir, const uint8_t hash[LDB_HASH_LEN], uint8_t **data,
		    size_t *len)
{
	char path[4200];
	uint8_t got[LDB_HASH_LEN], *buf = NULL;
	struct stat st;
	size_t have = 0;
	int fd = -1, rv;

	assert(data != NULL && len != NULL);
	*data = NULL;
	*len = 0;
	if ((rv = photocache_path(dir, hash, path, sizeof path)) != BS_OK)
		return rv;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) < 0)
		return errno == ENOENT ? BS_E_NOTFOUND : BS_E_IO;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		rv = BS_E_IO;
		goto out;
	}
	if (st.st_size > (off_t)PHOTOCACHE_FILE_MAX) {
		rv = BS_E_TOOBIG;
		goto out;
	}
	if (!(buf = malloc((size_t)st.st_size + 1))) {
		rv = BS_E_NOMEM;
		goto out;
	}
	while (have < (size_t)st.st_size) {
		ssize_t r = read(fd, buf + have, (size_t)st.st_size - have);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			rv = BS_E_IO;
			goto out;
		}
		have += (size_t)r;
	}
	crypto_generichash(got, sizeof got, buf, have, NULL, 0);
	if (sodium_memcmp(got, hash, LDB_HASH_LEN) != 0) {
		rv = BS_E_CORRUPT;
		goto out;
	}
	*data = buf;
	*len = have;
	buf = NULL;
	rv = BS_OK;
out:
	free(buf);
	if (fd >= 0)
		close(fd);
	return rv;
}

int photocache_fetch(struct app *a, const struct app_server *srv,
		     const uint8_t (*hashes)[LDB_HASH_LEN], size_t n, unsigned timeout_ms,
		     unsigned *got, char *msg, size_t cap)
{
	char path[4200], cache[4200];
	struct session s;
	size_t i;
	int rv = BS_OK, connected = 0;

	assert(a != NULL && srv != NULL && got != NULL && msg != NULL && cap > 0);
	*got = 0;
	msg[0] = '\0';
	memset(&s, 0, sizeof s);
	if ((size_t)snprintf(cache, sizeof cache, "%s/cache", a->dir) >= sizeof cache)
		return BS_E_TOOBIG;
	if (mkdir(cache, 0700) != 0 && errno != EEXIST) {
		rv = errno == ENOSPC ? BS_E_NOSPACE : BS_E_IO;
		client_explain(rv, EXPLAIN_LOCAL, NULL, cache, msg, cap);
		return rv;
	}
	for (i = 0; i < n; i++) {
		if (photocache_path(a->dir, hashes[i], path, sizeof path) == BS_OK)
			continue;
		if (!connected) {
			if ((rv = app_connect(a, srv, &s, timeout_ms, 0)) != BS_OK) {
				client_explain(rv, EXPLAIN_CONNECT, srv->addr,
					       s.server.error ? s.server.error_message : NULL, msg,
					       cap);
				return rv;
			}
			connected = 1;
		}
		if ((rv = path_in(a->dir, "cache", hashes[i], path, sizeof path)) != BS_OK)
			break;
		rv = sync_download(&s, hashes[i], path);
		if (rv == BS_E_NOTFOUND) {
			char hex[2 * LDB_HASH_LEN + 1];
			recid_hex(hashes[i], LDB_HASH_LEN, hex);
			snprintf(msg, cap, "服务器上还没有这张照片 the server has no file %.16s yet "
					   "(its unit has not uploaded it: the next sync of that unit "
					   "does)", hex);
			break;
		}
		if (rv == BS_E_CORRUPT) {
			snprintf(msg, cap, "下载的内容与哈希不符，未保存 what arrived does not match "
					   "the hash; nothing kept");
			break;
		}
		if (rv != BS_OK) {
			client_explain(rv, EXPLAIN_REQUEST, srv->addr, NULL, msg, cap);
			break;
		}
		(*got)++;
	}
	if (connected)
		session_close(&s);
	return rv;
}
