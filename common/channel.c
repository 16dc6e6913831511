/* channel.c - transport phase of the secure channel. */
#include "channel.h"

#include <sodium.h>
#include <string.h>

#include "err.h"
#include "frame.h"
#include "bs_limits.h"

int channel_from_handshake(struct channel *ch, struct noise_hs *hs, uint64_t rekey_interval)
{
	uint8_t rs[NOISE_DHLEN];
	int rv;

	memset(ch, 0, sizeof *ch);
	memcpy(rs, hs->rs, sizeof rs);
	rv = noise_hs_split(hs, &ch->tx, &ch->rx, ch->hash);
	if (rv != BS_OK)
		return rv;
	memcpy(ch->remote_static, rs, sizeof rs);
	ch->rekey_interval = rekey_interval ? rekey_interval : BS_REKEY_INTERVAL;
	return BS_OK;
}

int channel_seal(struct channel *ch, const uint8_t *pt, size_t ptlen, uint8_t *out, size_t cap,
		 size_t *outlen)
{
	size_t clen = 0;
	int rv;

	if (ptlen > BS_PAYLOAD_MAX || cap < FRAME_HDR + ptlen + NOISE_TAGLEN)
		return BS_E_TOOBIG;
	if (ch->tx.n >= BS_NONCE_LIMIT)
		return BS_E_NONCE;
	rv = noise_cipher_encrypt(&ch->tx, NULL, 0, pt, ptlen, out + FRAME_HDR, &clen);
	if (rv != BS_OK)
		return rv;
	frame_put_header(out, (uint32_t)clen);
	*outlen = FRAME_HDR + clen;
	if (++ch->tx_count >= ch->rekey_interval) {
		noise_cipher_rekey(&ch->tx);
		ch->tx_count = 0;
	}
	return BS_OK;
}

int channel_open(struct channel *ch, const uint8_t *ct, size_t ctlen, uint8_t *out, size_t cap,
		 size_t *outlen)
{
	int rv;

	if (ctlen < NOISE_TAGLEN)
		return BS_E_PROTO;
	if (ctlen > BS_FRAME_MAX || cap < ctlen - NOISE_TAGLEN)
		return BS_E_TOOBIG;
	if (ch->rx.n >= BS_NONCE_LIMIT)
		return BS_E_NONCE;
	rv = noise_cipher_decrypt(&ch->rx, NULL, 0, ct, ctlen, out, outlen);
	if (rv != BS_OK)
		return rv;
	if (++ch->rx_count >= ch->rekey_interval) {
		noise_cipher_rekey(&ch->rx);
		ch->rx_count = 0;
	}
	return BS_OK;
}

void channel_wipe(struct channel *ch)
{
	sodium_memzero(ch, sizeof *ch);
}
