#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "packidx.h"
#include "strbuf.h"
#include "xalloc.h"

#define IDX_HEADER 8
#define IDX_FANOUT (256 * 4)

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* A version-2 .idx whose tables fit in its size, or 0. */
static int map_idx(struct packidx_file *f, const char *path)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	void *map;

	if (fd < 0)
		return 0;
	if (fstat(fd, &st) || st.st_size < IDX_HEADER + IDX_FANOUT) {
		close(fd);
		return 0;
	}
	map = mmap(NULL, st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (map == MAP_FAILED)
		return 0;
	f->map = map;
	f->size = st.st_size;
	f->nr = be32(f->map + IDX_HEADER + 255 * 4);
	/* oids, CRCs and 32-bit offsets: 28 bytes an object */
	if (memcmp(f->map, "\377tOc\0\0\0\2", IDX_HEADER) ||
	    f->nr > (f->size - IDX_HEADER - IDX_FANOUT) / 28) {
		munmap(map, f->size);
		return 0;
	}
	return 1;
}

void packidx_open(struct packidx *pi, const char *objdir)
{
	struct strbuf path = STRBUF_INIT;
	size_t alloc = 0, base;
	struct dirent *de;
	DIR *d;

	memset(pi, 0, sizeof(*pi));
	strbuf_addf(&path, "%s/pack/", objdir);
	base = path.len;
	if (!(d = opendir(path.buf))) {
		strbuf_release(&path);
		return;
	}
	while ((de = readdir(d))) {
		size_t n = strlen(de->d_name);
		if (n < 4 || strcmp(de->d_name + n - 4, ".idx"))
			continue;
		strbuf_setlen(&path, base);
		strbuf_addstr(&path, de->d_name);
		ALLOC_GROW(pi->f, pi->nr + 1, alloc);
		if (map_idx(&pi->f[pi->nr], path.buf)) {
			strbuf_setlen(&path, path.len - 4);
			strbuf_addstr(&path, ".pack");
			pi->f[pi->nr++].pack = xstrdup(path.buf);
		}
	}
	closedir(d);
	strbuf_release(&path);
}

static uint64_t offset_of(const struct packidx_file *f, size_t i)
{
	const unsigned char *off = f->map + IDX_HEADER + IDX_FANOUT + f->nr * 24;
	uint32_t o = be32(off + i * 4);
	const unsigned char *big;

	if (!(o & 0x80000000u))
		return o;
	big = off + f->nr * 4 + (size_t)(o & 0x7fffffffu) * 8;
	if (big + 8 > f->map + f->size)
		return 0;
	return (uint64_t)be32(big) << 32 | be32(big + 4);
}

int packidx_find(const struct packidx *pi, const unsigned char *oid, size_t *pack, uint64_t *off)
{
	size_t p;

	for (p = 0; p < pi->nr; p++) {
		const struct packidx_file *f = &pi->f[p];
		const unsigned char *fan = f->map + IDX_HEADER, *oids = fan + IDX_FANOUT;
		size_t lo = oid[0] ? be32(fan + (oid[0] - 1) * 4) : 0, hi = be32(fan + oid[0] * 4);

		if (hi > f->nr)
			continue;
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;
			int c = memcmp(oids + mid * 20, oid, 20);
			if (!c) {
				*pack = p;
				*off = offset_of(f, mid);
				return 0;
			}
			if (c < 0)
				lo = mid + 1;
			else
				hi = mid;
		}
	}
	return 1;
}

uint64_t packidx_where(const struct packidx *pi, const unsigned char *oid)
{
	size_t pack;
	uint64_t off;

	if (packidx_find(pi, oid, &pack, &off))
		return UINT64_MAX;
	return (uint64_t)pack << 48 | (off & 0xffffffffffffULL);
}

void packidx_close(struct packidx *pi)
{
	size_t p;

	for (p = 0; p < pi->nr; p++) {
		munmap((void *)pi->f[p].map, pi->f[p].size);
		free(pi->f[p].pack);
	}
	free(pi->f);
	memset(pi, 0, sizeof(*pi));
}
