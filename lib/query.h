/*
 * query.h - selecting issues (roadmap-list, roadmap-show). May call: heal,
 * check (duplicate ids), overlay, index, issue, record and the utilities.
 *
 * Issues are selected by predicates over fields, answered from the
 * `terms` posting lists where an equality allows it (smallest list first),
 * and always re-checked against each candidate's record, so capped terms
 * and the working-tree overlay need no special case.
 */
#ifndef QUERY_H
#define QUERY_H

#include <regex.h>
#include <stdint.h>

#include "compare.h"

#include "index.h"
#include "overlay.h"
#include "record.h"

enum pred_op { OP_EQ, OP_NE, OP_LT, OP_LE, OP_GT, OP_GE, OP_RE };

struct pred {
	char *field;
	int op;
	char **values;		/* OP_EQ: any of them; others: values[0] */
	struct value *typed;	/* each value typed as a plain scalar (compare.h) */
	size_t nr_values;
	regex_t re;
	int exact;		/* its posting lists hold exactly the files it matches */
};

struct sort_key {
	char *field;
	int desc;
};

struct query {
	struct pred *preds;
	size_t nr_preds, alloc_preds;
	struct sort_key *sort;
	size_t nr_sort;
	long limit;		/* -1: no limit */
	int committed;		/* HEAD only: no overlay */
	struct strbuf priorities;	/* roadmap.priorities ("a\0b\0"), read by query_run() to sort */
	/*
	 * The one predicate is id = an id as a user typed it: when no issue
	 * has it exactly, ids_resolve() names the one meant (ids.h).
	 */
	int typed_id;
	/*
	 * Not NULL: gets the digest of the issue files answered from (each
	 * root's tree at HEAD, and each working file that differs from it),
	 * so an equal digest later means the very same files; all zero when
	 * it cannot say (a blob missing). fingerprint_only: nothing else.
	 */
	unsigned char *fingerprint;
	int fingerprint_only;
};

/* One issue of the answer; owns its copies. */
struct result {
	char *path;
	char *id;
	char *rec;		/* the record bytes */
	size_t reclen;
	const char *root;	/* points into the roots list */
	size_t rootlen;
	size_t at, at_id, at_rec;	/* where path, id and rec are in the arena */
	/* the working file's blob id, when the overlay read it (a file HEAD's rows answer has none) */
	unsigned char oid[OID_RAW];
	int has_oid;
};

struct answer {
	struct result *r;
	size_t nr, alloc;
	struct strbuf arena;	/* every result's path, id and record: one allocation, not three each */
	unsigned long invalid;	/* invalid issue files (HEAD, or with the overlay) */
	uint64_t unknown;	/* HEAD's files whose blobs are missing: the answer lacks them (said on stderr) */
	size_t nr_dup_ids;	/* ids more than one issue file has (HEAD, or with the overlay) */
	char *dup_id;		/* the first of them, bytewise */
	struct strbuf candidates;	/* typed_id matched more than one: their ids, "a\0b\0" */
	char *roots;		/* the roots the results point into */
};

/* Add a predicate "FIELD OP VALUE"; returns -1 (reported) on a bad one. */
int query_add_where(struct query *q, const char *expr);
/* Add FIELD = any of the comma-separated values. */
void query_add_eq(struct query *q, const char *field, const char *values);
/* Add FIELD = value (which may hold commas). */
void query_add_value(struct query *q, const char *field, const char *value);
/* Parse "f1,-f2" into sort keys. */
void query_set_sort(struct query *q, const char *spec);
void query_release(struct query *q);

/* Answer q from the index, healed first if it does not match HEAD (plus the working tree unless q->committed). */
int query_run(struct answer *out, struct query *q, struct index *ix, const struct repo_paths *p);
void answer_release(struct answer *a);

/*
 * Call fn for each value of `field` in the result: front-matter scalars
 * (aliases included), or the pseudo-fields id, path, root and dir.
 */
int result_values(const struct result *r, const char *field, scalar_fn fn, void *data);

#endif
