/*
 * roadmap-fetch: fetch what changed on a remote tracker since the last
 * fetch into sync.mdb (lib/sync.h); --show prints a fetched issue.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "sync.h"
#include "usage.h"

static const char usage_str[] =
	"roadmap-fetch [-q] <remote>\n"
	"roadmap-fetch <remote> --show [-z] <id>...\n"
	"\n"
	"    --show       print each issue's fetched remote fields written into its\n"
	"                 working file (theirs, for roadmap-merge-file by hand)\n"
	"    -z           with --show: each file followed by a NUL\n"
	"    -q, --quiet  no summary\n"
	"\n"
	"exit status: 0 ok, 1 an issue has no fetched remote issue (--show), 2 some\n"
	"remote issues could not be read (said on stderr), 128 fatal error, 129 usage error\n";

static const struct option longopts[] = {
	{ "show", no_argument, NULL, 's' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 }
};

int main(int argc, char **argv)
{
	struct sync_opts o;
	int c, rc, show = 0, nul = 0;

	set_progname(argv[0]);
	memset(&o, 0, sizeof(o));
	opterr = 0;
	while ((c = getopt_long(argc, argv, "hqz", longopts, NULL)) != -1) {
		switch (c) {
		case 's':
			show = 1;
			break;
		case 'z':
			nul = 1;
			break;
		case 'q':
			o.quiet = 1;
			break;
		case 'h':
			help(usage_str);
		default:
			usage_unknown_option(usage_str, argv);
		}
	}
	if (optind >= argc || (!show && optind != argc - 1) || (show && optind == argc - 1))
		usage(usage_str);
	if (show) {
		rc = sync_print(argv[optind], argv + optind + 1, argc - optind - 1, 0, nul, 1);
		return rc < 0 ? EXIT_FATAL : rc;
	}
	o.remote = argv[optind];
	o.fetch_only = 1;
	rc = sync_run(&o);
	return rc < 0 ? EXIT_FATAL : rc;
}
