#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "run.h"
#include "issue.h"
#include "packidx.h"
#include "blob.h"
#include "readahead.h"
#include "refreshstats.h"
#include "xalloc.h"

/* The batches blobs are asked for and read ahead by (half a commit chunk). */
static size_t readahead_batch(void)
{
	size_t n = refresh_chunk(REFRESH_CHUNK) / 2;

	return n ? n : 1;
}

void readahead_init(struct readahead *ra)
{
	int i;

	memset(ra, 0, sizeof(*ra));
	ra->batch = readahead_batch();
	for (i = 0; i < SLOTS; i++) {
		strbuf_init(&ra->slot[i].recs, 0);
		strbuf_init(&ra->slot[i].blob, 0);
		strbuf_init(&ra->slot[i].rec, 0);
		ra->slot[i].ra = ra;
	}
}

/* Where the blob of an action lies in the packs, to sort a batch by. */
struct wanted {
	uint64_t where;
	size_t act;
};

static int cmp_wanted(const void *a, const void *b)
{
	const struct wanted *x = a, *y = b;

	if (x->where != y->where)
		return x->where < y->where ? -1 : 1;
	return x->act < y->act ? -1 : x->act > y->act;
}

/*
 * Batch by batch of actions (the batches prefetch() reads), and within a
 * batch in pack order: ra->order gets the actions in that order. lib/odb
 * reads them, or git cat-file --batch where it cannot (alternates;
 * ROADMAP_TEST_CATFILE=1): in-process, no pipe carries every blob (git
 * writes each in two writes).
 */
int readahead_start(struct readahead *ra, const struct action *act, size_t nr, size_t n,
		    const struct repo_paths *p, int bulk)
{
	const char *test_catfile = getenv("ROADMAP_TEST_CATFILE");
	int in_process = !(test_catfile && !strcmp(test_catfile, "1"));
	struct strbuf oids = STRBUF_INIT;
	size_t i, batch = ra->batch, b;
	int r;
	struct wanted *want;
	struct packidx pi;

	packidx_open(&pi, p->objdir);
	want = xmalloc((batch < n ? batch : n) * sizeof(*want));
	ra->order = xmalloc(n * sizeof(*ra->order));
	ra->batch_order = xmalloc((nr / batch + 2) * sizeof(*ra->batch_order));
	strbuf_grow(&oids, n * (OID_HEX + 1));
	for (b = 0; b < nr; b += batch) {
		size_t end = b + batch < nr ? b + batch : nr, m = 0;

		ra->batch_order[b / batch] = ra->nr_order;
		for (i = b; i < end; i++)
			if (act[i].need) {
				want[m].where = packidx_where(&pi, act[i].oid);
				want[m++].act = i;
			}
		qsort(want, m, sizeof(*want), cmp_wanted);
		for (i = 0; i < m; i++) {
			char hex[OID_HEX + 1];
			unsigned char replaced[OID_RAW];
			/* the stream reads what git shows: the replacement, if any */
			oid_to_hex(hex, repo_replacement(p, act[want[i].act].oid, replaced) ? replaced :
				   act[want[i].act].oid);
			strbuf_add(&oids, hex, OID_HEX);
			strbuf_addch(&oids, '\n');
			ra->order[ra->nr_order++] = want[i].act;
		}
	}
	ra->batch_order[b / batch] = ra->nr_order;
	free(want);
	packidx_close(&pi);
	ra->act = act;
	ra->p = p;
	ra->readers = bulk ? READERS : 1;
	for (r = 0; r < ra->readers && in_process; r++)
		if (odb_open(&ra->odb[r], p->objdir))
			break;
	if (r == ra->readers) {
		ra->have_odb = 1;
		strbuf_release(&oids);
		return 0;
	}
	while (r--)
		odb_close(&ra->odb[r]);
	if (catfile_start(&ra->cf, p, "--batch", strbuf_detach(&oids, NULL), n * (OID_HEX + 1), 1) < 0)
		return -1;
	ra->have_cf = 1;
	ra->readers = 1;	/* one stream */
	return 0;
}

/* Blob o of ra->order, for batch b: 0, 1 when it is missing, -1 when unreadable (blob.h). */
static int next_blob(struct readahead *ra, size_t b, size_t o, struct strbuf *out)
{
	const struct action *a = &ra->act[ra->order[o]];
	int r = b % ra->readers;

	if (!ra->have_odb)
		return blob_next(&ra->cf, ra->p, a->oid, a->path, out);
	/*
	 * a sweep in pack order: the pages behind it are not needed again
	 * (each fault maps 64 KiB around it: let them go often)
	 */
	if ((o - ra->batch_order[b]) % 64 == 63)
		odb_drop_pages(&ra->odb[r]);
	return blob_read(&ra->odb[r], ra->p, a->oid, a->path, out);
}

