/* log.h - one line per event on stderr, in a form journald and grep handle:
 *   2026-11-23T08:56:13.123Z INFO baosongd: conn 7 accepted peer=127.0.0.1:5123
 * When stderr is the systemd journal (JOURNAL_STREAM names stderr's device
 * and inode) the line carries the syslog priority instead of the time, so
 * `journalctl -p warning` filters it:
 *   <6>INFO baosongd: conn 7 accepted peer=127.0.0.1:5123
 * Messages are single lines; control characters in arguments are escaped. */
#ifndef BS_LOG_H
#define BS_LOG_H

enum log_level { LOG_ERROR = 0, LOG_WARN = 1, LOG_INFO = 2, LOG_DEBUG = 3 };

/* Program name shown on each line, and the most verbose level printed.
 * The first call decides, from JOURNAL_STREAM, whether lines go to the
 * journal. */
void log_setup(const char *prog, enum log_level level);

/* 1 if journal_stream ("DEV:INO", the value of JOURNAL_STREAM, may be NULL)
 * names the file open on fd, else 0. */
int log_stderr_is_journal(const char *journal_stream, int fd);
enum log_level log_get_level(void);

#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
void log_msg(enum log_level level, const char *fmt, ...);

#define log_error(...) log_msg(LOG_ERROR, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_WARN, __VA_ARGS__)
#define log_info(...) log_msg(LOG_INFO, __VA_ARGS__)
#define log_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)

#endif
