/*
 * roadmap-reindex: walk HEAD's trees against the index and bring it to
 * HEAD. roadmap-refresh runs it when the index is stale; this is the one
 * program that starts libgit2 (about 10 ms), so the fresh case never pays.
 */
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libgit.h"
#include "heal.h"
#include "index.h"
#include "output.h"
#include "refresh.h"
#include "repo.h"
#include "usage.h"

/* Paths on stdin, one per line (C-quoted as git quotes) or NUL-terminated, as "a\0b\0". */
static int read_paths(struct strbuf *out, int nul)
{
	struct strbuf in = STRBUF_INIT;
	const char *p, *end;
	int ret = 0;

	if (strbuf_read_file(&in, "/dev/stdin", 0) < 0) {
		strbuf_release(&in);
		return error_errno("cannot read stdin");
	}
	for (p = in.buf; p < in.buf + in.len; p = end + 1) {
		end = memchr(p, nul ? '\0' : '\n', in.buf + in.len - p);
		if (!end)
			end = in.buf + in.len;
		if (end == p)
			continue;
		if (nul)
			strbuf_add(out, p, end - p);
		else if (unquote_path(out, p, end - p) < 0)
			ret = error("cannot unquote the path %.*s", (int)(end - p), p);
		strbuf_addch(out, '\0');
	}
	strbuf_release(&in);
	return ret;
}

int main(int argc, char **argv)
{
	struct repo_paths paths;
	struct repo_state rs = REPO_STATE_INIT;
	struct index *ix = NULL;
	struct refresh_stats st;
	struct strbuf list = STRBUF_INIT;
	const char *hook;
	unsigned flags;
	int i;

	set_progname(argv[0]);
	/*
	 * A build's large arrays (actions, postings) in mappings of their
	 * own, so that freeing one gives its memory back at once; glibc's
	 * sliding threshold would put them on the heap after the first free.
	 */
	mallopt(M_MMAP_THRESHOLD, 256 << 10);
	flags = parse_refresh_options(argc, argv, &hook);
	if (hook)
		die("--hook is for roadmap-refresh");
	/*
	 * Run by a person or a script (not a reader's heal or a hook, which
	 * name themselves in ROADMAP_BY): fetch the blobs of the files
	 * indexed as unknown again. Queries do not, on every call.
	 */
	if (!getenv("ROADMAP_BY"))
		flags |= REFRESH_RETRY;
	if (repo_find(&paths) < 0 || index_open(&ix, &paths) < 0)
		exit(EXIT_FATAL);
	repo_config_stamp(&paths, &rs.stamp);	/* HEAD: read in the write transaction */
	if ((flags & REFRESH_STDIN) && read_paths(&list, flags & REFRESH_NUL) < 0)
		die("cannot read the paths on stdin");
	if (refresh_index(ix, &paths, &rs, flags, (flags & REFRESH_STDIN) ? &list : NULL, &st) < 0)
		die("cannot refresh the index");
	/*
	 * A hook that found this refresh running skipped its own: when HEAD
	 * moved while we walked, walk again, so the last hook's HEAD is
	 * indexed (bounded: a reader heals whatever is left). The config
	 * too is read again: the walk reads roadmap.path anew.
	 */
	for (i = 0; i < 3 && !(flags & REFRESH_STDIN); i++) {
		if (!repo_state_read(&rs, &paths) && heal_is_fresh(ix, &rs))
			break;
		if (refresh_index(ix, &paths, &rs, flags & ~(REFRESH_FULL | REFRESH_REBUILD | REFRESH_RETRY),
				  NULL, &st) < 0)
			die("cannot refresh the index");
	}
	if (flags & REFRESH_VERBOSE)
		refresh_report(ix, &st);
	if (!(flags & REFRESH_QUIET))
		index_unknown_files(ix, 1);
	index_close(ix);
	repo_state_release(&rs);
	repo_paths_release(&paths);
	strbuf_release(&list);
	git_libgit2_shutdown();
	finish_stdout();
	return 0;
}
