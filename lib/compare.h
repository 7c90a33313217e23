/*
 * compare.h - scalar values typed for comparison (null, number, date,
 * string) and their order, for --where and --sort; priority scales.
 * Parsing layer: calls record and the utilities.
 *
 * A plain scalar is null or a number as the YAML 1.2 core schema types
 * it (scalar_resolve(); .inf and .nan are strings); a scalar of any style
 * whose text is a date (YYYY-MM-DD, with a time HH:MM[:SS[.frac]] after
 * 'T' or a space, and a zone Z or +hh[:mm]) is a date; anything else is
 * a string, compared bytewise.
 */
#ifndef COMPARE_H
#define COMPARE_H

#include <stdint.h>

#include "record.h"
#include "strbuf.h"

enum value_kind { VALUE_NULL, VALUE_NUMBER, VALUE_DATE, VALUE_STRING };

struct value {
	enum value_kind kind;
	const char *text;	/* the scalar's text, as the node had it */
	size_t len;
	double num;		/* VALUE_NUMBER */
	int64_t inum;		/* and when `exact`, the integer itself */
	int exact;
	int64_t day;		/* VALUE_DATE: days since 1970-01-01, as written */
	int has_time;
	int64_t secs;		/* with a time: the instant (a time without zone is UTC) */
	long nsec;
};

/* Type the scalar n (its text must outlive v); scratch is working room. */
void value_of(struct value *v, const struct node *n, struct strbuf *scratch);
/* Type a text as a plain scalar would be (an operand typed on the command line). */
void value_of_text(struct value *v, const char *text, struct strbuf *scratch);

/*
 * For --where: VALUE_CMP_NONE when a null is involved (it matches no
 * comparison), else <0, 0, >0. Two numbers compare as numbers; two dates
 * as dates, on their common precision: when either is a date alone, on
 * the date as written; anything else bytewise.
 */
#define VALUE_CMP_NONE (-2)
int value_where_cmp(const struct value *a, const struct value *b);

/*
 * For --sort, a total order of non-null values: numbers, then dates (in
 * time order, a date alone at its midnight UTC and before a time of the
 * same instant), then strings bytewise.
 */
int value_sort_cmp(const struct value *a, const struct value *b);

/*
 * The rank of a priority on a scale listed from the highest priority to
 * the lowest ("a\0b\0", compared ignoring ASCII case): higher ranks are
 * higher priorities; -1 when the value is not on the scale. With an empty
 * list, the known scale: critical, high, medium, low (roadmap-cli's;
 * Backlog.md's high, medium, low is part of it).
 */
int priority_rank(const char *text, size_t len, const struct strbuf *list);

#endif
