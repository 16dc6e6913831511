/* config.h - baosongd's INI configuration file (parsed with libinih).
 *
 *   [server]
 *   listen = 127.0.0.1:7400        ; HOST:PORT, port 0 = the OS picks
 *   data = /var/lib/baosong        ; holds baosong.db and blobs/
 *   key = /etc/baosong/server.key  ; private key, mode 0600
 *   port_file =                    ; write the bound port here
 *   handshake_timeout_ms = 5000    ; accept to a finished handshake
 *   idle_timeout_ms = 300000
 *   max_connections = 1024         ; device sessions
 *   max_unauth_connections = 512   ; connections not authenticated as a device
 *   max_unauth_per_address = 64    ; of those, from one address (IPv6: one /64)
 *   handshakes_per_second = 50     ; per address
 *   handshake_burst = 100          ; per address
 *   enrol_timeout_ms = 10000       ; an enrolment-only session's whole life
 *   cookie = auto                  ; auto, always, never: cookie reply first
 *   cookie_load_per_second = 200   ; auto: under load above this many handshakes/s
 *   max_held_refused = 4096        ; refused connections held unread a while
 *   refusal_log_interval_s = 10    ; refusal summaries in the log
 *   clock_skew_s = 300
 *   max_file_mb = 64               ; largest attachment
 *   unit_quota_mb = 20480          ; attachment storage per unit
 *   grouped_uploads = 1            ; uploads honoured in flushed groups at once
 *   upload_pace_mb = 8             ; MB/s of attachments while pushes arrive, 0: off
 *   readers = 2                    ; reader threads
 *   max_batch = 256                ; most requests per commit
 *   [log]
 *   level = info                   ; error, warn, info, debug
 *   [backup]                       ; for baosongd backup --config (backup.h)
 *   dir = /var/lib/baosong/backups
 *   keep = 14
 *
 * Command-line options given after --config override the file.  Unknown
 * sections or keys, and bad values, are errors with the line number. */
#ifndef BS_CONFIG_H
#define BS_CONFIG_H

#include <stddef.h>

#include "server.h"

/* Parse "HOST:PORT" or "[V6]:PORT" into host (cap bytes) and port. */
int config_split_listen(const char *arg, char *host, size_t cap, int *port);

/* Load path into o.  Strings point into storage owned by the config module
 * (valid until exit).  On error, err says what and where. */
int config_load(const char *path, struct server_opts *o, int *log_level, char *err,
		size_t errcap);

#endif
