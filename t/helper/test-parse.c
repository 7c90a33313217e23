/*
 * test-parse <file>...: parse each file as the index does and print one
 * JSON line per file: {"path", "kind", "id", "fields"} for an issue,
 * {"path", "kind", "error"} otherwise. For tests and fuzzing.
 */
#include <stdio.h>
#include <string.h>

#include "issue.h"
#include "output.h"
#include "record.h"
#include "strbuf.h"
#include "usage.h"

int main(int argc, char **argv)
{
	struct strbuf buf = STRBUF_INIT, rec = STRBUF_INIT, out = STRBUF_INIT;
	struct record r;
	int i, ret = 0;

	set_progname(argv[0]);
	for (i = 1; i < argc; i++) {
		strbuf_reset(&buf);
		strbuf_reset(&rec);
		strbuf_reset(&out);
		if (strbuf_read_file(&buf, argv[i], 0) < 0) {
			ret = error_errno("cannot read '%s'", argv[i]);
			continue;
		}
		issue_parse(&rec, buf.buf, buf.len);
		if (record_decode(&r, rec.buf, rec.len) < 0)
			die("bad record for '%s'", argv[i]);
		strbuf_addstr(&out, "{\"path\": ");
		json_string(&out, argv[i], strlen(argv[i]));
		if (r.kind == RECORD_ISSUE) {
			const unsigned char *p = r.nodes;
			size_t idlen;
			const char *id = r.id;
			if (!id)
				id = issue_id_from_path(argv[i], &idlen);
			else
				idlen = r.idlen;
			strbuf_addstr(&out, ", \"kind\": \"issue\", \"id\": ");
			json_string(&out, id, idlen);
			strbuf_addstr(&out, ", \"fields\": ");
			if (json_node(&out, &p, r.end) < 0)
				die("bad node stream for '%s'", argv[i]);
		} else if (r.kind == RECORD_INVALID) {
			strbuf_addstr(&out, ", \"kind\": \"invalid\", \"error\": ");
			json_string(&out, r.err, r.errlen);
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
