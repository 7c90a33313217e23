/*
 * roadmap-install-hooks: install the git hooks that keep the index in
 * lockstep with HEAD, and the pre-commit check.
 *
 * Hooks go where git looks for them, $(git rev-parse --git-path hooks),
 * so core.hooksPath is honoured. A hook that is not ours is never
 * overwritten: it moves to <hook>.roadmap-orig and ours runs it first,
 * with the same arguments and stdin, and keeps its exit status.
 * --uninstall puts everything back as it was.
 *
 * --merge-driver also makes roadmap-merge-file git's merge driver for
 * issue files: merge.roadmap.driver in the repository's config, and a
 * "merge=roadmap" line per root (its *.md files at any depth) in the top
 * .gitattributes (commit it to share it; each clone installs the driver
 * itself, as git never runs a driver a repository names by itself).
 * --uninstall removes both.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "atomicfile.h"
#include "hooks.h"	/* generated from hooks/ */
#include "output.h"
#include "run.h"
#include "strbuf.h"
#include "usage.h"

static const char usage_str[] =
	"roadmap-install-hooks [--merge-driver] [--uninstall] [--force] [-q]\n"
	"\n"
	"    --merge-driver  also make roadmap-merge-file git's merge driver for issue files\n"
	"                 (merge.roadmap.driver, and .gitattributes lines for the roots)\n"
	"    --uninstall  remove roadmap's hooks and put back the hooks they chained to;\n"
	"                 remove the merge driver\n"
	"    --force      overwrite roadmap hooks that were edited by hand\n"
	"    -q, --quiet  print nothing but errors";

static const struct option longopts[] = {
	{ "uninstall", no_argument, NULL, 'u' },
	{ "merge-driver", no_argument, NULL, 'm' },
	{ "force", no_argument, NULL, 'f' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 }
};

#define MARKER "# roadmap-hook "
#define ORIG ".roadmap-orig"

static int quiet;

/* $(git rev-parse --git-path hooks), absolute */
static int hooks_dir(struct strbuf *out)
{
	char *argv[] = { "git", "rev-parse", "--git-path", "hooks", NULL };
	char cwd[PATH_MAX];

	/* no GIT_DIR of ours: git finds the repository as it would here */
	if (run_git(out, NULL, argv) || !out->len)
		return error("cannot find the hooks directory (git rev-parse --git-path hooks)");
	while (out->len && out->buf[out->len - 1] == '\n')
		strbuf_setlen(out, out->len - 1);
	if (out->buf[0] != '/' && getcwd(cwd, sizeof(cwd))) {
		struct strbuf abs = STRBUF_INIT;
		strbuf_addf(&abs, "%s/%s", cwd, out->buf);
		strbuf_release(out);
		*out = abs;
	}
	return 0;
}

/* The hook's text with @BINDIR@ set to where this program lives. */
static void hook_text(struct strbuf *out, const char *tmpl, const char *bindir)
{
	const char *at = strstr(tmpl, "@BINDIR@");

	strbuf_reset(out);
	if (!at) {
		strbuf_addstr(out, tmpl);
		return;
	}
	strbuf_add(out, tmpl, at - tmpl);
	strbuf_addstr(out, bindir);
	strbuf_addstr(out, at + 8);
}

/* Our hooks differ only in the bin= line: compare without it. */
static int same_but_bindir(const char *a, const char *b)
{
	for (;;) {
		const char *ea = strchrnul(a, '\n'), *eb = strchrnul(b, '\n');
		int bin = !strncmp(a, "bin=", 4) && !strncmp(b, "bin=", 4);

		if (!bin && (ea - a != eb - b || memcmp(a, b, ea - a)))
			return 0;
		if (!*ea || !*eb)
			return !*ea && !*eb;
		a = ea + 1;
		b = eb + 1;
	}
}

/* The version in our marker line: a hook of another version is upgraded, not "edited". */
static int marker_version(const char *text)
{
	const char *m = strstr(text, "\n" MARKER);

	return m ? atoi(m + 1 + strlen(MARKER)) : -1;
}

static int write_hook(const char *path, const struct strbuf *text)
{
	struct strbuf tmp = STRBUF_INIT;
	FILE *f;
	int ret = 0;

	strbuf_addf(&tmp, "%s.roadmap-tmp", path);
	f = fopen(tmp.buf, "w");
	if (!f || fwrite(text->buf, 1, text->len, f) != text->len || fflush(f) ||
	    fsync(fileno(f)) || fchmod(fileno(f), 0755)) {
		ret = error_errno("cannot write '%s'", tmp.buf);
		if (f)
			fclose(f);
		unlink(tmp.buf);
	} else if (fclose(f) || rename(tmp.buf, path)) {
		ret = error_errno("cannot install '%s'", path);
		unlink(tmp.buf);
	}
	strbuf_release(&tmp);
	return ret;
}

static void say(const char *hook, const char *what)
{
	if (!quiet)
		printf("%s: %s\n", hook, what);
}

