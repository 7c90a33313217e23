#ifndef READAHEAD_H
#define READAHEAD_H

/*
 * readahead.h - threads reading a large refresh's blobs ahead; calls actions, odb, catfile, packidx, issue.
 *
 * The actions whose blobs are read (`need`) go in batches; within a batch
 * the blobs are read in pack order, which reads fastest and in the least
 * memory (packidx.h), and the actions then take their records in path
 * order. Readers work on the next batches while the actions of this one
 * are applied: two from lib/odb (one a core), one from git cat-file's
 * single stream where lib/odb cannot read the repository (alternates).
 */

#include <pthread.h>

#include "actions.h"
#include "catfile.h"
#include "odb.h"
#include "repo.h"
#include "strbuf.h"

/* Below this many actions, libgit2 reads the blobs: a git process costs more. */
#define CATFILE_MIN 1024

/* Readers at once (lib/odb: one a core), and the batches they and the actions hold. */
#define READERS 2
#define SLOTS (READERS + 1)

struct readahead {
	/*
	 * The blobs: in-process (lib/odb, one reader each), or from git
	 * cat-file --batch where lib/odb cannot read the repository
	 * (alternates)
	 */
	struct odb odb[READERS];
	int have_odb;
	/*
	 * readers at once: two in bulk; one in a refresh of changes,
	 * whose writes bound it (and whose pages it would add to)
	 */
	int readers;
	struct catfile cf;
	int have_cf;
	const struct repo_paths *p;
	const struct action *act;	/* the refresh's */
	size_t *order, nr_order;	/* the actions whose blobs are read, in that order */
	size_t *batch_order;	/* where each batch begins in order[] */
	/*
	 * The records of a batch of them, read ahead: threads read and parse
	 * the next batches while the actions of this one are applied (batch
	 * b in slot[b % SLOTS]): two from lib/odb, one from git's single stream.
	 */
	struct readahead_slot {
		struct strbuf recs, blob, rec;
		struct prefetched {
			size_t off, len;
			int got;	/* 0, or 1: missing */
		} *at;		/* by action, from `from` */
		size_t b, from, to;
		double ms_read, ms_parse;
		int rc;
		struct readahead *ra;
		pthread_t thread;
		int reading;	/* its reader runs */
	} slot[SLOTS];
	size_t batch;		/* actions a batch (half a commit chunk) */
	size_t started;		/* batches whose reading began */
};

void readahead_init(struct readahead *ra);

/*
 * Start reading the blobs of the n actions of act[0..nr) marked `need`,
 * with two readers in bulk, one in a refresh of changes. Returns 0,
 * or -1 when git cat-file cannot be started (reported).
 */
int readahead_start(struct readahead *ra, const struct action *act, size_t nr, size_t n,
		    const struct repo_paths *p, int bulk);

/* Whether readahead_start() started readers. */
static inline int readahead_on(const struct readahead *ra)
{
	return ra->have_odb || ra->have_cf;
}

/*
 * At the start of the batch of action i (i % ra->batch == 0) of nr: have
 * its records, and start readers on the next batches. Returns 0, or -1
 * when a blob could not be read (reported).
 */
int readahead_next_batch(struct readahead *ra, size_t i, size_t nr);

/*
 * The record of action i, whose blob was read ahead (its batch is the
 * current one): 0 and the record in rec[0..*len), or 1 when the blob is
 * missing. Inline: every action read ahead takes its record so.
 */
static inline int readahead_record(const struct readahead *ra, size_t i, const char **rec, size_t *len)
{
	const struct readahead_slot *s = &ra->slot[i / ra->batch % SLOTS];
	const struct prefetched *pf = &s->at[i - s->from];

	*rec = s->recs.buf + pf->off;
	*len = pf->len;
	return pf->got;
}

/* Add the time the readers spent reading and parsing to *read and *parse (ROADMAP_TRACE). */
void readahead_times(const struct readahead *ra, double *read, double *parse);

/* Stop the readers (an error may come mid-batch) and free the read-ahead; again is a no-op. */
void readahead_release(struct readahead *ra);

/* Release, and end git cat-file: -1 when it failed. */
int readahead_finish(struct readahead *ra);

#endif
