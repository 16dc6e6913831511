/* peers.c - authorized client keys. */
#include "peers.h"

#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"

int peers_load(struct peers *p, const char *path, unsigned *bad_line)
{
	char line[1024];
	unsigned lineno = 0;
	size_t cap = 0;
	int rv = BS_OK;
	FILE *f = fopen(path, "re");

	p->v = NULL;
	p->n = 0;
	*bad_line = 0;
	if (!f)
		return errno == ENOENT ? BS_E_NOTFOUND : BS_E_IO;
	while (fgets(line, sizeof line, f)) {
		const char *comment = NULL;
		const char *s = line;
		struct peer *pe;
		size_t n;
		lineno++;
		if (!strchr(line, '\n') && !feof(f)) {
			rv = BS_E_TOOBIG;
			goto fail;
		}
		while (*s == ' ' || *s == '\t')
			s++;
		if (*s == '#' || *s == '\n' || *s == '\r' || *s == '\0')
			continue;
		if (p->n == PEERS_MAX) {
			rv = BS_E_TOOBIG;
			goto fail;
		}
		if (p->n == cap) {
			size_t ncap = cap ? cap * 2 : 16;
			struct peer *nv = realloc(p->v, ncap * sizeof *nv);
			if (!nv) {
				rv = BS_E_NOMEM;
				goto fail;
			}
			p->v = nv;
			cap = ncap;
		}
		pe = &p->v[p->n];
		memset(pe, 0, sizeof *pe);
		if (keys_parse_public_line(s, pe->pub, &comment) != BS_OK) {
			rv = BS_E_INVAL;
			goto fail;
		}
		n = strcspn(comment, "\r\n");
		if (n > PEER_NAME_MAX)
			n = PEER_NAME_MAX;
		memcpy(pe->name, comment, n);
		pe->name[n] = '\0';
		p->n++;
	}
	if (ferror(f)) {
		rv = BS_E_IO;
		goto fail;
	}
	fclose(f);
	return BS_OK;
fail:
	*bad_line = lineno;
	fclose(f);
	peers_free(p);
	return rv;
}

int peers_reload(struct peers *p, const char *path, unsigned *bad_line)
{
	struct peers np;
	size_t i;
	int rv = peers_load(&np, path, bad_line);
	if (rv != BS_OK)
		return rv;
	for (i = 0; i < np.n; i++) {
		struct peer *old = peers_find(p, np.v[i].pub);
		if (old)
			np.v[i].last_ts_ns = old->last_ts_ns;
	}
	peers_free(p);
	*p = np;
	return BS_OK;
}

struct peer *peers_find(struct peers *p, const uint8_t pub[KEY_LEN])
{
	size_t i;
	for (i = 0; i < p->n; i++)
		if (sodium_memcmp(p->v[i].pub, pub, KEY_LEN) == 0)
			return &p->v[i];
	return NULL;
}

void peers_free(struct peers *p)
{
	free(p->v);
	p->v = NULL;
	p->n = 0;
}
