/*
 * roadmap-diff-index: what differs between the issue index and a commit,
 * the staging area or the working tree, over the issue roots, in git's
 * raw diff format. It never refreshes the index: it is how a script asks
 * whether a refresh is needed, and what a refresh would touch.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "git.h"
#include "index.h"
#include "issue.h"
#include "output.h"
#include "overlay.h"
#include "record.h"
#include "refresh.h"
#include "repo.h"
#include "usage.h"
#include "xalloc.h"

static const char usage_str[] =
	"roadmap-diff-index [--cached | --committed] [--exit-code | --quiet] [-z]\n"
	"                   [--name-only | --name-status] [<commit>]\n"
	"\n"
	"    (default)      compare the index with the working tree\n"
	"    --cached       compare the index with the staging area\n"
	"    --committed    compare the index with <commit> (default HEAD); implied by <commit>\n"
	"    --exit-code    exit 1 when there are differences\n"
	"    --quiet        print nothing; implies --exit-code\n"
	"    -z             NUL after each field that ends a record, paths verbatim\n"
	"    --name-only    only the paths\n"
	"    --name-status  status, issue id and path";

enum { OPT_CACHED = 256, OPT_COMMITTED, OPT_EXIT_CODE, OPT_QUIET, OPT_NAME_ONLY, OPT_NAME_STATUS };

static const struct option longopts[] = {
	{ "cached", no_argument, NULL, OPT_CACHED },
	{ "committed", no_argument, NULL, OPT_COMMITTED },
	{ "exit-code", no_argument, NULL, OPT_EXIT_CODE },
	{ "quiet", no_argument, NULL, OPT_QUIET },
	{ "name-only", no_argument, NULL, OPT_NAME_ONLY },
	{ "name-status", no_argument, NULL, OPT_NAME_STATUS },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 }
};

enum format { RAW, NAME_ONLY, NAME_STATUS };

static struct diff_entry *new_entry(struct diff *d, int status, const char *path, size_t len)
{
	struct diff_entry *e;

	ALLOC_GROW(d->e, d->nr + 1, d->alloc);
	e = &d->e[d->nr++];
	memset(e, 0, sizeof(*e));
	e->status = status;
	e->path = xmemdupz(path, len);
	return e;
}

static void set_old(struct diff_entry *e, const struct file_row *row)
{
	e->old_mode = row->mode;
	memcpy(e->old_oid, row->oid, OID_RAW);
	e->old_rec = xmemdupz(row->rec, row->reclen);
	e->old_reclen = row->reclen;
}

struct row_copy {
	char *path;
	struct file_row row;	/* row.rec owned */
};

static int cmp_rows(const void *a, const void *b)
{
	return strcmp(((const struct row_copy *)a)->path, ((const struct row_copy *)b)->path);
}

/* The index's file rows under the roots, sorted by path. */
static int collect_rows(struct row_copy **out, size_t *nr, struct index *ix, const struct strbuf *roots)
{
	struct strbuf prefix = STRBUF_INIT;
	size_t alloc = 0;
	const char *r;
	MDB_txn *txn;
	MDB_cursor *c;
	MDB_val k, v;
	int rc;

	*out = NULL;
	*nr = 0;
	if ((rc = index_begin(ix, &txn, 0)))
		return rc < 0 ? -1 : 0;		/* no index yet: no rows */
	if ((rc = mdb_cursor_open(txn, ix->files, &c))) {
		mdb_txn_abort(txn);
		return lmdb_error(rc, "cannot read the index");
	}
	for (r = roots->buf; r < roots->buf + roots->len; r += strlen(r) + 1) {
		strbuf_reset(&prefix);
		strbuf_addf(&prefix, "%s/", r);
		k.mv_size = prefix.len;
		k.mv_data = prefix.buf;
		for (rc = mdb_cursor_get(c, &k, &v, MDB_SET_RANGE); !rc &&
		     k.mv_size >= prefix.len && !memcmp(k.mv_data, prefix.buf, prefix.len);
		     rc = mdb_cursor_get(c, &k, &v, MDB_NEXT)) {
			struct row_copy *rc_;
			struct file_row row;
			if (file_row_decode(&row, &v) || row.kind != ROW_FILE ||
			    file_row_record(txn, ix, &row))
				continue;
			ALLOC_GROW(*out, *nr + 1, alloc);
			rc_ = &(*out)[(*nr)++];
			rc_->path = xmemdupz(k.mv_data, k.mv_size);
			rc_->row = row;
			rc_->row.rec = xmemdupz(row.rec, row.reclen);
		}
	}
	mdb_cursor_close(c);
	mdb_txn_abort(txn);
	strbuf_release(&prefix);
	if (*nr)
		qsort(*out, *nr, sizeof(**out), cmp_rows);
	return 0;
}

