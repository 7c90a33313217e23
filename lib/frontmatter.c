/*
 * frontmatter.c - an issue file's front matter edited as text (see
 * frontmatter.h). The file is parsed with libyaml's event API only to find
 * where each top-level key and its value lie; the edit then splices bytes,
 * so everything it does not name stays as it was.
 */
#include <string.h>
#include <yaml.h>

#include "frontmatter.h"
#include "issue.h"
#include "record.h"
#include "xalloc.h"
#include "yamlquote.h"

struct item {
	size_t start, end;	/* its bytes in the file */
	const char *val;	/* a scalar's value (libyaml's), else NULL */
	size_t len;
};

enum kind { K_SCALAR = 's', K_NULL = 'n', K_FLOW = 'f', K_BLOCK = 'b', K_MAP = 'm' };

struct entry {
	char *key;
	size_t keylen;
	size_t line;		/* where the key's line starts */
	size_t colon;		/* after the ':' that ends the key */
	enum kind kind;
	int style;		/* a scalar's yaml_scalar_style_t */
	size_t vstart, vend;	/* a scalar's or a flow list's bytes */
	size_t last;		/* after the value's last byte */
	char *val;		/* a scalar's value */
	size_t vlen;
	struct item *items;	/* a list's items */
	size_t nitems, aitems;
};

struct doc {
	const char *buf;
	size_t len;
	size_t fm, fmend;	/* the front matter: after the opening line, up to the closing one */
	const char *eol;	/* the opening line's end: "\n" or "\r\n" */
	size_t bom;		/* 3 when the front matter starts with a UTF-8 BOM */
	int flow_root;
	struct entry *e;
	size_t nr, alloc;
	size_t chars, off;	/* a cursor for mark_off() */
};

static void doc_release(struct doc *d)
{
	size_t i, j;

	for (i = 0; i < d->nr; i++) {
		free(d->e[i].key);
		free(d->e[i].val);
		for (j = 0; j < d->e[i].nitems; j++)
			free((char *)d->e[i].items[j].val);
		free(d->e[i].items);
	}
	free(d->e);
}

/* The file offset of a libyaml mark, which counts characters from the front matter's start. */
static size_t mark_off(struct doc *d, yaml_mark_t m)
{
	size_t want = m.index + !!d->bom;	/* libyaml counts the skipped BOM as one */

	if (want < d->chars) {
		d->chars = 0;
		d->off = d->fm;
	}
	while (d->chars < want && d->off < d->fmend) {
		d->off++;
		while (d->off < d->fmend && ((unsigned char)d->buf[d->off] & 0xc0) == 0x80)
			d->off++;
		d->chars++;
	}
	return d->off;
}

static size_t line_start(const struct doc *d, size_t off)
{
	while (off > d->fm && d->buf[off - 1] != '\n')
		off--;
	return off;
}

/* After the line holding byte `off` (its '\n' included). */
static size_t line_end(const struct doc *d, size_t off)
{
	const char *nl = memchr(d->buf + off, '\n', d->fmend - off);

	return nl ? (size_t)(nl - d->buf) + 1 : d->fmend;
}

static int at(const struct doc *d, size_t off, struct strbuf *err, const char *fmt, const char *key)
{
	size_t line = 1, col = 1, i;

	for (i = 0; i < off && i < d->len; i++) {
		if (d->buf[i] == '\n')
			line++, col = 1;
		else if (((unsigned char)d->buf[i] & 0xc0) != 0x80)
			col++;
	}
	strbuf_reset(err);
	strbuf_addf(err, "%zu:%zu: ", line, col);
	strbuf_addf(err, fmt, key);
	return -1;
}

static size_t text_line(const char *p, const char *end, const char **next)
{
	const char *nl = memchr(p, '\n', end - p);
	size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);

	*next = nl ? nl + 1 : end;
	return len && p[len - 1] == '\r' ? len - 1 : len;
}

