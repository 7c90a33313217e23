#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <stdlib.h>
#include <unistd.h>

#include "apply.h"
#include "blob.h"
#include "catfile.h"
#include "gitactions.h"
#include "heal.h"
#include "odb.h"
#include "run.h"
#include "treewalk.h"
#include "usage.h"
#include "xalloc.h"

/* Whether what transaction txn sees matches rs (HEAD, the config) and this format. */
static int fresh_in(struct index *ix, MDB_txn *txn, const struct repo_state *rs)
{
	return meta_equals(txn, ix, "commit", rs->head, OID_HEX) &&
		meta_equals(txn, ix, "config", rs->stamp.buf, rs->stamp.len) &&
		meta_equals(txn, ix, "version", INDEX_VERSION, strlen(INDEX_VERSION)) &&
		meta_equals(txn, ix, "state", "clean", 5);
}

int heal_is_fresh(struct index *ix, const struct repo_state *rs)
{
	MDB_txn *txn;
	int fresh;

	if (index_begin(ix, &txn, 0))
		return 0;
	fresh = fresh_in(ix, txn, rs);
	mdb_txn_abort(txn);
	return fresh;
}

/* commit_root_trees() without starting git: 0, or -1 when git must answer. */
static int trees_here(unsigned char (*oids)[OID_RAW], const struct repo_paths *p, const char *commit,
		      const char *roots, size_t rootslen)
{
	unsigned char c[OID_RAW];
	struct odb db;
	const char *r;
	int ret = 0;

	if (hex_to_oid(c, commit) || odb_open(&db, p->objdir))
		return -1;
	for (r = roots; !ret && r < roots + rootslen; r += strlen(r) + 1, oids++)
		ret = odb_commit_path(&db, c, r, *oids) < 0 ? -1 : 0;
	odb_close(&db);
	return ret;
}

/*
 * The tree oid of each root ("a\0b\0") in `commit`, in oids[]: all zeros
 * for a root the commit lacks; from the object files when they can be
 * read here, else from git cat-file --batch-check. Returns 0, or -1 when
 * git cannot say (or a root is not a folder).
 */
static int commit_root_trees(unsigned char (*oids)[OID_RAW], const struct repo_paths *p,
			     const char *commit, const char *roots, size_t rootslen)
{
	/*
	 * The last answer: a commit's trees never change, and a refresh that
	 * found HEAD moved asks again for the trees heal_advance() read.
	 */
	static struct strbuf memo = STRBUF_INIT;	/* commit, NUL, roots */
	static unsigned char (*memo_oids)[OID_RAW];
	struct strbuf in = STRBUF_INIT, out = STRBUF_INIT;
	struct catfile cf;
	const char *r, *line;
	unsigned char (*first)[OID_RAW] = oids;
	size_t len, n = 0;
	int ret;

	for (r = roots; r < roots + rootslen; r += strlen(r) + 1)
		n++;
	if (memo.len == strlen(commit) + 1 + rootslen && !strcmp(memo.buf, commit) &&
	    !memcmp(memo.buf + memo.len - rootslen, roots, rootslen)) {
		memcpy(oids, memo_oids, n * sizeof(*oids));
		return 0;
	}
	if (!trees_here(oids, p, commit, roots, rootslen)) {
		ret = 0;
		goto done;
	}
	for (r = roots; r < roots + rootslen; r += strlen(r) + 1)
		strbuf_addf(&in, "%s:%s\n", commit, r);
	len = in.len;
	if (catfile_start(&cf, p, "--batch-check", strbuf_detach(&in, NULL), len, 0) < 0)
		return -1;
	ret = catfile_read_all(&cf, &out);
	if (catfile_finish(&cf) < 0)
		ret = -1;
	/* "<oid> tree <size>" or "<name> missing", a line per root */
	for (r = roots, line = out.buf; !ret && r < roots + rootslen; r += strlen(r) + 1, oids++) {
		const char *end = strchrnul(line, '\n');
		memset(*oids, 0, OID_RAW);
		if (end - line > OID_HEX + 6 && !strncmp(line + OID_HEX, " tree ", 6))
			ret = hex_to_oid(*oids, line);
		else if (end - line < 8 || memcmp(end - 8, " missing", 8))
			ret = -1;	/* not a folder: let the walk sort it out */
		line = *end ? end + 1 : end;
	}
	strbuf_release(&out);
done:
	if (!ret) {
		strbuf_reset(&memo);
		strbuf_addstr(&memo, commit);
		strbuf_addch(&memo, '\0');
		strbuf_add(&memo, roots, rootslen);
		free(memo_oids);
		memo_oids = xmalloc(n * sizeof(*oids) + 1);
		memcpy(memo_oids, first, n * sizeof(*oids));
	}
	return ret;
}

