/*
 * test-frontmatter <file> <edit>...: apply edits to an issue file as the
 * writers do (lib/frontmatter) and print the new file on stdout. Edits:
 *   set KEY VALUE       the string VALUE (quoted as YAML needs)
 *   plain KEY VALUE     VALUE written plain when YAML allows (a number stays one)
 *   list KEY N V1..VN   the list V1..VN
 *   add KEY VALUE       add to the list       remove KEY VALUE   remove from it
 *   unset KEY
 *   quote VALUE         print VALUE as yaml_quote() writes it, and nothing else
 * An error prints "<file>:line:col: message" and exits 128.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "frontmatter.h"
#include "yamlquote.h"
#include "strbuf.h"
#include "usage.h"
#include "xalloc.h"

int main(int argc, char **argv)
{
	struct strbuf in = STRBUF_INIT, out = STRBUF_INIT, err = STRBUF_INIT;
	struct fm_edit *ed = xcalloc(argc, sizeof(*ed));
	size_t nr = 0;
	int i = 2;

	if (argc == 3 && !strcmp(argv[1], "quote")) {
		yaml_quote(&out, argv[2], strlen(argv[2]), 0, 0);
		printf("%s\n", out.buf);
		return 0;
	}
	if (argc < 2 || strbuf_read_file(&in, argv[1], 0) < 0)
		die("usage: test-frontmatter <file> <edit>...");
	while (i < argc) {
		const char *op = argv[i++];
		struct fm_edit *e = &ed[nr++];

		if (i >= argc)
			die("%s: no key", op);
		e->key = argv[i++];
		e->vals = (const char *const *)argv + i;
		e->nr = 1;
		if (!strcmp(op, "set") || !strcmp(op, "plain")) {
			e->op = FM_SET;
			e->plain = !strcmp(op, "plain");
		} else if (!strcmp(op, "add")) {
			e->op = FM_ADD;
		} else if (!strcmp(op, "remove")) {
			e->op = FM_REMOVE;
		} else if (!strcmp(op, "unset")) {
			e->op = FM_UNSET;
			e->nr = 0;
			continue;
		} else if (!strcmp(op, "body")) {
			e->op = FM_BODY;
		} else if (!strcmp(op, "list")) {
			e->op = FM_SET_LIST;
			if (i >= argc)
				die("list: no count");
			e->nr = atoi(argv[i++]);
			e->vals = (const char *const *)argv + i;
		} else {
			die("unknown edit '%s'", op);
		}
		if (i + (int)e->nr > argc)
			die("%s %s: values missing", op, e->key);
		i += e->nr;
	}
	i = fm_edit(&out, in.buf, in.len, ed, nr, &err);
	if (i < 0)
		fprintf(stderr, "%s:%s\n", argv[1], err.buf);
	else
		fwrite(out.buf, 1, out.len, stdout);
	free(ed);
	strbuf_release(&in);
	strbuf_release(&out);
	strbuf_release(&err);
	return i < 0 ? 128 : 0;
}
