/* commands.h - the baosong subcommands; each takes the arguments after
 * its name (argv[0] is the name) and returns an exit status. */
#ifndef BS_CLIENT_COMMANDS_H
#define BS_CLIENT_COMMANDS_H

/* Exit status of a sync that finished but left changes refused by the
 * server or in conflict: a person must act (docs/OPERATIONS.md). */
#define EX_ATTENTION 79

int cmd_init(int argc, char **argv);
int cmd_sync(int argc, char **argv);
int cmd_push(int argc, char **argv);
int cmd_pull(int argc, char **argv);
int cmd_status(int argc, char **argv);

/* Records (client/cli/cmd_records.c). */
int cmd_project(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_resolve(int argc, char **argv);
int cmd_discard(int argc, char **argv);
int cmd_fetch(int argc, char **argv);  /* client/cli/cmd_fetch.c */
int cmd_report_show(int argc, char **argv); /* client/cli/cmd_fetch.c */

/* The other record kinds, one implementation driven by the protobuf
 * descriptors (client/cli/cmd_kinds.c). */
int cmd_approval(int argc, char **argv);
int cmd_monthly(int argc, char **argv);
int cmd_stats(int argc, char **argv);
int cmd_deal(int argc, char **argv);
int cmd_funding(int argc, char **argv);
int cmd_problem(int argc, char **argv);
int cmd_target(int argc, char **argv);
int cmd_leader(int argc, char **argv);
int cmd_unit(int argc, char **argv);

/* Spreadsheets in (client/cli/import.c). */
int cmd_import(int argc, char **argv);

/* Reviewers (client/cli/cmd_review.c). */
int cmd_review(int argc, char **argv);
int cmd_period(int argc, char **argv);

#endif
