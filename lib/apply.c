#include <errno.h>
#include <malloc.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "apply.h"
#include "catfile.h"
#include "gitindex.h"
#include "issue.h"
#include "odb.h"
#include "packidx.h"
#include "postings.h"
#include "record.h"
#include "treewalk.h"
#include "usage.h"
#include "xalloc.h"

/*
 * For tests only: ROADMAP_TEST_CHUNK=N commits every N actions and every
 * N postings, so that a small repository has many write steps.
 */
size_t refresh_chunk(size_t dflt)
{
	const char *env = getenv("ROADMAP_TEST_CHUNK");

	return env && atol(env) > 0 ? (size_t)atol(env) : dflt;
}


struct action *add_action(struct walk *w, int type, const char *path, size_t len,
				 const unsigned char *oid, const MDB_val *oldval)
{
	struct action *a;

	ALLOC_GROW(w->act, w->nr + 1, w->alloc);
	a = &w->act[w->nr++];
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

void walk_step(struct walk *w, MDB_cursor_op op)
{
	int rc = mdb_cursor_get(w->cur, &w->key, &w->val, op);

	if (!(++w->steps % 16384))
		index_drop_pages(w->ix);
	w->valid = !rc;
	if (rc && rc != MDB_NOTFOUND && !w->rc)
		w->rc = rc;
}

void walk_seek(struct walk *w, const char *key, size_t len)
{
	w->key.mv_data = (void *)key;
	w->key.mv_size = len;
	walk_step(w, MDB_SET_RANGE);
}

int walk_has_prefix(struct walk *w, const char *prefix, size_t plen)
{
	return w->valid && w->key.mv_size >= plen && !memcmp(w->key.mv_data, prefix, plen);
}

/* Compare the cursor's key with key[0..len): <0, 0, >0 as memcmp. */
int walk_cmp(struct walk *w, const char *key, size_t len)
{
	size_t n = w->key.mv_size < len ? w->key.mv_size : len;
	int c = memcmp(w->key.mv_data, key, n);

	if (c)
		return c;
	return w->key.mv_size < len ? -1 : w->key.mv_size > len;
}

/*
 * The stored rows from the cursor up to `key` (exclusive, or all with
 * key NULL) under the directory prefix[0..plen) are gone.
 */
void walk_delete_before(struct walk *w, const char *prefix, size_t plen, const char *key, size_t len)
{
	while (walk_has_prefix(w, prefix, plen) && (!key || walk_cmp(w, key, len) < 0)) {
		int tree = ((const char *)w->key.mv_data)[w->key.mv_size - 1] == '/';
		add_action(w, tree ? ACT_TREE_DELETE : ACT_DELETE, w->key.mv_data,
			   w->key.mv_size, NULL, &w->val);
		walk_step(w, MDB_NEXT);
	}
}

void free_actions(struct walk *w)
{
	size_t i;

	for (i = 0; i < w->nr; i++) {
		free(w->act[i].path);
		free(w->act[i].old);
	}
	free(w->act);
	w->act = NULL;
	w->nr = w->alloc = 0;
}

/* --- applying the actions --- */

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
	int *issue_delta, *invalid_delta;
};

static int put_posting(MDB_dbi db, const void *key, size_t klen, void *data)
{
	struct postings *ps = data;
	MDB_val k = { klen, (void *)key }, v = { sizeof(ps->num), &ps->num }, empty = { 0, "" };
	int rc;

	if (db == ps->ix->invalid) {
		*ps->invalid_delta += ps->add ? 1 : -1;
		return put_or_del(ps->txn, db, &k, &empty, ps->add);
	}
	if (db != ps->ix->issues)
		return put_or_del(ps->txn, db, &k, &v, ps->add);
	*ps->issue_delta += ps->add ? 1 : -1;
	if ((rc = put_or_del(ps->txn, db, &k, &v, ps->add)))
		return rc;
	return update_dups(ps->ix, ps->txn, &k);
}

/* Add or remove the rows that point at file `num` with record `rec`: ids, terms, invalid. */
static int postings(struct index *ix, MDB_txn *txn, const char *path, uint32_t num,
		    const MDB_val *recval, int add, int *issue_delta, int *invalid_delta)
{
	struct postings ps = { ix, txn, num, add, issue_delta, invalid_delta };

	if (!recval)
		return 0;
	return index_postings(ix, path, recval->mv_data, recval->mv_size, put_posting, &ps);
}

/* Readers at once (lib/odb: one a core), and the batches they and the actions hold. */
#define READERS 2
#define SLOTS (READERS + 1)

struct apply {
	struct index *ix;
	MDB_txn *txn;
	const struct apply_opts *o;
	struct refresh_stats *st;
	struct strbuf rec, oldrec, row;
	/*
	 * A bulk walk's rows of files, held until the chunk commits: put
	 * after its records, they fill pages of their own, side by side in
	 * the file, so that a later walk of files maps a third of the pages.
	 */
	struct strbuf files_held;
	int issue_delta, invalid_delta;
	int bulk;		/* postings are rebuilt at the end, not kept */
	double ms_read, ms_parse;	/* for ROADMAP_TRACE */
	/*
	 * A large walk's blobs, read ahead: in-process (lib/odb, one reader
	 * each), or from git cat-file --batch where lib/odb cannot read the
	 * repository (alternates)
	 */
	struct odb odb[READERS];
	int have_odb;
	/*
	 * readers at once: two in a bulk walk; one in a walk of changes,
	 * whose writes bound it (and whose pages it would add to)
	 */
	int readers;
	struct catfile cf;
	int have_cf;
	const struct action *act;	/* the walk's */
	size_t *order, nr_order;	/* the actions whose blobs are read, in that order */
	size_t *batch_order;	/* where each batch begins in order[] */
	/*
	 * The records of a batch of them, read ahead: threads read and parse
	 * the next batches while the actions of this one are applied (batch
	 * b in ra[b % SLOTS]): two from lib/odb, one from git's single stream.
	 */
	struct readahead {
		struct strbuf recs, blob, rec;
		struct prefetched {
			size_t off, len;
			int got;	/* 0, or 1: missing */
		} *at;		/* by action, from `from` */
		size_t b, from, to;
		double ms_read, ms_parse;
		int rc;
		struct apply *ap;
		pthread_t thread;
		int reading;	/* its reader runs */
	} ra[SLOTS];
	size_t batch;		/* actions a batch: readahead_batch() */
	size_t started;		/* batches whose reading began */
	struct strbuf blob;
	uint64_t nextnum;
	unsigned char digest[DIGEST_RAW];	/* of the rows, kept in step */
	struct posting_list oldpost, newpost;	/* a change's postings, before and after */
	struct gitindex gi;	/* a large walk's source of stat data */
	int have_gi;
	int64_t gi_written;	/* when git wrote it */
};

