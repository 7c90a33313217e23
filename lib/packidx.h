#ifndef PACKIDX_H
#define PACKIDX_H

#include <stddef.h>
#include <stdint.h>

/*
 * packidx.h - where objects lie in the packs, from the packs' .idx files.
 * Calls the utilities only.
 *
 * A build asks for its blobs in path order, which jumps about the packs.
 * Read in pack order instead, the packs are swept once: lib/odb lets the
 * pages behind it go as it sweeps (odb_drop_pages()), and git cat-file
 * can read through small windows. Its default window is the whole pack,
 * so that every page it touched stayed in its RSS (about 90 MiB at
 * 100,000 issues), and small windows in path order mapped and unmapped
 * all the time (2.4x slower). The order only makes reading faster and
 * smaller; it never changes what is read.
 */

struct packidx_file {
	const unsigned char *map;	/* the whole .idx */
	size_t size, nr;
	char *pack;		/* the path of its .pack */
};

struct packidx {
	struct packidx_file *f;
	size_t nr;
};

/* Map every version-2 .idx under objdir/pack (none is not an error). */
void packidx_open(struct packidx *pi, const char *objdir);
/* Which pack holds oid (an index into pi->f) and where: 0, or 1 when none does. */
int packidx_find(const struct packidx *pi, const unsigned char *oid, size_t *pack, uint64_t *off);
/* A sort key: (pack number, offset); UINT64_MAX when in no pack (loose). */
uint64_t packidx_where(const struct packidx *pi, const unsigned char *oid);
void packidx_close(struct packidx *pi);

#endif
