/*
 * roadmap-refresh: bring the issue index to HEAD.
 *
 * The common case, an index that already matches HEAD, is settled here
 * without libgit2; otherwise roadmap-reindex does the walk. As a git
 * hook (--hook) it decides whether the hook has anything to do, never
 * waits for another refresh, and never fails the git command.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "apply.h"
#include "heal.h"
#include "index.h"
#include "repo.h"
#include "run.h"
#include "strbuf.h"
#include "usage.h"

/* The commands left in a todo list (lines that are neither blank nor comments). */
static int todo_left(const char *dir, const char *name)
{
	struct strbuf path = STRBUF_INIT, sb = STRBUF_INIT;
	const char *p;
	int n = 0;

	strbuf_addf(&path, "%s/%s", dir, name);
	if (!strbuf_read_file(&sb, path.buf, 0))
		for (p = sb.buf; *p; p = *p ? p + 1 : p) {
			p += strspn(p, " \t");
			if (*p && *p != '\n' && *p != '#')
				n++;
			p = strchrnul(p, '\n');
		}
	strbuf_release(&path);
	strbuf_release(&sb);
	return n;
}

/*
 * Whether a multi-step operation (rebase, cherry-pick or revert of
 * several commits) will move HEAD again after this hook: then
 * post-checkout and post-commit leave the refresh to a later hook.
 * The last step is not deferred, as no hook may follow it: a
 * fast-forward rebase fires only its first post-checkout, and the
 * post-commit of a sequence's last pick runs while git still lists that
 * pick in sequencer/todo.
 */
static int more_steps(const struct repo_paths *p)
{
	struct strbuf dir = STRBUF_INIT;
	int more = 0;

	strbuf_addf(&dir, "%s/rebase-merge", p->gitdir);
	if (repo_gitdir_has(p, "rebase-merge"))
		more = todo_left(dir.buf, "git-rebase-todo") > 0;
	else if (repo_gitdir_has(p, "rebase-apply"))
		more = 1;	/* post-rewrite ends an apply rebase */
	else if (repo_gitdir_has(p, "sequencer/todo")) {
		strbuf_reset(&dir);
		strbuf_addf(&dir, "%s/sequencer", p->gitdir);
		more = todo_left(dir.buf, "todo") > 1;
	}
	strbuf_release(&dir);
	return more;
}

/*
 * Whether git hook `hook` with these arguments has nothing to do:
 * file checkouts; post-checkout and post-commit while more steps of a
 * rebase or a cherry-pick/revert sequence follow (post-rewrite and
 * post-merge always refresh).
 */
static int hook_skips(const char *hook, int argc, char **argv, const struct repo_paths *p)
{
	if (!strcmp(hook, "post-checkout"))
		return argc < 3 || strcmp(argv[2], "1") || more_steps(p);
	if (!strcmp(hook, "post-commit"))
		return more_steps(p);
	return strcmp(hook, "post-merge") && strcmp(hook, "post-rewrite");
}

/*
 * Bring the index to HEAD: the cascade's steps that need no libgit2 here,
 * else roadmap-reindex in this process's place (with the same options).
 * Returns only when done.
 */
static int refresh(unsigned flags, char **reindex_argv, int verbose)
{
	struct repo_paths paths;
	struct repo_state rs = REPO_STATE_INIT;
	struct index *ix = NULL;
	struct refresh_stats st;
	int step;

	if (repo_find(&paths) < 0 || repo_state_read(&rs, &paths) < 0 || index_open(&ix, &paths) < 0)
		exit(EXIT_FATAL);
	/*
	 * Files indexed as unknown (blobs missing) by an earlier refresh:
	 * run by a person (as roadmap-reindex decides), roadmap-reindex
	 * fetches them again, and walks too. Files this run finds missing
	 * were asked for already, and said so: not again.
	 */
	if (!getenv("ROADMAP_BY") && index_unknown_files(ix, 0))
		step = HEAL_WALK;
	else if ((step = heal_here(ix, &paths, &rs, flags, &st)) < 0)
		die("cannot refresh the index");
	if (step == HEAL_WALK) {
		index_close(ix);
		repo_state_release(&rs);
		repo_paths_release(&paths);
		exec_roadmap("roadmap-reindex", reindex_argv);
		die_errno("cannot run roadmap-reindex");
	}
	if (verbose && step == HEAL_INCREMENTAL) {
		refresh_report(ix, &st);
	} else if (verbose) {
		fprintf(stderr, "%s: up to date (the index matches HEAD%s)\n", progname,
			step == HEAL_ADVANCED ? "; no issue file changed" : "");
		index_report_invalid(ix);
		fprintf(stderr, "%s: added 0, modified 0, deleted 0; parsed 0 blobs, reused 0\n",
			progname);
	}
	/* as roadmap-reindex ends: the files indexed as unknown, counted */
	if (!(flags & REFRESH_QUIET))
		index_unknown_files(ix, 1);
	index_close(ix);
	repo_state_release(&rs);
	repo_paths_release(&paths);
	return 0;
}

