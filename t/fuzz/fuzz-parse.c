/*
 * fuzz-parse: libFuzzer target for the front-matter parser (lib/issue.c).
 *
 * The input is an issue file. Whatever it holds, issue_parse() must make a
 * record that record_decode() accepts, of the kind the opening and closing
 * lines call for; an issue record's node stream must be one balanced
 * mapping, with scalar keys, no duplicate key in any mapping, at most
 * ISSUE_MAX_DEPTH deep, and an id that agrees with the `id` field and
 * passes issue_id_invalid(). libyaml alone (issue_simple_off) must make
 * the very same record: the fast path for simple files is exact. The walkers of lib/record.c and the JSON of
 * lib/output.c must agree with an independent walk of the stream. A broken
 * invariant abort()s.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz-check.h"
#include "issue.h"
#include "output.h"
#include "record.h"
#include "strbuf.h"
#include "xalloc.h"

/* issue_parse appends: bytes already in `out` must stay as they are */
static const char prefix[] = "prefix\0\n---\n";
#define PREFIX_LEN (sizeof(prefix) - 1)

/* What the independent walk saw: one entry per value scalar, in order. */
struct seen {
	struct strbuf keys;	/* the flattened keys, each after its length (a key may hold NUL: "\0") */
	const char **text;
	size_t *len;
	int *type;
	size_t nr, alloc;
	size_t scalars;		/* every scalar, keys included */
	struct strbuf num;
};

/* A line of the file, as lib/issue.c cuts them: '\n' ends, one '\r' dropped. */
static size_t line_len(const char *p, const char *end, const char **next)
{
	const char *nl = memchr(p, '\n', end - p);
	size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);

	*next = nl ? nl + 1 : end;
	if (len && p[len - 1] == '\r')
		len--;
	return len;
}

/* The kind the contract (doc/CONTRACT.txt) gives the file, but for the YAML. */
static int expected_kind(const char *buf, size_t len, int *closed)
{
	const char *p = buf, *end = buf + len, *next;
	size_t l;

	*closed = 0;
	if (len >= 3 && !memcmp(p, "\xef\xbb\xbf", 3))
		p += 3;
	l = line_len(p, end, &next);
	if (l != 3 || memcmp(p, "---", 3))
		return RECORD_NOTISSUE;
	while (next < end) {
		p = next;
		l = line_len(p, end, &next);
		if (l == 3 && (!memcmp(p, "---", 3) || !memcmp(p, "...", 3))) {
			*closed = 1;
			break;
		}
	}
	return *closed && len <= ISSUE_MAX_SIZE ? RECORD_ISSUE : RECORD_INVALID;
}

static int is_plain_null(const struct node *n)
{
	static const char *const nulls[] = { "", "~", "null", "Null", "NULL" };
	size_t i;

	if (n->type != NODE_PLAIN)
		return 0;
	for (i = 0; i < sizeof(nulls) / sizeof(*nulls); i++)
		if (strlen(nulls[i]) == n->len && !memcmp(nulls[i], n->text, n->len))
			return 1;
	return 0;
}

static int is_scalar(const struct node *n)
{
	return n->type == NODE_PLAIN || n->type == NODE_QUOTED;
}

static void check_scalar(struct seen *s, const struct node *n)
{
	enum scalar_type t = scalar_resolve(n, &s->num);

	s->scalars++;
	CHECK(n->text);
	if (n->type == NODE_QUOTED)
		CHECK(t == SCALAR_STRING);
	if (t == SCALAR_NULL)
		CHECK(is_plain_null(n));
	if (t == SCALAR_INT || t == SCALAR_FLOAT)
		CHECK(json_valid_number(s->num.buf, s->num.len));
}

struct key {
	const char *text;
	size_t len;
};

static int key_cmp(const void *a, const void *b)
{
	const struct key *x = a, *y = b;
	size_t n = x->len < y->len ? x->len : y->len;
	int c = memcmp(x->text, y->text, n);

	return c ? c : x->len < y->len ? -1 : x->len > y->len;
}

/*
 * Check the value at p (depth: collections open around it) and record its
 * scalars under key[0..keylen) the way record_foreach_scalar() documents.
 * Returns the position after it.
 */
