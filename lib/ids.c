#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ids.h"
#include "issue.h"
#include "record.h"
#include "xalloc.h"

int ids_head_files(struct index *ix, MDB_txn *txn, const struct overlay *ov,
		   const char *id, size_t len)
{
	struct num_list nl = NUM_LIST_INIT;
	size_t i, live = 0;

	if (index_get_postings(txn, ix->issues, id, len, &nl))
		return 0;
	for (i = 0; i < nl.nr; i++) {
		const char *path, *rec;
		size_t plen, reclen;
		if (!index_get_num(txn, ix, nl.n[i], &path, &plen, &rec, &reclen) &&
		    !(ov && overlay_find(ov, path, plen)))
			live++;
	}
	free(nl.n);
	return live;
}

struct matches {
	const char *typed;
	size_t len;
	struct strbuf same, prefixed;	/* "a\0b\0": equal ignoring case; prefixed so */
	struct index *ix;
	MDB_txn *txn;
	const struct overlay *ov;
};

static void match(struct matches *m, const char *id, size_t len, int head)
{
	struct strbuf *to;

	if (len == m->len && !strncasecmp(id, m->typed, len))
		to = &m->same;
	else if (m->len >= ID_PREFIX_MIN && len > m->len && !strncasecmp(id, m->typed, m->len))
		to = &m->prefixed;
	else
		return;
	if (head && m->ov && !ids_head_files(m->ix, m->txn, m->ov, id, len))
		return;	/* only the overlay's files, if any, have it now */
	strbuf_add(to, id, len);
	strbuf_addch(to, '\0');
}

static int match_head(const char *id, size_t len, void *data)
{
	match(data, id, len, 1);
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sort and unique the list "a\0b\0" in place; returns how many are left. */
static size_t sort_unique(struct strbuf *list)
{
	char **v = NULL, *p;
	size_t nr = 0, alloc = 0, i, out = 0;
	struct strbuf sorted = STRBUF_INIT;

	for (p = list->buf; p < list->buf + list->len; p += strlen(p) + 1) {
		ALLOC_GROW(v, nr + 1, alloc);
		v[nr++] = p;
	}
	if (nr)
		qsort(v, nr, sizeof(*v), cmp_str);
	for (i = 0; i < nr; i++)
		if (!i || strcmp(v[i], v[i - 1])) {
			strbuf_addstr(&sorted, v[i]);
			strbuf_addch(&sorted, '\0');
			out++;
		}
	free(v);
	strbuf_release(list);
	*list = sorted;
	return out;
}

int ids_resolve(char **out, struct strbuf *cands, struct index *ix, MDB_txn *txn,
		const struct overlay *ov, const char *typed)
{
	struct matches m = { typed, strlen(typed), STRBUF_INIT, STRBUF_INIT, ix, txn, ov };
	struct strbuf *pick;
	size_t i, nr;
	int rc;

	*out = NULL;
	if ((rc = index_foreach_id(txn, ix, "", 0, match_head, &m))) {
		rc = lmdb_error(rc, "cannot read the index");
		goto done;
	}
	for (i = 0; ov && i < ov->nr; i++) {
		const struct overlay_file *f = &ov->files[i];
		struct record rec;
		const char *id;
		size_t idlen;
		if (f->deleted || record_decode(&rec, f->rec, f->reclen) < 0 ||
		    rec.kind != RECORD_ISSUE || issue_file_id(&rec, f->path, &id, &idlen))
			continue;
		match(&m, id, idlen, 0);
	}
	pick = m.same.len ? &m.same : &m.prefixed;
	nr = sort_unique(pick);
	if (nr == 1)
		*out = xstrdup(pick->buf);
	else if (nr > 1)
		strbuf_add(cands, pick->buf, pick->len);
	rc = nr > 1 ? 2 : (int)nr;
done:
	strbuf_release(&m.same);
	strbuf_release(&m.prefixed);
	return rc;
}
