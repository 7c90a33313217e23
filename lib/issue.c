#include <string.h>
#include <yaml.h>

#include "issue.h"
#include "record.h"
#include "xalloc.h"

/* record.c's walkers follow whatever this parser makes */
typedef char record_depth_check[RECORD_MAX_DEPTH >= ISSUE_MAX_DEPTH ? 1 : -1];

/* A set of the keys of one mapping, to catch duplicates in linear time. */
struct keyset {
	size_t nr, alloc;
	struct { size_t off, len; } *slot;	/* offsets into the record */
};

struct parse {
	struct strbuf *out;
	size_t base;		/* where this record starts in out */
	const char *src;	/* the slice given to libyaml */
	size_t srclen;
	size_t bom;		/* 3 when it starts with a UTF-8 BOM, kept from libyaml */
	struct strbuf err;
	struct keyset keys[ISSUE_MAX_DEPTH + 1];
	int is_key[ISSUE_MAX_DEPTH + 1];	/* next scalar at this depth is a key */
	int in_map[ISSUE_MAX_DEPTH + 1];
};

static size_t hash_bytes(const char *s, size_t len)
{
	size_t h = 5381;

	while (len--)
		h = h * 33 + (unsigned char)*s++;
	return h;
}

/* Add key; returns 1 when the set already had it. */
static int keyset_add(struct keyset *ks, const struct strbuf *rec, size_t off, size_t len)
{
	size_t i, mask;

	if (2 * (ks->nr + 1) > ks->alloc) {
		struct keyset old = *ks;
		ks->alloc = ks->alloc ? 2 * ks->alloc : 16;
		ks->slot = xcalloc(ks->alloc, sizeof(*ks->slot));
		ks->nr = 0;
		for (i = 0; i < old.alloc; i++)
			if (old.slot[i].off)	/* offsets are never 0 */
				keyset_add(ks, rec, old.slot[i].off, old.slot[i].len);
		free(old.slot);
	}
	mask = ks->alloc - 1;
	for (i = hash_bytes(rec->buf + off, len) & mask;
	     ks->slot[i].off; i = (i + 1) & mask)
		if (ks->slot[i].len == len &&
		    !memcmp(rec->buf + ks->slot[i].off, rec->buf + off, len))
			return 1;
	ks->slot[i].off = off;
	ks->slot[i].len = len;
	ks->nr++;
	return 0;
}

static void keyset_clear(struct keyset *ks)
{
	free(ks->slot);
	memset(ks, 0, sizeof(*ks));
}

static int is_null(const char *s, size_t len)
{
	return !len || (len == 1 && *s == '~') ||
		(len == 4 && (!memcmp(s, "null", 4) || !memcmp(s, "Null", 4) || !memcmp(s, "NULL", 4)));
}

/* The byte offset in the slice of character `chars` (libyaml's marks count characters). */
static size_t slice_offset(const struct parse *ps, size_t chars)
{
	size_t i;

	for (i = 0; i < ps->srclen; i++)
		if (((unsigned char)ps->src[i] & 0xc0) != 0x80 && !chars--)
			break;
	return i;
}

/*
 * Line and column (1-based) in the slice of byte offset `off`. Lines end
 * at '\n' alone, as for editors and grep: YAML also ends them at a lone
 * '\r', U+0085, U+2028 and U+2029. Columns count characters.
 */
static void slice_pos(const struct parse *ps, size_t off, size_t *line, size_t *col)
{
	size_t i;

	*line = 1;
	*col = 1;
	for (i = 0; i < off && i < ps->srclen; i++) {
		if (ps->src[i] == '\n') {
			(*line)++;
			*col = 1;
		} else if (((unsigned char)ps->src[i] & 0xc0) != 0x80) {
			(*col)++;
		}
	}
}

/*
 * The offset of the first byte of s[0..len) that starts no valid UTF-8
 * sequence (overlong forms, surrogates and values over U+10FFFF are
 * invalid, as for libyaml), or len.
 */
