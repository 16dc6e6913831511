/* faultfs.c - a file-system fault layer for tests, loaded into a real
 * baosongd with LD_PRELOAD (never linked into the production binary).
 *
 * It watches the files under one directory (FAULTFS_ROOT, the server's data
 * directory: SQLite database, -wal, -shm, the audit key, blobs/) and does two
 * things, each switched on by its own variable:
 *
 * 1. Power loss (FAULTFS_SHADOW=DIR).  It keeps, apart from the live files,
 *    the state a disk would hold after a power cut: only what was made durable.
 *      - fsync/fdatasync of a file makes that file's bytes durable (its
 *        content as of the call, whatever name it has);
 *      - fsync/fdatasync of a directory makes that directory's entries durable
 *        (names created, renamed or removed since the last one);
 *      - nothing else is durable: write, pwrite, ftruncate, rename, unlink,
 *        mkdir stay in the "page cache" until synced.
 *    The model is strict (POSIX, as ext4 without auto_da_alloc promises): a new
 *    file whose directory was never synced is lost even if the file was; unsynced
 *    writes are all lost, none kept half way.
 *    DIR holds that durable state, updated atomically at each sync, so killing
 *    the process with SIGKILL at any moment is a power cut at that moment;
 *    fault_image DIR OUT then writes the durable image.  At start the library
 *    takes the files as they are on disk as durable (the machine was switched
 *    on).  FAULTFS_CUT_AT=N: the Nth sync call (1-based) under the root is not
 *    carried out; the process kills itself with SIGKILL instead (power cut just
 *    before that sync).
 *
 * 2. I/O errors (FAULTFS_FAIL=KIND:N[:ERRNO[:COUNT]]).  KIND is write (write,
 *    pwrite, pwrite64), sync (fsync, fdatasync) or read (read, pread, pread64);
 *    the Nth such call under the root and the COUNT-1 after it (COUNT 0: all
 *    after it) fail with ERRNO (EIO, the default, or ENOSPC) without touching
 *    the file.
 *
 * FAULTFS_TRACE=1: one line on stderr per sync under the root (its number, the
 * call, the path), to see where a sweep's points fall.
 * FAULTFS_STATS=FILE: "syncs N writes N reads N" (calls under the root) is
 * written to FILE at exit and after each sync, so a test can size its sweep.
 *
 * Threads: every entry point may be called from any thread; the counters and
 * the durable state are under one mutex.  Only descriptors opened through
 * open/open64/openat/openat64 with a path under the root are watched, until
 * close() (glibc's own opens, as in fopen, are not seen; baosongd and SQLite
 * use open and close for their data files).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#define FD_MAX 65536
#define GEN_MAX 4096

enum { K_WRITE, K_SYNC, K_READ, K_COUNT };

static struct {
	int on;                     /* FAULTFS_ROOT set and usable */
	char root[PATH_MAX];
	size_t rootlen;
	char shadow[PATH_MAX];      /* "" when power loss is not modelled */
	char stats[PATH_MAX];
	long cut_at;                /* 0: never */
	int fail_kind;              /* -1: no error injection */
	long fail_at, fail_count;
	int fail_errno;
	int trace;                  /* FAULTFS_TRACE: one stderr line per sync */
	long count[K_COUNT];
	unsigned long gen_next;
	struct { ino_t ino; unsigned long gen; } gens[GEN_MAX];
	size_t ngens;
	unsigned char watched[FD_MAX];
} F = { .fail_kind = -1 };

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

/* ---- the real functions ---- */

typedef int (*open_fn)(const char *, int, ...);
typedef int (*openat_fn)(int, const char *, int, ...);
typedef int (*close_fn)(int);
typedef int (*sync_fn)(int);
typedef ssize_t (*rw_fn)(int, void *, size_t);
typedef ssize_t (*wr_fn)(int, const void *, size_t);
typedef ssize_t (*prw_fn)(int, void *, size_t, off_t);
typedef ssize_t (*pwr_fn)(int, const void *, size_t, off_t);

static void *next_sym(const char *name)
{
	void *p = dlsym(RTLD_NEXT, name);
	if (!p) {
		fprintf(stderr, "faultfs: no %s\n", name);
		abort();
	}
	return p;
}