static const unsigned char *check_node(struct seen *s, const unsigned char *p,
				       const unsigned char *end, struct strbuf *key, int depth)
{
	struct node n, k;
	struct key *keys = NULL;
	size_t nr = 0, alloc = 0, keylen = key->len, i;

	p = node_next(p, end, &n);
	CHECK(p && p <= end);
	if (is_scalar(&n)) {
		check_scalar(s, &n);
		ALLOC_GROW(s->text, s->nr + 1, s->alloc);
		s->len = xrealloc(s->len, s->alloc * sizeof(*s->len));
		s->type = xrealloc(s->type, s->alloc * sizeof(*s->type));
		s->text[s->nr] = n.text;
		s->len[s->nr] = n.len;
		s->type[s->nr] = n.type;
		s->nr++;
		strbuf_add(&s->keys, &key->len, sizeof(key->len));
		strbuf_add(&s->keys, key->buf, key->len);
		return p;
	}
	CHECK(n.type == NODE_MAP || n.type == NODE_SEQ);
	CHECK(depth < ISSUE_MAX_DEPTH);
	while (p < end && *p != NODE_END) {
		if (n.type == NODE_MAP) {
			p = node_next(p, end, &k);
			CHECK(p && is_scalar(&k));
			check_scalar(s, &k);
			ALLOC_GROW(keys, nr + 1, alloc);
			keys[nr].text = k.text;
			keys[nr].len = k.len;
			nr++;
			if (keylen)
				strbuf_addch(key, '.');
			strbuf_add(key, k.text, k.len);
			CHECK(p < end && *p != NODE_END);	/* a key has a value */
		}
		p = check_node(s, p, end, key, depth + 1);
		strbuf_setlen(key, keylen);
	}
	CHECK(p < end);		/* balanced: the collection is closed */
	if (nr > 1) {
		qsort(keys, nr, sizeof(*keys), key_cmp);
		for (i = 1; i < nr; i++)
			CHECK(key_cmp(&keys[i - 1], &keys[i]));
	}
	free(keys);
	return p + 1;
}

struct walk_state {
	struct seen *s;
	size_t calls, stop_at;
	const char *keys;	/* the next expected key in s->keys */
	struct strbuf num, json;
};

static int walk_scalar(const char *key, size_t keylen, const struct node *val, void *data)
{
	struct walk_state *w = data;
	struct seen *s = w->s;
	size_t i = w->calls++;

	CHECK(i < s->nr);
	{
		size_t want;
		memcpy(&want, w->keys, sizeof(want));
		CHECK(keylen == want && !memcmp(key, w->keys + sizeof(want), keylen));
		w->keys += sizeof(want) + keylen;
	}
	CHECK(val->type == s->type[i] && val->text == s->text[i] && val->len == s->len[i]);
	scalar_resolve(val, &w->num);
	strbuf_reset(&w->json);
	out_json_string(&w->json, key, keylen);
	CHECK(json_valid(w->json.buf, w->json.len));
	return i == w->stop_at ? 42 : 0;
}

static void check_issue(const struct record *r, const char *rec, size_t reclen)
{
	struct seen s;
	struct walk_state w;
	struct strbuf key = STRBUF_INIT, json = STRBUF_INIT;
	const unsigned char *p;
	struct node n, k, v;
	const char *id;
	size_t idlen;
	int have_id = 0, ret;

	memset(&s, 0, sizeof(s));
	strbuf_init(&s.keys, 0);
	strbuf_init(&s.num, 0);
	CHECK(r->end == (const unsigned char *)rec + reclen);
	CHECK(r->nodes < r->end);
	CHECK(!r->err);

	/* the stream: one balanced mapping, nothing after it */
	CHECK(*r->nodes == NODE_MAP);
	CHECK(check_node(&s, r->nodes, r->end, &key, 0) == r->end);
	CHECK(node_skip(r->nodes, r->end) == r->end);

	/* the id agrees with the top-level `id` field */
	p = node_next(r->nodes, r->end, &n);
	while (p && *p != NODE_END) {
		p = node_next(p, r->end, &k);
		CHECK(p && node_next(p, r->end, &v));
		if (k.len == 2 && !memcmp(k.text, "id", 2)) {
			CHECK(is_scalar(&v));
			have_id = !is_plain_null(&v);
			if (have_id)
				CHECK(r->id && r->idlen == v.len && !memcmp(r->id, v.text, v.len));
		}
		p = node_skip(p, r->end);
		CHECK(p && p < r->end);
	}
	if (r->id) {
		CHECK(have_id);
		CHECK(r->idlen && !issue_id_invalid(r->id, r->idlen));
		CHECK(r->id > rec && r->id + r->idlen <= (const char *)r->nodes);
	} else {
		CHECK(!have_id && !r->idlen);
	}
	CHECK(!issue_file_id(r, "issues/I7-a title.md", &id, &idlen));
	CHECK(r->id ? id == r->id : (idlen == 2 && !memcmp(id, "I7", 2)));

	/* record_foreach_scalar() sees what the independent walk saw */
	memset(&w, 0, sizeof(w));
	w.s = &s;
	w.stop_at = (size_t)-1;
	w.keys = s.keys.buf;
	strbuf_init(&w.num, 0);
	strbuf_init(&w.json, 0);
	CHECK(!record_foreach_scalar(r, walk_scalar, &w));
	CHECK(w.calls == s.nr);
	if (s.nr) {
		/* a non-zero return stops the walk and is returned */
		w.calls = 0;
		w.stop_at = s.nr / 2;
		w.keys = s.keys.buf;
		CHECK(record_foreach_scalar(r, walk_scalar, &w) == 42);
		CHECK(w.calls == s.nr / 2 + 1);
	}

	/* the JSON of roadmap-list --json: all of it, valid */
	p = r->nodes;
	ret = out_json_node(&json, &p, r->end);
	CHECK(!ret && p == r->end);
	CHECK(json.len >= 2 && json.buf[0] == '{' && json.buf[json.len - 1] == '}');
	CHECK(json_valid(json.buf, json.len));

	strbuf_release(&key);
	strbuf_release(&json);
	strbuf_release(&w.num);
	strbuf_release(&w.json);
	strbuf_release(&s.keys);
	strbuf_release(&s.num);
	free(s.text);
	free(s.len);
	free(s.type);
}