/*
 * A large walk takes the stat data of the files git's own index knows to
 * be clean, so that the first working-tree query does not read and hash
 * every file: an entry whose blob is the row's and which is not racily
 * clean (changed in the same instant git wrote its index, or later)
 * describes the working file as git last saw it. Written with the row,
 * not after it: a second pass would copy every page of `files`.
 */
static void seed_row(struct apply *ap, const char *path, struct file_row *row)
{
	size_t len = strlen(path), i;
	const struct gitindex_entry *e;
	struct gitindex_stat gs;

	if (!ap->have_gi || (i = gitindex_seek(&ap->gi, path, len)) >= ap->gi.nr)
		return;
	e = &ap->gi.e[i];
	if (strcmp(e->path, path) || memcmp(gitindex_oid(e), row->oid, OID_RAW) || e->mode != row->mode)
		return;
	gitindex_entry_stat(e, &gs);
	if (gs.mtime_ns >= ap->gi_written || gs.ctime_ns >= ap->gi_written)
		return;
	row->mtime_ns = gs.mtime_ns;
	row->ctime_ns = gs.ctime_ns;
	row->size = gs.size;
	row->ino = gs.ino;
}

/* Find (in the cache of blobs that left `files`) or make the record of a->oid, in ap->rec. */
static int blob_record(struct apply *ap, const struct action *a, size_t i)
{
	MDB_val k = { OID_RAW, (void *)a->oid }, val;
	const struct readahead *ra = &ap->ra[i / ap->batch % SLOTS];
	const struct prefetched *pf = a->need && (ap->have_odb || ap->have_cf) ? &ra->at[i - ra->from] : NULL;
	double t0, t1;
	int rc, got;

	strbuf_reset(&ap->rec);
	/* an earlier action (the delete half of a rename) may have put it in the cache since */
	if ((rc = mdb_get(ap->txn, ap->ix->blobs, &k, &val)) != MDB_NOTFOUND) {
		if (rc)
			return rc;
		ap->st->reused++;
		strbuf_add(&ap->rec, val.mv_data, val.mv_size);
		return 0;
	}
	if (pf) {
		if (!pf->got) {
			strbuf_add(&ap->rec, ra->recs.buf + pf->off, pf->len);
			ap->st->parsed++;
		}
		got = pf->got;
	} else {
		t0 = now_ms();
		got = ap->o->read_blob ? ap->o->read_blob(ap->o->blob_ctx, a->oid, &ap->blob) :
			error("%s: no blob reader", a->path);
		if (!got) {
			t1 = now_ms();
			issue_parse(&ap->rec, ap->blob.buf, ap->blob.len);
			ap->ms_read += t1 - t0;
			ap->ms_parse += now_ms() - t1;
			ap->st->parsed++;
		}
	}
	if (got < 0)
		return -1;
	if (got) {
		/* a partial clone lacks it: say so, index the rest */
		warning("%s: blob missing (partial or sparse clone?)", a->path);
		return MDB_NOTFOUND;
	}
	return 0;
}

/*
 * Replace the postings of file `num` made from ap->oldrec with those of
 * ap->rec, writing only those that differ: most changes touch a field or
 * two, and every posting written dirties a page of its own.
 */
