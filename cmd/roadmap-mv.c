/*
 * roadmap-mv: move an issue to another folder: a state of a
 * folder-per-state layout (its status follows), a milestone of
 * roadmap-cli's (its milestone field follows), a folder of Backlog.md's.
 * One rename: same file name, same id.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "change.h"
#include "usage.h"

static const char usage_str[] =
	"roadmap-mv [--no-touch] [--commit] <id>... <folder>\n"
	"\n"
	"    <folder>      folder-per-state: a root (a state); roadmap-cli: a milestone\n"
	"                  (backlog: none); Backlog.md: a folder of its root (drafts, completed)\n"
	"    --no-touch    do not set updated / updated_date to now\n"
	"    --commit      commit the moved files (only them), naming the ids\n"
	EXIT_CODES_HELP;

static const struct option longopts[] = {
	{ "no-touch", no_argument, NULL, 'n' },
	{ "commit", no_argument, NULL, 'c' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 }
};

int main(int argc, char **argv)
{
	struct change ch = { 0 };
	int c;

	set_progname(argv[0]);
	opterr = 0;
	ch.touch = 1;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
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
	if (argc - optind < 2)
		usage(usage_str);
	ch.move_to = argv[argc - 1];
	if (!*ch.move_to || strchr(ch.move_to, '/') || !strcmp(ch.move_to, ".") || !strcmp(ch.move_to, ".."))
		usage_bad_arg(usage_str, "not a folder name", ch.move_to);
	/* the field that follows the folder (status, milestone) is the layout's: lib/change */
	ch.verb = "roadmap-mv";
	return change_run(argv + optind, argc - optind - 1, &ch) < 0 ? EXIT_FATAL : 0;
}
