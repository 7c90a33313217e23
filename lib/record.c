#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "record.h"
#include "xalloc.h"

void put_varint(struct strbuf *sb, size_t v)
{
	while (v >= 0x80) {
		strbuf_addch(sb, (v & 0x7f) | 0x80);
		v >>= 7;
	}
	strbuf_addch(sb, v);
}

const unsigned char *get_varint(const unsigned char *p, const unsigned char *end, size_t *out)
{
	size_t v = 0;
	int shift = 0;

	while (p < end && shift < 64) {
		v |= (size_t)(*p & 0x7f) << shift;
		if (!(*p++ & 0x80)) {
			*out = v;
			return p;
		}
		shift += 7;
	}
	return NULL;
}

void record_add_node(struct strbuf *sb, int type, const char *text, size_t len)
{
	strbuf_addch(sb, type);
	if (type == NODE_PLAIN || type == NODE_QUOTED) {
		put_varint(sb, len);
		strbuf_add(sb, text, len);
	}
}

/*
 * The keys of the formats DESIGN.md names (roadmap-cli, Backlog.md) and
 * other common ones. A record names most keys from here in two bytes
 * instead of their length and text: a quarter of a roadmap-cli record.
 * Append only, and a change is a new INDEX_VERSION: indexes hold numbers.
 */
static const char *const known_keys[] = {
	"id", "title", "status", "priority", "labels", "assignee", "milestone",
	"created", "updated", "due_date", "issue_type", "type", "headline",
	"archived", "remote_ids", "github", "gitlab", "jira", "estimated_hours",
	"depends_on", "blocks", "parent", "progress_percentage", "content",
	"created_date", "updated_date", "dependencies", "parent_task_id",
	"subtasks", "reporter", "ordinal", "description", "tags", "due", "owner",
	"assignees", "estimate", "state", "closed", "created_at", "updated_at",
	"closed_at", "author", "url", "name", "summary", "severity", "component",
	"version", "sprint", "points", "epic", "start_date", "end_date",
	"completed", "notes", "links", "related", "team", "comments",
};
#define NR_KNOWN_KEYS (sizeof(known_keys) / sizeof(*known_keys))
typedef char known_keys_fit[NR_KNOWN_KEYS < 256 ? 1 : -1];

enum { KEY_SLOTS = 256 };	/* a power of two, over twice NR_KNOWN_KEYS */
static unsigned char key_slot[KEY_SLOTS];	/* index + 1; 0 is empty */
static pthread_once_t key_slots_made = PTHREAD_ONCE_INIT;

static unsigned hash_key(const char *s, size_t len)
{
	unsigned h = 2166136261u;

	while (len--)
		h = (h ^ (unsigned char)*s++) * 16777619u;
	return h & (KEY_SLOTS - 1);
}

static void make_key_slots(void)
{
	size_t i, s;

	for (i = 0; i < NR_KNOWN_KEYS; i++) {
		for (s = hash_key(known_keys[i], strlen(known_keys[i])); key_slot[s];
		     s = (s + 1) & (KEY_SLOTS - 1))
			;
		key_slot[s] = i + 1;
	}
}

/* The index of s[0..len) in known_keys, or -1. */
static int known_key(const char *s, size_t len)
{
	size_t i;

	pthread_once(&key_slots_made, make_key_slots);
	for (i = hash_key(s, len); key_slot[i]; i = (i + 1) & (KEY_SLOTS - 1)) {
		const char *k = known_keys[key_slot[i] - 1];
		if (strlen(k) == len && !memcmp(k, s, len))
			return key_slot[i] - 1;
	}
	return -1;
}

int record_table_text(const char *text)
{
	size_t i;

	for (i = 0; i < NR_KNOWN_KEYS; i++)
		if (text == known_keys[i])
			return 1;
	return 0;
}

