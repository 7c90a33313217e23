/*
 * roadmap-set: change fields of issues without hand-editing YAML. The
 * front matter is edited as text (lib/frontmatter): only the changed
 * keys' lines change. Folder-per-state: a status change moves the file.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "change.h"
#include "usage.h"
#include "xalloc.h"

static const char usage_str[] =
	"roadmap-set [--no-touch] [--commit] <id>... (<key>=<value> | <key>+=<value> |\n"
	"            <key>-=<value> | --unset <key>)...\n"
	"\n"
	"    <key>=<value>    set a field (a list field: \"a,b\" is not split; use +=)\n"
	"    <key>+=<value>   add to a list field (a single value becomes a list)\n"
	"    <key>-=<value>   remove from a list field\n"
	"    --unset <key>    remove the field\n"
	CHANGE_OPTIONS_HELP
	EXIT_CODES_HELP;

static const struct option longopts[] = {
	{ "unset", required_argument, NULL, 'u' },
	{ "no-touch", no_argument, NULL, 'n' },
	{ "commit", no_argument, NULL, 'c' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 }
};

/* "key=v", "key+=v", "key-=v": the edit, or -1 when arg is no edit. */
static int parse_edit(struct fm_edit *e, char *arg)
{
	char *eq = strchr(arg, '=');

	if (!eq || eq == arg)
		return -1;
	memset(e, 0, sizeof(*e));
	e->op = FM_SET;
	if (eq[-1] == '+' || eq[-1] == '-') {
		e->op = eq[-1] == '+' ? FM_ADD : FM_REMOVE;
		eq[-1] = '\0';
	}
	*eq = '\0';
	e->key = arg;
	e->vals = (const char *const *)xcalloc(1, sizeof(char *));
	((const char **)e->vals)[0] = eq + 1;
	e->nr = 1;
	e->plain = 2;
	if (!fm_key_ok(e->key, strlen(e->key)))
		die("'%s' is not a key roadmap writes (letters, digits, _ . -)", e->key);
	return 0;
}

int main(int argc, char **argv)
{
	struct fm_edit *ed = xcalloc(argc, sizeof(*ed));
	struct change ch = { 0 };
	char **ids = xcalloc(argc, sizeof(*ids));
	size_t ned = 0, nids = 0, i;
	int c, touch = 1, do_commit = 0, ret = 0;

	set_progname(argv[0]);
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+h", longopts, NULL)) != -1 || optind < argc) {
		if (c == -1) {
			/* a non-option: an id or an edit; options may follow */
			char *arg = argv[optind++];
			if (parse_edit(&ed[ned], arg) == 0)
				ned++;
			else if (ned)
				usage_bad_arg(usage_str, "an id after the edits", arg);
			else
				ids[nids++] = arg;
			continue;
		}
		switch (c) {
		case 'u':
			memset(&ed[ned], 0, sizeof(*ed));
			ed[ned].op = FM_UNSET;
			ed[ned++].key = optarg;
			break;
		case 'n':
			touch = 0;
			break;
		case 'c':
			do_commit = 1;
			break;
		case 'h':
			help(usage_str);
		default:
			usage_unknown_option(usage_str, argv);
		}
	}
	if (!nids || !ned)
		usage(usage_str);
	ch.ed = ed;
	ch.nr = ned;
	ch.touch = touch;
	ch.commit = do_commit;
	ch.verb = "roadmap-set";
	ret = change_run(ids, nids, &ch) < 0 ? EXIT_FATAL : 0;
	for (i = 0; i < ned; i++)
		free((void *)ed[i].vals);
	free(ids);
	free(ed);
	return ret;
}
