#ifndef XALLOC_H
#define XALLOC_H

#include <stddef.h>
#include <stdlib.h>

/* Allocators that die on out-of-memory: the one place lib/ may exit. */
void *xmalloc(size_t n);
void *xcalloc(size_t nmemb, size_t n);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xmemdupz(const void *p, size_t n);

/* Grow an array `x` of `alloc` elements to hold at least `nr`. */
#define ALLOC_GROW(x, nr, alloc) \
	do { \
		if ((nr) > (alloc)) { \
			(alloc) = (nr) < 16 ? 16 : (nr) * 3 / 2; \
			(x) = xrealloc((x), (alloc) * sizeof(*(x))); \
		} \
	} while (0)

#endif
