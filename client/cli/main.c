/* main.c - baosong command line. */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "cli.h"
#include "clock.h"
#include "commands.h"
#include "ui.h"
#include "err.h"
#include "keys.h"
#include "kinds.h"
#include "log.h"
#include "net.h"
#include "wire.h"

#define DEFAULT_TIMEOUT_S 30u

static void usage(FILE *f)
{
	fprintf(f,
		"baosong %s - 报送 client for township offices and departments\n"
		"\n"
		"Usage:\n"
		"  baosong init --server HOST:PORT --server-key FINGERPRINT --token TOKEN\n"
		"      设置本机（一次） Set this PC up once: key, pinned server key, enrolment.\n"
		"  baosong sync [--unattended] [--budget S] [--quiet]\n"
		"                                             同步 push, then pull\n"
		"  baosong sync --renumber                    重新编号发送 after a refused copied or\n"
		"                                             restored directory was checked\n"
		"  baosong push | pull                        one direction only\n"
		"  baosong ui              在浏览器中填报、审核、看排名（本机网页）the web page\n"
		"  baosong status          本机状况 what is due this week, late, returned,\n"
		"                          refused, conflicts, unsent photos, last sync\n"
		"  baosong project add|edit|list|show ...     the project library\n"
		"  baosong report add|edit|list|show ...      周报 weekly progress reports\n"
		"  baosong approval add|edit|list|show ...    前期手续 approval items\n"
		"  baosong monthly add|edit|list|show ...     月报 monthly reports\n"
		"  baosong stats add|edit|list|show ...       入库纳统 statistics evidence\n"
		"  baosong deal add|edit|list|show ...        招商引资 investment deals\n"
		"  baosong funding add|edit|list|show ...     向上争取 funding applications\n"
		"  baosong problem add|edit|list|show ...     问题清单 problems\n"
		"  baosong target add|edit|list|show ...      目标任务 targets (admin)\n"
		"  baosong leader add|edit|list|show ...      包抓领导 leaders (admin)\n"
		"  baosong adjustment add|edit|delete|list|show ...\n"
		"                                             加分项/扣分项 bonus and deduction items\n"
		"  baosong acceptance add|edit|delete|list|show ...\n"
		"                                             考核验收 acceptance checks "
		"(reviewer, admin)\n"
		"  baosong unit list|show ...                 单位 the units\n"
		"  baosong ranking [list|show] ...            考核结果 published bulletins, "
		"rankings,\n"
		"                                             assessments, this unit's place\n"
		"  baosong publication list|show ...          考核结果 the same as records\n"
		"  baosong import FILE.csv [--partial] [--dry-run]\n"
		"      Projects (the plan table) or weekly reports from a spreadsheet's CSV\n"
		"      (UTF-8 or GB18030).\n"
		"  baosong resolve SEQ [--mine|--theirs|--pick F=mine|theirs]  解决冲突\n"
		"      settle a conflict, field by field\n"
		"  baosong discard SEQ     drop a refused change (the server's version returns)\n"
		"  baosong fetch HASH --out FILE | --open ID  下载附件 download attachments\n"
		"  baosong review list|approve|return|reopen  审核 reviewers (bulk by filter)\n"
		"  baosong period close|reopen KIND PERIOD    关闭报送期间 close a period\n"
		"  (each command has --help; all take --dir DIR, default $BAOSONG_DIR\n"
		"   or ~/.baosong)\n"
		"  baosong keygen [--key FILE] [--force]\n"
		"      Make this device's key pair: FILE (private, mode 0600) and FILE.pub.\n"
		"      Give FILE.pub to the server administrator.\n"
		"  baosong fingerprint [--key FILE]\n"
		"      Print the fingerprint of a key file.\n"
		"  baosong ping --server HOST:PORT --server-key FINGERPRINT|FILE [options]\n"
		"      Open the secure channel and make a round trip.\n"
		"\n"
		"Options:\n"
		"  --key FILE             this device's private key\n"
		"                         (default $BAOSONG_DIR/client.key, $BAOSONG_DIR\n"
		"                         defaulting to ~/.baosong)\n"
		"  --server HOST:PORT     the county server\n"
		"  --server-key FP|FILE   the server's fingerprint as read out by the\n"
		"                         bureau (XXXX-XXXX-...), or its public key file\n"
		"  --count N              pings to send (default 1)\n"
		"  --timeout SECONDS      per network step (default %u)\n"
		"\n"
		"退出码 Exit status: 0 ok; 64 usage; 65 bad data; 66 missing (a record,\n"
		"a file, or this PC not set up: run baosong init); 70 internal; 75 try\n"
		"later (cannot reach the county server, busy, another sync running); 77\n"
		"refused by the server, spent token or wrong server key; 78 key file\n"
		"permissions; 79 sync done but changes were refused or conflict (a\n"
		"person must act: baosong status) - also under --quiet.  docs/OPERATIONS.md\n"
		"section 9.3.\n",
		BS_VERSION_STRING, DEFAULT_TIMEOUT_S);
}

