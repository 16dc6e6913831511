/* addr.h - a peer's IP address as the server's limits see it. */
#ifndef BS_NET_ADDR_H
#define BS_NET_ADDR_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

struct net_addr {
	uint8_t b[16];  /* IPv4: 4 bytes; IPv6: 16 bytes */
	uint8_t len;    /* 4 or 16; 0: unknown */
};

/* From a sockaddr (AF_INET or AF_INET6; an IPv4-mapped IPv6 address counts
 * as IPv4).  Returns 0, or -1 for another family. */
int net_addr_from_sockaddr(struct net_addr *a, const struct sockaddr *sa);

/* The key per-address limits count by: the address itself for IPv4, its
 * /64 prefix for IPv6 (one host usually has a whole /64). */
void net_addr_limit_key(const struct net_addr *a, struct net_addr *key);

/* Text form ("127.0.0.2", "2001:db8::1"), for logs. */
void net_addr_str(const struct net_addr *a, char *out, size_t cap);

#endif