/*
 * Read and parse the blobs of batch s->b (actions [s->from, s->to)), in
 * the order asked, into s: the actions then take their records in path
 * order. A reader owns lib/odb's odb[b % ra->readers], or git's stream (one
 * reader at a time then).
 */
static int prefetch(struct readahead *ra, struct readahead_slot *s)
{
	double t0 = now_ms(), t1;
	size_t o;
	int got;

	strbuf_reset(&s->recs);
	if (!s->at)
		s->at = xcalloc(ra->batch, sizeof(*s->at));
	for (o = ra->batch_order[s->b]; o < ra->batch_order[s->b + 1]; o++) {
		struct prefetched *pf = &s->at[ra->order[o] - s->from];

		if ((got = next_blob(ra, s->b, o, &s->blob)) < 0)
			return -1;
		t1 = now_ms();
		s->ms_read += t1 - t0;
		pf->got = got;
		pf->off = s->recs.len;
		if (!got) {
			strbuf_reset(&s->rec);
			issue_parse(&s->rec, s->blob.buf, s->blob.len);
			strbuf_add(&s->recs, s->rec.buf, s->rec.len);
		}
		pf->len = s->recs.len - pf->off;
		t0 = now_ms();
		s->ms_parse += t0 - t1;
	}
	return 0;
}

static void *prefetch_thread(void *data)
{
	struct readahead_slot *s = data;

	s->rc = prefetch(s->ra, s);
	return NULL;
}

/* Batch b of nr actions begins: its slot, ready for a reader. */
static struct readahead_slot *begin_batch(struct readahead *ra, size_t b, size_t nr)
{
	struct readahead_slot *s = &ra->slot[b % SLOTS];

	s->b = b;
	s->from = b * ra->batch;
	s->to = s->from + ra->batch < nr ? s->from + ra->batch : nr;
	s->rc = 0;
	ra->started = b + 1;
	return s;
}

static void start_batch(struct readahead *ra, size_t b, size_t nr)
{
	struct readahead_slot *s = begin_batch(ra, b, nr);

	s->reading = !pthread_create(&s->thread, NULL, prefetch_thread, s);
	if (!s->reading)
		s->rc = prefetch(ra, s);	/* no thread: read now */
}

/*
 * Have the records of the batch (read by a reader started before, or
 * now), and start readers on the next batches: two at once from lib/odb,
 * one from git's stream.
 */
int readahead_next_batch(struct readahead *ra, size_t i, size_t nr)
{
	size_t b = i / ra->batch, nb = (nr + ra->batch - 1) / ra->batch;
	struct readahead_slot *s = &ra->slot[b % SLOTS];
	int rc;

	if (ra->started <= b) {
		rc = prefetch(ra, begin_batch(ra, b, nr));
	} else {
		if (s->reading)
			pthread_join(s->thread, NULL);
		s->reading = 0;
		rc = s->rc;
	}
	while (!rc && ra->started < nb && ra->started <= b + ra->readers)
		start_batch(ra, ra->started, nr);
	return rc;
}

void readahead_times(const struct readahead *ra, double *read, double *parse)
{
	int i;

	for (i = 0; i < SLOTS; i++) {
		*read += ra->slot[i].ms_read;
		*parse += ra->slot[i].ms_parse;
	}
}

void readahead_release(struct readahead *ra)
{
	int i;

	for (i = 0; i < SLOTS; i++) {
		if (ra->slot[i].reading)
			pthread_join(ra->slot[i].thread, NULL);
		ra->slot[i].reading = 0;
	}
	for (i = 0; i < SLOTS; i++) {
		strbuf_release(&ra->slot[i].recs);
		strbuf_release(&ra->slot[i].blob);
		strbuf_release(&ra->slot[i].rec);
		free(ra->slot[i].at);
		ra->slot[i].at = NULL;
	}
	free(ra->order);
	ra->order = NULL;
	free(ra->batch_order);
	ra->batch_order = NULL;
	for (i = 0; ra->have_odb && i < ra->readers; i++)
		odb_close(&ra->odb[i]);
	ra->have_odb = 0;
}

int readahead_finish(struct readahead *ra)
{
	int rc = 0;

	readahead_release(ra);
	if (ra->have_cf)
		rc = catfile_finish(&ra->cf);
	ra->have_cf = 0;
	return rc;
}