/* The tree oid stored for root, or zeros when it has none (as commit_root_trees). */
static void stored_tree(unsigned char *oid, MDB_txn *txn, struct index *ix, const char *root)
{
	struct strbuf key = STRBUF_INIT;
	struct file_row row;
	MDB_val k, v;

	strbuf_addf(&key, "%s/", root);
	k.mv_size = key.len;
	k.mv_data = key.buf;
	memset(oid, 0, OID_RAW);
	if (!mdb_get(txn, ix->files, &k, &v) && !file_row_decode(&row, &v) && row.kind == ROW_TREE)
		memcpy(oid, row.oid, OID_RAW);
	strbuf_release(&key);
}

/*
 * Step 2: when HEAD moved but the tree of every root is the one indexed
 * (a commit or checkout that touched no issue file), record the new
 * commit: git cat-file --batch-check (or the object files, read here)
 * names the trees. Returns 1 when done, 0 when a walk is needed.
 */
static int heal_advance(struct index *ix, const struct repo_paths *p, const struct repo_state *rs)
{
	struct strbuf roots = STRBUF_INIT, indexed = STRBUF_INIT;
	unsigned char (*want)[OID_RAW] = NULL, (*got)[OID_RAW] = NULL;
	const char *hex = rs->head;
	const char *r;
	size_t n = 0;
	MDB_txn *txn;
	MDB_val v;
	int ok = 0;
	double start = now_ms();

	if (ix->readonly || rs->unborn || index_begin(ix, &txn, 0))
		return 0;
	if (meta_equals(txn, ix, "config", rs->stamp.buf, rs->stamp.len) &&
	    meta_equals(txn, ix, "version", INDEX_VERSION, strlen(INDEX_VERSION)) &&
	    meta_equals(txn, ix, "state", "clean", 5) &&
	    !meta_get(txn, ix, "commit", &v)) {
		strbuf_add(&indexed, v.mv_data, v.mv_size);
		if (!meta_get(txn, ix, "roots", &v)) {
			strbuf_add(&roots, v.mv_data, v.mv_size);
			ok = 1;
		}
	}
	/* the root trees indexed, against those of the commit HEAD names */
	for (r = roots.buf; r < roots.buf + roots.len; r += strlen(r) + 1)
		n++;
	want = xcalloc(n ? n : 1, sizeof(*want));
	got = xcalloc(n ? n : 1, sizeof(*got));
	for (r = roots.buf, n = 0; ok && r < roots.buf + roots.len; r += strlen(r) + 1)
		stored_tree(want[n++], txn, ix, r);
	mdb_txn_abort(txn);
	if (!ok || commit_root_trees(got, p, hex, roots.buf, roots.len) < 0 ||
	    memcmp(want, got, n * sizeof(*want)))
		goto fail;
	if (index_lock(ix, 0))
		goto fail;
	/* record the new commit, unless another writer moved the index meanwhile */
	ok = 0;
	if (!index_begin(ix, &txn, 1)) {
		struct refresh_stats st;
		memset(&st, 0, sizeof(st));
		st.mode = "advance";
		snprintf(st.reason, sizeof(st.reason), "HEAD moved; no issue file changed");
		if (meta_equals(txn, ix, "commit", indexed.buf, indexed.len) &&
		    meta_equals(txn, ix, "state", "clean", 5) &&
		    !meta_put_str(txn, ix, "commit", hex) &&
		    !put_last_refresh(txn, ix, &st, now_ms() - start))
			ok = !index_commit(txn, "the new commit");	/* ends txn, failing or not */
		else
			mdb_txn_abort(txn);
	}
	index_unlock(ix);
	goto out;
fail:
	ok = 0;
out:
	strbuf_release(&roots);
	strbuf_release(&indexed);
	free(want);
	free(got);
	return ok;
}

