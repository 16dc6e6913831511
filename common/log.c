/* log.c - line logging to stderr. */
#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>

#include "clock.h"

static const char *g_prog = "baosong";
static enum log_level g_level = LOG_INFO;
static int g_journal = -1; /* -1 not yet known, 0 a terminal or file, 1 the journal */

int log_stderr_is_journal(const char *journal_stream, int fd)
{
	unsigned long long dev, ino;
	struct stat st;
	char tail;

	/* systemd sets JOURNAL_STREAM=DEV:INO for the stream it connected;
	 * a child that inherited the variable but not the descriptor, or
	 * whose stderr was redirected, no longer matches. */
	if (!journal_stream || sscanf(journal_stream, "%llu:%llu%c", &dev, &ino, &tail) != 2)
		return 0;
	if (fstat(fd, &st) != 0)
		return 0;
	return (unsigned long long)st.st_dev == dev && (unsigned long long)st.st_ino == ino;
}

void log_setup(const char *prog, enum log_level level)
{
	g_prog = prog;
	g_level = level;
	if (g_journal < 0)
		g_journal = log_stderr_is_journal(getenv("JOURNAL_STREAM"), 2);
}

enum log_level log_get_level(void)
{
	return g_level;
}

void log_msg(enum log_level level, const char *fmt, ...)
{
	static const char *names[] = {"ERROR", "WARN", "INFO", "DEBUG"};
	/* syslog priorities: err, warning, info, debug */
	static const char prio[] = {'3', '4', '6', '7'};
	char msg[1024], line[1200];
	struct timespec ts;
	uint64_t ns;
	struct tm tm;
	va_list ap;
	size_t i, o = 0;

	if (level > g_level)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	/* Keep one event on one line. */
	for (i = 0; msg[i] && o + 5 < sizeof line; i++) {
		unsigned char c = (unsigned char)msg[i];
		if (c < 0x20 || c == 0x7f) {
			o += (size_t)snprintf(line + o, sizeof line - o, "\\x%02x", c);
		} else {
			line[o++] = (char)c;
		}
	}
	line[o] = '\0';
	if (g_journal > 0) {
		/* journald stamps the time and reads the priority from <N>. */
		fprintf(stderr, "<%c>%s %s: %s\n", prio[level], names[level], g_prog, line);
		return;
	}
	ns = bs_now_ns();
	ts.tv_sec = (time_t)(ns / 1000000000u);
	ts.tv_nsec = (long)(ns % 1000000000u);
	gmtime_r(&ts.tv_sec, &tm);
	fprintf(stderr, "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ %s %s: %s\n", tm.tm_year + 1900,
		tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ts.tv_nsec / 1000000,
		names[level], g_prog, line);
}
