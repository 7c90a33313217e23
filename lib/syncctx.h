#ifndef SYNCCTX_H
#define SYNCCTX_H

#include "baseline.h"
#include "layout.h"
#include "query.h"
#include "remote.h"
#include "repo.h"
#include "syncdb.h"
#include "syncmerge.h"

/*
 * syncctx.h - what the sync's three files share (sync.c: a run;
 * syncjournal.c: reports, sync.mdb's rows, the journal, the fetch;
 * syncissue.c: one issue merged, written, pushed). Not for other modules.
 */

struct sync_opts;

struct agreed {
	char *id, *key, *path;
	unsigned char oid[OID_RAW];	/* the file both sides agree with */
	int has_oid;			/* 0: not known (no l/ row: the next sync merges it) */
};

struct ctx {
	const struct sync_opts *o;
	const char *name;
	struct repo_paths p;
	struct index *ix;
	struct layout l;
	struct syncdb *db;
	struct remote r;
	struct baseline b;
	struct sync_map m;
	struct answer a;
	char **keys;		/* the remote keys the files link to, sorted */
	size_t nkeys, akeys;
	struct agreed *agreed;	/* l/ rows to record once the baseline moved */
	size_t nagreed, aagreed;
	struct strbuf report;	/* --json: the issues' actions */
	struct strbuf first_error;
	unsigned long pulled, pushed, created_here, created_there, conflicts, unchanged, failed,
		fetched, resumed;
	int fatal;
	struct strbuf fp_then;	/* "fp" as the last sync left it (sync.c: unchanged()) */
	unsigned char fp[OID_RAW];	/* the issue files this sync read (query.h) */
};


void json_str(struct strbuf *out, const char *s);
void fields_text(struct strbuf *out, unsigned mask, const char *sep, int quote);
/* One issue's action: a line with --dry-run, an entry of --json. */
void report(struct ctx *c, const char *action, const char *id, const char *key, unsigned mask);
/* An issue that failed: said, counted, the first kept for the state. */
void failed(struct ctx *c, const char *id, const char *fmt, const char *what);

int db_put_json(struct ctx *c, const char *prefix, const char *key, const struct rissue *ri);
int db_get(struct ctx *c, const char *prefix, const char *key, struct strbuf *out);
int db_del(struct ctx *c, const char *prefix, const char *key);
int fetched(struct ctx *c, const char *key, struct rissue *out);
int journal(struct ctx *c, const char *op, const char *id, const char *key, unsigned fields,
	    struct strbuf *seq);
int journal_done(struct ctx *c, const char *seq, const struct rissue *out, const char *id);
int resume(struct ctx *c);
int fetch(struct ctx *c);

int file_row_text(struct strbuf *row, const unsigned char *oid, const char *key, const char *path);
/* Both sides agree on the issue, its file being blob oid (NULL: not known): its baseline now, its l/ row once that is committed. */
void agree(struct ctx *c, const char *id, const char *key, const char *path,
	   const struct rissue *remote, const unsigned char *oid);
void do_linked(struct ctx *c, const char *id, const char *path, const char *key,
	       const unsigned char *oid);
void do_unlinked(struct ctx *c, const char *id, const char *path);
void do_new_remote(struct ctx *c, const char *key);
int cmp_str(const void *a, const void *b);

#endif