static size_t utf8_invalid(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;

	while (i < len) {
		unsigned c = p[i], n, lo = 0x80, hi = 0xbf, k;
		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf)
			n = 1;
		else if (c >= 0xe0 && c <= 0xef)
			n = 2, lo = c == 0xe0 ? 0xa0 : 0x80, hi = c == 0xed ? 0x9f : 0xbf;
		else if (c >= 0xf0 && c <= 0xf4)
			n = 3, lo = c == 0xf0 ? 0x90 : 0x80, hi = c == 0xf4 ? 0x8f : 0xbf;
		else
			return i;
		if (i + n >= len || p[i + 1] < lo || p[i + 1] > hi)
			return i;
		for (k = 2; k <= n; k++)
			if ((p[i + k] & 0xc0) != 0x80)
				return i;
		i += n + 1;
	}
	return len;
}

static int fail_at(struct parse *ps, size_t line, size_t col, const char *msg)
{
	strbuf_reset(&ps->err);
	strbuf_addf(&ps->err, "%zu:%zu: %s", line, col, msg);
	return -1;
}

/* The byte offset in the slice of a libyaml mark, which counts characters. */
static size_t mark_offset(const struct parse *ps, yaml_mark_t mark)
{
	return slice_offset(ps, mark.index + !!ps->bom);
}

/* The file's line of a libyaml mark: its slice starts after the opening line. */
static void mark_pos(const struct parse *ps, yaml_mark_t mark, size_t *line, size_t *col)
{
	slice_pos(ps, mark_offset(ps, mark), line, col);
	(*line)++;
}

static int fail_mark(struct parse *ps, yaml_mark_t mark, const char *msg)
{
	size_t line, col;

	mark_pos(ps, mark, &line, &col);
	return fail_at(ps, line, col, msg);
}

/*
 * Whether a scanner error at byte `off` comes from a key over YAML's 1024
 * characters for an implicit key: libyaml then finds the ':' after it,
 * on the same line, and says "could not find expected ':'" (or, for a
 * document's first key, "mapping values are not allowed").
 */
static int key_too_long(const struct parse *ps, const yaml_parser_t *parser, size_t off)
{
	const char *s = ps->src, *p, *start;

	if (!parser->problem || off >= ps->srclen || s[off] != ':' ||
	    parser->problem_mark.column <= 1024 ||
	    (strcmp(parser->problem, "could not find expected ':'") &&
	     strcmp(parser->problem, "mapping values are not allowed in this context")))
		return 0;
	for (start = s + off; start > s && start[-1] != '\n'; start--)
		;
	/* no other "key: " on the line before it */
	for (p = start; p < s + off; p++)
		if (*p == ':' && (p[1] == ' ' || p[1] == '\t'))
			return 0;
	return 1;
}

static int fail_parser(struct parse *ps, yaml_parser_t *parser)
{
	struct strbuf msg = STRBUF_INIT;
	size_t line, col, cline, ccol, off;

	strbuf_addstr(&msg, parser->problem ? parser->problem : "cannot parse front matter");
	if (parser->error == YAML_READER_ERROR) {
		/* the offending byte or character, which may not show */
		off = parser->problem_offset + ps->bom;
		if (parser->problem && strstr(parser->problem, "UTF-8")) {
			/* the first bad byte, where libyaml may name the one after */
			off = utf8_invalid(ps->src, ps->srclen);
			if (off >= ps->srclen)
				off = parser->problem_offset + ps->bom;
			strbuf_reset(&msg);
			strbuf_addstr(&msg, "front matter is not valid UTF-8");
			if (off < ps->srclen)
				strbuf_addf(&msg, " (byte 0x%02X)", (unsigned char)ps->src[off]);
		} else if (parser->problem_value >= 0) {
			strbuf_addf(&msg, " (U+%04X)", (unsigned)parser->problem_value);
		}
		slice_pos(ps, off, &line, &col);
		fail_at(ps, line + 1, col, msg.buf);
	} else {
		mark_pos(ps, parser->problem_mark, &line, &col);
		off = mark_offset(ps, parser->problem_mark);
		if (parser->problem && off < ps->srclen &&
		    !strcmp(parser->problem, "found character that cannot start any token")) {
			/* which character: most often a tab that indents */
			int c = ps->src[off];
			strbuf_reset(&msg);
			if (c == '\t')
				strbuf_addstr(&msg, "found a tab that cannot start any token (YAML indents with spaces)");
			else if (c > ' ' && c < 0x7f)
				strbuf_addf(&msg, "found character '%c' that cannot start any token", c);
			else
				strbuf_addstr(&msg, parser->problem);
		} else if (key_too_long(ps, parser, off)) {
			strbuf_reset(&msg);
			strbuf_addstr(&msg, "a key over 1024 characters needs '? ' before it (YAML's limit for implicit keys)");
		} else if (parser->context) {
			strbuf_addf(&msg, " %s", parser->context);
			mark_pos(ps, parser->context_mark, &cline, &ccol);
			if (cline != line || ccol != col)
				strbuf_addf(&msg, " started at %zu:%zu", cline, ccol);
		}
		fail_at(ps, line, col, msg.buf);
	}
	strbuf_release(&msg);
	return -1;
}