/* Where the front matter lies; issue_parse() has accepted the file. */
static int doc_bounds(struct doc *d)
{
	const char *p = d->buf, *end = d->buf + d->len, *next, *line;
	size_t l;

	if (d->len >= 3 && !memcmp(p, "\xef\xbb\xbf", 3))
		p += 3;
	l = text_line(p, end, &next);
	d->eol = p[l] == '\r' ? "\r\n" : "\n";
	d->fm = next - d->buf;
	while (next < end) {
		line = next;
		l = text_line(line, end, &next);
		if (l == 3 && (!memcmp(line, "---", 3) || !memcmp(line, "...", 3))) {
			d->fmend = line - d->buf;
			d->bom = d->fmend - d->fm >= 3 && !memcmp(d->buf + d->fm, "\xef\xbb\xbf", 3) ? 3 : 0;
			return 0;
		}
	}
	return -1;
}

static void add_item(struct entry *e, size_t start, size_t end, const char *val, size_t len)
{
	ALLOC_GROW(e->items, e->nitems + 1, e->aitems);
	e->items[e->nitems].start = start;
	e->items[e->nitems].end = end;
	e->items[e->nitems].val = val ? xmemdupz(val, len) : NULL;
	e->items[e->nitems].len = len;
	e->nitems++;
}

/* The ':' after a key ending at `off`, on its line; 0 when there is none (a "? key"). */
static size_t find_colon(const struct doc *d, size_t off)
{
	while (off < d->fmend && (d->buf[off] == ' ' || d->buf[off] == '\t'))
		off++;
	return off < d->fmend && d->buf[off] == ':' ? off + 1 : 0;
}

/* Record each top-level key: where its line, its value and its list items lie. */
static int doc_parse(struct doc *d)
{
	yaml_parser_t parser;
	yaml_event_t ev;
	struct entry *cur = NULL;
	int depth = 0, want_key = 1, done = 0, ret = 0;
	unsigned char flow[RECORD_MAX_DEPTH + 1];
	size_t item_start = 0;

	if (doc_bounds(d) < 0 || !yaml_parser_initialize(&parser))
		return -1;
	d->off = d->fm;
	yaml_parser_set_input_string(&parser, (const unsigned char *)d->buf + d->fm + d->bom,
				     d->fmend - d->fm - d->bom);
	yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING);
	while (!done && !ret) {
		size_t s, e;

		if (!yaml_parser_parse(&parser, &ev)) {
			ret = -1;
			break;
		}
		s = mark_off(d, ev.start_mark);
		e = mark_off(d, ev.end_mark);
		switch (ev.type) {
		case YAML_STREAM_END_EVENT:
			done = 1;
			break;
		case YAML_MAPPING_START_EVENT:
		case YAML_SEQUENCE_START_EVENT: {
			int is_flow = ev.type == YAML_MAPPING_START_EVENT ?
				ev.data.mapping_start.style == YAML_FLOW_MAPPING_STYLE :
				ev.data.sequence_start.style == YAML_FLOW_SEQUENCE_STYLE;

			if (depth >= RECORD_MAX_DEPTH) {
				ret = -1;
				break;
			}
			if (!depth) {
				d->flow_root = is_flow;
			} else if (depth == 1 && cur) {
				cur->kind = ev.type == YAML_MAPPING_START_EVENT ? K_MAP :
					is_flow ? K_FLOW : K_BLOCK;
				cur->vstart = s;
			} else if (depth == 2) {
				item_start = s;
			}
			flow[++depth] = is_flow;
			break;
		}
		case YAML_MAPPING_END_EVENT:
		case YAML_SEQUENCE_END_EVENT:
			if (flow[depth] && cur && e > cur->last)
				cur->last = e;
			depth--;
			if (depth == 1 && cur) {
				if (flow[depth + 1])
					cur->vend = e;
				want_key = 1;
			} else if (depth == 2 && cur) {
				add_item(cur, item_start, cur->last, NULL, 0);
			}
			break;
		case YAML_SCALAR_EVENT: {
			const char *v = (const char *)ev.data.scalar.value;
			size_t len = ev.data.scalar.length;

			if (depth == 1 && want_key) {
				ALLOC_GROW(d->e, d->nr + 1, d->alloc);
				cur = &d->e[d->nr++];
				memset(cur, 0, sizeof(*cur));
				cur->key = xmemdupz(v, len);
				cur->keylen = len;
				cur->line = line_start(d, s);
				cur->colon = find_colon(d, e);
				cur->last = cur->colon;
				want_key = 0;
			} else if (depth == 1 && cur) {
				cur->style = ev.data.scalar.style;
				if (!len && ev.data.scalar.style == YAML_PLAIN_SCALAR_STYLE) {
					/* an empty value's marks lie at the next token */
					cur->kind = K_NULL;
					cur->vstart = cur->vend = cur->colon;
				} else {
					cur->kind = K_SCALAR;
					cur->vstart = s;
					cur->vend = cur->last = e;
					cur->val = xmemdupz(v, len);
					cur->vlen = len;
				}
				want_key = 1;
			} else if (cur) {
				if (e > cur->last)
					cur->last = e;
				if (depth == 2)	/* a mapping's items: key, value, key, ... */
					add_item(cur, s, e, v, len);
			}
			break;
		}
		default:
			break;
		}
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&parser);
	return ret;
}

