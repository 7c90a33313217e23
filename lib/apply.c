#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "actions.h"
#include "apply.h"
#include "blob.h"
#include "run.h"
#include "gitindex.h"
#include "issue.h"
#include "postings.h"
#include "readahead.h"
#include "record.h"
#include "usage.h"
#include "xalloc.h"

/* --- applying the actions --- */

struct apply {
	struct index *ix;
	MDB_txn *txn;
	const struct apply_opts *o;
	struct refresh_stats *st;
	struct strbuf rec, oldrec, row;
	/*
	 * In bulk, the rows of files, held until the chunk commits: put
	 * after their records, they fill pages of their own, side by side in
	 * the file, so that a later walk of files maps a third of the pages.
	 */
	struct strbuf files_held;
	struct postings_edit ed;	/* the postings, when not in bulk */
	int bulk;		/* postings are rebuilt at the end, not kept */
	double ms_read, ms_parse;	/* for ROADMAP_TRACE */
	struct readahead ra;	/* a large refresh's blobs, read ahead */
	struct strbuf blob;
	uint64_t nextnum;
	unsigned char digest[DIGEST_RAW];	/* of the rows, kept in step */
	struct gitindex gi;	/* a large refresh's source of stat data */
	int have_gi;
	int64_t gi_written;	/* when git wrote it */
	/* the blobs a partial clone lacks and could not fetch, sorted: not asked for */
	unsigned char (*missing)[OID_RAW];
	size_t nmissing;
	uint64_t unknown;	/* rows whose blob is missing (meta "unknown") */
};

static int cmp_oid(const void *a, const void *b)
{
	return memcmp(a, b, OID_RAW);
}

static int is_missing(const struct apply *ap, const unsigned char *oid)
{
	return ap->nmissing && bsearch(oid, ap->missing, ap->nmissing, OID_RAW, cmp_oid);
}

/*
 * A partial clone lacks blobs until they are asked for, and git fetches
 * what it is asked for and lacks one blob at a time: a process and a
 * round trip each (a build of 1,100 issues took 248 s). The blobs this
 * refresh will read that the clone lacks are fetched first, in one
 * batch; those still missing after it (the remote is unreachable) are
 * not asked for again: their files are indexed as unknown.
 */
static int fetch_missing(struct apply *ap, const struct actions *acts)
{
	const unsigned char **oids;
	char *missing;
	size_t i, n = 0, m;

	if (!ap->o->p || !ap->o->p->promisor)
		return 0;
	oids = xmalloc((acts->nr ? acts->nr : 1) * sizeof(*oids));
	for (i = 0; i < acts->nr; i++) {
		const struct action *a = &acts->act[i];
		MDB_val k = { OID_RAW, (void *)a->oid }, v;
		int rc;

		if ((a->type != ACT_ADD && a->type != ACT_MODIFY) || strlen(a->path) > INDEX_KEY_MAX)
			continue;
		if ((rc = mdb_get(ap->txn, ap->ix->blobs, &k, &v)) != MDB_NOTFOUND) {
			if (rc) {
				free(oids);
				return rc;
			}
			continue;	/* parsed before: not read */
		}
		oids[n++] = a->oid;
	}
	missing = xmalloc(n ? n : 1);
	if (blob_fetch_missing(ap->o->p, oids, n, missing)) {
		ap->missing = xmalloc(n * sizeof(*ap->missing));
		for (i = m = 0; i < n; i++)
			if (missing[i])
				memcpy(ap->missing[m++], oids[i], OID_RAW);
		qsort(ap->missing, m, OID_RAW, cmp_oid);
		ap->nmissing = m;
	}
	refresh_trace("fetch", n);
	free(missing);
	free(oids);
	return 0;
}

/*
 * A large refresh takes the stat data of the files git's own index knows to
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
	if (is_missing(ap, a->oid)) {
		got = 1;	/* not fetched: not asked for again */
	} else if (a->need && readahead_on(&ap->ra)) {
		const char *rec;
		size_t len;

		if (!(got = readahead_record(&ap->ra, i, &rec, &len))) {
			strbuf_add(&ap->rec, rec, len);
			ap->st->parsed++;
		}
	} else {
		t0 = now_ms();
		got = ap->o->read_blob ? ap->o->read_blob(ap->o->blob_ctx, a->oid, a->path, &ap->blob) :
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
		/* a partial clone that could not fetch it said so once; anything else, here */
		if (!is_missing(ap, a->oid))
			warning("%s: blob missing (partial or sparse clone?)", a->path);
		return MDB_NOTFOUND;	/* indexed as unknown */
	}
	return 0;
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

