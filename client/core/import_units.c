/* import_units.c - unit names as people write them in spreadsheets
 * (import.h): by code, by name, by an alias the bureau listed, or
 * leniently (县交通运输局 = 交通运输局). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "import.h"

#define KEY_MAX 256u
#define ALIAS_LINE_MAX 1024u
#define ALIASES_MAX 10000u

struct uname {
	char *code, *name, *key;
};

struct unit_names {
	struct uname *u;
	size_t n, cap;
	struct uname *alias;       /* name = the alias, code = its unit, key = lenient */
	size_t na, capa;
};

/* The lenient form: no blanks (ASCII or the ideographic space), no leading
 * 县/区/市 (when something is left), no trailing 人民政府 or 政府. */
static void unit_key(const char *in, char *out, size_t cap)
{
	static const char *const heads[] = {"县", "区", "市"};
	static const char *const tails[] = {"人民政府", "政府"};
	size_t n = 0, i, len;
	const char *p = in;
	while (*p && n + 1 < cap) {
		if (*p == ' ' || *p == '\t') {
			p++;
		} else if (!strncmp(p, "\xE3\x80\x80", 3)) {
			p += 3;
		} else {
			out[n++] = *p++;
		}
	}
	out[n] = '\0';
	for (i = 0; i < 3; i++) {
		len = strlen(heads[i]);
		if (!strncmp(out, heads[i], len) && strlen(out) > len + 3) {
			memmove(out, out + len, strlen(out + len) + 1);
			break;
		}
	}
	for (i = 0; i < 2; i++) {
		len = strlen(tails[i]);
		n = strlen(out);
		if (n > len + 3 && !strcmp(out + n - len, tails[i])) {
			out[n - len] = '\0';
			break;
		}
	}
}

struct unit_names *unit_names_new(void)
{
	return calloc(1, sizeof(struct unit_names));
}

static void uname_free(struct uname *e)
{
	free(e->code);
	free(e->name);
	free(e->key);
}

void unit_names_free(struct unit_names *u)
{
	size_t i;
	if (!u)
		return;
	for (i = 0; i < u->n; i++)
		uname_free(&u->u[i]);
	for (i = 0; i < u->na; i++)
		uname_free(&u->alias[i]);
	free(u->u);
	free(u->alias);
	free(u);
}

static int push(struct uname **arr, size_t *n, size_t *cap, const char *code, const char *name)
{
	char key[KEY_MAX];
	struct uname e;
	if (*n == *cap) {
		size_t nc = *cap ? *cap * 2 : 32;
		struct uname *na = realloc(*arr, nc * sizeof *na);
		if (!na)
			return BS_E_NOMEM;
		*arr = na;
		*cap = nc;
	}
	unit_key(name, key, sizeof key);
	e.code = strdup(code);
	e.name = strdup(name);
	e.key = strdup(key);
	if (!e.code || !e.name || !e.key) {
		uname_free(&e);
		return BS_E_NOMEM;
	}
	(*arr)[(*n)++] = e;
	return BS_OK;
}

int unit_names_add(struct unit_names *u, const char *code, const char *name)
{
	return push(&u->u, &u->n, &u->cap, code, name ? name : "");
}

size_t unit_names_count(const struct unit_names *u)
{
	return u ? u->n : 0;
}

static char *trim(char *s)
{
	char *e;
	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r' || e[-1] == '\n' ||
			 e[-1] == '"'))
		*--e = '\0';
	if (*s == '"')
		s++;
	return s;
}

int unit_names_aliases(struct unit_names *u, const char *path, int optional,
		       const struct import_sink *sink)
{
	char line[ALIAS_LINE_MAX];
	unsigned no = 0;
	int bad = 0, rv = BS_OK;
	FILE *f = fopen(path, "r");
	if (!f) {
		if (optional && errno == ENOENT)
			return BS_OK;
		import_say(sink, IMPORT_SAY_ERROR, "无法打开单位别名表 cannot open the alias table "
			   "%s: %s", path, strerror(errno));
		return errno == ENOENT ? BS_E_NOTFOUND : BS_E_IO;
	}
	while (fgets(line, sizeof line, f)) {
		char *a, *c, *sep;
		no++;
		if (!strchr(line, '\n') && !feof(f)) {
			import_say(sink, IMPORT_SAY_ERROR, "%s 第 %u 行过长 line %u is too long", path,
				   no, no);
			bad = 1;
			break;
		}
		a = line;
		if (no == 1 && !strncmp(a, "\xEF\xBB\xBF", 3))
			a += 3;
		a = trim(a);
		if (!*a || *a == '#')
			continue;
		sep = strpbrk(a, ",\t");
		if (!sep) {
			import_say(sink, IMPORT_SAY_ERROR, "%s 第 %u 行 line %u: 应为“别名,单位代码” "
				   "write ALIAS,UNIT_CODE", path, no, no);
			bad = 1;
			continue;
		}
		*sep = '\0';
		a = trim(a);
		c = trim(sep + 1);
		if (no == 1 && (strstr(a, "别名") || !strcmp(a, "alias")))
			continue;
		if (!*a || !*c || strpbrk(c, ", \t")) {
			import_say(sink, IMPORT_SAY_ERROR, "%s 第 %u 行 line %u: 应为“别名,单位代码” "
				   "write ALIAS,UNIT_CODE", path, no, no);
			bad = 1;
			continue;
		}
		if (u->na >= ALIASES_MAX) {
			import_say(sink, IMPORT_SAY_ERROR, "%s: 别名至多 %u 个 at most %u aliases", path,
				   ALIASES_MAX, ALIASES_MAX);
			bad = 1;
			break;
		}
		if ((rv = push(&u->alias, &u->na, &u->capa, c, a)) != BS_OK)
			break;
	}
	if (ferror(f) && rv == BS_OK)
		rv = BS_E_IO;
	fclose(f);
	return rv != BS_OK ? rv : bad ? BS_E_INVAL : BS_OK;
}

const char *unit_names_find(const struct unit_names *u, const char *text, int *ambiguous)
{
	char key[KEY_MAX];
	const char *hit = NULL;
	size_t i;
	*ambiguous = 0;
	if (!u || !text || !*text)
		return NULL;
	for (i = 0; i < u->n; i++)
		if (!strcmp(u->u[i].code, text) || !strcmp(u->u[i].name, text))
			return u->u[i].code;
	for (i = 0; i < u->na; i++)
		if (!strcmp(u->alias[i].name, text))
			return u->alias[i].code;
	unit_key(text, key, sizeof key);
	if (!*key)
		return NULL;
	for (i = 0; i < u->n; i++) {
		if (strcmp(u->u[i].key, key) != 0)
			continue;
		if (hit && strcmp(hit, u->u[i].code) != 0) {
			*ambiguous = 1;
			return NULL;
		}
		hit = u->u[i].code;
	}
	for (i = 0; !hit && i < u->na; i++)
		if (!strcmp(u->alias[i].key, key))
			hit = u->alias[i].code;
	return hit;
}
