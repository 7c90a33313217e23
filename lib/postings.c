#include <stdlib.h>
#include <string.h>

#include "postings.h"
#include "refreshstats.h"
#include "xalloc.h"

/*
 * The postings of a bulk build, made in two passes instead of 1.3 million
 * random inserts (at 100,000 issues): read every record once, interning
 * each distinct (database, key) and keeping (term, file number) pairs;
 * then sort the terms as LMDB orders keys and write each one's numbers
 * in one append. Appending fills pages completely and dirties each page
 * once; a posting costs 4 bytes here.
 */

struct term {
	uint32_t off;		/* its key in the arena */
	uint16_t klen;		/* keys are at most INDEX_KEY_MAX bytes */
	uint16_t db;
	uint32_t count;		/* postings */
	uint32_t last;		/* the last file number + 1: no posting twice */
};

struct bulk {
	struct strbuf arena;
	struct term *t;
	size_t nr, alloc;
	uint32_t *slot;		/* term index + 1, open addressing; 0 is empty */
	size_t nslots;
	uint32_t *pair;		/* the terms of each file in turn */
	size_t npairs, apairs;
	uint32_t *file;		/* file number, then its pairs' end, a file a time */
	size_t nfile, afile;
	uint32_t num;
};

static uint64_t hash_term(MDB_dbi db, const void *key, size_t klen)
{
	const unsigned char *p = key;
	uint64_t h = 14695981039346656037ULL ^ db;
	size_t i;

	for (i = 0; i < klen; i++)
		h = (h ^ p[i]) * 1099511628211ULL;
	return h;
}

static void grow_slots(struct bulk *b)
{
	size_t i;

	free(b->slot);
	b->nslots = b->nslots ? b->nslots * 2 : 1 << 16;
	b->slot = xcalloc(b->nslots, sizeof(*b->slot));
	for (i = 0; i < b->nr; i++) {
		const struct term *t = &b->t[i];
		size_t s = hash_term(t->db, b->arena.buf + t->off, t->klen) & (b->nslots - 1);
		while (b->slot[s])
			s = (s + 1) & (b->nslots - 1);
		b->slot[s] = i + 1;
	}
}

static int collect(MDB_dbi db, const void *key, size_t klen, void *data)
{
	struct bulk *b = data;
	struct term *t;
	size_t s;

	if (4 * (b->nr + 1) > 3 * b->nslots)
		grow_slots(b);
	s = hash_term(db, key, klen) & (b->nslots - 1);
	for (; b->slot[s]; s = (s + 1) & (b->nslots - 1)) {
		t = &b->t[b->slot[s] - 1];
		if (t->db == db && t->klen == klen && !memcmp(b->arena.buf + t->off, key, klen))
			break;
	}
	if (!b->slot[s]) {
		ALLOC_GROW(b->t, b->nr + 1, b->alloc);
		t = &b->t[b->nr];
		t->off = b->arena.len;
		t->klen = klen;
		t->db = db;
		t->count = t->last = 0;
		strbuf_add(&b->arena, key, klen);
		b->slot[s] = ++b->nr;
	}
	t = &b->t[b->slot[s] - 1];
	if (t->last == b->num + 1)
		return 0;	/* labels: [a, a] */
	t->last = b->num + 1;
	t->count++;
	ALLOC_GROW(b->pair, b->npairs + 1, b->apairs);
	b->pair[b->npairs++] = b->slot[s] - 1;
	return 0;
}

static const struct bulk *sort_bulk;	/* for qsort's comparison */

/* LMDB's default order: by database here, then memcmp, then shorter first */
static int cmp_terms(const void *pa, const void *pb)
{
	const struct term *a = &sort_bulk->t[*(const uint32_t *)pa];
	const struct term *b = &sort_bulk->t[*(const uint32_t *)pb];
	int c;

	if (a->db != b->db)
		return a->db < b->db ? -1 : 1;
	c = memcmp(sort_bulk->arena.buf + a->off, sort_bulk->arena.buf + b->off,
		   a->klen < b->klen ? a->klen : b->klen);
	return c ? c : (a->klen > b->klen) - (a->klen < b->klen);
}

