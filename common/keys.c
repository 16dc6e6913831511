/* keys.c - key files and fingerprints. */
#include "keys.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "err.h"
#include "noise.h"

#define PRIV_TAG "baosong-private-key-v1"
#define PUB_TAG "baosong-public-key-v1"
#define KEYFILE_MAX 4096

static const char crockford[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

int keys_generate(struct keypair *kp)
{
	randombytes_buf(kp->priv, KEY_LEN);
	return noise_pubkey(kp->pub, kp->priv);
}

void keys_wipe(struct keypair *kp)
{
	sodium_memzero(kp, sizeof *kp);
}

void keys_pub_to_base64(const uint8_t pub[KEY_LEN], char out[45])
{
	sodium_bin2base64(out, 45, pub, KEY_LEN, sodium_base64_VARIANT_ORIGINAL);
}

static int write_all(int fd, const char *s, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, s, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return BS_E_IO;
		}
		s += w;
		n -= (size_t)w;
	}
	return BS_OK;
}

static int write_file(const char *path, const char *text, mode_t mode, int force)
{
	int flags = O_WRONLY | O_CREAT | O_CLOEXEC | (force ? O_TRUNC : O_EXCL);
	int fd = open(path, flags, mode);
	int rv;
	if (fd < 0)
		return BS_E_IO;
	/* An existing file keeps its mode under O_TRUNC: tighten it. */
	if (fchmod(fd, mode) != 0) {
		close(fd);
		return BS_E_IO;
	}
	rv = write_all(fd, text, strlen(text));
	if (rv == BS_OK && fsync(fd) != 0)
		rv = BS_E_IO;
	if (close(fd) != 0 && rv == BS_OK)
		rv = BS_E_IO;
	return rv;
}

int keys_write(const struct keypair *kp, const char *path, const char *comment, int force)
{
	char b64[sodium_base64_ENCODED_LEN(KEY_LEN, sodium_base64_VARIANT_ORIGINAL)];
	char text[256];
	char pubpath[4096];
	int rv;

	if ((size_t)snprintf(pubpath, sizeof pubpath, "%s.pub", path) >= sizeof pubpath)
		return BS_E_INVAL;
	if (comment && (strlen(comment) > 100 || strpbrk(comment, "\r\n")))
		return BS_E_INVAL;

	sodium_bin2base64(b64, sizeof b64, kp->priv, KEY_LEN, sodium_base64_VARIANT_ORIGINAL);
	snprintf(text, sizeof text, "%s %s\n", PRIV_TAG, b64);
	rv = write_file(path, text, 0600, force);
	sodium_memzero(b64, sizeof b64);
	sodium_memzero(text, sizeof text);
	if (rv != BS_OK)
		return rv;

	keys_pub_to_base64(kp->pub, b64);
	snprintf(text, sizeof text, "%s %s%s%s\n", PUB_TAG, b64, comment ? " " : "",
		 comment ? comment : "");
	return write_file(pubpath, text, 0644, force);
}

/* Read at most KEYFILE_MAX-1 bytes into buf (NUL-terminated).  If
 * private_key, refuse a file whose mode lets group or others read it. */
static int read_small(const char *path, char *buf, size_t cap, int private_key)
{
	struct stat st;
	size_t have = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	int rv = BS_OK;

	if (fd < 0)
		return errno == ENOENT ? BS_E_NOTFOUND : BS_E_IO;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		rv = BS_E_IO;
		goto out;
	}
	if (private_key && (st.st_mode & 077) != 0) {
		rv = BS_E_KEYPERM;
		goto out;
	}
	if (st.st_size >= (off_t)cap) {
		rv = BS_E_TOOBIG;
		goto out;
	}
	for (;;) {
		ssize_t r = read(fd, buf + have, cap - 1 - have);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			rv = BS_E_IO;
			goto out;
		}
		if (r == 0)
			break;
		have += (size_t)r;
		if (have == cap - 1)
			break;
	}
	buf[have] = '\0';
out:
	close(fd);
	return rv;
}

/* Decode exactly KEY_LEN bytes of base64 starting at s; *end gets the stop. */
static int decode_key(const char *s, uint8_t out[KEY_LEN], const char **end)
{
	size_t binlen = 0;
	const char *e = NULL;
	size_t n = strcspn(s, " \t\r\n");
	if (n == 0 || n > 64)
		return BS_E_INVAL;
	if (sodium_base642bin(out, KEY_LEN, s, n, NULL, &binlen, &e,
			      sodium_base64_VARIANT_ORIGINAL) != 0 ||
	    binlen != KEY_LEN || e != s + n)
		return BS_E_INVAL;
	if (end)
		*end = s + n;
	return BS_OK;
}