static void free_rows(struct row_copy *rows, size_t nr)
{
	size_t i;

	for (i = 0; i < nr; i++) {
		free(rows[i].path);
		free((char *)rows[i].row.rec);
	}
	free(rows);
}

/* Rows against the staging area's entries, both in path order. */
static int diff_cached(struct diff *d, struct index *ix, git_repository *repo,
		       const struct strbuf *roots)
{
	const char *index_file = getenv("GIT_INDEX_FILE");
	git_index *gi = NULL;
	struct row_copy *rows;
	size_t nr, i = 0, j = 0, n;

	if (index_file && *index_file ? git_index_open(&gi, index_file) < 0 :
	    git_repository_index(&gi, repo) < 0)
		return repo_error("cannot read the staging area");
	if (collect_rows(&rows, &nr, ix, roots) < 0) {
		git_index_free(gi);
		return -1;
	}
	n = git_index_entrycount(gi);
	for (;;) {
		const git_index_entry *ge = NULL;
		int cmp;

		/* the next staged regular file under the roots, at stage 0 */
		for (; j < n; j++) {
			ge = git_index_get_byindex(gi, j);
			if (!git_index_entry_stage(ge) && issue_name(ge->path) &&
			    issue_root(roots->buf, roots->len, ge->path, NULL) &&
			    (ge->mode == GIT_FILEMODE_BLOB || ge->mode == GIT_FILEMODE_BLOB_EXECUTABLE))
				break;
			ge = NULL;
		}
		if (i >= nr && !ge)
			break;
		cmp = i >= nr ? 1 : !ge ? -1 : strcmp(rows[i].path, ge->path);
		if (cmp < 0) {
			set_old(new_entry(d, 'D', rows[i].path, strlen(rows[i].path)), &rows[i].row);
			i++;
			continue;
		}
		if (cmp > 0 || memcmp(rows[i].row.oid, ge->id.id, OID_RAW) ||
		    rows[i].row.mode != ge->mode) {
			struct diff_entry *e = new_entry(d, cmp ? 'A' : 'M', ge->path, strlen(ge->path));
			if (!cmp)
				set_old(e, &rows[i].row);
			e->new_mode = ge->mode;
			memcpy(e->new_oid, ge->id.id, OID_RAW);
		}
		j++;
		if (!cmp)
			i++;
	}
	free_rows(rows, nr);
	git_index_free(gi);
	return 0;
}

/* Rows against the working tree: the overlay, whose files hash differently. */
static int diff_worktree(struct diff *d, struct index *ix, const struct repo_paths *p,
			 const struct strbuf *roots)
{
	struct overlay ov = OVERLAY_INIT;
	MDB_txn *txn;
	size_t i;
	int rc;

	if ((rc = index_begin(ix, &txn, 0)))
		return rc < 0 ? -1 : 0;
	rc = overlay_compute(&ov, ix, txn, p, roots->buf, roots->len);
	for (i = 0; !rc && i < ov.nr; i++) {
		const struct overlay_file *f = &ov.files[i];
		MDB_val k = { strlen(f->path), f->path }, v;
		struct file_row row;
		int in_index = !mdb_get(txn, ix->files, &k, &v) && !file_row_decode(&row, &v) &&
			!file_row_record(txn, ix, &row);
		struct diff_entry *e = new_entry(d, f->deleted ? 'D' : in_index ? 'M' : 'A',
						 f->path, strlen(f->path));
		if (in_index)
			set_old(e, &row);
		if (!f->deleted) {
			e->new_mode = f->mode;
			memcpy(e->new_oid, f->oid, OID_RAW);
			e->new_rec = xmemdupz(f->rec, f->reclen);
			e->new_reclen = f->reclen;
		}
	}
	mdb_txn_abort(txn);
	overlay_release(&ov);
	return rc ? -1 : 0;
}

/* The issue id of the entry's new side (old side for 'D'), or "". */
static void entry_id(struct strbuf *out, struct diff_entry *e, git_repository *repo)
{
	struct record rec;
	const char *id;
	size_t len;

	strbuf_reset(out);
	if (e->status != 'D' && !e->new_rec) {
		git_blob *blob;
		git_oid oid;
		struct strbuf sb = STRBUF_INIT;
		memcpy(oid.id, e->new_oid, OID_RAW);
		if (git_blob_lookup(&blob, repo, &oid) < 0)
			return;
		issue_parse(&sb, git_blob_rawcontent(blob), git_blob_rawsize(blob));
		git_blob_free(blob);
		e->new_rec = strbuf_detach(&sb, &e->new_reclen);
	}
	if (e->status == 'D' ? record_decode(&rec, e->old_rec, e->old_reclen) :
	    record_decode(&rec, e->new_rec, e->new_reclen))
		return;
	if (rec.kind == RECORD_ISSUE && !issue_file_id(&rec, e->path, &id, &len))
		strbuf_add(out, id, len);
}

