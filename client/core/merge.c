/* merge.c - three-way merge of record data by field (see merge.h).
 *
 * Each field is compared by the bytes it packs to on its own: a view
 * message holding only that field, borrowed from the unpacked version, is
 * packed and compared.  The merged message is a fresh message whose
 * members are borrowed from mine or theirs, packed before they are
 * freed. */
#include "merge.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "field.h"
#include "records.h"

const ProtobufCMessageDescriptor *merge_desc(const char *kind)
{
	const struct rec_kind *k = kind ? records_kind(kind) : NULL;
	return k ? k->desc : NULL;
}

/* Bytes the member of f takes in its message. */
static size_t member_size(const ProtobufCFieldDescriptor *f)
{
	if (f->label == PROTOBUF_C_LABEL_REPEATED)
		return sizeof(void *);
	switch (f->type) {
	case PROTOBUF_C_TYPE_INT32:
	case PROTOBUF_C_TYPE_SINT32:
	case PROTOBUF_C_TYPE_SFIXED32:
	case PROTOBUF_C_TYPE_UINT32:
	case PROTOBUF_C_TYPE_FIXED32:
	case PROTOBUF_C_TYPE_ENUM:
		return 4;
	case PROTOBUF_C_TYPE_INT64:
	case PROTOBUF_C_TYPE_SINT64:
	case PROTOBUF_C_TYPE_SFIXED64:
	case PROTOBUF_C_TYPE_UINT64:
	case PROTOBUF_C_TYPE_FIXED64:
		return 8;
	case PROTOBUF_C_TYPE_FLOAT:
		return sizeof(float);
	case PROTOBUF_C_TYPE_DOUBLE:
		return sizeof(double);
	case PROTOBUF_C_TYPE_BOOL:
		return sizeof(protobuf_c_boolean);
	case PROTOBUF_C_TYPE_STRING:
	case PROTOBUF_C_TYPE_MESSAGE:
		return sizeof(void *);
	case PROTOBUF_C_TYPE_BYTES:
		return sizeof(ProtobufCBinaryData);
	}
	return 0;
}

/* Borrow field f of src into dst (same descriptor). */
static void borrow(const ProtobufCFieldDescriptor *f, void *dst, const void *src)
{
	memcpy((char *)dst + f->offset, (const char *)src + f->offset, member_size(f));
	if (f->label == PROTOBUF_C_LABEL_REPEATED)
		memcpy((char *)dst + f->quantifier_offset, (const char *)src + f->quantifier_offset,
		       sizeof(size_t));
	else if (f->label == PROTOBUF_C_LABEL_OPTIONAL && f->quantifier_offset &&
		 f->type != PROTOBUF_C_TYPE_STRING && f->type != PROTOBUF_C_TYPE_MESSAGE)
		memcpy((char *)dst + f->quantifier_offset, (const char *)src + f->quantifier_offset,
		       sizeof(protobuf_c_boolean));
}

static ProtobufCMessage *blank(const ProtobufCMessageDescriptor *d)
{
	ProtobufCMessage *m = calloc(1, d->sizeof_message);
	if (m)
		d->message_init(m);
	return m;
}

/* Pack m into a new buffer. */
static int pack(const ProtobufCMessage *m, uint8_t **out, size_t *len)
{
	size_t n = protobuf_c_message_get_packed_size(m);
	uint8_t *buf = malloc(n ? n : 1);
	if (!buf)
		return BS_E_NOMEM;
	*len = protobuf_c_message_pack(m, buf);
	*out = buf;
	return BS_OK;
}

/* Whether field f is the same in a and b (by its packed bytes). */
static int same_field(const ProtobufCMessageDescriptor *d, const ProtobufCFieldDescriptor *f,
		      const ProtobufCMessage *a, const ProtobufCMessage *b, int *same)
{
	ProtobufCMessage *va = blank(d), *vb = blank(d);
	uint8_t *pa = NULL, *pb = NULL;
	size_t la = 0, lb = 0;
	int rv = BS_E_NOMEM;
	if (!va || !vb)
		goto out;
	borrow(f, va, a);
	borrow(f, vb, b);
	if ((rv = pack(va, &pa, &la)) != BS_OK || (rv = pack(vb, &pb, &lb)) != BS_OK)
		goto out;
	*same = la == lb && (la == 0 || memcmp(pa, pb, la) == 0);
out:
	free(pa);
	free(pb);
	free(va); /* members were borrowed: not free_unpacked */
	free(vb);
	return rv;
}

static ProtobufCMessage *unpack(const ProtobufCMessageDescriptor *d, const uint8_t *p,
				size_t n)
{
	return protobuf_c_message_unpack(d, NULL, n, n ? p : (const uint8_t *)"");
}

