/* page_kinds.h - what the generic record pages share (page_kinds.c: the
 * index and the lists; the forms). */
#ifndef BS_UI_PAGE_KINDS_H
#define BS_UI_PAGE_KINDS_H
#include <protobuf-c/protobuf-c.h>

#include "records.h"

struct ui;
/* The kind called name if this device's role may write it and it has no
 * page of its own (projects, weekly reports); else NULL. */
const struct rec_kind *page_kind_writable(const struct ui *ui, const char *name);
/* Whether a list shows field f (a scalar: text, money, number, enum). */
int page_kind_listed(const ProtobufCFieldDescriptor *f);

#endif