/*
 * Append text[0..len) for a message: control characters escaped, at
 * most 64 bytes of it (a key may be 1 MiB long).
 */
static void add_shown(struct strbuf *sb, const char *text, size_t len)
{
	size_t i, max = 64;

	for (i = 0; i < len; i++) {
		unsigned char c = text[i];
		if (i >= max && (c & 0xc0) != 0x80) {
			strbuf_addstr(sb, "...");
			break;
		}
		if (c == '\n')
			strbuf_addstr(sb, "\\n");
		else if (c == '\t')
			strbuf_addstr(sb, "\\t");
		else if (c < 0x20 || c == 0x7f)
			strbuf_addf(sb, "\\x%02x", c);
		else
			strbuf_addch(sb, c);
	}
}

static int has_anchor_or_tag(struct parse *ps, const yaml_event_t *ev,
			     const yaml_char_t *anchor, const yaml_char_t *tag)
{
	if (anchor)
		return fail_mark(ps, ev->start_mark, "anchors and aliases are not allowed in front matter");
	if (tag)
		return fail_mark(ps, ev->start_mark, "explicit tags are not allowed in front matter");
	return 0;
}

/* Turn the event stream of the slice into the node stream of a record. */
static int parse_events(struct parse *ps, size_t *idoff, size_t *idlen)
{
	yaml_parser_t parser;
	yaml_event_t ev;
	int depth = 0, done = 0, ret = 0, id_next = 0, root_seen = 0, root_scalar = 0;
	yaml_mark_t root_mark = { 0, 0, 0 };

	*idoff = *idlen = 0;
	if (!yaml_parser_initialize(&parser))
		return fail_at(ps, 1, 1, "cannot initialize the YAML parser");
	/*
	 * UTF-8 only: libyaml would take a UTF-16 BOM after the opening line
	 * for the encoding. A UTF-8 BOM there is skipped here: told the
	 * encoding, libyaml's scanner skips it but counts it in the column,
	 * so that the first key's mapping is indented by one.
	 */
	ps->bom = ps->srclen >= 3 && !memcmp(ps->src, "\xef\xbb\xbf", 3) ? 3 : 0;
	yaml_parser_set_input_string(&parser, (const unsigned char *)ps->src + ps->bom,
				     ps->srclen - ps->bom);
	yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING);
	while (!done && !ret) {
		if (!yaml_parser_parse(&parser, &ev)) {
			ret = fail_parser(ps, &parser);
			break;
		}
		switch (ev.type) {
		case YAML_STREAM_END_EVENT:
			if (root_scalar)
				ret = fail_mark(ps, root_mark, "front matter is not a mapping");
			done = 1;
			break;
		case YAML_ALIAS_EVENT:
			ret = fail_mark(ps, ev.start_mark, "anchors and aliases are not allowed in front matter");
			break;
		case YAML_SCALAR_EVENT: {
			const char *text = (const char *)ev.data.scalar.value;
			size_t len = ev.data.scalar.length;
			int type = ev.data.scalar.style == YAML_PLAIN_SCALAR_STYLE ?
				NODE_PLAIN : NODE_QUOTED;
			size_t off;

			if ((ret = has_anchor_or_tag(ps, &ev, ev.data.scalar.anchor,
						     ev.data.scalar.tag)))
				break;
			if (!depth) {
				/*
				 * An empty front matter is an empty mapping. Any
				 * other scalar is no mapping, unless a YAML error
				 * follows: "<1025 characters>: v" is a scalar, then
				 * an error that says more.
				 */
				if (root_seen || type != NODE_PLAIN || !is_null(text, len)) {
					root_scalar = 1;
					root_mark = ev.start_mark;
				}
				root_seen = 1;
				record_add_node(ps->out, NODE_MAP, NULL, 0);
				record_add_node(ps->out, NODE_END, NULL, 0);
				break;
			}
			record_add_node(ps->out, type, text, len);
			off = ps->out->len - len;
			if (ps->in_map[depth] && ps->is_key[depth]) {
				if (keyset_add(&ps->keys[depth], ps->out, off, len)) {
					struct strbuf msg = STRBUF_INIT;
					strbuf_addstr(&msg, "duplicate key '");
					add_shown(&msg, text, len);
					strbuf_addch(&msg, '\'');
					ret = fail_mark(ps, ev.start_mark, msg.buf);
					strbuf_release(&msg);
					break;
				}
				id_next = depth == 1 && len == 2 && !memcmp(text, "id", 2);
				ps->is_key[depth] = 0;
			} else {
				/* a null id: the id comes from the file name */
				if (id_next && !(type == NODE_PLAIN && is_null(text, len))) {
					const char *why = issue_id_invalid(text, len);
					if (why) {
						struct strbuf msg = STRBUF_INIT;
						strbuf_addf(&msg, "invalid id: %s", why);
						ret = fail_mark(ps, ev.start_mark, msg.buf);
						strbuf_release(&msg);
						break;
					}
					*idoff = off - ps->base;
					*idlen = len;
				}
				id_next = 0;
				if (ps->in_map[depth])
					ps->is_key[depth] = 1;
			}
			break;
		}
		case YAML_SEQUENCE_START_EVENT:
		case YAML_MAPPING_START_EVENT: {
			int map = ev.type == YAML_MAPPING_START_EVENT;
			const yaml_char_t *anchor = map ? ev.data.mapping_start.anchor : ev.data.sequence_start.anchor;
			const yaml_char_t *tag = map ? ev.data.mapping_start.tag : ev.data.sequence_start.tag;
			int implicit = map ? ev.data.mapping_start.implicit : ev.data.sequence_start.implicit;

			if ((ret = has_anchor_or_tag(ps, &ev, anchor, implicit ? NULL : tag)))
				break;
			if (!depth) {
				if (!map || root_seen) {
					ret = fail_mark(ps, ev.start_mark, "front matter is not a mapping");
					break;
				}
				root_seen = 1;
			} else if (ps->in_map[depth] && ps->is_key[depth]) {
				ret = fail_mark(ps, ev.start_mark, "mapping keys must be scalars");
				break;
			}
			if (id_next) {
				ret = fail_mark(ps, ev.start_mark, "invalid id: not a scalar");
				break;
			}
			if (depth >= ISSUE_MAX_DEPTH) {
				ret = fail_mark(ps, ev.start_mark, "front matter nests too deeply");
				break;
			}
			if (depth && ps->in_map[depth])
				ps->is_key[depth] = 1;
			depth++;
			ps->in_map[depth] = map;
			ps->is_key[depth] = map;
			keyset_clear(&ps->keys[depth]);
			record_add_node(ps->out, map ? NODE_MAP : NODE_SEQ, NULL, 0);
			break;
		}
		case YAML_SEQUENCE_END_EVENT:
		case YAML_MAPPING_END_EVENT:
			keyset_clear(&ps->keys[depth]);
			depth--;
			record_add_node(ps->out, NODE_END, NULL, 0);
			break;
		case YAML_DOCUMENT_START_EVENT:
			if (root_scalar)
				ret = fail_mark(ps, root_mark, "front matter is not a mapping");
			else if (root_seen)
				ret = fail_mark(ps, ev.start_mark, "front matter holds more than one YAML document");
			else if (ev.data.document_start.version_directive ||
			    ev.data.document_start.tag_directives.start != ev.data.document_start.tag_directives.end)
				ret = fail_mark(ps, ev.start_mark, "directives are not allowed in front matter");
			break;
		default:
			break;
		}
		yaml_event_delete(&ev);
	}
	if (!ret && !root_seen) {
		/* no document at all: an empty mapping */
		record_add_node(ps->out, NODE_MAP, NULL, 0);
		record_add_node(ps->out, NODE_END, NULL, 0);
	}
	for (; depth >= 0; depth--)
		keyset_clear(&ps->keys[depth]);
	yaml_parser_delete(&parser);
	return ret;
}

