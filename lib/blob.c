#include <stdlib.h>
#include <string.h>

#include "blob.h"
#include "run.h"
#include "usage.h"

static int corrupt(const char *hex, const char *path)
{
	if (path)
		return error("%s: blob %s is corrupt (git cannot read it)", path, hex);
	return error("blob %s is corrupt (git cannot read it)", hex);
}

int blob_from_git(const char *gitdir, const unsigned char *oid, const char *path,
		  struct strbuf *out)
{
	char hex[OID_HEX + 1];
	/* the caller followed the replace refs (repo_replacement()): git must not again */
	char *cat[] = { "git", "--no-replace-objects", "cat-file", "blob", hex, NULL };
	char *exists[] = { "git", "--no-replace-objects", "cat-file", "-e", hex, NULL };

	oid_to_hex(hex, oid);
	strbuf_reset(out);
	if (!run_git(out, gitdir, cat))
		return BLOB_READ;
	/* git could not read it: "cat-file -e" exits 1 only when git has no such object */
	strbuf_reset(out);
	if (run_git(out, gitdir, exists) == 1)
		return BLOB_MISSING;
	return corrupt(hex, path);
}

int blob_read(struct odb *db, const struct repo_paths *p, const unsigned char *oid,
	      const char *path, struct strbuf *out)
{
	unsigned char replaced[OID_RAW];
	int type;

	if (repo_replacement(p, oid, replaced))
		oid = replaced;
	if (db && !odb_read(db, oid, &type, out) && type == ODB_BLOB)
		return BLOB_READ;
	return blob_from_git(p->gitdir, oid, path, out);
}

int blob_next(struct catfile *cf, const struct repo_paths *p, const unsigned char *oid,
	      const char *path, struct strbuf *out)
{
	unsigned char replaced[OID_RAW];
	int rc = catfile_next(cf, out);

	if (repo_replacement(p, oid, replaced))
		oid = replaced;
	if (rc == 0)
		return BLOB_READ;
	if (rc > 0)	/* missing, or loose and broken: git alone tells */
		return blob_from_git(p->gitdir, oid, path, out);
	/* the stream stopped (reported): git says why, when it was this blob */
	blob_from_git(p->gitdir, oid, path, out);
	return BLOB_CORRUPT;
}

size_t blob_fetch_missing(const struct repo_paths *p, const unsigned char *const *oids, size_t n,
			 char *missing)
{
	char *argv[] = { "git", "-c", "fetch.negotiationAlgorithm=noop", "fetch", p->promisor,
			 "--no-tags", "--no-write-fetch-head", "--recurse-submodules=no",
			 "--filter=blob:none", "--stdin", NULL };
	struct strbuf in = STRBUF_INIT, out = STRBUF_INIT;
	size_t i, nr;

	memset(missing, 0, n);
	if (!p->promisor || !n || !(nr = odb_missing(p->objdir, oids, n, missing)))
		return 0;
	for (i = 0; i < n; i++)
		if (missing[i]) {
			char hex[OID_HEX + 1];
			oid_to_hex(hex, oids[i]);
			strbuf_add(&in, hex, OID_HEX);
			strbuf_addch(&in, '\n');
		}
	if (run_git_input(&out, p->gitdir, argv, in.buf, in.len, 1)) {
		/* git's first "fatal:" line says why (the rest is advice) */
		const char *why = strstr(out.buf, "fatal: ");
		why = why ? why + 7 : out.len ? out.buf : "git fetch failed";
		warning("cannot fetch %zu missing blob%s from the promisor remote '%s': %.*s", nr,
			nr == 1 ? "" : "s", p->promisor, (int)strcspn(why, "\n"), why);
	}
	nr = odb_missing(p->objdir, oids, n, missing);
	strbuf_release(&in);
	strbuf_release(&out);
	return nr;
}

size_t blob_replace_unsupported(const struct repo_paths *p, struct strbuf *out)
{
	static const char *const names[] = { NULL, "commit", "tree", "blob", "tag" };
	struct strbuf obj = STRBUF_INIT;
	struct odb db;
	size_t i, n = 0;
	int have_db = !odb_open(&db, p->objdir);

	for (i = 0; i < p->nr_replace; i++) {
		char hex[OID_HEX + 1];
		char *argv[] = { "git", "--no-replace-objects", "cat-file", "-t", hex, NULL };
		const char *type = NULL;
		int t;

		oid_to_hex(hex, p->replace[i][0]);
		if (have_db && !odb_read(&db, p->replace[i][0], &t, &obj) && t >= 1 && t <= 4) {
			type = names[t];
		} else {
			strbuf_reset(&obj);
			if (!run_git(&obj, p->gitdir, argv)) {
				strbuf_setlen(&obj, strcspn(obj.buf, "\n"));
				type = obj.buf;
			}
		}
		if (type && !strcmp(type, "blob"))
			continue;
		strbuf_addf(out, "%s %s\n", hex, type ? type : "missing object");
		n++;
	}
	if (have_db)
		odb_close(&db);
	strbuf_release(&obj);
	return n;
}