/* The blobs of a small walk: in-process where they can be read here, else from git. */
struct odb_reader {
	struct odb db;
	const struct repo_paths *p;
};

static int odb_blob(void *ctx, const unsigned char *oid, const char *path, struct strbuf *out)
{
	struct odb_reader *r = ctx;

	return blob_read(&r->db, r->p, oid, path, out);
}

static int odb_tree(void *ctx, const unsigned char *oid, struct strbuf *out)
{
	int type;

	return odb_read(ctx, oid, &type, out) || type != ODB_TREE;
}

/*
 * The actions from HEAD's trees, read in-process, when few folders
 * changed: the walk then grows with the changes, not with the files.
 * Returns 1 (w left empty) when many did, or a tree cannot be read here:
 * git's index, which lists every file, is then cheaper or the only way.
 */
static int tree_actions(struct actions *w, struct odb *db, unsigned char (*root_oids)[OID_RAW],
			const struct strbuf *roots)
{
	/* for tests only: another bound; 0 sends every walk to git's index */
	const char *test_max = getenv("ROADMAP_TEST_TREE_WALK_MAX");
	struct tree_walk tw = { odb_tree, db, TREE_WALK_MAX, 0, NULL };
	int rc;

	if (test_max && *test_max && !(tw.max_trees = strtoul(test_max, NULL, 10)))
		return 1;
	rc = tree_walk_roots(w, &tw, root_oids, roots);

	free(tw.failed);
	if (rc) {
		actions_release(w);
		w->rc = 0;
		w->valid = 0;
	}
	refresh_trace("trees", tw.trees);
	return rc ? 1 : 0;
}

/*
 * Step 3, the common case without libgit2: HEAD moved on a branch, git's
 * index or HEAD's trees list the changes, the walk is small. Returns 0
 * when done, 1 when roadmap-reindex must do it (any other case), -1 on an
 * error (reported).
 */
static int heal_incremental(struct index *ix, const struct repo_paths *p, struct repo_state *rs,
			    struct refresh_stats *st)
{
	struct strbuf roots = STRBUF_INIT;
	struct actions w;
	struct apply_opts o;
	unsigned char (*oids)[OID_RAW] = NULL;
	const char *hex = rs->head;
	char indexed[OID_HEX + 1];
	MDB_txn *txn = NULL;
	MDB_val v;
	size_t nroots = 0;
	const char *r;
	int rc, ret = 1, have_reader = 0;
	struct odb_reader reader;

	memset(st, 0, sizeof(*st));
	memset(&w, 0, sizeof(w));
	memset(&o, 0, sizeof(o));
	o.start = now_ms();
	if (ix->readonly || repo_rebasing(p))
		return 1;
	if ((rc = index_lock(ix, 1)))
		return rc < 0 ? -1 : 1;
	/* HEAD, read again inside the write transaction: the last writer indexes the newest */
	if (index_begin(ix, &txn, 1) || repo_state_reread_head(rs, p) < 0 || rs->detached)
		goto out;
	/* an index whose rows can be trusted, made with this configuration (so these roots) */
	if (!meta_equals(txn, ix, "version", INDEX_VERSION, strlen(INDEX_VERSION)) ||
	    !meta_equals(txn, ix, "state", "clean", 5) || meta_equals(txn, ix, "postings", "pending", 7) ||
	    !meta_equals(txn, ix, "config", rs->stamp.buf, rs->stamp.len) ||
	    meta_get(txn, ix, "roots", &v) || !v.mv_size)
		goto out;
	strbuf_add(&roots, v.mv_data, v.mv_size);
	if (meta_get(txn, ix, "commit", &v) || v.mv_size != OID_HEX ||
	    !memcmp(v.mv_data, hex, OID_HEX) || strspn(hex, "0") == OID_HEX)
		goto out;
	memcpy(indexed, v.mv_data, OID_HEX);
	indexed[OID_HEX] = '\0';
	for (r = roots.buf; r < roots.buf + roots.len; r += strlen(r) + 1)
		nroots++;
	oids = xcalloc(nroots, sizeof(*oids));
	if (commit_root_trees(oids, p, hex, roots.buf, roots.len) < 0)
		goto out;
	w.ix = ix;
	w.txn = txn;
	reader.p = p;
	have_reader = !odb_open(&reader.db, p->objdir);
	st->mode = "incremental";
	snprintf(st->reason, sizeof(st->reason), "HEAD moved from %.12s to %.12s; read from ",
		 indexed, hex);
	if (have_reader && !tree_actions(&w, &reader.db, oids, &roots))
		add_reason(st, "HEAD's trees");
	else if (!gitindex_actions(&w, p, oids, &roots))
		add_reason(st, "git's index");
	else
		goto out;
	if (w.nr > refresh_chunk(REFRESH_CHUNK))
		goto out;	/* a large walk: roadmap-reindex commits it in chunks */
	refresh_trace("walk", w.nr);
	o.p = p;
	o.roots = &roots;
	o.stamp = &rs->stamp;
	o.commit = hex;
	if (have_reader) {
		o.read_blob = odb_blob;
		o.blob_ctx = &reader;
	}
	rc = apply_actions(ix, &txn, &w, &o, st);
	/* a full map, or anything unusual: the whole refresh runs, with its retries */
	ret = rc ? (rc == MDB_MAP_FULL || rc > 0 ? 1 : -1) : 0;
	st->ms = now_ms() - o.start;
out:
	if (w.cur)
		mdb_cursor_close(w.cur);
	if (txn)
		mdb_txn_abort(txn);
	actions_release(&w);
	free(oids);
	if (have_reader)
		odb_close(&reader.db);
	index_unlock(ix);
	strbuf_release(&roots);
	return ret;
}

