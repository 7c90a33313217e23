#ifndef FSCK_H
#define FSCK_H

#include "index.h"
#include "repo.h"

/*
 * fsck.h - checking the index against HEAD, as roadmap-fsck does. Calls
 * index, issue, record, output, catfile, blob, repo.
 *
 * The quick check lists HEAD's trees under the roots with git ls-tree
 * (no blob is read), sums the digest of (path, blob oid) and compares it
 * with the one the index recorded and with the sum of its rows; the rows
 * and HEAD's entries are merged by path to name what differs. The full
 * check also parses every blob again and compares each record byte for
 * byte, then every posting (ids, terms, invalid files, duplicate ids)
 * and the counts.
 */

/*
 * Print every difference from HEAD and the config of rs on stdout, one a
 * line: "<what>: <path>: <detail>". Returns the number of differences, or
 * -1 when the check could not run (reported).
 */
int fsck_index(struct index *ix, const struct repo_paths *p, const struct repo_state *rs, int full,
	       int verbose);

#endif