void record_add_nodes(struct strbuf *sb, const unsigned char *p, const unsigned char *end)
{
	/* for each open collection: a map, and whether a key comes next */
	unsigned char is_map[RECORD_MAX_DEPTH + 1] = { 0 }, key_next[RECORD_MAX_DEPTH + 1] = { 0 };
	int depth = 0;

	while (p < end) {
		const unsigned char *start = p;
		int in_map = depth > 0 && depth <= RECORD_MAX_DEPTH && is_map[depth], key = 0, k;
		struct node n;

		if (!(p = node_next(p, end, &n))) {
			strbuf_add(sb, start, end - start);	/* not ours to judge */
			return;
		}
		if (in_map && n.type != NODE_END) {
			key = key_next[depth];
			key_next[depth] = !key;
		}
		if (n.type == NODE_MAP || n.type == NODE_SEQ) {
			if (++depth <= RECORD_MAX_DEPTH) {
				is_map[depth] = n.type == NODE_MAP;
				key_next[depth] = 1;
			}
		} else if (n.type == NODE_END) {
			depth--;
		} else if (key && n.type == NODE_PLAIN && (k = known_key(n.text, n.len)) >= 0) {
			strbuf_addch(sb, NODE_KEY);
			strbuf_addch(sb, k);
			continue;
		}
		strbuf_add(sb, start, p - start);
	}
}

int record_decode(struct record *out, const void *buf, size_t len)
{
	const unsigned char *p = buf, *end = p + len;
	size_t n;

	memset(out, 0, sizeof(*out));
	if (!len)
		return -1;
	out->kind = *p++;
	switch (out->kind) {
	case RECORD_ISSUE:
		if (!(p = get_varint(p, end, &n)) || n > (size_t)(end - p))
			return -1;
		if (n) {
			out->id = (const char *)p;
			out->idlen = n;
		}
		out->nodes = p + n;
		out->end = end;
		return 0;
	case RECORD_INVALID:
		out->err = (const char *)p;
		out->errlen = end - p;
		return 0;
	case RECORD_NOTISSUE:
		return 0;
	}
	return -1;
}

const unsigned char *node_next(const unsigned char *p, const unsigned char *end, struct node *out)
{
	size_t n;

	if (p >= end)
		return NULL;
	out->type = *p++;
	out->text = NULL;
	out->len = 0;
	switch (out->type) {
	case NODE_MAP:
	case NODE_SEQ:
	case NODE_END:
		return p;
	case NODE_PLAIN:
	case NODE_QUOTED:
		if (!(p = get_varint(p, end, &n)) || n > (size_t)(end - p))
			return NULL;
		out->text = (const char *)p;
		out->len = n;
		return p + n;
	case NODE_KEY:
		if (p >= end || *p >= NR_KNOWN_KEYS)
			return NULL;
		out->type = NODE_PLAIN;
		out->text = known_keys[*p];
		out->len = strlen(out->text);
		return p + 1;
	}
	return NULL;
}

const unsigned char *node_skip(const unsigned char *p, const unsigned char *end)
{
	struct node n;
	int depth = 0;

	do {
		if (!(p = node_next(p, end, &n)))
			return NULL;
		if (n.type == NODE_MAP || n.type == NODE_SEQ)
			depth++;
		else if (n.type == NODE_END)
			depth--;
	} while (depth > 0);
	return p;
}

/*
 * Walk the value at p under key[0..keylen), inside `depth` collections;
 * returns the position after it.
 */
