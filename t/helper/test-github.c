/*
 * test-github [--url URL] [--name NAME] <command>: lib/github.c's remote_ops
 * by hand (URL: default $TEST_GITHUB_URL; NAME: default gh).
 *
 *   fetch [--cursor C] [--etag E] [--pages] [--exec-after-page N CMD] [--stop-after-page N]
 *	each issue as rissue_to_json, a bad one as "bad <key> <why>", with
 *	--pages "page <cursor>" after each page; then "cursor <c>", "etag <e>"
 *	("-" for none), "not_modified <0|1>", "requests <n>". CMD runs (sh -c)
 *	after page N (an edit in the middle of a walk); --stop-after-page
 *	ends the walk there, as a crash would.
 *   get KEY | create | update KEY FIELD[,FIELD...] | find-created LOCALID [SINCE]
 *	create and update read canonical JSON (rissue_from_json) on stdin;
 *	each prints the issue after, as rissue_to_json; "requests <n>" on stderr
 *   parse FILE
 *	github_parse_issue on each line of FILE (one issue of GitHub's JSON a
 *	line): its rissue_to_json, "pr <json>" for a pull request, or "bad <why>"
 *
 * Exit: 0 ok, 1 gone, 2 failed, 3 fatal, 129 usage; errors on stderr.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "github.h"
#include "usage.h"

static const char usage_str[] =
	"test-github [--url URL] [--name NAME] (fetch [--cursor C] [--etag E] [--pages]\n"
	"            [--exec-after-page N CMD] [--stop-after-page N] | get KEY | create |\n"
	"            update KEY FIELDS | find-created LOCALID [SINCE] | parse FILE)";

struct opts {
	int pages, exec_after, stop_after, page_nr;
	const char *exec_cmd;
};

static void print_issue(const char *prefix, const struct rissue *ri)
{
	struct strbuf sb = STRBUF_INIT;

	rissue_to_json(ri, &sb);
	printf("%s%s\n", prefix, sb.buf);
	strbuf_release(&sb);
}

static int on_issue(struct remote_fetch *f, const struct rissue *ri)
{
	print_issue("", ri);
	return 0;
}

static int on_bad(struct remote_fetch *f, const char *key, const char *why)
{
	printf("bad %s %s\n", key, why);
	return 0;
}

static int on_page(struct remote_fetch *f, const char *cursor)
{
	struct opts *o = f->data;

	o->page_nr++;
	if (o->pages)
		printf("page %s\n", cursor);
	fflush(stdout);
	if (o->exec_cmd && o->page_nr == o->exec_after && system(o->exec_cmd))
		fprintf(stderr, "test-github: '%s' failed\n", o->exec_cmd);
	return o->page_nr == o->stop_after ? 42 : 0;
}

static int exit_code(int rc)
{
	return rc == REMOTE_OK ? 0 : rc == REMOTE_GONE ? 1 : rc == REMOTE_FAILED ? 2 : 3;
}

static int read_stdin_issue(struct rissue *in)
{
	struct strbuf sb = STRBUF_INIT, err = STRBUF_INIT;
	int rc;

	if (strbuf_read_fd(&sb, 0, 4096) < 0)
		die_errno("cannot read stdin");
	rc = rissue_from_json(in, sb.buf, sb.len, &err);
	if (rc)
		die("stdin: %s", err.buf);
	strbuf_release(&sb);
	strbuf_release(&err);
	return 0;
}

static int parse_file(const char *path)
{
	struct strbuf sb = STRBUF_INIT, err = STRBUF_INIT;
	char *line, *next;
	struct rissue ri;

	if (strbuf_read_file(&sb, path, 0) < 0)
		die_errno("cannot read '%s'", path);
	for (line = sb.buf; line < sb.buf + sb.len; line = next) {
		next = memchr(line, '\n', sb.buf + sb.len - line);
		next = next ? next + 1 : sb.buf + sb.len;
		if (next - line <= 1)
			continue;
		strbuf_reset(&err);
		if (github_parse_issue(line, next - line, &ri, &err))
			printf("bad %s\n", err.buf);
		else
			print_issue(ri.is_pr ? "pr " : "", &ri);
		rissue_release(&ri);
	}
	strbuf_release(&sb);
	strbuf_release(&err);
	return 0;
}

static int fetch(struct remote *r, int argc, char **argv, struct strbuf *err)
{
	struct remote_fetch f;
	struct opts o;
	int i, rc;

	memset(&f, 0, sizeof(f));
	memset(&o, 0, sizeof(o));
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--cursor") && i + 1 < argc)
			f.cursor = argv[++i];
		else if (!strcmp(argv[i], "--etag") && i + 1 < argc)
			f.etag = argv[++i];
		else if (!strcmp(argv[i], "--pages"))
			o.pages = 1;
		else if (!strcmp(argv[i], "--exec-after-page") && i + 2 < argc) {
			o.exec_after = atoi(argv[++i]);
			o.exec_cmd = argv[++i];
		} else if (!strcmp(argv[i], "--stop-after-page") && i + 1 < argc)
			o.stop_after = atoi(argv[++i]);
		else
			usage(usage_str);
	}
	f.issue = on_issue;
	f.bad = on_bad;
	f.page = on_page;
	f.data = &o;
	rc = r->ops->fetch(r, &f, err);
	if (rc == 42) {
		printf("stopped\n");
		rc = 0;
	}
	printf("cursor %s\netag %s\nnot_modified %d\nrequests %lu\n", f.new_cursor ? f.new_cursor : "-",
	       f.new_etag ? f.new_etag : "-", f.not_modified, f.requests);
	free(f.new_cursor);
	free(f.new_etag);
	return rc;
}

int main(int argc, char **argv)
{
	struct remote r;
	struct strbuf err = STRBUF_INIT;
	struct rissue in, out;
	const char *url = getenv("TEST_GITHUB_URL"), *name = "gh", *cmd;
	int rc = REMOTE_OK, has_out = 0;

	set_progname(argv[0]);
	argv++, argc--;
	while (argc >= 2 && (!strcmp(argv[0], "--url") || !strcmp(argv[0], "--name"))) {
		if (!strcmp(argv[0], "--url"))
			url = argv[1];
		else
			name = argv[1];
		argv += 2, argc -= 2;
	}
	if (argc < 1)
		usage(usage_str);
	cmd = argv[0];
	if (!strcmp(cmd, "parse")) {
		if (argc != 2)
			usage(usage_str);
		return parse_file(argv[1]);
	}
	if (!url)
		die("no URL: --url or $TEST_GITHUB_URL");
	memset(&r, 0, sizeof(r));
	r.name = (char *)name;
	r.kind = "github";
	r.url = (char *)url;
	if (github_open(&r, &err))
		die("%s", err.buf);
	rissue_init(&in);
	rissue_init(&out);
	if (!strcmp(cmd, "fetch"))
		rc = fetch(&r, argc, argv, &err);
	else if (!strcmp(cmd, "get") && argc == 2)
		rc = r.ops->get(&r, argv[1], &out, &err), has_out = 1;
	else if (!strcmp(cmd, "create") && argc == 1) {
		read_stdin_issue(&in);
		rc = r.ops->create(&r, &in, &out, &err), has_out = 1;
	} else if (!strcmp(cmd, "update") && argc == 3) {
		unsigned fields = 0, one;
		char *f, *save = NULL;
		for (f = strtok_r(argv[2], ",", &save); f; f = strtok_r(NULL, ",", &save)) {
			if (!(one = rissue_field_parse(f)))
				die("unknown field '%s'", f);
			fields |= one;
		}
		read_stdin_issue(&in);
		rc = r.ops->update(&r, argv[1], &in, fields, &out, &err), has_out = 1;
	} else if (!strcmp(cmd, "find-created") && (argc == 2 || argc == 3))
		rc = r.ops->find_created(&r, argv[1], argc == 3 ? argv[2] : NULL, &out, &err),
		has_out = 1;
	else
		usage(usage_str);
	if (has_out && rc == REMOTE_OK)
		print_issue("", &out);
	if (rc != REMOTE_OK)
		fprintf(stderr, "test-github: %s\n", err.buf);
	if (strcmp(cmd, "fetch"))
		fprintf(stderr, "requests %lu\n", r.requests);
	rissue_release(&in);
	rissue_release(&out);
	r.ops->close(&r);
	strbuf_release(&err);
	finish_stdout();
	return exit_code(rc);
}