/*
 * The walk a hook needs goes on in the background, holding the refresh
 * lock taken here, so that the git command returns at once; a reader
 * that comes meanwhile waits for it on the lock. Returns the exit status
 * for the hook's child: 0, or EXIT_FATAL when nothing could be started.
 */
static int refresh_in_background(void)
{
	char *argv[] = { "roadmap-refresh", "-q", NULL };
	struct repo_paths paths;
	struct repo_state rs = REPO_STATE_INIT;
	struct index *ix = NULL;
	struct refresh_stats st;
	char fd[16];
	int rc, null, ret = 0;
	pid_t pid;

	if (repo_find(&paths) < 0)
		return EXIT_FATAL;
	if (repo_state_read(&rs, &paths) < 0 || index_open(&ix, &paths) < 0) {
		ret = EXIT_FATAL;
		goto out;
	}
	/* the quick steps only: a hook never waits for another refresh */
	rc = heal_here(ix, &paths, &rs, REFRESH_NO_WAIT, &st);
	if (rc != HEAL_WALK) {
		ret = rc < 0 ? EXIT_FATAL : 0;
		goto out;
	}
	rc = index_lock(ix, 0);
	if (rc) {
		ret = rc < 0 ? EXIT_FATAL : 0;	/* busy: that refresh will do */
		goto out;
	}
	pid = fork();
	if (pid < 0)
		ret = (error_errno("cannot fork"), EXIT_FATAL);
	if (pid)
		goto out;
	/* the background: detached, silent, holding the lock */
	setsid();
	null = open("/dev/null", O_RDWR);
	dup2(null, 0);
	dup2(null, 1);
	dup2(null, 2);
	fcntl(ix->lockfd, F_SETFD, 0);
	snprintf(fd, sizeof(fd), "%d", ix->lockfd);
	setenv("ROADMAP_LOCK_FD", fd, 1);
	exec_roadmap("roadmap-reindex", argv);
	_exit(EXIT_FATAL);
out:
	if (ix)
		index_close(ix);
	repo_state_release(&rs);
	repo_paths_release(&paths);
	return ret;
}

/*
 * As git hook `hook`: the decision and the quick cases run in a child
 * whose messages are collected, so that a failure costs git's user one
 * line and the git command's exit status is never ours.
 */
static int run_hook(const char *hook, int argc, char **argv)
{
	struct strbuf err = STRBUF_INIT;
	int fds[2], status = 0;
	pid_t pid;

	if (pipe(fds) < 0 || (pid = fork()) < 0) {
		fprintf(stderr, "roadmap: %s hook: cannot start the index refresh\n", hook);
		return 0;
	}
	if (!pid) {
		struct repo_paths paths;

		dup2(fds[1], 2);
		close(fds[0]);
		close(fds[1]);
		if (repo_find(&paths) < 0)
			exit(EXIT_FATAL);
		if (hook_skips(hook, argc, argv, &paths))
			exit(0);
		repo_paths_release(&paths);
		setenv("ROADMAP_BY", hook, 1);
		exit(refresh_in_background());
	}
	close(fds[1]);
	for (;;) {
		ssize_t n;
		strbuf_grow(&err, 1024);
		n = read(fds[0], err.buf + err.len, err.alloc - err.len - 1);
		if (n <= 0)
			break;
		strbuf_setlen(&err, err.len + n);
	}
	close(fds[0]);
	waitpid(pid, &status, 0);
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		/* the last message says most: "fatal: ..." */
		char *line;
		while (err.len && err.buf[err.len - 1] == '\n')
			strbuf_setlen(&err, err.len - 1);
		line = strrchr(err.buf, '\n');
		fprintf(stderr, "roadmap: %s hook: index refresh failed (%s); the next roadmap command retries\n",
			hook, line ? line + 1 : err.len ? err.buf : "no message");
	}
	strbuf_release(&err);
	return 0;
}

int main(int argc, char **argv)
{
	const char *hook;
	unsigned flags;

	set_progname(argv[0]);
	flags = parse_refresh_options(argc, argv, &hook);
	if (hook)
		return run_hook(hook, argc - optind, argv + optind);
	refresh(flags, argv, flags & REFRESH_VERBOSE);
	finish_stdout();
	return 0;
}