/*
 * The front matter most files have, without libyaml: top-level "key: value"
 * lines whose values are one-line scalars, "[]", "{}", or a block of
 * "- scalar" items or "key: scalar" lines under them, in printable ASCII.
 * libyaml costs about 114,000 instructions an issue; this, with the
 * record, about 32,000. Any
 * line it is not sure of (comments, tabs, blank lines, multi-line or
 * escaped scalars, flow collections, anchors, non-ASCII, duplicate keys,
 * a bad id) sends the whole file to libyaml, so the records and errors
 * are libyaml's own: fuzz-parse compares the two on every input.
 */
int issue_simple_off;
__thread unsigned long issue_simple_count;

struct simple {
	struct parse *ps;
	const char *p, *end;	/* the line being read */
	struct strbuf tmp;
};

/* The indent of the line at p: spaces before its first other byte. */
static size_t indent_at(const char *p, const char *end)
{
	const char *q = p;

	while (q < end && *q == ' ')
		q++;
	return q - p;
}

static int alnum(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

static int key_char(int c)
{
	return alnum(c) || c == '_' || c == '-' || c == '.';
}

/* Whether the line at p opens a sequence item: "- ". */
static int item_at(const char *p, const char *end)
{
	return end - p > 1 && p[0] == '-' && p[1] == ' ';
}

/*
 * The scalar at p, up to the line's end at eol, as a node; 0 when it is not
 * one this reader is sure of.
 */
static int simple_scalar(struct simple *sm, const char *p, const char *eol)
{
	const char *q;

	while (eol > p && eol[-1] == ' ')
		eol--;
	if (p >= eol)
		return 0;
	if (*p == '\'') {
		strbuf_reset(&sm->tmp);
		for (q = p + 1; q < eol; q++) {
			if (*q != '\'') {
				strbuf_addch(&sm->tmp, *q);
				continue;
			}
			if (q + 1 < eol && q[1] == '\'') {
				strbuf_addch(&sm->tmp, '\'');
				q++;
				continue;
			}
			break;
		}
		if (q + 1 != eol)	/* no closing quote, or more after it */
			return 0;
		record_add_node(sm->ps->out, NODE_QUOTED, sm->tmp.buf, sm->tmp.len);
		return 1;
	}
	if (*p == '"') {
		for (q = p + 1; q < eol && *q != '"' && *q != '\\'; q++)
			;
		if (q + 1 != eol || *q != '"')
			return 0;
		record_add_node(sm->ps->out, NODE_QUOTED, p + 1, q - p - 1);
		return 1;
	}
	/* a plain scalar that starts with no indicator and holds no ": " or " #" */
	if (!(alnum(*p) || strchr("_./~$+(", *p) || (*p == '-' && p + 1 < eol && alnum(p[1]))))
		return 0;
	for (q = p; q < eol; q++)
		if ((*q == ':' && (q + 1 == eol || q[1] == ' ')) || (*q == '#' && q[-1] == ' '))
			return 0;
	record_add_node(sm->ps->out, NODE_PLAIN, p, eol - p);
	return 1;
}

/* A key at p ("key:" then a space or the line's end); its length, or 0. */
static size_t simple_key(const char *p, const char *eol)
{
	const char *q = p;

	if (q >= eol || (!alnum(*q) && *q != '_'))
		return 0;
	while (q < eol && key_char(*q))
		q++;
	if (q >= eol || *q != ':' || (q + 1 < eol && q[1] != ' ') || q - p > 200)
		return 0;
	return q - p;
}

/*
 * The block under a top-level "key:" whose first line is at sm->p, indented
 * by n: "- scalar" lines, or (n > 0) "key: scalar" lines. Returns 0 when
 * not sure.
 */
static int simple_block(struct simple *sm, size_t n)
{
	struct parse *ps = sm->ps;
	int seq = (size_t)(sm->end - sm->p) > n && item_at(sm->p + n, sm->end);
	struct keyset ks = { 0, 0, NULL };
	int ok = 1;

	if (!seq && !n)
		return 0;
	record_add_node(ps->out, seq ? NODE_SEQ : NODE_MAP, NULL, 0);
	while (ok && sm->p < sm->end) {
		const char *eol = memchr(sm->p, '\n', sm->end - sm->p), *q;
		size_t ind = indent_at(sm->p, sm->end), klen;

		if (!eol)
			eol = sm->end;
		if (ind != n || (n == 0 && !item_at(sm->p, eol)))
			break;	/* the block ends at a top-level line */
		q = sm->p + n;
		if (seq) {
			ok = item_at(q, eol) && simple_scalar(sm, q + 2, eol);
		} else {
			size_t off;
			ok = (klen = simple_key(q, eol)) && q + klen + 1 < eol;
			if (ok) {
				record_add_node(ps->out, NODE_PLAIN, q, klen);
				off = ps->out->len - klen;
				ok = !keyset_add(&ks, ps->out, off, klen) &&
					simple_scalar(sm, q + klen + 2, eol);
			}
		}
		sm->p = eol < sm->end ? eol + 1 : eol;
	}
	keyset_clear(&ks);
	if (!ok)
		return 0;
	/* what follows is a top-level line, or nothing */
	if (sm->p < sm->end && indent_at(sm->p, sm->end))
		return 0;
	record_add_node(ps->out, NODE_END, NULL, 0);
	return 1;
}

static int parse_simple(struct parse *ps, size_t *idoff, size_t *idlen)
{
	struct simple sm = { ps, ps->src, ps->src + ps->srclen, STRBUF_INIT };
	struct keyset ks = { 0, 0, NULL };
	size_t i;
	int ok = ps->srclen > 0;

	*idoff = *idlen = 0;
	for (i = 0; ok && i < ps->srclen; i++) {
		unsigned char c = ps->src[i];
		ok = (c >= 0x20 && c < 0x7f) || c == '\n';
	}
	if (ok)
		record_add_node(ps->out, NODE_MAP, NULL, 0);
	while (ok && sm.p < sm.end) {
		const char *eol = memchr(sm.p, '\n', sm.end - sm.p), *v;
		size_t klen = simple_key(sm.p, eol ? eol : sm.end), off, vstart;
		int is_id;

		if (!eol)
			eol = sm.end;
		if (!klen) {
			ok = 0;
			break;
		}
		record_add_node(ps->out, NODE_PLAIN, sm.p, klen);
		off = ps->out->len - klen;
		if (keyset_add(&ks, ps->out, off, klen)) {
			ok = 0;
			break;
		}
		is_id = klen == 2 && !memcmp(sm.p, "id", 2);
		v = sm.p + klen + 1;
		while (v < eol && *v == ' ')
			v++;
		vstart = ps->out->len;
		if (v < eol) {
			/* a value on the line; the next line starts a key */
			if (eol - v >= 2 && (!memcmp(v, "[]", 2) || !memcmp(v, "{}", 2)) &&
			    indent_at(v + 2, eol) == (size_t)(eol - v - 2)) {
				record_add_node(ps->out, *v == '[' ? NODE_SEQ : NODE_MAP, NULL, 0);
				record_add_node(ps->out, NODE_END, NULL, 0);
				ok = !is_id;
			} else {
				ok = simple_scalar(&sm, v, eol);
			}
			sm.p = eol < sm.end ? eol + 1 : eol;
			ok = ok && (sm.p >= sm.end || !indent_at(sm.p, sm.end));
		} else {
			size_t n;
			sm.p = eol < sm.end ? eol + 1 : eol;
			n = indent_at(sm.p, sm.end);
			if (sm.p >= sm.end || (!n && !item_at(sm.p, sm.end)))
				record_add_node(ps->out, NODE_PLAIN, "", 0);	/* "key:" alone: null */
			else
				ok = !is_id && simple_block(&sm, n);
		}
		if (ok && is_id) {
			struct node n;
			const char *text;
			node_next((const unsigned char *)ps->out->buf + vstart,
				  (const unsigned char *)ps->out->buf + ps->out->len, &n);
			text = n.text;
			if (!(n.type == NODE_PLAIN && is_null(text, n.len))) {
				ok = !issue_id_invalid(text, n.len);
				*idoff = ps->out->len - n.len - ps->base;
				*idlen = n.len;
			}
		}
	}
	keyset_clear(&ks);
	strbuf_release(&sm.tmp);
	if (!ok) {
		strbuf_setlen(ps->out, ps->base);
		*idoff = *idlen = 0;
		return 0;
	}
	record_add_node(ps->out, NODE_END, NULL, 0);
	issue_simple_count++;
	return 1;
}

/* Length of the line at p (without its line end), and where the next one starts. */
static size_t line_at(const char *p, const char *end, const char **next)
{
	const char *nl = memchr(p, '\n', end - p);
	size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);

	*next = nl ? nl + 1 : end;
	if (len && p[len - 1] == '\r')
		len--;
	return len;
}

