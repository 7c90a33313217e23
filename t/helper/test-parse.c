/*
 * test-parse <file>...: parse each file as the index does and print one
 * JSON line per file: {"path", "kind", "id", "fields"} for an issue,
 * {"path", "kind", "error"} otherwise. For tests and fuzzing.
 *
 * test-parse --compare <file>...: parse each file with the fast path for
 * simple files and with libyaml alone; name each file whose records
 * differ, then print "<files> files, <n> by the fast path, <k> differ".
 * Exit 1 when any differs.
 *
 * test-parse --record <file>...: each file holds a record's bytes, as the
 * index stores them (maybe corrupt); print {"path", "scalars", "fields"}:
 * what record_foreach_scalar() reports ([key, text] pairs) and out_json_node()
 * writes ("malformed" when it fails), or {"path", "record": "bad"}.
 */
#include <stdio.h>
#include <string.h>

#include "issue.h"
#include "output.h"
#include "record.h"
#include "strbuf.h"
#include "usage.h"

static int add_scalar(const char *key, size_t keylen, const struct node *val, void *data)
{
	struct strbuf *out = data;

	if (out->buf[out->len - 1] != '[')
		strbuf_addstr(out, ", ");
	strbuf_addch(out, '[');
	out_json_string(out, key, keylen);
	strbuf_addstr(out, ", ");
	out_json_string(out, val->text, val->len);
	strbuf_addch(out, ']');
	return 0;
}

static void show_record(struct strbuf *out, const char *rec, size_t len)
{
	struct record r;
	const unsigned char *p;
	size_t mark;

	if (record_decode(&r, rec, len) < 0 || r.kind != RECORD_ISSUE) {
		strbuf_addstr(out, ", \"record\": \"bad\"");
		return;
	}
	strbuf_addstr(out, ", \"scalars\": [");
	record_foreach_scalar(&r, add_scalar, out);
	strbuf_addstr(out, "], \"fields\": ");
	mark = out->len;
	p = r.nodes;
	if (out_json_node(out, &p, r.end) < 0) {
		strbuf_setlen(out, mark);
		strbuf_addstr(out, "\"malformed\"");
	}
}

static int compare(int argc, char **argv)
{
	struct strbuf buf = STRBUF_INIT, fast = STRBUF_INIT, slow = STRBUF_INIT;
	unsigned long differ = 0;
	int i;

	for (i = 0; i < argc; i++) {
		if (strbuf_read_file(&buf, argv[i], 0) < 0)
			die_errno("cannot read '%s'", argv[i]);
		issue_parse(&fast, buf.buf, buf.len);
		issue_simple_off = 1;
		issue_parse(&slow, buf.buf, buf.len);
		issue_simple_off = 0;
		if (fast.len != slow.len || memcmp(fast.buf, slow.buf, fast.len)) {
			printf("%s: the fast path's record differs from libyaml's\n", argv[i]);
			differ++;
		}
		strbuf_reset(&buf);
		strbuf_reset(&fast);
		strbuf_reset(&slow);
	}
	printf("%d files, %lu by the fast path, %lu differ\n", argc, issue_simple_count, differ);
	strbuf_release(&buf);
	strbuf_release(&fast);
	strbuf_release(&slow);
	finish_stdout();
	return differ ? 1 : 0;
}

int main(int argc, char **argv)
{
	struct strbuf buf = STRBUF_INIT, rec = STRBUF_INIT, out = STRBUF_INIT;
	struct record r;
	int i = 1, ret = 0, raw = 0;

	set_progname(argv[0]);
	if (argc > 1 && !strcmp(argv[1], "--record"))
		raw = i = 2;
	if (argc > 1 && !strcmp(argv[1], "--compare"))
		return compare(argc - 2, argv + 2);
	for (; i < argc; i++) {
		strbuf_reset(&buf);
		strbuf_reset(&rec);
		strbuf_reset(&out);
		if (strbuf_read_file(&buf, argv[i], 0) < 0) {
			ret = error_errno("cannot read '%s'", argv[i]);
			continue;
		}
		strbuf_addstr(&out, "{\"path\": ");
		out_json_string(&out, argv[i], strlen(argv[i]));
		if (raw) {
			show_record(&out, buf.buf, buf.len);
			strbuf_addstr(&out, "}\n");
			fwrite(out.buf, 1, out.len, stdout);
			continue;
		}
		issue_parse(&rec, buf.buf, buf.len);
		if (record_decode(&r, rec.buf, rec.len) < 0)
			die("bad record for '%s'", argv[i]);
		if (r.kind == RECORD_ISSUE) {
			const unsigned char *p = r.nodes;
			size_t idlen;
			const char *id = r.id;
			if (!id)
				id = issue_id_from_path(argv[i], &idlen);
			else
				idlen = r.idlen;
			strbuf_addstr(&out, ", \"kind\": \"issue\", \"id\": ");
			out_json_string(&out, id, idlen);
			strbuf_addstr(&out, ", \"fields\": ");
			if (out_json_node(&out, &p, r.end) < 0)
				die("bad node stream for '%s'", argv[i]);
		} else if (r.kind == RECORD_INVALID) {
			strbuf_addstr(&out, ", \"kind\": \"invalid\", \"error\": ");
			out_json_string(&out, r.err, r.errlen);
		} else {
			strbuf_addstr(&out, ", \"kind\": \"notissue\"");
		}
		strbuf_addstr(&out, "}\n");
		fwrite(out.buf, 1, out.len, stdout);
	}
	strbuf_release(&buf);
	strbuf_release(&rec);
	strbuf_release(&out);
	finish_stdout();
	return ret ? 1 : 0;
}
