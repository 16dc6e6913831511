/* peers.h - the client keys this server accepts, with the newest handshake
 * timestamp seen from each (for replay refusal).
 *
 * Loaded from an authorized-keys file: one key per line, as written by
 * `baosong keygen` in KEY.pub ("baosong-public-key-v1 <base64> comment") or
 * a bare base64 key; blank lines and lines starting with '#' are skipped.
 * (The enrolment issue moves devices into the database; this file stays as
 * the way to admit a key by hand.) */
#ifndef BS_PEERS_H
#define BS_PEERS_H

#include <stddef.h>
#include <stdint.h>

#include "keys.h"

#define PEERS_MAX 100000u
#define PEER_NAME_MAX 100u

struct peer {
	uint8_t pub[KEY_LEN];
	char name[PEER_NAME_MAX + 1];
	uint64_t last_ts_ns;
};

struct peers {
	struct peer *v;
	size_t n;
};

/* Load path into p (empty on entry).  *bad_line gets the line number of the
 * first bad line on BS_E_INVAL.  Returns 0 or a BS_E_* code. */
int peers_load(struct peers *p, const char *path, unsigned *bad_line);
/* Replace p's keys with those of path, keeping timestamps of keys that stay. */
int peers_reload(struct peers *p, const char *path, unsigned *bad_line);
/* The entry for pub, or NULL. */
struct peer *peers_find(struct peers *p, const uint8_t pub[KEY_LEN]);
void peers_free(struct peers *p);

#endif