static int install(const char *dir, const char *hook, const char *tmpl, const char *bindir, int force)
{
	struct strbuf path = STRBUF_INIT, orig = STRBUF_INIT, text = STRBUF_INIT, cur = STRBUF_INIT;
	struct stat st;
	int ret = 0;

	strbuf_addf(&path, "%s/%s", dir, hook);
	strbuf_addf(&orig, "%s%s", path.buf, ORIG);
	hook_text(&text, tmpl, bindir);
	if (lstat(path.buf, &st) < 0) {
		if ((ret = write_hook(path.buf, &text)) == 0)
			say(hook, "installed");
		goto out;
	}
	if (S_ISREG(st.st_mode) && !strbuf_read_file(&cur, path.buf, 0) &&
	    strstr(cur.buf, "\n" MARKER)) {
		/* ours: up to date, upgraded, or edited by hand */
		if (!strcmp(cur.buf, text.buf)) {
			say(hook, "unchanged");
		} else if (marker_version(cur.buf) == marker_version(text.buf) &&
			   !same_but_bindir(cur.buf, text.buf) && !force) {
			ret = error("'%s' was installed by roadmap but edited since; use --force to overwrite it",
				    path.buf);
		} else if (!(ret = write_hook(path.buf, &text))) {
			say(hook, "updated");
		}
		goto out;
	}
	/* a hook of somebody else's: keep it, and run it first */
	if (!lstat(orig.buf, &st)) {
		ret = error("'%s' is not roadmap's, and '%s' exists already: move one of them away",
			    path.buf, orig.buf);
		goto out;
	}
	if (rename(path.buf, orig.buf) < 0) {
		ret = error_errno("cannot move '%s' aside", path.buf);
		goto out;
	}
	if ((ret = write_hook(path.buf, &text)) < 0)
		rename(orig.buf, path.buf);
	else
		say(hook, "installed; it runs your hook first (" ORIG ")");
out:
	strbuf_release(&path);
	strbuf_release(&orig);
	strbuf_release(&text);
	strbuf_release(&cur);
	return ret;
}

static int uninstall(const char *dir, const char *hook)
{
	struct strbuf path = STRBUF_INIT, orig = STRBUF_INIT, cur = STRBUF_INIT;
	struct stat st;
	int ret = 0;

	strbuf_addf(&path, "%s/%s", dir, hook);
	strbuf_addf(&orig, "%s%s", path.buf, ORIG);
	if (lstat(path.buf, &st) < 0 || !S_ISREG(st.st_mode) ||
	    strbuf_read_file(&cur, path.buf, 0) < 0 || !strstr(cur.buf, "\n" MARKER)) {
		if (!lstat(path.buf, &st))
			say(hook, "not roadmap's: left alone");
		goto out;
	}
	if (!lstat(orig.buf, &st)) {
		if (rename(orig.buf, path.buf) < 0)
			ret = error_errno("cannot restore '%s'", orig.buf);
		else
			say(hook, "restored yours");
	} else if (unlink(path.buf) < 0) {
		ret = error_errno("cannot remove '%s'", path.buf);
	} else {
		say(hook, "removed");
	}
out:
	strbuf_release(&path);
	strbuf_release(&orig);
	strbuf_release(&cur);
	return ret;
}

/* Run git with argv; its output (trailing newline dropped) in out when given. */
static int git(struct strbuf *out, char **argv)
{
	struct strbuf tmp = STRBUF_INIT;
	int ret = run_git(out ? out : &tmp, NULL, argv);

	if (out)
		while (out->len && out->buf[out->len - 1] == '\n')
			strbuf_setlen(out, out->len - 1);
	strbuf_release(&tmp);
	return ret;
}

/* The .gitattributes lines of the driver: a root's *.md files, at any depth. */
static void attr_lines(struct strbuf *out)
{
	char *argv[] = { "git", "config", "--get-all", "roadmap.path", NULL };
	struct strbuf roots = STRBUF_INIT, pat = STRBUF_INIT;
	char *r, *nl;

	if (git(&roots, argv) || !roots.len)
		strbuf_addstr(&roots, ".roadmap/issues");
	for (r = roots.buf; r && *r; r = nl ? nl + 1 : NULL) {
		if ((nl = strchr(r, '\n')))
			*nl = '\0';
		while (*r == '/' || (r[0] == '.' && r[1] == '/'))
			r += *r == '/' ? 1 : 2;
		strbuf_reset(&pat);
		if (*r)
			strbuf_addf(&pat, "%s/", r);
		strbuf_addstr(&pat, "**/*.md");
		/* git reads a pattern with a space or quote C-quoted */
		if (strpbrk(pat.buf, " \t\"\\"))
			quote_path(out, pat.buf, pat.len, 0);
		else
			strbuf_add(out, pat.buf, pat.len);
		strbuf_addstr(out, " merge=roadmap\n");
	}
	strbuf_release(&roots);
	strbuf_release(&pat);
}

/*
 * Install (or with `remove`, uninstall) the merge driver: the config, and
 * our lines of the top .gitattributes, which keeps every other line.
 */
