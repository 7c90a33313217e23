/*
 * roadmap-reindex: walk HEAD's trees against the index and bring it to
 * HEAD. roadmap-refresh runs it when the index is stale; this is the one
 * program that starts libgit2 (about 10 ms), so the fresh case never pays.
 */
#include <stdio.h>
#include <stdlib.h>

#include "git.h"
#include "index.h"
#include "refresh.h"
#include "repo.h"
#include "usage.h"

int main(int argc, char **argv)
{
	struct repo_paths paths;
	struct index *ix = NULL;
	struct refresh_stats st;
	const char *hook;
	unsigned flags;

	set_progname(argv[0]);
	flags = parse_refresh_options(argc, argv, &hook);
	if (hook)
		die("--hook is for roadmap-refresh");
	if (repo_find(&paths) < 0 || index_open(&ix, &paths) < 0)
		exit(EXIT_FATAL);
	if (refresh_index(ix, &paths, flags, &st) < 0)
		die("cannot refresh the index");
	if (flags & REFRESH_VERBOSE) {
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
