/*
 * roadmap-close: close issues: the layout's closed status (roadmap-cli's
 * "closed", the last of Backlog.md's statuses, folder-per-state's
 * completed folder; roadmap.closedStatus wins), moved where the layout
 * keeps closed issues.
 */
#include <getopt.h>
#include <stdlib.h>

#include "change.h"
#include "repo.h"
#include "usage.h"

static const char usage_str[] =
	"roadmap-close [--reason <text>] [--no-touch] [--commit] <id>...\n"
	"\n"
	"    --reason <text>  record why, in the field close_reason\n"
	"    --no-touch       do not set updated / updated_date to now\n"
	"    --commit         commit the changed files (only them), naming the ids\n"
	EXIT_CODES_HELP;

static const struct option longopts[] = {
	{ "reason", required_argument, NULL, 'r' },
	{ "no-touch", no_argument, NULL, 'n' },
	{ "commit", no_argument, NULL, 'c' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 }
};

int main(int argc, char **argv)
{
	struct change ch = { 0 };
	struct fm_edit ed[2] = { { FM_SET, "status", NULL, 1, 0 }, { FM_SET, "close_reason", NULL, 1, 0 } };
	const char *status[1], *reason[1] = { NULL };
	int c;

	set_progname(argv[0]);
	opterr = 0;
	ch.touch = 1;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'r':
			reason[0] = optarg;
			break;
		case 'n':
			ch.touch = 0;
			break;
		case 'c':
			ch.commit = 1;
			break;
		case 'h':
			help(usage_str);
		default:
			usage_unknown_option(usage_str, argv);
		}
	}
	if (optind >= argc)
		usage(usage_str);
	/* the closed status depends on the layout: change_run() reads it */
	status[0] = CHANGE_CLOSED_STATUS;
	ed[0].vals = status;
	ed[1].vals = reason;
	ch.ed = ed;
	ch.nr = reason[0] ? 2 : 1;
	ch.verb = "roadmap-close";
	return change_run(argv + optind, argc - optind, &ch) < 0 ? EXIT_FATAL : 0;
}
