/* notify.c - sd_notify for Type=notify units (libsystemd). */
#include "notify.h"

#include <assert.h>
#include <stdint.h>
#include <systemd/sd-daemon.h>

#include "log.h"

static uv_timer_t g_watchdog;
static int g_watchdog_on;

static void on_watchdog(uv_timer_t *t)
{
	(void)t;
	sd_notify(0, "WATCHDOG=1");
}

void notify_ready(uv_loop_t *loop, const char *host, int port)
{
	uint64_t usec = 0;
	int rv;

	assert(loop && host);
	rv = sd_notifyf(0, "READY=1\nSTATUS=listening on %s:%d", host, port);
	if (rv < 0)
		log_warn("systemd notification failed (sd_notify: %d)", rv);
	if (rv <= 0 || g_watchdog_on)
		return;
	/* > 0: the unit asked for a watchdog for this process. */
	if (sd_watchdog_enabled(0, &usec) <= 0 || usec == 0)
		return;
	/* Ping at half the interval; at least every millisecond. */
	usec /= 2000u;
	if (usec == 0)
		usec = 1;
	if (uv_timer_init(loop, &g_watchdog) != 0)
		return;
	uv_unref((uv_handle_t *)&g_watchdog); /* does not keep the loop alive */
	if (uv_timer_start(&g_watchdog, on_watchdog, 0, usec) != 0) {
		uv_close((uv_handle_t *)&g_watchdog, NULL);
		return;
	}
	g_watchdog_on = 1;
	log_debug("systemd watchdog: a ping every %llu ms", (unsigned long long)usec);
}

void notify_stopping(void)
{
	sd_notify(0, "STOPPING=1\nSTATUS=stopping: answering requests in flight");
	if (g_watchdog_on) {
		uv_timer_stop(&g_watchdog);
		uv_close((uv_handle_t *)&g_watchdog, NULL);
		g_watchdog_on = 0;
	}
}