static const unsigned char *walk(const unsigned char *p, const unsigned char *end,
				 struct strbuf *key, scalar_fn fn, void *data, int *ret,
				 int depth)
{
	struct node n, k;
	size_t keylen = key->len;

	if (!(p = node_next(p, end, &n)))
		return NULL;
	if ((n.type == NODE_SEQ || n.type == NODE_MAP) && depth >= RECORD_MAX_DEPTH)
		return NULL;
	switch (n.type) {
	case NODE_PLAIN:
	case NODE_QUOTED:
		if (!*ret)
			*ret = fn(key->buf, key->len, &n, data);
		return p;
	case NODE_SEQ:
		while (p && p < end && *p != NODE_END)
			p = walk(p, end, key, fn, data, ret, depth + 1);
		return p && p < end ? p + 1 : NULL;	/* past the closing NODE_END */
	case NODE_MAP:
		while (p && p < end && *p != NODE_END) {
			if (!(p = node_next(p, end, &k)) ||
			    (k.type != NODE_PLAIN && k.type != NODE_QUOTED))
				return NULL;	/* a key is a scalar */
			if (keylen)
				strbuf_addch(key, '.');
			strbuf_add(key, k.text, k.len);
			p = walk(p, end, key, fn, data, ret, depth + 1);
			strbuf_setlen(key, keylen);
		}
		return p && p < end ? p + 1 : NULL;	/* past the closing NODE_END */
	}
	return NULL;
}

int record_foreach_scalar(const struct record *rec, scalar_fn fn, void *data)
{
	struct strbuf key = STRBUF_INIT;
	int ret = 0;

	if (rec->kind == RECORD_ISSUE && rec->nodes < rec->end)
		walk(rec->nodes, rec->end, &key, fn, data, &ret, 0);
	strbuf_release(&key);
	return ret;
}

/* Whether key k begins the dotted key f[0..flen): it is f, or f goes on with '.' */
static int key_leads(const struct node *k, const char *f, size_t flen)
{
	return k->len <= flen && !memcmp(f, k->text, k->len) &&
		(k->len == flen || f[k->len] == '.');
}

int record_field_scalars(const struct record *rec, const char *field, const char *alias,
			 scalar_fn fn, void *data)
{
	const unsigned char *p = rec->nodes, *end = rec->end;
	struct strbuf key = STRBUF_INIT;
	struct node n, k;
	size_t flen = strlen(field), alen = alias ? strlen(alias) : 0;
	/*
	 * Keys are unique (a duplicate makes the issue invalid): once a
	 * dotless field (and its alias) was met, nothing later can match.
	 */
	int ret = 0, left = 1 + !!alias, dotted = strchr(field, '.') || (alias && strchr(alias, '.'));

	if (rec->kind != RECORD_ISSUE || p >= end || *p != NODE_MAP)
		return record_foreach_scalar(rec, fn, data);
	p = node_next(p, end, &n);
	while (p && p < end && *p != NODE_END && !ret && (left || dotted)) {
		if (!(p = node_next(p, end, &k)) || (k.type != NODE_PLAIN && k.type != NODE_QUOTED))
			break;	/* a key is a scalar */
		if (key_leads(&k, field, flen) || (alias && key_leads(&k, alias, alen))) {
			left -= k.len == flen || (alias && k.len == alen);
			strbuf_reset(&key);
			strbuf_add(&key, k.text, k.len);
			p = walk(p, end, &key, fn, data, &ret, 1);
		} else {
			p = node_skip(p, end);
		}
	}
	strbuf_release(&key);
	return ret;
}

static int is_word(const char *s, size_t len, const char *const *words)
{
	for (; *words; words++)
		if (strlen(*words) == len && !memcmp(*words, s, len))
			return 1;
	return 0;
}

static int all_digits(const char *s, size_t len, int base)
{
	size_t i;

	if (!len)
		return 0;
	for (i = 0; i < len; i++) {
		int c = (unsigned char)s[i];
		if (base == 16 ? !isxdigit(c) : base == 8 ? (c < '0' || c > '7') : !isdigit(c))
			return 0;
	}
	return 1;
}

