/* bench_upload.c - attachment uploads (target 6 of docs/PERFORMANCE.md).
 *
 * Part 1: one large attachment uploaded over loopback in 49,152-byte
 * chunks, as `baosong sync` sends it (client/core/upload.c: flushed groups
 * of chunks sent with `more`; --single: one chunk a request, as clients
 * before it did), against min(BLAKE2b-256,
 * ChaCha20-Poly1305) throughput over the same bytes in memory, measured in
 * the same run (interleaved: crypto, upload, crypto, each round a new
 * file).  The server verifies BLAKE2b-256 of the file and every chunk
 * crosses the secure channel, so those are the work an upload cannot skip.
 *
 * Part 2: --pushers clients push one op a request for --seconds, first
 * alone, then with --uploads concurrent uploads running, --windows times
 * (3 unless told) alternating; the median p99 of their push->ack latency
 * should keep (ratio with / without).
 *
 *   bench_upload [--mib M] [--rounds R] [--pushers P] [--uploads U]
 *                [--upload-mib M] [--seconds S] [--single 1] [--group N] [--window N]
 *                [--grouped-uploads N] [--upload-pace MB] [--windows W] [--baosongd PATH]
 *
 * --grouped-uploads N sets the server's grouped_uploads (how many uploads
 * it lets send in flushed groups at once; docs/OPERATIONS.md), --upload-pace
 * its upload_pace_mb (attachment MB/s while pushes arrive; 0: unpaced).
 */
#include <pthread.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "benchlib.h"
#include "err.h"
#include "upload.h"
#include "wire.h"

#define CHUNK 49152u

static struct bench_server g_bs;
static volatile int g_stop;
static volatile double g_deadline;
static uint8_t g_row[REC_DATA_MAX];
static size_t g_row_len;

static int g_single;               /* --single: one chunk a request (clients before `more`) */
static unsigned g_group, g_window; /* --group, --window: of client/core/upload.c (0: its own) */
static int g_grouped = -1;         /* whether the server honoured `more` */

/* Upload buf[0..len) as one attachment, as `baosong sync` does
 * (client/core/upload.c); BS_OK once the server says it is complete. */
static int upload(struct session *s, const uint8_t *buf, size_t len)
{
	uint8_t hash[32];
	struct upload_mem m = {buf, len};
	struct upload_src src = {upload_mem_read, &m};
	struct upload_opts o;
	int rv, grouped = 0;
	memset(&o, 0, sizeof o);
	o.single = g_single;
	o.group = g_group;
	o.window = g_window;
	crypto_generichash(hash, sizeof hash, buf, len, NULL, 0);
	rv = upload_run(s, hash, len, 0, &src, &o, NULL, &grouped);
	g_grouped = grouped;
	return rv;
}

static double blake2b_rate(const uint8_t *buf, size_t len)
{
	uint8_t h[32];
	double t0 = bench_now();
	crypto_generichash(h, sizeof h, buf, len, NULL, 0);
	return (double)len / (bench_now() - t0);
}

static double chacha_rate(const uint8_t *buf, size_t len)
{
	uint8_t key[crypto_aead_chacha20poly1305_ietf_KEYBYTES];
	uint8_t nonce[crypto_aead_chacha20poly1305_ietf_NPUBBYTES] = {0};
	uint8_t *out = malloc(CHUNK + crypto_aead_chacha20poly1305_ietf_ABYTES);
	size_t off;
	double t0;
	if (!out)
		return -1;
	randombytes_buf(key, sizeof key);
	t0 = bench_now();
	/* In chunks, as the channel seals them. */
	for (off = 0; off < len; off += CHUNK) {
		size_t n = len - off < CHUNK ? len - off : CHUNK;
		crypto_aead_chacha20poly1305_ietf_encrypt(out, NULL, buf + off, n, NULL, 0, NULL,
							  nonce, key);
		nonce[0]++;
	}
	t0 = bench_now() - t0;
	free(out);
	return (double)len / t0;
}

