/*
 * roadmap-edit: edit an issue in your editor, checked on save, as git
 * commit edits a message.
 */
#include <getopt.h>
#include <stdlib.h>

#include "edit.h"
#include "index.h"
#include "repo.h"
#include "usage.h"

static const char usage_str[] =
	"roadmap-edit <id>\n"
	"\n"
	"    the editor is git's: GIT_EDITOR, core.editor, VISUAL, EDITOR, vi\n"
	EXIT_CODES_HELP;

static const struct option longopts[] = {
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 }
};

int main(int argc, char **argv)
{
	struct repo_paths paths;
	struct index *ix = NULL;
	int c, ret;

	set_progname(argv[0]);
	opterr = 0;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'h':
			help(usage_str);
		default:
			usage_unknown_option(usage_str, argv);
		}
	}
	if (argc - optind != 1)
		usage(usage_str);
	if (repo_find(&paths) < 0 || index_open(&ix, &paths) < 0)
		exit(EXIT_FATAL);
	if (!paths.workdir)
		die("a bare repository has no issue files to edit");
	ret = edit_issue(ix, &paths, argv[optind]) < 0 ? EXIT_FATAL : 0;
	index_close(ix);
	repo_paths_release(&paths);
	return ret;
}
