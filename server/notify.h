/* notify.h - tell systemd how the server is doing (sd_notify, Type=notify).
 *
 * Outside systemd (no NOTIFY_SOCKET) every call does nothing.  Under
 * systemd: notify_ready sends READY=1 with a STATUS line once the server
 * listens, and, when the unit sets WatchdogSec=, starts a timer on the
 * event loop that sends WATCHDOG=1 at half the interval (a loop that stops
 * turning stops the pings, and systemd restarts the service).
 * notify_stopping sends STOPPING=1 and closes that timer, so the loop can
 * finish.  Call all three from the loop's thread. */
#ifndef BS_NOTIFY_H
#define BS_NOTIFY_H

#include <uv.h>

/* The server listens on host:port: READY=1, and the watchdog if asked for. */
void notify_ready(uv_loop_t *loop, const char *host, int port);

/* The server begins to stop: STOPPING=1; the watchdog timer is closed. */
void notify_stopping(void);

#endif
