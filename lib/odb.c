#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "odb.h"
#include "sha1.h"
#include "xalloc.h"

/* git's own bound is 4095 (pack.depth); deeper is a broken pack */
#define MAX_DELTA_DEPTH 10000
/* larger is left to git: a broken header must not make us allocate it */
#define MAX_OBJECT ((size_t)1 << 30)

static const char *const type_names[] = { NULL, "commit", "tree", "blob", "tag" };

/* When objdir/pack last changed: a new pack (a fetch) changes it. */
static void pack_dir_time(const char *objdir, struct timespec *out)
{
	struct strbuf path = STRBUF_INIT;
	struct stat st;

	strbuf_addf(&path, "%s/pack", objdir);
	memset(out, 0, sizeof(*out));
	if (!stat(path.buf, &st))
		*out = st.st_mtim;
	strbuf_release(&path);
}

int odb_open(struct odb *db, const char *objdir)
{
	struct strbuf path = STRBUF_INIT;
	struct stat st;
	int alternates;

	memset(db, 0, sizeof(*db));
	strbuf_init(&db->delta, 0);
	strbuf_init(&db->result, 0);
	strbuf_addf(&path, "%s/info/alternates", objdir);
	alternates = !stat(path.buf, &st);
	strbuf_release(&path);
	if (alternates)
		return 1;
	db->objdir = xstrdup(objdir);
	pack_dir_time(objdir, &db->pack_time);
	packidx_open(&db->idx, objdir);
	db->packs = xcalloc(db->idx.nr ? db->idx.nr : 1, sizeof(*db->packs));
	return 0;
}

void odb_drop_pages(struct odb *db)
{
	size_t i;

	for (i = 0; db->packs && i < db->idx.nr; i++)
		if (db->packs[i].map)
			madvise((void *)db->packs[i].map, db->packs[i].size, MADV_DONTNEED);
}

static void close_packs(struct odb *db)
{
	size_t i;

	for (i = 0; db->packs && i < db->idx.nr; i++)
		if (db->packs[i].map)
			munmap((void *)db->packs[i].map, db->packs[i].size);
	free(db->packs);
	db->packs = NULL;
	packidx_close(&db->idx);
}

/*
 * The packs again, when a pack came or went since they were listed (a
 * fetch of a partial clone's missing blobs): 1 when they changed.
 */
static int reload_packs(struct odb *db)
{
	struct timespec t;

	pack_dir_time(db->objdir, &t);
	if (t.tv_sec == db->pack_time.tv_sec && t.tv_nsec == db->pack_time.tv_nsec)
		return 0;
	close_packs(db);
	db->pack_time = t;
	packidx_open(&db->idx, db->objdir);
	db->packs = xcalloc(db->idx.nr ? db->idx.nr : 1, sizeof(*db->packs));
	return 1;
}

void odb_close(struct odb *db)
{
	close_packs(db);
	strbuf_release(&db->delta);
	strbuf_release(&db->result);
	free(db->objdir);
	memset(db, 0, sizeof(*db));
}

/*
 * Inflate src[0..*srclen) into out (appended); want: the size it must
 * have, or SIZE_MAX when unknown (the whole stream). *srclen becomes the
 * bytes the stream took. Returns 0 or -1.
 */
static int inflate_into(const unsigned char *src, size_t *srclen, size_t want, struct strbuf *out)
{
	size_t start = out->len;
	z_stream z;
	int rc;

	memset(&z, 0, sizeof(z));
	if (inflateInit(&z) != Z_OK)
		return -1;
	z.next_in = (unsigned char *)src;
	z.avail_in = *srclen > UINT32_MAX ? UINT32_MAX : (uInt)*srclen;
	do {
		/* one byte more than wanted: a longer stream shows */
		size_t room = want != SIZE_MAX ? want - (out->len - start) + 1 : 65536, avail;
		uLong before = z.total_out;

		strbuf_grow(out, room);
		avail = out->alloc - out->len - 1;
		z.next_out = (unsigned char *)out->buf + out->len;
		z.avail_out = avail > UINT32_MAX ? UINT32_MAX : (uInt)avail;
		rc = inflate(&z, Z_NO_FLUSH);
		strbuf_setlen(out, out->len + (z.total_out - before));
	} while (rc == Z_OK && out->len - start <= (want == SIZE_MAX ? MAX_OBJECT : want));
	*srclen = z.total_in;
	inflateEnd(&z);
	if (rc != Z_STREAM_END || (want != SIZE_MAX && out->len - start != want))
		return -1;
	return 0;
}

