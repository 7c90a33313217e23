#ifndef FUZZ_CHECK_H
#define FUZZ_CHECK_H

/*
 * fuzz-check.h - helpers shared by the fuzz targets: a strict JSON
 * validator (RFC 8259, UTF-8 only) for what lib/output.c writes, and
 * CHECK(), which abort()s so libFuzzer reports a broken invariant.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHECK(cond) \
	do { \
		if (!(cond)) { \
			fprintf(stderr, "%s:%d: invariant failed: %s\n", \
				__FILE__, __LINE__, #cond); \
			abort(); \
		} \
	} while (0)

struct json_in {
	const unsigned char *p, *end;
};

static void json_ws(struct json_in *in)
{
	while (in->p < in->end && (*in->p == ' ' || *in->p == '\t' ||
				   *in->p == '\n' || *in->p == '\r'))
		in->p++;
}

static int json_lit(struct json_in *in, const char *word)
{
	size_t n = strlen(word);

	if ((size_t)(in->end - in->p) < n || memcmp(in->p, word, n))
		return -1;
	in->p += n;
	return 0;
}

static int json_digits(struct json_in *in)
{
	const unsigned char *start = in->p;

	while (in->p < in->end && *in->p >= '0' && *in->p <= '9')
		in->p++;
	return in->p > start ? 0 : -1;
}

/* -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)? */
static int json_number(struct json_in *in)
{
	if (in->p < in->end && *in->p == '-')
		in->p++;
	if (in->p < in->end && *in->p == '0')
		in->p++;
	else if (in->p >= in->end || *in->p < '1' || *in->p > '9' || json_digits(in))
		return -1;
	if (in->p < in->end && *in->p == '.') {
		in->p++;
		if (json_digits(in))
			return -1;
	}
	if (in->p < in->end && (*in->p == 'e' || *in->p == 'E')) {
		in->p++;
		if (in->p < in->end && (*in->p == '-' || *in->p == '+'))
			in->p++;
		if (json_digits(in))
			return -1;
	}
	return 0;
}

static int json_hex4(struct json_in *in, unsigned int *v)
{
	int i;

	*v = 0;
	if (in->end - in->p < 4)
		return -1;
	for (i = 0; i < 4; i++) {
		int c = *in->p++;
		*v <<= 4;
		if (c >= '0' && c <= '9')
			*v |= c - '0';
		else if (c >= 'a' && c <= 'f')
			*v |= c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			*v |= c - 'A' + 10;
		else
			return -1;
	}
	return 0;
}

/* One UTF-8 sequence: no overlong forms, no surrogates, at most U+10FFFF. */
static int json_utf8(struct json_in *in)
{
	const unsigned char *s = in->p;
	size_t n, i;
	unsigned int cp;

	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2, cp = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3, cp = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4, cp = s[0] & 0x07;
	else
		return -1;
	if ((size_t)(in->end - s) < n)
		return -1;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return -1;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return -1;
	in->p += n;
	return 0;
}

static int json_str(struct json_in *in)
{
	unsigned int v, lo;

	if (in->p >= in->end || *in->p != '"')
		return -1;
	in->p++;
	while (in->p < in->end && *in->p != '"') {
		if (*in->p < 0x20)
			return -1;
		if (*in->p >= 0x80) {
			if (json_utf8(in))
				return -1;
			continue;
		}
		if (*in->p++ != '\\')
			continue;
		if (in->p >= in->end)
			return -1;
		switch (*in->p++) {
		case '"': case '\\': case '/': case 'b': case 'f':
		case 'n': case 'r': case 't':
			break;
		case 'u':
			if (json_hex4(in, &v))
				return -1;
			if (v >= 0xdc00 && v <= 0xdfff)
				return -1;	/* a lone low surrogate */
			if (v >= 0xd800 && v <= 0xdbff &&
			    (json_lit(in, "\\u") || json_hex4(in, &lo) ||
			     lo < 0xdc00 || lo > 0xdfff))
				return -1;
			break;
		default:
			return -1;
		}
	}
	if (in->p >= in->end)
		return -1;
	in->p++;
	return 0;
}

static int json_value(struct json_in *in)
{
	json_ws(in);
	if (in->p >= in->end)
		return -1;
	switch (*in->p) {
	case '{':
		in->p++;
		json_ws(in);
		if (in->p < in->end && *in->p == '}') {
			in->p++;
			return 0;
		}
		for (;;) {
			json_ws(in);
			if (json_str(in))
				return -1;
			json_ws(in);
			if (json_lit(in, ":") || json_value(in))
				return -1;
			json_ws(in);
			if (!json_lit(in, "}"))
				return 0;
			if (json_lit(in, ","))
				return -1;
		}
	case '[':
		in->p++;
		json_ws(in);
		if (in->p < in->end && *in->p == ']') {
			in->p++;
			return 0;
		}
		for (;;) {
			if (json_value(in))
				return -1;
			json_ws(in);
			if (!json_lit(in, "]"))
				return 0;
			if (json_lit(in, ","))
				return -1;
		}
	case '"':
		return json_str(in);
	case 't':
		return json_lit(in, "true");
	case 'f':
		return json_lit(in, "false");
	case 'n':
		return json_lit(in, "null");
	default:
		return json_number(in);
	}
}

/* Whether s[0..len) is exactly one JSON value (surrounding blanks allowed). */
static int json_valid(const char *s, size_t len)
{
	struct json_in in;

	in.p = (const unsigned char *)s;
	in.end = in.p + len;
	if (json_value(&in))
		return 0;
	json_ws(&in);
	return in.p == in.end;
}

/* Whether s[0..len) is exactly one JSON number. */
static int json_valid_number(const char *s, size_t len)
{
	struct json_in in;

	in.p = (const unsigned char *)s;
	in.end = in.p + len;
	return !json_number(&in) && in.p == in.end;
}

#endif
