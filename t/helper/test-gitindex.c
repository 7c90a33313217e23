/*
 * test-gitindex <index-file>: what lib/gitindex reads from a git index,
 * in the formats git prints, so that tests compare it with git:
 *   "<mode> <oid> 0\t<path>" per entry (git ls-files -s), then
 *   "tree <oid>\t<path>" per valid cached tree ("" for the top), and
 *   "tree invalid\t<path>" per invalidated one.
 * Exits 1 when the file is not an index lib/gitindex uses.
 */
#include <stdio.h>

#include "gitindex.h"
#include "index.h"

int main(int argc, char **argv)
{
	struct gitindex gi;
	char hex[41];
	size_t i;

	if (argc != 2) {
		fprintf(stderr, "usage: test-gitindex <index-file>\n");
		return 129;
	}
	if (gitindex_read(&gi, argv[1]) < 0)
		return 1;
	for (i = 0; i < gi.nr; i++) {
		oid_to_hex(hex, gitindex_oid(&gi.e[i]));
		printf("%06o %s 0\t%s\n", gi.e[i].mode, hex, gi.e[i].path);
	}
	for (i = 0; i < gi.tnr; i++) {
		if (gi.t[i].valid)
			oid_to_hex(hex, gi.t[i].oid);
		printf("tree %s\t%s\n", gi.t[i].valid ? hex : "invalid", gi.t[i].path);
	}
	gitindex_release(&gi);
	return 0;
}