/* Read every record in `nums`, in number order, into b. */
static int collect_all(struct bulk *b, struct index *ix, MDB_txn *txn)
{
	MDB_cursor *c;
	MDB_val k, v;
	size_t n = 0;
	int rc = mdb_cursor_open(txn, ix->nums, &c);

	if (rc)
		return rc;
	while (!(rc = mdb_cursor_get(c, &k, &v, MDB_NEXT))) {
		const char *path, *rec;
		size_t plen, reclen;
		char *p;

		if (num_row_decode(&v, &path, &plen, &rec, &reclen) < 0) {
			rc = MDB_CORRUPTED;
			break;
		}
		memcpy(&b->num, k.mv_data, sizeof(b->num));
		p = xmemdupz(path, plen);
		rc = index_postings(ix, p, rec, reclen, collect, b);
		free(p);
		if (rc)
			break;
		ALLOC_GROW(b->file, b->nfile + 2, b->afile);
		b->file[b->nfile++] = b->num;
		b->file[b->nfile++] = b->npairs;
		/* the records read through the map count as ours: let them go */
		if (!(++n % 4096))
			index_drop_pages(ix);
	}
	mdb_cursor_close(c);
	return rc == MDB_NOTFOUND ? 0 : rc;
}

/*
 * Write term t's numbers, nums[0..t->count), and its mark in `dups`;
 * c[0], c[1]: cursors on `terms` and `issues` in txn, opened when first
 * needed (MDB_MULTIPLE puts go through a cursor).
 */
static int put_term(struct bulk *b, struct index *ix, MDB_txn *txn, MDB_cursor **c,
		    const struct term *t, uint32_t *nums)
{
	MDB_val k = { t->klen, b->arena.buf + t->off }, empty = { 0, "" };
	MDB_val v[2] = { { sizeof(*nums), nums }, { t->count, NULL } };
	MDB_cursor **cur = &c[t->db == ix->issues];
	int rc;

	if (t->db == ix->invalid)
		return mdb_put(txn, t->db, &k, &empty, MDB_APPEND);
	if (t->db == ix->issues && t->count > 1 &&
	    (rc = mdb_put(txn, ix->dups, &k, &empty, MDB_APPEND)))
		return rc;
	if (!*cur && (rc = mdb_cursor_open(txn, t->db, cur)))
		return rc;
	return mdb_cursor_put(*cur, &k, v, MDB_MULTIPLE | MDB_APPEND);
}

static void close_cursors(MDB_cursor **c)
{
	if (c[0])
		mdb_cursor_close(c[0]);
	if (c[1])
		mdb_cursor_close(c[1]);
	c[0] = c[1] = NULL;
}

int postings_rebuild(struct index *ix, MDB_txn **txnp, uint64_t *issues)
{
	struct bulk b = { STRBUF_INIT, NULL, 0, 0, NULL, 0, NULL, 0, 0, NULL, 0, 0, 0 };
	uint32_t *order = NULL, *nums = NULL, *at = NULL, start;
	size_t i, j, chunk = refresh_chunk(POSTINGS_CHUNK);
	MDB_cursor *c[2] = { NULL, NULL };
	int rc;

	*issues = 0;
	if ((rc = mdb_drop(*txnp, ix->terms, 0)) || (rc = mdb_drop(*txnp, ix->issues, 0)) ||
	    (rc = mdb_drop(*txnp, ix->invalid, 0)) || (rc = mdb_drop(*txnp, ix->dups, 0)) ||
	    (rc = collect_all(&b, ix, *txnp)))
		goto out;
	free(b.slot);
	b.slot = NULL;
	refresh_trace("collect", b.npairs);

	order = xmalloc((b.nr ? b.nr : 1) * sizeof(*order));
	for (i = 0; i < b.nr; i++)
		order[i] = i;
	sort_bulk = &b;
	qsort(order, b.nr, sizeof(*order), cmp_terms);
	/*
	 * each term's numbers, contiguous in term order and increasing within:
	 * at[t] is where term t's next number goes
	 */
	at = xmalloc((b.nr ? b.nr : 1) * sizeof(*at));
	for (i = 0, start = 0; i < b.nr; i++) {
		const struct term *t = &b.t[order[i]];
		if (t->db == ix->issues)
			*issues += t->count;
		at[order[i]] = start;
		start += t->count;
	}
	nums = xmalloc((b.npairs ? b.npairs : 1) * sizeof(*nums));
	for (i = j = 0; i < b.nfile; i += 2)
		for (; j < b.file[i + 1]; j++)
			nums[at[b.pair[j]]++] = b.file[i];
	free(b.pair);
	b.pair = NULL;
	free(at);
	at = NULL;

	for (i = 0, start = 0; i < b.nr && !rc; i++) {
		const struct term *t = &b.t[order[i]];
		rc = put_term(&b, ix, *txnp, c, t, nums + start);
		start += t->count;
		/* commit now and then: dirty pages cost memory */
		if (!rc && !((i + 1) % chunk) && i + 1 < b.nr) {
			close_cursors(c);
			rc = index_commit(*txnp, "a chunk of postings");
			*txnp = NULL;
			if (!rc)
				rc = index_begin(ix, txnp, 1);
		}
	}
out:
	close_cursors(c);
	free(order);
	free(at);
	free(nums);
	free(b.pair);
	free(b.file);
	free(b.slot);
	free(b.t);
	strbuf_release(&b.arena);
	return rc;
}

