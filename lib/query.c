#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_dups.h"
#include "heal.h"
#include "ids.h"
#include "issue.h"
#include "query.h"
#include "run.h"
#include "sha1.h"
#include "usage.h"
#include "xalloc.h"

/* The field names the known layouts use for the same thing. */
static const char *const aliases[][2] = {
	{ "issue_type", "type" },
	{ "due_date", "due" },
	{ "dependencies", "depends_on" },
	{ "created_date", "created" },
	{ "updated_date", "updated" },
};

static const char *alias_of(const char *field)
{
	size_t i;

	/* asked for every field of every result: the first letter rules most out */
	for (i = 0; i < sizeof(aliases) / sizeof(*aliases); i++) {
		if (*field == *aliases[i][0] && !strcmp(field, aliases[i][0]))
			return aliases[i][1];
		if (*field == *aliases[i][1] && !strcmp(field, aliases[i][1]))
			return aliases[i][0];
	}
	return NULL;
}

static struct pred *new_pred(struct query *q, const char *field, size_t len, int op)
{
	struct pred *p;

	ALLOC_GROW(q->preds, q->nr_preds + 1, q->alloc_preds);
	p = &q->preds[q->nr_preds++];
	memset(p, 0, sizeof(*p));
	p->field = xmemdupz(field, len);
	p->op = op;
	return p;
}

static void add_value(struct pred *p, const char *v, size_t len)
{
	p->values = xrealloc(p->values, (p->nr_values + 1) * sizeof(*p->values));
	p->values[p->nr_values++] = xmemdupz(v, len);
}

static int is_pseudo(const char *f)
{
	return !strcmp(f, "path") || !strcmp(f, "root") || !strcmp(f, "dir");
}

/*
 * Type the values once, when the query runs: a caller may have replaced
 * a value since it added it.
 */
static void type_values(struct pred *p)
{
	struct strbuf scratch = STRBUF_INIT;
	size_t i;

	free(p->typed);
	p->typed = xcalloc(p->nr_values, sizeof(*p->typed));
	for (i = 0; i < p->nr_values; i++) {
		value_of_text(&p->typed[i], p->values[i], &scratch);
		if (!strcmp(p->field, "id") || is_pseudo(p->field))
			p->typed[i].kind = VALUE_STRING;	/* their values are text */
	}
	strbuf_release(&scratch);
}

void query_add_eq(struct query *q, const char *field, const char *values)
{
	struct pred *p = new_pred(q, field, strlen(field), OP_EQ);
	const char *v = values, *comma;

	for (;;) {
		comma = strchr(v, ',');
		add_value(p, v, comma ? (size_t)(comma - v) : strlen(v));
		if (!comma)
			break;
		v = comma + 1;
	}
}

void query_add_value(struct query *q, const char *field, const char *value)
{
	struct pred *p = new_pred(q, field, strlen(field), OP_EQ);

	add_value(p, value, strlen(value));
}

int query_add_where(struct query *q, const char *expr)
{
	static const struct { const char *s; int op; } ops[] = {
		{ "!=", OP_NE }, { "<=", OP_LE }, { ">=", OP_GE },
		{ "=", OP_EQ }, { "<", OP_LT }, { ">", OP_GT }, { "~", OP_RE },
	};
	size_t flen = strcspn(expr, "=!<>~"), i, vstart = 0;
	struct pred *p;
	int op = -1, rc;
	const char *v;

	for (i = 0; i < sizeof(ops) / sizeof(*ops); i++)
		if (!strncmp(expr + flen, ops[i].s, strlen(ops[i].s))) {
			op = ops[i].op;
			vstart = flen + strlen(ops[i].s);
			break;
		}
	while (flen && expr[flen - 1] == ' ')
		flen--;
	if (op < 0 || !flen)
		return error("bad --where '%s': expected FIELD OP VALUE, OP one of = != < <= > >= ~", expr);
	v = expr + vstart;
	while (*v == ' ')
		v++;
	p = new_pred(q, expr, flen, op);
	while (*p->field == ' ')
		memmove(p->field, p->field + 1, strlen(p->field));
	add_value(p, v, strlen(v));
	if (op == OP_RE && (rc = regcomp(&p->re, v, REG_EXTENDED | REG_NOSUB))) {
		char buf[256];
		regerror(rc, &p->re, buf, sizeof(buf));
		p->op = OP_EQ;	/* nothing to regfree */
		return error("bad regex '%s': %s", v, buf);
	}
	return 0;
}