int issue_parse(struct strbuf *out, const char *buf, size_t len)
{
	const char *end = buf + len, *p = buf, *next, *close = NULL, *yaml;
	struct parse ps;
	size_t base = out->len, idoff, idlen, l;

	if (len >= 3 && !memcmp(p, "\xef\xbb\xbf", 3))
		p += 3;
	l = line_at(p, end, &next);
	if (l != 3 || memcmp(p, "---", 3)) {
		strbuf_addch(out, RECORD_NOTISSUE);
		return RECORD_NOTISSUE;
	}
	yaml = next;
	memset(&ps, 0, sizeof(ps));
	ps.out = out;
	/*
	 * libyaml gets what follows the opening line: given the line too, it
	 * would take a later "--- " line for a second document.
	 */
	ps.src = yaml;
	strbuf_init(&ps.err, 0);
	if (len > ISSUE_MAX_SIZE) {
		fail_at(&ps, 1, 1, "file is larger than 1 MiB");
		goto invalid;
	}
	while (next < end) {
		const char *line = next;
		l = line_at(line, end, &next);
		if (l == 3 && (!memcmp(line, "---", 3) || !memcmp(line, "...", 3))) {
			close = line;
			break;
		}
	}
	if (!close) {
		fail_at(&ps, 1, 1, "front matter has no closing line");
		goto invalid;
	}
	ps.srclen = close - yaml;
	/* the record: kind, id (patched below), nodes */
	strbuf_addch(out, RECORD_ISSUE);
	ps.base = out->len;
	if ((issue_simple_off || !parse_simple(&ps, &idoff, &idlen)) &&
	    parse_events(&ps, &idoff, &idlen) < 0) {
		strbuf_setlen(out, base);
		goto invalid;
	}
	{
		/* move the id text to the front: kind, varint len, id, nodes */
		struct strbuf rec = STRBUF_INIT;
		strbuf_addch(&rec, RECORD_ISSUE);
		put_varint(&rec, idlen);
		strbuf_add(&rec, out->buf + ps.base + idoff, idlen);
		record_add_nodes(&rec, (const unsigned char *)out->buf + ps.base,
				 (const unsigned char *)out->buf + out->len);
		strbuf_setlen(out, base);
		strbuf_add(out, rec.buf, rec.len);
		strbuf_release(&rec);
	}
	strbuf_release(&ps.err);
	return RECORD_ISSUE;
invalid:
	strbuf_addch(out, RECORD_INVALID);
	strbuf_add(out, ps.err.buf, ps.err.len);
	strbuf_release(&ps.err);
	return RECORD_INVALID;
}
