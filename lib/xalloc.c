#include <string.h>

#include "usage.h"
#include "xalloc.h"

static void *check(void *p)
{
	if (!p)
		die("out of memory");
	return p;
}

void *xmalloc(size_t n)
{
	return check(malloc(n ? n : 1));
}

void *xcalloc(size_t nmemb, size_t n)
{
	return check(calloc(nmemb ? nmemb : 1, n ? n : 1));
}

void *xrealloc(void *p, size_t n)
{
	return check(realloc(p, n ? n : 1));
}

char *xstrdup(const char *s)
{
	return check(strdup(s));
}

char *xmemdupz(const void *p, size_t n)
{
	char *r = xmalloc(n + 1);

	memcpy(r, p, n);
	r[n] = '\0';
	return r;
}
