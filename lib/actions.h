#ifndef ACTIONS_H
#define ACTIONS_H

/*
 * actions.h - a refresh's actions and its cursor over the `files` rows; calls index, xalloc.
 *
 * A source of changes (treewalk: HEAD's trees; gitactions: git's index or
 * git diff-tree; refresh.c: libgit2) merges what HEAD has with the rows
 * under the cursor and adds an action for each difference; apply makes
 * them. Nothing here writes to the index.
 */

#include <string.h>

#include "index.h"

enum action_type { ACT_ADD, ACT_MODIFY, ACT_DELETE, ACT_TREE_PUT, ACT_TREE_DELETE };

/* Kept small: a rebuild holds one per file. */
struct action {
	int type;
	int need;			/* its blob is read ahead (readahead.h) */
	unsigned mode;			/* the new blob's */
	char *path;
	unsigned char oid[OID_RAW];	/* the new blob or tree */
	struct file_row *old;		/* ACT_MODIFY, ACT_DELETE; owned */
};

/* The actions found so far, and a cursor over the rows they are found against. */
struct actions {
	struct index *ix;
	MDB_txn *txn;
	MDB_cursor *cur;
	void *repo;		/* refresh.c's tree walk: its git_repository */
	int full;		/* compare every entry: skip no folder whose tree is the stored one */
	/* the cursor's current row */
	int valid;
	MDB_val key, val;
	struct action *act;
	size_t nr, alloc;
	size_t steps;
	int rc;			/* the first LMDB or libgit2 failure */
};

/*
 * Add an action on path[0..len): oid is the new blob or tree (NULL for a
 * delete); oldval the row it changes or deletes, decoded into ->old.
 */
struct action *actions_add(struct actions *acts, int type, const char *path, size_t len,
			   const unsigned char *oid, const MDB_val *oldval);
/* Free the actions; acts can take new ones. */
void actions_release(struct actions *acts);
/* Add a delete for each row under prefix from the cursor up to key (NULL: all). */
void actions_delete_rows(struct actions *acts, const char *prefix, size_t plen, const char *key,
			 size_t len);

/* The cursor over the rows: step (MDB_NEXT), seek to the first key >= key */
void row_step(struct actions *acts, MDB_cursor_op op);
void row_seek(struct actions *acts, const char *key, size_t len);

/* Inline: the merges call these for every entry. */
static inline int row_has_prefix(const struct actions *acts, const char *prefix, size_t plen)
{
	return acts->valid && acts->key.mv_size >= plen && !memcmp(acts->key.mv_data, prefix, plen);
}

/* Compare the cursor's key with key[0..len): <0, 0, >0 as memcmp. */
static inline int row_cmp(const struct actions *acts, const char *key, size_t len)
{
	size_t n = acts->key.mv_size < len ? acts->key.mv_size : len;
	int c = memcmp(acts->key.mv_data, key, n);

	if (c)
		return c;
	return acts->key.mv_size < len ? -1 : acts->key.mv_size > len;
}

#endif
