/*
 * roadmap-mv: move an issue to another folder: a state of a
 * folder-per-state layout (its status follows), a milestone of
 * roadmap-cli's (its milestone field follows), a folder of Backlog.md's.
 * One rename: same file name, same id.
 */
#include <stdlib.h>
#include <string.h>

#include "change.h"
#include "usage.h"

static const char usage_str[] =
	"roadmap-mv [--no-touch] [--commit] <id>... <folder>\n"
	"\n"
	"    <folder>         folder-per-state: a root (a state); roadmap-cli: a milestone\n"
	"                     (backlog: none); Backlog.md: a folder of its root (drafts, completed)\n"
	CHANGE_OPTIONS_HELP
	EXIT_CODES_HELP;

int main(int argc, char **argv)
{
	struct change ch = { 0 };
	int i;

	set_progname(argv[0]);
	i = change_options(&ch, NULL, argc, argv, usage_str);
	if (argc - i < 2)
		usage(usage_str);
	ch.move_to = argv[argc - 1];
	if (!*ch.move_to || strchr(ch.move_to, '/') || !strcmp(ch.move_to, ".") || !strcmp(ch.move_to, ".."))
		usage_bad_arg(usage_str, "not a folder name", ch.move_to);
	/* the field that follows the folder (status, milestone) is the layout's: lib/change */
	ch.verb = "roadmap-mv";
	return change_run(argv + i, argc - i - 1, &ch) < 0 ? EXIT_FATAL : 0;
}
