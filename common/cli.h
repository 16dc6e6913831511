/* cli.h - small helpers both command-line programs share. */
#ifndef BS_CLI_H
#define BS_CLI_H

/* sysexits-style exit status for a BS_E_* code: 0 on success, 75
 * (EX_TEMPFAIL) for anything retryable, 77 (EX_NOPERM) for refused keys,
 * 78 (EX_CONFIG) for bad key files, 65 (EX_DATAERR) for bad input, 70
 * otherwise.  Cron jobs and systemd units can act on these. */
int cli_exit_code(int err);

#define EX_OK_ 0
#define EX_USAGE_ 64

/* What both programs do first: log lines as prog at level, SIGPIPE
 * ignored, libsodium initialised, the clock read (common/clock.h).  0, or
 * the exit status after saying on stderr what went wrong. */
int cli_start(const char *prog, int log_level);

/* Parse a decimal unsigned number in [min, max]; 0 or BS_E_INVAL. */
int cli_parse_uint(const char *s, unsigned long long min, unsigned long long max,
		   unsigned long long *out);

#endif
