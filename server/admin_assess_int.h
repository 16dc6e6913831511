/* admin_assess_int.h - what the files of `baosongd scheme | assess |
 * export` share (admin_assess.c, admin_export.c). */
#ifndef BS_ADMIN_ASSESS_INT_H
#define BS_ADMIN_ASSESS_INT_H

#include <stdint.h>
#include <stdio.h>

#include "baosong.pb-c.h"
#include "store.h"

#define DEFAULT_DB "baosong.db"

typedef Baosong__V1__Scheme Scheme;
typedef Baosong__V1__AssessInputs AssessInputs;
typedef Baosong__V1__Publication Publication;

void aa_usage(FILE *f);
long aa_arg_num(const char *s, long lo, long hi);
void *aa_unpack(const ProtobufCMessageDescriptor *d, const uint8_t *b, size_t n);
void aa_msg_free(void *m);
int aa_parse_number(const char *s, int64_t *n);
int aa_load_pub(struct store *st, int64_t number, Publication **p, AssessInputs **in);

/* `baosongd assess export` and `baosongd export plan` (admin_export.c). */
int admin_cmd_assess_export(int argc, char **argv);
int admin_cmd_export_plan(int argc, char **argv);

#endif