void query_set_sort(struct query *q, const char *spec)
{
	const char *s = spec, *comma;

	for (;;) {
		size_t len;
		comma = strchr(s, ',');
		len = comma ? (size_t)(comma - s) : strlen(s);
		q->sort = xrealloc(q->sort, (q->nr_sort + 1) * sizeof(*q->sort));
		q->sort[q->nr_sort].desc = *s == '-';
		if (*s == '-' || *s == '+')
			s++, len--;
		q->sort[q->nr_sort++].field = xmemdupz(s, len);
		if (!comma)
			break;
		s = comma + 1;
	}
}

void query_release(struct query *q)
{
	size_t i, j;

	for (i = 0; i < q->nr_preds; i++) {
		for (j = 0; j < q->preds[i].nr_values; j++)
			free(q->preds[i].values[j]);
		free(q->preds[i].values);
		free(q->preds[i].typed);
		free(q->preds[i].field);
		if (q->preds[i].op == OP_RE)
			regfree(&q->preds[i].re);
	}
	free(q->preds);
	for (i = 0; i < q->nr_sort; i++)
		free(q->sort[i].field);
	free(q->sort);
	strbuf_release(&q->priorities);
}

/* --- values of a field --- */

struct field_walk {
	const char *field, *alias;
	scalar_fn fn;
	void *data;
};

static int match_field(const char *key, size_t keylen, const struct node *val, void *data)
{
	struct field_walk *fw = data;

	if ((strlen(fw->field) == keylen && !memcmp(fw->field, key, keylen)) ||
	    (fw->alias && strlen(fw->alias) == keylen && !memcmp(fw->alias, key, keylen)))
		return fw->fn(key, keylen, val, fw->data);
	return 0;
}

int result_values(const struct result *r, const char *field, scalar_fn fn, void *data)
{
	struct field_walk fw = { field, alias_of(field), fn, data };
	struct record rec;
	struct node n = { NODE_QUOTED, NULL, 0 };
	int found = 0;

	if (record_decode(&rec, r->rec, r->reclen) < 0)
		return 0;
	if (!strcmp(field, "id")) {
		n.text = r->id;
		n.len = strlen(r->id);
	} else if (!strcmp(field, "path")) {
		n.text = r->path;
		n.len = strlen(r->path);
	} else {
		found = record_field_scalars(&rec, fw.field, fw.alias, match_field, &fw);
		if (found || (strcmp(field, "root") && strcmp(field, "dir")))
			return found;
		n.text = r->root;
		n.len = r->rootlen;
		if (!strcmp(field, "dir")) {
			const char *slash = strrchr(r->path, '/');
			n.text = r->path + r->rootlen + 1;
			n.len = slash && slash > n.text ? (size_t)(slash - n.text) : 0;
		}
	}
	return fn(field, strlen(field), &n, data);
}

/* --- predicates --- */

struct pred_eval {
	const struct pred *p;
	struct strbuf tmp, scratch;
};

/*
 * Whether one value of the field satisfies p (for OP_NE: equals one of
 * its values). A null matches no comparison: OP_NE holds for it.
 */
static int pred_value(const char *key, size_t keylen, const struct node *val, void *data)
{
	struct pred_eval *pe = data;
	const struct pred *p = pe->p;
	struct value v;
	size_t i;
	int c;

	value_of(&v, val, &pe->scratch);
	if (v.kind == VALUE_NULL)
		return 0;
	switch (p->op) {
	case OP_EQ:
	case OP_NE:
		for (i = 0; i < p->nr_values; i++)
			if (!value_where_cmp(&v, &p->typed[i]))
				return 1;
		return 0;
	case OP_RE:
		strbuf_reset(&pe->tmp);
		strbuf_add(&pe->tmp, val->text, val->len);
		return !regexec(&p->re, pe->tmp.buf, 0, NULL, 0);
	}
	if ((c = value_where_cmp(&v, &p->typed[0])) == VALUE_CMP_NONE)
		return 0;
	return (p->op == OP_LT && c < 0) || (p->op == OP_LE && c <= 0) ||
		(p->op == OP_GT && c > 0) || (p->op == OP_GE && c >= 0);
}

