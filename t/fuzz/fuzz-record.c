/*
 * fuzz-record: libFuzzer target for the record decoder (lib/record.c) and
 * the JSON writer (lib/output.c).
 *
 * The index is a cache that may be corrupt on disk, so the input is any
 * bytes. When record_decode() accepts them, every walker must stay inside
 * them, make progress and end: node_next() over the flat stream,
 * node_skip() from the start, record_foreach_scalar() and out_json_node(); and
 * what out_json_node() calls success must be valid JSON. A broken invariant
 * abort()s; a read out of bounds is ASan's to report, an endless loop
 * libFuzzer's (-timeout).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz-check.h"
#include "output.h"
#include "record.h"
#include "strbuf.h"

struct bounds {
	const char *start, *end;
	size_t calls;
	struct strbuf num, json;
};

static int inside(const struct bounds *b, const void *p, size_t len)
{
	const char *s = p;

	return s >= b->start && s <= b->end && len <= (size_t)(b->end - s);
}

static int visit(const char *key, size_t keylen, const struct node *val, void *data)
{
	struct bounds *b = data;
	enum scalar_type t;

	b->calls++;
	CHECK(val->type == NODE_PLAIN || val->type == NODE_QUOTED);
	CHECK(val->text && (inside(b, val->text, val->len) || record_table_text(val->text)));
	t = scalar_resolve(val, &b->num);
	if (t == SCALAR_INT || t == SCALAR_FLOAT)
		CHECK(json_valid_number(b->num.buf, b->num.len));
	strbuf_reset(&b->json);
	out_json_string(&b->json, key, keylen);
	CHECK(json_valid(b->json.buf, b->json.len));
	strbuf_reset(&b->json);
	out_json_string(&b->json, val->text, val->len);
	CHECK(json_valid(b->json.buf, b->json.len));
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct record r;
	struct bounds b;
	struct node n;
	const unsigned char *p, *next, *end = data + size;
	struct strbuf json = STRBUF_INIT;
	size_t count;

	if (record_decode(&r, data, size))
		return 0;
	memset(&b, 0, sizeof(b));
	b.start = (const char *)data;
	b.end = (const char *)end;
	strbuf_init(&b.num, 0);
	strbuf_init(&b.json, 0);

	CHECK(size && r.kind == data[0]);
	switch (r.kind) {
	case RECORD_ISSUE:
		CHECK(r.nodes > data && r.nodes <= end && r.end == end);
		if (r.id)
			CHECK(r.idlen && inside(&b, r.id, r.idlen) &&
			      r.id + r.idlen == (const char *)r.nodes);
		else
			CHECK(!r.idlen);
		break;
	case RECORD_INVALID:
		CHECK(r.err == (const char *)data + 1 && r.errlen == size - 1);
		out_json_string(&json, r.err, r.errlen);
		CHECK(json_valid(json.buf, json.len));
		goto out;
	case RECORD_NOTISSUE:
		goto out;
	default:
		CHECK(!"record_decode accepted an unknown kind");
	}

	/* the flat stream: each node inside the bytes, each step forward */
	for (p = r.nodes, count = 0; (next = node_next(p, end, &n)); p = next) {
		CHECK(next > p && next <= end);
		if (*p == NODE_KEY)	/* a key of the table: its text is not in the bytes */
			CHECK(n.type == NODE_PLAIN && n.text && n.len && next == p + 2);
		else if (n.type == NODE_PLAIN || n.type == NODE_QUOTED)
			CHECK(n.text && inside(&b, n.text, n.len) &&
			      (const unsigned char *)n.text + n.len == next);
		else
			CHECK(!n.text && !n.len && next == p + 1);
		CHECK(++count <= size);
	}

	/* whole nodes, one after the other */
	for (p = r.nodes, count = 0; p && p < end; p = next) {
		next = node_skip(p, end);
		CHECK(!next || (next > p && next <= end));
		CHECK(++count <= size);
	}

	/* every scalar with its key */
	record_foreach_scalar(&r, visit, &b);
	CHECK(b.calls <= size);

	/* the JSON of roadmap-list --json; on success, valid JSON */
	p = r.nodes;
	if (!out_json_node(&json, &p, end)) {
		CHECK(p > r.nodes && p <= end);
		CHECK(json_valid(json.buf, json.len));
	}
out:
	strbuf_release(&json);
	strbuf_release(&b.num);
	strbuf_release(&b.json);
	return 0;
}
