/*
 * test-odb <objects-dir>: read each object id given on stdin with lib/odb,
 * and print what git cat-file --batch-check prints: "<oid> <type> <size>",
 * "<oid> missing" when it is not in the database, "<oid> unreadable" when
 * lib/odb cannot read it (a loose object is checked against its id).
 * test-odb <objects-dir> --path <commit> <path>: the tree at path, as
 * odb_commit_path() finds it: "<oid>", "none", or "unreadable".
 * Exits 2 when the database has alternates (lib/odb leaves it to git).
 */
#include <stdio.h>
#include <string.h>

#include "index.h"
#include "odb.h"

int main(int argc, char **argv)
{
	static const char *const names[] = { "?", "commit", "tree", "blob", "tag" };
	struct strbuf out = STRBUF_INIT;
	struct odb db;
	unsigned char oid[OID_RAW];
	char line[256], hex[OID_HEX + 1];
	int type, rc;

	if (argc != 2 && (argc != 5 || strcmp(argv[2], "--path"))) {
		fprintf(stderr, "usage: test-odb <objects-dir> [--path <commit> <path>]\n");
		return 129;
	}
	if (odb_open(&db, argv[1]))
		return 2;
	if (argc == 5) {
		unsigned char commit[OID_RAW];
		if (hex_to_oid(commit, argv[3]))
			return 129;
		rc = odb_commit_path(&db, commit, argv[4], oid);
		oid_to_hex(hex, oid);
		puts(rc < 0 ? "unreadable" : rc ? "none" : hex);
		odb_close(&db);
		return 0;
	}
	while (fgets(line, sizeof(line), stdin)) {
		line[strcspn(line, "\n")] = '\0';
		if (hex_to_oid(oid, line)) {
			printf("%s bad\n", line);
			continue;
		}
		rc = odb_read(&db, oid, &type, &out);
		if (rc > 0)
			printf("%s missing\n", line);
		else if (rc < 0)
			printf("%s unreadable\n", line);
		else
			printf("%s %s %zu\n", line, names[type], out.len);
	}
	strbuf_release(&out);
	odb_close(&db);
	return 0;
}