static int merge_driver(const char *bindir, int remove)
{
	char *top_argv[] = { "git", "rev-parse", "--show-toplevel", NULL };
	struct strbuf top = STRBUF_INIT, file = STRBUF_INIT, cur = STRBUF_INIT, next = STRBUF_INIT;
	struct strbuf want = STRBUF_INIT, cmd = STRBUF_INIT;
	const char *p, *q;
	int ret = 0, had = 0;

	if (git(&top, top_argv) || !top.len) {
		if (remove)
			goto out;	/* a bare repository: no driver to remove */
		ret = error("no work tree to put .gitattributes in (git rev-parse --show-toplevel)");
		goto out;
	}
	strbuf_addf(&file, "%s/.gitattributes", top.buf);
	if (strbuf_read_file(&cur, file.buf, 0) < 0 && errno != ENOENT) {
		ret = error_errno("cannot read '%s'", file.buf);
		goto out;
	}
	attr_lines(&want);
	/* every line but ours, then ours when installing */
	for (p = cur.buf; p < cur.buf + cur.len; p = q) {
		size_t len;
		q = memchr(p, '\n', cur.buf + cur.len - p);
		len = q ? (size_t)(q - p) : (size_t)(cur.buf + cur.len - p);
		q = p + len + !!q;
		if (len && p[len - 1] == '\r')
			len--;
		if (len > 14 && !memcmp(p + len - 14, " merge=roadmap", 14)) {
			had = 1;
			continue;
		}
		strbuf_add(&next, p, len);
		strbuf_add(&next, p + len, q - p - len);
		if (q[-1] != '\n')
			strbuf_addch(&next, '\n');
	}
	if (!remove)
		strbuf_add(&next, want.buf, want.len);
	if ((next.len != cur.len || memcmp(next.buf, cur.buf, cur.len)) &&
	    (next.len ? atomicfile_write(file.buf, next.buf, next.len, 0644) :
	     unlink(file.buf)) < 0) {
		ret = error_errno("cannot write '%s'", file.buf);
		goto out;
	}
	if (remove) {
		char *get[] = { "git", "config", "--get-regexp", "^merge\\.roadmap\\.", NULL };
		char *argv[] = { "git", "config", "--remove-section", "merge.roadmap", NULL };
		int set = !git(NULL, get);	/* asked first: git complains of a missing section */

		if (set && git(NULL, argv))
			ret = error("cannot remove the merge.roadmap section (git config)");
		else if (set || had)
			say("merge driver", "removed");
	} else {
		char *name[] = { "git", "config", "merge.roadmap.name",
				 "roadmap: issue files merged field by field", NULL };
		char *drv[] = { "git", "config", "merge.roadmap.driver", NULL, NULL };
		strbuf_addf(&cmd, "'%s/roadmap-merge-file' --marker-size %%L %%O %%A %%B %%P", bindir);
		drv[3] = cmd.buf;
		if (git(NULL, name) || git(NULL, drv))
			ret = error("cannot set merge.roadmap.driver (git config)");
		else
			say("merge driver", "installed (merge.roadmap.driver, .gitattributes)");
	}
out:
	strbuf_release(&top);
	strbuf_release(&file);
	strbuf_release(&cur);
	strbuf_release(&next);
	strbuf_release(&want);
	strbuf_release(&cmd);
	return ret;
}

int main(int argc, char **argv)
{
	struct strbuf dir = STRBUF_INIT;
	char self[PATH_MAX], *slash;
	ssize_t n;
	int c, do_uninstall = 0, force = 0, driver = 0, ret = 0;
	size_t i;

	set_progname(argv[0]);
	opterr = 0;
	while ((c = getopt_long(argc, argv, "hq", longopts, NULL)) != -1) {
		switch (c) {
		case 'u':
			do_uninstall = 1;
			break;
		case 'f':
			force = 1;
			break;
		case 'm':
			driver = 1;
			break;
		case 'q':
			quiet = 1;
			break;
		case 'h':
			help(usage_str);
		default:
			usage_unknown_option(usage_str, argv);
		}
	}
	if (optind < argc)
		usage_bad_arg(usage_str, "unexpected argument", argv[optind]);
	if (hooks_dir(&dir) < 0)
		exit(EXIT_FATAL);
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	self[n > 0 ? n : 0] = '\0';
	if ((slash = strrchr(self, '/')))
		*slash = '\0';
	if (!do_uninstall && mkdir(dir.buf, 0777) < 0 && errno != EEXIST)
		die_errno("cannot create '%s'", dir.buf);
	for (i = 0; i < sizeof(hooks) / sizeof(*hooks); i++)
		if ((do_uninstall ? uninstall(dir.buf, hooks[i].name) :
		     install(dir.buf, hooks[i].name, hooks[i].text, self, force)) < 0)
			ret = EXIT_FATAL;
	if ((driver || do_uninstall) && merge_driver(self, do_uninstall) < 0)
		ret = EXIT_FATAL;
	strbuf_release(&dir);
	finish_stdout();
	return ret;
}
