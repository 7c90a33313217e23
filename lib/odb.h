#ifndef ODB_H
#define ODB_H

#include <stddef.h>
#include <time.h>

#include "packidx.h"
#include "repo.h"
#include "strbuf.h"

/*
 * odb.h - reading a few objects of git's object database in-process.
 * Calls packidx and the utilities (sha1.h: object ids);
 * runs no git: blob.h asks git for what this cannot read.
 *
 * An incremental refresh reads a commit, a few trees and the changed
 * blobs. Starting git for them (cat-file twice) costs more than the
 * reading: a few ms each, on every commit a hook follows. This reads
 * loose objects and packs (.idx version 2, offset and ref deltas) with
 * zlib, and checks loose objects against their ids (packed ones, as
 * git, it takes on zlib's checksums). What it cannot read
 * here (alternates, a missing object, a form it does not know) it says
 * so, and the caller asks git (blob.h): git stays the judge of what is
 * there.
 */

enum odb_type { ODB_COMMIT = 1, ODB_TREE = 2, ODB_BLOB = 3, ODB_TAG = 4 };

struct odb {
	char *objdir;
	struct packidx idx;
	struct odb_pack {
		const unsigned char *map;	/* the whole .pack, mapped when first read */
		size_t size;
		int failed;
	} *packs;
	struct strbuf delta, result;	/* a delta chain's buffers, kept from read to read */
	struct timespec pack_time;	/* objdir/pack's mtime when the packs were listed */
};

/* Returns 0, or 1 when objdir has alternates (objects elsewhere: ask git). */
int odb_open(struct odb *db, const char *objdir);
/*
 * The object oid: its type and content. Returns 0, 1 when it is not in
 * this database (the packs are listed again first, when a pack came
 * since: a fetch), -1 when it cannot be read here (a broken or unknown
 * form, or a loose object that does not hash to oid). Nothing is reported:
 * the caller asks git, which says what is wrong.
 */
int odb_read(struct odb *db, const unsigned char *oid, int *type, struct strbuf *out);
/*
 * Which of the n objects oids[] no object directory of the repository
 * holds (objdir and those its info/alternates names): missing[i] is set
 * to 1 for those, 0 for the others; returns how many are missing. Only
 * the .idx files and the names of loose objects are looked at: nothing
 * is read, and no git runs (in a partial clone, git fetches each object
 * it is asked for and lacks, one at a time).
 */
size_t odb_missing(const char *objdir, const unsigned char *const *oids, size_t n, char *missing);
/* Let the pages of the packs read so far go (a sweep of every blob would keep them all). */
void odb_drop_pages(struct odb *db);
void odb_close(struct odb *db);
/*
 * The tree at path ("a/b") in commit `commit`: 0 with its oid, 1 when
 * the commit has nothing there (oid zeroed), -1 when it is no tree or
 * cannot be read here.
 */
int odb_commit_path(struct odb *db, const unsigned char *commit, const char *path,
		    unsigned char *oid);

#endif