/* --- postings kept in step with a refresh of changes, a file at a time --- */

static int put_or_del(MDB_txn *txn, MDB_dbi dbi, MDB_val *k, MDB_val *v, int add)
{
	int rc = add ? mdb_put(txn, dbi, k, v, 0) : mdb_del(txn, dbi, k, v);

	return rc == MDB_NOTFOUND || rc == MDB_KEYEXIST ? 0 : rc;
}

/* Keep `dups` right for `id` after a posting was added or removed. */
static int update_dups(struct index *ix, MDB_txn *txn, MDB_val *k)
{
	MDB_cursor *c;
	MDB_val v, empty = { 0, "" };
	size_t count = 0;
	int rc = mdb_cursor_open(txn, ix->issues, &c);

	if (rc)
		return rc;
	if (!mdb_cursor_get(c, k, &v, MDB_SET))
		mdb_cursor_count(c, &count);
	mdb_cursor_close(c);
	rc = count > 1 ? mdb_put(txn, ix->dups, k, &empty, 0) : mdb_del(txn, ix->dups, k, NULL);
	return rc == MDB_NOTFOUND ? 0 : rc;
}

struct postings {
	struct index *ix;
	MDB_txn *txn;
	uint32_t num;
	int add;
	int *issue_delta;
};

static int put_posting(MDB_dbi db, const void *key, size_t klen, void *data)
{
	struct postings *ps = data;
	MDB_val k = { klen, (void *)key }, v = { sizeof(ps->num), &ps->num }, empty = { 0, "" };
	int rc;

	if (db == ps->ix->invalid)
		return put_or_del(ps->txn, db, &k, &empty, ps->add);
	if (db != ps->ix->issues)
		return put_or_del(ps->txn, db, &k, &v, ps->add);
	*ps->issue_delta += ps->add ? 1 : -1;
	if ((rc = put_or_del(ps->txn, db, &k, &v, ps->add)))
		return rc;
	return update_dups(ps->ix, ps->txn, &k);
}

void postings_edit_init(struct postings_edit *ed)
{
	ed->issue_delta = 0;
	strbuf_init(&ed->oldpost.arena, 0);
	strbuf_init(&ed->newpost.arena, 0);
}

void postings_edit_release(struct postings_edit *ed)
{
	posting_list_release(&ed->oldpost);
	posting_list_release(&ed->newpost);
}

int postings_write(struct index *ix, MDB_txn *txn, const char *path, uint32_t num,
		   const MDB_val *recval, int add, struct postings_edit *ed)
{
	struct postings ps = { ix, txn, num, add, &ed->issue_delta };

	if (!recval)
		return 0;
	return index_postings(ix, path, recval->mv_data, recval->mv_size, put_posting, &ps);
}

/*
 * Most changes touch a field or two, and every posting written dirties a
 * page of its own: write only those that differ.
 */
int postings_change(struct index *ix, MDB_txn *txn, const char *path, uint32_t num,
		    const struct strbuf *oldrec, const struct strbuf *rec, struct postings_edit *ed)
{
	struct postings ps = { ix, txn, num, 0, &ed->issue_delta };
	struct posting_list *oldpost = &ed->oldpost, *newpost = &ed->newpost;
	size_t i = 0, j = 0;
	int rc = 0;

	posting_list_reset(oldpost);
	posting_list_reset(newpost);
	index_postings(ix, path, oldrec->buf, oldrec->len, posting_list_add, oldpost);
	index_postings(ix, path, rec->buf, rec->len, posting_list_add, newpost);
	posting_list_sort(oldpost);
	posting_list_sort(newpost);
	while (!rc && (i < oldpost->nr || j < newpost->nr)) {
		struct posting x, y;
		int c;

		if (i < oldpost->nr)
			posting_at(oldpost, i, &x);
		if (j < newpost->nr)
			posting_at(newpost, j, &y);
		c = i >= oldpost->nr ? 1 : j >= newpost->nr ? -1 : posting_cmp(&x, &y);
		if (!c) {
			i++;
			j++;
			continue;
		}
		ps.add = c > 0;
		rc = c < 0 ? put_posting(x.db, x.key, x.klen, &ps) : put_posting(y.db, y.key, y.klen, &ps);
		if (c < 0)
			i++;
		else
			j++;
	}
	return rc;
}