#define REAL(type, name) ((type)real_##name())
#define DEF_REAL(name)                                                 \
	static void *real_##name(void)                                 \
	{                                                              \
		static void *p;                                        \
		void *q = __atomic_load_n(&p, __ATOMIC_ACQUIRE);       \
		if (!q) {                                              \
			q = next_sym(#name);                           \
			__atomic_store_n(&p, q, __ATOMIC_RELEASE);     \
		}                                                      \
		return q;                                              \
	}
DEF_REAL(open)
DEF_REAL(open64)
DEF_REAL(openat)
DEF_REAL(openat64)
DEF_REAL(close)
DEF_REAL(fsync)
DEF_REAL(fdatasync)
DEF_REAL(read)
DEF_REAL(write)
DEF_REAL(pread)
DEF_REAL(pread64)
DEF_REAL(pwrite)
DEF_REAL(pwrite64)

static int ropen(const char *path, int flags, mode_t mode)
{
	return REAL(open_fn, open)(path, flags, mode);
}

static void rclose(int fd)
{
	REAL(close_fn, close)(fd);
}

/* ---- durable state on disk ---- */

static unsigned long gen_of(ino_t ino)
{
	size_t i;
	for (i = 0; i < F.ngens; i++)
		if (F.gens[i].ino == ino)
			return F.gens[i].gen;
	return 0;
}

/* A new file took inode ino: its durable content is not the old file's. */
static void gen_new(ino_t ino)
{
	size_t i;
	for (i = 0; i < F.ngens; i++)
		if (F.gens[i].ino == ino) {
			F.gens[i].gen = ++F.gen_next;
			return;
		}
	if (F.ngens == GEN_MAX) {
		fprintf(stderr, "faultfs: more than %d files created\n", GEN_MAX);
		abort();
	}
	F.gens[F.ngens].ino = ino;
	F.gens[F.ngens].gen = ++F.gen_next;
	F.ngens++;
}

static void die(const char *what)
{
	fprintf(stderr, "faultfs: %s: %s\n", what, strerror(errno));
	abort();
}

static void write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	while (len) {
		ssize_t w = REAL(wr_fn, write)(fd, p, len);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			die("write shadow");
		p += w;
		len -= (size_t)w;
	}
}