struct pusher {
	pthread_t th;
	struct keypair kp;
	uint64_t seq;
	double *lat;
	size_t n, cap;
	int rv;
};

static void *pusher_main(void *arg)
{
	struct pusher *p = arg;
	struct session s;
	p->n = 0;
	if ((p->rv = session_open(&s, g_bs.addr, &p->kp, g_bs.pub, wire_now_ns(), 60000)) != BS_OK)
		return NULL;
	while (bench_now() < g_deadline) {
		double t0 = bench_now();
		if ((p->rv = bench_push(&s, p->seq++, 1, g_row, g_row_len)) != BS_OK)
			break;
		if (p->n == p->cap) {
			size_t nc = p->cap ? p->cap * 2 : 256;
			double *nl = realloc(p->lat, nc * sizeof *nl);
			if (!nl)
				break;
			p->lat = nl;
			p->cap = nc;
		}
		p->lat[p->n++] = (bench_now() - t0) * 1000.0;
	}
	session_close(&s);
	return NULL;
}

struct uploader {
	pthread_t th;
	struct keypair kp;
	size_t len;
	unsigned done;
	int rv;
};

static void *uploader_main(void *arg)
{
	struct uploader *u = arg;
	struct session s;
	uint8_t *buf = malloc(u->len);
	if (!buf) {
		u->rv = BS_E_NOMEM;
		return NULL;
	}
	if ((u->rv = session_open(&s, g_bs.addr, &u->kp, g_bs.pub, wire_now_ns(), 60000)) != BS_OK) {
		free(buf);
		return NULL;
	}
	while (!g_stop) {
		randombytes_buf(buf, u->len); /* a new file each time */
		if ((u->rv = upload(&s, buf, u->len)) != BS_OK)
			break;
		u->done++;
	}
	session_close(&s);
	free(buf);
	return NULL;
}

/* p99 of push->ack for the pushers over one period; -1 if one failed. */
static double push_p99(struct pusher *ps, unsigned np, unsigned seconds, size_t *count)
{
	unsigned i;
	size_t total = 0, k = 0;
	double *all, p99;
	g_deadline = bench_now() + seconds;
	for (i = 0; i < np; i++)
		pthread_create(&ps[i].th, NULL, pusher_main, &ps[i]);
	for (i = 0; i < np; i++) {
		pthread_join(ps[i].th, NULL);
		if (ps[i].rv != BS_OK)
			return -1;
		total += ps[i].n;
	}
	all = malloc((total ? total : 1) * sizeof *all);
	if (!all)
		return -1;
	for (i = 0; i < np; i++) {
		memcpy(all + k, ps[i].lat, ps[i].n * sizeof *all);
		k += ps[i].n;
	}
	p99 = bench_percentile(all, total, 99);
	free(all);
	*count = total;
	return p99;
}