static struct entry *find_key(struct doc *d, const char *key)
{
	size_t i, len = strlen(key);

	for (i = 0; i < d->nr; i++)
		if (d->e[i].keylen == len && !memcmp(d->e[i].key, key, len))
			return &d->e[i];
	return NULL;
}

/* The bytes the entry's lines take: from its key's line to its value's last line. */
static void region(const struct doc *d, const struct entry *e, size_t *start, size_t *end)
{
	*start = e->line;
	*end = line_end(d, (e->last > e->colon ? e->last : e->colon) - 1);
}

int fm_key_ok(const char *key, size_t len)
{
	size_t i;

	if (!len || key[0] == '-' || key[0] == '.')
		return 0;
	for (i = 0; i < len; i++)
		if (!((key[i] >= 'a' && key[i] <= 'z') || (key[i] >= 'A' && key[i] <= 'Z') ||
		      (key[i] >= '0' && key[i] <= '9') || strchr("_.-", key[i])))
			return 0;
	return 1;
}

/* ---- edits ---- */

/*
 * A value as the edit wants it written, in the style of the value it
 * replaces (`old`, when a plain scalar, else NULL).
 */
static void put_value(struct strbuf *out, const struct fm_edit *ed, const char *v, int flow,
		      int style, const char *old)
{
	size_t len = strlen(v);
	/* 2: a typed value (a number, a date) replaced by another stays plain */
	int plain = ed->plain != 2 ? ed->plain :
		old && !yaml_plain_string(old, strlen(old)) && !yaml_plain_string(v, len);

	if (plain && yaml_plain_ok(v, len, flow))
		strbuf_add(out, v, len);
	else
		yaml_quote(out, v, len, flow, style == YAML_SINGLE_QUOTED_SCALAR_STYLE ? '\'' :
			 style == YAML_DOUBLE_QUOTED_SCALAR_STYLE ? '"' : 0);
}

/* How the file writes block list items ("  - ", "- "), from its first one. */
static void item_prefix(const struct doc *d, struct strbuf *out)
{
	size_t i, j;

	for (i = 0; i < d->nr; i++)
		if (d->e[i].kind == K_BLOCK)
			for (j = 0; j < d->e[i].nitems; j++)
				if (d->e[i].items[j].val) {
					size_t s = line_start(d, d->e[i].items[j].start);
					strbuf_add(out, d->buf + s, d->e[i].items[j].start - s);
					return;
				}
	strbuf_addstr(out, "  - ");
}

/* A list written after "key:": " [a, b]" (flow, or empty), else "\n  - a\n  - b" in the file's style. */
static void put_list(struct strbuf *out, const struct doc *d, const struct fm_edit *ed,
		     const char *const *vals, size_t nr, int flow)
{
	struct strbuf prefix = STRBUF_INIT;
	size_t i;

	if (flow || !nr) {
		strbuf_addstr(out, " [");
		for (i = 0; i < nr; i++) {
			if (i)
				strbuf_addstr(out, ", ");
			put_value(out, ed, vals[i], 1, 0, NULL);
		}
		strbuf_addstr(out, "]");
		return;
	}
	item_prefix(d, &prefix);
	for (i = 0; i < nr; i++) {
		strbuf_addstr(out, d->eol);
		strbuf_add(out, prefix.buf, prefix.len);
		put_value(out, ed, vals[i], 0, 0, NULL);
	}
	strbuf_release(&prefix);
}

static int file_has_flow_lists(const struct doc *d)
{
	size_t i, flow = 0, block = 0;

	for (i = 0; i < d->nr; i++) {
		flow += d->e[i].kind == K_FLOW && d->e[i].nitems;
		block += d->e[i].kind == K_BLOCK;
	}
	return flow > block;
}