/* Default key path: $BAOSONG_DIR/client.key or ~/.baosong/client.key.  The
 * directory is created (0700) when create is set. */
static int default_key_path(char *buf, size_t cap, int create)
{
	const char *dir = getenv("BAOSONG_DIR");
	char tmp[4096];
	if (!dir || !*dir) {
		const char *home = getenv("HOME");
		if (!home || !*home)
			return BS_E_INVAL;
		if ((size_t)snprintf(tmp, sizeof tmp, "%s/.baosong", home) >= sizeof tmp)
			return BS_E_INVAL;
		dir = tmp;
	}
	if (create && mkdir(dir, 0700) != 0 && errno != EEXIST)
		return BS_E_IO;
	if ((size_t)snprintf(buf, cap, "%s/client.key", dir) >= cap)
		return BS_E_INVAL;
	return BS_OK;
}

static int cmd_keygen(int argc, char **argv)
{
	static const struct option opts[] = {{"key", required_argument, 0, 'k'},
					     {"force", no_argument, 0, 'f'},
					     {"help", no_argument, 0, 'h'},
					     {0, 0, 0, 0}};
	char path[4096];
	const char *key = NULL;
	struct keypair kp;
	char fp[FP_STRLEN + 1];
	int force = 0, c, rv;

	while ((c = getopt_long(argc, argv, "k:fh", opts, NULL)) != -1) {
		switch (c) {
		case 'k': key = optarg; break;
		case 'f': force = 1; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return EX_USAGE_;
		}
	}
	if (!key) {
		if ((rv = default_key_path(path, sizeof path, 1)) != BS_OK) {
			fprintf(stderr, "baosong: cannot make the key directory: %s\n",
				bs_strerror(rv));
			return cli_exit_code(rv);
		}
		key = path;
	}
	rv = keys_generate(&kp);
	if (rv == BS_OK)
		rv = keys_write(&kp, key, "baosong-device", force);
	if (rv != BS_OK) {
		fprintf(stderr, "baosong: cannot write %s: %s%s\n", key, bs_strerror(rv),
			force ? "" : " (does it exist already? --force replaces it)");
		keys_wipe(&kp);
		return cli_exit_code(rv);
	}
	keys_fingerprint(kp.pub, fp);
	keys_wipe(&kp);
	printf("wrote %s (private, mode 0600) and %s.pub\ndevice key fingerprint: %s\n", key,
	       key, fp);
	return 0;
}

static int load_key(const char *key, struct keypair *kp)
{
	char path[4096];
	int rv;
	if (!key) {
		if ((rv = default_key_path(path, sizeof path, 0)) != BS_OK)
			return rv;
		key = path;
	}
	rv = keys_read_private(key, kp);
	if (rv != BS_OK)
		fprintf(stderr, "baosong: cannot use key %s: %s%s\n", key, bs_strerror(rv),
			rv == BS_E_NOTFOUND ? " (run: baosong keygen)" : "");
	return rv;
}

static int cmd_fingerprint(int argc, char **argv)
{
	static const struct option opts[] = {{"key", required_argument, 0, 'k'},
					     {"help", no_argument, 0, 'h'},
					     {0, 0, 0, 0}};
	const char *key = NULL;
	struct keypair kp;
	char fp[FP_STRLEN + 1];
	uint8_t pub[KEY_LEN];
	int c, rv;
	while ((c = getopt_long(argc, argv, "k:h", opts, NULL)) != -1) {
		switch (c) {
		case 'k': key = optarg; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return EX_USAGE_;
		}
	}
	if (key && keys_read_public(key, pub) == BS_OK) {
		keys_fingerprint(pub, fp);
		printf("%s\n", fp);
		return 0;
	}
	if ((rv = load_key(key, &kp)) != BS_OK)
		return cli_exit_code(rv);
	keys_fingerprint(kp.pub, fp);
	keys_wipe(&kp);
	printf("%s\n", fp);
	return 0;
}

