#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "blob.h"
#include "catfile.h"
#include "fsck.h"
#include "issue.h"
#include "output.h"
#include "record.h"
#include "usage.h"
#include "xalloc.h"

/* One file or folder, of HEAD or of the index: key as `files` has it. */
struct entry {
	char *key;		/* "path" or "dir/" */
	int kind;		/* ROW_FILE, ROW_FILE_EXEC or ROW_TREE */
	unsigned char oid[OID_RAW];
	uint32_t num;		/* index rows only */
};

struct list {
	struct entry *e;
	size_t nr, alloc;
};

struct fsck {
	struct index *ix;
	MDB_txn *txn;
	struct strbuf roots;
	struct list head, rows;
	int problems;
};

static void problem(struct fsck *f, const char *what, const char *path, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void problem(struct fsck *f, const char *what, const char *path, const char *fmt, ...)
{
	struct strbuf q = STRBUF_INIT;
	va_list ap;

	printf("%s: ", what);
	if (path) {
		quote_path(&q, path, strlen(path), 0);
		printf("%s: ", q.buf);
	}
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	strbuf_release(&q);
	f->problems++;
}

static void list_add(struct list *l, const char *key, size_t len, int kind, const unsigned char *oid,
		     uint32_t num)
{
	struct entry *e;

	ALLOC_GROW(l->e, l->nr + 1, l->alloc);
	e = &l->e[l->nr++];
	e->key = xmemdupz(key, len);
	e->kind = kind;
	memcpy(e->oid, oid, OID_RAW);
	e->num = num;
}

static void list_release(struct list *l)
{
	size_t i;

	for (i = 0; i < l->nr; i++)
		free(l->e[i].key);
	free(l->e);
}

static int cmp_entry(const void *a, const void *b)
{
	return strcmp(((const struct entry *)a)->key, ((const struct entry *)b)->key);
}

/* HEAD's issue files and the folders under the roots, as the rows should be. */
static int list_head(struct fsck *f, const struct repo_paths *p, const char *commit)
{
	struct strbuf out = STRBUF_INIT, key = STRBUF_INIT;
	const char *args[] = { "ls-tree", "-r", "-t", "-z", "--full-tree", commit, NULL };
	const char *rec, *end;
	int ret = 0;

	if (git_capture_paths(&out, p, args, f->roots.buf, f->roots.len) < 0) {
		ret = error("cannot list HEAD's trees");
		goto done;
	}
	/* "<mode> SP <type> SP <oid> TAB <path> NUL" */
	for (rec = out.buf, end = out.buf + out.len; rec < end; rec += strlen(rec) + 1) {
		const char *tab = strchr(rec, '\t'), *path;
		unsigned mode;
		unsigned char oid[OID_RAW];

		if (!tab || tab - rec < OID_HEX + 2 || sscanf(rec, "%o", &mode) != 1 ||
		    hex_to_oid(oid, tab - OID_HEX) < 0) {
			ret = error("cannot read git ls-tree's output");
			goto done;
		}
		path = tab + 1;
		if (strlen(path) + (mode == 040000) > INDEX_KEY_MAX)
			continue;	/* not indexed: refresh says so */
		if (mode == 040000 && (issue_is_root(f->roots.buf, f->roots.len, path) ||
				       issue_root(f->roots.buf, f->roots.len, path, NULL))) {
			strbuf_reset(&key);
			strbuf_addf(&key, "%s/", path);
			list_add(&f->head, key.buf, key.len, ROW_TREE, oid, 0);
		} else if ((mode == 0100644 || mode == 0100755) && issue_name(path) &&
			   issue_root(f->roots.buf, f->roots.len, path, NULL)) {
			list_add(&f->head, path, strlen(path), mode == 0100755 ? ROW_FILE_EXEC : ROW_FILE,
				 oid, 0);
		}
	}
	if (f->head.nr)
		qsort(f->head.e, f->head.nr, sizeof(*f->head.e), cmp_entry);
done:
	strbuf_release(&out);
	strbuf_release(&key);
	return ret;
}

/* The rows of `files`, in key order. */
static int list_rows(struct fsck *f)
{
	MDB_cursor *c;
	MDB_val k, v;
	int rc = mdb_cursor_open(f->txn, f->ix->files, &c);

	if (rc)
		return lmdb_error(rc, "cannot read the index");
	while (!(rc = mdb_cursor_get(c, &k, &v, MDB_NEXT))) {
		struct file_row row;
		char *key = xmemdupz(k.mv_data, k.mv_size);

		if (file_row_decode(&row, &v) < 0)
			problem(f, "corrupt", key, "the row cannot be read");
		else
			list_add(&f->rows, k.mv_data, k.mv_size,
				 row.kind == ROW_FILE && row.mode == 0100755 ? ROW_FILE_EXEC : row.kind,
				 row.oid, row.num);
		free(key);
	}
	mdb_cursor_close(c);
	return rc == MDB_NOTFOUND ? 0 : lmdb_error(rc, "cannot read the index");
}

static const char *kind_name(int kind)
{
	return kind == ROW_TREE ? "tree" : kind == ROW_FILE_EXEC ? "executable blob" : "blob";
}

/* Merge HEAD's entries with the rows by key, naming each difference; sum both digests. */
static void compare_lists(struct fsck *f, unsigned char *head_digest, unsigned char *rows_digest)
{
	size_t i = 0, j = 0;
	char a[OID_HEX + 1], b[OID_HEX + 1];

	memset(head_digest, 0, DIGEST_RAW);
	memset(rows_digest, 0, DIGEST_RAW);
	while (i < f->head.nr || j < f->rows.nr) {
		struct entry *h = i < f->head.nr ? &f->head.e[i] : NULL;
		struct entry *r = j < f->rows.nr ? &f->rows.e[j] : NULL;
		int cmp = !h ? 1 : !r ? -1 : strcmp(h->key, r->key);

		if (cmp <= 0 && h->kind != ROW_TREE)
			digest_update(head_digest, h->key, strlen(h->key), h->oid, 1);
		if (cmp >= 0 && r->kind != ROW_TREE)
			digest_update(rows_digest, r->key, strlen(r->key), r->oid, 1);
		if (cmp < 0) {
			oid_to_hex(a, h->oid);
			problem(f, "missing", h->key, "HEAD has %s %s, the index has no row",
				kind_name(h->kind), a);
			i++;
		} else if (cmp > 0) {
			oid_to_hex(b, r->oid);
			problem(f, "extra", r->key, "the index has %s %s, HEAD has nothing",
				kind_name(r->kind), b);
			j++;
		} else {
			if (memcmp(h->oid, r->oid, OID_RAW) || h->kind != r->kind) {
				oid_to_hex(a, h->oid);
				oid_to_hex(b, r->oid);
				problem(f, "differs", h->key, "HEAD has %s %s, the index %s %s",
					kind_name(h->kind), a, kind_name(r->kind), b);
			}
			i++;
			j++;
		}
	}
}

/*
 * The files indexed with no record, their blobs missing (a partial clone
 * that could not fetch them): each is named, and their count checked.
 */
static void check_unknown(struct fsck *f)
{
	uint64_t want = 0;
	size_t i, n = 0;
	char hex[OID_HEX + 1];

	for (i = 0; i < f->rows.nr; i++) {
		struct entry *e = &f->rows.e[i];
		if (e->kind == ROW_TREE || e->num)
			continue;
		n++;
		oid_to_hex(hex, e->oid);
		problem(f, "unknown", e->key, "blob %s is missing (partial clone): the issue is "
			"not indexed; roadmap-refresh fetches it", hex);
	}
	if (!meta_get_u64(f->txn, f->ix, "unknown", &want) && want != n)
		problem(f, "differs", NULL, "meta says %llu unknown files, the rows make %zu",
			(unsigned long long)want, n);
}

/* The replace refs roadmap does not follow (of trees and commits), where git does. */
static void check_replace(struct fsck *f, const struct repo_paths *p)
{
	struct strbuf list = STRBUF_INIT, ref = STRBUF_INIT;
	const char *line, *end;

	blob_replace_unsupported(p, &list);
	for (line = list.buf; *line; line = *end ? end + 1 : end) {
		end = strchrnul(line, '\n');
		strbuf_reset(&ref);
		strbuf_addf(&ref, "refs/replace/%.*s", OID_HEX, line);
		problem(f, "replace", ref.buf, "replaces a %.*s: git reads its replacement, roadmap "
			"the original (it honours replace refs of blobs only)",
			(int)(end - line - OID_HEX - 1), line + OID_HEX + 1);
	}
	strbuf_release(&list);
	strbuf_release(&ref);
}

/* --- the full check --- */

/* The path of file `num`, for messages. */
static void num_path(struct fsck *f, uint32_t num, struct strbuf *out)
{
	MDB_val k = { sizeof(num), &num }, v;
	const char *path, *rec;
	size_t plen, reclen;

	strbuf_reset(out);
	if (!mdb_get(f->txn, f->ix->nums, &k, &v) && !num_row_decode(&v, &path, &plen, &rec, &reclen))
		strbuf_add(out, path, plen);
	else
		strbuf_addf(out, "file #%u", (unsigned)num);
}

static const char *db_name(struct fsck *f, MDB_dbi db)
{
	return db == f->ix->issues ? "issues" : db == f->ix->terms ? "terms" :
		db == f->ix->invalid ? "invalid" : "dups";
}

/* Compare the sorted expected postings of `db` with its rows, in one pass. */
static int compare_postings(struct fsck *f, const struct posting_list *pl, size_t *pos, MDB_dbi db)
{
	MDB_cursor *c;
	MDB_val k, v;
	struct strbuf path = STRBUF_INIT, key = STRBUF_INIT;
	int rc = mdb_cursor_open(f->txn, db, &c), have;
	/* invalid files and duplicate ids are keys alone */
	int keyed = db == f->ix->invalid || db == f->ix->dups;

	if (rc)
		return lmdb_error(rc, "cannot read the index");
	have = !(rc = mdb_cursor_get(c, &k, &v, MDB_FIRST));
	for (;;) {
		struct posting x, y;
		int want = 0, cmp;

		if (*pos < pl->nr) {
			posting_at(pl, *pos, &x);
			want = x.db == db;
		}
		if (!want && !have)
			break;
		if (have) {
			y.db = db;
			y.key = k.mv_data;
			y.klen = k.mv_size;
			y.num = 0;
			if (!keyed && v.mv_size != sizeof(y.num)) {
				problem(f, "corrupt", NULL, "%s: a value of %zu bytes", db_name(f, db), v.mv_size);
				have = !(rc = mdb_cursor_get(c, &k, &v, MDB_NEXT));
				continue;
			}
			if (!keyed)
				memcpy(&y.num, v.mv_data, sizeof(y.num));
		}
		if (want && keyed)
			x.num = 0;
		cmp = !want ? 1 : !have ? -1 : posting_cmp(&x, &y);
		strbuf_reset(&key);
		if (cmp < 0) {
			quote_path(&key, x.key, x.klen, 0);
			num_path(f, x.num, &path);
			problem(f, "missing", keyed ? NULL : path.buf, "%s has no posting %s",
				db_name(f, db), key.buf);
			(*pos)++;
			continue;
		}
		if (cmp > 0) {
			quote_path(&key, y.key, y.klen, 0);
			num_path(f, y.num, &path);
			problem(f, "extra", keyed ? NULL : path.buf, "%s has the posting %s",
				db_name(f, db), key.buf);
		} else {
			(*pos)++;
		}
		have = !(rc = mdb_cursor_get(c, &k, &v, MDB_NEXT));
	}
	mdb_cursor_close(c);
	strbuf_release(&path);
	strbuf_release(&key);
	return rc && rc != MDB_NOTFOUND ? lmdb_error(rc, "cannot read the index") : 0;
}

/* Every record parsed again from its blob, every posting made again; compare. */
static int check_records(struct fsck *f, const struct repo_paths *p)
{
	struct posting_list pl = POSTING_LIST_INIT;
	struct strbuf oids = STRBUF_INIT, blob = STRBUF_INIT, rec = STRBUF_INIT;
	struct catfile cf;
	size_t i, j, n, pos, files = 0, issues = 0, invalid = 0;
	uint64_t want;
	MDB_stat ms;
	int rc, ret = 0;

	for (i = 0; i < f->rows.nr; i++) {
		char hex[OID_HEX + 1];
		/* an unknown file's blob is missing (named already): git would fetch it, one by one */
		unsigned char replaced[OID_RAW];
		if (f->rows.e[i].kind == ROW_TREE || !f->rows.e[i].num)
			continue;
		/* a blob reads as its replacement, as the refresh read it */
		oid_to_hex(hex, repo_replacement(p, f->rows.e[i].oid, replaced) ? replaced :
			   f->rows.e[i].oid);
		strbuf_addf(&oids, "%s\n", hex);
		files++;
	}
	if (!files)
		strbuf_release(&oids);
	else if (catfile_start(&cf, p, "--batch", strbuf_detach(&oids, NULL), files * (OID_HEX + 1), 0) < 0)
		return -1;
	for (i = 0; i < f->rows.nr; i++) {
		struct entry *e = &f->rows.e[i];
		MDB_val k = { sizeof(e->num), &e->num }, v;
		const char *path, *stored;
		size_t plen, storedlen;
		size_t before = pl.nr;

		if (e->kind == ROW_TREE || !e->num)
			continue;
		if ((rc = catfile_next(&cf, &blob))) {
			if (rc < 0) {
				ret = -1;
				break;
			}
			problem(f, "missing", e->key, "the blob of the row is not in the repository");
			continue;
		}
		strbuf_reset(&rec);
		issue_parse(&rec, blob.buf, blob.len);
		if ((rc = mdb_get(f->txn, f->ix->nums, &k, &v)) ||
		    num_row_decode(&v, &path, &plen, &stored, &storedlen) < 0) {
			problem(f, "missing", e->key, "file #%u has no record", (unsigned)e->num);
			continue;
		}
		if (plen != strlen(e->key) || memcmp(path, e->key, plen))
			problem(f, "differs", e->key, "record #%u names another path", (unsigned)e->num);
		if (storedlen != rec.len || memcmp(stored, rec.buf, rec.len))
			problem(f, "differs", e->key, "the record differs from a parse of its blob");
		pl.num = e->num;
		index_postings(f->ix, e->key, rec.buf, rec.len, posting_list_add, &pl);
		for (; before < pl.nr; before++) {
			struct posting x;
			posting_at(&pl, before, &x);
			issues += x.db == f->ix->issues;
			invalid += x.db == f->ix->invalid;
		}
	}
	if (files && catfile_finish(&cf) < 0 && !ret)
		ret = error("git cat-file --batch failed");
	if (ret)
		goto out;
	mdb_stat(f->txn, f->ix->nums, &ms);
	if (ms.ms_entries != files)
		problem(f, "extra", NULL, "nums has %zu records for %zu files", ms.ms_entries, files);

	/* the duplicate ids follow from the ids: an id posted for more than one file */
	posting_list_sort(&pl);
	pl.num = 0;
	for (i = 0, n = pl.nr; i < n; i = j) {
		struct posting x, y;

		posting_at(&pl, i, &x);
		for (j = i + 1; j < n; j++) {
			posting_at(&pl, j, &y);
			if (y.db != x.db || y.klen != x.klen || memcmp(y.key, x.key, x.klen))
				break;
		}
		if (x.db != f->ix->issues || j - i < 2)
			continue;
		strbuf_reset(&rec);	/* a copy: the arena grows */
		strbuf_add(&rec, x.key, x.klen);
		posting_list_add(f->ix->dups, rec.buf, rec.len, &pl);
	}
	posting_list_sort(&pl);
	pos = 0;
	{
		MDB_dbi dbs[4];
		size_t d;
		/* in the order of their handles, as the postings sort */
		dbs[0] = f->ix->issues;
		dbs[1] = f->ix->terms;
		dbs[2] = f->ix->invalid;
		dbs[3] = f->ix->dups;
		for (i = 1; i < 4; i++)
			for (d = i; d > 0 && dbs[d - 1] > dbs[d]; d--) {
				MDB_dbi t = dbs[d];
				dbs[d] = dbs[d - 1];
				dbs[d - 1] = t;
			}
		for (d = 0; d < 4 && !ret; d++) {
			struct posting x;
			while (pos < pl.nr && (posting_at(&pl, pos, &x), x.db < dbs[d]))
				pos++;
			ret = compare_postings(f, &pl, &pos, dbs[d]);
		}
	}
	if (!ret && (!meta_get_u64(f->txn, f->ix, "issues", &want)) && want != issues)
		problem(f, "differs", NULL, "meta says %llu issues, the records make %zu",
			(unsigned long long)want, issues);
	if (!ret && (!meta_get_u64(f->txn, f->ix, "invalid", &want)) && want != invalid)
		problem(f, "differs", NULL, "meta says %llu invalid files, the records make %zu",
			(unsigned long long)want, invalid);
out:
	posting_list_release(&pl);
	strbuf_release(&blob);
	strbuf_release(&rec);
	return ret;
}

int fsck_index(struct index *ix, const struct repo_paths *p, const struct repo_state *rs, int full,
	       int verbose)
{
	struct fsck f;
	unsigned char head_digest[DIGEST_RAW], rows_digest[DIGEST_RAW];
	const char *head = rs->head;
	char hex[OID_HEX + 1];
	MDB_val v;
	int rc, ret = -1;

	memset(&f, 0, sizeof(f));
	f.ix = ix;
	strbuf_init(&f.roots, 0);
	if ((rc = index_begin(ix, &f.txn, 0)))
		return rc < 0 ? -1 : (problem(&f, "index", NULL, "there is none (roadmap-refresh makes it)"), 1);
	if (!meta_equals(f.txn, ix, "version", INDEX_VERSION, strlen(INDEX_VERSION))) {
		problem(&f, "index", NULL, "there is none of this version (roadmap-refresh makes it)");
		ret = f.problems;
		goto out;
	}
	if (!meta_equals(f.txn, ix, "state", "clean", 5))
		problem(&f, "index", NULL, "a build was interrupted (the next roadmap command resumes it)");
	if (!meta_equals(f.txn, ix, "commit", head, OID_HEX)) {
		int have = !meta_get(f.txn, ix, "commit", &v);
		problem(&f, "index", NULL, "at commit %.*s, HEAD is %s", have ? (int)v.mv_size : 4,
			have ? (char *)v.mv_data : "none", head);
	}
	if (!meta_equals(f.txn, ix, "config", rs->stamp.buf, rs->stamp.len))
		problem(&f, "index", NULL, "made with another configuration (roadmap.path, replace refs)");
	if (!meta_get(f.txn, ix, "roots", &v))
		strbuf_add(&f.roots, v.mv_data, v.mv_size);
	if ((strspn(head, "0") != OID_HEX && list_head(&f, p, head) < 0) || list_rows(&f) < 0)
		goto out;
	compare_lists(&f, head_digest, rows_digest);
	if (meta_get(f.txn, ix, "digest", &v) || v.mv_size != OID_HEX ||
	    memcmp(v.mv_data, (oid_to_hex(hex, rows_digest), hex), OID_HEX))
		problem(&f, "digest", NULL, "the index records %.*s, its rows sum to %s",
			v.mv_size == OID_HEX ? OID_HEX : 4, v.mv_size == OID_HEX ? (char *)v.mv_data : "none",
			hex);
	if (memcmp(head_digest, rows_digest, DIGEST_RAW)) {
		char h[OID_HEX + 1];
		oid_to_hex(h, head_digest);
		problem(&f, "digest", NULL, "HEAD's trees sum to %s, the index's rows to %s", h, hex);
	}
	check_unknown(&f);
	check_replace(&f, p);
	if (full && check_records(&f, p) < 0)
		goto out;
	if (verbose) {
		oid_to_hex(hex, head_digest);
		fprintf(stderr, "%s: %zu files and folders in HEAD, %zu rows; digest %s%s\n", progname,
			f.head.nr, f.rows.nr, hex, full ? "; every record parsed again" : "");
	}
	ret = f.problems;
out:
	mdb_txn_abort(f.txn);
	list_release(&f.head);
	list_release(&f.rows);
	strbuf_release(&f.roots);
	return ret;
}