struct splice {
	size_t start, end;
	struct strbuf text;
};

/* Replace the key's whole lines by "key:" (as written) and what follows. */
static void rewrite_entry(struct splice *sp, const struct doc *d, const struct entry *e)
{
	region(d, e, &sp->start, &sp->end);
	strbuf_add(&sp->text, d->buf + e->line, e->colon - e->line);
}

static int has_value(const struct entry *e, const char *v)
{
	size_t i, len = strlen(v);

	if (e->kind == K_SCALAR)
		return e->vlen == len && !memcmp(e->val, v, len);
	for (i = 0; i < e->nitems; i++)
		if (e->items[i].val && e->items[i].len == len && !memcmp(e->items[i].val, v, len))
			return 1;
	return 0;
}

static int edit_set(struct splice *sp, const struct doc *d, const struct entry *e,
		    const struct fm_edit *ed)
{
	if (e->kind == K_NULL) {
		sp->start = sp->end = e->colon;
		strbuf_addch(&sp->text, ' ');
		put_value(&sp->text, ed, ed->vals[0], 0, 0, NULL);
	} else if (e->kind == K_SCALAR && !memchr(d->buf + e->vstart, '\n', e->vend - e->vstart) &&
		   e->style != YAML_LITERAL_SCALAR_STYLE && e->style != YAML_FOLDED_SCALAR_STYLE) {
		sp->start = e->vstart;
		sp->end = e->vend;
		put_value(&sp->text, ed, ed->vals[0], 0, e->style,
			  e->style == YAML_PLAIN_SCALAR_STYLE ? e->val : NULL);
	} else {
		rewrite_entry(sp, d, e);
		strbuf_addch(&sp->text, ' ');
		put_value(&sp->text, ed, ed->vals[0], 0, 0, NULL);
		strbuf_addstr(&sp->text, d->eol);
	}
	return 0;
}

static void edit_set_list(struct splice *sp, const struct doc *d, const struct entry *e,
			  const struct fm_edit *ed, const char *const *vals, size_t nr)
{
	if (e->kind == K_FLOW) {
		struct strbuf t = STRBUF_INIT;

		put_list(&t, d, ed, vals, nr, 1);
		sp->start = e->vstart;
		sp->end = e->vend;
		strbuf_add(&sp->text, t.buf + 1, t.len - 1);	/* less put_list's leading space */
		strbuf_release(&t);
		return;
	}
	rewrite_entry(sp, d, e);
	put_list(&sp->text, d, ed, vals, nr, e->kind != K_BLOCK && file_has_flow_lists(d));
	strbuf_addstr(&sp->text, d->eol);
}

static void edit_add(struct splice *sp, const struct doc *d, const struct entry *e,
		     const struct fm_edit *ed)
{
	const char **vals = xcalloc(ed->nr + 1, sizeof(*vals));
	size_t i, j, nr = 0;

	if (e->kind == K_SCALAR)
		vals[nr++] = e->val;
	for (i = 0; i < ed->nr; i++) {
		int dup = has_value(e, ed->vals[i]) && e->kind != K_NULL;
		for (j = 0; j < nr && !dup; j++)
			dup = !strcmp(vals[j], ed->vals[i]);
		if (!dup)
			vals[nr++] = ed->vals[i];
	}
	if (e->kind == K_FLOW || e->kind == K_BLOCK) {
		size_t k = 0;
		if (!nr)
			goto done;
		if (e->kind == K_FLOW) {
			/* after the last item, or inside "[ ]" when there is none */
			sp->start = sp->end = e->nitems ? e->items[e->nitems - 1].end : e->vstart + 1;
		} else {
			struct strbuf prefix = STRBUF_INIT;
			size_t s = line_start(d, e->items[0].start);
			strbuf_add(&prefix, d->buf + s, e->items[0].start - s);
			sp->start = sp->end = line_end(d, e->items[e->nitems - 1].end - 1);
			for (k = 0; k < nr; k++) {
				strbuf_add(&sp->text, prefix.buf, prefix.len);
				put_value(&sp->text, ed, vals[k], 0, 0, NULL);
				strbuf_addstr(&sp->text, d->eol);
			}
			strbuf_release(&prefix);
			goto done;
		}
		for (k = 0; k < nr; k++) {
			if (k || e->nitems)
				strbuf_addstr(&sp->text, ", ");
			put_value(&sp->text, ed, vals[k], 1, 0, NULL);
		}
	} else if (e->kind == K_SCALAR && nr == 1) {
		/* the value is there already */
	} else {
		edit_set_list(sp, d, e, ed, vals, nr);
	}
done:
	free(vals);
}

