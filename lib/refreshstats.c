#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "run.h"
#include "refreshstats.h"
#include "usage.h"

void add_reason(struct refresh_stats *st, const char *s)
{
	size_t len = strlen(st->reason);

	snprintf(st->reason + len, sizeof(st->reason) - len, "%s", s);
}

void refresh_report(struct index *ix, const struct refresh_stats *st)
{
	fprintf(stderr, "%s: %s (%s)\n", progname, st->mode, st->reason);
	index_report_invalid(ix);
	fprintf(stderr, "%s: added %u, modified %u, deleted %u; parsed %u blobs, reused %u; %.1f ms\n",
		progname, st->added, st->modified, st->deleted, st->parsed, st->reused, st->ms);
}

int put_last_refresh(MDB_txn *txn, struct index *ix, const struct refresh_stats *st, double ms)
{
	const char *by = getenv("ROADMAP_BY");
	int rc;

	if (!(rc = meta_put_str(txn, ix, "last_mode", st->mode)) &&
	    !(rc = meta_put_str(txn, ix, "last_reason", st->reason)) &&
	    !(rc = meta_put_str(txn, ix, "last_by", by && *by ? by : progname)) &&
	    !(rc = meta_put_u64(txn, ix, "last_time", (uint64_t)time(NULL))) &&
	    !(rc = meta_put_u64(txn, ix, "last_us", (uint64_t)(ms * 1000))) &&
	    !(rc = meta_put_u64(txn, ix, "last_parsed", st->parsed)) &&
	    !(rc = meta_put_u64(txn, ix, "last_reused", st->reused)) &&
	    !(rc = meta_put_u64(txn, ix, "last_added", st->added)) &&
	    !(rc = meta_put_u64(txn, ix, "last_modified", st->modified)))
		rc = meta_put_u64(txn, ix, "last_deleted", st->deleted);
	return rc;
}

/* ROADMAP_TRACE=1: the time each phase took, on stderr (for profiling). */
void refresh_trace(const char *phase, size_t n)
{
	static double last;
	static int on = -1;
	double now = now_ms();

	if (on < 0)
		on = getenv("ROADMAP_TRACE") && *getenv("ROADMAP_TRACE") == '1';
	if (on && last) {
		char line[256], hwm[256] = "";
		FILE *f = fopen("/proc/self/status", "r");
		while (f && fgets(line, sizeof(line), f))
			if (!strncmp(line, "VmHWM:", 6) || !strncmp(line, "RssAnon:", 8) ||
			    !strncmp(line, "RssFile:", 8)) {
				size_t l = strlen(hwm);
				line[strcspn(line, "\n")] = ' ';
				snprintf(hwm + l, sizeof(hwm) - l, "%s", line);
			}
		if (f)
			fclose(f);
		fprintf(stderr, "%s: trace: %-8s %8.1f ms  (%zu)  %s inuse %zu kB\n", progname, phase,
			now - last, n, hwm, mallinfo2().uordblks / 1024);
	}
	last = now;
}

/*
 * For tests only: ROADMAP_TEST_CHUNK=N commits every N actions and every
 * N postings, so that a small repository has many write steps.
 */
size_t refresh_chunk(size_t dflt)
{
	const char *env = getenv("ROADMAP_TEST_CHUNK");

	return env && atol(env) > 0 ? (size_t)atol(env) : dflt;
}