/* Whether r satisfies every predicate; `proven`: but those its postings proved. */
static int result_matches(const struct query *q, const struct result *r, int proven)
{
	struct pred_eval pe = { NULL, STRBUF_INIT, STRBUF_INIT };
	size_t i;
	int ok = 1;

	for (i = 0; i < q->nr_preds && ok; i++) {
		int any;
		if (proven && q->preds[i].exact)
			continue;
		pe.p = &q->preds[i];
		any = result_values(r, pe.p->field, pred_value, &pe);
		ok = pe.p->op == OP_NE ? !any : any;
	}
	strbuf_release(&pe.tmp);
	strbuf_release(&pe.scratch);
	return ok;
}

/* --- candidates from the posting lists --- */

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return (x > y) - (x < y);
}

/*
 * The files whose terms may satisfy equality predicate p (sorted, unique).
 * p->exact tells whether they are exactly the files that do (term_key()).
 */
static int pred_postings(struct num_list *nl, struct pred *p, struct index *ix, MDB_txn *txn)
{
	const char *names[2] = { p->field, alias_of(p->field) };
	struct strbuf key = STRBUF_INIT;
	size_t i, j, out;
	int rc = 0;

	p->exact = 1;
	for (i = 0; i < p->nr_values && !rc; i++)
		for (j = 0; j < 2 && names[j] && !rc; j++) {
			if (!strcmp(names[j], "id")) {
				rc = index_get_postings(txn, ix->issues, p->values[i], strlen(p->values[i]), nl);
				continue;
			}
			if (!term_key(&key, names[j], strlen(names[j]), p->values[i],
				      strlen(p->values[i])))
				p->exact = 0;
			rc = index_get_postings(txn, ix->terms, key.buf, key.len, nl);
		}
	strbuf_release(&key);
	/* one list comes sorted (LMDB keeps the numbers in order): sort unions only */
	for (i = 1; i < nl->nr && nl->n[i - 1] < nl->n[i]; i++)
		;
	if (i < nl->nr)
		qsort(nl->n, nl->nr, sizeof(*nl->n), cmp_u32);
	for (i = out = 0; i < nl->nr; i++)
		if (!out || nl->n[out - 1] != nl->n[i])
			nl->n[out++] = nl->n[i];
	nl->nr = out;
	return rc;
}

static void intersect(struct num_list *a, const struct num_list *b)
{
	size_t i = 0, j = 0, out = 0;

	while (i < a->nr && j < b->nr) {
		if (a->n[i] < b->n[j])
			i++;
		else if (a->n[i] > b->n[j])
			j++;
		else
			a->n[out++] = a->n[i++], j++;
	}
	a->nr = out;
}

/*
 * Candidates: the intersection of the equality predicates' lists, smallest
 * first. Returns 1 (and no list) when no predicate can use the terms.
 */
static int candidates(struct num_list *out, struct query *q, struct index *ix, MDB_txn *txn)
{
	struct num_list *lists = NULL;
	size_t nr = 0, i, j;
	int rc = 0;

	for (i = 0; i < q->nr_preds && !rc; i++) {
		size_t v;
		int termed = q->preds[i].op == OP_EQ && !is_pseudo(q->preds[i].field);
		int id = !strcmp(q->preds[i].field, "id");
		for (v = 0; termed && v < q->preds[i].nr_values; v++)
			if (strlen(q->preds[i].values[v]) > TERM_VALUE_MAX ||
			    (!id && q->preds[i].typed[v].kind != VALUE_STRING))
				termed = 0;	/* no posting (or 100.0 for 100): a scan decides */
		if (!termed)
			continue;
		lists = xrealloc(lists, (nr + 1) * sizeof(*lists));
		memset(&lists[nr], 0, sizeof(*lists));
		rc = pred_postings(&lists[nr++], &q->preds[i], ix, txn);
	}
	if (!nr) {
		free(lists);
		return 1;
	}
	for (i = 1; i < nr; i++)	/* smallest first */
		for (j = i; j > 0 && lists[j].nr < lists[j - 1].nr; j--) {
			struct num_list t = lists[j];
			lists[j] = lists[j - 1];
			lists[j - 1] = t;
		}
	*out = lists[0];
	for (i = 1; i < nr; i++) {
		if (out->nr)
			intersect(out, &lists[i]);
		free(lists[i].n);
	}
	free(lists);
	return rc ? -1 : 0;
}

/* --- running the query --- */

