/*
 * roadmap-set: change fields of issues without hand-editing YAML. The
 * front matter is edited as text (lib/frontmatter): only the changed
 * keys' lines change. Folder-per-state: a status change moves the file.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "index.h"
#include "issue.h"
#include "layout.h"
#include "query.h"
#include "repo.h"
#include "run.h"
#include "usage.h"
#include "write.h"
#include "xalloc.h"

static const char usage_str[] =
	"roadmap-set [--no-touch] [--commit] <id>... (<key>=<value> | <key>+=<value> |\n"
	"            <key>-=<value> | --unset <key>)...\n"
	"\n"
	"    <key>=<value>    set a field (a list field: \"a,b\" is not split; use +=)\n"
	"    <key>+=<value>   add to a list field (a single value becomes a list)\n"
	"    <key>-=<value>   remove from a list field\n"
	"    --unset <key>    remove the field\n"
	"    --no-touch       do not set updated / updated_date to now\n"
	"    --commit         commit the changed files (only them), naming the ids\n"
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

/* The working-tree file of an issue id: exactly one, or die. */
static char *find_issue(struct index *ix, const struct repo_paths *p, const char *id)
{
	struct query q;
	struct answer a;
	char *path;

	memset(&q, 0, sizeof(q));
	q.limit = -1;
	query_add_eq(&q, "id", "");
	free(q.preds[0].values[0]);
	q.preds[0].values[0] = xstrdup(id);	/* ids may hold commas */
	if (query_run(&a, &q, ix, p) < 0)
		die("cannot answer from the index");
	if (!a.nr)
		die("no issue with id '%s'", id);
	if (a.nr > 1)
		die("id '%s' names %zu issue files (%s, %s%s): fix the duplicate first",
		    id, a.nr, a.r[0].path, a.r[1].path, a.nr > 2 ? ", ..." : "");
	path = xstrdup(a.r[0].path);
	answer_release(&a);
	query_release(&q);
	return path;
}

/* Folder-per-state: where the file goes for its new status, or NULL to stay. */
static char *state_path(const struct layout *l, const char *path, const char *status)
{
	const char *to = layout_status_root(l, status), *from;
	size_t i, flen;
	struct strbuf np = STRBUF_INIT;

	if (!to || l->kind != LAYOUT_STATES)
		return NULL;
	for (i = 0; i < l->nroots; i++) {
		from = l->roots[i];
		flen = strlen(from);
		if (!strncmp(path, from, flen) && path[flen] == '/') {
			if (!strcmp(from, to))
				return NULL;
			strbuf_addf(&np, "%s%s", to, path + flen);
			return strbuf_detach(&np, NULL);
		}
	}
	return NULL;
}

static void commit(const struct repo_paths *p, char **paths, size_t n, char **ids, size_t nids)
{
	struct strbuf msg = STRBUF_INIT, out = STRBUF_INIT;
	char **argv = xcalloc(n + 8, sizeof(*argv));
	size_t i, k = 0;

	strbuf_addstr(&msg, "roadmap-set:");
	for (i = 0; i < nids; i++)
		strbuf_addf(&msg, " %s", ids[i]);
	argv[k++] = "git";
	argv[k++] = "add";
	argv[k++] = "-A";
	argv[k++] = "--";
	for (i = 0; i < n; i++)
		argv[k + i] = paths[i];
	if (run_git(&out, NULL, argv))
		die("git add failed");
	argv[1] = "commit";
	argv[2] = "-q";
	argv[3] = "-m";
	argv[4] = msg.buf;
	argv[5] = "--";
	for (i = 0; i < n; i++)
		argv[6 + i] = paths[i];
	argv[6 + n] = NULL;
	/* through git: its hooks run (pre-commit checks the files) */
	if (run_git(&out, NULL, argv))
		die("git commit failed");
	free(argv);
	strbuf_release(&msg);
	strbuf_release(&out);
	(void)p;
}

int main(int argc, char **argv)
{
	struct repo_paths paths;
	struct index *ix = NULL;
	struct layout layout;
	struct fm_edit *ed = xcalloc(argc, sizeof(*ed));
	char **ids = xcalloc(argc, sizeof(*ids)), **touched = xcalloc(2 * argc + 1, sizeof(char *));
	size_t ned = 0, nids = 0, ntouched = 0, i, j;
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
	if (repo_find(&paths) < 0 || index_open(&ix, &paths) < 0)
		exit(EXIT_FATAL);
	if (!paths.workdir)
		die("a bare repository has no issue files to change");
	if (layout_read(&layout, &paths) < 0)
		exit(EXIT_FATAL);
	for (i = 0; i < nids; i++) {
		char *path = find_issue(ix, &paths, ids[i]), *to = NULL;
		struct write_result res;

		if (write_edit(&paths, path, ed, ned, touch ? &layout : NULL, &res) < 0) {
			ret = EXIT_FATAL;
			free(path);
			continue;
		}
		for (j = 0; j < ned; j++)
			if (ed[j].op == FM_SET && !strcmp(ed[j].key, "status"))
				to = state_path(&layout, path, ed[j].vals[0]);
		if (to && write_move(&paths, path, to) < 0)
			ret = EXIT_FATAL;
		if (res.changed || to)
			touched[ntouched++] = path;
		else
			free(path);
		if (to)
			touched[ntouched++] = to;
		write_result_release(&res);
	}
	if (do_commit && ntouched && !ret)
		commit(&paths, touched, ntouched, ids, nids);
	for (i = 0; i < ntouched; i++)
		free(touched[i]);
	for (i = 0; i < ned; i++)
		free((void *)ed[i].vals);
	free(touched);
	free(ids);
	free(ed);
	layout_release(&layout);
	index_close(ix);
	repo_paths_release(&paths);
	return ret;
}
