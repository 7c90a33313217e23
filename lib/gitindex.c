#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gitindex.h"
#include "repo.h"
#include "run.h"
#include "sha1.h"
#include "strbuf.h"
#include "usage.h"
#include "xalloc.h"

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* The offset varint of index version 4 (git's varint.c). */
static const unsigned char *get_offset_varint(const unsigned char *p, const unsigned char *end,
					      size_t *out)
{
	size_t v;

	if (p >= end)
		return NULL;
	v = *p & 127;
	while (*p++ & 128) {
		if (p >= end || v > ((size_t)-1 >> 8))
			return NULL;
		v = ((v + 1) << 7) | (*p & 127);
	}
	*out = v;
	return p;
}

static int cmp_tree(const void *a, const void *b)
{
	return strcmp(((const struct gitindex_tree *)a)->path, ((const struct gitindex_tree *)b)->path);
}

/* "<entries> <subtrees>" in p[0..end): entries may be -1 (an invalid tree) */
static int parse_counts(const unsigned char *p, const unsigned char *end, long *entries, long *subtrees)
{
	long *out[2] = { entries, subtrees };
	int i;

	for (i = 0; i < 2; i++) {
		int neg = i == 0 && p < end && *p == '-';
		long v = 0;
		p += neg;
		if (p >= end || *p < '0' || *p > '9')
			return -1;
		while (p < end && *p >= '0' && *p <= '9' && v < 100000000)
			v = v * 10 + (*p++ - '0');
		if (i == 0 && (p >= end || *p++ != ' '))
			return -1;
		*out[i] = neg ? -v : v;
	}
	return p == end && *entries >= -1 ? 0 : -1;
}

/*
 * The TREE extension: per folder, in pre-order, "<name>\0<entries> <subtrees>\n"
 * and the tree oid when <entries> is not -1. Paths are joined here.
 */
static int read_cache_tree(struct gitindex *gi, const unsigned char *p, const unsigned char *end)
{
	struct strbuf prefix = STRBUF_INIT;
	size_t stack_len[256], left[256], alloc = 0;
	int depth = 0, ret = 0;

	left[0] = 1;	/* the top */
	stack_len[0] = 0;
	while (p < end) {
		const unsigned char *nul = memchr(p, '\0', end - p), *nl;
		long entries, subtrees;
		struct gitindex_tree *t;

		while (depth > 0 && !left[depth])
			depth--;
		if (!nul || !(nl = memchr(nul, '\n', end - nul)) || depth >= 255 || !left[depth]) {
			ret = -1;
			break;
		}
		left[depth]--;
		strbuf_setlen(&prefix, stack_len[depth]);
		if (depth > 0) {
			if (prefix.len)
				strbuf_addch(&prefix, '/');
			strbuf_add(&prefix, p, nul - p);
		}
		if (parse_counts(nul + 1, nl, &entries, &subtrees) < 0) {
			ret = -1;
			break;
		}
		p = nl + 1;
		ALLOC_GROW(gi->t, gi->tnr + 1, alloc);
		t = &gi->t[gi->tnr++];
		t->path = xstrdup(prefix.buf);
		t->valid = entries >= 0;
		if (t->valid) {
			if (end - p < 20) {
				ret = -1;
				break;
			}
			memcpy(t->oid, p, 20);
			p += 20;
		}
		depth++;
		left[depth] = subtrees;
		stack_len[depth] = prefix.len;
	}
	strbuf_release(&prefix);
	if (gi->tnr)
		qsort(gi->t, gi->tnr, sizeof(*gi->t), cmp_tree);
	return ret;
}

int gitindex_read(struct gitindex *gi, const char *file)
{
	struct stat st;
	void *map;
	int fd;

	memset(gi, 0, sizeof(*gi));
	fd = open(file, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	if (fstat(fd, &st) < 0 || st.st_size < 12 + 20) {
		close(fd);
		return -1;
	}
	map = mmap(NULL, st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (map == MAP_FAILED)
		return -1;
	if (gitindex_parse(gi, map, st.st_size) < 0) {
		munmap(map, st.st_size);
		return -1;
	}
	gi->map = map;
	gi->size = st.st_size;
	return 0;
}

/*
 * Entry i's folder, and whether it comes after entry i - 1 in git's order,
 * which the lookups rely on (the checksum is not checked: it costs a hash
 * of the file). Paths hold no NUL, so this is strcmp's order.
 */
static int set_dirlen(struct gitindex_entry *e, uint32_t i)
{
	const char *slash = memrchr(e[i].path, '/', e[i].len);

	e[i].dirlen = slash ? (unsigned)(slash - e[i].path) + 1 : 0;
	if (i) {
		unsigned n = e[i - 1].len < e[i].len ? e[i - 1].len : e[i].len;
		int c = memcmp(e[i - 1].path, e[i].path, n);
		if (c > 0 || (!c && e[i - 1].len >= e[i].len))
			return -1;
	}
	return 0;
}

int gitindex_parse(struct gitindex *gi, const void *buf, size_t size)
{
	const unsigned char *p = buf, *end;
	struct strbuf v4 = STRBUF_INIT, prev = STRBUF_INIT;
	size_t *v4off = NULL;
	uint32_t version, n, i;

	memset(gi, 0, sizeof(*gi));
	if (size < 12 + 20)
		return -1;
	end = p + size - 20;	/* the checksum */
	version = be32(p + 4);
	n = be32(p + 8);
	if (memcmp(p, "DIRC", 4) || version < 2 || version > 4 || n > size / 40)
		goto fail;
	p += 12;
	gi->e = xcalloc(n ? n : 1, sizeof(*gi->e));
	if (version == 4)
		v4off = xcalloc(n ? n : 1, sizeof(*v4off));
	for (i = 0; i < n; i++) {
		const unsigned char *name;
		unsigned flags, mode;
		size_t fixed = 62;

		if (end - p < 64)
			goto fail;
		mode = be32(p + 24);
		flags = (unsigned)p[60] << 8 | p[61];
		if (flags & 0x4000) {
			if (version < 3)
				goto fail;
			fixed += 2;
		}
		/* a conflict, or a folder of a sparse index: not HEAD's files */
		if (flags & 0x3000 || (mode & 0170000) == 0040000)
			goto fail;
		gi->e[i].mode = mode;
		gi->e[i].stat = p;
		name = p + fixed;
		if (version < 4) {
			/* the flags hold the name's length when it is below 4095 */
			size_t len = flags & 0xfff;
			const unsigned char *nul = len < 0xfff && len < (size_t)(end - name) && !name[len] ?
				name + len : memchr(name, '\0', end - name);
			if (!nul || nul - name > 0x7fffffff)
				goto fail;
			gi->e[i].path = (const char *)name;
			gi->e[i].len = nul - name;
			/* while the path is in the cache: its folder, and git's order */
			if (set_dirlen(gi->e, i) < 0)
				goto fail;
			/* entries are padded with NULs to a multiple of 8 bytes */
			p += (fixed + (nul - name) + 8) & ~(size_t)7;
		} else {
			size_t strip;
			const unsigned char *nul;
			if (!(name = get_offset_varint(name, end, &strip)) || strip > prev.len ||
			    !(nul = memchr(name, '\0', end - name)))
				goto fail;
			strbuf_setlen(&prev, prev.len - strip);
			strbuf_add(&prev, name, nul - name);
			v4off[i] = v4.len;
			gi->e[i].len = prev.len;
			strbuf_add(&v4, prev.buf, prev.len + 1);
			p = nul + 1;
		}
		if (p > end)
			goto fail;
	}
	if (version == 4) {
		gi->paths = strbuf_detach(&v4, NULL);
		for (i = 0; i < n; i++) {
			gi->e[i].path = gi->paths + v4off[i];
			if (set_dirlen(gi->e, i) < 0)
				goto fail;
		}
	}
	gi->nr = n;
	/* extensions: a split index ("link") or a sparse one ("sdir") we do not follow */
	while (end - p >= 8) {
		uint32_t size = be32(p + 4);
		if (size > (size_t)(end - p - 8))
			goto fail;
		if (!memcmp(p, "link", 4) || !memcmp(p, "sdir", 4))
			goto fail;
		if (!memcmp(p, "TREE", 4) && read_cache_tree(gi, p + 8, p + 8 + size) < 0)
			goto fail;
		p += 8 + size;
	}
	free(v4off);
	strbuf_release(&v4);
	strbuf_release(&prev);
	return 0;
fail:
	free(v4off);
	strbuf_release(&v4);
	strbuf_release(&prev);
	gitindex_release(gi);
	return -1;
}

void gitindex_entry_stat(const struct gitindex_entry *e, struct gitindex_stat *st)
{
	st->ctime_ns = (long long)be32(e->stat) * 1000000000 + be32(e->stat + 4);
	st->mtime_ns = (long long)be32(e->stat + 8) * 1000000000 + be32(e->stat + 12);
	st->ino = be32(e->stat + 20);
	st->size = be32(e->stat + 36);
}

void gitindex_drop_pages(struct gitindex *gi)
{
	if (gi->map)
		madvise(gi->map, gi->size, MADV_DONTNEED);
}

void gitindex_release(struct gitindex *gi)
{
	size_t i;

	if (gi->map)
		munmap(gi->map, gi->size);
	for (i = 0; i < gi->tnr; i++)
		free(gi->t[i].path);
	free(gi->t);
	free(gi->e);
	free(gi->paths);
	memset(gi, 0, sizeof(*gi));
}

const struct gitindex_tree *gitindex_tree(const struct gitindex *gi, const char *path, size_t len)
{
	size_t lo = 0, hi = gi->tnr;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const char *t = gi->t[mid].path;
		int c = strncmp(t, path, len);
		if (!c)
			c = t[len] ? 1 : 0;
		if (!c)
			return &gi->t[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

size_t gitindex_seek(const struct gitindex *gi, const char *path, size_t len)
{
	size_t lo = 0, hi = gi->nr;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const char *e = gi->e[mid].path;
		size_t elen = strlen(e);
		int c = memcmp(e, path, elen < len ? elen : len);
		if (!c)
			c = elen < len ? -1 : elen > len;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* --- the staging area under the roots --- */

/* Whether path[0..len) lies under one of the roots. */
static int under_root(const char *roots, size_t rlen, const char *path, size_t len)
{
	const char *r;

	for (r = roots; r < roots + rlen; r += strlen(r) + 1) {
		size_t l = strlen(r);
		if (!l || (len > l && path[l] == '/' && !memcmp(path, r, l)))
			return 1;	/* "" is the top: everything is under it */
	}
	return 0;
}

/* Whether the folder dir[0..len) ("a/b/") of a sparse index holds a root or lies under one. */
static int folder_meets_root(const char *roots, size_t rlen, const char *dir, size_t len)
{
	const char *r;

	for (r = roots; r < roots + rlen; r += strlen(r) + 1) {
		size_t l = strlen(r);
		/* "r/" and dir: one is a prefix of the other */
		if (!l || (len <= l ? !memcmp(r, dir, len) : !memcmp(r, dir, l) && dir[l] == '/'))
			return 1;
	}
	return 0;
}

static void staged_add(struct staged *s, const char *path, size_t len, unsigned mode, int stage,
		       int skip, const unsigned char *oid)
{
	struct staged_entry *e;

	ALLOC_GROW(s->e, s->nr + 1, s->alloc);
	e = &s->e[s->nr++];
	e->path = xmemdupz(path, len);
	e->mode = mode;
	e->stage = stage;
	e->skip = skip;
	memcpy(e->oid, oid, 20);
}

void staged_release(struct staged *s)
{
	size_t i;

	for (i = 0; i < s->nr; i++)
		free(s->e[i].path);
	free(s->e);
	memset(s, 0, sizeof(*s));
}

/*
 * The entries under the roots from the index buf[0..size): 0, or 1 when
 * git must list them (see gitindex.h), the caller then drops what was
 * added. Extended flags: 0x4000 in the first word says a second follows,
 * whose 0x4000 is skip-worktree.
 */
static int staged_parse(struct staged *s, const unsigned char *buf, size_t size,
			const char *roots, size_t rlen, int only_skip)
{
	const unsigned char *p = buf, *end = buf + size - 20;
	struct strbuf path = STRBUF_INIT;
	uint32_t version = be32(p + 4), n = be32(p + 8), i;
	int ret = 1;

	if (memcmp(p, "DIRC", 4) || version < 2 || version > 4)
		goto out;
	p += 12;
	for (i = 0; i < n; i++) {
		const unsigned char *ent = p, *name, *nul;
		unsigned flags, xflags = 0, mode;
		size_t fixed = 62;

		if (end - p < 64)
			goto out;
		mode = be32(p + 24);
		flags = (unsigned)p[60] << 8 | p[61];
		if (flags & 0x4000) {
			xflags = (unsigned)p[62] << 8 | p[63];
			fixed += 2;
		}
		name = p + fixed;
		if (version < 4) {
			if (!(nul = memchr(name, '\0', end - name)))
				goto out;
			strbuf_reset(&path);
			strbuf_add(&path, name, nul - name);
			p += (fixed + (nul - name) + 8) & ~(size_t)7;
		} else {
			size_t strip;
			if (!(name = get_offset_varint(name, end, &strip)) || strip > path.len ||
			    !(nul = memchr(name, '\0', end - name)))
				goto out;
			strbuf_setlen(&path, path.len - strip);
			strbuf_add(&path, name, nul - name);
			p = nul + 1;
		}
		if (p > end)
			goto out;
		if ((mode & 0170000) == 0040000) {
			/* a folder of a sparse index: only git lists what it holds */
			if (folder_meets_root(roots, rlen, path.buf, path.len))
				goto out;
			continue;
		}
		if ((only_skip && !(xflags & 0x4000)) || !under_root(roots, rlen, path.buf, path.len))
			continue;
		staged_add(s, path.buf, path.len, mode, (flags >> 12) & 3, !!(xflags & 0x4000),
			   ent + 40);
	}
	/* a mandatory extension (lower case) other than the sparse index's mark: git's to read */
	while (end - p >= 8) {
		uint32_t len = be32(p + 4);
		if (len > (size_t)(end - p - 8) ||
		    (p[0] >= 'a' && p[0] <= 'z' && memcmp(p, "sdir", 4)))
			goto out;
		p += 8 + len;
	}
	ret = 0;
out:
	strbuf_release(&path);
	return ret;
}

/* "<tag> <mode> <oid> <stage>\t<path>\0" from git ls-files -z -s -t */
static int staged_from_git(struct staged *s, const struct repo_paths *p, const char *roots,
			   size_t rlen, int only_skip)
{
	const char *args[] = { "-C", p->workdir, "ls-files", "-z", "-s", "-t", NULL };
	struct strbuf out = STRBUF_INIT;
	const char *rec, *end;
	int ret = 0;

	/* the top ("") is no pathspec git takes: no pathspec at all */
	if (git_capture_paths(&out, p, p->workdir ? args : args + 2, roots,
			      rlen == 1 && !*roots ? 0 : rlen) < 0) {
		strbuf_release(&out);
		return error("cannot read the staging area: git ls-files failed");
	}
	for (rec = out.buf, end = out.buf + out.len; rec < end; rec += strlen(rec) + 1) {
		const char *tab = strchr(rec, '\t');
		unsigned char oid[20];
		unsigned mode;
		int stage;

		if (!tab || tab - rec < OID_HEX + 11 || sscanf(rec + 2, "%o", &mode) != 1 ||
		    hex_to_oid(oid, tab - OID_HEX - 2) < 0 || (stage = tab[-1] - '0') < 0 || stage > 3) {
			ret = error("cannot read git ls-files' output");
			break;
		}
		if ((only_skip && rec[0] != 'S') || !under_root(roots, rlen, tab + 1, strlen(tab + 1)))
			continue;
		staged_add(s, tab + 1, strlen(tab + 1), mode, stage, rec[0] == 'S', oid);
	}
	strbuf_release(&out);
	return ret;
}

int staged_read(struct staged *out, const struct repo_paths *p, const char *roots, size_t len,
		int only_skip)
{
	const char *env = getenv("GIT_INDEX_FILE");
	struct strbuf file = STRBUF_INIT;
	unsigned char head[12];
	struct stat st;
	void *map = MAP_FAILED;
	int fd, rc = 1;

	memset(out, 0, sizeof(*out));
	if (env && *env)
		strbuf_addf(&file, "%s%s", *env == '/' || !p->workdir ? "" : p->workdir, env);
	else
		strbuf_addf(&file, "%s/index", p->gitdir);
	fd = open(file.buf, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		rc = errno == ENOENT ? 0 : error_errno("cannot read the staging area '%s'", file.buf);
		goto out;
	}
	if (pread(fd, head, sizeof(head), 0) == (ssize_t)sizeof(head) &&
	    !memcmp(head, "DIRC", 4) && be32(head + 4) == 2 && only_skip) {
		rc = 0;
		goto out;
	}
	if (!fstat(fd, &st) && st.st_size >= 32)
		map = mmap(NULL, st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (map != MAP_FAILED) {
		rc = staged_parse(out, map, st.st_size, roots, len, only_skip);
		munmap(map, st.st_size);
	}
	if (rc) {
		staged_release(out);
		rc = staged_from_git(out, p, roots, len, only_skip);
	}
out:
	if (fd >= 0)
		close(fd);
	strbuf_release(&file);
	return rc;
}

int staged_gitlink_above(const struct repo_paths *p, const char *path)
{
	struct staged st;
	size_t i, len = strlen(path);
	int found = 0;

	if (staged_read(&st, p, "", 1, 0) < 0)
		return -1;
	for (i = 0; i < st.nr && !found; i++) {
		const char *e = st.e[i].path;
		size_t l = strlen(e);
		found = st.e[i].mode == 0160000 && l <= len && !memcmp(e, path, l) &&
			(path[l] == '/' || !path[l]);
	}
	staged_release(&st);
	return found;
}