/* Consider one issue file with record rec; add it to the answer when it matches. */
static void consider(struct answer *a, const struct query *q, const char *path, size_t plen,
		     const char *recbuf, size_t reclen, const char *roots, size_t rootslen,
		     int count_invalid, int proven, const unsigned char *oid)
{
	struct record rec;
	struct result r;
	const char *id;
	size_t idlen, at = a->arena.len;

	if (record_decode(&rec, recbuf, reclen) < 0)
		return;
	if (rec.kind == RECORD_NOTISSUE)
		return;
	/* room for path, id (from the record or the path) and record: nothing moves below */
	strbuf_grow(&a->arena, 2 * plen + 2 * reclen + 3);
	r.at = at;
	r.path = a->arena.buf + at;
	strbuf_add(&a->arena, path, plen);
	strbuf_addch(&a->arena, '\0');
	if (rec.kind == RECORD_INVALID || issue_file_id(&rec, r.path, &id, &idlen)) {
		a->invalid += count_invalid;
		strbuf_setlen(&a->arena, at);
		return;
	}
	r.at_id = a->arena.len;
	r.id = a->arena.buf + r.at_id;
	strbuf_add(&a->arena, id, idlen);
	strbuf_addch(&a->arena, '\0');
	r.rec = (char *)recbuf;
	r.reclen = reclen;
	r.root = issue_root(roots, rootslen, r.path, &r.rootlen);
	if (!r.root)
		r.root = "";
	if (!result_matches(q, &r, proven)) {
		strbuf_setlen(&a->arena, at);
		return;
	}
	r.at_rec = a->arena.len;
	strbuf_add(&a->arena, recbuf, reclen);
	r.has_oid = !!oid;
	if (oid)
		memcpy(r.oid, oid, OID_RAW);
	ALLOC_GROW(a->r, a->nr + 1, a->alloc);
	a->r[a->nr++] = r;
}

/* The arena holds every result now: point into it (it may have moved since). */
static void point_results(struct answer *a)
{
	size_t i;

	for (i = 0; i < a->nr; i++) {
		struct result *r = &a->r[i];

		r->path = a->arena.buf + r->at;
		r->id = a->arena.buf + r->at_id;
		r->rec = a->arena.buf + r->at_rec;
	}
}

/*
 * Look file number n up and consider it, unless the overlay has its path;
 * `proven`: n came from the posting lists of the exact predicates.
 */
static int consider_num(struct answer *a, const struct query *q, struct index *ix, MDB_txn *txn,
			uint32_t n, const struct overlay *ov, const char *roots, size_t rootslen,
			int proven)
{
	const char *path, *rec;
	size_t plen, reclen;
	int rc;

	if ((rc = index_get_num(txn, ix, n, &path, &plen, &rec, &reclen)))
		return rc == MDB_NOTFOUND ? 0 : rc;
	if (ov && overlay_find(ov, path, plen))
		return 0;
	consider(a, q, path, plen, rec, reclen, roots, rootslen, 0, proven, NULL);
	return 0;
}

struct scan {
	struct answer *a;
	const struct query *q;
	const struct overlay *ov;
	const char *roots;
	size_t rootslen;
};

/* A row of `nums` in a scan of every file: considered unless the overlay has its path. */
static int consider_row(uint32_t num, const char *path, size_t plen,
			const char *rec, size_t reclen, void *data)
{
	struct scan *sc = data;

	if (sc->ov && overlay_find(sc->ov, path, plen))
		return 0;
	consider(sc->a, sc->q, path, plen, rec, reclen, sc->roots, sc->rootslen, 0, 0, NULL);
	return 0;
}

static const struct query *sort_query;	/* for qsort's comparison */

struct first_value {
	struct node n;		/* points into the result (the arena) */
	int found;
};

static int take_first(const char *key, size_t keylen, const struct node *val, void *data)
{
	struct first_value *fv = data;

	fv->n = *val;
	fv->found = 1;
	return 1;
}

/*
 * One sort key of two values: a missing or null value sorts last either
 * way; a priority on the scale (roadmap.priorities, else the known one)
 * before any other, by rank; then the order of value_sort_cmp().
 */
