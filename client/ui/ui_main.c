/* ui_main.c - `baosong ui`: open the data directory, start the local web
 * server on a loopback address, print its address (with the per-launch
 * key) and open it in the browser, then serve until SIGINT or SIGTERM.
 *
 * The browser is handed the address through a file in the data directory
 * (mode 0600: DIR/ui-open.html, which forwards to the address), not on
 * xdg-open's command line, which any user of the machine can read in ps. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <sodium.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "err.h"
#include "log.h"
#include "ui.h"
#include "ui_sync.h"

extern char **environ;

#define EX_USAGE_ 64

static void usage(FILE *f)
{
	fputs("用法 usage: baosong ui [--port N] [--no-open] [--listen ADDR] [--dir DIR]\n"
	      "\n"
	      "在本机浏览器中打开报送页面：今日待办、项目库、周报及其他报表、导入、同步、\n"
	      "审核、排名和看板。页面只在本机地址上提供（127.0.0.1），每次启动生成新的口令；\n"
	      "请使用下面打印的完整地址打开。按 Ctrl+C 退出。服务器连不上时也能填报，\n"
	      "下次同步时报送。\n"
	      "Serve the baosong web page on this computer only and open it in the browser.\n"
	      "\n"
	      "  --port N       端口（默认 0：由系统选一个空闲端口）port, default: any free one\n"
	      "  --no-open      不自动打开浏览器，只打印地址 do not start the browser\n"
	      "  --listen ADDR  监听地址，只能是本机地址 127.0.0.1（默认）或 ::1\n"
	      "                 loopback address to listen on; nothing else is accepted\n"
	      "  --dir DIR      数据目录（默认 $BAOSONG_DIR 或 ~/.baosong）data directory\n"
	      "\n"
	      "Exit status: 0 after Ctrl+C, 64 bad usage, 66 not set up (run baosong init),\n"
	      "74 the port cannot be opened.\n",
	      f);
}

/* Write DIR/ui-open.html (0600), which forwards the browser to url. */
static int write_opener(const struct ui *ui, const char *url, char *path, size_t cap)
{
	FILE *f;
	int fd, n;

	n = snprintf(path, cap, "%s/ui-open.html", ui->app.dir);
	if (n < 0 || (size_t)n >= cap)
		return BS_E_TOOBIG;
	unlink(path);
	if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600)) < 0)
		return BS_E_IO;
	if ((f = fdopen(fd, "w")) == NULL) {
		close(fd);
		return BS_E_IO;
	}
	fprintf(f,
		"<!doctype html><meta charset=\"utf-8\"><meta http-equiv=\"refresh\" "
		"content=\"0;url=%s\"><title>报送</title><p><a href=\"%s\">打开报送页面</a></p>\n",
		url, url);
	return fclose(f) == 0 ? BS_OK : BS_E_IO;
}

static void open_browser(const char *path)
{
	char *argv[] = {(char *)"xdg-open", (char *)path, NULL};
	posix_spawn_file_actions_t fa;
	pid_t pid;

	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	if (posix_spawnp(&pid, "xdg-open", &fa, NULL, argv, environ) != 0)
		fprintf(stderr, "baosong ui: 无法启动浏览器，请手动打开上面的地址。"
				"Could not start a browser: open the address above.\n");
	posix_spawn_file_actions_destroy(&fa);
}

/* After the page stopped: let a running sync finish (it may be sending
 * photos over a slow line), saying so; 0 if a second signal asks to stop
 * now, 1 when the sync is done (or none ran). */
static int wait_for_sync(struct ui *ui, const sigset_t *set)
{
	struct ui_sync_state st;
	struct timespec tick = {0, 200 * 1000 * 1000};
	int told = 0;

	for (;;) {
		ui_sync_state(ui, &st);
		if (!st.running)
			break;
		if (!told) {
			fprintf(stderr, "baosong ui: 正在等待同步结束（再按 Ctrl+C 立即退出）。"
					"Waiting for the sync to finish (Ctrl+C again stops now).\n");
			told = 1;
		}
		if (sigtimedwait(set, NULL, &tick) > 0)
			return 0;
	}
	ui_sync_stop(ui);
	return 1;
}