static void edit_remove(struct splice *sp, const struct doc *d, const struct entry *e,
			const struct fm_edit *ed)
{
	size_t i, j, kept = 0, removed = 0;
	int *drop;

	if (e->kind == K_SCALAR) {
		for (i = 0; i < ed->nr; i++)
			if (has_value(e, ed->vals[i]))
				edit_set_list(sp, d, e, ed, NULL, 0);
		return;
	}
	if (e->kind != K_FLOW && e->kind != K_BLOCK)
		return;
	drop = xcalloc(e->nitems + 1, sizeof(*drop));
	for (i = 0; i < e->nitems; i++) {
		for (j = 0; j < ed->nr && !drop[i]; j++)
			drop[i] = e->items[i].val && !strcmp(e->items[i].val, ed->vals[j]);
		removed += drop[i];
	}
	kept = e->nitems - removed;
	if (!removed)
		goto done;
	if (!kept && e->kind == K_BLOCK) {
		edit_set_list(sp, d, e, ed, NULL, 0);
	} else if (e->kind == K_FLOW) {
		sp->start = e->vstart;
		sp->end = e->vend;
		strbuf_addch(&sp->text, '[');
		for (i = 0, j = 0; i < e->nitems; i++) {
			if (drop[i])
				continue;
			if (j++)
				strbuf_addstr(&sp->text, ", ");
			strbuf_add(&sp->text, d->buf + e->items[i].start,
				   e->items[i].end - e->items[i].start);
		}
		strbuf_addch(&sp->text, ']');
	} else {
		/* the lines from the first item to the last, less the dropped items' lines */
		sp->start = line_start(d, e->items[0].start);
		sp->end = line_end(d, e->items[e->nitems - 1].end - 1);
		for (i = 0; i < e->nitems; i++) {
			size_t s = line_start(d, e->items[i].start);
			size_t t = line_end(d, e->items[i].end - 1);
			size_t next = i + 1 < e->nitems ? line_start(d, e->items[i + 1].start) : t;
			if (!drop[i])
				strbuf_add(&sp->text, d->buf + s, t - s);
			if (next > t)	/* comments or blank lines between items stay */
				strbuf_add(&sp->text, d->buf + t, next - t);
		}
	}
done:
	free(drop);
}

/*
 * key "parent.child" of a mapping (roadmap-cli's remote_ids.github): the
 * child's value replaced in place, or a child line added in the block's
 * indentation (in a flow mapping, before its '}'); a parent that is absent
 * or empty becomes a block mapping.
 */
static int edit_nested(struct splice *sp, const struct doc *d, const struct entry *e,
		       const struct fm_edit *ed, const char *child, struct strbuf *err)
{
	size_t i, clen = strlen(child), col = 2;
	int flow = e && e->kind == K_MAP && d->buf[e->vstart] == '{';

	if (!fm_key_ok(child, clen) || (ed->op != FM_SET && ed->op != FM_UNSET) ||
	    (flow && ed->op == FM_UNSET))
		return at(d, e ? e->line : d->fmend, err, "'%s' cannot be edited as a nested key", ed->key);
	for (i = 0; e && e->kind == K_MAP && i + 1 < e->nitems; i += 2) {
		const struct item *k = &e->items[i], *v = &e->items[i + 1];
		if (!k->val || k->len != clen || memcmp(k->val, child, clen))
			continue;
		if (ed->op == FM_SET && !v->val)
			return at(d, k->start, err, "'%s' is not a scalar", ed->key);
		sp->start = ed->op == FM_UNSET ? line_start(d, k->start) : v->start;
		sp->end = ed->op == FM_UNSET ? line_end(d, v->end - 1) : v->end;
		if (ed->op == FM_SET)	/* old: only a plain one */
			put_value(&sp->text, ed, ed->vals[0], flow, 0,
				  strchr("'\"", d->buf[v->start]) ? NULL : v->val);
		return 0;
	}
	if (ed->op == FM_UNSET)
		return 0;	/* nothing to remove */
	if (flow) {
		sp->start = sp->end = e->vend - 1;
		strbuf_addf(&sp->text, "%s%s: ", e->nitems ? ", " : "", child);
		put_value(&sp->text, ed, ed->vals[0], 1, 0, NULL);
		return 0;
	}
	if (e && e->kind == K_MAP) {
		sp->start = sp->end = line_end(d, e->last - 1);
		col = e->items[0].start - line_start(d, e->items[0].start);
	} else if (e) {		/* "key:" with no value: a block mapping after it */
		sp->start = sp->end = line_end(d, e->colon);
	} else {
		sp->start = sp->end = d->fmend;
		strbuf_addf(&sp->text, "%.*s:%s", (int)(strchr(ed->key, '.') - ed->key), ed->key, d->eol);
	}
	strbuf_addf(&sp->text, "%*s%s: ", (int)col, "", child);
	put_value(&sp->text, ed, ed->vals[0], 0, 0, NULL);
	strbuf_addstr(&sp->text, d->eol);
	return 0;
}

