/*
 * roadmap-diff-index: what differs between the issue index and a commit,
 * the staging area or the working tree, over the issue roots, in git's
 * raw diff format. It never refreshes the index: it is how a script asks
 * whether a refresh is needed, and what a refresh would touch. It waits
 * for a refresh in flight (a hook's, in the background), as every reader
 * does: "git commit && roadmap-diff-index --committed --quiet" answers
 * for the index the hook made, never for one half made.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diff.h"
#include "libgit.h"
#include "index.h"
#include "output.h"
#include "repo.h"
#include "usage.h"

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
		diff_entry_id(&id, e, repo);
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
			usage_unknown_option(usage_str, argv);
		}
	}
	if (argc - optind > 1)
		usage_bad_arg(usage_str, "unexpected argument", argv[optind + 1]);
	if (optind < argc)
		committed = 1;
	if (cached && committed)
		die("options '--cached' and '--committed' cannot be used together");

	if (repo_find(&paths) < 0 || index_open(&ix, &paths) < 0 ||
	    libgit_open(&repo, &paths) < 0 || libgit_roots(&roots, repo) < 0)
		exit(EXIT_FATAL);
	index_wait_refresh(ix);
	rc = diff_index(&d, ix, &paths, repo, &roots,
			committed ? DIFF_COMMITTED : cached ? DIFF_CACHED : DIFF_WORKTREE,
			optind < argc ? argv[optind] : NULL);
	if (rc == DIFF_BAD_REVISION)
		die("bad revision '%s'", optind < argc ? argv[optind] : "HEAD");
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
