/* addr.c - peer addresses for limits and logs. */
#include "addr.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>

int net_addr_from_sockaddr(struct net_addr *a, const struct sockaddr *sa)
{
	static const uint8_t v4mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
	memset(a, 0, sizeof *a);
	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *in = (const struct sockaddr_in *)(const void *)sa;
		memcpy(a->b, &in->sin_addr, 4);
		a->len = 4;
		return 0;
	}
	if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)(const void *)sa;
		if (memcmp(&in6->sin6_addr, v4mapped, 12) == 0) {
			memcpy(a->b, (const uint8_t *)&in6->sin6_addr + 12, 4);
			a->len = 4;
		} else {
			memcpy(a->b, &in6->sin6_addr, 16);
			a->len = 16;
		}
		return 0;
	}
	return -1;
}

void net_addr_limit_key(const struct net_addr *a, struct net_addr *key)
{
	*key = *a;
	if (key->len == 16)
		memset(key->b + 8, 0, 8);
}

void net_addr_str(const struct net_addr *a, char *out, size_t cap)
{
	char buf[INET6_ADDRSTRLEN] = "?";
	if (a->len == 4)
		inet_ntop(AF_INET, a->b, buf, sizeof buf);
	else if (a->len == 16)
		inet_ntop(AF_INET6, a->b, buf, sizeof buf);
	if (cap > 0) {
		size_t n = strlen(buf);
		if (n >= cap)
			n = cap - 1;
		memcpy(out, buf, n);
		out[n] = '\0';
	}
}