/* A row of files: held in bulk (see files_held), else put now. */
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
	int rc, old_unknown;

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
	if (a->type != ACT_ADD && !a->old)
		return MDB_CORRUPTED;
	/* a row with no record (number 0): its blob was missing */
	old_unknown = a->type != ACT_ADD && !a->old->num;
	if (old_unknown) {
		digest_update(ap->digest, a->path, strlen(a->path), a->old->oid, 0);
	} else if (a->type != ACT_ADD) {
		MDB_val ok, old;

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
		    (rc = postings_write(ap->ix, ap->txn, a->path, a->old->num, &old, 0, &ap->ed)))
			return rc;
		/* keep the record: going back to that commit parses nothing */
		if ((rc = mdb_put(ap->txn, ap->ix->blobs, &ok, &old, 0)))
			return rc;
		digest_update(ap->digest, a->path, strlen(a->path), a->old->oid, 0);
	}
	if (a->type == ACT_DELETE) {
		MDB_val nk = { sizeof(a->old->num), &a->old->num };
		ap->st->deleted++;
		if (old_unknown)
			ap->unknown--;
		else if ((rc = mdb_del(ap->txn, ap->ix->nums, &nk, NULL)) && rc != MDB_NOTFOUND)
			return rc;
		rc = mdb_del(ap->txn, ap->ix->files, &k, NULL);
		return rc == MDB_NOTFOUND ? 0 : rc;
	}
	rc = blob_record(ap, a, i);
	memset(&row, 0, sizeof(row));
	row.kind = ROW_FILE;
	row.mode = a->mode;
	memcpy(row.oid, a->oid, OID_RAW);
	if (rc == MDB_NOTFOUND) {
		/*
		 * No blob: a row with no record (number 0), so that the walks
		 * find the file indexed as HEAD has it, queries do not see it,
		 * and the index says how many such files it has (unknown)
		 */
		MDB_val old = { ap->oldrec.len, ap->oldrec.buf };
		if (a->type == ACT_MODIFY && !old_unknown) {
			MDB_val nk = { sizeof(a->old->num), &a->old->num };
			if (!ap->bulk &&
			    (rc = postings_write(ap->ix, ap->txn, a->path, a->old->num, &old, 0, &ap->ed)))
				return rc;
			if ((rc = mdb_del(ap->txn, ap->ix->nums, &nk, NULL)) && rc != MDB_NOTFOUND)
				return rc;
		}
		if (!old_unknown)
			ap->unknown++;
		digest_update(ap->digest, a->path, strlen(a->path), a->oid, 1);
		file_row_encode(&row, &ap->row);
		v.mv_size = ap->row.len;
		v.mv_data = ap->row.buf;
		return put_files_row(ap, &k, &v);
	}
	if (rc)
		return rc;
	digest_update(ap->digest, a->path, strlen(a->path), a->oid, 1);
	seed_row(ap, a->path, &row);
	if (old_unknown) {
		/* known at last (fetched): a new file to the postings */
		ap->unknown--;
		row.num = ap->nextnum++;
		ap->st->modified++;
	} else if (a->type == ACT_MODIFY) {
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
	if (!ap->bulk && a->type == ACT_MODIFY && !old_unknown)
		rc = postings_change(ap->ix, ap->txn, a->path, row.num, &ap->oldrec, &ap->rec, &ap->ed);
	else if (!ap->bulk)
		rc = postings_write(ap->ix, ap->txn, a->path, row.num, &v, 1, &ap->ed);
	if (rc)
		return rc;
	file_row_encode(&row, &ap->row);
	v.mv_size = ap->row.len;
	v.mv_data = ap->row.buf;
	return put_files_row(ap, &k, &v);
}