/* [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)? */
static int is_float(const char *s, size_t len)
{
	size_t i = 0, d = 0;

	if (i < len && (s[i] == '-' || s[i] == '+'))
		i++;
	while (i < len && isdigit((unsigned char)s[i]))
		i++, d++;
	if (i < len && s[i] == '.') {
		i++;
		while (i < len && isdigit((unsigned char)s[i]))
			i++, d++;
	}
	if (!d)
		return 0;
	if (i < len && (s[i] == 'e' || s[i] == 'E')) {
		size_t e = 0;
		i++;
		if (i < len && (s[i] == '-' || s[i] == '+'))
			i++;
		while (i < len && isdigit((unsigned char)s[i]))
			i++, e++;
		if (!e)
			return 0;
	}
	return i == len;
}

/* Whether s[0..len) is a number as JSON writes one: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)? */
static int is_json_number(const char *s, size_t len)
{
	size_t i = s[0] == '-', d;

	if (i >= len || !isdigit((unsigned char)s[i]) || (s[i] == '0' && i + 1 < len &&
							    isdigit((unsigned char)s[i + 1])))
		return 0;
	while (i < len && isdigit((unsigned char)s[i]))
		i++;
	if (i < len && s[i] == '.') {
		for (d = ++i; i < len && isdigit((unsigned char)s[i]); i++)
			;
		if (i == d)
			return 0;
	}
	if (i < len && (s[i] == 'e' || s[i] == 'E')) {
		if (++i < len && (s[i] == '-' || s[i] == '+'))
			i++;
		for (d = i; i < len && isdigit((unsigned char)s[i]); i++)
			;
		if (i == d)
			return 0;
	}
	return i == len;
}

enum scalar_type scalar_resolve(const struct node *n, struct strbuf *num)
{
	static const char *const nulls[] = { "", "~", "null", "Null", "NULL", NULL };
	static const char *const bools[] = { "true", "True", "TRUE", "false", "False", "FALSE", NULL };
	const char *s = n->text;
	size_t len = n->len, i;
	enum scalar_type type = SCALAR_STRING;
	char *tmp, *end;
	double d;

	if (n->type != NODE_PLAIN)
		return SCALAR_STRING;
	if (is_word(s, len, nulls))
		return SCALAR_NULL;
	if (is_word(s, len, bools))
		return SCALAR_BOOL;
	strbuf_reset(num);
	i = (len && (s[0] == '-' || s[0] == '+'));
	if (all_digits(s + i, len - i, 10)) {
		size_t j = i;
		if (is_json_number(s, len)) {	/* as written */
			strbuf_add(num, s, len);
			return SCALAR_INT;
		}
		/* exact at any size: drop a '+' and leading zeros */
		while (j < len - 1 && s[j] == '0')
			j++;
		if (s[0] == '-' && !(len - j == 1 && s[j] == '0'))
			strbuf_addch(num, '-');
		strbuf_add(num, s + j, len - j);
		return SCALAR_INT;
	}
	tmp = xmemdupz(s, len);
	if (len > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'o') &&
	    all_digits(s + 2, len - 2, s[1] == 'x' ? 16 : 8)) {
		uintmax_t v;
		errno = 0;
		v = strtoumax(tmp + 2, &end, s[1] == 'x' ? 16 : 8);
		if (!errno) {
			strbuf_addf(num, "%ju", v);
			type = SCALAR_INT;
		}
	} else if (is_float(s, len) && isfinite(d = strtod(tmp, NULL))) {
		int prec;
		char buf[64];
		type = SCALAR_FLOAT;
		if (is_json_number(s, len)) {	/* as written: 100.0, 1.5e3 */
			strbuf_add(num, s, len);
			goto out;
		}
		/* the shortest text that reads back as the same double */
		for (prec = 1; prec <= 17; prec++) {
			snprintf(buf, sizeof(buf), "%.*g", prec, d);
			if (strtod(buf, NULL) == d)
				break;
		}
		strbuf_addstr(num, buf);
		if (!strpbrk(buf, ".e"))	/* keep it a float: 1.0, not 1 */
			strbuf_addstr(num, ".0");
	}
out:
	free(tmp);
	return type;
}
