#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "heal.h"
#include "usage.h"

int index_is_fresh(struct index *ix, const struct repo_paths *p)
{
	struct strbuf stamp = STRBUF_INIT;
	MDB_txn *txn;
	char hex[OID_HEX + 1];
	int detached, fresh = 0;

	if (repo_read_head(p, hex, &detached) < 0 || index_begin(ix, &txn, 0))
		return 0;
	repo_config_stamp(p, &stamp);
	fresh = meta_equals(txn, ix, "commit", hex, OID_HEX) &&
		meta_equals(txn, ix, "config", stamp.buf, stamp.len) &&
		meta_equals(txn, ix, "version", INDEX_VERSION, strlen(INDEX_VERSION)) &&
		meta_equals(txn, ix, "state", "clean", 5);
	mdb_txn_abort(txn);
	strbuf_release(&stamp);
	return fresh;
}

void exec_roadmap(const char *prog, char **argv)
{
	char self[PATH_MAX], *slash;
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 64);

	if (n > 0) {
		self[n] = '\0';
		if ((slash = strrchr(self, '/')) && strlen(prog) < 60) {
			strcpy(slash + 1, prog);
			execv(self, argv);
		}
	}
	execvp(prog, argv);
}

int index_heal(struct index *ix, const struct repo_paths *p)
{
	pid_t pid;
	int status;

	if (index_is_fresh(ix, p))
		return 0;
	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return error_errno("cannot fork");
	if (!pid) {
		char *argv[] = { "roadmap-refresh", "-q", NULL };
		exec_roadmap("roadmap-reindex", argv);
		error_errno("cannot run roadmap-reindex");
		_exit(EXIT_FATAL);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return error_errno("cannot wait for roadmap-refresh");
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		return error("roadmap-reindex failed");
	return 0;
}

static const char refresh_usage_fmt[] =
	"%s [--full | --rebuild] [-q] [-v]\n"
	"\n"
	"    --full       compare every file of HEAD with the index (parses only new blobs)\n"
	"    --rebuild    drop the index and parse every issue file again\n"
	"    -q, --quiet  no output, not even warnings\n"
	"    -v           say what was done, and name every invalid issue file";

static const struct option refresh_longopts[] = {
	{ "full", no_argument, NULL, 'F' },
	{ "rebuild", no_argument, NULL, 'R' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 }
};

unsigned parse_refresh_options(int argc, char **argv)
{
	unsigned flags = 0;
	char refresh_usage[1024];
	int c;

	/* both programs take these options: name the one running */
	snprintf(refresh_usage, sizeof(refresh_usage), refresh_usage_fmt, progname);
	opterr = 0;
	while ((c = getopt_long(argc, argv, "hqv", refresh_longopts, NULL)) != -1) {
		switch (c) {
		case 'F':
			flags |= REFRESH_FULL;
			break;
		case 'R':
			flags |= REFRESH_REBUILD;
			break;
		case 'q':
			flags |= REFRESH_QUIET;
			break;
		case 'v':
			flags |= REFRESH_VERBOSE;
			break;
		case 'h':
			help(refresh_usage);
		default:
			usage_bad_arg(refresh_usage, "unknown option", argv[optind - 1]);
		}
	}
	if (optind < argc)
		usage_bad_arg(refresh_usage, "unexpected argument", argv[optind]);
	if ((flags & REFRESH_FULL) && (flags & REFRESH_REBUILD))
		die("options '--full' and '--rebuild' cannot be used together");
	if (flags & REFRESH_QUIET)
		flags &= ~REFRESH_VERBOSE;
	return flags;
}
