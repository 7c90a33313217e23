/*
 * roadmap-sync: keep the issue files and a remote tracker in step, three
 * ways from the baseline both last agreed on (lib/sync.h).
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "sync.h"
#include "usage.h"

static const char usage_str[] =
	"roadmap-sync [--dry-run] [--json] [--ours | --theirs] [-q] <remote>\n"
	"roadmap-sync <remote> --resolve <id> (--ours | --theirs | --field <field>=<value>)\n"
	"\n"
	"    --dry-run        print each issue's action (INITIAL, PUSH, PULL, CONFLICT,\n"
	"                     NO_CHANGE) and its fields; change nothing\n"
	"    --json           the report as one JSON object\n"
	"    --ours, --theirs settle this run's conflicts for the files or the remote\n"
	"    --resolve <id>   settle issue <id>'s open conflict, then sync\n"
	"    --field <f>=<v>  with --resolve: this value for the field, pushed\n"
	"    --resume         (the default) finish an interrupted sync first\n"
	"    -q, --quiet      no summary\n"
	"\n"
	"exit status: 0 in step, 1 conflicts left open, 2 some issues failed (said on\n"
	"stderr, the others synced), 128 fatal error, 129 usage error\n";

static const struct option longopts[] = {
	{ "dry-run", no_argument, NULL, 'n' },
	{ "json", no_argument, NULL, 'j' },
	{ "ours", no_argument, NULL, 'o' },
	{ "theirs", no_argument, NULL, 't' },
	{ "resolve", required_argument, NULL, 'r' },
	{ "field", required_argument, NULL, 'f' },
	{ "resume", no_argument, NULL, 'R' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 }
};

int main(int argc, char **argv)
{
	struct sync_opts o;
	int c, rc;

	set_progname(argv[0]);
	memset(&o, 0, sizeof(o));
	opterr = 0;
	while ((c = getopt_long(argc, argv, "hq", longopts, NULL)) != -1) {
		switch (c) {
		case 'n':
			o.dry_run = 1;
			break;
		case 'j':
			o.json = 1;
			break;
		case 'o':
			o.prefer = SYNC_OURS;
			break;
		case 't':
			o.prefer = SYNC_THEIRS;
			break;
		case 'r':
			o.resolve = optarg;
			break;
		case 'f':
			o.field = optarg;
			break;
		case 'R':
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
	if (optind != argc - 1 || (o.field && !o.resolve) ||
	    (o.resolve && !o.field && o.prefer == SYNC_NONE) || (o.field && o.prefer != SYNC_NONE))
		usage(usage_str);
	o.remote = argv[optind];
	rc = sync_run(&o);
	return rc < 0 ? EXIT_FATAL : rc;
}
