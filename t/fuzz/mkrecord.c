/*
 * mkrecord <in> <out>: write the record issue_parse() makes of the file
 * <in> to <out>, as the index stores it. Seeds t/fuzz/corpus/record/ from
 * t/fuzz/corpus/parse/ (make fuzz-corpus).
 */
#include <stdio.h>

#include "issue.h"
#include "strbuf.h"
#include "usage.h"

int main(int argc, char **argv)
{
	struct strbuf buf = STRBUF_INIT, rec = STRBUF_INIT;
	FILE *f;

	set_progname(argv[0]);
	if (argc != 3)
		usage("mkrecord <in> <out>");
	if (strbuf_read_file(&buf, argv[1], 0) < 0)
		die_errno("cannot read '%s'", argv[1]);
	issue_parse(&rec, buf.buf, buf.len);
	if (!(f = fopen(argv[2], "wb")) || fwrite(rec.buf, 1, rec.len, f) != rec.len ||
	    fclose(f))
		die_errno("cannot write '%s'", argv[2]);
	strbuf_release(&buf);
	strbuf_release(&rec);
	return 0;
}
