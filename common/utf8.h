/* utf8.h - decoding UTF-8 one code point at a time, strictly: what the
 * terminal tables, the import's checks of a file and its messages, the web
 * page's escaping and the server's reports share. */
#ifndef BS_COMMON_UTF8_H
#define BS_COMMON_UTF8_H
#include <stddef.h>
#include <stdint.h>

/* Decode the code point at s (n bytes available): its length in bytes, or
 * 0 if the bytes there are not valid UTF-8 (overlong, surrogate, cut). */
size_t utf8_decode(const char *s, size_t n, uint32_t *cp);

#endif
