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
