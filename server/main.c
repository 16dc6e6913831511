/* main.c - baosongd command line. */
#include <getopt.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "admin.h"
#include "cli.h"
#include "clock.h"
#include "config.h"
#include "err.h"
#include "keys.h"
#include "bs_limits.h"
#include "log.h"
#include "server.h"
#include "wire.h"

static void usage(FILE *f)
{
	fprintf(f,
		"baosongd %s - 报送 central server of the county Development and Reform Bureau\n"
		"\n"
		"Usage:\n"
		"  baosongd keygen [--out FILE] [--force]\n"
		"      Make the server's key pair: FILE (private, mode 0600) and FILE.pub.\n"
		"      Prints the fingerprint that clients pin.  Default FILE: server.key\n"
		"  baosongd fingerprint [--key FILE]\n"
		"      Print the fingerprint of a private or public key file (read it to\n"
		"      township offices over the phone).\n"
		"  baosongd serve [options]\n"
		"      Run the server until SIGTERM/SIGINT (requests in flight are answered\n"
		"      first).  Devices, units and tokens live in the database: see the\n"
		"      unit, token and device commands.\n"
		"%s"
		"\n"
		"Options for serve:\n"
		"  --listen HOST:PORT         address to listen on (default 127.0.0.1:7400;\n"
		"                             port 0 lets the OS pick)\n"
		"  --key FILE                 server private key (default server.key)\n"
		"  --config FILE              INI settings (see docs/OPERATIONS.md); options\n"
		"                             given on the command line override it\n"
		"  --data DIR                 holds baosong.db and blobs/ (default .)\n"
		"  --port-file FILE           write the bound port here once listening\n"
		"  --handshake-timeout MS     default %u\n"
		"  --idle-timeout MS          default %u\n"
		"  --max-connections N        default %u\n"
		"  -v, --verbose              debug logging\n"
		"\n"
		"Exit status: 0 ok, 64 usage, 65 bad data, 66 missing file, 70 internal,\n"
		"75 temporary failure, 77 permission, 78 key file configuration.\n",
		BS_VERSION_STRING, admin_usage_summary(), BS_HANDSHAKE_TIMEOUT_MS,
		BS_IDLE_TIMEOUT_MS, BS_MAX_CONNECTIONS);
}

static int cmd_keygen(int argc, char **argv)
{
	static const struct option opts[] = {{"out", required_argument, 0, 'o'},
					     {"force", no_argument, 0, 'f'},
					     {"help", no_argument, 0, 'h'},
					     {0, 0, 0, 0}};
	const char *out = "server.key";
	struct keypair kp;
	char fp[FP_STRLEN + 1];
	int force = 0, c, rv;

	while ((c = getopt_long(argc, argv, "o:fh", opts, NULL)) != -1) {
		switch (c) {
		case 'o': out = optarg; break;
		case 'f': force = 1; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return EX_USAGE_;
		}
	}
	rv = keys_generate(&kp);
	if (rv == BS_OK)
		rv = keys_write(&kp, out, "baosongd", force);
	if (rv != BS_OK) {
		fprintf(stderr, "baosongd: cannot write %s: %s%s\n", out, bs_strerror(rv),
			force ? "" : " (does it exist already? --force replaces it)");
		keys_wipe(&kp);
		return cli_exit_code(rv);
	}
	keys_fingerprint(kp.pub, fp);
	keys_wipe(&kp);
	printf("wrote %s (private, mode 0600) and %s.pub\nserver key fingerprint: %s\n", out, out,
	       fp);
	return 0;
}

static int print_fingerprint(const char *path)
{
	struct keypair kp;
	uint8_t pub[KEY_LEN];
	char fp[FP_STRLEN + 1];
	int rv = keys_read_public(path, pub);
	if (rv != BS_OK) {
		rv = keys_read_private(path, &kp);
		if (rv == BS_OK)
			memcpy(pub, kp.pub, KEY_LEN);
		keys_wipe(&kp);
	}
	if (rv != BS_OK) {
		fprintf(stderr, "cannot read key %s: %s\n", path, bs_strerror(rv));
		return cli_exit_code(rv);
	}
	keys_fingerprint(pub, fp);
	printf("%s\n", fp);
	return 0;
}

