/* form_fields.c - what a front end needs to draw a kind's form: each field
 * people type, its Chinese label, its input and whether it is required
 * (see form.h). */
#include "form.h"

#include <assert.h>
#include <stdio.h>
#include <string.h>

#include "err.h"
#include "field.h"

/* The fields records_validate (common/records.c) refuses empty, per kind.
 * tests/unit/test_form.c checks each against records_validate: a record
 * otherwise complete but without it is refused, naming it. */
static const struct required {
	const char *kind;
	const char *fields[6];
} required[] = {
	{REC_KIND_PROJECT, {"name", "plan_year", "stage", NULL}},
	{REC_KIND_WEEKLY, {"project_uid", "period", NULL}},
	{REC_KIND_MONTHLY, {"project_uid", "period", NULL}},
	{REC_KIND_APPROVAL, {"project_uid", "item", "level", "deadline", "status", NULL}},
	{REC_KIND_STATS, {"project_uid", "status", NULL}},
	{REC_KIND_DEAL, {"partner", "stage", NULL}},
	{REC_KIND_FUNDING, {"channel", "title", "status", NULL}},
	{REC_KIND_PROBLEM, {"category", "description", "status", NULL}},
	{REC_KIND_TARGET, {"unit_code", "period", NULL}},
	{REC_KIND_LEADER, {"name", NULL}},
	{REC_KIND_ACCEPTANCE, {"project_uid", "year", "result", NULL}},
	{REC_KIND_ADJUSTMENT, {"unit_code", "period", "item", "reason", "evidence", NULL}},
};

static int is_required(const char *kind, const char *field)
{
	size_t i, k;
	for (i = 0; i < sizeof required / sizeof required[0]; i++) {
		if (strcmp(required[i].kind, kind) != 0)
			continue;
		for (k = 0; required[i].fields[k]; k++)
			if (strcmp(required[i].fields[k], field) == 0)
				return 1;
	}
	return 0;
}

static int is_textarea(const char *name)
{
	static const char *const long_text[] = {"contents", "note", "description", "resolution",
						"reason", "progress", "problems", NULL};
	size_t i;
	for (i = 0; long_text[i]; i++)
		if (strcmp(name, long_text[i]) == 0)
			return 1;
	return 0;
}

static enum form_input text_input(const char *kind, const ProtobufCFieldDescriptor *f)
{
	if (field_ref_kind(f))
		return FORM_PROJECT;
	if (field_ends_with(f->name, "_date") || strcmp(f->name, "deadline") == 0 ||
	    strcmp(f->name, "date") == 0)
		return FORM_DATE;
	if (strcmp(f->name, "month") == 0)
		return FORM_MONTH;
	if (strcmp(f->name, "period") == 0) {
		if (strcmp(kind, REC_KIND_WEEKLY) == 0)
			return FORM_WEEK;
		if (strcmp(kind, REC_KIND_MONTHLY) == 0)
			return FORM_MONTH;
		return FORM_PERIOD;
	}
	return is_textarea(f->name) ? FORM_TEXTAREA : FORM_TEXT;
}

int form_fields(const char *kind, struct form_field *out, size_t cap, size_t *n)
{
	const struct rec_kind *rk = records_kind(kind);
	size_t i;

	assert(kind && (out || cap == 0) && n);
	*n = 0;
	if (!rk || !rk->desc)
		return BS_E_UNSUPPORTED;
	for (i = 0; i < rk->desc->n_fields; i++) {
		const ProtobufCFieldDescriptor *f = &rk->desc->fields[i];
		enum fk k = field_kind(f);
		struct form_field *o;
		if (k == FK_NONE || k == FK_HASH || field_ends_with(f->name, "_ms"))
			continue;
		if (*n == cap)
			return BS_E_TOOBIG;
		o = &out[(*n)++];
		memset(o, 0, sizeof *o);
		o->f = f;
		o->name = f->name;
		o->label = field_zh(kind, f->name);
		field_opt(f, o->opt, sizeof o->opt);
		o->required = is_required(kind, f->name);
		switch (k) {
		case FK_TEXT: o->input = text_input(kind, f); break;
		case FK_MONEY: o->input = FORM_MONEY; break;
		case FK_BP: o->input = FORM_PERCENT; break;
		case FK_SINT:
		case FK_UINT: o->input = FORM_NUMBER; break;
		case FK_BOOL: o->input = FORM_BOOL; break;
		case FK_ENUM:
			o->input = FORM_ENUM;
			field_enum_choices(f->descriptor, o->choices, sizeof o->choices);
			break;
		case FK_TEXTS: o->input = FORM_REPEATED; break;
		case FK_ITEMS: {
			const ProtobufCMessageDescriptor *d = f->descriptor;
			o->input = FORM_ITEMS;
			o->item_file = field_kind(&d->fields[1]) == FK_HASH;
			if (field_kind(&d->fields[0]) == FK_ENUM)
				field_enum_choices(d->fields[0].descriptor, o->choices,
						   sizeof o->choices);
			break;
		}
		default: o->input = FORM_TEXT; break;
		}
	}
	return BS_OK;
}
