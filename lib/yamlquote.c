/*
 * yamlquote.c - a string written as a YAML scalar that reads back as
 * itself (see yamlquote.h).
 */
#include <string.h>
#include <strings.h>

#include "yamlquote.h"

static const char *const not_strings[] = {
	/* YAML 1.1 booleans and nulls (PyYAML), 1.2's, and 1.1's value and merge keys */
	"y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO",
	"true", "True", "TRUE", "false", "False", "FALSE",
	"on", "On", "ON", "off", "Off", "OFF", "null", "Null", "NULL", "~", "=", "<<", NULL
};

/* Control characters and the line breaks YAML knows beyond '\n' need double quotes. */
static int needs_escapes(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i;

	for (i = 0; i < len; i++) {
		if (p[i] < 0x20 || p[i] == 0x7f)
			return 1;
		if (p[i] == 0xc2 && i + 1 < len && p[i + 1] == 0x85)
			return 1;
		if (p[i] == 0xe2 && i + 2 < len && p[i + 1] == 0x80 && (p[i + 2] == 0xa8 || p[i + 2] == 0xa9))
			return 1;
		if (p[i] == 0xef && i + 2 < len && p[i + 1] == 0xbb && p[i + 2] == 0xbf)
			return 1;
	}
	return 0;
}

/* Whether s can be a plain scalar at all (whatever type YAML then reads it as). */
int yaml_plain_ok(const char *s, size_t len, int flow)
{
	size_t i;

	if (!len || s[0] == ' ' || s[len - 1] == ' ' || s[len - 1] == ':' || needs_escapes(s, len))
		return 0;
	if (strchr("?:,[]{}#&*!|>'\"%@`", s[0]))
		return 0;
	if (s[0] == '-' && (len == 1 || s[1] == ' ' || (len >= 3 && !memcmp(s, "---", 3))))
		return 0;
	for (i = 0; i < len; i++) {
		if (flow && strchr(",[]{}", s[i]))
			return 0;
		if ((s[i] == ':' && i + 1 < len && s[i + 1] == ' ') ||
		    (s[i] == '#' && s[i - (i > 0)] == ' '))
			return 0;
	}
	return 1;
}

/* Whether a plain s reads back as a string in YAML 1.1 and 1.2 (no number, date, bool, null). */
int yaml_plain_string(const char *s, size_t len)
{
	const char *const *w;
	size_t i = 0;

	for (w = not_strings; *w; w++)
		if (strlen(*w) == len && !memcmp(*w, s, len))
			return 0;
	if (s[i] == '+' || s[i] == '-')
		i++;
	if (i < len && s[i] == '.')
		i++;
	if (i < len && s[i] >= '0' && s[i] <= '9')
		return 0;	/* ints, floats, dates, 1.1's 1:20 and 0x10 */
	if (i && s[i - 1] == '.' && len - i == 3 &&
	    (!strncasecmp(s + i, "inf", 3) || !strncasecmp(s + i, "nan", 3)))
		return 0;
	return 1;
}

static void quote_double(struct strbuf *out, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i;

	strbuf_addch(out, '"');
	for (i = 0; i < len; i++) {
		unsigned c = p[i];

		if (c == '"' || c == '\\')
			strbuf_addf(out, "\\%c", c);
		else if (c == '\n')
			strbuf_addstr(out, "\\n");
		else if (c == '\t')
			strbuf_addstr(out, "\\t");
		else if (c == '\r')
			strbuf_addstr(out, "\\r");
		else if (c < 0x20 || c == 0x7f)
			strbuf_addf(out, "\\x%02x", c);
		else if (c == 0xc2 && i + 1 < len && p[i + 1] == 0x85)
			strbuf_addstr(out, "\\N"), i++;
		else if (c == 0xe2 && i + 2 < len && p[i + 1] == 0x80 && (p[i + 2] == 0xa8 || p[i + 2] == 0xa9))
			strbuf_addstr(out, p[i + 2] == 0xa8 ? "\\L" : "\\P"), i += 2;
		else if (c == 0xef && i + 2 < len && p[i + 1] == 0xbb && p[i + 2] == 0xbf)
			strbuf_addstr(out, "\\uFEFF"), i += 2;
		else
			strbuf_addch(out, c);
	}
	strbuf_addch(out, '"');
}

void yaml_quote(struct strbuf *out, const char *s, size_t len, int flow, int quote)
{
	size_t i;

	if (needs_escapes(s, len) || quote == '"') {
		quote_double(out, s, len);
		return;
	}
	if (quote != '\'' && yaml_plain_ok(s, len, flow) && yaml_plain_string(s, len)) {
		strbuf_add(out, s, len);
		return;
	}
	strbuf_addch(out, '\'');
	for (i = 0; i < len; i++) {
		if (s[i] == '\'')
			strbuf_addch(out, '\'');
		strbuf_addch(out, s[i]);
	}
	strbuf_addch(out, '\'');
}