static int change_postings(struct apply *ap, const char *path, uint32_t num)
{
	struct postings ps = { ap->ix, ap->txn, num, 0, &ap->issue_delta, &ap->invalid_delta };
	size_t i = 0, j = 0;
	int rc = 0;

	posting_list_reset(&ap->oldpost);
	posting_list_reset(&ap->newpost);
	index_postings(ap->ix, path, ap->oldrec.buf, ap->oldrec.len, posting_list_add, &ap->oldpost);
	index_postings(ap->ix, path, ap->rec.buf, ap->rec.len, posting_list_add, &ap->newpost);
	posting_list_sort(&ap->oldpost);
	posting_list_sort(&ap->newpost);
	while (!rc && (i < ap->oldpost.nr || j < ap->newpost.nr)) {
		struct posting x, y;
		int c;

		if (i < ap->oldpost.nr)
			posting_at(&ap->oldpost, i, &x);
		if (j < ap->newpost.nr)
			posting_at(&ap->newpost, j, &y);
		c = i >= ap->oldpost.nr ? 1 : j >= ap->newpost.nr ? -1 : posting_cmp(&x, &y);
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

/*
 * Put a row whose key most often comes after every other (a build goes in
 * key order, new files take the next number): appended, a page is filled
 * before the next begins, where a split leaves two half full.
 */
static int put_in_order(MDB_txn *txn, MDB_dbi dbi, MDB_val *k, MDB_val *v)
{
	int rc = mdb_put(txn, dbi, k, v, MDB_APPEND);

	return rc == MDB_KEYEXIST ? mdb_put(txn, dbi, k, v, 0) : rc;
}

/* A row of files: held in a bulk walk (see files_held), else put now. */
static int put_files_row(struct apply *ap, MDB_val *k, MDB_val *v)
{
	size_t len[2] = { k->mv_size, v->mv_size };

	if (!ap->bulk)
		return put_in_order(ap->txn, ap->ix->files, k, v);
	strbuf_add(&ap->files_held, len, sizeof(len));
	strbuf_add(&ap->files_held, k->mv_data, k->mv_size);
	strbuf_add(&ap->files_held, v->mv_data, v->mv_size);
	return 0;
}

static int put_held_files_rows(struct apply *ap)
{
	const char *p = ap->files_held.buf, *end = p + ap->files_held.len;
	int rc = 0;

	while (p < end && !rc) {
		size_t len[2];
		MDB_val k, v;
		memcpy(len, p, sizeof(len));
		k.mv_size = len[0];
		k.mv_data = (char *)p + sizeof(len);
		v.mv_size = len[1];
		v.mv_data = (char *)k.mv_data + len[0];
		rc = put_in_order(ap->txn, ap->ix->files, &k, &v);
		p = (const char *)v.mv_data + len[1];
	}
	strbuf_reset(&ap->files_held);
	return rc;
}

static int apply_action(struct apply *ap, const struct action *a, size_t i)
{
	MDB_val k = { strlen(a->path), a->path }, v;
	struct file_row row;
	int rc;

	/* a key LMDB cannot hold: said, and left out, so that the rest indexes */
	if (k.mv_size > INDEX_KEY_MAX) {
		if (a->type == ACT_ADD || a->type == ACT_TREE_PUT)
			warning("%s: path too long to index (%zu bytes, at most %d)", a->path,
				k.mv_size, INDEX_KEY_MAX);
		return 0;
	}

	switch (a->type) {
	case ACT_TREE_PUT:
		memset(&row, 0, sizeof(row));
		row.kind = ROW_TREE;
		memcpy(row.oid, a->oid, OID_RAW);
		file_row_encode(&row, &ap->row);
		v.mv_size = ap->row.len;
		v.mv_data = ap->row.buf;
		return put_files_row(ap, &k, &v);
	case ACT_TREE_DELETE:
		rc = mdb_del(ap->txn, ap->ix->files, &k, NULL);
		return rc == MDB_NOTFOUND ? 0 : rc;
	}
	if (a->type != ACT_ADD) {
		MDB_val ok, old;

		if (!a->old)
			return MDB_CORRUPTED;
		if ((rc = file_row_record(ap->txn, ap->ix, a->old)))
			return rc == MDB_NOTFOUND ? MDB_CORRUPTED : rc;
		/* copied: the writes below may move the page */
		strbuf_reset(&ap->oldrec);
		strbuf_add(&ap->oldrec, a->old->rec, a->old->reclen);
		ok.mv_size = OID_RAW;
		ok.mv_data = a->old->oid;
		old.mv_size = ap->oldrec.len;
		old.mv_data = ap->oldrec.buf;
		/* a change writes only the postings that differ, once the new record is known */
		if (!ap->bulk && a->type == ACT_DELETE &&
		    (rc = postings(ap->ix, ap->txn, a->path, a->old->num, &old, 0,
				   &ap->issue_delta, &ap->invalid_delta)))
			return rc;
		/* keep the record: going back to that commit parses nothing */
		if ((rc = mdb_put(ap->txn, ap->ix->blobs, &ok, &old, 0)))
			return rc;
		digest_update(ap->digest, a->path, strlen(a->path), a->old->oid, 0);
	}
	if (a->type == ACT_DELETE) {
		MDB_val nk = { sizeof(a->old->num), &a->old->num };
		ap->st->deleted++;
		if ((rc = mdb_del(ap->txn, ap->ix->nums, &nk, NULL)) && rc != MDB_NOTFOUND)
			return rc;
		rc = mdb_del(ap->txn, ap->ix->files, &k, NULL);
		return rc == MDB_NOTFOUND ? 0 : rc;
	}
	rc = blob_record(ap, a, i);
	if (rc == MDB_NOTFOUND) {
		/* no blob, no row: fsck will name the path */
		MDB_val old = { ap->oldrec.len, ap->oldrec.buf };
		if (a->type == ACT_MODIFY && !ap->bulk &&
		    (rc = postings(ap->ix, ap->txn, a->path, a->old->num, &old, 0,
				   &ap->issue_delta, &ap->invalid_delta)))
			return rc;
		if (a->type == ACT_MODIFY) {
			MDB_val nk = { sizeof(a->old->num), &a->old->num };
			if ((rc = mdb_del(ap->txn, ap->ix->nums, &nk, NULL)) && rc != MDB_NOTFOUND)
				return rc;
		}
		rc = mdb_del(ap->txn, ap->ix->files, &k, NULL);
		return rc == MDB_NOTFOUND ? 0 : rc;
	}
	if (rc)
		return rc;
	memset(&row, 0, sizeof(row));
	row.kind = ROW_FILE;
	row.mode = a->mode;
	memcpy(row.oid, a->oid, OID_RAW);
	digest_update(ap->digest, a->path, strlen(a->path), a->oid, 1);
	seed_row(ap, a->path, &row);
	if (a->type == ACT_MODIFY) {
		row.num = a->old->num;
		ap->st->modified++;
	} else {
		row.num = ap->nextnum++;
		ap->st->added++;
	}
	{
		MDB_val nk = { sizeof(row.num), &row.num };
		num_row_encode(&ap->row, a->path, strlen(a->path), ap->rec.buf, ap->rec.len);
		v.mv_size = ap->row.len;
		v.mv_data = ap->row.buf;
		/* numbers only grow: a build appends */
		if ((rc = put_in_order(ap->txn, ap->ix->nums, &nk, &v)))
			return rc;
	}
	v.mv_size = ap->rec.len;
	v.mv_data = ap->rec.buf;
	if (!ap->bulk && a->type == ACT_MODIFY)
		rc = change_postings(ap, a->path, row.num);
	else if (!ap->bulk)
		rc = postings(ap->ix, ap->txn, a->path, row.num, &v, 1,
			      &ap->issue_delta, &ap->invalid_delta);
	if (rc)
		return rc;
	file_row_encode(&row, &ap->row);
	v.mv_size = ap->row.len;
	v.mv_data = ap->row.buf;
	return put_files_row(ap, &k, &v);
}

/* --- the transaction --- */


/* ROADMAP_TRACE=1: the time each phase took, on stderr (for profiling). */
void refresh_trace(const char *phase, size_t n)
{
	static double last;
	static int on = -1;
	double now = now_ms();

	if (on < 0)
		on = getenv("ROADMAP_TRACE") && *getenv("ROADMAP_TRACE") == '1';
	if (on && last) {
		char line[256], hwm[256] = "";
		FILE *f = fopen("/proc/self/status", "r");
		while (f && fgets(line, sizeof(line), f))
			if (!strncmp(line, "VmHWM:", 6) || !strncmp(line, "RssAnon:", 8) ||
			    !strncmp(line, "RssFile:", 8)) {
				size_t l = strlen(hwm);
				line[strcspn(line, "\n")] = ' ';
				snprintf(hwm + l, sizeof(hwm) - l, "%s", line);
			}
		if (f)
			fclose(f);
		fprintf(stderr, "%s: trace: %-8s %8.1f ms  (%zu)  %s inuse %zu kB\n", progname, phase,
			now - last, n, hwm, mallinfo2().uordblks / 1024);
	}
	last = now;
}

/* Move every file's record into `blobs`, before the rows are dropped. */
static int save_records(struct index *ix, MDB_txn *txn)
{
	MDB_cursor *c;
	MDB_val k, v;
	struct file_row row;
	int rc = mdb_cursor_open(txn, ix->files, &c);

	while (!rc && !(rc = mdb_cursor_get(c, &k, &v, MDB_NEXT))) {
		MDB_val ok = { OID_RAW, row.oid }, rv;
		if (file_row_decode(&row, &v) || row.kind != ROW_FILE ||
		    file_row_record(txn, ix, &row))
			continue;
		rv.mv_size = row.reclen;
		rv.mv_data = (void *)row.rec;
		rc = mdb_put(txn, ix->blobs, &ok, &rv, 0);
	}
	if (c)
		mdb_cursor_close(c);
	return rc == MDB_NOTFOUND ? 0 : rc;
}

int drop_rows(struct index *ix, MDB_txn *txn, int blobs)
{
	int rc;

	if (!blobs && (rc = save_records(ix, txn)))
		return rc;

	if ((rc = mdb_drop(txn, ix->files, 0)) || (rc = mdb_drop(txn, ix->nums, 0)) ||
	    (rc = mdb_drop(txn, ix->terms, 0)) || (rc = mdb_drop(txn, ix->issues, 0)) ||
	    (rc = mdb_drop(txn, ix->invalid, 0)) || (rc = mdb_drop(txn, ix->dups, 0)))
		return rc;
	if (blobs && (rc = mdb_drop(txn, ix->blobs, 0)))
		return rc;
	if ((rc = meta_put_u64(txn, ix, "issues", 0)) || (rc = meta_put_u64(txn, ix, "nextnum", 1)) ||
	    (rc = meta_put_str(txn, ix, "digest", "")))
		return rc;
	return 0;
}

/* The digest of the rows as meta holds it (zero when it has none). */
static void get_digest(MDB_txn *txn, struct index *ix, unsigned char *digest)
{
	MDB_val v;
	char hex[OID_HEX + 1];

	memset(digest, 0, DIGEST_RAW);
	if (!meta_get(txn, ix, "digest", &v) && v.mv_size == OID_HEX) {
		memcpy(hex, v.mv_data, OID_HEX);
		hex[OID_HEX] = '\0';
		hex_to_oid(digest, hex);
	}
}

/*
 * What a commit of the rows records with them: their count, digest and
 * numbering, and the state. "building" (a large walk's chunk) keeps
 * readers from answering; the checkpoint names the last path committed.
 */
static int put_progress(struct apply *ap, const struct strbuf *roots, uint64_t issues,
			const char *state, const char *checkpoint)
{
	char hex[OID_HEX + 1];
	int rc;

	oid_to_hex(hex, ap->digest);
	if ((rc = meta_put_u64(ap->txn, ap->ix, "nextnum", ap->nextnum)) ||
	    (rc = meta_put_u64(ap->txn, ap->ix, "issues", issues)) ||
	    (rc = meta_put_str(ap->txn, ap->ix, "digest", hex)) ||
	    (rc = meta_put_str(ap->txn, ap->ix, "state", state)) ||
	    (rc = meta_put_str(ap->txn, ap->ix, "checkpoint", checkpoint)) ||
	    (rc = meta_put_str(ap->txn, ap->ix, "version", INDEX_VERSION)) ||
	    (rc = meta_put(ap->txn, ap->ix, "roots", roots->buf, roots->len)))
		return rc;
	return 0;
}

/*
 * The sync state a finished refresh records (roadmap-status shows it):
 * the commit and root trees indexed, and how, when, by whom and how fast
 * it was brought there.
 */
int put_last_refresh(MDB_txn *txn, struct index *ix, const struct refresh_stats *st, double ms)
{
	const char *by = getenv("ROADMAP_BY");
	int rc;

	if (!(rc = meta_put_str(txn, ix, "last_mode", st->mode)) &&
	    !(rc = meta_put_str(txn, ix, "last_reason", st->reason)) &&
	    !(rc = meta_put_str(txn, ix, "last_by", by && *by ? by : progname)) &&
	    !(rc = meta_put_u64(txn, ix, "last_time", (uint64_t)time(NULL))) &&
	    !(rc = meta_put_u64(txn, ix, "last_us", (uint64_t)(ms * 1000))) &&
	    !(rc = meta_put_u64(txn, ix, "last_parsed", st->parsed)) &&
	    !(rc = meta_put_u64(txn, ix, "last_reused", st->reused)) &&
	    !(rc = meta_put_u64(txn, ix, "last_added", st->added)) &&
	    !(rc = meta_put_u64(txn, ix, "last_modified", st->modified)))
		rc = meta_put_u64(txn, ix, "last_deleted", st->deleted);
	return rc;
}

static int put_sync_state(struct apply *ap, const struct strbuf *roots, const char *commit,
			  const struct strbuf *stamp, double ms)
{
	struct strbuf trees = STRBUF_INIT, key = STRBUF_INIT;
	const char *r;
	MDB_txn *txn = ap->txn;
	struct index *ix = ap->ix;
	MDB_stat dbs;
	int rc;

	for (r = roots->buf; r < roots->buf + roots->len; r += strlen(r) + 1) {
		struct file_row row;
		char hex[OID_HEX + 1] = "missing";
		MDB_val k, v;

		strbuf_reset(&key);
		strbuf_addf(&key, "%s/", r);
		k.mv_size = key.len;
		k.mv_data = key.buf;
		if (!mdb_get(txn, ix->files, &k, &v) && !file_row_decode(&row, &v))
			oid_to_hex(hex, row.oid);
		strbuf_addf(&trees, "%s %s\n", hex, r);
	}
	if (!(rc = mdb_stat(txn, ix->invalid, &dbs)) &&
	    !(rc = meta_put_u64(txn, ix, "invalid", dbs.ms_entries)) &&
	    !(rc = meta_put(txn, ix, "config", stamp->buf, stamp->len)) &&
	    !(rc = meta_put_str(txn, ix, "commit", commit)) &&
	    !(rc = meta_put(txn, ix, "trees", trees.buf, trees.len)))
		rc = put_last_refresh(txn, ix, ap->st, ms);
	strbuf_release(&trees);
	strbuf_release(&key);
	return rc;
}

/*
 * The actions of an incremental refresh from git's own tree diff of the
 * indexed commit and HEAD: git reads trees with its delta-base cache,
 * which libgit2 1.5 lacks (a changed folder of a few thousand issues in a
 * deltified pack cost it 0.5 s at 100,000 issues). -t lists the changed
 * folders with their new tree ids, so no tree is read here. Returns 1
 * when git cannot (the indexed commit is gone): the walk does it then.
 */
int diff_tree_actions(struct walk *w, const struct repo_paths *p, const char *old_hex,
			     const char *new_hex, const struct strbuf *roots)
{
	struct strbuf out = STRBUF_INIT, key = STRBUF_INIT;
	char **argv;
	const char *r, *rec, *end;
	size_t nr = 0, n = 0;
	int ret = 0;

	for (r = roots->buf; r < roots->buf + roots->len; r += strlen(r) + 1)
		nr++;
	argv = xcalloc(nr + 16, sizeof(*argv));
	argv[n++] = "git";
	argv[n++] = "--literal-pathspecs";
	argv[n++] = "diff-tree";
	argv[n++] = "-r";
	argv[n++] = "-t";
	argv[n++] = "-z";
	argv[n++] = "--raw";
	argv[n++] = "--no-abbrev";
	argv[n++] = "--no-renames";
	argv[n++] = (char *)old_hex;
	argv[n++] = (char *)new_hex;
	argv[n++] = "--";
	for (r = roots->buf; r < roots->buf + roots->len; r += strlen(r) + 1)
		argv[n++] = (char *)r;
	if (git_capture(&out, p, argv) < 0) {
		ret = 1;
		goto done;
	}
	/* ":<old mode> <new mode> <old oid> <new oid> <status>\0<path>\0" */
	for (rec = out.buf, end = out.buf + out.len; rec < end; ) {
		const char *path = memchr(rec, '\0', end - rec), *root;
		unsigned om, nm;
		unsigned char oid[OID_RAW];
		MDB_val k, v;
		int stored;

		/* the new oid follows the two modes and the old oid */
		if (!path || path - rec < 2 * OID_HEX + 17 ||
		    sscanf(rec, ":%o %o", &om, &nm) != 2 ||
		    hex_to_oid(oid, rec + 16 + OID_HEX) < 0) {
			ret = error("cannot read git diff-tree's output");
			goto done;
		}
		path++;
		rec = path + strlen(path) + 1;
		/* a root itself, or what is under it: the folders above are not indexed */
		root = issue_root(roots->buf, roots->len, path, NULL);
		if (!root && !issue_is_root(roots->buf, roots->len, path))
			continue;
		strbuf_reset(&key);
		strbuf_addstr(&key, path);
		if (om == 040000 || nm == 040000) {
			strbuf_addch(&key, '/');
			if (nm == 040000)
				add_action(w, ACT_TREE_PUT, key.buf, key.len, oid, NULL);
			else
				add_action(w, ACT_TREE_DELETE, key.buf, key.len, NULL, NULL);
			if (nm == 040000)
				continue;
			strbuf_setlen(&key, key.len - 1);	/* a folder became a file */
		}
		if (!root || !issue_name(key.buf))
			continue;
		k.mv_size = key.len;
		k.mv_data = key.buf;
		stored = !mdb_get(w->txn, w->ix->files, &k, &v);
		if (nm == 0100644 || nm == 0100755) {
			if (!stored)
				add_action(w, ACT_ADD, key.buf, key.len, oid, NULL)->mode = nm;
			else if (memcmp((const unsigned char *)v.mv_data + 1, oid, OID_RAW) ||
				 (((const unsigned char *)v.mv_data)[0] == ROW_FILE_EXEC) != (nm == 0100755))
				add_action(w, ACT_MODIFY, key.buf, key.len, oid, &v)->mode = nm;
		} else if (stored) {
			add_action(w, ACT_DELETE, key.buf, key.len, NULL, &v);
		}
	}
done:
	free(argv);
	strbuf_release(&out);
	strbuf_release(&key);
	return ret;
}

void refresh_report(struct index *ix, const struct refresh_stats *st)
{
	fprintf(stderr, "%s: %s (%s)\n", progname, st->mode, st->reason);
	index_report_invalid(ix);
	fprintf(stderr, "%s: added %u, modified %u, deleted %u; parsed %u blobs, reused %u; %.1f ms\n",
		progname, st->added, st->modified, st->deleted, st->parsed, st->reused, st->ms);
}

void add_reason(struct refresh_stats *st, const char *s)
{
	size_t len = strlen(st->reason);

	snprintf(st->reason + len, sizeof(st->reason) - len, "%s", s);
}


/* A row HEAD has, as git's index tells it: a folder ("d/") or an issue file. */
struct vrow {
	const char *key;
	const unsigned char *oid;
	unsigned len;
	unsigned mode;		/* 040000: a folder (key ends in '/') */
};

/*
 * HEAD's rows under `root` from git's index: the folders (with their
 * cached tree oids) and the issue files, in key order. Returns 1 when the
 * index cannot stand for HEAD there: the root's cached tree is not HEAD's.
 */
static int gitindex_rows(struct vrow **out, size_t *nr, char ***dirs, size_t *ndirs,
			 const struct gitindex *gi, const char *root, const unsigned char *root_oid)
{
	size_t rl = strlen(root), i, alloc = 0, dalloc = 0, lastlen;
	const struct gitindex_tree *t = gitindex_tree(gi, root, rl);
	const char *prev;
	char *top;

	if (!t || !t->valid || memcmp(t->oid, root_oid, OID_RAW))
		return 1;
	top = xmalloc(rl + 2);
	memcpy(top, root, rl);
	memcpy(top + rl, "/", 2);
	prev = top;
	ALLOC_GROW(*dirs, *ndirs + 1, dalloc);
	(*dirs)[(*ndirs)++] = top;
	/* room for every entry at once: growing by copies pages the array in twice */
	ALLOC_GROW(*out, gi->nr + 64, alloc);
	(*out)[(*nr)++] = (struct vrow){ top, t->oid, rl + 1, 040000 };
	lastlen = rl + 1;	/* the deepest folder emitted: a prefix of the entry's path */
	for (i = gitindex_seek(gi, top, rl + 1); i < gi->nr; i++) {
		const struct gitindex_entry *e = &gi->e[i];
		size_t dirlen = e->dirlen, k;

		if (e->len <= rl || memcmp(e->path, top, rl + 1))
			break;
		/*
		 * The folders down to the previous entry's are out: back up to
		 * the deepest one this entry is in too, then go down to its own.
		 */
		if (dirlen == lastlen && !memcmp(e->path, prev, dirlen))
			k = dirlen;	/* the previous entry's folder: most often */
		else
			for (k = 0; k < lastlen && k < dirlen && e->path[k] == prev[k]; k++)
				;
		while (k > rl + 1 && e->path[k - 1] != '/')
			k--;
		for (; k < dirlen; k++) {
			char *d;
			if (e->path[k] != '/')
				continue;
			t = gitindex_tree(gi, e->path, k);
			if (!t || !t->valid)
				return 1;
			d = xmemdupz(e->path, k + 1);
			ALLOC_GROW(*dirs, *ndirs + 1, dalloc);
			(*dirs)[(*ndirs)++] = d;
			ALLOC_GROW(*out, *nr + 1, alloc);
			(*out)[(*nr)++] = (struct vrow){ d, t->oid, k + 1, 040000 };
		}
		lastlen = dirlen;
		prev = e->path;
		if ((e->mode == 0100644 || e->mode == 0100755) && issue_base_name(e->path + dirlen, e->len - dirlen)) {
			ALLOC_GROW(*out, *nr + 1, alloc);
			(*out)[(*nr)++] = (struct vrow){ e->path, gitindex_oid(e), e->len, e->mode };
		}
	}
	return 0;
}

/*
 * The actions of an incremental refresh from git's own index, when its
 * cached trees say it holds HEAD under every root (after a checkout,
 * commit, merge or reset they do): a merge of its entries with the rows,
 * skipping every folder whose tree oid is the stored one. No tree is read
 * from the pack. Returns 1 when the index cannot stand for HEAD.
 */
int gitindex_actions(struct walk *w, const struct repo_paths *p, unsigned char (*root_oids)[OID_RAW],
		     const struct strbuf *roots)
{
	static const unsigned char null_oid[OID_RAW];
	struct gitindex gi;
	struct strbuf file = STRBUF_INIT, skip = STRBUF_INIT;
	const char *root;
	int ret = 0, rc;

	strbuf_addf(&file, "%s/index", p->gitdir);
	rc = gitindex_read(&gi, file.buf);
	strbuf_release(&file);
	refresh_trace("gi-read", gi.nr);
	if (rc < 0 || (rc = mdb_cursor_open(w->txn, w->ix->files, &w->cur)))
		return rc < 0 ? 1 : (w->rc = rc, 1);
	for (root = roots->buf; root < roots->buf + roots->len && !ret; root += strlen(root) + 1, root_oids++) {
		struct vrow *v = NULL;
		char **dirs = NULL;
		size_t nv = 0, nd = 0, j = 0, rl = strlen(root), d;

		/* a root HEAD lacks has the zero oid: the walk deletes its rows */
		if (!memcmp(*root_oids, null_oid, OID_RAW) ||
		    gitindex_rows(&v, &nv, &dirs, &nd, &gi, root, *root_oids))
			ret = 1;
		refresh_trace("gi-rows", nv);
		if (!ret)
			walk_seek(w, v[0].key, rl + 1);
		while (!ret) {
			int in = walk_has_prefix(w, v[0].key, rl + 1), c;
			const unsigned char *sv = w->val.mv_data;

			if (j >= nv && !in)
				break;
			c = j >= nv ? 1 : !in ? -1 : -walk_cmp(w, v[j].key, v[j].len);

			if (c < 0) {
				add_action(w, v[j].mode == 040000 ? ACT_TREE_PUT : ACT_ADD, v[j].key, v[j].len,
					   v[j].oid, NULL)->mode = v[j].mode;
				j++;
				continue;
			}
			if (c > 0) {
				int t = ((const char *)w->key.mv_data)[w->key.mv_size - 1] == '/';
				add_action(w, t ? ACT_TREE_DELETE : ACT_DELETE, w->key.mv_data,
					   w->key.mv_size, NULL, &w->val);
				walk_step(w, MDB_NEXT);
				continue;
			}
			if (v[j].mode == 040000 && w->val.mv_size > OID_RAW && !memcmp(sv + 1, v[j].oid, OID_RAW)) {
				/* an unchanged folder: skip it whole, here and in the rows */
				size_t plen = v[j].len;
				strbuf_reset(&skip);
				strbuf_add(&skip, v[j].key, plen);
				for (j++; j < nv && v[j].len >= plen && !memcmp(v[j].key, skip.buf, plen); j++)
					;
				skip.buf[plen - 1] = '0';
				walk_seek(w, skip.buf, plen);
				continue;
			}
			if (v[j].mode == 040000)
				add_action(w, ACT_TREE_PUT, v[j].key, v[j].len, v[j].oid, NULL);
			else if (memcmp(sv + 1, v[j].oid, OID_RAW) ||
				 (sv[0] == ROW_FILE_EXEC) != (v[j].mode == 0100755))
				add_action(w, ACT_MODIFY, v[j].key, v[j].len, v[j].oid, &w->val)->mode = v[j].mode;
			j++;
			walk_step(w, MDB_NEXT);
		}
		for (d = 0; d < nd; d++)
			free(dirs[d]);
		free(dirs);
		free(v);
	}
	mdb_cursor_close(w->cur);
	w->cur = NULL;
	gitindex_release(&gi);
	strbuf_release(&skip);
	return ret || w->rc ? 1 : 0;
}

/* Below this many actions, libgit2 reads the blobs: a git process costs more. */
#define CATFILE_MIN 1024

/* The batches blobs are asked for and read ahead by (half a commit chunk). */
static size_t readahead_batch(void)
{
	size_t n = refresh_chunk(REFRESH_CHUNK) / 2;

	return n ? n : 1;
}

/* Where the blob of an action lies in the packs, to sort a batch by. */
struct wanted {
	uint64_t where;
	size_t act;
};

static int cmp_wanted(const void *a, const void *b)
{
	const struct wanted *x = a, *y = b;

	if (x->where != y->where)
		return x->where < y->where ? -1 : 1;
	return x->act < y->act ? -1 : x->act > y->act;
}

/*
 * Read the blobs of every add and change the cache lacks ahead: batch by
 * batch of actions (the batches prefetch() reads), and within a batch in
 * pack order, which reads fastest and in the least memory (packidx.h).
 * ap->order gets the actions in that order. lib/odb reads them, or git
 * cat-file --batch where it cannot (alternates; ROADMAP_TEST_CATFILE=1):
 * in-process, no pipe carries every blob (git writes each in two writes).
 */
static int start_reading(struct apply *ap, struct walk *w, const struct repo_paths *p)
{
	const char *test_catfile = getenv("ROADMAP_TEST_CATFILE");
	int in_process = !(test_catfile && !strcmp(test_catfile, "1"));
	struct strbuf oids = STRBUF_INIT;
	size_t i, n = 0, batch = ap->batch, b;
	int r;
	struct wanted *want;
	struct packidx pi;

	for (i = 0; i < w->nr; i++) {
		struct action *a = &w->act[i];
		MDB_val k = { OID_RAW, a->oid }, v;

		a->need = (a->type == ACT_ADD || a->type == ACT_MODIFY) &&
			strlen(a->path) <= INDEX_KEY_MAX && mdb_get(ap->txn, ap->ix->blobs, &k, &v);
		n += a->need;
	}
	/* with a reader of its own, a small walk reads its few blobs itself */
	if (!n || (ap->o->read_blob && n < CATFILE_MIN)) {
		for (i = 0; i < w->nr; i++)
			w->act[i].need = 0;
		return 0;
	}
	packidx_open(&pi, p->objdir);
	want = xmalloc((batch < n ? batch : n) * sizeof(*want));
	ap->order = xmalloc(n * sizeof(*ap->order));
	ap->batch_order = xmalloc((w->nr / batch + 2) * sizeof(*ap->batch_order));
	strbuf_grow(&oids, n * (OID_HEX + 1));
	for (b = 0; b < w->nr; b += batch) {
		size_t end = b + batch < w->nr ? b + batch : w->nr, m = 0;

		ap->batch_order[b / batch] = ap->nr_order;
		for (i = b; i < end; i++)
			if (w->act[i].need) {
				want[m].where = packidx_where(&pi, w->act[i].oid);
				want[m++].act = i;
			}
		qsort(want, m, sizeof(*want), cmp_wanted);
		for (i = 0; i < m; i++) {
			char hex[OID_HEX + 1];
			oid_to_hex(hex, w->act[want[i].act].oid);
			strbuf_add(&oids, hex, OID_HEX);
			strbuf_addch(&oids, '\n');
			ap->order[ap->nr_order++] = want[i].act;
		}
	}
	ap->batch_order[b / batch] = ap->nr_order;
	free(want);
	packidx_close(&pi);
	ap->act = w->act;
	ap->readers = ap->bulk ? READERS : 1;
	for (r = 0; r < ap->readers && in_process; r++)
		if (odb_open(&ap->odb[r], p->objdir))
			break;
	if (r == ap->readers) {
		ap->have_odb = 1;
		strbuf_release(&oids);
		return 0;
	}
	while (r--)
		odb_close(&ap->odb[r]);
	if (catfile_start(&ap->cf, p, "--batch", strbuf_detach(&oids, NULL), n * (OID_HEX + 1), 1) < 0)
		return -1;
	ap->have_cf = 1;
	ap->readers = 1;	/* one stream */
	return 0;
}

/* Blob o of ap->order, for batch b: 0, 1 when it is missing, -1 on an error. */
static int next_blob(struct apply *ap, size_t b, size_t o, struct strbuf *out)
{
	int r = b % ap->readers;

	if (!ap->have_odb)
		return catfile_next(&ap->cf, out);
	/*
	 * a sweep in pack order: the pages behind it are not needed again
	 * (each fault maps 64 KiB around it: let them go often)
	 */
	if ((o - ap->batch_order[b]) % 64 == 63)
		odb_drop_pages(&ap->odb[r]);
	return odb_read_blob(&ap->odb[r], ap->o->p, ap->act[ap->order[o]].oid, out);
}

/*
 * Read and parse the blobs of batch ra->b (actions [ra->from, ra->to)), in
 * the order asked, into ra: the actions then take their records in path
 * order. A reader owns lib/odb's odb[b % ap->readers], or git's stream (one
 * reader at a time then).
 */
static int prefetch(struct apply *ap, struct readahead *ra)
{
	double t0 = now_ms(), t1;
	size_t o;
	int got;

	strbuf_reset(&ra->recs);
	if (!ra->at)
		ra->at = xcalloc(ap->batch, sizeof(*ra->at));
	for (o = ap->batch_order[ra->b]; o < ap->batch_order[ra->b + 1]; o++) {
		struct prefetched *pf = &ra->at[ap->order[o] - ra->from];

		if ((got = next_blob(ap, ra->b, o, &ra->blob)) < 0)
			return -1;
		t1 = now_ms();
		ra->ms_read += t1 - t0;
		pf->got = got;
		pf->off = ra->recs.len;
		if (!got) {
			strbuf_reset(&ra->rec);
			issue_parse(&ra->rec, ra->blob.buf, ra->blob.len);
			strbuf_add(&ra->recs, ra->rec.buf, ra->rec.len);
		}
		pf->len = ra->recs.len - pf->off;
		t0 = now_ms();
		ra->ms_parse += t0 - t1;
	}
	return 0;
}

static void *prefetch_thread(void *data)
{
	struct readahead *ra = data;

	ra->rc = prefetch(ra->ap, ra);
	return NULL;
}

/* Batch b of nr actions begins: its slot, ready for a reader. */
static struct readahead *begin_batch(struct apply *ap, size_t b, size_t nr)
{
	struct readahead *ra = &ap->ra[b % SLOTS];

	ra->b = b;
	ra->from = b * ap->batch;
	ra->to = ra->from + ap->batch < nr ? ra->from + ap->batch : nr;
	ra->rc = 0;
	ap->started = b + 1;
	return ra;
}

static void start_batch(struct apply *ap, size_t b, size_t nr)
{
	struct readahead *ra = begin_batch(ap, b, nr);

	ra->reading = !pthread_create(&ra->thread, NULL, prefetch_thread, ra);
	if (!ra->reading)
		ra->rc = prefetch(ap, ra);	/* no thread: read now */
}

/*
 * At the start of the batch of action i: have its records (read by a
 * reader started before, or now), and start readers on the next batches:
 * two at once from lib/odb, one from git's stream.
 */
static int next_batch(struct apply *ap, size_t i, size_t nr)
{
	size_t b = i / ap->batch, nb = (nr + ap->batch - 1) / ap->batch;
	struct readahead *ra = &ap->ra[b % SLOTS];
	int rc;

	if (ap->started <= b) {
		rc = prefetch(ap, begin_batch(ap, b, nr));
	} else {
		if (ra->reading)
			pthread_join(ra->thread, NULL);
		ra->reading = 0;
		rc = ra->rc;
	}
	while (!rc && ap->started < nb && ap->started <= b + ap->readers)
		start_batch(ap, ap->started, nr);
	return rc;
}

/* Stop the readers (an error may come mid-batch) and free the read-ahead. */
static void release_readahead(struct apply *ap)
{
	int i;

	for (i = 0; i < SLOTS; i++) {
		if (ap->ra[i].reading)
			pthread_join(ap->ra[i].thread, NULL);
		ap->ra[i].reading = 0;
	}
	for (i = 0; i < SLOTS; i++) {
		strbuf_release(&ap->ra[i].recs);
		strbuf_release(&ap->ra[i].blob);
		strbuf_release(&ap->ra[i].rec);
		free(ap->ra[i].at);
		ap->ra[i].at = NULL;
	}
	free(ap->order);
	ap->order = NULL;
	free(ap->batch_order);
	ap->batch_order = NULL;
	for (i = 0; ap->have_odb && i < ap->readers; i++)
		odb_close(&ap->odb[i]);
	ap->have_odb = 0;
}

int apply_walk(struct index *ix, MDB_txn **txnp, struct walk *w, const struct apply_opts *o,
	       struct refresh_stats *st)
{
	struct apply ap;
	MDB_txn *txn = *txnp;
	uint64_t issues;
	size_t i, every;
	int rc;

	memset(&ap, 0, sizeof(ap));
	ap.batch = readahead_batch();
	strbuf_init(&ap.rec, 0);
	strbuf_init(&ap.oldrec, 0);
	strbuf_init(&ap.blob, 0);
	for (i = 0; i < SLOTS; i++) {
		strbuf_init(&ap.ra[i].recs, 0);
		strbuf_init(&ap.ra[i].blob, 0);
		strbuf_init(&ap.ra[i].rec, 0);
		ap.ra[i].ap = &ap;
	}
	strbuf_init(&ap.row, 0);
	strbuf_init(&ap.files_held, 0);
	strbuf_init(&ap.oldpost.arena, 0);
	strbuf_init(&ap.newpost.arena, 0);
	ap.ix = ix;
	ap.txn = txn;
	ap.o = o;
	ap.st = st;
	if ((rc = meta_get_u64(txn, ix, "nextnum", &ap.nextnum)) < 0 ||
	    (rc = meta_get_u64(txn, ix, "issues", &issues)) < 0)
		goto out;
	if (!ap.nextnum)
		ap.nextnum = 1;
	get_digest(txn, ix, ap.digest);
	/* a large walk keeps no postings on the way: they are made anew at the end */
	ap.bulk = o->rebuild || w->nr > refresh_chunk(REFRESH_CHUNK) ||
		meta_equals(txn, ix, "postings", "pending", 7);
	if ((w->nr > CATFILE_MIN || !o->read_blob) && (rc = start_reading(&ap, w, o->p)))
		goto out;
	refresh_trace("catfile", w->nr);
	if (w->nr > CATFILE_MIN) {
		struct strbuf file = STRBUF_INIT;
		struct stat st_gi;
		strbuf_addf(&file, "%s/index", o->p->gitdir);
		if (!stat(file.buf, &st_gi) && !gitindex_read(&ap.gi, file.buf)) {
			ap.have_gi = 1;
			ap.gi_written = (int64_t)st_gi.st_mtim.tv_sec * 1000000000 + st_gi.st_mtim.tv_nsec;
		}
		strbuf_release(&file);
	}
	if (ap.bulk && (rc = meta_put_str(txn, ix, "postings", "pending")))
		goto out;
	every = refresh_chunk(REFRESH_CHUNK) / (ap.bulk ? 1 : 8);
	if (!every)
		every = 1;
	for (i = 0; i < w->nr; i++) {
		if ((ap.have_odb || ap.have_cf) && !(i % ap.batch) && (rc = next_batch(&ap, i, w->nr)))
			goto out;
		if ((rc = apply_action(&ap, &w->act[i], i)))
			goto out;
		/*
		 * pages read through the map count as ours: let them go now and
		 * then (changes read pages all over it, and each fault maps
		 * 64 KiB around its page: more often, or 512 changes after a
		 * commit map 23 MB)
		 */
		if (!((i + 1) % (ap.bulk ? 2048 : 128))) {
			index_drop_pages(ix);
			if (ap.have_gi)
				gitindex_drop_pages(&ap.gi);
		}
		/*
		 * A large walk commits in chunks, marked "building" so that no
		 * reader answers from it; a killed run resumes from the rows
		 * committed so far, which its walk finds unchanged. A walk of
		 * changes commits more often: each change dirties its own
		 * pages of nums, files, blobs and terms, which LMDB keeps in
		 * memory until the commit (about 7 KB a change at 100,000
		 * issues: 2,048 changes a commit peak at 52 MB, 4,096 at 61).
		 */
		if ((i + 1) % every || i + 1 == w->nr)
			continue;
		issues += ap.issue_delta;
		ap.issue_delta = 0;
		if ((rc = put_held_files_rows(&ap)) ||
		    (rc = put_progress(&ap, o->roots, issues, "building", w->act[i].path)))
			goto out;
		/* a commit that fails has freed its transaction too */
		rc = index_commit(txn, "a chunk of the walk");
		txn = NULL;
		if (rc)
			goto out;
		index_drop_pages(ix);
		if ((rc = index_begin(ix, &txn, 1)))
			goto out;
		ap.txn = txn;
	}
	if ((rc = put_held_files_rows(&ap)))
		goto out;
	refresh_trace("apply", w->nr);
	/* the read-ahead is done with: give its memory back before the postings */
	release_readahead(&ap);
	if (ap.have_gi) {
		gitindex_release(&ap.gi);
		ap.have_gi = 0;
	}
	if (getenv("ROADMAP_TRACE"))
		fprintf(stderr, "%s: trace: of which blob reads %.1f ms, parsing %.1f ms\n",
			progname, ap.ms_read + ap.ra[0].ms_read + ap.ra[1].ms_read + ap.ra[2].ms_read,
			ap.ms_parse + ap.ra[0].ms_parse + ap.ra[1].ms_parse + ap.ra[2].ms_parse);
	if (ap.bulk) {
		/*
		 * The postings commit in chunks too, and each commit takes the
		 * last rows of the walk with it: record their numbering, digest
		 * and checkpoint first, as a chunk of the walk does, or a run
		 * killed in the postings leaves meta behind its rows.
		 */
		if (w->nr && (rc = put_progress(&ap, o->roots, issues, "building", w->act[w->nr - 1].path)))
			goto out;
		free_actions(w);	/* not needed any more: give the memory back */
		malloc_trim(0);
		if ((rc = postings_rebuild(ix, &txn, &issues)) ||
		    (rc = meta_put_str(txn, ix, "postings", "ok")))
			goto out;
		ap.txn = txn;
		ap.issue_delta = 0;
	}
	if ((rc = put_progress(&ap, o->roots, issues + ap.issue_delta, "clean", "")) ||
	    (rc = put_sync_state(&ap, o->roots, o->commit, o->stamp, now_ms() - o->start)))
		goto out;
	refresh_trace("postings", 0);
	rc = index_commit(txn, "the refresh");
	txn = NULL;
	refresh_trace("commit", 0);
out:
	if (txn)
		mdb_txn_abort(txn);
	*txnp = NULL;
	/* the readers first: one may be reading git's stream */
	release_readahead(&ap);
	if (ap.have_cf && catfile_finish(&ap.cf) < 0 && !rc)
		rc = error("git cat-file --batch failed");
	strbuf_release(&ap.blob);
	strbuf_release(&ap.rec);
	strbuf_release(&ap.oldrec);
	strbuf_release(&ap.row);
	strbuf_release(&ap.files_held);
	posting_list_release(&ap.oldpost);
	posting_list_release(&ap.newpost);
	if (ap.have_gi)
		gitindex_release(&ap.gi);
	return rc;
}