/* Check the content against the id, as git hashes it: "<type> <size>\0<content>". */
static int check_oid(const unsigned char *oid, int type, const char *buf, size_t len)
{
	struct sha1 c;
	char hdr[64];
	unsigned char got[20];
	int n = snprintf(hdr, sizeof(hdr), "%s %zu", type_names[type], len);

	sha1_init(&c);
	sha1_update(&c, hdr, n + 1);
	sha1_update(&c, buf, len);
	sha1_final(got, &c);
	return memcmp(got, oid, 20) ? -1 : 0;
}

static int read_loose(struct odb *db, const unsigned char *oid, int *type, struct strbuf *out)
{
	struct strbuf path = STRBUF_INIT, raw = STRBUF_INIT;
	char hex[OID_HEX + 1];
	const char *sp, *nul;
	size_t used, size, hdr;
	int ret = -1, t;

	oid_to_hex(hex, oid);
	strbuf_addf(&path, "%s/%.2s/%s", db->objdir, hex, hex + 2);
	if (strbuf_read_file(&raw, path.buf, 0) < 0) {
		ret = 1;	/* not loose */
		goto out;
	}
	/* "<type> <size>\0<content>", inflated in place: the header is cut after */
	used = raw.len;
	strbuf_reset(out);
	if (inflate_into((const unsigned char *)raw.buf, &used, SIZE_MAX, out) < 0 ||
	    !(nul = memchr(out->buf, '\0', out->len)) || !(sp = memchr(out->buf, ' ', nul - out->buf)))
		goto out;
	for (t = 1; t <= ODB_TAG; t++)
		if ((size_t)(sp - out->buf) == strlen(type_names[t]) &&
		    !memcmp(out->buf, type_names[t], sp - out->buf))
			break;
	size = strtoull(sp + 1, NULL, 10);
	hdr = nul + 1 - out->buf;
	if (t > ODB_TAG || size != out->len - hdr)
		goto out;
	*type = t;
	memmove(out->buf, out->buf + hdr, size);
	strbuf_setlen(out, size);
	ret = 0;
out:
	strbuf_release(&path);
	strbuf_release(&raw);
	return ret;
}