/* Replace SHADOW/name by what fill() writes, atomically. */
static void shadow_put(const char *name, void (*fill)(int out, void *arg), void *arg)
{
	char tmp[PATH_MAX + 32], fin[PATH_MAX + 64];
	int fd;
	snprintf(tmp, sizeof tmp, "%s/.tmp", F.shadow);
	snprintf(fin, sizeof fin, "%s/%s", F.shadow, name);
	fd = ropen(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		die(tmp);
	fill(fd, arg);
	rclose(fd);
	if (rename(tmp, fin) != 0)
		die(fin);
}

static void fill_copy(int out, void *arg)
{
	int in = *(int *)arg;
	char buf[65536];
	off_t off = 0;
	for (;;) {
		ssize_t r = REAL(prw_fn, pread)(in, buf, sizeof buf, off);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			die("read for shadow");
		if (r == 0)
			break;
		write_all(out, buf, (size_t)r);
		off += r;
	}
}

/* The listing of the directory at path: one line "TYPE INO GEN NAME" per entry, TYPE d or f (others skipped). */
static void fill_listing(int out, void *arg)
{
	const char *path = arg;
	DIR *d = opendir(path);
	struct dirent *e;
	if (!d)
		die(path);
	while ((e = readdir(d))) {
		char line[NAME_MAX + 128], full[PATH_MAX * 2];
		struct stat st;
		char type;
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		snprintf(full, sizeof full, "%s/%s", path, e->d_name);
		if (lstat(full, &st) != 0)
			continue;
		if (S_ISDIR(st.st_mode))
			type = 'd';
		else if (S_ISREG(st.st_mode))
			type = 'f';
		else
			continue;
		snprintf(line, sizeof line, "%c %llu %lu %s\n", type,
			 (unsigned long long)st.st_ino, gen_of(st.st_ino), e->d_name);
		write_all(out, line, strlen(line));
	}
	closedir(d);
}

/* The file open as fd (maybe write-only) is durable as it is now. */
static void durable_file(int fd, ino_t ino)
{
	char name[64], link[64];
	int in;
	snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
	in = ropen(link, O_RDONLY | O_CLOEXEC, 0);
	if (in < 0)
		die(link);
	snprintf(name, sizeof name, "f-%llu-%lu", (unsigned long long)ino, gen_of(ino));
	shadow_put(name, fill_copy, &in);
	rclose(in);
}

static void durable_dir(const char *path, ino_t ino)
{
	char name[64];
	snprintf(name, sizeof name, "d-%llu", (unsigned long long)ino);
	shadow_put(name, fill_listing, (void *)path);
}

/* The machine is switched on: everything under path is durable. */
static void snapshot(const char *path)
{
	DIR *d;
	struct dirent *e;
	struct stat st;
	if (lstat(path, &st) != 0)
		die(path);
	durable_dir(path, st.st_ino);
	if (!(d = opendir(path)))
		die(path);
	while ((e = readdir(d))) {
		char full[PATH_MAX];
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if ((size_t)snprintf(full, sizeof full, "%s/%s", path, e->d_name) >= sizeof full)
			continue;
		if (lstat(full, &st) != 0)
			continue;
		if (S_ISDIR(st.st_mode)) {
			snapshot(full);
		} else if (S_ISREG(st.st_mode)) {
			int fd = ropen(full, O_RDONLY | O_CLOEXEC, 0);
			char name[64];
			if (fd < 0)
				die(full);
			snprintf(name, sizeof name, "f-%llu-0", (unsigned long long)st.st_ino);
			shadow_put(name, fill_copy, &fd);
			rclose(fd);
		}
	}
	closedir(d);
}

static void write_stats(void)
{
	char buf[128];
	int fd, n;
	if (!F.stats[0])
		return;
	n = snprintf(buf, sizeof buf, "syncs %ld writes %ld reads %ld\n", F.count[K_SYNC],
		     F.count[K_WRITE], F.count[K_READ]);
	fd = ropen(F.stats, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return;
	write_all(fd, buf, (size_t)n);
	rclose(fd);
}

static void fill_root(int out, void *arg)
{
	char line[64];
	int n = snprintf(line, sizeof line, "%llu\n", *(unsigned long long *)arg);
	write_all(out, line, (size_t)n);
}

/* SHADOW/root: the inode of the root directory, where the image starts. */
static void root_put(void)
{
	struct stat st;
	unsigned long long ino;
	if (lstat(F.root, &st) != 0)
		die(F.root);
	ino = (unsigned long long)st.st_ino;
	shadow_put("root", fill_root, &ino);
}

/* ---- set-up ---- */

static long env_long(const char *name, long dflt)
{
	const char *v = getenv(name);
	char *end;
	long n;
	if (!v || !*v)
		return dflt;
	errno = 0;
	n = strtol(v, &end, 10);
	if (errno || *end || n < 0) {
		fprintf(stderr, "faultfs: %s=%s is not a count\n", name, v);
		abort();
	}
	return n;
}

static void parse_fail(const char *v)
{
	char kind[16];
	char err[16] = "EIO";
	long at = 0, count = 1;
	int n = sscanf(v, "%15[a-z]:%ld:%15[A-Z]:%ld", kind, &at, err, &count);
	if (n < 2 || at < 1 || count < 0)
		goto bad;
	if (!strcmp(kind, "write"))
		F.fail_kind = K_WRITE;
	else if (!strcmp(kind, "sync"))
		F.fail_kind = K_SYNC;
	else if (!strcmp(kind, "read"))
		F.fail_kind = K_READ;
	else
		goto bad;
	if (!strcmp(err, "EIO"))
		F.fail_errno = EIO;
	else if (!strcmp(err, "ENOSPC"))
		F.fail_errno = ENOSPC;
	else
		goto bad;
	F.fail_at = at;
	F.fail_count = count;
	return;
bad:
	fprintf(stderr, "faultfs: FAULTFS_FAIL=%s: want write|sync|read:N[:EIO|ENOSPC[:COUNT]]\n",
		v);
	abort();
}

__attribute__((constructor)) static void faultfs_init(void)
{
	const char *root = getenv("FAULTFS_ROOT"), *v;
	if (!root || !*root)
		return;
	if (!realpath(root, F.root))
		die(root);
	F.rootlen = strlen(F.root);
	if ((v = getenv("FAULTFS_SHADOW")) && *v) {
		if (mkdir(v, 0700) != 0 && errno != EEXIST)
			die(v);
		if (!realpath(v, F.shadow))
			die(v);
		snapshot(F.root);
		root_put();
	}
	if ((v = getenv("FAULTFS_STATS")) && *v)
		snprintf(F.stats, sizeof F.stats, "%s", v);
	F.cut_at = env_long("FAULTFS_CUT_AT", 0);
	F.trace = env_long("FAULTFS_TRACE", 0) != 0;
	if ((v = getenv("FAULTFS_FAIL")) && *v)
		parse_fail(v);
	F.on = 1;
}

__attribute__((destructor)) static void faultfs_fini(void)
{
	if (F.on) {
		pthread_mutex_lock(&lock);
		write_stats();
		pthread_mutex_unlock(&lock);
	}
}

/* ---- watching descriptors ---- */

static int under_root(int dirfd, const char *path)
{
	char abs[PATH_MAX * 2];
	if (!path)
		return 0;
	if (path[0] == '/') {
		snprintf(abs, sizeof abs, "%s", path);
	} else {
		char base[PATH_MAX];
		if (dirfd == AT_FDCWD) {
			if (!getcwd(base, sizeof base))
				return 0;
		} else {
			char link[64];
			ssize_t n;
			snprintf(link, sizeof link, "/proc/self/fd/%d", dirfd);
			n = readlink(link, base, sizeof base - 1);
			if (n < 0)
				return 0;
			base[n] = '\0';
		}
		snprintf(abs, sizeof abs, "%s/%s", base, path);
	}
	return strncmp(abs, F.root, F.rootlen) == 0 &&
	       (abs[F.rootlen] == '/' || abs[F.rootlen] == '\0');
}

static int watched(int fd)
{
	return F.on && fd >= 0 && fd < FD_MAX && F.watched[fd];
}

/* After a successful open: watch fd, and give a file just created a new
 * generation.  existed: whether the path named something before the call. */
static void opened(int fd, int existed)
{
	struct stat st;
	if (fd < 0 || fd >= FD_MAX)
		return;
	pthread_mutex_lock(&lock);
	F.watched[fd] = 1;
	if (!existed && F.shadow[0] && fstat(fd, &st) == 0 && S_ISREG(st.st_mode))
		gen_new(st.st_ino);
	pthread_mutex_unlock(&lock);
}

static int do_open(int dirfd, const char *path, int flags, mode_t mode, int use_at, int is64)
{
	int watch = F.on && under_root(dirfd, path), existed = 1, fd;
	if (watch && (flags & O_CREAT)) {
		struct stat st;
		existed = fstatat(dirfd, path, &st, 0) == 0;
	}
	if (use_at)
		fd = is64 ? REAL(openat_fn, openat64)(dirfd, path, flags, mode)
			  : REAL(openat_fn, openat)(dirfd, path, flags, mode);
	else
		fd = is64 ? REAL(open_fn, open64)(path, flags, mode)
			  : REAL(open_fn, open)(path, flags, mode);
	if (watch && fd >= 0)
		opened(fd, existed);
	else if (fd >= 0 && fd < FD_MAX && F.watched[fd])
		F.watched[fd] = 0; /* a watched fd closed behind close()'s back */
	return fd;
}

static mode_t mode_arg(int flags, va_list ap)
{
	int wants = (flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE;
	return wants ? (mode_t)va_arg(ap, unsigned int) : 0;
}

int open(const char *path, int flags, ...)
{
	va_list ap;
	mode_t m;
	va_start(ap, flags);
	m = mode_arg(flags, ap);
	va_end(ap);
	return do_open(AT_FDCWD, path, flags, m, 0, 0);
}

int open64(const char *path, int flags, ...)
{
	va_list ap;
	mode_t m;
	va_start(ap, flags);
	m = mode_arg(flags, ap);
	va_end(ap);
	return do_open(AT_FDCWD, path, flags, m, 0, 1);
}

int openat(int dirfd, const char *path, int flags, ...)
{
	va_list ap;
	mode_t m;
	va_start(ap, flags);
	m = mode_arg(flags, ap);
	va_end(ap);
	return do_open(dirfd, path, flags, m, 1, 0);
}

int openat64(int dirfd, const char *path, int flags, ...)
{
	va_list ap;
	mode_t m;
	va_start(ap, flags);
	m = mode_arg(flags, ap);
	va_end(ap);
	return do_open(dirfd, path, flags, m, 1, 1);
}

int close(int fd)
{
	if (fd >= 0 && fd < FD_MAX && F.watched[fd]) {
		pthread_mutex_lock(&lock);
		F.watched[fd] = 0;
		pthread_mutex_unlock(&lock);
	}
	return REAL(close_fn, close)(fd);
}

/* Count a call of kind k on a watched fd; 1 if it is to fail (errno set). */
static int inject(int k)
{
	long n;
	pthread_mutex_lock(&lock);
	n = ++F.count[k];
	pthread_mutex_unlock(&lock);
	if (F.fail_kind == k && n >= F.fail_at &&
	    (F.fail_count == 0 || n < F.fail_at + F.fail_count)) {
		errno = F.fail_errno;
		return 1;
	}
	return 0;
}

/* ---- sync: where power can be cut ---- */

static int do_sync(int fd, int data_only)
{
	int rv;
	long n;
	struct stat st;

	if (!watched(fd))
		return data_only ? REAL(sync_fn, fdatasync)(fd) : REAL(sync_fn, fsync)(fd);
	pthread_mutex_lock(&lock);
	n = ++F.count[K_SYNC];
	if (F.trace) {
		char link[64], path[PATH_MAX];
		ssize_t len;
		snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
		len = readlink(link, path, sizeof path - 1);
		path[len < 0 ? 0 : len] = '\0';
		fprintf(stderr, "faultfs: sync %ld: %s%s\n", n, data_only ? "fdatasync " : "fsync ",
			path);
	}
	if (F.cut_at && n >= F.cut_at) {
		/* Power cut: this sync and everything after it never happen. */
		write_stats();
		kill(getpid(), SIGKILL);
		for (;;)
			pause();
	}
	if (F.fail_kind == K_SYNC && n >= F.fail_at &&
	    (F.fail_count == 0 || n < F.fail_at + F.fail_count)) {
		pthread_mutex_unlock(&lock);
		errno = F.fail_errno;
		return -1;
	}
	rv = data_only ? REAL(sync_fn, fdatasync)(fd) : REAL(sync_fn, fsync)(fd);
	if (rv == 0 && F.shadow[0] && fstat(fd, &st) == 0) {
		if (S_ISDIR(st.st_mode)) {
			char link[64], path[PATH_MAX];
			ssize_t len;
			snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
			len = readlink(link, path, sizeof path - 1);
			if (len < 0)
				die(link);
			path[len] = '\0';
			durable_dir(path, st.st_ino);
		} else if (S_ISREG(st.st_mode)) {
			durable_file(fd, st.st_ino);
		}
	}
	write_stats();
	pthread_mutex_unlock(&lock);
	return rv;
}

int fsync(int fd)
{
	return do_sync(fd, 0);
}

int fdatasync(int fd)
{
	return do_sync(fd, 1);
}

/* ---- reads and writes: where errors can be injected ---- */

ssize_t read(int fd, void *buf, size_t len)
{
	if (watched(fd) && inject(K_READ))
		return -1;
	return REAL(rw_fn, read)(fd, buf, len);
}

ssize_t pread(int fd, void *buf, size_t len, off_t off)
{
	if (watched(fd) && inject(K_READ))
		return -1;
	return REAL(prw_fn, pread)(fd, buf, len, off);
}

ssize_t pread64(int fd, void *buf, size_t len, off_t off)
{
	if (watched(fd) && inject(K_READ))
		return -1;
	return REAL(prw_fn, pread64)(fd, buf, len, off);
}

ssize_t write(int fd, const void *buf, size_t len)
{
	if (watched(fd) && inject(K_WRITE))
		return -1;
	return REAL(wr_fn, write)(fd, buf, len);
}

ssize_t pwrite(int fd, const void *buf, size_t len, off_t off)
{
	if (watched(fd) && inject(K_WRITE))
		return -1;
	return REAL(pwr_fn, pwrite)(fd, buf, len, off);
}

ssize_t pwrite64(int fd, const void *buf, size_t len, off_t off)
{
	if (watched(fd) && inject(K_WRITE))
		return -1;
	return REAL(pwr_fn, pwrite64)(fd, buf, len, off);
}