/* One edit of the file in cur, into out. */
static int edit_one(struct strbuf *out, const struct strbuf *cur, const struct fm_edit *ed,
		    struct strbuf *err)
{
	struct doc d;
	struct entry *e;
	struct splice sp = { 0, 0, STRBUF_INIT };
	int ret = 0;

	memset(&d, 0, sizeof(d));
	d.buf = cur->buf;
	d.len = cur->len;
	if (doc_parse(&d) < 0) {
		ret = at(&d, d.fm, err, "%s", "front matter cannot be edited (it does not parse)");
		goto out;
	}
	if (d.flow_root) {
		ret = at(&d, d.fm, err, "%s", "front matter in flow style ({...}) cannot be edited in place");
		goto out;
	}
	e = find_key(&d, ed->key);
	if (ed->op == FM_BODY) {	/* everything after the closing line */
		sp.start = d.fmend + 3;
		sp.start += sp.start < d.len && d.buf[sp.start] == '\r';
		sp.start += sp.start < d.len && d.buf[sp.start] == '\n';
		if (d.buf[sp.start - 1] != '\n')	/* the file ends with "---" */
			strbuf_addstr(&sp.text, d.eol);
		sp.end = d.len;
		strbuf_addstr(&sp.text, ed->vals[0]);
		goto splice;
	}
	if (!e && strchr(ed->key, '.')) {
		char *parent = xmemdupz(ed->key, strchr(ed->key, '.') - ed->key);
		struct entry *pe = find_key(&d, parent);
		free(parent);
		if (!pe || pe->kind == K_MAP || pe->kind == K_NULL) {
			ret = edit_nested(&sp, &d, pe, ed, strchr(ed->key, '.') + 1, err);
			goto splice;
		}
	}
	if (e && !e->colon)
		ret = at(&d, e->line, err, "key '%s' is written in a form roadmap cannot edit", ed->key);
	else if (e && (e->kind == K_FLOW || e->kind == K_BLOCK) && ed->op == FM_SET)
		ret = at(&d, e->line, err, "'%s' is a list: add or remove values (key+=value, key-=value)",
			 ed->key);
	else if (e && e->kind == K_MAP && ed->op != FM_UNSET && ed->op != FM_LINES)
		ret = at(&d, e->line, err, "'%s' is a mapping: set its keys one by one (key.child=value)",
			 ed->key);
	if (ret)
		goto out;
	if (ed->op == FM_LINES) {
		if (e)
			region(&d, e, &sp.start, &sp.end);
		else
			sp.start = sp.end = d.fmend;
		strbuf_addstr(&sp.text, ed->vals[0]);
	} else if (!e && ed->op != FM_UNSET && ed->op != FM_REMOVE) {
		/* a new key goes last, before the closing line */
		if (!fm_key_ok(ed->key, strlen(ed->key))) {
			ret = at(&d, d.fmend, err, "'%s' is not a key roadmap writes (letters, digits, _ . -)",
				 ed->key);
			goto out;
		}
		sp.start = sp.end = d.fmend;
		strbuf_addf(&sp.text, "%s:", ed->key);
		if (ed->op == FM_SET) {
			strbuf_addch(&sp.text, ' ');
			put_value(&sp.text, ed, ed->vals[0], 0, 0, NULL);
		} else {
			put_list(&sp.text, &d, ed, ed->vals, ed->nr, file_has_flow_lists(&d));
		}
		strbuf_addstr(&sp.text, d.eol);
	} else if (e) {
		switch (ed->op) {
		case FM_SET:
			edit_set(&sp, &d, e, ed);
			break;
		case FM_SET_LIST:
			edit_set_list(&sp, &d, e, ed, ed->vals, ed->nr);
			break;
		case FM_ADD:
			edit_add(&sp, &d, e, ed);
			break;
		case FM_REMOVE:
			edit_remove(&sp, &d, e, ed);
			break;
		case FM_UNSET:
			region(&d, e, &sp.start, &sp.end);
			break;
		case FM_LINES:
		case FM_BODY:
			break;
		}
	}
splice:
	if (ret)
		goto out;
	strbuf_add(out, cur->buf, sp.start);
	strbuf_add(out, sp.text.buf, sp.text.len);
	strbuf_add(out, cur->buf + sp.end, cur->len - sp.end);
out:
	strbuf_release(&sp.text);
	doc_release(&d);
	return ret;
}