static int cmp_key(const struct sort_key *k, const struct first_value *fx,
		   const struct first_value *fy, struct strbuf *scratch)
{
	struct value x, y;
	int rx, ry, dir = k->desc ? -1 : 1;

	if (fx->found)
		value_of(&x, &fx->n, scratch);
	if (fy->found)
		value_of(&y, &fy->n, scratch);
	rx = !fx->found || x.kind == VALUE_NULL;
	ry = !fy->found || y.kind == VALUE_NULL;
	if (rx || ry)
		return rx - ry;
	if (!strcmp(k->field, "priority")) {
		rx = priority_rank(x.text, x.len, &sort_query->priorities);
		ry = priority_rank(y.text, y.len, &sort_query->priorities);
		if (rx >= 0 && ry >= 0)
			return (rx - ry) * dir;
		if (rx >= 0 || ry >= 0)	/* the scale first, both ways */
			return rx >= 0 ? -1 : 1;
	}
	return value_sort_cmp(&x, &y) * dir;
}

static int cmp_results(const void *pa, const void *pb)
{
	const struct result *a = pa, *b = pb;
	struct strbuf scratch = STRBUF_INIT;
	size_t i;
	int c = 0;

	for (i = 0; sort_query && i < sort_query->nr_sort && !c; i++) {
		struct first_value x = { { 0, NULL, 0 }, 0 }, y = x;
		result_values(a, sort_query->sort[i].field, take_first, &x);
		result_values(b, sort_query->sort[i].field, take_first, &y);
		c = cmp_key(&sort_query->sort[i], &x, &y, &scratch);
	}
	strbuf_release(&scratch);
	if (c || (c = strcmp(a->id, b->id)))
		return c;
	return strcmp(a->path, b->path);
}

/*
 * roadmap.priorities, each value a comma-separated list (as roadmap-check
 * reads it), when a sort key is the priority.
 */
static void read_priorities(struct query *q, const struct repo_paths *p)
{
	char *argv[] = { "git", "config", "--get-all", "roadmap.priorities", NULL };
	struct strbuf out = STRBUF_INIT;
	const char *v, *end;
	size_t i;

	for (i = 0; i < q->nr_sort && strcmp(q->sort[i].field, "priority"); i++)
		;
	strbuf_reset(&q->priorities);
	if (i == q->nr_sort || run_git(&out, p->gitdir, argv))
		goto out;	/* exit 1: not set */
	for (v = out.buf, end = out.buf + out.len; v < end; ) {
		size_t len = strcspn(v, ",\n"), l;
		const char *s = v;
		while (len && (*s == ' ' || *s == '\t'))
			s++, len--;
		for (l = len; l && (s[l - 1] == ' ' || s[l - 1] == '\t'); l--)
			;
		if (l) {
			strbuf_add(&q->priorities, s, l);
			strbuf_addch(&q->priorities, '\0');
		}
		v = s + len + 1;
	}
out:
	strbuf_release(&out);
}

/* Add the issues of the index (and the overlay ov, or NULL) that satisfy q to the answer. */
static int collect(struct answer *a, const struct query *q, struct index *ix, MDB_txn *txn,
		   const struct overlay *ov, const char *roots, size_t rootslen)
{
	struct num_list nl = NUM_LIST_INIT;
	size_t i;
	int rc = 0, all = candidates(&nl, (struct query *)q, ix, txn);

	if (all < 0) {
		free(nl.n);
		return error("cannot read the index");
	}
	if (all) {
		struct scan sc = { a, q, ov, roots, rootslen };
		rc = index_foreach_num(txn, ix, consider_row, &sc);
	} else {
		for (i = 0; i < nl.nr && !rc; i++)
			rc = consider_num(a, q, ix, txn, nl.n[i], ov, roots, rootslen, 1);
	}
	free(nl.n);
	if (rc)
		return lmdb_error(rc, "cannot read the index");
	for (i = 0; ov && i < ov->nr; i++)
		if (!ov->files[i].deleted)
			consider(a, q, ov->files[i].path, strlen(ov->files[i].path), ov->files[i].rec,
				 ov->files[i].reclen, roots, rootslen, 1, 0, ov->files[i].oid);
	return 0;
}

/*
 * No issue has the id typed: collect the one it names ignoring case or
 * as a prefix, or name the candidates when it names several.
 */
static int collect_typed_id(struct answer *a, struct query *q, struct index *ix, MDB_txn *txn,
			    const struct overlay *ov, const char *roots, size_t rootslen)
{
	struct pred *p = &q->preds[0];
	unsigned long invalid = a->invalid;	/* counted once */
	char *id;
	int rc = ids_resolve(&id, &a->candidates, ix, txn, ov, p->values[0]);

	if (rc != 1)
		return rc < 0 ? -1 : 0;
	free(p->values[0]);
	p->values[0] = id;
	type_values(p);
	rc = collect(a, q, ix, txn, ov, roots, rootslen);
	a->invalid = invalid;
	return rc;
}