int main(int argc, char **argv)
{
	unsigned mib = 48, rounds = 3, npush = 10, nup = 20, upmib = 4, seconds = 10, windows = 3;
	unsigned i, r, w;
	const char *bin = NULL;
	int grouped = -1;          /* --grouped-uploads: the server's setting (-1: its default) */
	int pace = -1;             /* --upload-pace: the server's upload_pace_mb (-1: its default) */
	int grouped1 = -1;         /* part 1 went in flushed groups */
	struct keypair *keys;
	struct pusher *ps;
	struct uploader *us;
	uint8_t *buf;
	size_t len, n_alone = 0, n_with = 0, files = 0;
	double *up, *cr, *alone, *with, mup, mcr, p_alone, p_with;
	unsigned ndev;
	char what[64];
	int bad = 0;

	for (i = 1; i + 1 < (unsigned)argc; i += 2) {
		if (!strcmp(argv[i], "--mib"))
			mib = (unsigned)atoi(argv[i + 1]);
		else if (!strcmp(argv[i], "--rounds"))
			rounds = (unsigned)atoi(argv[i + 1]);
		else if (!strcmp(argv[i], "--pushers"))
			npush = (unsigned)atoi(argv[i + 1]);
		else if (!strcmp(argv[i], "--uploads"))
			nup = (unsigned)atoi(argv[i + 1]);
		else if (!strcmp(argv[i], "--upload-mib"))
			upmib = (unsigned)atoi(argv[i + 1]);
		else if (!strcmp(argv[i], "--seconds"))
			seconds = (unsigned)atoi(argv[i + 1]);
		else if (!strcmp(argv[i], "--windows"))
			windows = (unsigned)atoi(argv[i + 1]);
		else if (!strcmp(argv[i], "--baosongd"))
			bin = argv[i + 1];
		else if (!strcmp(argv[i], "--single"))
			g_single = atoi(argv[i + 1]) != 0;
		else if (!strcmp(argv[i], "--group"))
			g_group = (unsigned)atoi(argv[i + 1]);
		else if (!strcmp(argv[i], "--window"))
			g_window = (unsigned)atoi(argv[i + 1]);
		else if (!strcmp(argv[i], "--grouped-uploads"))
			grouped = atoi(argv[i + 1]);
		else if (!strcmp(argv[i], "--upload-pace"))
			pace = atoi(argv[i + 1]);
	}
	if (mib == 0 || mib > 64 || rounds == 0 || rounds > 20 || npush == 0 || npush > 200 ||
	    nup > 200 || upmib == 0 || upmib > 64 || seconds == 0 || seconds > 600 ||
	    g_group > 4096 || g_window > 64 || grouped > 64 || pace > 100000 || windows == 0 ||
	    windows > 20) {
		fprintf(stderr, "usage: bench_upload [--mib 1..64] [--rounds 1..20] [--pushers 1..200]"
			" [--uploads 0..200] [--upload-mib 1..64] [--seconds 1..600] [--single 1]"
			" [--group 1..4096] [--window 1..64] [--grouped-uploads 0..64]"
			" [--upload-pace 0..100000] [--windows 1..20]\n");
		return 64;
	}
	if (sodium_init() < 0)
		return 1;
	signal(SIGPIPE, SIG_IGN);
	len = (size_t)mib << 20;
	ndev = 1 + npush + nup;
	keys = calloc(ndev, sizeof *keys);
	ps = calloc(npush, sizeof *ps);
	us = calloc(nup ? nup : 1, sizeof *us);
	up = calloc(rounds, sizeof *up);
	cr = calloc(rounds * 2, sizeof *cr);
	alone = calloc(windows, sizeof *alone);
	with = calloc(windows, sizeof *with);
	buf = malloc(len);
	if (!keys || !ps || !us || !up || !cr || !buf || !alone || !with)
		return 1;
	g_row_len = bench_project(2, g_row, sizeof g_row);
	if (bench_server_init(&g_bs, keys, ndev) != 0)
		return 1;
	if (grouped >= 0 || pace >= 0) {
		char a[64] = "", b[64] = "";
		if (grouped >= 0)
			snprintf(a, sizeof a, "grouped_uploads = %d\n", grouped);
		if (pace >= 0)
			snprintf(b, sizeof b, "upload_pace_mb = %d\n", pace);
		snprintf(g_bs.extra, sizeof g_bs.extra, "%s%s", a, b);
	}
	if (bench_server_start(&g_bs, bin, ndev + 100) != 0) {
		bench_server_stop(&g_bs);
		return 1;
	}

	/* Part 1: one large attachment. */
	for (r = 0; r < rounds; r++) {
		struct session s;
		double t0, b, c;
		randombytes_buf(buf, len);
		b = blake2b_rate(buf, len);
		c = chacha_rate(buf, len);
		cr[2 * r] = b < c ? b : c;
		if (session_open(&s, g_bs.addr, &keys[0], g_bs.pub, wire_now_ns(), 60000) != BS_OK) {
			bad = 1;
			break;
		}
		t0 = bench_now();
		if (upload(&s, buf, len) != BS_OK)
			bad = 1;
		grouped1 = g_grouped;
		up[r] = (double)len / (bench_now() - t0);
		session_close(&s);
		b = blake2b_rate(buf, len);
		c = chacha_rate(buf, len);
		cr[2 * r + 1] = b < c ? b : c;
		printf("  round %u: upload %.1f MB/s; min(BLAKE2b, ChaCha20-Poly1305) %.0f and %.0f"
		       " MB/s around it\n", r + 1, up[r] / 1e6, cr[2 * r] / 1e6, cr[2 * r + 1] / 1e6);
		fflush(stdout);
	}
	mup = bench_median(up, rounds);
	mcr = bench_median(cr, rounds * 2);

	/* Part 2: push p99 alone, then with concurrent uploads, in alternating
	 * windows (the disk's and the machine's noise moves a single window's
	 * p99 by 2x); the medians are compared. */
	for (i = 0; i < npush; i++) {
		ps[i].kp = keys[1 + i];
		ps[i].seq = 1;
	}
	for (w = 0; w < windows && !bad; w++) {
		size_t na = 0, nw = 0;
		alone[w] = push_p99(ps, npush, seconds, &na);
		g_stop = 0;
		for (i = 0; i < nup; i++) {
			us[i].kp = keys[1 + npush + i];
			us[i].len = (size_t)upmib << 20;
			pthread_create(&us[i].th, NULL, uploader_main, &us[i]);
		}
		with[w] = push_p99(ps, npush, seconds, &nw);
		g_stop = 1;
		for (i = 0; i < nup; i++) {
			pthread_join(us[i].th, NULL);
			if (us[i].rv != BS_OK)
				bad = 1;
		}
		if (alone[w] < 0 || with[w] < 0)
			bad = 1;
		for (i = 0; i < nup; i++) {
			files += us[i].done;
			us[i].done = 0;
		}
		n_alone += na;
		n_with += nw;
		printf("  window %u: push p99 alone %.2f ms (%zu pushes), with %u uploads %.2f ms"
		       " (%zu pushes)\n", w + 1, alone[w], na, nup, with[w], nw);
		fflush(stdout);
	}
	p_alone = bad ? -1 : bench_median(alone, windows);
	p_with = bad ? -1 : bench_median(with, windows);
	bench_server_stop(&g_bs);

	printf("baosong uploads (same machine, same disk, same run; medians of %u)\n", rounds);
	printf("  one %u MiB attachment            %.1f MB/s (%s)\n", mib, mup / 1e6,
	       grouped1 == 1 ? "flushed groups of chunks sent with more"
			      : "one chunk a request, each flushed and recorded");
	printf("  min(BLAKE2b-256, ChaCha20-Poly1305) %.1f MB/s (one thread)\n", mcr / 1e6);
	printf("  %u pushers, push->ack p99 alone   %.2f ms (median of %u windows of %u s; %zu"
	       " pushes)\n", npush, p_alone, windows, seconds, n_alone);
	printf("  ... with %u uploads of %u MiB     %.2f ms (median of %u; %zu pushes)\n", nup,
	       upmib, p_with, windows, n_with);
	printf("  the uploads meanwhile            %zu file(s) of %u MiB finished in %u s: %.1f MB/s"
	       " in all (paced while pushes arrive: upload_pace_mb)\n", files, upmib,
	       windows * seconds, (double)files * (double)((size_t)upmib << 20) / 1e6 /
				     (double)(windows * seconds));
	bench_result("6a upload", "MB/s, one large attachment", mup / 1e6, mcr / 1e6, mup / mcr,
		     ">= 0.5x min(BLAKE2b, ChaCha20-Poly1305)", mup / mcr >= 0.5);
	snprintf(what, sizeof what, "push p99 ms with %u uploads", nup);
	bench_result("6b push p99 with uploads", what, p_with, p_alone,
		     p_with / p_alone, "<= 1.5x push p99 alone", p_with / p_alone <= 1.5);
	for (i = 0; i < ndev; i++)
		keys_wipe(&keys[i]);
	for (i = 0; i < npush; i++)
		free(ps[i].lat);
	free(keys);
	free(ps);
	free(us);
	free(up);
	free(cr);
	free(alone);
	free(with);
	free(buf);
	return bad ? 1 : 0;
}
