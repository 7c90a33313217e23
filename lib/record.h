#ifndef RECORD_H
#define RECORD_H

#include <stddef.h>

#include "strbuf.h"

/*
 * record.h - the parsed form of one issue blob, as stored in the index.
 *
 * A record is a byte string: one kind byte, then
 *   RECORD_ISSUE:   varint id length + id text (length 0: no usable `id`
 *                   field, the id comes from the file name), then the
 *                   front matter as a node stream (below);
 *   RECORD_INVALID: the first error, "line:col: message";
 *   RECORD_NOTISSUE: nothing (the file does not open front matter).
 *
 * The node stream is the YAML tree in pre-order: NODE_MAP and NODE_SEQ open
 * a collection and NODE_END closes it; NODE_PLAIN and NODE_QUOTED are
 * scalars (varint length + text); NODE_KEY is a plain map key of a fixed
 * table of common ones (one byte: its index), read back as NODE_PLAIN.
 * Inside a map, keys and values alternate.
 * Scalars keep their text: typing (YAML 1.2 core schema) happens on output,
 * so the record loses nothing a later format may want.
 */

enum record_kind {
	RECORD_ISSUE = 'I',
	RECORD_INVALID = 'E',
	RECORD_NOTISSUE = 'N',
};

enum node_type {
	NODE_MAP = 'M',
	NODE_SEQ = 'S',
	NODE_END = 'E',
	NODE_PLAIN = 'p',
	NODE_QUOTED = 'q',
	NODE_KEY = 'k',		/* stored only: node_next() gives NODE_PLAIN */
};

struct node {
	int type;
	const char *text;	/* scalars only; points into the record */
	size_t len;
};

/* A decoded view of a record; pointers into the record's bytes. */
struct record {
	int kind;
	const char *id;		/* RECORD_ISSUE: explicit id, or NULL */
	size_t idlen;
	const unsigned char *nodes, *end;	/* RECORD_ISSUE: the node stream */
	const char *err;	/* RECORD_INVALID: "line:col: message" */
	size_t errlen;
};

void put_varint(struct strbuf *sb, size_t v);
/* Returns the position after the varint, or NULL when it runs past end. */
const unsigned char *get_varint(const unsigned char *p, const unsigned char *end, size_t *out);

void record_add_node(struct strbuf *sb, int type, const char *text, size_t len);
/*
 * Append the node stream p[0..end) (of record_add_node()s) to sb, the
 * plain map keys of the table as NODE_KEY.
 */
void record_add_nodes(struct strbuf *sb, const unsigned char *p, const unsigned char *end);
/* Whether a node's text is a key of that table (not in the record's bytes). */
int record_table_text(const char *text);

/*
 * The deepest nesting of collections the walkers below and out_json_node()
 * follow (the root map is 1): a deeper stream is a malformed record, so
 * corrupt bytes cannot exhaust the stack. lib/issue.c makes none deeper
 * than ISSUE_MAX_DEPTH.
 */
#define RECORD_MAX_DEPTH 64

/* Decode `buf`; returns 0, or -1 when the bytes are not a record. */
int record_decode(struct record *out, const void *buf, size_t len);

/* Read the node at p; returns the position after it, or NULL at the end or on bad bytes. */
const unsigned char *node_next(const unsigned char *p, const unsigned char *end, struct node *out);
/* Skip the whole node (a scalar or a collection) starting at p. */
const unsigned char *node_skip(const unsigned char *p, const unsigned char *end);

/*
 * Call fn for every scalar of the front matter with its flattened key:
 * nested maps join keys with '.', sequence items take their parent's key.
 * A non-zero return from fn stops the walk and is returned.
 */
typedef int (*scalar_fn)(const char *key, size_t keylen, const struct node *val, void *data);
int record_foreach_scalar(const struct record *rec, scalar_fn fn, void *data);
/*
 * The same, but only where the key could be `field` or `alias` (may be
 * NULL): the values of other top-level keys are skipped whole.
 */
int record_field_scalars(const struct record *rec, const char *field, const char *alias,
			 scalar_fn fn, void *data);

/* The scalar types of the YAML 1.2 core schema, for plain scalars. */
enum scalar_type { SCALAR_NULL, SCALAR_BOOL, SCALAR_INT, SCALAR_FLOAT, SCALAR_STRING };
/*
 * Resolve a scalar's type. For SCALAR_INT and SCALAR_FLOAT, num is set to
 * the value as JSON number text: the text as written when JSON takes it
 * (100.0, -3, 1.5e3), else the shortest text that reads back as the same
 * value (+1 -> 1, .5 -> 0.5, 0x10 -> 16, 007 -> 7). A number JSON cannot
 * carry exactly (a float that overflows a double, hex or octal over 64
 * bits) is a string; so are .inf and .nan.
 */
enum scalar_type scalar_resolve(const struct node *n, struct strbuf *num);

#endif
