/*
 * check_dups.c - the check module's duplicate ids, apart from the rules
 * in check.c: queries warn of them, and must not load libgit2 for it
 * (check.c reads the staging area with libgit2).
 */
#include <string.h>

#include "check.h"
#include "output.h"

struct head_dups {
	struct strbuf *warnings;
	struct index *ix;
	MDB_txn *txn;
	const struct overlay *ov;
};

/* One id of HEAD's `dups`: named when more than one file the overlay left has it. */
static int head_dup(const char *id, size_t len, void *data)
{
	struct head_dups *hd = data;
	struct num_list nl = NUM_LIST_INIT;
	struct strbuf paths = STRBUF_INIT;
	size_t i, live = 0;

	index_get_postings(hd->txn, hd->ix->issues, id, len, &nl);
	for (i = 0; i < nl.nr; i++) {
		const char *path, *rec;
		size_t plen, reclen;
		if (index_get_num(hd->txn, hd->ix, nl.n[i], &path, &plen, &rec, &reclen) ||
		    (hd->ov && overlay_find(hd->ov, path, plen)))
			continue;
		strbuf_addstr(&paths, live++ ? " and '" : "'");
		quote_path(&paths, path, plen, 0);
		strbuf_addch(&paths, '\'');
	}
	if (live > 1)
		strbuf_addf(hd->warnings, "duplicate id '%.*s': %s\n", (int)len, id, paths.buf);
	strbuf_release(&paths);
	free(nl.n);
	return 0;
}

void check_duplicate_ids(struct strbuf *warnings, struct index *ix, MDB_txn *txn,
			 const struct overlay *ov, const struct id_path *v, size_t nr)
{
	struct head_dups hd = { warnings, ix, txn, ov };
	size_t at = warnings->len, i;

	/* the answer's own duplicates, which the overlay may add */
	for (i = 1; i < nr; i++) {
		size_t j;
		if (strcmp(v[i].id, v[i - 1].id) || (i > 1 && !strcmp(v[i].id, v[i - 2].id)))
			continue;
		strbuf_addf(warnings, "duplicate id '%s': '", v[i].id);
		quote_path(warnings, v[i - 1].path, strlen(v[i - 1].path), 0);
		strbuf_addch(warnings, '\'');
		for (j = i; j < nr && !strcmp(v[j].id, v[i].id); j++) {
			strbuf_addstr(warnings, " and '");
			quote_path(warnings, v[j].path, strlen(v[j].path), 0);
			strbuf_addch(warnings, '\'');
		}
		strbuf_addch(warnings, '\n');
	}
	/* HEAD's duplicates that a filter hid */
	if (warnings->len == at)
		index_foreach_dup(txn, ix, head_dup, &hd);
}
