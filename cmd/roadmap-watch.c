/*
 * roadmap-watch [--detach | --stop | --status] [-q] [--debounce <ms>]
 * [--json] [--auto-commit [--auto-push]] [--sync <remote> [--interval <s>]]:
 * keep the working-tree overlay of this work tree up to date from
 * inotify, so that a query asks it (lib/watch.h) instead of stat'ing
 * every issue file: git's fsmonitor, with the daemon holding the answer
 * as well; and, debounced, the index, the commits, the pushes and the
 * sync. The daemon is lib/watchd.c, its automation lib/watchauto.c;
 * this is its options, and the detaching.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "index.h"
#include "repo.h"
#include "usage.h"
#include "watch.h"
#include "watchd.h"

static const char usage_str[] =
	"roadmap-watch [--detach | --stop | --status] [-q] [--debounce <ms>] [--json]\n"
	"              [--auto-commit [--auto-push]] [--sync <remote> [--interval <s>]]\n"
	"\n"
	"    --detach          run in the background; return once it answers queries\n"
	"    --stop            stop the watcher of this work tree\n"
	"    --status          say whether one runs, and what it did (exit 1 when none)\n"
	"    -q                print nothing when one runs already\n"
	"    --debounce <ms>   quiet time after file events before a round (1000)\n"
	"    --json            one JSON line per event on stdout\n"
	"    --auto-commit     commit the changed issue files after each round\n"
	"    --auto-push       push each auto-commit to the branch's upstream\n"
	"    --sync <remote>   run roadmap-sync <remote> every interval and after each commit\n"
	"    --interval <s>    seconds between two syncs (300)";

static const struct option longopts[] = {
	{ "detach", no_argument, NULL, 'd' },
	{ "stop", no_argument, NULL, 's' },
	{ "status", no_argument, NULL, 'S' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "debounce", required_argument, NULL, 'b' },
	{ "json", no_argument, NULL, 'j' },
	{ "auto-commit", no_argument, NULL, 'c' },
	{ "auto-push", no_argument, NULL, 'p' },
	{ "sync", required_argument, NULL, 'y' },
	{ "interval", required_argument, NULL, 'i' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 }
};

/* A whole number in [0, max], or a usage error naming the option. */
static int number(const char *arg, long max, const char *opt)
{
	char *end;
	long n;

	errno = 0;
	n = strtol(arg, &end, 10);
	if (errno || end == arg || *end || n < 0 || n > max)
		usage_bad_arg(usage_str, opt, arg);
	return (int)n;
}

/* Ask the running watcher; exit 1 when none runs. */
static int ask(struct index *ix, enum watch_request what, int quiet)
{
	struct strbuf ans = STRBUF_INIT;
	int fd = watch_connect(ix), rc;

	if (fd < 0) {
		if (!quiet)
			fprintf(stderr, "%s: no watcher runs for this work tree\n", progname);
		return EXIT_DIFFER;
	}
	rc = watch_ask(fd, what, NULL, &ans, 10000);
	close(fd);
	if (rc)
		die("the watcher did not answer");
	fwrite(ans.buf, 1, ans.len, stdout);
	strbuf_release(&ans);
	return 0;
}

