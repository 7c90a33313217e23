/*
 * roadmap-reindex: walk HEAD's trees against the index and bring it to
 * HEAD. roadmap-refresh runs it when the index is stale; this is the one
 * program that starts libgit2 (about 10 ms), so the fresh case never pays.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "git.h"
#include "index.h"
#include "refresh.h"
#include "repo.h"
#include "usage.h"

static const char usage_str[] =
	"roadmap-reindex [--full | --rebuild] [-q] [-v]\n"
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
	struct refresh_stats st;
	unsigned flags = 0;
	int c, quiet = 0, verbose = 0;

	set_progname(argv[0]);
	opterr = 0;
	while ((c = getopt_long(argc, argv, "hqv", longopts, NULL)) != -1) {
		switch (c) {
		case 'F':
			flags |= REFRESH_FULL;
			break;
		case 'R':
			flags |= REFRESH_REBUILD;
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
	if ((flags & REFRESH_FULL) && (flags & REFRESH_REBUILD))
		die("options '--full' and '--rebuild' cannot be used together");
	if (quiet)
		verbose = 0;

	if (repo_find(&paths) < 0 || index_open(&ix, &paths) < 0)
		exit(EXIT_FATAL);
	if (refresh_index(ix, &paths, flags, &st) < 0)
		die("cannot refresh the index");
	if (verbose) {
		fprintf(stderr, "%s: %s (%s)\n", progname, st.mode, st.reason);
		index_report_invalid(ix);
		fprintf(stderr, "%s: added %u, modified %u, deleted %u; parsed %u blobs, reused %u; %.1f ms\n",
			progname, st.added, st.modified, st.deleted, st.parsed, st.reused, st.ms);
	}
	index_close(ix);
	repo_paths_release(&paths);
	git_libgit2_shutdown();
	finish_stdout();
	return 0;
}
