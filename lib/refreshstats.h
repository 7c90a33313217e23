#ifndef REFRESHSTATS_H
#define REFRESHSTATS_H

/*
 * refreshstats.h - a refresh's counts, -v report, last-refresh record, trace, chunk size; calls index, run.
 *
 * What a refresh did and why (roadmap-refresh -v, roadmap-status), the
 * time and memory of each of its phases (ROADMAP_TRACE=1), and how many
 * actions each of its write transactions holds.
 */

#include "index.h"

struct refresh_stats {
	const char *mode;	/* "up to date", "incremental", "full scan", "rebuild" */
	char reason[512];
	unsigned added, modified, deleted, parsed, reused;
	double ms;
};

/* Append s to st->reason. */
void add_reason(struct refresh_stats *st, const char *s);

/* What -v prints: the mode and why, every invalid file, what was done. */
void refresh_report(struct index *ix, const struct refresh_stats *st);

/*
 * Record how the index was last brought to HEAD (roadmap-status shows it):
 * st's mode, reason and counts, who ran it ($ROADMAP_BY or this program),
 * when, and how long it took. Returns 0 or an LMDB code.
 */
int put_last_refresh(MDB_txn *txn, struct index *ix, const struct refresh_stats *st, double ms);

/* ROADMAP_TRACE=1: the time and memory of each phase, on stderr. */
void refresh_trace(const char *phase, size_t n);

/* Actions per transaction in a large refresh (bounds memory and dirty pages). */
#define REFRESH_CHUNK 16384
/* ROADMAP_TEST_CHUNK (tests only) or dflt */
size_t refresh_chunk(size_t dflt);

#endif
