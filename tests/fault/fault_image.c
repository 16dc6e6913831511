/* fault_image.c - write the durable image that faultfs (faultfs.c) kept: what
 * the data directory holds when power returns after a cut.
 *
 *   fault_image SHADOW OUT
 *
 * SHADOW is the FAULTFS_SHADOW directory of a process that is no longer
 * running; OUT must not exist.  Starting from the root directory's durable
 * listing, each directory entry made durable by a directory sync is created:
 * a file with its content as of its last durable sync (empty if it never had
 * one), a directory with its own durable entries.  Exit 0, or 1 with a message.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *shadow;

static int fail(const char *what)
{
	fprintf(stderr, "fault_image: %s: %s\n", what, strerror(errno));
	return 1;
}

static int copy_file(const char *from, const char *to)
{
	char buf[65536];
	int in = open(from, O_RDONLY | O_CLOEXEC), out, rv = 0;
	out = open(to, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (out < 0) {
		if (in >= 0)
			close(in);
		return fail(to);
	}
	if (in < 0) { /* never synced: the name survived, the bytes did not */
		close(out);
		return errno == ENOENT ? 0 : fail(from);
	}
	for (;;) {
		ssize_t r = read(in, buf, sizeof buf), w;
		if (r < 0) {
			rv = fail(from);
			break;
		}
		if (r == 0)
			break;
		w = write(out, buf, (size_t)r);
		if (w != r) {
			rv = fail(to);
			break;
		}
	}
	close(in);
	if (close(out) != 0)
		rv = fail(to);
	return rv;
}

static int build_dir(unsigned long long ino, const char *out, int depth)
{
	char path[PATH_MAX], line[PATH_MAX];
	FILE *f;
	int rv = 0;

	if (depth > 32) {
		fprintf(stderr, "fault_image: directories nested too deep\n");
		return 1;
	}
	if (mkdir(out, 0700) != 0)
		return fail(out);
	snprintf(path, sizeof path, "%s/d-%llu", shadow, ino);
	if (!(f = fopen(path, "r")))
		return errno == ENOENT ? 0 : fail(path); /* created, never synced: empty */
	while (!rv && fgets(line, sizeof line, f)) {
		char type, name[NAME_MAX + 1], sub[PATH_MAX * 2];
		unsigned long long eino;
		unsigned long gen;
		size_t n = strlen(line);
		if (n && line[n - 1] == '\n')
			line[--n] = '\0';
		if (sscanf(line, "%c %llu %lu %255[^\n]", &type, &eino, &gen, name) != 4 ||
		    strchr(name, '/') || !strcmp(name, ".") || !strcmp(name, "..")) {
			fprintf(stderr, "fault_image: bad line in %s: %s\n", path, line);
			rv = 1;
			break;
		}
		snprintf(sub, sizeof sub, "%s/%s", out, name);
		if (type == 'd') {
			rv = build_dir(eino, sub, depth + 1);
		} else {
			char from[PATH_MAX + 64];
			snprintf(from, sizeof from, "%s/f-%llu-%lu", shadow, eino, gen);
			rv = copy_file(from, sub);
		}
	}
	fclose(f);
	return rv;
}

int main(int argc, char **argv)
{
	char path[PATH_MAX];
	unsigned long long root;
	FILE *f;

	if (argc != 3) {
		fprintf(stderr, "usage: fault_image SHADOW OUT\n");
		return 2;
	}
	shadow = argv[1];
	snprintf(path, sizeof path, "%s/root", shadow);
	if (!(f = fopen(path, "r")))
		return fail(path);
	if (fscanf(f, "%llu", &root) != 1) {
		fclose(f);
		fprintf(stderr, "fault_image: %s: no inode\n", path);
		return 1;
	}
	fclose(f);
	return build_dir(root, argv[2], 0);
}
