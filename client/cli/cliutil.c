/* cliutil.c - helpers shared by the baosong commands. */
#include "cliutil.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bs_limits.h"
#include "err.h"
#include "filehash.h"
#include "recid.h"
#include "records.h"
#include "wire.h"

#define DECODE_MAX (256u * 1024u)

char **cli_name_argv(char **argv, const char *name)
{
	argv[0] = (char *)name;
	return argv;
}

int cli_write_error(void)
{
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "baosong: 输出失败 cannot write the output: %s\n", strerror(errno));
		return BS_E_IO;
	}
	return BS_OK;
}

void cli_print_candidates(struct localdb *db, const char *kind, const char *prefix)
{
	struct recid_found f;
	unsigned i;
	if (recid_record(db, kind, prefix, &f) != BS_E_INVAL)
		return;
	for (i = 0; i < f.ncand; i++)
		fprintf(stderr, "  %s  %s\n", f.cand[i], f.cand_kind[i]);
	if (f.count > f.ncand)
		fprintf(stderr, "  ... (%u in all)\n", f.count);
}

int cli_db_error(int rv)
{
	fprintf(stderr, "baosong: 读取本地数据失败 cannot read the local database: %s\n",
		bs_strerror(rv));
	return rv;
}

int local_lookup_project(void *ctx, const char *uid, int64_t *unit_id, int64_t *total_fen,
			 int *stage)
{
	struct localdb *db = ctx;
	struct lrecord r;
	struct wire_arena a;
	Baosong__V1__Project *p;
	int rv = localdb_record_get(db, uid, &r);
	if (rv != BS_OK)
		return rv;
	if (strcmp(r.kind, REC_KIND_PROJECT) != 0 || r.deleted) {
		lrecord_free(&r);
		return BS_E_NOTFOUND;
	}
	wire_arena_init(&a, DECODE_MAX);
	p = baosong__v1__project__unpack(&a.alloc, r.data_len, r.data);
	if (p) {
		*unit_id = r.unit_id;
		*total_fen = p->total_investment_fen;
		*stage = (int)p->stage;
		baosong__v1__project__free_unpacked(p, &a.alloc);
	} else {
		rv = BS_E_INVAL;
	}
	lrecord_free(&r);
	return rv;
}

struct unit_walk {
	const char *code;
	int64_t unit_id;
	int found;
};

static int unit_match(void *ctx, const struct lrecord *r)
{
	struct unit_walk *uw = ctx;
	struct wire_arena a;
	Baosong__V1__UnitInfo *u;
	wire_arena_init(&a, DECODE_MAX);
	u = baosong__v1__unit_info__unpack(&a.alloc, r->data_len, r->data);
	if (!u)
		return 0;
	if (u->code && strcmp(u->code, uw->code) == 0) {
		uw->unit_id = r->unit_id;
		uw->found = 1;
	}
	baosong__v1__unit_info__free_unpacked(u, &a.alloc);
	return uw->found;
}

int local_lookup_unit(void *ctx, const char *code, int64_t *unit_id)
{
	struct localdb *db = ctx;
	struct unit_walk uw = {code, 0, 0};
	char mine[256];
	int rv = localdb_record_each(db, REC_KIND_UNIT, 0, unit_match, &uw);
	if (rv < 0)
		return rv;
	if (uw.found) {
		*unit_id = uw.unit_id;
		return BS_OK;
	}
	if (localdb_meta_get(db, "unit_code", mine, sizeof mine) == BS_OK && mine[0] &&
	    strcmp(mine, code) == 0)
		return localdb_meta_get_int(db, "unit_id", unit_id);
	return BS_E_NOTFOUND;
}

int cli_file_hash(const char *arg, const char *what_zh, const char *what_en, char **path,
		  uint64_t *size, uint8_t hash[LDB_HASH_LEN])
{
	struct stat st;
	char *real = NULL;
	uint64_t total = 0;
	int fd, rv;

	if (strlen(arg) >= PATH_MAX) {
		fprintf(stderr, "baosong: %s路径过长 %s path too long\n", what_zh, what_en);
		return BS_E_TOOBIG;
	}
	/* O_NONBLOCK: a FIFO named by mistake must not hang the command. */
	fd = open(arg, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0) {
		fprintf(stderr, "baosong: 无法打开%s cannot open %s %s: %s\n", what_zh, what_en, arg,
			strerror(errno));
		return BS_E_NOTFOUND;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		fprintf(stderr, "baosong: %s不是普通文件 %s %s is not a regular file\n", what_zh,
			what_en, arg);
		rv = BS_E_INVAL;
		goto out;
	}
	if ((uint64_t)st.st_size > BS_MAX_FILE_BYTES) {
		fprintf(stderr, "baosong: %s过大 %s %s is %llu MiB; the limit is %llu MiB\n", what_zh,
			what_en, arg, (unsigned long long)st.st_size >> 20,
			(unsigned long long)(BS_MAX_FILE_BYTES >> 20));
		rv = BS_E_TOOBIG;
		goto out;
	}
	if (!(real = realpath(arg, NULL)) || strlen(real) >= 4096) {
		fprintf(stderr, "baosong: 无法确定%s路径 cannot resolve the path of %s\n", what_zh,
			arg);
		rv = BS_E_NOTFOUND;
		goto out;
	}
	rv = filehash_fd(fd, BS_MAX_FILE_BYTES, hash, &total);
	if (rv == BS_E_TOOBIG)
		fprintf(stderr, "baosong: %s过大 %s %s grew over the %llu MiB limit\n", what_zh,
			what_en, arg, (unsigned long long)(BS_MAX_FILE_BYTES >> 20));
	else if (rv == BS_E_IO)
		fprintf(stderr, "baosong: 读取%s失败 cannot read %s %s: %s\n", what_zh, what_en, arg,
			strerror(errno));
	else if (rv == BS_OK && total == 0) {
		fprintf(stderr, "baosong: %s是空文件 %s %s is empty\n", what_zh, what_en, arg);
		rv = BS_E_INVAL;
	}
	if (rv != BS_OK)
		goto out;
	*path = real;
	real = NULL;
	*size = total;
out:
	free(real);
	close(fd);
	return rv;
}
