/*
 * roadmap-merge-base: the baseline of issues with a remote, as issue
 * files (lib/sync.h), so the sync's merge can be made by hand with
 * roadmap-merge-file.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "sync.h"
#include "usage.h"

static const char usage_str[] =
	"roadmap-merge-base [-z] <remote> (<id>... | --all)\n"
	"\n"
	"    --all   every issue with a baseline\n"
	"    -z      each file followed by a NUL\n"
	"\n"
	"exit status: 0 ok, 1 an issue has no baseline (never synced), 128 fatal error,\n"
	"129 usage error\n";

static const struct option longopts[] = {
	{ "all", no_argument, NULL, 'a' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 }
};

int main(int argc, char **argv)
{
	int c, rc, all = 0, nul = 0;

	set_progname(argv[0]);
	opterr = 0;
	while ((c = getopt_long(argc, argv, "hz", longopts, NULL)) != -1) {
		switch (c) {
		case 'a':
			all = 1;
			break;
		case 'z':
			nul = 1;
			break;
		case 'h':
			help(usage_str);
		default:
			usage_unknown_option(usage_str, argv);
		}
	}
	if (optind >= argc || (!all && optind == argc - 1))
		usage(usage_str);
	rc = sync_print(argv[optind], argv + optind + 1, argc - optind - 1, all, nul, 0);
	return rc < 0 ? EXIT_FATAL : rc;
}
