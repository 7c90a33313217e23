#ifndef POSTINGS_H
#define POSTINGS_H

#include "index.h"

/* Files per transaction when postings are made anew */
#define POSTINGS_CHUNK 32768

/*
 * Make `terms`, `issues`, `invalid` and `dups` anew from the records in
 * `nums`, committing in chunks (*txnp is the open write transaction, and
 * the new one after each commit); *issues gets the number of issues.
 */
int postings_rebuild(struct index *ix, MDB_txn **txnp, uint64_t *issues);

#endif
