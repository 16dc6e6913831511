/* app.c - data directory, database and lock. */
#include "app.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "clock.h"
#include "err.h"
#include "explain.h"
#include "keys.h"
#include "log.h"
#include "net.h"

int app_init(struct app *a, const char *dir_arg, int create)
{
	const char *dir = dir_arg;
	memset(a, 0, sizeof *a);
	a->lock_fd = -1;
	if (!dir || !*dir)
		dir = getenv("BAOSONG_DIR");
	if (dir && *dir) {
		if ((size_t)snprintf(a->dir, sizeof a->dir, "%s", dir) >= sizeof a->dir)
			return BS_E_TOOBIG;
	} else {
		const char *home = getenv("HOME");
		if (!home || !*home)
			return BS_E_INVAL;
		if ((size_t)snprintf(a->dir, sizeof a->dir, "%s/.baosong", home) >= sizeof a->dir)
			return BS_E_TOOBIG;
	}
	if (create && mkdir(a->dir, 0700) != 0 && errno != EEXIST)
		return BS_E_IO;
	snprintf(a->key_path, sizeof a->key_path, "%s/client.key", a->dir);
	snprintf(a->db_path, sizeof a->db_path, "%s/baosong.db", a->dir);
	snprintf(a->lock_path, sizeof a->lock_path, "%s/sync.lock", a->dir);
	return BS_OK;
}

int app_open_db(struct app *a)
{
	if (a->db)
		return BS_OK;
	return localdb_open(a->db_path, &a->db);
}

int app_lock(struct app *a)
{
	int fd = open(a->lock_path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0)
		return BS_E_IO;
	if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
		close(fd);
		return errno == EWOULDBLOCK ? BS_E_LOCKED : BS_E_IO;
	}
	a->lock_fd = fd;
	return BS_OK;
}

void app_close(struct app *a)
{
	if (a->db)
		localdb_close(a->db);
	a->db = NULL;
	if (a->lock_fd >= 0)
		close(a->lock_fd); /* releases the lock */
	a->lock_fd = -1;
}

int app_server(struct app *a, struct app_server *out)
{
	char b64[64];
	size_t binlen = 0;
	int64_t role = 0;
	int rv;

	memset(out, 0, sizeof *out);
	if ((rv = app_open_db(a)) != BS_OK)
		return rv;
	if (localdb_meta_get(a->db, "server", out->addr, sizeof out->addr) != BS_OK ||
	    localdb_meta_get(a->db, "server_key", b64, sizeof b64) != BS_OK ||
	    localdb_meta_get_int(a->db, "device_id", &out->device_id) != BS_OK) {
		fprintf(stderr, "baosong: %s\n", EXPLAIN_NOT_SET_UP);
		return BS_E_NOTFOUND;
	}
	if (sodium_base642bin(out->pub, KEY_LEN, b64, strlen(b64), NULL, &binlen, NULL,
			      sodium_base64_VARIANT_ORIGINAL) != 0 || binlen != KEY_LEN)
		return BS_E_INVAL;
	localdb_meta_get_int(a->db, "unit_id", &out->unit_id);
	localdb_meta_get_int(a->db, "role", &role);
	out->role = (int)role;
	localdb_meta_get(a->db, "unit_name", out->unit_name, sizeof out->unit_name);
	return BS_OK;
}

void app_blank(struct app *a)
{
	memset(a, 0, sizeof *a);
	a->lock_fd = -1;
}

int app_open_cli(const char *dir, struct app *a, struct app_server *srv)
{
	char msg[512];
	int rv = app_init(a, dir, 0);
	if (rv != BS_OK) {
		fprintf(stderr, "baosong: 数据目录无效 bad data directory: %s\n", bs_strerror(rv));
		return rv;
	}
	{
		struct stat st;
		if (stat(a->dir, &st) != 0 && errno == ENOENT) {
			fprintf(stderr, "baosong: %s (%s)\n", EXPLAIN_NOT_SET_UP, a->dir);
			return BS_E_NOTFOUND;
		}
	}
	if ((rv = app_open_db(a)) != BS_OK) {
		fprintf(stderr, "baosong: %s\n",
			client_explain(rv == BS_E_NOTFOUND ? BS_E_IO : rv, EXPLAIN_LOCAL, NULL,
				       a->db_path, msg, sizeof msg));
		return rv;
	}
	if (srv && (rv = app_server(a, srv)) != BS_OK && rv != BS_E_NOTFOUND)
		fprintf(stderr, "baosong: 本机设置已损坏 this device's settings are damaged: %s\n",
			bs_strerror(rv));
	return rv;
}

int app_hello_ns(struct app *a, uint64_t *out)
{
	int rv = app_open_db(a);
	if (rv == BS_OK)
		rv = localdb_hello_ns(a->db, bs_now_ns(), out);
	return rv;
}

int app_connect(struct app *a, const struct app_server *srv, struct session *s,
		unsigned timeout_ms, int report)
{
	struct keypair kp;
	uint64_t hello;
	char msg[768];
	int rv;
	if ((rv = keys_read_private(a->key_path, &kp)) != BS_OK) {
		fprintf(stderr, "baosong: %s\n",
			client_explain(rv == BS_E_NOTFOUND ? BS_E_IO : rv, EXPLAIN_LOCAL, NULL,
				       a->key_path, msg, sizeof msg));
		return rv;
	}
	if ((rv = app_hello_ns(a, &hello)) != BS_OK) {
		keys_wipe(&kp);
		fprintf(stderr, "baosong: %s\n",
			client_explain(rv, EXPLAIN_LOCAL, NULL, a->db_path, msg, sizeof msg));
		return rv;
	}
	rv = session_open(s, srv->addr, &kp, srv->pub, hello, timeout_ms);
	keys_wipe(&kp);
	if (rv == BS_OK)
		return rv;
	if (report)
		fprintf(stderr, "baosong: %s\n",
			client_explain(rv, EXPLAIN_CONNECT, srv->addr,
				       s->server.error ? s->server.error_message : NULL, msg,
				       sizeof msg));
	else if (s->server.error)
		log_warn("server refused the session: %s", s->server.error_message);
	return rv;
}
