#ifndef FRONTMATTER_H
#define FRONTMATTER_H

#include <stddef.h>

#include "strbuf.h"

/*
 * frontmatter.h - an issue file's front matter edited as text; calls
 * issue (to refuse a file that does not parse, and to check the result),
 * strbuf. The writers (roadmap-set, -new, the merge driver, the sync)
 * change keys through it.
 *
 * Only the lines of the keys an edit names change: comments, key order,
 * blank lines, other keys' quoting, unknown keys, CRLF line ends, a BOM
 * and the body stay byte for byte. A single-line scalar is replaced in
 * place (a comment after it stays); anything else is rewritten from its
 * key's line to its last line. A flow list stays a flow list, a block list
 * keeps its items' indentation. Keys are top-level keys of the mapping,
 * or "parent.child" for a key of a mapping (FM_SET and FM_UNSET only).
 */

enum fm_op {
	FM_SET,		/* key: a scalar, vals[0] */
	FM_SET_LIST,	/* key: the list vals[0..nr) */
	FM_ADD,		/* add vals not in the list yet (a scalar becomes a list) */
	FM_REMOVE,	/* remove vals from the list */
	FM_UNSET,	/* remove the key and its value's lines */
	FM_LINES,	/* the key's lines become vals[0], whole lines as another
			   file wrote them (the merge driver); added last when absent */
	FM_BODY,	/* the body (after the closing line) becomes vals[0] */
};

struct fm_edit {
	enum fm_op op;
	const char *key;
	const char *const *vals;
	size_t nr;
	/*
	 * 0: the values are strings, quoted where YAML would read them as
	 * something else (yes, 1e3, null, 2026-01-05); 1: written plain when
	 * plain YAML can hold them (a number stays a number); 2: plain when
	 * it and the plain value it replaces are both typed (numbers, dates,
	 * booleans: yaml_plain_string() says no), else as 0. roadmap-set's.
	 */
	int plain;
};

/* *e becomes "set key to *val" (val points at the caller's one value). */
static inline void fm_set_one(struct fm_edit *e, const char *key, const char *const *val, int plain)
{
	e->op = FM_SET;
	e->key = key;
	e->vals = val;
	e->nr = 1;
	e->plain = plain;
}

/*
 * Apply edits[0..nr), in order, to the issue file buf[0..len); the new
 * file goes to out. Returns 0, or -1 with "line:col: message" in err
 * (the file's own parse error, or why an edit cannot be made).
 */
int fm_edit(struct strbuf *out, const char *buf, size_t len,
	    const struct fm_edit *edits, size_t nr, struct strbuf *err);

struct fm_key {
	char *key;
	size_t keylen;
	size_t start, end;	/* the lines it takes: from its key's line to its value's last */
};

/*
 * The top-level keys of an issue file, in the file's order, and where its
 * front matter ends (*close: the closing line) and its body starts
 * (*body). Returns 0, or -1 with "line:col: message" in err.
 */
int fm_keys(const char *buf, size_t len, struct fm_key **keys, size_t *nr,
	    size_t *close, size_t *body, struct strbuf *err);
void fm_keys_release(struct fm_key *keys, size_t nr);

/* Whether key[0..len) can be written as a plain key (letters, digits, _ . -). */
int fm_key_ok(const char *key, size_t len);

#endif
