#ifndef POSTINGS_H
#define POSTINGS_H

/*
 * postings.h - the rows that point at a file (terms, ids, dups, invalid); calls index, refreshstats.
 *
 * A refresh of changes keeps them in step a file at a time; a large
 * refresh (a build) leaves them and makes them anew at the end, in bulk.
 */

#include "index.h"
#include "strbuf.h"

/* Files per transaction when postings are made anew */
#define POSTINGS_CHUNK 32768

/*
 * Make `terms`, `issues`, `invalid` and `dups` anew from the records in
 * `nums`, committing in chunks (*txnp is the open write transaction, and
 * the new one after each commit); *issues gets the number of issues.
 */
int postings_rebuild(struct index *ix, MDB_txn **txnp, uint64_t *issues);

/* What the postings of a refresh of changes need between files. */
struct postings_edit {
	int issue_delta;	/* ids added less ids removed: the change in `issues` */
	struct posting_list oldpost, newpost;	/* a change's postings, before and after */
};

void postings_edit_init(struct postings_edit *ed);
void postings_edit_release(struct postings_edit *ed);

/* Add (or remove, add 0) the postings of file `num` with record recval (NULL: none). */
int postings_write(struct index *ix, MDB_txn *txn, const char *path, uint32_t num,
		   const MDB_val *recval, int add, struct postings_edit *ed);

/* Replace the postings of file `num` made from oldrec with those of rec. */
int postings_change(struct index *ix, MDB_txn *txn, const char *path, uint32_t num,
		    const struct strbuf *oldrec, const struct strbuf *rec, struct postings_edit *ed);

#endif
