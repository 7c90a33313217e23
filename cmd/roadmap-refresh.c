/*
 * roadmap-refresh: bring the issue index to HEAD.
 *
 * The common case, an index that already matches HEAD, is settled here
 * without libgit2; otherwise roadmap-reindex does the walk.
 */
#include <stdio.h>
#include <stdlib.h>

#include "heal.h"
#include "index.h"
#include "repo.h"
#include "usage.h"

int main(int argc, char **argv)
{
	struct repo_paths paths;
	struct index *ix = NULL;
	unsigned flags;
	int advanced = 0;

	set_progname(argv[0]);
	flags = parse_refresh_options(argc, argv);
	if (repo_find(&paths) < 0 || index_open(&ix, &paths) < 0)
		exit(EXIT_FATAL);
	if (!(flags & (REFRESH_FULL | REFRESH_REBUILD)) && !index_is_fresh(ix, &paths))
		advanced = index_advance(ix, &paths);
	if ((flags & (REFRESH_FULL | REFRESH_REBUILD)) ||
	    (!advanced && !index_is_fresh(ix, &paths))) {
		index_close(ix);
		repo_paths_release(&paths);
		exec_roadmap("roadmap-reindex", argv);
		die_errno("cannot run roadmap-reindex");
	}
	if (flags & REFRESH_VERBOSE) {
		fprintf(stderr, "%s: up to date (the index matches HEAD%s)\n", progname,
			advanced ? "; no issue file changed" : "");
		index_report_invalid(ix);
		fprintf(stderr, "%s: added 0, modified 0, deleted 0; parsed 0 blobs, reused 0\n",
			progname);
	}
	index_close(ix);
	repo_paths_release(&paths);
	finish_stdout();
	return 0;
}