static const char *skip_ws(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return s;
}

int keys_read_private(const char *path, struct keypair *kp)
{
	char buf[KEYFILE_MAX];
	const char *p, *end = NULL;
	int rv = read_small(path, buf, sizeof buf, 1);

	if (rv != BS_OK)
		goto out;
	p = skip_ws(buf);
	if (strncmp(p, PRIV_TAG, strlen(PRIV_TAG)) != 0) {
		rv = BS_E_INVAL;
		goto out;
	}
	p = skip_ws(p + strlen(PRIV_TAG));
	if ((rv = decode_key(p, kp->priv, &end)) != BS_OK)
		goto out;
	end = skip_ws(end);
	if (*end != '\0' && *end != '\n' && *end != '\r') {
		rv = BS_E_INVAL;
		goto out;
	}
	rv = noise_pubkey(kp->pub, kp->priv);
out:
	sodium_memzero(buf, sizeof buf);
	if (rv != BS_OK)
		keys_wipe(kp);
	return rv;
}

int keys_parse_public_line(const char *line, uint8_t pub[KEY_LEN], const char **comment)
{
	const char *p = skip_ws(line), *end = NULL;
	int rv;

	if (strncmp(p, PUB_TAG, strlen(PUB_TAG)) == 0)
		p = skip_ws(p + strlen(PUB_TAG));
	if ((rv = decode_key(p, pub, &end)) != BS_OK)
		return rv;
	if (*end != '\0' && *end != ' ' && *end != '\t' && *end != '\r' && *end != '\n')
		return BS_E_INVAL;
	if (comment)
		*comment = skip_ws(end);
	return BS_OK;
}

int keys_read_public(const char *path, uint8_t pub[KEY_LEN])
{
	char buf[KEYFILE_MAX];
	int rv = read_small(path, buf, sizeof buf, 0);
	if (rv != BS_OK)
		return rv;
	return keys_parse_public_line(buf, pub, NULL);
}

void keys_fingerprint_bytes(const uint8_t pub[KEY_LEN], uint8_t fp[FP_BYTES])
{
	static const char dom[] = "baosong-fp-v1";
	crypto_generichash_blake2b_state st;
	crypto_generichash_blake2b_init(&st, NULL, 0, FP_BYTES);
	crypto_generichash_blake2b_update(&st, (const uint8_t *)dom, sizeof dom - 1);
	crypto_generichash_blake2b_update(&st, pub, KEY_LEN);
	crypto_generichash_blake2b_final(&st, fp, FP_BYTES);
}

void keys_fingerprint(const uint8_t pub[KEY_LEN], char out[FP_STRLEN + 1])
{
	uint8_t fp[FP_BYTES];
	size_t bit, o = 0;
	int chars = 0;

	keys_fingerprint_bytes(pub, fp);
	for (bit = 0; bit < FP_BYTES * 8; bit += 5) {
		unsigned v = 0;
		size_t i;
		for (i = 0; i < 5; i++) {
			size_t b = bit + i;
			unsigned byte = fp[b / 8];
			v = (v << 1) | ((byte >> (unsigned)(7 - b % 8)) & 1u);
		}
		if (chars > 0 && chars % 4 == 0)
			out[o++] = '-';
		out[o++] = crockford[v];
		chars++;
	}
	out[o] = '\0';
}

static int crockford_value(char c)
{
	const char *p;
	if (c >= 'a' && c <= 'z')
		c = (char)(c - 'a' + 'A');
	if (c == 'O')
		c = '0';
	if (c == 'I' || c == 'L')
		c = '1';
	p = strchr(crockford, c);
	return (p && c != '\0') ? (int)(p - crockford) : -1;
}

int keys_parse_fingerprint(const char *s, uint8_t fp[FP_BYTES])
{
	size_t bit = 0;
	memset(fp, 0, FP_BYTES);
	for (; *s; s++) {
		int v;
		int i;
		if (*s == '-' || *s == ' ')
			continue;
		v = crockford_value(*s);
		if (v < 0 || bit >= FP_BYTES * 8)
			return BS_E_INVAL;
		for (i = 4; i >= 0; i--, bit++)
			if ((v >> i) & 1)
				fp[bit / 8] = (uint8_t)(fp[bit / 8] | (1u << (7 - bit % 8)));
	}
	return bit == FP_BYTES * 8 ? BS_OK : BS_E_INVAL;
}

int keys_match_fingerprint(const uint8_t pub[KEY_LEN], const uint8_t fp[FP_BYTES])
{
	uint8_t got[FP_BYTES];
	keys_fingerprint_bytes(pub, got);
	return sodium_memcmp(got, fp, FP_BYTES) == 0;
}