/* --- the transaction --- */


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
	    (rc = meta_put_u64(txn, ix, "unknown", 0)) ||
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
 * numbering, and the state. "building" (a chunk of a large refresh) keeps
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
	    (rc = meta_put_u64(ap->txn, ap->ix, "unknown", ap->unknown)) ||
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
	repo_replace_list(ap->o->p, &key);	/* the replace refs read through */
	if (!(rc = mdb_stat(txn, ix->invalid, &dbs)) &&
	    !(rc = meta_put(txn, ix, "replace", key.buf, key.len)) &&
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
 * Mark the adds and changes whose blobs the cache lacks, and read those
 * ahead (readahead.h), unless they are few and there is a reader of its own.
 */
static int start_reading(struct apply *ap, struct actions *acts, const struct repo_paths *p)
{
	size_t i, n = 0;

	for (i = 0; i < acts->nr; i++) {
		struct action *a = &acts->act[i];
		MDB_val k = { OID_RAW, a->oid }, v;

		a->need = (a->type == ACT_ADD || a->type == ACT_MODIFY) &&
			strlen(a->path) <= INDEX_KEY_MAX && !is_missing(ap, a->oid) &&
			mdb_get(ap->txn, ap->ix->blobs, &k, &v);
		n += a->need;
	}
	/* with a reader of its own, a small refresh reads its few blobs itself */
	if (!n || (ap->o->read_blob && n < CATFILE_MIN)) {
		for (i = 0; i < acts->nr; i++)
			acts->act[i].need = 0;
		return 0;
	}
	return readahead_start(&ap->ra, acts->act, acts->nr, n, p, ap->bulk);
}

int apply_actions(struct index *ix, MDB_txn **txnp, struct actions *acts, const struct apply_opts *o,
		  struct refresh_stats *st)
{
	struct apply ap;
	MDB_txn *txn = *txnp;
	uint64_t issues;
	size_t i, every;
	int rc;

	memset(&ap, 0, sizeof(ap));
	readahead_init(&ap.ra);
	strbuf_init(&ap.rec, 0);
	strbuf_init(&ap.oldrec, 0);
	strbuf_init(&ap.blob, 0);
	strbuf_init(&ap.row, 0);
	strbuf_init(&ap.files_held, 0);
	postings_edit_init(&ap.ed);
	ap.ix = ix;
	ap.txn = txn;
	ap.o = o;
	ap.st = st;
	if ((rc = meta_get_u64(txn, ix, "nextnum", &ap.nextnum)) < 0 ||
	    (rc = meta_get_u64(txn, ix, "issues", &issues)) < 0 ||
	    (rc = meta_get_u64(txn, ix, "unknown", &ap.unknown)) < 0 ||
	    (rc = fetch_missing(&ap, acts)))
		goto out;
	if (!ap.nextnum)
		ap.nextnum = 1;
	get_digest(txn, ix, ap.digest);
	/* a large refresh keeps no postings on the way: they are made anew at the end */
	ap.bulk = o->rebuild || acts->nr > refresh_chunk(REFRESH_CHUNK) ||
		meta_equals(txn, ix, "postings", "pending", 7);
	if ((acts->nr > CATFILE_MIN || !o->read_blob) && (rc = start_reading(&ap, acts, o->p)))
		goto out;
	refresh_trace("catfile", acts->nr);
	if (acts->nr > CATFILE_MIN) {
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
	for (i = 0; i < acts->nr; i++) {
		if (readahead_on(&ap.ra) && !(i % ap.ra.batch) &&
		    (rc = readahead_next_batch(&ap.ra, i, acts->nr)))
			goto out;
		if ((rc = apply_action(&ap, &acts->act[i], i)))
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
		 * A large refresh commits in chunks, marked "building" so that no
		 * reader answers from it; a killed run resumes from the rows
		 * committed so far, which its walk finds unchanged. A refresh
		 * of changes commits more often: each change dirties its own
		 * pages of nums, files, blobs and terms, which LMDB keeps in
		 * memory until the commit (about 7 KB a change at 100,000
		 * issues: 2,048 changes a commit peak at 52 MB, 4,096 at 61).
		 */
		if ((i + 1) % every || i + 1 == acts->nr)
			continue;
		issues += ap.ed.issue_delta;
		ap.ed.issue_delta = 0;
		if ((rc = put_held_files_rows(&ap)) ||
		    (rc = put_progress(&ap, o->roots, issues, "building", acts->act[i].path)))
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
	refresh_trace("apply", acts->nr);
	/* the read-ahead is done with: give its memory back before the postings */
	readahead_release(&ap.ra);
	if (ap.have_gi) {
		gitindex_release(&ap.gi);
		ap.have_gi = 0;
	}
	if (getenv("ROADMAP_TRACE")) {
		double ms_read = ap.ms_read, ms_parse = ap.ms_parse;

		readahead_times(&ap.ra, &ms_read, &ms_parse);
		fprintf(stderr, "%s: trace: of which blob reads %.1f ms, parsing %.1f ms\n",
			progname, ms_read, ms_parse);
	}
	if (ap.bulk) {
		/*
		 * The postings commit in chunks too, and each commit takes the
		 * last rows with it: record their numbering, digest and
		 * checkpoint first, as a chunk of the actions does, or a run
		 * killed in the postings leaves meta behind its rows.
		 */
		if (acts->nr &&
		    (rc = put_progress(&ap, o->roots, issues, "building", acts->act[acts->nr - 1].path)))
			goto out;
		actions_release(acts);	/* not needed any more: give the memory back */
		malloc_trim(0);
		if ((rc = postings_rebuild(ix, &txn, &issues)) ||
		    (rc = meta_put_str(txn, ix, "postings", "ok")))
			goto out;
		ap.txn = txn;
		ap.ed.issue_delta = 0;
	}
	if ((rc = put_progress(&ap, o->roots, issues + ap.ed.issue_delta, "clean", "")) ||
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
	if (readahead_finish(&ap.ra) < 0 && !rc)
		rc = error("git cat-file --batch failed");
	strbuf_release(&ap.blob);
	strbuf_release(&ap.rec);
	strbuf_release(&ap.oldrec);
	strbuf_release(&ap.row);
	strbuf_release(&ap.files_held);
	postings_edit_release(&ap.ed);
	if (ap.have_gi)
		gitindex_release(&ap.gi);
	free(ap.missing);
	return rc;
}
