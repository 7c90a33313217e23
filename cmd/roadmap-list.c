/*
 * roadmap-list: list the issues that match, from the index, healed first.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "index.h"
#include "output.h"
#include "query.h"
#include "repo.h"
#include "usage.h"

static const char usage_str[] =
	"roadmap-list [<options>]\n"
	"\n"
	"    --status <v>[,<v>...]    status is one of the values (also --label, --assignee,\n"
	"                             --milestone, --priority, --type)\n"
	"    --where <f><op><v>       op one of = != < <= > >= ~ (extended regex); repeatable\n"
	"    --sort <f>[,-<f>...]     sort by fields, '-' for descending (default: id, path)\n"
	"    --limit <n>              print at most n issues\n"
	"    --committed              HEAD only, without the working tree's changes\n"
	"    --format <fmt>           %(field), %n, %%, %xNN per issue\n"
	"    --json                   one JSON object per issue per line\n"
	"    -z                       end records with NUL instead of newline";

enum { OPT_STATUS = 256, OPT_LABEL, OPT_ASSIGNEE, OPT_MILESTONE, OPT_PRIORITY, OPT_TYPE,
	OPT_WHERE, OPT_SORT, OPT_LIMIT, OPT_COMMITTED, OPT_FORMAT, OPT_JSON };

static const struct option longopts[] = {
	{ "status", required_argument, NULL, OPT_STATUS },
	{ "label", required_argument, NULL, OPT_LABEL },
	{ "assignee", required_argument, NULL, OPT_ASSIGNEE },
	{ "milestone", required_argument, NULL, OPT_MILESTONE },
	{ "priority", required_argument, NULL, OPT_PRIORITY },
	{ "type", required_argument, NULL, OPT_TYPE },
	{ "where", required_argument, NULL, OPT_WHERE },
	{ "sort", required_argument, NULL, OPT_SORT },
	{ "limit", required_argument, NULL, OPT_LIMIT },
	{ "committed", no_argument, NULL, OPT_COMMITTED },
	{ "format", required_argument, NULL, OPT_FORMAT },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 }
};

static const char *const eq_fields[] = {
	[OPT_STATUS - OPT_STATUS] = "status",
	[OPT_LABEL - OPT_STATUS] = "labels",
	[OPT_ASSIGNEE - OPT_STATUS] = "assignee",
	[OPT_MILESTONE - OPT_STATUS] = "milestone",
	[OPT_PRIORITY - OPT_STATUS] = "priority",
	[OPT_TYPE - OPT_STATUS] = "issue_type",
};

struct joined {
	struct strbuf *out;
	int n;
};

static int join_value(const char *key, size_t keylen, const struct node *val, void *data)
{
	struct joined *j = data;

	if (j->n++)
		strbuf_addch(j->out, ',');
	strbuf_add(j->out, val->text, val->len);
	return 0;
}

static void add_field(struct strbuf *out, const struct result *r, const char *field)
{
	struct joined j = { out, 0 };

	result_values(r, field, join_value, &j);
}

/*
 * A field's value as a record line prints it: C-quoted as git quotes a
 * path when it holds a control character, '"' or '\\' (the pseudo-fields
 * path, root and dir also over 0x7f, as git's paths), verbatim with -z.
 */
