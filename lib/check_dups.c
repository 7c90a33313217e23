/*
 * check_dups.c - duplicate ids as a query counts them (check.c names
 * them, file by file, for roadmap-check).
 */
#include <stdlib.h>
#include <string.h>

#include "check_dups.h"
#include "ids.h"
#include "issue.h"
#include "record.h"
#include "xalloc.h"

struct id_list {
	char **v;
	size_t nr, alloc;
};

static void add(struct id_list *l, const char *id, size_t len)
{
	ALLOC_GROW(l->v, l->nr + 1, l->alloc);
	l->v[l->nr++] = xmemdupz(id, len);
}

static int add_dup(const char *id, size_t len, void *data)
{
	add(data, id, len);
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void sort(struct id_list *l)
{
	if (l->nr)
		qsort(l->v, l->nr, sizeof(*l->v), cmp_str);
}

/* How many of the sorted l are id. */
static size_t count(const struct id_list *l, const char *id)
{
	size_t lo = 0, hi = l->nr, n = 0;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (strcmp(l->v[mid], id) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	while (lo + n < l->nr && !strcmp(l->v[lo + n], id))
		n++;
	return n;
}

size_t check_duplicate_ids(char **first, struct index *ix, MDB_txn *txn, const struct overlay *ov)
{
	struct id_list cands = { NULL, 0, 0 }, changed = { NULL, 0, 0 };
	size_t i, nr = 0;

	*first = NULL;
	index_foreach_dup(txn, ix, add_dup, &cands);
	for (i = 0; ov && i < ov->nr; i++) {
		const struct overlay_file *f = &ov->files[i];
		struct record rec;
		const char *id;
		size_t len;
		if (f->deleted || record_decode(&rec, f->rec, f->reclen) < 0 ||
		    rec.kind != RECORD_ISSUE || issue_file_id(&rec, f->path, &id, &len))
			continue;
		add(&changed, id, len);
		add(&cands, id, len);
	}
	sort(&cands);
	sort(&changed);
	for (i = 0; i < cands.nr; i++) {
		const char *id = cands.v[i];
		if ((i && !strcmp(id, cands.v[i - 1])) ||
		    ids_head_files(ix, txn, ov, id, strlen(id)) + count(&changed, id) < 2)
			continue;
		if (!nr++)
			*first = xstrdup(id);
	}
	for (i = 0; i < cands.nr; i++)
		free(cands.v[i]);
	for (i = 0; i < changed.nr; i++)
		free(changed.v[i]);
	free(cands.v);
	free(changed.v);
	return nr;
}