/* The number of lines of buf[0..len): '\n' ends a line. */
static size_t count_lines(const char *buf, size_t len)
{
	size_t i, n = 0;

	for (i = 0; i < len; i++)
		n += buf[i] == '\n';
	return n + (len && buf[len - 1] != '\n');
}

/*
 * "line:col: message", line and col from 1. With -DFUZZ_ERROR_LINES, also
 * that the line is one of the file's: off by default, because lib/issue.c
 * gives libyaml's line, which counts a lone '\r', U+0085, U+2028 and U+2029
 * as line breaks too (t/fuzz/README).
 */
static void check_error(const char *err, size_t len, const char *buf, size_t buflen)
{
	size_t i = 0, part, num[2];
	struct strbuf json = STRBUF_INIT;

	for (part = 0; part < 2; part++) {
		size_t start = i;
		CHECK(i < len && err[i] >= '1' && err[i] <= '9');
		num[part] = 0;
		while (i < len && err[i] >= '0' && err[i] <= '9')
			num[part] = num[part] * 10 + (err[i++] - '0');
		CHECK(i - start < 20);
		CHECK(i < len && err[i++] == ':');
	}
#ifdef FUZZ_ERROR_LINES
	CHECK(num[0] <= count_lines(buf, buflen));
#else
	(void)count_lines;
#endif
	CHECK(i + 1 < len && err[i] == ' ' && err[i + 1] != ' ');
	out_json_string(&json, err, len);
	CHECK(json_valid(json.buf, json.len));
	strbuf_release(&json);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct strbuf out = STRBUF_INIT, again = STRBUF_INIT;
	struct record r;
	const char *buf = (const char *)data, *rec;
	size_t reclen;
	int kind, closed, want;

	strbuf_add(&out, prefix, PREFIX_LEN);
	kind = issue_parse(&out, buf, size);
	CHECK(out.len > PREFIX_LEN && !memcmp(out.buf, prefix, PREFIX_LEN));
	CHECK(out.buf[out.len] == '\0');
	rec = out.buf + PREFIX_LEN;
	reclen = out.len - PREFIX_LEN;
	CHECK(rec[0] == kind);
	want = expected_kind(buf, size, &closed);
	if (want == RECORD_ISSUE)
		CHECK(kind == RECORD_ISSUE || kind == RECORD_INVALID);
	else
		CHECK(kind == want);

	/* the same bytes make the same record, whatever came before */
	CHECK(issue_parse(&again, buf, size) == kind);
	CHECK(again.len == reclen && !memcmp(again.buf, rec, reclen));
	/* and libyaml alone makes it too: the fast path is exact */
	strbuf_reset(&again);
	issue_simple_off = 1;
	CHECK(issue_parse(&again, buf, size) == kind);
	issue_simple_off = 0;
	CHECK(again.len == reclen && !memcmp(again.buf, rec, reclen));

	CHECK(record_decode(&r, rec, reclen) == 0);
	CHECK(r.kind == kind);
	switch (kind) {
	case RECORD_ISSUE:
		check_issue(&r, rec, reclen);
		break;
	case RECORD_INVALID:
		CHECK(r.err == rec + 1 && r.errlen == reclen - 1);
		CHECK(!r.id && !r.nodes);
		check_error(r.err, r.errlen, buf, size);
		break;
	case RECORD_NOTISSUE:
		CHECK(reclen == 1);
		break;
	}
	strbuf_release(&out);
	strbuf_release(&again);
	return 0;
}