static void print_field(struct strbuf *out, const struct result *r, const char *field, int nul)
{
	static struct strbuf v = STRBUF_INIT;

	strbuf_reset(&v);
	add_field(&v, r, field);
	if (!strcmp(field, "path") || !strcmp(field, "root") || !strcmp(field, "dir"))
		quote_path(out, v.buf, v.len, nul);
	else
		quote_value(out, v.buf, v.len, nul);
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c |= 0x20;
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

static void format_result(struct strbuf *out, const struct result *r, const char *fmt, int nul)
{
	const char *p = fmt;

	while (*p) {
		if (*p != '%') {
			strbuf_addch(out, *p++);
			continue;
		}
		p++;
		if (*p == '(') {
			const char *close = strchr(p, ')');
			if (close) {
				char *field = strndup(p + 1, close - p - 1);
				print_field(out, r, field, nul);
				free(field);
				p = close + 1;
				continue;
			}
		} else if (*p == 'n') {
			strbuf_addch(out, '\n');
			p++;
			continue;
		} else if (*p == '%') {
			strbuf_addch(out, '%');
			p++;
			continue;
		} else if (*p == 'x' && hexval(p[1]) >= 0 && hexval(p[2]) >= 0) {
			strbuf_addch(out, hexval(p[1]) << 4 | hexval(p[2]));
			p += 3;
			continue;
		}
		strbuf_addch(out, '%');	/* not a placeholder: as is */
	}
}

static void json_result(struct strbuf *out, const struct result *r)
{
	struct record rec;
	const unsigned char *p;

	strbuf_addstr(out, "{\"id\": ");
	out_json_string(out, r->id, strlen(r->id));
	strbuf_addstr(out, ", \"path\": ");
	out_json_string(out, r->path, strlen(r->path));
	strbuf_addstr(out, ", \"root\": ");
	out_json_string(out, r->root, r->rootlen);
	strbuf_addstr(out, ", \"dir\": ");
	{
		struct strbuf dir = STRBUF_INIT;
		add_field(&dir, r, "dir");
		out_json_string(out, dir.buf, dir.len);
		strbuf_release(&dir);
	}
	strbuf_addstr(out, ", \"fields\": ");
	record_decode(&rec, r->rec, r->reclen);
	p = rec.nodes;
	if (out_json_node(out, &p, rec.end) < 0)
		strbuf_addstr(out, "{}");
	strbuf_addch(out, '}');
}

int main(int argc, char **argv)
{
	struct query q;
	struct answer a;
	struct repo_paths paths;
	struct index *ix = NULL;
	struct strbuf out = STRBUF_INIT;
	const char *format = NULL;
	int c, json = 0, nul = 0, ret = 0;
	size_t i;

	set_progname(argv[0]);
	memset(&q, 0, sizeof(q));
	q.limit = -1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "hz", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_STATUS:
		case OPT_LABEL:
		case OPT_ASSIGNEE:
		case OPT_MILESTONE:
		case OPT_PRIORITY:
		case OPT_TYPE:
			query_add_eq(&q, eq_fields[c - OPT_STATUS], optarg);
			break;
		case OPT_WHERE:
			if (query_add_where(&q, optarg) < 0)
				usage(usage_str);
			break;
		case OPT_SORT:
			query_set_sort(&q, optarg);
			break;
		case OPT_LIMIT: {
			char *end;
			q.limit = strtol(optarg, &end, 10);
			if (*end || q.limit < 0) {
				error("--limit takes a number, not '%s'", optarg);
				usage(usage_str);
			}
			break;
		}
		case OPT_COMMITTED:
			q.committed = 1;
			break;
		case OPT_FORMAT:
			format = optarg;
			break;
		case OPT_JSON:
			json = 1;
			break;
		case 'z':
			nul = 1;
			break;
		case 'h':
			help(usage_str);
		default:
			usage_unknown_option(usage_str, argv);
		}
	}
	if (optind < argc)
		usage_bad_arg(usage_str, "unexpected argument", argv[optind]);
	if (json && format)
		die("options '--json' and '--format' cannot be used together");

	if (repo_find(&paths) < 0 || index_open(&ix, &paths) < 0)
		exit(EXIT_FATAL);
	/* query_run() heals the index first when it must */
	if (query_run(&a, &q, ix, &paths) < 0)
		die("cannot answer from the index");
	/*
	 * One line each, pointing at the command that names them all: the
	 * working tree's files for roadmap-check, HEAD's for roadmap-refresh -v.
	 */
	if (a.invalid)
		warning("%lu invalid issue file%s (see %s)", a.invalid, a.invalid == 1 ? "" : "s",
			q.committed ? "roadmap-refresh -v" : "roadmap-check");
	if (a.nr_dup_ids == 1)
		warning("id '%s' is used by more than one issue file (see roadmap-check)", a.dup_id);
	else if (a.nr_dup_ids)
		warning("%zu ids are used by more than one issue file (see roadmap-check)",
			a.nr_dup_ids);
	for (i = 0; i < a.nr; i++) {
		const struct result *r = &a.r[i];
		strbuf_reset(&out);
		if (json)
			json_result(&out, r);
		else if (format)
			format_result(&out, r, format, nul);
		else {
			print_field(&out, r, "id", nul);
			strbuf_addch(&out, '\t');
			print_field(&out, r, "status", nul);
			strbuf_addch(&out, '\t');
			print_field(&out, r, "title", nul);
		}
		strbuf_addch(&out, nul ? '\0' : '\n');
		fwrite(out.buf, 1, out.len, stdout);
	}
	/* like grep: 1 when nothing matches; 2 when issues could not be read */
	ret = a.unknown ? EXIT_INCOMPLETE : a.nr ? 0 : EXIT_DIFFER;
	answer_release(&a);
	query_release(&q);
	index_close(ix);
	repo_paths_release(&paths);
	strbuf_release(&out);
	finish_stdout();
	return ret;
}
