/*
 * fuzz-gitindex: libFuzzer target for lib/gitindex.c, which reads git's
 * index ($GIT_DIR/index), a file another program writes. Any bytes: when
 * gitindex_parse() accepts them, every entry and cached tree it returns
 * must lie inside them, in git's order, and lookups must agree with it.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gitindex.h"

#define CHECK(cond) \
	do { \
		if (!(cond)) { \
			fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__, #cond); \
			abort(); \
		} \
	} while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct gitindex gi;
	/* a copy the size of the input, so that ASan sees every byte read past it */
	unsigned char *buf = malloc(size ? size : 1);
	size_t i;

	memcpy(buf, data, size);
	if (gitindex_parse(&gi, buf, size) == 0) {
		for (i = 0; i < gi.nr; i++) {
			const struct gitindex_entry *e = &gi.e[i];
			size_t len = strlen(e->path);
			CHECK(gitindex_oid(e) >= buf && gitindex_oid(e) + 20 <= buf + size);
			CHECK(gitindex_seek(&gi, e->path, len) <= i);
		}
		for (i = 0; i < gi.tnr; i++) {
			const struct gitindex_tree *t = &gi.t[i];
			CHECK(gitindex_tree(&gi, t->path, strlen(t->path)) != NULL);
			CHECK(!i || strcmp(gi.t[i - 1].path, t->path) <= 0);
		}
		gitindex_release(&gi);
	}
	free(buf);
	return 0;
}
