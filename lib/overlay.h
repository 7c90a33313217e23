#ifndef OVERLAY_H
#define OVERLAY_H

#include <string.h>

#include "index.h"

/*
 * overlay.h - the working tree on top of HEAD's rows. It may call index,
 * issue, record, sha1, watch (to ask a running watcher first), gitindex
 * and blob (a sparse checkout's staged files); query, check, diff and the
 * watcher (watchd.h) call it.
 *
 * The issue roots are read from disk (readdir + fstatat); a file whose
 * stat data (mtime, ctime, size, inode) equals what its `files` row
 * recorded is clean and never read. Any other file is read and hashed as
 * git hashes a blob: when it is HEAD's blob it is clean after all, and
 * its stat data is recorded for next time, unless it is too new to trust
 * (racy git: a file changed in the same second as the stat was taken
 * looks unchanged). Otherwise it is parsed into an overlay entry.
 *
 * Only regular files count, as in HEAD: nothing is read through a
 * symbolic link (not the roots' own components either), and a directory
 * holding ".git" (a submodule's work tree, a nested repository) is not
 * entered, as git does not enter it: a root inside one holds no file of
 * this repository, nor does one in a submodule not checked out (a
 * gitlink in git's index, looked for when HEAD has no file under a root). The *.md names skipped so are kept in `skipped`, for
 * roadmap-check to say why they are not issues.
 *
 * A sparse checkout: a file git keeps out of the working tree (its
 * index entry is skip-worktree) is not deleted. git answers it from the
 * staging area, and so does overlay_compute(): as HEAD's file when the
 * staged blob is HEAD's, else as the staged blob. Such a file that is on
 * disk after all is read, as git does with core.sparseCheckout. Finding
 * them costs reading 12 bytes of git's index outside sparse checkouts.
 */

struct overlay_file {
	char *path;
	int deleted;		/* in HEAD, not in the working tree */
	char *rec;		/* the working file's record (not when deleted) */
	size_t reclen;
	int head_invalid;	/* HEAD's version of the file is in `invalid` */
	unsigned mode;		/* the working file's git mode (not when deleted) */
	unsigned char oid[OID_RAW];	/* and its blob id */
};

struct overlay_stat {
	char *path;
	unsigned char oid[OID_RAW];
	int64_t mtime_ns, ctime_ns;
	uint64_t size, ino;
};

enum overlay_skip {
	OVERLAY_SYMLINK = 1,	/* a symbolic link */
	OVERLAY_REPO,		/* a directory holding .git: a submodule */
};

struct overlay_skipped {
	char *path;
	enum overlay_skip kind;
};

/* A file of a sparse checkout answered from the staging area, not the disk. */
struct overlay_sparse {
	char *path;
	unsigned char oid[OID_RAW];	/* the staged blob */
};

struct overlay {
	struct overlay_file *files;	/* sorted by path */
	size_t nr, alloc;
	struct overlay_stat *stats;	/* clean files whose stat data to record */
	size_t nr_stats, alloc_stats;
	struct overlay_skipped *skipped;	/* *.md names that are no regular file */
	size_t nr_skipped, alloc_skipped;
	size_t saved_txnid;	/* the transaction overlay_save_stats() committed */
	/*
	 * Files with more than one link: a write through another name makes
	 * no event in the roots' folders, so roadmap-watch checks them anew
	 * at every query.
	 */
	char **linked;
	size_t nr_linked, alloc_linked;
	struct overlay_sparse *sparse;	/* sorted by path; overlay_compute() only */
	size_t nr_sparse, alloc_sparse;
};

#define OVERLAY_INIT { NULL, 0, 0, NULL, 0, 0, NULL, 0, 0, 0, NULL, 0, 0, NULL, 0, 0 }

/*
 * Compare the working tree under the roots ("a\0b\0") with the rows of
 * txn: from roadmap-watch when it runs and answers for txn (watch.h),
 * else by overlay_scan(); then the files of a sparse checkout.
 */
int overlay_compute(struct overlay *ov, struct index *ix, MDB_txn *txn,
		    const struct repo_paths *p, const char *roots, size_t rootslen);
/* The same, always by reading the roots from disk. */
int overlay_scan(struct overlay *ov, struct index *ix, MDB_txn *txn,
		 const struct repo_paths *p, const char *roots, size_t rootslen);
/*
 * Bring what ov says of one file (path relative to the work tree, under
 * a root, named as an issue) up to date with the disk and the rows of
 * txn, as overlay_scan() would. Returns 1 when path is now a directory:
 * only a new scan can tell what it holds.
 */
int overlay_update_path(struct overlay *ov, struct index *ix, MDB_txn *txn,
			const struct repo_paths *p, const char *path);
/*
 * The overlay's entries and skipped names as bytes (appended to out), as
 * roadmap-watch sends them, and back (appended to ov): -1 when buf is
 * not such bytes.
 */
void overlay_encode(struct strbuf *out, const struct overlay *ov);
int overlay_decode(struct overlay *ov, const char *buf, size_t len);
/* A path of the overlay against path[0..len), in git's order (bytewise). */
static inline int overlay_path_cmp(const char *q, const char *path, size_t len)
{
	size_t ql = strlen(q);
	int c = memcmp(q, path, ql < len ? ql : len);

	return c ? c : ql < len ? -1 : ql > len;
}

/* The overlay entry of path, or NULL when the file is as in HEAD. */
const struct overlay_file *overlay_find(const struct overlay *ov, const char *path, size_t len);
/*
 * overlay_sparse.c: what overlay_compute() does last, on top of the
 * scan's answer in ov: the files of a sparse checkout, and no file under
 * a root in a submodule not checked out.
 */
int overlay_apply_sparse(struct overlay *ov, struct index *ix, MDB_txn *txn,
			 const struct repo_paths *p, const char *roots, size_t rootslen);
/* The staged blob of path when git keeps it out of the working tree (sparse), or NULL. */
const unsigned char *overlay_sparse_oid(const struct overlay *ov, const char *path, size_t len);
/* Record the stat data of the files found clean; skipped when a refresh runs. */
int overlay_save_stats(struct overlay *ov, struct index *ix);
void overlay_release(struct overlay *ov);

#endif