static void fingerprint(unsigned char *out, struct index *ix, MDB_txn *txn, const struct overlay *ov,
			const char *roots, size_t rootslen, uint64_t unknown)
{
	struct strbuf dir = STRBUF_INIT;
	struct sha1 s;
	const char *r;
	size_t i;

	memset(out, 0, OID_RAW);
	if (unknown)
		return;
	sha1_init(&s);
	for (r = roots; r < roots + rootslen; r += strlen(r) + 1) {
		struct file_row row;
		strbuf_reset(&dir);
		strbuf_addf(&dir, "%s/", r);
		sha1_update(&s, dir.buf, dir.len + 1);
		if (!index_get_file(txn, ix, dir.buf, dir.len, &row))
			sha1_update(&s, row.oid, OID_RAW);
	}
	for (i = 0; ov && i < ov->nr; i++) {
		sha1_update(&s, ov->files[i].path, strlen(ov->files[i].path) + 1);
		sha1_update(&s, ov->files[i].deleted ? "d" : "m", 1);
		if (!ov->files[i].deleted)
			sha1_update(&s, ov->files[i].oid, OID_RAW);
	}
	for (i = 0; ov && i < ov->nr_sparse; i++) {
		sha1_update(&s, ov->sparse[i].path, strlen(ov->sparse[i].path) + 1);
		sha1_update(&s, ov->sparse[i].oid, OID_RAW);
	}
	sha1_final(out, &s);
	strbuf_release(&dir);
}

int query_run(struct answer *a, struct query *q, struct index *ix, const struct repo_paths *p)
{
	struct overlay ov = OVERLAY_INIT;
	const struct overlay *ovp = q->committed ? NULL : &ov;
	MDB_txn *txn;
	MDB_val roots;
	char *rootsbuf = NULL;
	size_t rootslen = 0, i;
	uint64_t invalid;
	int rc;

	memset(a, 0, sizeof(*a));
	strbuf_init(&a->arena, 0);
	strbuf_init(&a->candidates, 0);
	for (i = 0; i < q->nr_preds; i++)
		type_values(&q->preds[i]);
	if ((rc = index_begin_fresh(ix, p, &txn)))
		return rc;
	if (!meta_get(txn, ix, "roots", &roots)) {
		rootsbuf = xmemdupz(roots.mv_data, roots.mv_size);
		rootslen = roots.mv_size;
	}
	meta_get_u64(txn, ix, "invalid", &invalid);
	a->invalid = invalid;
	a->unknown = index_warn_unknown(txn, ix);
	if (!q->committed && (rc = overlay_compute(&ov, ix, txn, p, rootsbuf, rootslen)))
		goto out;
	for (i = 0; i < ov.nr; i++)
		a->invalid -= ov.files[i].head_invalid;
	if (q->fingerprint)
		fingerprint(q->fingerprint, ix, txn, ovp, rootsbuf, rootslen, a->unknown);
	if (q->fingerprint_only)
		goto out;
	if ((rc = collect(a, q, ix, txn, ovp, rootsbuf, rootslen)))
		goto out;
	if (q->typed_id && q->nr_preds == 1 && !a->nr &&
	    (rc = collect_typed_id(a, q, ix, txn, ovp, rootsbuf, rootslen)))
		goto out;
	point_results(a);
	read_priorities(q, p);
	sort_query = q;
	if (a->nr)
		qsort(a->r, a->nr, sizeof(*a->r), cmp_results);
	a->nr_dup_ids = check_duplicate_ids(&a->dup_id, ix, txn, ovp);
	if (q->limit >= 0 && (size_t)q->limit < a->nr)
		a->nr = q->limit;
out:
	index_end(txn);
	if (!rc && !q->committed)
		overlay_save_stats(&ov, ix);
	overlay_release(&ov);
	a->roots = rootsbuf;
	return rc ? -1 : 0;
}

void answer_release(struct answer *a)
{
	free(a->r);
	strbuf_release(&a->arena);
	free(a->roots);
	free(a->dup_id);
	strbuf_release(&a->candidates);
}
