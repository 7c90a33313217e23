/*
 * roadmap-check: validate issue files, compiler style (the rules are in
 * lib/check.h). Exit 1 when there is any error.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "libgit.h"
#include "heal.h"
#include "index.h"
#include "issue.h"
#include "repo.h"
#include "strbuf.h"
#include "usage.h"
#include "xalloc.h"

static const char usage_str[] =
	"roadmap-check [--cached] [<path>...]\n"
	"\n"
	"    --cached    check the staged versions (what the pre-commit hook runs);\n"
	"                without paths, the staged files that differ from HEAD";

static const struct option longopts[] = {
	{ "cached", no_argument, NULL, 'c' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 }
};

int main(int argc, char **argv)
{
	struct repo_paths paths;
	struct index *ix = NULL;
	git_repository *repo = NULL;
	struct strbuf roots = STRBUF_INIT;
	char **rel;
	int c, i, cached = 0, nr_errors;

	set_progname(argv[0]);
	opterr = 0;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'c':
			cached = 1;
			break;
		case 'h':
			help(usage_str);
		default:
			usage_unknown_option(usage_str, argv);
		}
	}
	if (repo_find(&paths) < 0)
		exit(EXIT_FATAL);
	/* paths as git takes them: from the current directory, "." and ".." resolved */
	rel = xcalloc(argc - optind + 1, sizeof(*rel));
	for (i = optind; i < argc; i++) {
		if (!paths.workdir)
			die("this operation must be run in a work tree");
		if (!(rel[i - optind] = issue_path_arg(paths.workdir, argv[i]))) {
			int top = (int)strlen(paths.workdir) - (paths.workdir[1] != '\0'), bad = i;
			while (i-- > optind)	/* freed first: a sanitizer build checks for leaks */
				free(rel[i - optind]);
			free(rel);
			die("%s: '%s' is outside repository at '%.*s'", argv[bad], argv[bad], top,
			    paths.workdir);
		}
	}
	if (index_open(&ix, &paths) < 0 || index_heal(ix, &paths) < 0 ||
	    libgit_open(&repo, &paths) < 0 || libgit_roots(&roots, repo) < 0)
		exit(EXIT_FATAL);
	nr_errors = check_issues(stdout, ix, &paths, repo, &roots, cached,
				 rel, argv + optind, argc - optind);
	if (nr_errors < 0)
		die("cannot read the issue files");
	for (i = 0; i < argc - optind; i++)
		free(rel[i]);
	free(rel);

	strbuf_release(&roots);
	git_repository_free(repo);
	index_close(ix);
	repo_paths_release(&paths);
	git_libgit2_shutdown();
	finish_stdout();
	return nr_errors ? EXIT_DIFFER : 0;
}