static const struct odb_pack *map_pack(struct odb *db, size_t n)
{
	struct odb_pack *pk = &db->packs[n];
	struct stat st;
	void *map;
	int fd;

	if (pk->map || pk->failed)
		return pk->failed ? NULL : pk;
	pk->failed = 1;
	if ((fd = open(db->idx.f[n].pack, O_RDONLY | O_CLOEXEC)) < 0)
		return NULL;
	if (fstat(fd, &st) || st.st_size < 12 + 20) {
		close(fd);
		return NULL;
	}
	map = mmap(NULL, st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (map == MAP_FAILED)
		return NULL;
	if (memcmp(map, "PACK", 4)) {
		munmap(map, st.st_size);
		return NULL;
	}
	pk->map = map;
	pk->size = st.st_size;
	pk->failed = 0;
	return pk;
}

static size_t delta_varint(const unsigned char **p, const unsigned char *end)
{
	size_t v = 0;
	int shift = 0;

	while (*p < end && shift < 64) {
		unsigned c = *(*p)++;
		v |= (size_t)(c & 0x7f) << shift;
		shift += 7;
		if (!(c & 0x80))
			return v;
	}
	return SIZE_MAX;
}

/* Apply git's delta d[0..dlen) to base, into out. */
static int apply_delta(const struct strbuf *base, const unsigned char *d, size_t dlen, struct strbuf *out)
{
	const unsigned char *p = d, *end = d + dlen;
	size_t srclen = delta_varint(&p, end), dstlen = delta_varint(&p, end);

	if (srclen != base->len || dstlen > MAX_OBJECT)
		return -1;
	strbuf_reset(out);
	strbuf_grow(out, dstlen);
	while (p < end) {
		unsigned c = *p++;
		if (c & 0x80) {
			size_t off = 0, size = 0;
			int i;
			for (i = 0; i < 4; i++)
				if (c & (1u << i)) {
					if (p >= end)
						return -1;
					off |= (size_t)*p++ << (8 * i);
				}
			for (i = 0; i < 3; i++)
				if (c & (0x10u << i)) {
					if (p >= end)
						return -1;
					size |= (size_t)*p++ << (8 * i);
				}
			if (!size)
				size = 0x10000;
			if (off > base->len || size > base->len - off)
				return -1;
			strbuf_add(out, base->buf + off, size);
		} else if (c) {
			if ((size_t)(end - p) < c)
				return -1;
			strbuf_add(out, p, c);
			p += c;
		} else {
			return -1;	/* reserved */
		}
	}
	return out->len == dstlen ? 0 : -1;
}

/* One link of a delta chain: the delta's data, and the size it inflates to. */
struct delta_link {
	const unsigned char *data, *end;
	size_t size;
};

/*
 * The object at off in pack n (no id check: the caller's object is
 * checked whole). A delta chain is followed down to its base first, and
 * then applied upwards in two buffers kept in db: a recursion would hold
 * a fresh buffer per link (trees have chains of up to 50), and touching
 * that much new memory cost more than the inflating.
 */
static int read_packed(struct odb *db, size_t n, uint64_t off, int *type, struct strbuf *out)
{
	struct delta_link *chain = NULL;
	size_t depth = 0, alloc = 0;
	int ret = -1;

	for (;;) {
		const struct odb_pack *pk = map_pack(db, n);
		const unsigned char *p, *end;
		size_t size, used;
		unsigned c;
		int t, shift = 4;

		if (!pk || off < 12 || off >= pk->size - 20 || depth > MAX_DELTA_DEPTH)
			goto out;
		p = pk->map + off;
		end = pk->map + pk->size - 20;	/* the trailing checksum */
		c = *p++;
		t = (c >> 4) & 7;
		size = c & 15;
		while (c & 0x80) {
			if (p >= end || shift > 56)
				goto out;
			c = *p++;
			size |= (size_t)(c & 0x7f) << shift;
			shift += 7;
		}
		if (size > MAX_OBJECT)
			goto out;
		if (t >= ODB_COMMIT && t <= ODB_TAG) {
			used = end - p;
			strbuf_reset(out);
			if (inflate_into(p, &used, size, out) < 0)
				goto out;
			*type = t;
			break;
		}
		ALLOC_GROW(chain, depth + 1, alloc);
		if (t == 6) {		/* OFS_DELTA: the base is rel bytes before */
			uint64_t rel;
			if (p >= end)
				goto out;
			c = *p++;
			rel = c & 0x7f;
			while (c & 0x80) {
				if (p >= end || rel > (UINT64_MAX >> 8))
					goto out;
				c = *p++;
				rel = ((rel + 1) << 7) | (c & 0x7f);
			}
			if (!rel || rel > off)
				goto out;
			chain[depth++] = (struct delta_link){ p, end, size };
			off -= rel;
		} else if (t == 7) {	/* REF_DELTA: the base is named */
			const unsigned char *base = p;
			if (end - p < 20)
				goto out;
			chain[depth++] = (struct delta_link){ p + 20, end, size };
			if (packidx_find(&db->idx, base, &n, &off)) {
				if (read_loose(db, base, type, out))
					goto out;
				break;
			}
		} else {
			goto out;
		}
	}
	while (depth--) {
		struct strbuf swap;
		size_t used = chain[depth].end - chain[depth].data;
		strbuf_reset(&db->delta);
		if (inflate_into(chain[depth].data, &used, chain[depth].size, &db->delta) < 0 ||
		    apply_delta(out, (const unsigned char *)db->delta.buf, db->delta.len, &db->result) < 0)
			goto out;
		swap = *out;
		*out = db->result;
		db->result = swap;
	}
	ret = 0;
out:
	free(chain);
	return ret;
}

/*
 * A loose object is checked against its id; a packed one is not, as git
 * does not: zlib's checksum guards each entry and its deltas, and git
 * checked the whole pack when it wrote it (hashing every blob a refresh
 * reads cost 5% of it).
 */
int odb_read(struct odb *db, const unsigned char *oid, int *type, struct strbuf *out)
{
	size_t n;
	uint64_t off;
	int rc;

	if (!packidx_find(&db->idx, oid, &n, &off))
		return read_packed(db, n, off, type, out);
	rc = read_loose(db, oid, type, out);
	/* not here: in a pack that came since (git fetched it), as git and libgit2 look again */
	if (rc == 1 && reload_packs(db) && !packidx_find(&db->idx, oid, &n, &off))
		return read_packed(db, n, off, type, out);
	return rc ? rc : check_oid(oid, *type, out->buf, out->len);
}

/* objdir and the object directories its info/alternates names, recursively (git's depth: 5). */
static void object_dirs(struct strbuf *dirs, const char *objdir, int depth)
{
	struct strbuf path = STRBUF_INIT, alt = STRBUF_INIT;
	char *line, *next;

	strbuf_addstr(dirs, objdir);
	strbuf_addch(dirs, '\0');
	strbuf_addf(&path, "%s/info/alternates", objdir);
	if (depth < 5 && strbuf_read_file(&alt, path.buf, 0) >= 0) {
		for (line = alt.buf; line < alt.buf + alt.len; line = next) {
			next = strchrnul(line, '\n');
			if (*next)
				*next++ = '\0';
			if (!*line || *line == '#')
				continue;
			strbuf_reset(&path);
			if (*line != '/')
				strbuf_addf(&path, "%s/", objdir);
			strbuf_addstr(&path, line);
			object_dirs(dirs, path.buf, depth + 1);
		}
	}
	strbuf_release(&path);
	strbuf_release(&alt);
}

size_t odb_missing(const char *objdir, const unsigned char *const *oids, size_t n, char *missing)
{
	struct strbuf dirs = STRBUF_INIT, path = STRBUF_INIT;
	struct packidx *idx = NULL;
	const char *d;
	size_t ndirs = 0, i, j, nr = 0, pack;
	uint64_t off;
	struct stat st;

	object_dirs(&dirs, objdir, 0);
	for (d = dirs.buf; d < dirs.buf + dirs.len; d += strlen(d) + 1) {
		idx = xrealloc(idx, (ndirs + 1) * sizeof(*idx));
		packidx_open(&idx[ndirs++], d);
	}
	for (i = 0; i < n; i++) {
		missing[i] = 1;
		for (j = 0, d = dirs.buf; j < ndirs && missing[i]; j++, d += strlen(d) + 1) {
			char hex[OID_HEX + 1];
			if (!packidx_find(&idx[j], oids[i], &pack, &off)) {
				missing[i] = 0;
				break;
			}
			oid_to_hex(hex, oids[i]);
			strbuf_reset(&path);
			strbuf_addf(&path, "%s/%.2s/%s", d, hex, hex + 2);
			missing[i] = stat(path.buf, &st) < 0;
		}
		nr += missing[i];
	}
	for (j = 0; j < ndirs; j++)
		packidx_close(&idx[j]);
	free(idx);
	strbuf_release(&dirs);
	strbuf_release(&path);
	return nr;
}

/* The entry called name[0..len) of tree buf: its oid and whether it is a tree. */
static int tree_entry(const struct strbuf *tree, const char *name, size_t len,
		      unsigned char *oid, int *is_tree)
{
	const char *p = tree->buf, *end = tree->buf + tree->len;

	while (p < end) {
		const char *sp = memchr(p, ' ', end - p), *nul;
		if (!sp || !(nul = memchr(sp, '\0', end - sp)) || end - nul < 21)
			return -1;
		if ((size_t)(nul - sp - 1) == len && !memcmp(sp + 1, name, len)) {
			memcpy(oid, nul + 1, 20);
			*is_tree = sp - p == 5 && !memcmp(p, "40000", 5);
			return 0;
		}
		p = nul + 21;
	}
	return 1;
}

int odb_commit_path(struct odb *db, const unsigned char *commit, const char *path,
		    unsigned char *oid)
{
	struct strbuf obj = STRBUF_INIT;
	const char *name = path;
	int type, ret = -1, is_tree = 1;

	/* a commit starts "tree <hex>\n" */
	if (odb_read(db, commit, &type, &obj) || type != ODB_COMMIT || obj.len < 5 + OID_HEX + 1 ||
	    memcmp(obj.buf, "tree ", 5) || obj.buf[5 + OID_HEX] != '\n' || hex_to_oid(oid, obj.buf + 5))
		goto out;
	while (*name) {
		size_t len = strcspn(name, "/");
		int rc;
		if (!is_tree || odb_read(db, oid, &type, &obj) || type != ODB_TREE)
			goto out;
		if ((rc = tree_entry(&obj, name, len, oid, &is_tree))) {
			if (rc > 0) {
				memset(oid, 0, 20);
				ret = 1;
			}
			goto out;
		}
		name += len;
		name += *name == '/';
	}
	ret = is_tree ? 0 : -1;
out:
	strbuf_release(&obj);
	return ret;
}
