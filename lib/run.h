#ifndef RUN_H
#define RUN_H

#include "strbuf.h"

/*
 * run.h - running git and capturing what it prints, running a sibling
 * roadmap program, and the monotonic clock. A utility: it calls strbuf
 * and usage only (struct repo_paths is named, not used, here).
 *
 * git runs with no input (/dev/null), its output in a pipe the program
 * reads to the end, and its own messages on our stderr. The pipe is
 * close-on-exec: a git another thread starts meanwhile must not hold it
 * open, or the reader would wait for that git too.
 */

struct repo_paths;

/*
 * Run git with argv (argv[0] is "git") and append its output to out.
 * gitdir: GIT_DIR for it, or NULL to let git find the repository from
 * the environment and the working directory, as a git command typed
 * there would. Returns git's exit status, or -1 when it could not run
 * (or did not exit).
 */
int run_git(struct strbuf *out, const char *gitdir, char *const argv[]);

/*
 * run_git() with in[0..len) on git's stdin (in NULL: /dev/null), and
 * with_stderr: git's messages in out too, after its output, not on ours.
 */
int run_git_input(struct strbuf *out, const char *gitdir, char *const argv[],
		  const char *in, size_t len, int with_stderr);

/*
 * Run the roadmap program argv[0] (found as exec_roadmap() finds it),
 * its output and its messages appended to out: its exit status, or -1.
 */
int run_roadmap(struct strbuf *out, char *const argv[]);

/* run_git() in p's repository (its per-worktree git dir): 0, or -1 when git failed. */
int git_capture(struct strbuf *out, const struct repo_paths *p, char *const argv[]);

/*
 * git_capture() of "git --literal-pathspecs <args...> -- <paths...>":
 * args ends with NULL, paths is "a\0b\0" (len bytes), as the issue roots
 * are kept: git reads exactly those folders, whatever their names hold.
 */
int git_capture_paths(struct strbuf *out, const struct repo_paths *p, const char *const *args,
		      const char *paths, size_t len);

/*
 * Run the roadmap program `prog` with argv: the one installed beside this
 * one (found by /proc/self/exe, so a symbolic link or a bare argv[0] does
 * not matter), else from $PATH. Returns only when it cannot be run, with
 * errno set.
 */
void exec_roadmap(const char *prog, char **argv);

/* Milliseconds on the monotonic clock. */
double now_ms(void);

#endif
