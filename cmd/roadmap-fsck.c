/*
 * roadmap-fsck [--full] [-v]: check the index against HEAD. Like git
 * fsck it only reads: it names what differs and exits 1, and the next
 * roadmap command (or roadmap-refresh --rebuild) repairs it.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "fsck.h"
#include "index.h"
#include "repo.h"
#include "usage.h"

static const char usage_str[] =
	"roadmap-fsck [--full] [-v]\n"
	"\n"
	"    --full    also parse every issue blob again and compare every record\n"
	"              and posting of the index byte for byte\n"
	"    -v        say what was checked";

static const struct option longopts[] = {
	{ "full", no_argument, NULL, 'f' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 }
};

int main(int argc, char **argv)
{
	struct repo_paths paths;
	struct repo_state rs = REPO_STATE_INIT;
	struct index *ix = NULL;
	int c, full = 0, verbose = 0, n;

	set_progname(argv[0]);
	opterr = 0;
	while ((c = getopt_long(argc, argv, "hv", longopts, NULL)) != -1) {
		switch (c) {
		case 'f':
			full = 1;
			break;
		case 'v':
			verbose = 1;
			break;
		case 'h':
			help(usage_str);
		default:
			usage_unknown_option(usage_str, argv);
		}
	}
	if (optind < argc)
		usage_bad_arg(usage_str, "unexpected argument", argv[optind]);
	if (repo_find(&paths) < 0 || index_open(&ix, &paths) < 0)
		exit(EXIT_FATAL);
	if (repo_state_read(&rs, &paths) < 0)
		die("cannot read HEAD");
	n = fsck_index(ix, &paths, &rs, full, verbose);
	if (n < 0)
		die("cannot check the index");
	index_close(ix);
	repo_state_release(&rs);
	repo_paths_release(&paths);
	finish_stdout();
	return n ? EXIT_DIFFER : 0;
}
