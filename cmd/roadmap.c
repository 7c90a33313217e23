/*
 * roadmap <command> [<args>]: run roadmap-<command>. Installed also as
 * git-roadmap, so that `git roadmap list` works.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "run.h"
#include "strbuf.h"
#include "usage.h"

static const char usage_str[] =
	"roadmap <command> [<args>]\n"
	"\n"
	"commands: list, show, refresh, status, fsck, check, diff-index, watch, install-hooks\n"
	"(each is also a program roadmap-<command>)";

int main(int argc, char **argv)
{
	struct strbuf cmd = STRBUF_INIT;

	set_progname(argv[0]);
	if (argc < 2)
		usage(usage_str);
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "help"))
		help(usage_str);
	if (strchr(argv[1], '/') || argv[1][0] == '-') {
		error("unknown command '%s'", argv[1]);
		usage(usage_str);
	}
	strbuf_addf(&cmd, "roadmap-%s", argv[1]);
	argv[1] = cmd.buf;
	/* the program beside this one, else from $PATH */
	exec_roadmap(cmd.buf, argv + 1);
	if (errno == ENOENT) {
		error("'%s' is not a roadmap command", argv[1] + 8);
		usage(usage_str);
	}
	die_errno("cannot run '%s'", cmd.buf);
}
