/* admin.h - administrator commands of baosongd that work directly on the
 * database file (init, unit, token, device, backup, audit).  They open their own
 * store handle, so they may run while `baosongd serve` uses the same file:
 * SQLite serialises the writers (busy timeout) and WAL keeps readers apart. */
#ifndef BS_ADMIN_H
#define BS_ADMIN_H

/* Whether cmd ("unit", "token", ...) is an administrator command. */
int admin_is_command(const char *cmd);

/* Run the command argv[0] with its arguments; returns the exit status
 * (0, 64 for usage errors, otherwise cli_exit_code() of the failure). */
int admin_main(int argc, char **argv);

/* The lines the top-level usage shows for these commands. */
const char *admin_usage_summary(void);

#endif
