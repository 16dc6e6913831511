/* gather.h - collect what the assessment engine reads (an AssessInputs)
 * from the stored records, for one scope and period.  docs/ASSESSMENT.md
 * says which records count and how. */
#ifndef BS_GATHER_H
#define BS_GATHER_H

#include <stdint.h>

#include "baosong.pb-c.h"
#include "store.h"

/* Read every unit of a type s ranks and every relevant record (in the
 * caller's read transaction, for one consistent snapshot) and build *out for
 * (scope, period) as of as_of_ms: deadlines after as_of_ms have not passed
 * yet.  Units come in unit-code order.  0, BS_E_INVAL (period), or a store
 * error.  Release *out with protobuf_c_message_free_unpacked(out, NULL). */
int assess_gather(struct store *st, const Baosong__V1__Scheme *s, int scope, const char *period,
		  int64_t as_of_ms, Baosong__V1__AssessInputs **out);

/* The same result, read one kind at a time in the order records_digest is
 * defined by (docs/ASSESSMENT.md): ten scans instead of two, slower.  The
 * reference assess_gather is tested and measured against. */
int assess_gather_by_kind(struct store *st, const Baosong__V1__Scheme *s, int scope,
			  const char *period, int64_t as_of_ms, Baosong__V1__AssessInputs **out);

#endif