static void print_entry(struct strbuf *out, struct diff_entry *e, enum format fmt, int nul,
			git_repository *repo)
{
	char old_hex[OID_HEX + 1], new_hex[OID_HEX + 1];
	struct strbuf id = STRBUF_INIT;
	char term = nul ? '\0' : '\n';

	strbuf_reset(out);
	switch (fmt) {
	case RAW:
		oid_to_hex(old_hex, e->old_oid);
		oid_to_hex(new_hex, e->new_oid);
		strbuf_addf(out, ":%06o %06o %s %s %c%c", e->old_mode, e->new_mode,
			    old_hex, new_hex, e->status, nul ? '\0' : '\t');
		break;
	case NAME_STATUS:
		entry_id(&id, e, repo);
		strbuf_addf(out, "%c%c", e->status, nul ? '\0' : '\t');
		if (nul)
			strbuf_add(out, id.buf, id.len + 1);
		else {
			quote_path(out, id.buf, id.len, 0);
			strbuf_addch(out, '\t');
		}
		break;
	case NAME_ONLY:
		break;
	}
	quote_path(out, e->path, strlen(e->path), nul);
	strbuf_addch(out, term);
	fwrite(out->buf, 1, out->len, stdout);
	strbuf_release(&id);
}

int main(int argc, char **argv)
{
	struct repo_paths paths;
	struct index *ix = NULL;
	git_repository *repo = NULL;
	struct strbuf roots = STRBUF_INIT, out = STRBUF_INIT;
	struct diff d;
	enum format fmt = RAW;
	int c, cached = 0, committed = 0, exit_code = 0, quiet = 0, nul = 0, rc;
	size_t i;

	set_progname(argv[0]);
	opterr = 0;
	while ((c = getopt_long(argc, argv, "hz", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_CACHED:
			cached = 1;
			break;
		case OPT_COMMITTED:
			committed = 1;
			break;
		case OPT_EXIT_CODE:
			exit_code = 1;
			break;
		case OPT_QUIET:
			quiet = exit_code = 1;
			break;
		case OPT_NAME_ONLY:
			fmt = NAME_ONLY;
			break;
		case OPT_NAME_STATUS:
			fmt = NAME_STATUS;
			break;
		case 'z':
			nul = 1;
			break;
		case 'h':
			help(usage_str);
		default:
			usage_bad_arg(usage_str, "unknown option", argv[optind - 1]);
		}
	}
	if (argc - optind > 1)
		usage_bad_arg(usage_str, "unexpected argument", argv[optind + 1]);
	if (optind < argc)
		committed = 1;
	if (cached && committed)
		die("options '--cached' and '--committed' cannot be used together");

	if (repo_find(&paths) < 0 || index_open(&ix, &paths) < 0 ||
	    repo_open(&repo, &paths) < 0 || repo_roots(&roots, repo) < 0)
		exit(EXIT_FATAL);
	if (committed) {
		const char *rev = optind < argc ? argv[optind] : "HEAD";
		git_object *obj = NULL;
		git_tree *tree = NULL;
		if (git_revparse_single(&obj, repo, rev) < 0 ||
		    git_object_peel((git_object **)&tree, obj, GIT_OBJECT_TREE) < 0) {
			/* an unborn HEAD has no tree: everything indexed is gone */
			if (optind < argc || !git_repository_head_unborn(repo))
				die("bad revision '%s'", rev);
		}
		rc = refresh_diff(&d, ix, repo, tree, &roots);
		git_tree_free(tree);
		git_object_free(obj);
	} else {
		memset(&d, 0, sizeof(d));
		rc = cached ? diff_cached(&d, ix, repo, &roots) : diff_worktree(&d, ix, &paths, &roots);
	}
	if (rc < 0)
		die("cannot compare with the index");
	for (i = 0; !quiet && i < d.nr; i++)
		print_entry(&out, &d.e[i], fmt, nul, repo);
	rc = exit_code && d.nr ? EXIT_DIFFER : 0;
	diff_release(&d);
	strbuf_release(&roots);
	strbuf_release(&out);
	git_repository_free(repo);
	index_close(ix);
	repo_paths_release(&paths);
	git_libgit2_shutdown();
	finish_stdout();
	return rc;
}
