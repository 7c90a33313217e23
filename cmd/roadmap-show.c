/*
 * roadmap-show <id>...: print issue files as they are in the working tree
 * (or in HEAD with --committed).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "blob.h"
#include "index.h"
#include "odb.h"
#include "query.h"
#include "catfile.h"
#include "gitindex.h"
#include "repo.h"
#include "usage.h"

static const char usage_str[] =
	"roadmap-show [--committed] <id>...\n"
	"\n"
	"    --committed    the file as HEAD has it, not the working tree\n"
	"    <id>           exact, else ignoring case, else a unique prefix (4+ characters)";

static const struct option longopts[] = {
	{ "committed", no_argument, NULL, 'c' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 }
};

/*
 * HEAD's blob at path: by its oid (from the healed index's row) when
 * `row` is given, read in-process, or by git when lib/odb cannot; else
 * git names it. The one place this program reads a blob.
 */
static int read_head_blob(struct strbuf *out, const struct repo_paths *p,
			  const struct file_row *row, const char *path)
{
	struct odb db;
	int ret, opened;

	if (row) {
		opened = !odb_open(&db, p->objdir);
		ret = blob_read(opened ? &db : NULL, p, row->oid, path, out) ? -1 : 0;
		if (opened)
			odb_close(&db);
	} else {
		struct strbuf spec = STRBUF_INIT;
		char *argv[] = { "git", "cat-file", "blob", NULL, NULL };
		strbuf_addf(&spec, "HEAD:%s", path);
		argv[3] = spec.buf;
		ret = git_capture(out, p, argv);
		strbuf_release(&spec);
	}
	return ret;
}

/* Print HEAD's blob at path. */
static int show_committed(struct index *ix, const struct repo_paths *p, const char *path)
{
	struct strbuf out = STRBUF_INIT;
	struct file_row row;
	MDB_txn *txn;
	int ret, have = 0;

	if (!index_begin(ix, &txn, 0)) {
		have = !index_get_file(txn, ix, path, strlen(path), &row) && row.kind != ROW_TREE;
		index_end(txn);
	}
	ret = read_head_blob(&out, p, have ? &row : NULL, path);
	if (!ret)
		fwrite(out.buf, 1, out.len, stdout);
	strbuf_release(&out);
	return ret;
}

/*
 * A file a sparse checkout keeps off the disk (skip-worktree): its staged
 * blob, as git answers for it. Returns 1 when path is no such file.
 */
static int read_sparse(struct strbuf *out, const struct repo_paths *p, const char *path)
{
	const char *slash = strrchr(path, '/');
	struct strbuf dir = STRBUF_INIT;
	struct staged st;
	size_t i;
	int ret = 1;

	strbuf_add(&dir, path, slash ? (size_t)(slash - path) : 0);
	if (!staged_read(&st, p, dir.buf, dir.len + 1, 1))
		for (i = 0; i < st.nr && ret == 1; i++)
			if (!strcmp(st.e[i].path, path) && !st.e[i].stage)
				ret = blob_read(NULL, p, st.e[i].oid, path, out) ? -1 : 0;
	staged_release(&st);
	strbuf_release(&dir);
	return ret;
}

static int show_file(const struct repo_paths *p, const char *path)
{
	struct strbuf full = STRBUF_INIT, buf = STRBUF_INIT;
	int ret;

	strbuf_addf(&full, "%s%s", p->workdir, path);
	ret = strbuf_read_file(&buf, full.buf, 0);
	if (ret < 0 && errno == ENOENT) {
		if (!read_sparse(&buf, p, path))
			ret = 0;
		errno = ENOENT;
	}
	if (ret < 0)
		error_errno("cannot read '%s'", path);
	else
		fwrite(buf.buf, 1, buf.len, stdout);
	strbuf_release(&full);
	strbuf_release(&buf);
	return ret;
}

int main(int argc, char **argv)
{
	struct repo_paths paths;
	struct index *ix = NULL;
	struct query q;
	int c, committed = 0, ret = 0, i;
	size_t j;

	set_progname(argv[0]);
	opterr = 0;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'c':
			committed = 1;
			break;
		case 'h':
			help(usage_str);
		default:
			usage_unknown_option(usage_str, argv);
		}
	}
	if (optind >= argc)
		usage(usage_str);
	if (repo_find(&paths) < 0 || index_open(&ix, &paths) < 0)
		exit(EXIT_FATAL);
	for (i = optind; i < argc; i++) {
		struct answer a;

		memset(&q, 0, sizeof(q));
		q.limit = -1;
		q.committed = committed;
		q.typed_id = 1;
		query_add_value(&q, "id", argv[i]);	/* ids may hold commas */
		if (query_run(&a, &q, ix, &paths) < 0)
			die("cannot answer from the index");
		if (a.candidates.len) {
			/* as git rev-parse says of a short hash */
			const char *c;
			fflush(stdout);
			error("short id '%s' is ambiguous", argv[i]);
			fprintf(stderr, "hint: The candidates are:\n");
			for (c = a.candidates.buf; c < a.candidates.buf + a.candidates.len;
			     c += strlen(c) + 1)
				fprintf(stderr, "hint:   %s\n", c);
			answer_release(&a);
			query_release(&q);
			ret = EXIT_FATAL;
			break;
		}
		if (!a.nr) {
			error("no issue with id '%s'", argv[i]);
			/* not found may be one of the unknown issues: incomplete, not "no" */
			ret = ret == EXIT_FATAL ? ret : a.unknown ? EXIT_INCOMPLETE : 1;
		}
		for (j = 0; j < a.nr; j++)
			if ((committed ? show_committed(ix, &paths, a.r[j].path) :
			     show_file(&paths, a.r[j].path)) < 0)
				ret = EXIT_FATAL;
		answer_release(&a);
		query_release(&q);
	}
	index_close(ix);
	repo_paths_release(&paths);
	finish_stdout();
	return ret;
}
