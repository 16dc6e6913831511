/* cutproxy.c - a loopback relay that cuts the line: it accepts one
 * connection, relays it to 127.0.0.1:TARGET, and after CUT bytes from the
 * client have been forwarded it closes both sides, as a dropped township
 * line would.  Test tool only.
 *
 *   cutproxy PORTFILE TARGET_PORT CUT_BYTES
 * writes the port it listens on (127.0.0.1, chosen by the OS) to PORTFILE. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct sockaddr_in a;
	socklen_t alen = sizeof a;
	unsigned long long cut, passed = 0;
	int ls, cs, ts, one = 1;
	FILE *f;
	char buf[16384];

	if (argc != 4)
		return 64;
	cut = strtoull(argv[3], NULL, 10);
	ls = socket(AF_INET, SOCK_STREAM, 0);
	setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	memset(&a, 0, sizeof a);
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(ls, (struct sockaddr *)&a, sizeof a) != 0 || listen(ls, 4) != 0 ||
	    getsockname(ls, (struct sockaddr *)&a, &alen) != 0)
		return 1;
	f = fopen(argv[1], "w");
	if (!f)
		return 1;
	fprintf(f, "%d\n", ntohs(a.sin_port));
	fclose(f);
	for (;;) {
		struct pollfd p[2];
		cs = accept(ls, NULL, NULL);
		if (cs < 0)
			return 1;
		ts = socket(AF_INET, SOCK_STREAM, 0);
		a.sin_port = htons((unsigned short)atoi(argv[2]));
		if (connect(ts, (struct sockaddr *)&a, sizeof a) != 0)
			return 1;
		for (;;) {
			ssize_t n;
			p[0].fd = cs;
			p[0].events = POLLIN;
			p[1].fd = ts;
			p[1].events = POLLIN;
			if (poll(p, 2, 30000) <= 0)
				goto cut_now;
			if (p[0].revents) {
				size_t want = sizeof buf;
				n = read(cs, buf, want);
				if (n <= 0)
					goto cut_now;
				if (passed + (unsigned long long)n > cut)
					n = (ssize_t)(cut - passed);
				if (n > 0 && write(ts, buf, (size_t)n) != n)
					goto cut_now;
				passed += (unsigned long long)n;
				if (passed >= cut)
					goto cut_now;
			}
			if (p[1].revents) {
				n = read(ts, buf, sizeof buf);
				if (n <= 0 || write(cs, buf, (size_t)n) != n)
					goto cut_now;
			}
		}
	cut_now:
		/* An abrupt close on both sides. */
		{
			struct linger lg = {1, 0};
			setsockopt(cs, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
			setsockopt(ts, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
		}
		close(cs);
		close(ts);
		if (passed >= cut)
			return 0;
	}
}