static int cmd_fingerprint(int argc, char **argv)
{
	static const struct option opts[] = {{"key", required_argument, 0, 'k'},
					     {"help", no_argument, 0, 'h'},
					     {0, 0, 0, 0}};
	const char *key = "server.key";
	int c;
	while ((c = getopt_long(argc, argv, "k:h", opts, NULL)) != -1) {
		switch (c) {
		case 'k': key = optarg; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return EX_USAGE_;
		}
	}
	return print_fingerprint(key);
}

static int cmd_serve(int argc, char **argv)
{
	static const struct option opts[] = {
		{"config", required_argument, 0, 'c'},
		{"listen", required_argument, 0, 'l'},
		{"data", required_argument, 0, 'd'},
		{"key", required_argument, 0, 'k'},
		{"port-file", required_argument, 0, 'p'},
		{"handshake-timeout", required_argument, 0, 'H'},
		{"idle-timeout", required_argument, 0, 'I'},
		{"max-connections", required_argument, 0, 'M'},
		{"verbose", no_argument, 0, 'v'},
		{"help", no_argument, 0, 'h'},
		{0, 0, 0, 0}};
	struct server_opts o;
	static char host[256];
	char err[256];
	unsigned long long v;
	int c, rv, level = LOG_INFO, i;

	server_opts_defaults(&o);
	o.key_path = "server.key";
	/* The configuration file first, so that options override it. */
	for (i = 1; i < argc; i++) {
		const char *path = NULL;
		if (!strcmp(argv[i], "--config") && i + 1 < argc)
			path = argv[i + 1];
		else if (!strncmp(argv[i], "--config=", 9))
			path = argv[i] + 9;
		if (path && (rv = config_load(path, &o, &level, err, sizeof err)) != BS_OK) {
			fprintf(stderr, "baosongd: config %s: %s\n", path, err);
			return rv == BS_E_NOTFOUND ? 66 : 78;
		}
	}
	log_setup("baosongd", (enum log_level)level);
	while ((c = getopt_long(argc, argv, "c:l:d:k:p:vh", opts, NULL)) != -1) {
		switch (c) {
		case 'c': break; /* read above */
		case 'l':
			if (config_split_listen(optarg, host, sizeof host, &o.port) != BS_OK) {
				fprintf(stderr, "baosongd: --listen wants HOST:PORT, got '%s'\n",
					optarg);
				return EX_USAGE_;
			}
			o.host = host;
			break;
		case 'd': o.data_dir = optarg; break;
		case 'k': o.key_path = optarg; break;
		case 'p': o.port_file = optarg; break;
		case 'H':
		case 'I':
			if (cli_parse_uint(optarg, 10, 86400000, &v) != BS_OK) {
				fprintf(stderr, "baosongd: timeout must be 10..86400000 ms\n");
				return EX_USAGE_;
			}
			if (c == 'H')
				o.handshake_timeout_ms = (unsigned)v;
			else
				o.idle_timeout_ms = (unsigned)v;
			break;
		case 'M':
			if (cli_parse_uint(optarg, 1, 1000000, &v) != BS_OK) {
				fprintf(stderr, "baosongd: --max-connections must be 1..1000000\n");
				return EX_USAGE_;
			}
			o.max_connections = (unsigned)v;
			break;
		case 'v': log_setup("baosongd", LOG_DEBUG); break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return EX_USAGE_;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "baosongd: unexpected argument '%s'\n", argv[optind]);
		return EX_USAGE_;
	}
	rv = server_run(&o);
	return cli_exit_code(rv);
}

int main(int argc, char **argv)
{
	const char *cmd;
	int rv;

	if ((rv = cli_start("baosongd", LOG_INFO)) != 0)
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
		printf("baosongd %s (protocol %u)\n", BS_VERSION_STRING, BS_PROTOCOL_VERSION);
		return 0;
	}
	argc--;
	argv++;
	if (!strcmp(cmd, "keygen"))
		return cmd_keygen(argc, argv);
	if (!strcmp(cmd, "fingerprint"))
		return cmd_fingerprint(argc, argv);
	if (!strcmp(cmd, "serve"))
		return cmd_serve(argc, argv);
	if (admin_is_command(cmd))
		return admin_main(argc, argv);
	fprintf(stderr, "baosongd: unknown command '%s' (try baosongd --help)\n", cmd);
	return EX_USAGE_;
}
