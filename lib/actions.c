#include <stdlib.h>
#include <string.h>

#include "actions.h"
#include "xalloc.h"

struct action *actions_add(struct actions *acts, int type, const char *path, size_t len,
			   const unsigned char *oid, const MDB_val *oldval)
{
	struct action *a;

	ALLOC_GROW(acts->act, acts->nr + 1, acts->alloc);
	a = &acts->act[acts->nr++];
	memset(a, 0, sizeof(*a));
	a->type = type;
	a->path = xmemdupz(path, len);
	if (oid)
		memcpy(a->oid, oid, OID_RAW);
	a->old = NULL;
	if (oldval && (type == ACT_MODIFY || type == ACT_DELETE)) {
		a->old = xmalloc(sizeof(*a->old));
		if (file_row_decode(a->old, oldval) < 0) {
			free(a->old);
			a->old = NULL;
		}
	}
	return a;
}

void row_step(struct actions *acts, MDB_cursor_op op)
{
	int rc = mdb_cursor_get(acts->cur, &acts->key, &acts->val, op);

	if (!(++acts->steps % 16384))
		index_drop_pages(acts->ix);
	acts->valid = !rc;
	if (rc && rc != MDB_NOTFOUND && !acts->rc)
		acts->rc = rc;
}

void row_seek(struct actions *acts, const char *key, size_t len)
{
	acts->key.mv_data = (void *)key;
	acts->key.mv_size = len;
	row_step(acts, MDB_SET_RANGE);
}

/*
 * The stored rows from the cursor up to `key` (exclusive, or all with
 * key NULL) under the directory prefix[0..plen) are gone.
 */
void actions_delete_rows(struct actions *acts, const char *prefix, size_t plen, const char *key,
			 size_t len)
{
	while (row_has_prefix(acts, prefix, plen) && (!key || row_cmp(acts, key, len) < 0)) {
		int tree = ((const char *)acts->key.mv_data)[acts->key.mv_size - 1] == '/';
		actions_add(acts, tree ? ACT_TREE_DELETE : ACT_DELETE, acts->key.mv_data,
			    acts->key.mv_size, NULL, &acts->val);
		row_step(acts, MDB_NEXT);
	}
}

void actions_release(struct actions *acts)
{
	size_t i;

	for (i = 0; i < acts->nr; i++) {
		free(acts->act[i].path);
		free(acts->act[i].old);
	}
	free(acts->act);
	acts->act = NULL;
	acts->nr = acts->alloc = 0;
}

