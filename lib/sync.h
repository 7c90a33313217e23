#ifndef SYNC_H
#define SYNC_H

#include <stddef.h>

#include "strbuf.h"

/*
 * sync.h - roadmap-fetch, roadmap-sync and roadmap-merge-base: the issue
 * files kept in step with a remote tracker, three ways. Calls remotes,
 * syncdb, baseline, syncmerge, rfile, query, change, newissue, write,
 * layout, atomicfile (no libgit2: the baseline is read in-process, written by git).
 *
 * Per remote: the baseline (baseline.h) holds each issue as both sides
 * last agreed; sync.mdb (syncdb.h) holds the state, the fetch cursor and
 * ETag, each fetched issue ("f/<key>"), the fetched issues not merged yet
 * ("c/<key>"), each created issue's local id ("m/<id>"), each local
 * issue's file as last agreed ("l/<id>": its blob id, so an unchanged
 * file is not even read), the local id of each key agreed on ("k/<key>":
 * a file deleted here is not pulled again), the journal ("j/<n>"), and
 * what the last sync that left nothing to do saw ("fp": the issue files'
 * digest, the baseline, the config; the same again and nothing fetched,
 * no issue is read).
 *
 * A sync: finish what the journal holds (a create whose reply was lost
 * is found by its marker, never sent again); fetch since the cursor; for
 * each issue that changed on either side, merge (syncmerge.h): write the
 * file, push the fields the remote lacks (journalled before they are
 * sent), or record a conflict in .roadmap/.conflicts/<id>.yaml and leave
 * both alone; create remote issues for new local ones and files for new
 * remote ones; then move the baseline (compare-and-swap) for what both
 * sides now agree on, and record the state.
 */

enum sync_side { SYNC_NONE, SYNC_OURS, SYNC_THEIRS };

struct sync_opts {
	const char *remote;
	int fetch_only;		/* roadmap-fetch */
	int dry_run;		/* print each issue's action, change nothing */
	int json;		/* the report as one JSON object */
	int quiet;
	enum sync_side prefer;	/* --ours / --theirs: how this run settles conflicts */
	/* --resolve: settle this conflict by prefer, or by field=value */
	const char *resolve;
	const char *field;
};

/*
 * Run it. Returns 0 in step, 1 when conflicts are left open, 2 when some
 * issues failed (each said on stderr; the rest were done), -1 after a
 * fatal error (the remote unreachable, a bad configuration).
 */
int sync_run(const struct sync_opts *o);

/*
 * roadmap-merge-base (theirs 0): print the baseline of each of ids[0..n)
 * (every issue with one, with `all`) as an issue file: its working file
 * with the baseline's fields written in. roadmap-fetch --show (theirs
 * 1): the same with the fetched remote issue's fields. nul: each file is
 * followed by a NUL. Returns 0, 1 when an issue has none, -1 after an
 * error.
 */
int sync_print(const char *remote, char *const *ids, size_t n, int all, int nul, int theirs);

struct repo_paths;
/*
 * roadmap-status's part: each configured remote's state, last sync,
 * cursor, counts and error, and the open conflicts; format 0: lines, 1:
 * JSON (`"remotes": [...], "sync_conflicts": [...]` without the braces),
 * 2: Prometheus samples.
 */
void sync_status(struct strbuf *out, const struct repo_paths *p, int format);

#endif