int cmd_ui(int argc, char **argv)
{
	static const struct option opts[] = {{"port", required_argument, 0, 'p'},
					     {"no-open", no_argument, 0, 'n'},
					     {"listen", required_argument, 0, 'l'},
					     {"dir", required_argument, 0, 'd'},
					     {"help", no_argument, 0, 'h'},
					     {0, 0, 0, 0}};
	const char *dir = NULL, *listen = "127.0.0.1";
	unsigned long port = 0;
	int no_open = 0, c, rv, sig;
	struct ui *ui;
	struct http_server *hs = NULL;
	uint8_t key[32];
	char secret[HTTP_SECRET_HEX + 1], url[256], opener[4200];
	sigset_t set;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		char *end;

		switch (c) {
		case 'p':
			errno = 0;
			port = strtoul(optarg, &end, 10);
			if (errno || *end || end == optarg || port > 65535) {
				fprintf(stderr, "baosong ui: 端口应为 0 到 65535 的整数 "
						"--port must be 0..65535\n");
				return EX_USAGE_;
			}
			break;
		case 'n': no_open = 1; break;
		case 'l': listen = optarg; break;
		case 'd': dir = optarg; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return EX_USAGE_;
		}
	}
	if (optind < argc) {
		usage(stderr);
		return EX_USAGE_;
	}
	if (!http_loopback_addr(listen)) {
		fprintf(stderr,
			"baosong ui: 只能在本机地址上提供页面（127.0.0.1 或 ::1），拒绝 %s。\n"
			"  The page is served on a loopback address only; refusing --listen %s.\n",
			listen, listen);
		return EX_USAGE_;
	}
	if ((ui = calloc(1, sizeof *ui)) == NULL)
		return 71;
	app_blank(&ui->app);
	if ((rv = app_open_cli(dir, &ui->app, &ui->srv)) != BS_OK) {
		app_close(&ui->app);
		free(ui);
		return rv == BS_E_NOTFOUND ? 66 : 74;
	}
	snprintf(ui->dir, sizeof ui->dir, "%s", ui->app.dir);
	randombytes_buf(key, sizeof key);
	sodium_bin2hex(secret, sizeof secret, key, sizeof key);
	randombytes_buf(key, sizeof key);
	sodium_bin2hex(ui->csrf, sizeof ui->csrf, key, sizeof key);
	sodium_memzero(key, sizeof key);

	/* Signals are taken by sigwait below; the server's thread inherits
	 * the mask and never sees them. */
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &set, NULL);

	rv = http_start(&hs, listen, (uint16_t)port, secret, ui->csrf, ui, ui_route);
	if (rv != BS_OK) {
		fprintf(stderr,
			"baosong ui: 无法在 %s 端口 %lu 上提供页面（端口被占用？换一个 --port 或用 0）。\n"
			"  Cannot listen on %s port %lu (in use? try another --port, or 0).\n",
			listen, port, listen, port);
		sodium_memzero(secret, sizeof secret);
		app_close(&ui->app);
		sodium_memzero(ui, sizeof *ui);
		free(ui);
		return 74;
	}
	snprintf(url, sizeof url, "http://%s%s%s:%u/login?k=%s", strchr(listen, ':') ? "[" : "",
		 listen, strchr(listen, ':') ? "]" : "", (unsigned)http_port(hs), secret);
	sodium_memzero(secret, sizeof secret);
	printf("baosong ui: 请在浏览器中打开 open in your browser:\n  %s\n"
	       "按 Ctrl+C 退出 (Ctrl+C stops it).\n",
	       url);
	fflush(stdout);
	if (!no_open) {
		if (write_opener(ui, url, opener, sizeof opener) == BS_OK)
			open_browser(opener);
		else
			fprintf(stderr, "baosong ui: 无法写入 %s/ui-open.html，请手动打开上面的地址。\n",
				ui->app.dir);
	}
	sodium_memzero(url, sizeof url);
	while (sigwait(&set, &sig) == 0 && sig != SIGINT && sig != SIGTERM && sig != SIGHUP)
		;
	log_info("ui: stopping (signal %d)", sig);
	http_stop(hs);
	if (!no_open)
		unlink(opener);
	if (!wait_for_sync(ui, &set)) {
		/* A second Ctrl+C: the sync is cut like a cut line (what the
		 * server acknowledged is kept; the rest is sent next time). */
		fprintf(stderr, "baosong ui: 同步被中断，未报送的修改留在本机，下次同步继续。"
				"Sync cut short; nothing is lost.\n");
		_exit(130);
	}
	app_close(&ui->app);
	sodium_memzero(ui, sizeof *ui);
	free(ui);
	return 0;
}
