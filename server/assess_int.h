/* assess_int.h - helpers shared by the engine's files (assess.c,
 * assess_scheme.c); not an interface for the rest of the server. */
#ifndef BS_ASSESS_INT_H
#define BS_ASSESS_INT_H

#include <stddef.h>

#define BP_FULL 10000

/* Format into err (cap bytes) when err is not NULL. */
void assess__errf(char *err, size_t cap, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* A malloc'd copy of s ("" for NULL), or NULL when out of memory. */
char *assess__strdup(const char *s);
/* Replace a string field of a message built here (never frees protobuf-c's
 * shared empty string). */
void assess__set_str(char **field, const char *v);
/* The Metric named s ("fai_completion"), or 0; and the other way. */
int assess__metric_by_name(const char *s);
const char *assess__metric_name(int m);

#endif
