/* acceptor.c - the listening socket (see acceptor.h). */
#define _GNU_SOURCE
#include "acceptor.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "log.h"

static int open_reserve(void)
{
	return open("/dev/null", O_RDONLY | O_CLOEXEC);
}

static void on_readable(uv_poll_t *p, int status, int events);

static void on_backoff(uv_timer_t *t)
{
	struct acceptor *a = t->data;
	if (a->reserve_fd < 0)
		a->reserve_fd = open_reserve();
	uv_poll_start(&a->poll, UV_READABLE, on_readable);
}

static void pause_accepting(struct acceptor *a)
{
	uv_poll_stop(&a->poll);
	uv_timer_start(&a->backoff, on_backoff, ACCEPT_BACKOFF_MS, 0);
}

/* No descriptor for the waiting connection: close it through the reserve. */
static void shed_one(struct acceptor *a)
{
	int fd;
	if (a->reserve_fd < 0) {
		pause_accepting(a);
		return;
	}
	close(a->reserve_fd);
	a->reserve_fd = -1;
	fd = accept4(a->fd, NULL, NULL, SOCK_CLOEXEC);
	if (fd >= 0) {
		close(fd);
		a->dropped++;
	}
	a->reserve_fd = open_reserve();
	if (a->reserve_fd < 0)
		pause_accepting(a);
}

static void on_readable(uv_poll_t *p, int status, int events)
{
	struct acceptor *a = p->data;
	unsigned i;
	(void)events;
	if (status < 0) {
		if (refusal_note(a->rf, REF_ACCEPT))
			log_warn("listening socket: %s; accepting again in %u ms", uv_strerror(status),
				 ACCEPT_BACKOFF_MS);
		pause_accepting(a);
		return;
	}
	for (i = 0; i < ACCEPT_BATCH; i++) {
		struct sockaddr_storage ss;
		socklen_t sl = sizeof ss;
		int fd = accept4(a->fd, (struct sockaddr *)&ss, &sl, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd >= 0) {
			a->cb(a->user, fd, (const struct sockaddr *)&ss);
			continue;
		}
		switch (errno) {
		case EAGAIN:
#if EWOULDBLOCK != EAGAIN
		case EWOULDBLOCK:
#endif
			return;
		case EINTR:
		case ECONNABORTED:
		case EPROTO:
			continue;
		case EMFILE:
		case ENFILE:
			if (refusal_note(a->rf, REF_ACCEPT))
				log_warn("accept: %s: out of file descriptors; the connection is "
					 "closed at once. Raise LimitNOFILE (docs/OPERATIONS.md "
					 "'Connection limits')",
					 strerror(errno));
			shed_one(a);
			return;
		default:
			if (refusal_note(a->rf, REF_ACCEPT))
				log_warn("accept: %s; accepting again in %u ms", strerror(errno),
					 ACCEPT_BACKOFF_MS);
			pause_accepting(a);
			return;
		}
	}
}

int acceptor_open(struct acceptor *a, uv_loop_t *loop, const struct sockaddr *addr,
		  int backlog, acceptor_cb cb, void *user, struct refusals *rf)
{
	socklen_t alen = addr->sa_family == AF_INET6 ? sizeof(struct sockaddr_in6)
						     : sizeof(struct sockaddr_in);
	int one = 1, rv;

	memset(a, 0, sizeof *a);
	a->cb = cb;
	a->user = user;
	a->rf = rf;
	a->reserve_fd = open_reserve();
	a->fd = socket(addr->sa_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (a->fd < 0) {
		rv = -errno;
		goto fail;
	}
	setsockopt(a->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (bind(a->fd, addr, alen) != 0 || listen(a->fd, backlog) != 0) {
		rv = -errno;
		goto fail;
	}
	if ((rv = uv_poll_init_socket(loop, &a->poll, a->fd)) != 0)
		goto fail;
	a->poll.data = a;
	uv_timer_init(loop, &a->backoff);
	a->backoff.data = a;
	a->open_handles = 2;
	return uv_poll_start(&a->poll, UV_READABLE, on_readable);
fail:
	if (a->fd >= 0)
		close(a->fd);
	if (a->reserve_fd >= 0)
		close(a->reserve_fd);
	a->fd = a->reserve_fd = -1;
	return rv;
}

int acceptor_port(const struct acceptor *a)
{
	struct sockaddr_storage ss;
	socklen_t sl = sizeof ss;
	if (getsockname(a->fd, (struct sockaddr *)&ss, &sl) != 0)
		return -1;
	if (ss.ss_family == AF_INET6)
		return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
	return ntohs(((struct sockaddr_in *)&ss)->sin_port);
}

static void on_closed(uv_handle_t *h)
{
	struct acceptor *a = h->data;
	if (--a->open_handles > 0)
		return;
	close(a->fd);
	if (a->reserve_fd >= 0)
		close(a->reserve_fd);
	a->fd = a->reserve_fd = -1;
}

void acceptor_close(struct acceptor *a)
{
	if (a->open_handles == 0 || uv_is_closing((uv_handle_t *)&a->poll))
		return;
	uv_close((uv_handle_t *)&a->poll, on_closed);
	uv_close((uv_handle_t *)&a->backoff, on_closed);
}

uint64_t acceptor_raise_nofile(uint64_t needed)
{
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) != 0) {
		log_warn("cannot read the file descriptor limit: %s", strerror(errno));
		return 0;
	}
	if (rl.rlim_cur < rl.rlim_max) {
		rlim_t old = rl.rlim_cur;
		rl.rlim_cur = rl.rlim_max;
		if (setrlimit(RLIMIT_NOFILE, &rl) == 0)
			log_info("file descriptor limit raised from %llu to %llu (the hard limit)",
				 (unsigned long long)old, (unsigned long long)rl.rlim_cur);
		else
			rl.rlim_cur = old;
	}
	if (rl.rlim_cur != RLIM_INFINITY && (uint64_t)rl.rlim_cur < needed)
		log_warn("file descriptor limit %llu is below the %llu the connection limits "
			 "need (max_connections + max_unauth_connections + 64): connections "
			 "will be refused before those limits. Raise LimitNOFILE in the "
			 "systemd unit or lower max_connections",
			 (unsigned long long)rl.rlim_cur, (unsigned long long)needed);
	return rl.rlim_cur == RLIM_INFINITY ? UINT64_MAX : (uint64_t)rl.rlim_cur;
}