static int refuse(struct strbuf *err, const char *buf, size_t len)
{
	struct strbuf rec = STRBUF_INIT;
	struct record r;
	int kind = issue_parse(&rec, buf, len), ret = 0;

	if (kind != RECORD_ISSUE) {
		strbuf_reset(err);
		if (kind == RECORD_INVALID && !record_decode(&r, rec.buf, rec.len))
			strbuf_add(err, r.err, r.errlen);
		else
			strbuf_addstr(err, "1:1: the file has no front matter (no '---' first line)");
		ret = -1;
	}
	strbuf_release(&rec);
	return ret;
}

int fm_keys(const char *buf, size_t len, struct fm_key **keys, size_t *nr,
	    size_t *close, size_t *body, struct strbuf *err)
{
	struct doc d;
	size_t i;

	*keys = NULL;
	*nr = 0;
	if (refuse(err, buf, len) < 0)
		return -1;
	memset(&d, 0, sizeof(d));
	d.buf = buf;
	d.len = len;
	if (doc_parse(&d) < 0 || d.flow_root) {
		doc_release(&d);
		strbuf_reset(err);
		strbuf_addstr(err, "1:1: front matter roadmap cannot edit in place (flow style)");
		return -1;
	}
	*keys = xcalloc(d.nr + 1, sizeof(**keys));
	for (i = 0; i < d.nr; i++) {
		struct fm_key *k = &(*keys)[i];
		k->key = xmemdupz(d.e[i].key, d.e[i].keylen);
		k->keylen = d.e[i].keylen;
		region(&d, &d.e[i], &k->start, &k->end);
	}
	*nr = d.nr;
	*close = d.fmend;
	*body = d.fmend + 3;
	if (*body < len && buf[*body] == '\r')
		(*body)++;
	if (*body < len && buf[*body] == '\n')
		(*body)++;
	doc_release(&d);
	return 0;
}

void fm_keys_release(struct fm_key *keys, size_t nr)
{
	size_t i;

	for (i = 0; i < nr; i++)
		free(keys[i].key);
	free(keys);
}

int fm_edit(struct strbuf *out, const char *buf, size_t len,
	    const struct fm_edit *edits, size_t nr, struct strbuf *err)
{
	struct strbuf cur = STRBUF_INIT, next = STRBUF_INIT;
	size_t i;
	int ret = 0;

	if (refuse(err, buf, len) < 0)
		return -1;
	strbuf_add(&cur, buf, len);
	for (i = 0; i < nr && !ret; i++) {
		strbuf_reset(&next);
		if (!(ret = edit_one(&next, &cur, &edits[i], err))) {
			struct strbuf t = cur;
			cur = next;
			next = t;
		}
	}
	/* never hand back a file the index would call invalid */
	if (!ret && refuse(err, cur.buf, cur.len) < 0) {
		struct strbuf why = STRBUF_INIT;
		strbuf_addf(&why, "%s (the edit would break the front matter; nothing written)", err->buf);
		strbuf_reset(err);
		strbuf_add(err, why.buf, why.len);
		strbuf_release(&why);
		ret = -1;
	}
	if (!ret)
		strbuf_add(out, cur.buf, cur.len);
	strbuf_release(&cur);
	strbuf_release(&next);
	return ret;
}
