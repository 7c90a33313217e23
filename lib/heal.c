#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "apply.h"
#include "catfile.h"
#include "heal.h"
#include "odb.h"
#include "usage.h"
#include "xalloc.h"

double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* Whether what transaction txn sees matches HEAD, the config and the format. */
static int fresh_in(struct index *ix, MDB_txn *txn, const struct repo_paths *p)
{
	struct strbuf stamp = STRBUF_INIT;
	char hex[OID_HEX + 1];
	int detached, fresh;

	if (repo_read_head(p, hex, &detached) < 0)
		return 0;
	repo_config_stamp(p, &stamp);
	fresh = meta_equals(txn, ix, "commit", hex, OID_HEX) &&
		meta_equals(txn, ix, "config", stamp.buf, stamp.len) &&
		meta_equals(txn, ix, "version", INDEX_VERSION, strlen(INDEX_VERSION)) &&
		meta_equals(txn, ix, "state", "clean", 5);
	strbuf_release(&stamp);
	return fresh;
}

int index_is_fresh(struct index *ix, const struct repo_paths *p)
{
	MDB_txn *txn;
	int fresh;

	if (index_begin(ix, &txn, 0))
		return 0;
	fresh = fresh_in(ix, txn, p);
	mdb_txn_abort(txn);
	return fresh;
}

int index_begin_fresh(struct index *ix, const struct repo_paths *p, MDB_txn **txn)
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
	}
	/*
	 * The first try is the common case: one transaction, in which the
	 * index matches HEAD. Otherwise heal (the index is stale, new, or a
	 * writer came since the last try) and look again.
	 */
	for (tries = 0; tries < 100; tries++) {
		if (tries && index_heal(ix, p) < 0)
			return -1;
		if ((rc = index_begin(ix, txn, 0)) < 0)
			return rc;
		if (rc)
			continue;	/* no databases yet */
		if (fresh_in(ix, *txn, p))
			return 0;
		mdb_txn_abort(*txn);
	}
	return error("the index keeps changing (a refresh after another?); try again");
}

/* index_root_trees() without starting git: 0, or -1 when git must answer. */
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

int index_root_trees(unsigned char (*oids)[OID_RAW], const struct repo_paths *p, const char *commit,
		     const char *roots, size_t rootslen)
{
	/*
	 * The last answer: a commit's trees never change, and a refresh that
	 * found HEAD moved asks again for the trees index_advance() read.
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

/* The tree oid stored for root, or zeros when it has none (as index_root_trees). */
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

int index_advance(struct index *ix, const struct repo_paths *p)
{
	struct strbuf stamp = STRBUF_INIT, roots = STRBUF_INIT, indexed = STRBUF_INIT;
	unsigned char (*want)[OID_RAW] = NULL, (*got)[OID_RAW] = NULL;
	char hex[OID_HEX + 1];
	const char *r;
	size_t n = 0;
	MDB_txn *txn;
	MDB_val v;
	int detached, ok = 0;
	double start = now_ms();

	if (ix->readonly || repo_read_head(p, hex, &detached) || index_begin(ix, &txn, 0))
		return 0;
	repo_config_stamp(p, &stamp);
	if (meta_equals(txn, ix, "config", stamp.buf, stamp.len) &&
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
	if (!ok || index_root_trees(got, p, hex, roots.buf, roots.len) < 0 ||
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
	strbuf_release(&stamp);
	strbuf_release(&roots);
	strbuf_release(&indexed);
	free(want);
	free(got);
	return ok;
}

void exec_roadmap(const char *prog, char **argv)
{
	char self[PATH_MAX], *slash;
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 64);

	if (n > 0) {
		self[n] = '\0';
		if ((slash = strrchr(self, '/')) && strlen(prog) < 60) {
			strcpy(slash + 1, prog);
			execv(self, argv);
		}
	}
	execvp(prog, argv);
}

int index_heal(struct index *ix, const struct repo_paths *p)
{
	pid_t pid;
	int status;

	if (index_is_fresh(ix, p) || index_advance(ix, p))
		return 0;
	/* HEAD moved on a branch and git's index holds it: no libgit2, no other process */
	{
		struct refresh_stats st;
		int rc = refresh_from_gitindex(ix, p, &st);
		if (rc < 0)
			return -1;
		if (!rc && index_is_fresh(ix, p))
			return 0;
	}
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
			usage_bad_arg(refresh_usage, "unknown option", argv[optind - 1]);
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