static int has_oneof(const ProtobufCMessageDescriptor *d)
{
	unsigned i;
	for (i = 0; i < d->n_fields; i++)
		if (d->fields[i].flags & PROTOBUF_C_FIELD_FLAG_ONEOF)
			return 1;
	return 0;
}

int merge3(const char *kind, const uint8_t *base, size_t base_len, const uint8_t *mine,
	   size_t mine_len, const uint8_t *theirs, size_t theirs_len, const unsigned char *pick,
	   struct merge_result *out)
{
	const ProtobufCMessageDescriptor *d = merge_desc(kind);
	ProtobufCMessage *mb = NULL, *mm = NULL, *mt = NULL, *merged = NULL;
	struct merge_result r;
	unsigned i;
	int rv;

	assert(out);
	memset(&r, 0, sizeof r);
	if (!d || has_oneof(d) || d->n_fields > MERGE_FIELDS_MAX)
		return BS_E_UNSUPPORTED;
	mb = unpack(d, base, base_len);
	mm = unpack(d, mine, mine_len);
	mt = unpack(d, theirs, theirs_len);
	if (!mb || !mm || !mt) {
		rv = BS_E_INVAL;
		goto out;
	}
	if (!(merged = blank(d))) {
		rv = BS_E_NOMEM;
		goto out;
	}
	for (i = 0; i < d->n_fields; i++) {
		const ProtobufCFieldDescriptor *f = &d->fields[i];
		int mine_same = 0, theirs_same = 0, both_same = 0, take_mine = 0;
		if ((rv = same_field(d, f, mb, mm, &mine_same)) != BS_OK ||
		    (rv = same_field(d, f, mb, mt, &theirs_same)) != BS_OK ||
		    (rv = same_field(d, f, mm, mt, &both_same)) != BS_OK)
			goto out;
		if (!mine_same && theirs_same) {
			take_mine = 1;
		} else if (!mine_same && !theirs_same && !both_same) {
			r.conflicts[r.n_conflicts++] = f;
			take_mine = pick && pick[i] == MERGE_MINE;
		}
		borrow(f, merged, take_mine ? mm : mt);
		r.n_mine += (unsigned)take_mine;
	}
	/* Fields this version does not know: the server's. */
	merged->n_unknown_fields = mt->n_unknown_fields;
	merged->unknown_fields = mt->unknown_fields;
	rv = pack(merged, &r.data, &r.len);
out:
	free(merged);
	if (mb)
		protobuf_c_message_free_unpacked(mb, NULL);
	if (mm)
		protobuf_c_message_free_unpacked(mm, NULL);
	if (mt)
		protobuf_c_message_free_unpacked(mt, NULL);
	if (rv == BS_OK)
		*out = r;
	return rv;
}

void merge_result_free(struct merge_result *r)
{
	if (!r)
		return;
	free(r->data);
	r->data = NULL;
	r->len = 0;
}

static int has_hash(const uint8_t (*v)[LDB_HASH_LEN], size_t n, const uint8_t *h)
{
	size_t i;
	for (i = 0; i < n; i++)
		if (memcmp(v[i], h, LDB_HASH_LEN) == 0)
			return 1;
	return 0;
}

int merge_attachments(const uint8_t (*base)[LDB_HASH_LEN], size_t n_base,
		      const uint8_t (*mine)[LDB_HASH_LEN], size_t n_mine,
		      const uint8_t (*theirs)[LDB_HASH_LEN], size_t n_theirs,
		      uint8_t (*out)[LDB_HASH_LEN], size_t max, size_t *n)
{
	size_t i, k = 0;
	assert(out && n);
	*n = 0;
	for (i = 0; i < n_theirs; i++) {
		if (has_hash((const uint8_t(*)[LDB_HASH_LEN])out, k, theirs[i]))
			continue;
		if (k == max)
			return BS_E_TOOBIG;
		memcpy(out[k++], theirs[i], LDB_HASH_LEN);
	}
	for (i = 0; i < n_mine; i++) {
		if (has_hash(base, n_base, mine[i]) ||
		    has_hash((const uint8_t(*)[LDB_HASH_LEN])out, k, mine[i]))
			continue;
		if (k == max)
			return BS_E_TOOBIG; /* never drop one: the caller conflicts */
		memcpy(out[k++], mine[i], LDB_HASH_LEN);
	}
	*n = k;
	return BS_OK;
}

void merge_field_text(const char *kind, const uint8_t *data, size_t len,
		      const ProtobufCFieldDescriptor *f, char *out, size_t cap)
{
	const ProtobufCMessageDescriptor *d = merge_desc(kind);
	ProtobufCMessage *m;
	out[0] = '\0';
	if (!d || !(m = unpack(d, data, len)))
		return;
	field_format(kind, m, f, FMT_SHOW, out, cap);
	protobuf_c_message_free_unpacked(m, NULL);
}
