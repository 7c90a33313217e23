/*
 * overlay_encode.c - an overlay as bytes and back: roadmap-watch's answer
 * to a query (watch.h carries it). Numbers go in the machine's own
 * order: both ends run on the one machine, a Unix socket apart.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "overlay.h"
#include "xalloc.h"

/* The payload: per entry a tag, then fixed-size fields and counted strings. */
static void put_u32(struct strbuf *out, uint32_t v)
{
	strbuf_add(out, &v, sizeof(v));
}

static void put_str(struct strbuf *out, const char *s, size_t len)
{
	put_u32(out, len);
	strbuf_add(out, s, len);
}

void overlay_encode(struct strbuf *out, const struct overlay *ov)
{
	size_t i;

	for (i = 0; i < ov->nr; i++) {
		const struct overlay_file *f = &ov->files[i];
		strbuf_addch(out, 'F');
		put_str(out, f->path, strlen(f->path));
		strbuf_addch(out, f->deleted);
		strbuf_addch(out, f->head_invalid);
		put_u32(out, f->mode);
		strbuf_add(out, f->oid, OID_RAW);
		put_str(out, f->rec ? f->rec : "", f->rec ? f->reclen : 0);
	}
	for (i = 0; i < ov->nr_skipped; i++) {
		strbuf_addch(out, 'S');
		put_str(out, ov->skipped[i].path, strlen(ov->skipped[i].path));
		strbuf_addch(out, ov->skipped[i].kind);
	}
}

struct reader {
	const char *p, *end;
	int bad;
};

static const char *take(struct reader *r, size_t n)
{
	const char *at = r->p;

	if (r->bad || (size_t)(r->end - r->p) < n) {
		r->bad = 1;
		return NULL;
	}
	r->p += n;
	return at;
}

static uint32_t get_u32(struct reader *r)
{
	const char *at = take(r, 4);
	uint32_t v = 0;

	if (at)
		memcpy(&v, at, 4);
	return v;
}

static char *get_str(struct reader *r, size_t *len)
{
	uint32_t n = get_u32(r);
	const char *at = take(r, n);

	*len = n;
	return at ? xmemdupz(at, n) : NULL;
}

int overlay_decode(struct overlay *ov, const char *buf, size_t len)
{
	struct reader r = { buf, buf + len, 0 };
	size_t n;

	while (r.p < r.end && !r.bad) {
		int tag = *r.p++;

		if (tag == 'F') {
			struct overlay_file f;
			const char *at;
			memset(&f, 0, sizeof(f));
			f.path = get_str(&r, &n);
			at = take(&r, 2);
			f.deleted = at && at[0];
			f.head_invalid = at && at[1];
			f.mode = get_u32(&r);
			if ((at = take(&r, OID_RAW)))
				memcpy(f.oid, at, OID_RAW);
			f.rec = get_str(&r, &f.reclen);
			if (f.deleted) {
				free(f.rec);
				f.rec = NULL;
				f.reclen = 0;
			}
			ALLOC_GROW(ov->files, ov->nr + 1, ov->alloc);
			ov->files[ov->nr++] = f;
			if (r.bad)
				break;
		} else if (tag == 'S') {
			struct overlay_skipped sk;
			const char *at;
			sk.path = get_str(&r, &n);
			at = take(&r, 1);
			sk.kind = at ? *at : 0;
			ALLOC_GROW(ov->skipped, ov->nr_skipped + 1, ov->alloc_skipped);
			ov->skipped[ov->nr_skipped++] = sk;
		} else {
			r.bad = 1;
		}
	}
	return r.bad ? -1 : 0;
}
