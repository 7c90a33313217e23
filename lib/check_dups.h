/*
 * check_dups.h - the check module's duplicate ids, apart from the rules
 * in check.c: queries count them, and must not load libgit2 for it. May
 * call: ids, overlay, index, issue, record and the utilities.
 */
#ifndef CHECK_DUPS_H
#define CHECK_DUPS_H

#include "index.h"
#include "overlay.h"

/*
 * The ids more than one issue file has: HEAD's (`dups`) as the overlay ov
 * (NULL: none) leaves them, and those the overlay's files make, as
 * roadmap-check names them. Returns how many; *first gets the first of
 * them bytewise (owned), or NULL.
 */
size_t check_duplicate_ids(char **first, struct index *ix, MDB_txn *txn, const struct overlay *ov);

#endif
