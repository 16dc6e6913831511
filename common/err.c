/* err.c - the table behind err.h. */
#include "err.h"

struct err_info {
	const char *name;
	const char *en;
	const char *zh;
	bool retryable;
};

static const struct err_info errs[] = {
	[0] = {"BS_OK", "success", "成功", false},
	[1] = {"BS_E_NOMEM", "out of memory", "内存不足", true},
	[2] = {"BS_E_INVAL", "invalid input", "输入无效", false},
	[3] = {"BS_E_PROTO", "protocol violation", "协议错误", false},
	[4] = {"BS_E_TOOBIG", "size limit exceeded", "超过大小限制", false},
	[5] = {"BS_E_CRYPTO", "authentication failed", "认证或解密失败", false},
	[6] = {"BS_E_LOWORDER", "low-order public key", "无效公钥（低阶点）", false},
	[7] = {"BS_E_IO", "I/O error", "读写错误", true},
	[8] = {"BS_E_KEYPERM", "private key file is readable by others (chmod 600)",
	       "私钥文件权限过宽，请执行 chmod 600", false},
	[9] = {"BS_E_NOTFOUND", "not found", "未找到", false},
	[10] = {"BS_E_REPLAY", "replayed handshake", "握手消息被重放", false},
	[11] = {"BS_E_CLOCK", "clock skew too large", "客户端时钟偏差过大，请校准时间", true},
	[12] = {"BS_E_UNKNOWN_KEY", "client key not registered with the server",
		"服务器不认识此客户端密钥（未登记或已吊销）", false},
	[13] = {"BS_E_VERSION", "unsupported protocol version", "协议版本不受支持，请升级客户端", false},
	[14] = {"BS_E_TIMEOUT", "timed out", "超时", true},
	[15] = {"BS_E_NONCE", "nonce space exhausted", "会话计数已用尽，请重新连接", true},
	[16] = {"BS_E_CLOSED", "connection closed", "连接已关闭", true},
	[17] = {"BS_E_STATE", "not allowed in this state", "当前状态不允许此操作", false},
	[18] = {"BS_E_UNSUPPORTED", "unsupported request", "不支持的请求", false},
	[19] = {"BS_E_BUSY", "server busy", "服务器繁忙，请稍后重试", true},
	[20] = {"BS_E_FINGERPRINT", "server key does not match the pinned fingerprint",
		"服务器密钥与登记的指纹不符", false},
	[21] = {"BS_E_INTERNAL", "internal error", "服务器内部错误", true},
	[22] = {"BS_E_TOKEN", "enrolment token unknown, already used or expired",
		"登记口令无效、已使用或已过期", false},
	[23] = {"BS_E_FORBIDDEN", "not allowed for this unit or role", "无权操作（单位或角色不符）",
		false},
	[24] = {"BS_E_CONFLICT", "record was changed on the server", "记录已在服务器上被修改，存在冲突",
		false},
	[25] = {"BS_E_QUOTA", "unit storage quota exceeded", "本单位附件存储配额已满", false},
	[26] = {"BS_E_CORRUPT", "file does not match its hash", "文件内容与校验值不符", false},
	[27] = {"BS_E_OFFSET", "upload offset differs from the server's", "上传位置与服务器不一致，将续传",
		true},
	[28] = {"BS_E_SEQ", "operation numbering does not continue the server's",
		"操作序号与服务器不衔接（本机数据比服务器旧或缺失），已停止同步", false},
	[29] = {"BS_E_MISSING_BLOB", "attachment not uploaded yet", "附件尚未上传", true},
	[30] = {"BS_E_REVOKED", "device key revoked", "本设备密钥已被吊销", false},
	[31] = {"BS_E_NOSPACE", "disk full", "磁盘空间不足", true},
	[32] = {"BS_E_LOCKED", "another run is in progress", "另一个同步进程正在运行", true},
	[33] = {"BS_E_DB", "database error", "数据库错误", true},
	[34] = {"BS_E_RECORD_LOCKED", "record approved or period closed",
		"记录已审核通过或周期已关闭，需审核人员重新开放后才能修改", false},
	[35] = {"BS_E_SEQ_REUSED",
		"operation numbers already used for other changes of this device key (a restored "
		"or copied data directory): keep the changes, check them, then renumber them "
		"(baosong sync --renumber)",
		"本设备的操作编号已被其他修改占用（数据目录是恢复或复制来的）：修改未发送、请勿丢弃，"
		"核对后运行 baosong sync --renumber 重新编号发送",
		false},
};

static const struct err_info *lookup(int err)
{
	static const struct err_info unknown = {"BS_E_UNKNOWN", "unknown error", "未知错误", false};
	int i = -err;
	if (i < 0 || (unsigned)i >= sizeof(errs) / sizeof(errs[0]) || errs[i].name == 0)
		return &unknown;
	return &errs[i];
}

const char *bs_strerror(int err) { return lookup(err)->en; }
const char *bs_errname(int err) { return lookup(err)->name; }
const char *bs_strerror_zh(int err) { return lookup(err)->zh; }
bool bs_err_retryable(int err) { return lookup(err)->retryable; }
