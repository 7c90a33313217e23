#ifndef HEAL_H
#define HEAL_H

#include "index.h"
#include "repo.h"

/*
 * heal.h - what every reader runs before it answers.
 *
 * When the index matches HEAD, the config and the format (a few stats and
 * one read transaction, no libgit2), answer. When not, run
 * roadmap-reindex, which re-reads HEAD inside its write transaction so
 * the last writer indexes the newest HEAD. Readers do not link libgit2:
 * its start alone costs more than the whole answer.
 */

/*
 * Whether the index matches HEAD, the config and the format, and is not
 * half built: a few stats and one read transaction.
 */
int index_is_fresh(struct index *ix, const struct repo_paths *p);

/* Returns 0 when the index is fresh (after a refresh if needed), -1 (reported). */
int index_heal(struct index *ix, const struct repo_paths *p);

/*
 * Run the roadmap program `prog` with argv: the one installed beside this
 * one, else from $PATH. Returns only when it cannot be run.
 */
void exec_roadmap(const char *prog, char **argv);

#endif
