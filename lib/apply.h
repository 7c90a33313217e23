#ifndef APPLY_H
#define APPLY_H

#include "heal.h"
#include "index.h"
#include "repo.h"
#include "strbuf.h"

/*
 * apply.h - the changes a refresh makes, and making them (no libgit2).
 *
 * A refresh finds the actions that bring the rows to HEAD (from git's
 * index, git diff-tree, or refresh.c's tree walk), then applies them in
 * one write transaction (or, for a large walk, in chunks marked
 * "building"): rows, records (from the blob cache, or parsed), postings,
 * the digest and the sync state. roadmap-refresh does the common case,
 * HEAD moved and git's index holds it, without starting libgit2.
 */

struct refresh_stats {
	const char *mode;	/* "up to date", "incremental", "full scan", "rebuild" */
	char reason[512];
	unsigned added, modified, deleted, parsed, reused;
	double ms;
};

/* Actions per transaction in a large refresh (bounds memory and dirty pages). */
#define REFRESH_CHUNK 16384
/* Files per transaction when postings are made anew */
#define POSTINGS_CHUNK 32768
/* ROADMAP_TEST_CHUNK (tests only) or dflt */
size_t refresh_chunk(size_t dflt);

enum action_type { ACT_ADD, ACT_MODIFY, ACT_DELETE, ACT_TREE_PUT, ACT_TREE_DELETE };

/* Kept small: a rebuild holds one per file. */
struct action {
	int type;
	int need;			/* its blob comes from git cat-file */
	unsigned mode;			/* the new blob's */
	char *path;
	unsigned char oid[OID_RAW];	/* the new blob or tree */
	struct file_row *old;		/* ACT_MODIFY, ACT_DELETE; owned */
};

/* The actions found so far, and a cursor over the rows they are found against. */
struct walk {
	struct index *ix;
	MDB_txn *txn;
	MDB_cursor *cur;
	void *repo;		/* refresh.c's tree walk: its git_repository */
	int full;
	/* the cursor's current row */
	int valid;
	MDB_val key, val;
	struct action *act;
	size_t nr, alloc;
	size_t steps;
	int rc;			/* the first LMDB or libgit2 failure */
};

struct action *add_action(struct walk *w, int type, const char *path, size_t len,
			  const unsigned char *oid, const MDB_val *oldval);
void free_actions(struct walk *w);
/* The cursor: step, seek to the first key >= key, compare (as memcmp) */
void walk_step(struct walk *w, MDB_cursor_op op);
void walk_seek(struct walk *w, const char *key, size_t len);
int walk_has_prefix(struct walk *w, const char *prefix, size_t plen);
int walk_cmp(struct walk *w, const char *key, size_t len);
/* Delete actions for the rows under prefix from the cursor up to key (NULL: all). */
void walk_delete_before(struct walk *w, const char *prefix, size_t plen, const char *key, size_t len);

/*
 * The actions of an incremental refresh from git's own index, when its
 * cached trees are HEAD's trees at every root (root_oids, in the order of
 * roots; NULL entries for roots HEAD lacks). Returns 1 when git's index
 * cannot stand for HEAD: the caller finds the actions another way.
 */
int gitindex_actions(struct walk *w, const struct repo_paths *p, unsigned char (*root_oids)[OID_RAW],
		     const struct strbuf *roots);
/* The same from git diff-tree of two commits; 1 when git cannot (a commit is gone). */
int diff_tree_actions(struct walk *w, const struct repo_paths *p, const char *old_hex,
		      const char *new_hex, const struct strbuf *roots);

/* Read a blob into out: 0, 1 when it is missing, -1 on an error (reported). */
typedef int (*blob_reader)(void *ctx, const unsigned char *oid, struct strbuf *out);

struct apply_opts {
	const struct repo_paths *p;
	const struct strbuf *roots, *stamp;
	const char *commit;	/* HEAD, as indexed by this refresh */
	int rebuild;		/* everything was dropped: make postings anew */
	blob_reader read_blob;	/* for small walks; NULL: git cat-file for all */
	void *blob_ctx;
	double start;		/* now_ms() when the refresh began */
};

/*
 * Apply w's actions in *txn and commit (in chunks for a large walk), with
 * the digest, counts and sync state; *txn is NULL on return. Returns 0 or
 * an LMDB code (MDB_MAP_FULL: grow the map and redo the refresh) or -1.
 */
int apply_walk(struct index *ix, MDB_txn **txn, struct walk *w, const struct apply_opts *o,
	       struct refresh_stats *st);

/* Drop every row (keeping the parsed blobs unless `blobs`), for a rebuild. */
int drop_rows(struct index *ix, MDB_txn *txn, int blobs);

/* What -v prints: the mode and why, every invalid file, what was done. */
void refresh_report(struct index *ix, const struct refresh_stats *st);

/*
 * Record how the index was last brought to HEAD (roadmap-status shows it):
 * st's mode, reason and counts, who ran it ($ROADMAP_BY or this program),
 * when, and how long it took. Returns 0 or an LMDB code.
 */
int put_last_refresh(MDB_txn *txn, struct index *ix, const struct refresh_stats *st, double ms);

/* Append s to st->reason. */
void add_reason(struct refresh_stats *st, const char *s);

/* ROADMAP_TRACE=1: the time and memory of each phase, on stderr. */
void refresh_trace(const char *phase, size_t n);

#endif
