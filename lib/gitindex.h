#ifndef GITINDEX_H
#define GITINDEX_H

/*
 * gitindex.h - reading git's own index ($GIT_DIR/index) for what HEAD holds,
 * and the staging area under the issue roots; calls repo (paths), run (git
 * ls-files where the index is one not read here), strbuf, usage, xalloc.
 *
 * After a checkout, commit, merge or reset, git's index lists HEAD's files
 * (path, mode, blob oid), and its cache-tree extension ("TREE") the tree
 * oid of every folder git has not touched since. Where the cached tree of
 * a root equals HEAD's tree there, the entries under it are that tree, so
 * an incremental refresh reads them (one pass over a file git just wrote)
 * instead of inflating large folder trees from the pack.
 *
 * Versions 2, 3 and 4 are read. A split index, a sparse index or an entry
 * in conflict makes gitindex_read() fail: the caller reads the trees.
 */

#include <stddef.h>

struct gitindex_entry {
	const char *path;	/* NUL-terminated */
	const unsigned char *stat;	/* ctime, mtime (s, ns), dev, ino, mode, uid, gid, size: 32-bit, big-endian */
	unsigned len;		/* strlen(path) */
	unsigned dirlen;	/* of its folder, with the '/': 0 at the top */
	unsigned mode;
};	/* 32 bytes: 100,000 of them are a build's to page in */

/* The entry's blob oid (20 bytes), which follows its stat data. */
static inline const unsigned char *gitindex_oid(const struct gitindex_entry *e)
{
	return e->stat + 40;
}

/* The stat data git recorded for an entry (ino and size truncated to 32 bits, as git keeps them). */
struct gitindex_stat {
	long long ctime_ns, mtime_ns;
	unsigned ino, size;
};
void gitindex_entry_stat(const struct gitindex_entry *e, struct gitindex_stat *st);

struct gitindex_tree {
	char *path;		/* "" for the top, else "a/b" */
	int valid;		/* 0: git changed something under it since */
	unsigned char oid[20];
};

struct gitindex {
	void *map;
	size_t size;
	struct gitindex_entry *e;	/* in git's order: bytewise by path */
	size_t nr;
	struct gitindex_tree *t;	/* sorted by path */
	size_t tnr;
	char *paths;		/* version 4: the paths, decompressed */
};

/* Returns 0, or -1 when there is no index or it is not one we can use. */
int gitindex_read(struct gitindex *gi, const char *file);
/* The same from buf[0..size), which must outlive gi (entries point into it). */
int gitindex_parse(struct gitindex *gi, const void *buf, size_t size);
void gitindex_release(struct gitindex *gi);
/* Let the pages of the map read so far go (they are read again when needed). */
void gitindex_drop_pages(struct gitindex *gi);

/* The cached tree of folder `path` ("" for the top), or NULL. */
const struct gitindex_tree *gitindex_tree(const struct gitindex *gi, const char *path, size_t len);

/* The first entry whose path is >= path[0..len) in git's order. */
size_t gitindex_seek(const struct gitindex *gi, const char *path, size_t len);

/*
 * The staging area under the issue roots, for roadmap-check --cached,
 * roadmap-diff-index --cached and the working tree of a sparse checkout.
 * The file is GIT_INDEX_FILE when set (relative to the top of the work
 * tree, as git takes it), else the worktree's index. It is read by hand
 * where it can be; a sparse index whose folders hold or lie under a root,
 * a split index, or anything else not read here (version 5, a mandatory
 * extension unknown here, a corrupt file) is listed by git ls-files -s
 * -t, which expands the folders of a sparse index as git commands do.
 * libgit2 1.5 reads neither a sparse nor a split index.
 */
struct staged_entry {
	char *path;
	unsigned mode;
	int stage;		/* 0, or 1 to 3 for an unmerged path */
	int skip;		/* skip-worktree: git keeps it out of the working tree */
	unsigned char oid[20];
};

struct staged {
	struct staged_entry *e;	/* in git's order (path, then stage) */
	size_t nr, alloc;
};
#define STAGED_INIT { NULL, 0, 0 }

struct repo_paths;
/*
 * The entries under the roots ("a\0b\0", len bytes; a root "" is the
 * whole index) into out (owned:
 * staged_release()); no index file is an empty staging area. With
 * only_skip, only the skip-worktree entries, and an index of version 2
 * (which cannot flag any: git writes version 3 for them) costs reading
 * its first 12 bytes: a working-tree query outside a sparse checkout
 * pays no more. Returns 0, or -1 (reported).
 */
int staged_read(struct staged *out, const struct repo_paths *p, const char *roots, size_t len,
		int only_skip);
void staged_release(struct staged *s);
/*
 * Whether path, or a folder on the way to it, is a gitlink (a submodule)
 * in the staging area: 1, 0, or -1 (reported). It reads the whole index.
 */
int staged_gitlink_above(const struct repo_paths *p, const char *path);

#endif