static void report_refusal(const struct session *s, int rv)
{
	if (s->server.error)
		fprintf(stderr, "baosong: the server refused the session: %s [%s]\n",
			s->server.error_message[0] ? s->server.error_message : bs_strerror(rv),
			bs_errname(rv));
	else
		fprintf(stderr, "baosong: %s [%s]\n", bs_strerror(rv), bs_errname(rv));
}

static int cmd_ping(int argc, char **argv)
{
	static const struct option opts[] = {{"key", required_argument, 0, 'k'},
					     {"server", required_argument, 0, 's'},
					     {"server-key", required_argument, 0, 'S'},
					     {"count", required_argument, 0, 'n'},
					     {"timeout", required_argument, 0, 't'},
					     {"help", no_argument, 0, 'h'},
					     {0, 0, 0, 0}};
	const char *key = NULL, *server = NULL, *server_key = NULL;
	unsigned long long count = 1, timeout_s = DEFAULT_TIMEOUT_S, i;
	struct keypair kp;
	struct session s;
	uint8_t spub[KEY_LEN];
	char fp[FP_STRLEN + 1];
	int c, rv;

	while ((c = getopt_long(argc, argv, "k:s:S:n:t:h", opts, NULL)) != -1) {
		switch (c) {
		case 'k': key = optarg; break;
		case 's': server = optarg; break;
		case 'S': server_key = optarg; break;
		case 'n':
			if (cli_parse_uint(optarg, 1, 1000000, &count) != BS_OK) {
				fprintf(stderr, "baosong: --count must be 1..1000000\n");
				return EX_USAGE_;
			}
			break;
		case 't':
			if (cli_parse_uint(optarg, 1, 3600, &timeout_s) != BS_OK) {
				fprintf(stderr, "baosong: --timeout must be 1..3600 seconds\n");
				return EX_USAGE_;
			}
			break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return EX_USAGE_;
		}
	}
	if (!server || !server_key) {
		fprintf(stderr, "baosong: ping needs --server HOST:PORT and --server-key "
				"FINGERPRINT|FILE\n");
		return EX_USAGE_;
	}
	{
		char h[256], pt[16];
		if (net_split_hostport(server, h, sizeof h, pt, sizeof pt) != BS_OK) {
			fprintf(stderr, "baosong: --server wants HOST:PORT, got '%s'\n", server);
			return EX_USAGE_;
		}
	}
	if ((rv = load_key(key, &kp)) != BS_OK)
		return cli_exit_code(rv);
	rv = net_resolve_server_key(server, server_key, (unsigned)timeout_s * 1000u, spub);
	if (rv != BS_OK) {
		if (rv == BS_E_INVAL)
			fprintf(stderr, "baosong: --server-key '%s' is neither a key file nor a "
					"fingerprint\n", server_key);
		else if (rv == BS_E_FINGERPRINT)
			fprintf(stderr, "baosong: the server at %s presented a key that does NOT "
					"match fingerprint %s; not connecting\n", server, server_key);
		else
			fprintf(stderr, "baosong: cannot get the server key from %s: %s\n", server,
				bs_strerror(rv));
		keys_wipe(&kp);
		return cli_exit_code(rv);
	}
	keys_fingerprint(spub, fp);
	rv = session_open(&s, server, &kp, spub, bs_now_ns(), (unsigned)timeout_s * 1000u);
	keys_wipe(&kp);
	if (rv != BS_OK) {
		report_refusal(&s, rv);
		return cli_exit_code(rv);
	}
	printf("connected to %s (%s), server key %s\n", server, s.server.server_version, fp);
	for (i = 0; i < count && rv == BS_OK; i++) {
		Envelope req = BAOSONG__V1__ENVELOPE__INIT;
		Baosong__V1__Ping ping = BAOSONG__V1__PING__INIT;
		struct wire_arena arena;
		Envelope *resp = NULL;
		struct timespec t0, t1;
		uint8_t nonce[16];

		randombytes_buf(nonce, sizeof nonce);
		ping.data.data = nonce;
		ping.data.len = sizeof nonce;
		req.body_case = BAOSONG__V1__ENVELOPE__BODY_PING;
		req.ping = &ping;
		wire_arena_init(&arena, WIRE_DECODE_MEM_MAX);
		clock_gettime(CLOCK_MONOTONIC, &t0);
		rv = session_call(&s, &req, &arena, &resp);
		clock_gettime(CLOCK_MONOTONIC, &t1);
		if (rv != BS_OK)
			break;
		if (resp->body_case == BAOSONG__V1__ENVELOPE__BODY_ERROR) {
			rv = wire_error_code(resp->error);
			fprintf(stderr, "baosong: server error: %s\n", resp->error->message);
		} else if (resp->body_case != BAOSONG__V1__ENVELOPE__BODY_PONG ||
			   resp->pong->data.len != sizeof nonce ||
			   memcmp(resp->pong->data.data, nonce, sizeof nonce) != 0) {
			rv = BS_E_PROTO;
		} else {
			time_t st = (time_t)(resp->pong->server_time_ms / 1000);
			struct tm tm;
			char when[64];
			double ms = (double)(t1.tv_sec - t0.tv_sec) * 1e3 +
				    (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
			/* Server time shown in the deadline zone, UTC+8 (no DST). */
			st += 8 * 3600;
			gmtime_r(&st, &tm);
			strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S", &tm);
			printf("pong %llu: round trip %.2f ms, server time %s (%s)\n", i + 1, ms,
			       when, resp->pong->timezone);
		}
		wire_envelope_free(resp, &arena);
	}
	session_close(&s);
	if (rv != BS_OK) {
		fprintf(stderr, "baosong: ping failed: %s\n", bs_strerror(rv));
		return cli_exit_code(rv);
	}
	return 0;
}

int main(int argc, char **argv)
{
	const char *cmd;
	int rv;

	if ((rv = cli_start("baosong", LOG_WARN)) != 0)
		return rv;
	if (argc < 2) {
		usage(stderr);
		return EX_USAGE_;
	}
	cmd = argv[1];
	if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(cmd, "--version")) {
		printf("baosong %s (protocol %u)\n", BS_VERSION_STRING, BS_PROTOCOL_VERSION);
		return 0;
	}
	argc--;
	argv++;
	if (!strcmp(cmd, "keygen"))
		return cmd_keygen(argc, argv);
	if (!strcmp(cmd, "fingerprint"))
		return cmd_fingerprint(argc, argv);
	if (!strcmp(cmd, "ping"))
		return cmd_ping(argc, argv);
	if (!strcmp(cmd, "init"))
		return cmd_init(argc, argv);
	if (!strcmp(cmd, "sync"))
		return cmd_sync(argc, argv);
	if (!strcmp(cmd, "push"))
		return cmd_push(argc, argv);
	if (!strcmp(cmd, "pull"))
		return cmd_pull(argc, argv);
	if (!strcmp(cmd, "status"))
		return cmd_status(argc, argv);
	if (!strcmp(cmd, "ui"))
		return cmd_ui(argc, argv);
	if (!strcmp(cmd, "project"))
		return cmd_project(argc, argv);
	if (!strcmp(cmd, "report"))
		return cmd_report(argc, argv);
	if (!strcmp(cmd, "resolve"))
		return cmd_resolve(argc, argv);
	if (!strcmp(cmd, "discard"))
		return cmd_discard(argc, argv);
	if (!strcmp(cmd, "fetch"))
		return cmd_fetch(argc, argv);
	if (!strcmp(cmd, "approval"))
		return cmd_approval(argc, argv);
	if (!strcmp(cmd, "monthly"))
		return cmd_monthly(argc, argv);
	if (!strcmp(cmd, "stats"))
		return cmd_stats(argc, argv);
	if (!strcmp(cmd, "deal"))
		return cmd_deal(argc, argv);
	if (!strcmp(cmd, "funding"))
		return cmd_funding(argc, argv);
	if (!strcmp(cmd, "problem"))
		return cmd_problem(argc, argv);
	if (!strcmp(cmd, "target"))
		return cmd_target(argc, argv);
	if (!strcmp(cmd, "leader"))
		return cmd_leader(argc, argv);
	if (!strcmp(cmd, "unit"))
		return cmd_unit(argc, argv);
	if (!strcmp(cmd, "acceptance"))
		return cmd_acceptance(argc, argv);
	if (!strcmp(cmd, "publication"))
		return cmd_publication(argc, argv);
	if (!strcmp(cmd, "adjustment"))
		return cmd_adjustment(argc, argv);
	if (!strcmp(cmd, "ranking"))
		return cmd_ranking(argc, argv);
	if (!strcmp(cmd, "import"))
		return cmd_import(argc, argv);
	if (!strcmp(cmd, "review"))
		return cmd_review(argc, argv);
	if (!strcmp(cmd, "period"))
		return cmd_period(argc, argv);
	fprintf(stderr, "baosong: 未知命令 unknown command '%s' (try baosong --help)\n", cmd);
	return EX_USAGE_;
}