int heal_here(struct index *ix, const struct repo_paths *p, struct repo_state *rs, unsigned flags,
	      struct refresh_stats *st)
{
	int rc;

	if (flags & (REFRESH_FULL | REFRESH_REBUILD | REFRESH_STDIN))
		return HEAL_WALK;
	if (heal_is_fresh(ix, rs))
		return HEAL_FRESH;
	if (heal_advance(ix, p, rs))
		return HEAL_ADVANCED;
	if (flags & REFRESH_NO_WAIT)
		return HEAL_WALK;	/* step 3 waits for the refresh lock */
	rc = heal_incremental(ix, p, rs, st);
	if (rc < 0)
		return -1;
	/*
	 * HEAD once more, after the commit: a hook that came meanwhile found
	 * the lock taken and left its HEAD to this refresh.
	 */
	if (!rc && !repo_state_reread_head(rs, p) && heal_is_fresh(ix, rs))
		return HEAL_INCREMENTAL;
	return HEAL_WALK;
}

int heal_index(struct index *ix, const struct repo_paths *p, struct repo_state *rs)
{
	struct refresh_stats st;
	pid_t pid;
	int status, rc;

	if ((rc = heal_here(ix, p, rs, 0, &st)) < 0)
		return -1;
	if (rc != HEAL_WALK)
		return 0;
	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return error_errno("cannot fork");
	if (!pid) {
		char *argv[] = { "roadmap-refresh", "-q", NULL };
		setenv("ROADMAP_BY", progname, 0);
		exec_roadmap("roadmap-reindex", argv);
		error_errno("cannot run roadmap-reindex");
		_exit(EXIT_FATAL);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return error_errno("cannot wait for roadmap-reindex");
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		return error("roadmap-reindex failed");
	return 0;
}

int heal_begin(struct index *ix, const struct repo_paths *p, struct repo_state *rs, MDB_txn **txn)
{
	const char *cmd = getenv("ROADMAP_TEST_BEFORE_ANSWER");
	int rc, tries;

	/* for tests only: a command that comes between the caller's heal and its answer */
	if (cmd && *cmd) {
		struct strbuf sb = STRBUF_INIT;
		strbuf_addstr(&sb, cmd);
		unsetenv("ROADMAP_TEST_BEFORE_ANSWER");
		fflush(NULL);
		rc = system(sb.buf);	/* what it did is what counts, not how it ended */
		strbuf_release(&sb);
		if (repo_state_read(rs, p) < 0)
			return -1;
	}
	/*
	 * The first try is the common case: one transaction, in which the
	 * index matches HEAD as the command read it. Otherwise heal (the
	 * index is stale, new, or a writer came since the last try) and look
	 * again, with HEAD read again: the writer that healed indexed the
	 * HEAD it read in its write transaction, maybe a newer one.
	 */
	for (tries = 0; tries < 100; tries++) {
		if (tries && (repo_state_reread_head(rs, p) < 0 || heal_index(ix, p, rs) < 0))
			return -1;
		if ((rc = index_begin(ix, txn, 0)) < 0)
			return rc;
		if (rc)
			continue;	/* no databases yet */
		if (fresh_in(ix, *txn, rs))
			return 0;
		mdb_txn_abort(*txn);
	}
	return error("the index keeps changing (a refresh after another?); try again");
}

int index_is_fresh(struct index *ix, const struct repo_paths *p)
{
	struct repo_state rs = REPO_STATE_INIT;
	int fresh = !repo_state_read(&rs, p) && heal_is_fresh(ix, &rs);

	repo_state_release(&rs);
	return fresh;
}

int index_heal(struct index *ix, const struct repo_paths *p)
{
	struct repo_state rs = REPO_STATE_INIT;
	int rc = repo_state_read(&rs, p) < 0 ? -1 : heal_index(ix, p, &rs);

	repo_state_release(&rs);
	return rc;
}

int index_begin_fresh(struct index *ix, const struct repo_paths *p, MDB_txn **txn)
{
	struct repo_state rs = REPO_STATE_INIT;
	int rc = repo_state_read(&rs, p) < 0 ? -1 : heal_begin(ix, p, &rs, txn);

	repo_state_release(&rs);
	return rc;
}

static const char refresh_usage_fmt[] =
	"%s [--full | --rebuild | --stdin [-z]] [--no-wait] [-q] [-v]\n"
	"   or: %s --hook <hook-name> [<hook-args>...]\n"
	"\n"
	"    --full       compare every file of HEAD with the index (parses only new blobs)\n"
	"    --rebuild    drop the index and parse every issue file again\n"
	"    --stdin      refresh only the paths read from stdin, one per line, as\n"
	"                 roadmap-diff-index --committed --name-only prints them\n"
	"    -z           with --stdin: paths end with NUL and are not quoted\n"
	"    --no-wait    do nothing when another refresh is running\n"
	"    --hook <h>   run as git hook <h> does: decide, never fail, one line on error\n"
	"    -q, --quiet  no output, not even warnings\n"
	"    -v           say what was done, and name every invalid issue file";

static const struct option refresh_longopts[] = {
	{ "full", no_argument, NULL, 'F' },
	{ "rebuild", no_argument, NULL, 'R' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "no-wait", no_argument, NULL, 'W' },
	{ "stdin", no_argument, NULL, 'S' },
	{ "hook", required_argument, NULL, 'H' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 }
};

unsigned parse_refresh_options(int argc, char **argv, const char **hook)
{
	unsigned flags = 0;
	char refresh_usage[1024];
	int c;

	/* both programs take these options: name the one running */
	snprintf(refresh_usage, sizeof(refresh_usage), refresh_usage_fmt, progname, progname);
	*hook = NULL;
	opterr = 0;
	/* "+": stop at the first argument, so hook arguments stay as they are */
	while ((c = getopt_long(argc, argv, "+hqvz", refresh_longopts, NULL)) != -1) {
		switch (c) {
		case 'S':
			flags |= REFRESH_STDIN;
			break;
		case 'z':
			flags |= REFRESH_NUL;
			break;
		case 'W':
			flags |= REFRESH_NO_WAIT;
			break;
		case 'H':
			*hook = optarg;
			break;
		case 'F':
			flags |= REFRESH_FULL;
			break;
		case 'R':
			flags |= REFRESH_REBUILD;
			break;
		case 'q':
			flags |= REFRESH_QUIET;
			break;
		case 'v':
			flags |= REFRESH_VERBOSE;
			break;
		case 'h':
			help(refresh_usage);
		default:
			usage_unknown_option(refresh_usage, argv);
		}
	}
	if (optind < argc && !*hook)
		usage_bad_arg(refresh_usage, "unexpected argument", argv[optind]);
	if (!!(flags & REFRESH_FULL) + !!(flags & REFRESH_REBUILD) + !!(flags & REFRESH_STDIN) > 1)
		die("options '--full', '--rebuild' and '--stdin' cannot be used together");
	if ((flags & REFRESH_NUL) && !(flags & REFRESH_STDIN))
		die("option '-z' goes with '--stdin'");
	if (flags & REFRESH_QUIET)
		flags &= ~REFRESH_VERBOSE;
	return flags;
}
