/*
 * ids.h - ids as users type them, resolved as git resolves a short hash.
 * May call: overlay, index, issue, record and the utilities; query calls it.
 */
#ifndef IDS_H
#define IDS_H

#include "index.h"
#include "overlay.h"
#include "strbuf.h"

/*
 * The shortest prefix that may name an id: git's for a short hash (a
 * roadmap-cli id is 8 hex digits; users type 4 to 6 of them).
 */
#define ID_PREFIX_MIN 4

/*
 * Resolve `typed`, which no issue has as its exact id, among the ids of
 * HEAD's rows in txn as the overlay ov leaves them (NULL: HEAD alone) and
 * the ids of the overlay's files: the one id equal to it ignoring ASCII
 * case, else the one it is a prefix of (ignoring case; ID_PREFIX_MIN
 * characters at the least). Returns 1 with *out (owned) set, 0 when none
 * matches, 2 when more than one does (their ids, sorted, in cands as
 * "a\0b\0"), or -1 (reported) when the index cannot be read.
 */
int ids_resolve(char **out, struct strbuf *cands, struct index *ix, MDB_txn *txn,
		const struct overlay *ov, const char *typed);

/* Whether HEAD's id[0..len) still has a file once the overlay ov (NULL: none) hides those it changed. */
int ids_head_files(struct index *ix, MDB_txn *txn, const struct overlay *ov,
		   const char *id, size_t len);

#endif
