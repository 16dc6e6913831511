/* commands.h - the baosong subcommands; each takes the arguments after
 * its name (argv[0] is the name) and returns an exit status. */
#ifndef BS_CLIENT_COMMANDS_H
#define BS_CLIENT_COMMANDS_H

int cmd_init(int argc, char **argv);
int cmd_sync(int argc, char **argv);
int cmd_push(int argc, char **argv);
int cmd_pull(int argc, char **argv);
int cmd_status(int argc, char **argv);

/* Records (client/cmd_records.c). */
int cmd_project(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_resolve(int argc, char **argv);
int cmd_discard(int argc, char **argv);
int cmd_fetch(int argc, char **argv);

#endif
