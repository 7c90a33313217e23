#ifndef SYNCMERGE_H
#define SYNCMERGE_H

#include <stddef.h>

#include "rfile.h"
#include "rissue.h"
#include "strbuf.h"

/*
 * syncmerge.h - one issue between its file and a remote: the file's
 * synced fields projected to canonical form, canonical fields written
 * back into the file, and the three-way merge of the two. Calls rfile,
 * merge, layout, rissue.
 *
 * The merge is roadmap-merge-file's (merge.h) on the file with the base's
 * and the remote's fields written into it, so `roadmap-merge-base` and
 * `roadmap-merge-file` by hand give the same file.
 */

struct layout;
struct repo_paths;

struct sync_map {
	struct rfile_map map;	/* .statusMap, .openStatus */
	unsigned fields;	/* the RF_* that sync (.fields) */
};

/* Read remote `name`'s maps from its config (remotes.h remote_config()). Returns 0. */
int sync_map_read(struct sync_map *m, const char *config, const char *name, const struct layout *l);
void sync_map_release(struct sync_map *m);

struct sync_merge {
	unsigned pull;		/* fields the file takes (merged holds it) */
	unsigned push;		/* fields the remote takes (result's) */
	unsigned conflict;	/* fields changed on both sides, differently */
	struct rissue result;	/* what both sides hold after the merge */
	struct strbuf merged;	/* the file after the merge, when pull */
};

/*
 * Merge base (NULL: none yet, so only what both sides hold alike
 * agrees), the file ours[0..len) and the remote's theirs. Returns 0, or
 * -1 with the reason in err (the file cannot be read).
 */
int sync_merge3(const struct sync_map *m, const struct rissue *base, const char *ours, size_t len,
		const char *path, const struct rissue *theirs, struct sync_merge *out,
		struct strbuf *err);
/* A base for two sides that never agreed: ours, lists holding what both have. */
void sync_base_guess(struct rissue *b, const struct rissue *ours, const struct rissue *theirs);

void sync_merge_release(struct sync_merge *sm);

#endif
