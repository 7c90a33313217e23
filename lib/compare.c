#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "compare.h"

static int digits(const char *s, size_t len, size_t at, size_t n, int *out)
{
	size_t i;

	if (at + n > len)
		return 0;
	*out = 0;
	for (i = at; i < at + n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
		*out = *out * 10 + (s[i] - '0');
	}
	return 1;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

static int month_days(int y, int m)
{
	static const int mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	if (m == 2 && y % 4 == 0 && (y % 100 != 0 || y % 400 == 0))
		return 29;
	return mdays[m - 1];
}

/*
 * YYYY-MM-DD, optionally followed by [Tt ]HH:MM[:SS[.frac]] and a zone
 * ([ ]*Z or [ ]*[-+]hh[[:]mm]): the forms of ISO 8601, YAML 1.1's
 * timestamps and Backlog.md ("2026-01-05 10:00").
 */
static int parse_date(struct value *v, const char *s, size_t len)
{
	int y, mo, d, h, mi, sec = 0, zh = 0, zm = 0;
	size_t i;
	long nsec = 0, scale = 100000000;
	int64_t off = 0;

	if (!digits(s, len, 0, 4, &y) || s[4] != '-' || !digits(s, len, 5, 2, &mo) ||
	    len < 10 || s[7] != '-' || !digits(s, len, 8, 2, &d) ||
	    mo < 1 || mo > 12 || d < 1 || d > month_days(y, mo))
		return 0;
	v->day = days_from_civil(y, mo, d);
	v->has_time = 0;
	if (len == 10)
		return 1;
	if ((s[10] != 'T' && s[10] != 't' && s[10] != ' ') ||
	    !digits(s, len, 11, 2, &h) || len < 16 || s[13] != ':' || !digits(s, len, 14, 2, &mi) ||
	    h > 23 || mi > 59)
		return 0;
	i = 16;
	if (i < len && s[i] == ':') {
		if (!digits(s, len, i + 1, 2, &sec) || sec > 60)
			return 0;
		i += 3;
		if (i < len && s[i] == '.') {
			if (++i >= len || s[i] < '0' || s[i] > '9')
				return 0;
			for (; i < len && s[i] >= '0' && s[i] <= '9'; i++, scale /= 10)
				nsec += (s[i] - '0') * scale;
		}
	}
	while (i < len && s[i] == ' ')
		i++;
	if (i < len && (s[i] == 'Z' || s[i] == 'z')) {
		i++;
	} else if (i < len && (s[i] == '+' || s[i] == '-')) {
		int sign = s[i] == '-' ? -1 : 1;
		if (!digits(s, len, i + 1, 2, &zh) || zh > 23)
			return 0;
		i += 3;
		if (i < len && s[i] == ':')
			i++;
		if (i < len && (!digits(s, len, i, 2, &zm) || zm > 59))
			return 0;
		if (i < len)
			i += 2;
		off = sign * (zh * 3600 + zm * 60);
	}
	if (i != len || (s[len - 1] == ' '))
		return 0;
	v->has_time = 1;
	v->secs = v->day * 86400 + h * 3600 + mi * 60 + sec - off;
	v->nsec = nsec;
	return 1;
}

static void type_value(struct value *v, int plain, struct strbuf *scratch)
{
	struct node n = { plain ? NODE_PLAIN : NODE_QUOTED, v->text, v->len };
	char *end;

	v->exact = 0;
	v->kind = VALUE_STRING;
	/* only what may be a null, a number or a date goes further */
	if (plain && (!v->len || strchr("~nN0123456789+-.", v->text[0]))) {
		switch (scalar_resolve(&n, scratch)) {
		case SCALAR_NULL:
			v->kind = VALUE_NULL;
			return;
		case SCALAR_INT:
			errno = 0;
			v->inum = strtoll(scratch->buf, &end, 10);
			v->exact = !errno && !*end;
			/* fall through */
		case SCALAR_FLOAT:
			v->num = strtod(scratch->buf, NULL);
			v->kind = VALUE_NUMBER;
			return;
		default:
			break;
		}
	}
	if (v->len >= 10 && v->text[4] == '-' && parse_date(v, v->text, v->len))
		v->kind = VALUE_DATE;
}

void value_of(struct value *v, const struct node *n, struct strbuf *scratch)
{
	v->text = n->text;
	v->len = n->len;
	type_value(v, n->type == NODE_PLAIN, scratch);
}

void value_of_text(struct value *v, const char *text, struct strbuf *scratch)
{
	v->text = text;
	v->len = strlen(text);
	type_value(v, 1, scratch);
}

static int cmp_bytes(const struct value *a, const struct value *b)
{
	size_t n = a->len < b->len ? a->len : b->len;
	int c = memcmp(a->text, b->text, n);

	return c ? c : (a->len > b->len) - (a->len < b->len);
}

static int cmp_numbers(const struct value *a, const struct value *b)
{
	if (a->exact && b->exact)
		return (a->inum > b->inum) - (a->inum < b->inum);
	return (a->num > b->num) - (a->num < b->num);
}

#define CMP(x, y) (((x) > (y)) - ((x) < (y)))

int value_where_cmp(const struct value *a, const struct value *b)
{
	if (a->kind == VALUE_NULL || b->kind == VALUE_NULL)
		return VALUE_CMP_NONE;
	if (a->kind == VALUE_NUMBER && b->kind == VALUE_NUMBER)
		return cmp_numbers(a, b);
	if (a->kind == VALUE_DATE && b->kind == VALUE_DATE) {
		if (!a->has_time || !b->has_time)
			return CMP(a->day, b->day);
		return a->secs != b->secs ? CMP(a->secs, b->secs) : CMP(a->nsec, b->nsec);
	}
	return cmp_bytes(a, b);
}

int value_sort_cmp(const struct value *a, const struct value *b)
{
	int64_t x, y;

	if (a->kind != b->kind)
		return CMP(a->kind, b->kind);
	if (a->kind == VALUE_NUMBER)
		return cmp_numbers(a, b);
	if (a->kind == VALUE_DATE) {
		x = a->has_time ? a->secs : a->day * 86400;
		y = b->has_time ? b->secs : b->day * 86400;
		if (x != y)
			return CMP(x, y);
		if (a->has_time != b->has_time)
			return CMP(a->has_time, b->has_time);
		return CMP(a->has_time ? a->nsec : 0, b->has_time ? b->nsec : 0);
	}
	return cmp_bytes(a, b);
}

int priority_rank(const char *text, size_t len, const struct strbuf *list)
{
	static const char known[] = "critical\0high\0medium\0low\0";
	const char *p, *start = list && list->len ? list->buf : known;
	const char *end = list && list->len ? list->buf + list->len : known + sizeof(known) - 1;
	int i = 0, nr = 0, at = -1;

	for (p = start; p < end; p += strlen(p) + 1, i++) {
		if (at < 0 && strlen(p) == len && !strncasecmp(p, text, len))
			at = i;
		nr++;
	}
	return at < 0 ? -1 : nr - 1 - at;
}
