/*
 * roadmap-new: create an issue file in the repository's layout and print
 * its id.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "change.h"
#include "index.h"
#include "layout.h"
#include "newissue.h"
#include "repo.h"
#include "usage.h"
#include "xalloc.h"

static const char usage_str[] =
	"roadmap-new --title <title> [--status <s>] [--label <l>]... [--assignee <a>]\n"
	"            [--milestone <m>] [--priority <p>] [--type <t>] [--field <k>=<v>]...\n"
	"            [--body-file <file> | --body-file -] [--commit]\n"
	"\n"
	"    --field <k>=<v>   any other field (a string)\n"
	"    --body-file <f>   the text after the front matter (- : standard input)\n"
	"    --commit          commit the new file (only it)\n"
	EXIT_CODES_HELP;

static const struct option longopts[] = {
	{ "title", required_argument, NULL, 't' },
	{ "status", required_argument, NULL, 's' },
	{ "label", required_argument, NULL, 'l' },
	{ "assignee", required_argument, NULL, 'a' },
	{ "milestone", required_argument, NULL, 'm' },
	{ "priority", required_argument, NULL, 'p' },
	{ "type", required_argument, NULL, 'y' },
	{ "field", required_argument, NULL, 'f' },
	{ "body-file", required_argument, NULL, 'b' },
	{ "commit", no_argument, NULL, 'c' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 }
};

int main(int argc, char **argv)
{
	struct new_issue n = { 0 };
	const char **labels = xcalloc(argc, sizeof(*labels));
	char **fields = xcalloc(argc, sizeof(*fields));
	struct strbuf body = STRBUF_INIT, id = STRBUF_INIT, path = STRBUF_INIT;
	struct repo_paths paths;
	struct index *ix = NULL;
	struct layout layout;
	const char *body_file = NULL;
	int c, do_commit = 0;

	set_progname(argv[0]);
	opterr = 0;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 't': n.title = optarg; break;
		case 's': n.status = optarg; break;
		case 'l': labels[n.nlabels++] = optarg; break;
		case 'a': n.assignee = optarg; break;
		case 'm': n.milestone = optarg; break;
		case 'p': n.priority = optarg; break;
		case 'y': n.type = optarg; break;
		case 'f': fields[n.nfields++] = optarg; break;
		case 'b': body_file = optarg; break;
		case 'c': do_commit = 1; break;
		case 'h':
			help(usage_str);
		default:
			usage_unknown_option(usage_str, argv);
		}
	}
	if (optind < argc)
		usage_bad_arg(usage_str, "unexpected argument", argv[optind]);
	if (!n.title || !*n.title)
		usage_bad_arg(usage_str, "a title is needed", "--title");
	n.labels = labels;
	n.fields = fields;
	if (body_file) {
		if ((body_file[0] == '-' && !body_file[1] ? strbuf_read_fd(&body, 0, 0) :
		     strbuf_read_file(&body, body_file, 0)) < 0)
			die_errno("cannot read '%s'", body_file);
		n.body = body.buf;
		n.bodylen = body.len;
	}
	if (repo_find(&paths) < 0 || index_open(&ix, &paths) < 0)
		exit(EXIT_FATAL);
	if (!paths.workdir)
		die("a bare repository has no work tree to put an issue in");
	if (layout_read(&layout, &paths) < 0 || new_issue(ix, &paths, &layout, &n, &id, &path) < 0)
		exit(EXIT_FATAL);
	if (do_commit) {
		char *p = path.buf, *i = id.buf;
		if (change_commit(&paths, &p, 1, "roadmap-new", &i, 1) < 0)
			exit(EXIT_FATAL);
	}
	printf("%s\n", id.buf);
	layout_release(&layout);
	index_close(ix);
	repo_paths_release(&paths);
	strbuf_release(&body);
	strbuf_release(&id);
	strbuf_release(&path);
	free(labels);
	free(fields);
	finish_stdout();
	return 0;
}
