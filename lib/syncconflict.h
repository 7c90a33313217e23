#ifndef SYNCCONFLICT_H
#define SYNCCONFLICT_H

#include "rissue.h"

/*
 * syncconflict.h - a sync's open conflicts: .roadmap/.conflicts/<id>.yaml
 * in the work tree, one per issue, holding base, ours and theirs of each
 * conflicting field (YAML). While one is there roadmap-check refuses
 * (so the pre-commit hook does) and roadmap-status lists it;
 * roadmap-sync --resolve removes it. Calls rissue, yamlquote, atomicfile.
 */

#define SYNC_CONFLICTS_DIR ".roadmap/.conflicts"

/* Record the conflict (base NULL: none yet). Returns 0 or -1 (reported). */
int syncconflict_write(const char *workdir, const char *id, const char *remote, const char *key,
		       const char *path, const struct rissue *base, const struct rissue *ours,
		       const struct rissue *theirs, unsigned fields);
/* Remove issue id's conflict file, if any. */
void syncconflict_remove(const char *workdir, const char *id);
/* Call fn with each open conflict's id and file (relative to workdir), in order. Returns the count. */
size_t syncconflict_list(const char *workdir, void (*fn)(const char *id, const char *file, void *data),
			 void *data);

#endif
