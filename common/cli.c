/* cli.c - shared command-line helpers. */
#include "cli.h"

#include <errno.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>

#include "clock.h"
#include "err.h"
#include "log.h"

int cli_start(const char *prog, int log_level)
{
	log_setup(prog, (enum log_level)log_level);
	signal(SIGPIPE, SIG_IGN);
	if (sodium_init() < 0) {
		fprintf(stderr, "%s: libsodium failed to initialise\n", prog);
		return 70;
	}
	if (bs_clock_init() != BS_OK) {
		fprintf(stderr, "%s: " BS_CLOCK_ENV " must be \"YYYY-MM-DD HH:MM[:SS]\" "
			"(Asia/Shanghai) or @SECONDS, and " BS_CLOCK_SINCE_ENV " Unix seconds\n",
			prog);
		return EX_USAGE_;
	}
	return 0;
}

int cli_exit_code(int err)
{
	if (err == BS_OK)
		return 0;
	switch (err) {
	case BS_E_UNKNOWN_KEY:
	case BS_E_FINGERPRINT:
	case BS_E_REVOKED:
	case BS_E_TOKEN:
	case BS_E_FORBIDDEN:
		return 77; /* EX_NOPERM */
	case BS_E_KEYPERM:
		return 78; /* EX_CONFIG */
	case BS_E_INVAL:
	case BS_E_TOOBIG:
		return 65; /* EX_DATAERR */
	case BS_E_NOTFOUND:
		return 66; /* EX_NOINPUT */
	default:
		break;
	}
	return bs_err_retryable(err) ? 75 /* EX_TEMPFAIL */ : 70 /* EX_SOFTWARE */;
}

int cli_parse_uint(const char *s, unsigned long long min, unsigned long long max,
		   unsigned long long *out)
{
	char *end = NULL;
	unsigned long long v;
	if (!s || *s < '0' || *s > '9')
		return BS_E_INVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < min || v > max)
		return BS_E_INVAL;
	*out = v;
	return BS_OK;
}