int main(int argc, char **argv)
{
	struct repo_paths p;
	struct watchd *wd;
	struct strbuf err = STRBUF_INIT;
	struct watchd_opts o;
	int c, detach = 0, quiet = 0, action = 0, rc, ready[2] = { -1, -1 }, interval_set = 0;

	set_progname(argv[0]);
	/*
	 * Descriptors 0-2 open, as git's sanitize_stdfds() makes them: a
	 * closed one would be reused for LMDB's lock file, which the detach
	 * then points at /dev/null, dropping the locks that mark us alive.
	 */
	while ((c = open("/dev/null", O_RDWR)) >= 0 && c <= 2)
		;
	if (c > 2)
		close(c);
	memset(&o, 0, sizeof(o));
	o.debounce_ms = 1000;
	o.automation.interval_s = 300;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "hq", longopts, NULL)) != -1) {
		switch (c) {
		case 'd':
			detach = 1;
			break;
		case 's':
		case 'S':
			if (action && action != c)
				usage_bad_arg(usage_str, "only one of --stop and --status", argv[optind - 1]);
			action = c;
			break;
		case 'q':
			quiet = 1;
			break;
		case 'b':
			o.debounce_ms = number(optarg, 3600 * 1000, "--debounce takes milliseconds");
			break;
		case 'j':
			o.json = 1;
			break;
		case 'c':
			o.automation.commit = 1;
			break;
		case 'p':
			o.automation.push = 1;
			break;
		case 'y':
			if (!*optarg)
				usage_bad_arg(usage_str, "--sync takes a remote's name", optarg);
			o.automation.sync = optarg;
			break;
		case 'i':
			o.automation.interval_s = number(optarg, INT_MAX / 1000, "--interval takes seconds");
			if (!o.automation.interval_s)
				usage_bad_arg(usage_str, "--interval takes seconds", optarg);
			interval_set = 1;
			break;
		case 'h':
			help(usage_str);
		default:
			usage_unknown_option(usage_str, argv);
		}
	}
	if (optind < argc)
		usage_bad_arg(usage_str, "unexpected argument", argv[optind]);
	if (action && detach)
		usage_bad_arg(usage_str, "--detach cannot be combined with",
			      action == 's' ? "--stop" : "--status");
	if (o.automation.push && !o.automation.commit)
		usage_bad_arg(usage_str, "--auto-push pushes auto-commits: it needs", "--auto-commit");
	if (interval_set && !o.automation.sync)
		usage_bad_arg(usage_str, "--interval is the time between syncs: it needs", "--sync");
	if (o.json && detach)
		usage_bad_arg(usage_str, "--json (events on stdout) cannot be combined with", "--detach");
	if (repo_find(&p) < 0)
		exit(EXIT_FATAL);
	if (!p.workdir)
		die("a bare repository has no work tree to watch");
	if (action) {
		struct index *ix;
		if (index_open(&ix, &p) < 0)
			exit(EXIT_FATAL);
		rc = ask(ix, action == 's' ? WATCH_STOP : WATCH_STATUS, quiet);
		index_close(ix);
		repo_paths_release(&p);
		finish_stdout();
		return rc;
	}
	if (detach) {
		pid_t pid;
		char ok = 0;

		if (pipe(ready) < 0 || (pid = fork()) < 0)
			die_errno("cannot start the watcher");
		if (pid) {
			/* the parent returns once the child listens, or failed */
			close(ready[1]);
			while (read(ready[0], &ok, 1) < 0 && errno == EINTR)
				;
			repo_paths_release(&p);
			return ok ? 0 : EXIT_FATAL;
		}
		/* keep no descriptor of the caller's open (a pipe it waits on) */
		close(ready[0]);
		if (ready[1] > 3)
			close_range(3, ready[1] - 1, 0);
		close_range(ready[1] + 1, ~0U, 0);
		setsid();
	}
	/* after the fork: an LMDB environment is not to be used across one */
	if ((rc = watchd_open(&wd, &p, &o, &err)) < 0) {
		if (err.len)
			die("%s", err.buf);
		exit(EXIT_FATAL);
	}
	if (rc) {
		char ok = 1;
		if (!quiet)
			fprintf(stderr, "%s: a watcher runs already for %s\n", progname, p.workdir);
		if (detach && write(ready[1], &ok, 1) < 0)
			exit(EXIT_FATAL);
		repo_paths_release(&p);
		return 0;
	}
	if (watchd_start(wd) < 0)
		exit(EXIT_FATAL);
	if (detach) {
		int null = open("/dev/null", O_RDWR);
		char ok = 1;
		/* the parent may be gone already: go on all the same */
		ssize_t n = write(ready[1], &ok, 1);
		(void)n;
		close(ready[1]);
		if (null >= 0) {
			dup2(null, 0);
			dup2(null, 1);
			dup2(null, 2);
			if (null > 2)
				close(null);
		}
	}
	watchd_serve(wd);
	watchd_close(wd);
	repo_paths_release(&p);
	return 0;
}
