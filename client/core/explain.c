/* explain.c - one line per failure, Chinese first, with what to do next. */
#include "explain.h"

#include <assert.h>
#include <stdio.h>

#include "err.h"
#include "net.h"

static const char *fail_reason(enum net_fail f)
{
	switch (f) {
	case NET_FAIL_DNS: return "找不到服务器地址 the name does not resolve (DNS)";
	case NET_FAIL_REFUSED:
		return "服务器拒绝连接 connection refused (is baosongd running there?)";
	case NET_FAIL_TIMEOUT: return "连接超时 no answer in time";
	default: return "网络错误 network error";
	}
}

static const char *or_dash(const char *s)
{
	return s && *s ? s : "-";
}

const char *client_explain(int rv, enum explain_step step, const char *server,
			   const char *detail, char *out, size_t cap)
{
	const char *srv = or_dash(server);
	assert(out && cap > 0 && rv != BS_OK);
	switch (rv) {
	case BS_E_TOKEN:
		snprintf(out, cap, "登记口令无效、已使用或已过期，请向发改局索取新的登记口令 "
			 "the enrolment token is unknown, used or expired: ask the bureau for a "
			 "new one, then run baosong init again");
		return out;
	case BS_E_UNKNOWN_KEY:
		snprintf(out, cap, "本机未在县服务器登记 this PC is not enrolled with the county "
			 "server %s: 请向发改局索取新的登记口令 ask the bureau for a token, then "
			 "baosong init ... --token TOKEN", srv);
		return out;
	case BS_E_REVOKED:
		snprintf(out, cap, "本机密钥已被发改局吊销 this PC's key was revoked by the "
			 "bureau: call the bureau (发改局) before anything else");
		return out;
	case BS_E_FINGERPRINT:
		snprintf(out, cap, "服务器密钥不符 the server at %s does not hold the key "
			 "fingerprint given%s%s: not connecting; call the bureau (发改局) and "
			 "check the fingerprint read out to you", srv, detail ? " " : "",
			 detail ? detail : "");
		return out;
	case BS_E_CLOCK:
		snprintf(out, cap, "本机时钟与县服务器相差过大 this PC's clock is too far from the "
			 "server's: set the date and time, then try again");
		return out;
	case BS_E_VERSION:
		snprintf(out, cap, "客户端版本过旧 this baosong is too old for the county server "
			 "%s: install the version the bureau gives you", srv);
		return out;
	case BS_E_BUSY:
		snprintf(out, cap, "县服务器繁忙 the county server %s is busy: try again in a few "
			 "minutes; nothing on this PC is lost", srv);
		return out;
	default:
		break;
	}
	if (step == EXPLAIN_CONNECT && rv == BS_E_CRYPTO) {
		snprintf(out, cap, "服务器密钥不符 the server at %s does not hold the key this PC "
			 "pinned at baosong init: not connecting; call the bureau (发改局)", srv);
		return out;
	}
	if (step == EXPLAIN_CONNECT &&
	    (rv == BS_E_IO || rv == BS_E_TIMEOUT) && net_last_failure() != NET_FAIL_NONE) {
		snprintf(out, cap, "无法连接县服务器 cannot reach the county server %s: %s. "
			 "请检查网络后重试 check the network and try again later; nothing on this "
			 "PC is lost", srv, fail_reason(net_last_failure()));
		return out;
	}
	if (step == EXPLAIN_CONNECT && rv == BS_E_CLOSED) {
		snprintf(out, cap, "县服务器在握手时断开连接 the county server %s closed the "
			 "connection during the handshake: it may be restarting (try again later), "
			 "or its key is no longer the one this PC pinned (服务器密钥不符?): if it "
			 "persists, call the bureau (发改局)", srv);
		return out;
	}
	if ((step == EXPLAIN_CONNECT || step == EXPLAIN_REQUEST || step == EXPLAIN_ENROL) &&
	    (rv == BS_E_IO || rv == BS_E_TIMEOUT || rv == BS_E_CLOSED)) {
		snprintf(out, cap, "与县服务器的连接中断 the connection to the county server %s "
			 "broke (%s): try again later; nothing on this PC is lost", srv,
			 bs_strerror(rv));
		return out;
	}
	if (step == EXPLAIN_LOCAL) {
		if (rv == BS_E_NOSPACE) {
			snprintf(out, cap, "本机磁盘已满 this PC's disk is full (%s): free some "
				 "space, then try again", or_dash(detail));
			return out;
		}
		if (rv == BS_E_DB) {
			snprintf(out, cap, "本地数据库无法读写 the local database %s cannot be read or "
				 "written: it is damaged, not a baosong database, or the disk is "
				 "failing; restore the data directory from a backup or call the bureau",
				 or_dash(detail));
			return out;
		}
		if (rv == BS_E_IO) {
			snprintf(out, cap, "本机磁盘读写错误 cannot read or write %s on this PC: "
				 "check the disk and that this user may write there", or_dash(detail));
			return out;
		}
		if (rv == BS_E_KEYPERM) {
			snprintf(out, cap, "私钥文件权限过宽 the key file %s is readable by others: "
				 "chmod 600 it", or_dash(detail));
			return out;
		}
		if (rv == BS_E_LOCKED) {
			snprintf(out, cap, "另一个同步正在运行 another sync is running on this data "
				 "directory: wait for it to finish");
			return out;
		}
		if (rv == BS_E_NOTFOUND) {
			snprintf(out, cap, "%s", EXPLAIN_NOT_SET_UP);
			return out;
		}
	}
	if (detail && *detail)
		snprintf(out, cap, "%s %s: %s", bs_strerror_zh(rv), bs_strerror(rv), detail);
	else
		snprintf(out, cap, "%s %s", bs_strerror_zh(rv), bs_strerror(rv));
	return out;
}
