/* money.h - amounts of money as integer fen (分, 0.01 yuan), never floating
 * point.  People write and read 万元 with two decimals ("1234.56" = 12,345,600
 * yuan); summaries use 亿元. */
#ifndef BS_MONEY_H
#define BS_MONEY_H

#include <stddef.h>
#include <stdint.h>

#define FEN_PER_WAN 1000000LL       /* 1 万元 = 10,000 yuan = 1,000,000 fen */
#define FEN_PER_YI 10000000000LL    /* 1 亿元 */
/* Largest amount accepted anywhere: 10^13 yuan, far above any county. */
#define MONEY_MAX_FEN 1000000000000000LL

/* Parse an amount in 万元: optional '-', digits, optionally '.' and at most
 * two decimals; thousands separators (',') allowed between digit groups.
 * Returns 0 or BS_E_INVAL (syntax, more than two decimals, out of range). */
int money_parse_wan(const char *s, int64_t *fen);
/* Format fen as 万元 with exactly two decimals, rounding half away from
 * zero at the hundredth of a 万元 (only needed for amounts that were not
 * entered in 万元).  out needs 32 bytes. */
void money_format_wan(int64_t fen, char *out, size_t cap);
/* Format as 亿元 with two decimals. */
void money_format_yi(int64_t fen, char *out, size_t cap);

#endif
