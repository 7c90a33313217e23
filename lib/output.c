#include <string.h>

#include "output.h"

/* Length of the valid UTF-8 sequence at s, or 0 when it is not one. */
static size_t utf8_len(const unsigned char *s, size_t avail)
{
	size_t n, i;
	unsigned int cp;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2, cp = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3, cp = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4, cp = s[0] & 0x07;
	else
		return 0;
	if (n > avail)
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

void out_json_string(struct strbuf *sb, const char *str, size_t len)
{
	const unsigned char *s = (const unsigned char *)str, *end = s + len;

	strbuf_addch(sb, '"');
	while (s < end) {
		size_t n = utf8_len(s, end - s);

		if (!n) {
			strbuf_addstr(sb, "\\ufffd");
			s++;
			continue;
		}
		if (n > 1) {
			strbuf_add(sb, s, n);
			s += n;
			continue;
		}
		switch (*s) {
		case '"':
			strbuf_addstr(sb, "\\\"");
			break;
		case '\\':
			strbuf_addstr(sb, "\\\\");
			break;
		case '\n':
			strbuf_addstr(sb, "\\n");
			break;
		case '\t':
			strbuf_addstr(sb, "\\t");
			break;
		case '\r':
			strbuf_addstr(sb, "\\r");
			break;
		default:
			if (*s < 0x20)
				strbuf_addf(sb, "\\u%04x", *s);
			else
				strbuf_addch(sb, *s);
		}
		s++;
	}
	strbuf_addch(sb, '"');
}

/* out_json_node() of the node at *p, inside `depth` collections */
static int json_node_at(struct strbuf *sb, const unsigned char **p, const unsigned char *end,
			int depth)
{
	static struct strbuf num = STRBUF_INIT;
	struct node n;
	int first = 1, map;

	if (!(*p = node_next(*p, end, &n)))
		return -1;
	if ((n.type == NODE_SEQ || n.type == NODE_MAP) && depth >= RECORD_MAX_DEPTH)
		return -1;
	switch (n.type) {
	case NODE_PLAIN:
	case NODE_QUOTED:
		switch (scalar_resolve(&n, &num)) {
		case SCALAR_NULL:
			strbuf_addstr(sb, "null");
			break;
		case SCALAR_BOOL:
			strbuf_addstr(sb, (n.text[0] | 0x20) == 't' ? "true" : "false");
			break;
		case SCALAR_INT:
		case SCALAR_FLOAT:
			strbuf_add(sb, num.buf, num.len);
			break;
		case SCALAR_STRING:
			out_json_string(sb, n.text, n.len);
			break;
		}
		return 0;
	case NODE_MAP:
	case NODE_SEQ:
		map = n.type == NODE_MAP;
		strbuf_addch(sb, map ? '{' : '[');
		while (*p < end && **p != NODE_END) {
			if (!first)
				strbuf_addstr(sb, ", ");
			first = 0;
			if (map) {
				struct node k;
				if (!(*p = node_next(*p, end, &k)) ||
				    (k.type != NODE_PLAIN && k.type != NODE_QUOTED))
					return -1;	/* a key is a scalar */
				out_json_string(sb, k.text, k.len);
				strbuf_addstr(sb, ": ");
			}
			if (json_node_at(sb, p, end, depth + 1) < 0)
				return -1;
		}
		if (*p >= end)
			return -1;
		(*p)++;
		strbuf_addch(sb, map ? '}' : ']');
		return 0;
	}
	return -1;
}

int out_json_node(struct strbuf *sb, const unsigned char **p, const unsigned char *end)
{
	return json_node_at(sb, p, end, 0);
}

/* git's quote_c_style(); `high`: bytes over 0x7f too (core.quotePath) */
static void quote_c(struct strbuf *sb, const char *s, size_t len, int nul_terminated, int high)
{
	size_t i;

	if (!nul_terminated) {
		for (i = 0; i < len; i++) {
			unsigned char c = s[i];
			if (c < 0x20 || c == '"' || c == '\\' || c == 0x7f || (high && c > 0x7f))
				break;
		}
		if (i < len)
			goto quote;
	}
	strbuf_add(sb, s, len);
	return;
quote:
	strbuf_addch(sb, '"');
	for (i = 0; i < len; i++) {
		unsigned char c = s[i];
		if (c == '"' || c == '\\') {
			strbuf_addch(sb, '\\');
			strbuf_addch(sb, c);
		} else if (c >= 0x07 && c <= 0x0d) {
			strbuf_addch(sb, '\\');
			strbuf_addch(sb, "abtnvfr"[c - 0x07]);
		} else if (c < 0x20 || c == 0x7f || (high && c > 0x7f)) {
			strbuf_addf(sb, "\\%03o", c);
		} else {
			strbuf_addch(sb, c);
		}
	}
	strbuf_addch(sb, '"');
}

void quote_path(struct strbuf *sb, const char *path, size_t len, int nul_terminated)
{
	quote_c(sb, path, len, nul_terminated, 1);
}

void quote_value(struct strbuf *sb, const char *s, size_t len, int nul_terminated)
{
	quote_c(sb, s, len, nul_terminated, 0);
}

void out_prom_label(struct strbuf *sb, const char *name, const char *val)
{
	strbuf_addf(sb, "%s=\"", name);
	for (; *val; val++) {
		if (*val == '\\' || *val == '"')
			strbuf_addch(sb, '\\');
		if (*val == '\n')
			strbuf_addstr(sb, "\\n");
		else
			strbuf_addch(sb, *val);
	}
	strbuf_addch(sb, '"');
}

int unquote_path(struct strbuf *out, const char *s, size_t len)
{
	const char *end = s + len;

	if (!len || s[0] != '"') {
		strbuf_add(out, s, len);
		return 0;
	}
	for (s++; s < end && *s != '"'; s++) {
		const char *esc;
		if (*s != '\\') {
			strbuf_addch(out, *s);
			continue;
		}
		if (++s >= end)
			return -1;
		if ((esc = strchr("abtnvfr", *s)) && *s) {
			strbuf_addch(out, 7 + (esc - "abtnvfr"));
		} else if (*s == '"' || *s == '\\') {
			strbuf_addch(out, *s);
		} else if (*s >= '0' && *s <= '3' && end - s >= 3 &&
			   s[1] >= '0' && s[1] <= '7' && s[2] >= '0' && s[2] <= '7') {
			strbuf_addch(out, (s[0] - '0') << 6 | (s[1] - '0') << 3 | (s[2] - '0'));
			s += 2;
		} else {
			return -1;
		}
	}
	return s + 1 == end ? 0 : -1;
}
