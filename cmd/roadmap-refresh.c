/*
 * roadmap-refresh: bring the issue index to HEAD.
 *
 * The common case, an index that already matches HEAD, is settled here
 * without libgit2; otherwise roadmap-reindex does the walk.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "heal.h"
#include "index.h"
#include "repo.h"
#include "usage.h"

static const char usage_str[] =
	"roadmap-refresh [--full | --rebuild] [-q] [-v]\n"
	"\n"
	"    --full       compare every file of HEAD with the index (parses only new blobs)\n"
	"    --rebuild    drop the index and parse every issue file again\n"
	"    -q, --quiet  no output, not even warnings\n"
	"    -v           say what was done, and name every invalid issue file";

static const struct option longopts[] = {
	{ "full", no_argument, NULL, 'F' },
	{ "rebuild", no_argument, NULL, 'R' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 }
};

int main(int argc, char **argv)
{
	struct repo_paths paths;
	struct index *ix = NULL;
	int c, walk = 0, quiet = 0, verbose = 0;

	set_progname(argv[0]);
	opterr = 0;
	while ((c = getopt_long(argc, argv, "hqv", longopts, NULL)) != -1) {
		switch (c) {
		case 'F':
		case 'R':
			walk = 1;
			break;
		case 'q':
			quiet = 1;
			break;
		case 'v':
			verbose = 1;
			break;
		case 'h':
			help(usage_str);
		default:
			error("unknown option '%s'", argv[optind - 1]);
			usage(usage_str);
		}
	}
	if (optind < argc) {
		error("unexpected argument '%s'", argv[optind]);
		usage(usage_str);
	}
	if (repo_find(&paths) < 0 || index_open(&ix, &paths) < 0)
		exit(EXIT_FATAL);
	if (walk || !index_is_fresh(ix, &paths)) {
		index_close(ix);
		repo_paths_release(&paths);
		exec_roadmap("roadmap-reindex", argv);
		die_errno("cannot run roadmap-reindex");
	}
	if (verbose && !quiet) {
		fprintf(stderr, "%s: up to date (the index matches HEAD)\n", progname);
		index_report_invalid(ix);
		fprintf(stderr, "%s: added 0, modified 0, deleted 0; parsed 0 blobs, reused 0\n",
			progname);
	}
	index_close(ix);
	repo_paths_release(&paths);
	finish_stdout();
	return 0;
}
