#ifndef MERGE_H
#define MERGE_H

#include "strbuf.h"

/*
 * merge.h - three-way merge of an issue file, field by field (the merge
 * driver, roadmap-merge-file); calls frontmatter, issue, record, output,
 * and run (git merge-file, for a body both sides changed: libgit2's
 * git_merge_file would cost its load and init, ~20 ms, in every run).
 *
 * Per top-level key of the front matter: a change on one side is taken;
 * the same change on both sides is taken once; lists of scalars changed
 * on both sides merge as sets (each side's additions and removals, in
 * ours' order); `updated`, `updated_date` and `updated_at` take the later
 * value; any other key changed differently on both sides is a conflict,
 * and the markers go around that key's lines only. The result is ours'
 * text with those keys' lines changed, so comments and order survive.
 * The body merges line-wise as git merges a file. When one of the three
 * is not an issue file roadmap can parse, the whole file merges line-wise.
 */

struct merge_opts {
	int marker_size;	/* 7 as git's default */
	const char *label[3];	/* ours, base, theirs: after the markers */
};

/*
 * Merge ours and theirs from base into out. Returns the number of
 * conflicts (0: clean), or -1 after an error().
 */
int merge_issue(struct strbuf *out, const struct strbuf *base, const struct strbuf *ours,
		const struct strbuf *theirs, const char *path, const struct merge_opts *opts);

#endif
