#ifndef HEAL_H
#define HEAL_H

#include "index.h"
#include "repo.h"

/*
 * heal.h - what every reader runs before it answers.
 *
 * When the index matches HEAD, the config and the format (a few stats and
 * one read transaction, no libgit2), answer. When not, run
 * roadmap-refresh, which re-reads HEAD inside its write transaction so
 * the last writer indexes the newest HEAD. Readers do not link libgit2:
 * its start alone costs more than the whole answer.
 */

/* Returns 0 when the index is fresh (after a refresh if needed), -1 (reported). */
int index_heal(struct index *ix, const struct repo_paths *p);

#endif
