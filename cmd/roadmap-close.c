/*
 * roadmap-close: close issues: the layout's closed status (roadmap-cli's
 * "closed", the last of Backlog.md's statuses, folder-per-state's
 * completed folder; roadmap.closedStatus wins), moved where the layout
 * keeps closed issues.
 */
#include <stdlib.h>

#include "change.h"
#include "usage.h"

static const char usage_str[] =
	"roadmap-close [--reason <text>] [--no-touch] [--commit] <id>...\n"
	"\n"
	"    --reason <text>  record why, in the field close_reason\n"
	CHANGE_OPTIONS_HELP
	EXIT_CODES_HELP;

int main(int argc, char **argv)
{
	struct change ch = { 0 };
	/* the closed status depends on the layout: change_run() reads it */
	const char *status[1] = { CHANGE_CLOSED_STATUS }, *reason[1] = { NULL };
	struct fm_edit ed[2] = { { FM_SET, "status", status, 1, 0 }, { FM_SET, "close_reason", reason, 1, 0 } };
	int i;

	set_progname(argv[0]);
	i = change_options(&ch, &reason[0], argc, argv, usage_str);
	if (i >= argc)
		usage(usage_str);
	ch.ed = ed;
	ch.nr = reason[0] ? 2 : 1;
	ch.verb = "roadmap-close";
	return change_run(argv + i, argc - i, &ch) < 0 ? EXIT_FATAL : 0;
}
