#ifndef POSTINGS_H
#define POSTINGS_H

#include "index.h"

/*
 * The postings of a build, collected while its walk writes the records
 * (in increasing file number): the records are then not read again.
 */
struct postings_bulk;
struct postings_bulk *postings_bulk_new(void);
int postings_bulk_add(struct postings_bulk *b, struct index *ix, uint32_t num, const char *path,
		      const char *rec, size_t reclen);
void postings_bulk_free(struct postings_bulk *b);

/*
 * Make `terms`, `issues`, `invalid` and `dups` anew from the records in
 * `nums` (or from `got`, which then holds every one of them, and is
 * freed), committing in chunks (*txnp is the open write transaction, and
 * the new one after each commit); *issues gets the number of issues.
 */
int postings_rebuild(struct index *ix, MDB_txn **txnp, uint64_t *issues, struct postings_bulk *got);

#endif
