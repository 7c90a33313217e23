#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "index.h"
#include "issue.h"
#include "output.h"
#include "record.h"
#include "sha1.h"
#include "usage.h"
#include "xalloc.h"

int lmdb_error(int rc, const char *what)
{
	return error("%s: %s", what, mdb_strerror(rc));
}

static int env_open(struct index *ix)
{
	size_t mapsize = INDEX_MAPSIZE;
	const char *test_size = getenv("ROADMAP_TEST_MAPSIZE");
	struct stat st;
	int rc;

	/* for tests only: a small first map, to see it grow */
	if (test_size && *test_size)
		mapsize = strtoull(test_size, NULL, 10);

	/* never map less than the file already holds */
	if (!stat(ix->path, &st) && (size_t)st.st_size * 2 > mapsize)
		mapsize = (size_t)st.st_size * 2;
	/* a new map, maybe of the same size elsewhere: index_drop_pages looks anew */
	ix->nmap = 0;
	ix->map_size = 0;
	if ((rc = mdb_env_create(&ix->env)) ||
	    (rc = mdb_env_set_maxdbs(ix->env, 16)) ||
	    (rc = mdb_env_set_mapsize(ix->env, mapsize)))
		goto fail;
	/*
	 * MDB_NOMETASYNC: one fsync per commit, not two; an OS crash may
	 * lose the last transaction, never corrupt the file (the data
	 * pages are synced before the meta page that points at them), and
	 * a lost refresh is healed by the next reader.
	 */
	rc = mdb_env_open(ix->env, ix->path,
			  MDB_NOSUBDIR | MDB_NOTLS | MDB_NORDAHEAD | MDB_NOMETASYNC, 0644);
	if (rc == EACCES || rc == EROFS) {
		/*
		 * An index we may not write (a read-only file system, another
		 * user's repository) can still answer when it matches HEAD;
		 * without a writable lock file, readers go without one.
		 */
		int err = rc;
		mdb_env_close(ix->env);
		if (!(rc = mdb_env_create(&ix->env)) && !(rc = mdb_env_set_maxdbs(ix->env, 16)) &&
		    !(rc = mdb_env_set_mapsize(ix->env, mapsize)))
			rc = mdb_env_open(ix->env, ix->path, MDB_NOSUBDIR | MDB_NOTLS | MDB_NORDAHEAD |
					  MDB_RDONLY | MDB_NOLOCK, 0644);
		if (!rc) {
			ix->readonly = err;
			return 0;
		}
		rc = rc == ENOENT ? err : rc;
	}
	if (!rc)
		return 0;
fail:
	mdb_env_close(ix->env);
	ix->env = NULL;
	return rc;
}

int index_open(struct index **out, const struct repo_paths *p)
{
	struct index *ix = xcalloc(1, sizeof(*ix));
	struct strbuf sb = STRBUF_INIT;
	int rc;

	ix->lockfd = -1;
	strbuf_addf(&sb, "%s/roadmap", p->gitdir);
	if (mkdir(sb.buf, 0777) < 0 && errno != EEXIST) {
		error_errno("cannot create '%s'", sb.buf);
		strbuf_release(&sb);
		free(ix);
		return -1;
	}
	strbuf_addstr(&sb, "/index.mdb");
	ix->path = xstrdup(sb.buf);
	strbuf_addstr(&sb, ".lock");
	ix->lockpath = strbuf_detach(&sb, NULL);
	rc = env_open(ix);
	if (rc == MDB_INVALID || rc == MDB_VERSION_MISMATCH) {
		warning("index '%s': %s; moving it aside and rebuilding", ix->path, mdb_strerror(rc));
		rc = index_quarantine(ix) < 0 ? -1 : 0;
		if (rc < 0) {
			index_close(ix);
			return -1;
		}
	} else if (rc) {
		lmdb_error(rc, ix->path);
		index_close(ix);
		return -1;
	}
	*out = ix;
	return 0;
}

void index_close(struct index *ix)
{
	if (!ix)
		return;
	if (ix->env)
		mdb_env_close(ix->env);
	if (ix->lockfd >= 0)
		close(ix->lockfd);
	free(ix->path);
	free(ix->lockpath);
	free(ix);
}

int index_quarantine(struct index *ix)
{
	struct strbuf aside = STRBUF_INIT, lock = STRBUF_INIT;
	int rc;

	if (ix->env)
		mdb_env_close(ix->env);
	ix->env = NULL;
	ix->have_dbis = 0;
	strbuf_addf(&aside, "%s.corrupt-%ld", ix->path, (long)time(NULL));
	strbuf_addf(&lock, "%s-lock", ix->path);
	if (rename(ix->path, aside.buf) < 0 && errno != ENOENT) {
		error_errno("cannot move '%s' aside", ix->path);
		rc = -1;
	} else {
		unlink(lock.buf);
		rc = env_open(ix);
		if (rc)
			rc = lmdb_error(rc, ix->path);
	}
	strbuf_release(&aside);
	strbuf_release(&lock);
	return rc;
}

int index_grow(struct index *ix)
{
	MDB_envinfo info;
	int rc;

	mdb_env_info(ix->env, &info);
	rc = mdb_env_set_mapsize(ix->env, info.me_mapsize * 2);
	return rc ? lmdb_error(rc, "cannot grow the index map") : 0;
}

static int open_dbis(struct index *ix, MDB_txn *txn, int write)
{
	static const struct { const char *name; size_t off; unsigned flags; } dbs[] = {
		{ "meta", offsetof(struct index, meta), 0 },
		{ "files", offsetof(struct index, files), 0 },
		{ "nums", offsetof(struct index, nums), MDB_INTEGERKEY },
		{ "blobs", offsetof(struct index, blobs), 0 },
		{ "terms", offsetof(struct index, terms), MDB_DUPSORT | MDB_DUPFIXED | MDB_INTEGERDUP },
		{ "issues", offsetof(struct index, issues), MDB_DUPSORT | MDB_DUPFIXED | MDB_INTEGERDUP },
		{ "invalid", offsetof(struct index, invalid), 0 },
		{ "dups", offsetof(struct index, dups), 0 },
	};
	size_t i;
	int rc;

	for (i = 0; i < sizeof(dbs) / sizeof(*dbs); i++) {
		rc = mdb_dbi_open(txn, dbs[i].name, dbs[i].flags | (write ? MDB_CREATE : 0),
				  (MDB_dbi *)((char *)ix + dbs[i].off));
		if (rc == MDB_NOTFOUND && !write)
			return 1;	/* a new, empty index */
		if (rc)
			return lmdb_error(rc, "cannot open the index databases");
	}
	return 0;
}

static int txn_begin(struct index *ix, MDB_txn **txn, int write)
{
	int rc, tries;

	for (tries = 0; tries < 3; tries++) {
		rc = mdb_txn_begin(ix->env, NULL, write ? 0 : MDB_RDONLY, txn);
		if (rc != MDB_MAP_RESIZED)
			break;
		/* another process grew the map: adopt its size */
		mdb_env_set_mapsize(ix->env, 0);
	}
	return rc ? lmdb_error(rc, "cannot begin an index transaction") : 0;
}

int index_begin(struct index *ix, MDB_txn **txn, int write)
{
	int rc;

	if (write && ix->readonly) {
		*txn = NULL;
		return error("cannot write the index '%s': %s", ix->path, strerror(ix->readonly));
	}

	/*
	 * Database handles survive only a committed transaction, so open
	 * them once in a transaction of their own.
	 */
	if (!ix->have_dbis) {
		if ((rc = txn_begin(ix, txn, write)))
			return rc;
		rc = open_dbis(ix, *txn, write);
		if (rc) {
			mdb_txn_abort(*txn);
			*txn = NULL;
			return rc;
		}
		if ((rc = mdb_txn_commit(*txn))) {
			*txn = NULL;
			return lmdb_error(rc, "cannot open the index databases");
		}
		ix->have_dbis = 1;
	}
	return txn_begin(ix, txn, write);
}

void index_drop_pages(struct index *ix)
{
	MDB_envinfo info;
	int i;

	/*
	 * LMDB does not export its map's address: find it in our mappings,
	 * once for each map size (LMDB maps anew only when the size changes)
	 */
	mdb_env_info(ix->env, &info);
	if (info.me_mapsize != ix->map_size) {
		FILE *maps = fopen("/proc/self/maps", "r");
		char line[4096];
		size_t plen = strlen(ix->path);

		ix->nmap = 0;
		ix->map_size = 0;
		if (!maps)
			return;
		while (fgets(line, sizeof(line), maps)) {
			size_t len = strlen(line);
			unsigned long start, end;

			if (len > plen + 1 && line[len - 1] == '\n' &&
			    !memcmp(line + len - 1 - plen, ix->path, plen) &&
			    sscanf(line, "%lx-%lx", &start, &end) == 2 && ix->nmap < 4) {
				ix->map[ix->nmap].start = start;
				ix->map[ix->nmap++].end = end;
			}
		}
		fclose(maps);
		ix->map_size = info.me_mapsize;
	}
	for (i = 0; i < ix->nmap; i++)
		madvise((void *)ix->map[i].start, ix->map[i].end - ix->map[i].start, MADV_DONTNEED);
}

/*
 * A hook's refresh goes on in the background holding the lock its parent
 * took, so that git returns at once and no other refresh starts
 * meanwhile: ROADMAP_LOCK_FD names the inherited descriptor.
 */
static int inherited_lock(struct index *ix)
{
	const char *env = getenv("ROADMAP_LOCK_FD");
	struct stat a, b;
	int fd;

	if (!env || !*env)
		return 0;
	fd = atoi(env);
	unsetenv("ROADMAP_LOCK_FD");
	if (fd < 0 || fstat(fd, &a) < 0 || stat(ix->lockpath, &b) < 0 ||
	    a.st_dev != b.st_dev || a.st_ino != b.st_ino)
		return 0;
	ix->lockfd = fd;
	fcntl(fd, F_SETFD, FD_CLOEXEC);
	return 1;
}

int index_lock(struct index *ix, int wait)
{
	if (ix->lockfd < 0 && inherited_lock(ix))
		return 0;
	if (ix->lockfd < 0) {
		ix->lockfd = open(ix->lockpath, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
		if (ix->lockfd < 0)
			return error_errno("cannot open '%s'", ix->lockpath);
	}
	while (flock(ix->lockfd, LOCK_EX | (wait ? 0 : LOCK_NB)) < 0) {
		if (errno == EINTR)
			continue;
		if (errno == EWOULDBLOCK)
			return 1;
		return error_errno("cannot lock '%s'", ix->lockpath);
	}
	return 0;
}

void index_unlock(struct index *ix)
{
	if (ix->lockfd >= 0)
		flock(ix->lockfd, LOCK_UN);
}

void index_wait_refresh(struct index *ix)
{
	/* a shared lock on a descriptor of its own: it waits for the writer, not for other readers */
	int fd = open(ix->lockpath, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return;		/* no refresh ever ran here, or we may not read it */
	while (flock(fd, LOCK_SH) < 0 && errno == EINTR)
		;
	close(fd);
}

int meta_get(MDB_txn *txn, struct index *ix, const char *key, MDB_val *val)
{
	MDB_val k = { strlen(key), (void *)key };
	int rc = mdb_get(txn, ix->meta, &k, val);

	if (rc == MDB_NOTFOUND)
		return 1;
	return rc ? lmdb_error(rc, "cannot read the index") : 0;
}

int meta_equals(MDB_txn *txn, struct index *ix, const char *key, const void *data, size_t len)
{
	MDB_val v;

	return !meta_get(txn, ix, key, &v) && v.mv_size == len && !memcmp(v.mv_data, data, len);
}

int meta_put(MDB_txn *txn, struct index *ix, const char *key, const void *data, size_t len)
{
	MDB_val k = { strlen(key), (void *)key }, v = { len, (void *)data };
	int rc = mdb_put(txn, ix->meta, &k, &v, 0);

	return rc ? rc : 0;
}

int meta_put_str(MDB_txn *txn, struct index *ix, const char *key, const char *s)
{
	return meta_put(txn, ix, key, s, strlen(s));
}

int meta_get_u64(MDB_txn *txn, struct index *ix, const char *key, uint64_t *out)
{
	MDB_val v;
	char buf[32];
	int rc = meta_get(txn, ix, key, &v);

	*out = 0;
	if (rc)
		return rc < 0 ? rc : 0;
	if (v.mv_size >= sizeof(buf))
		return 0;
	memcpy(buf, v.mv_data, v.mv_size);
	buf[v.mv_size] = '\0';
	*out = strtoull(buf, NULL, 10);
	return 0;
}

int meta_put_u64(MDB_txn *txn, struct index *ix, const char *key, uint64_t v)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%llu", (unsigned long long)v);
	return meta_put_str(txn, ix, key, buf);
}

#define ROW_FILE_SIZE (1 + OID_RAW + 4 + 4 * 8)

void file_row_encode(const struct file_row *row, struct strbuf *out)
{
	strbuf_reset(out);
	/* the kind byte also says whether the blob is executable */
	strbuf_addch(out, row->kind == ROW_FILE && row->mode == 0100755 ? ROW_FILE_EXEC : row->kind);
	strbuf_add(out, row->oid, OID_RAW);
	if (row->kind == ROW_TREE)
		return;
	strbuf_add(out, &row->num, 4);
	strbuf_add(out, &row->mtime_ns, 8);
	strbuf_add(out, &row->ctime_ns, 8);
	strbuf_add(out, &row->size, 8);
	strbuf_add(out, &row->ino, 8);
}

int file_row_decode(struct file_row *row, const MDB_val *val)
{
	const unsigned char *p = val->mv_data;

	memset(row, 0, sizeof(*row));
	if (val->mv_size < 1 + OID_RAW)
		return -1;
	row->kind = p[0] == ROW_FILE_EXEC ? ROW_FILE : p[0];
	row->mode = p[0] == ROW_FILE_EXEC ? 0100755 : 0100644;
	memcpy(row->oid, p + 1, OID_RAW);
	if (row->kind == ROW_TREE)
		return val->mv_size == 1 + OID_RAW ? 0 : -1;
	if (row->kind != ROW_FILE || val->mv_size != ROW_FILE_SIZE)
		return -1;
	p += 1 + OID_RAW;
	memcpy(&row->num, p, 4);
	memcpy(&row->mtime_ns, p + 4, 8);
	memcpy(&row->ctime_ns, p + 12, 8);
	memcpy(&row->size, p + 20, 8);
	memcpy(&row->ino, p + 28, 8);
	return 0;
}

void num_row_encode(struct strbuf *out, const char *path, size_t plen, const char *rec, size_t reclen)
{
	strbuf_reset(out);
	put_varint(out, plen);
	strbuf_add(out, path, plen);
	strbuf_add(out, rec, reclen);
}

int num_row_decode(const MDB_val *val, const char **path, size_t *plen, const char **rec, size_t *reclen)
{
	const unsigned char *p = val->mv_data, *end = p + val->mv_size;

	if (!(p = get_varint(p, end, plen)) || *plen > (size_t)(end - p))
		return -1;
	*path = (const char *)p;
	*rec = (const char *)p + *plen;
	*reclen = end - p - *plen;
	return 0;
}

int file_row_record(MDB_txn *txn, struct index *ix, struct file_row *row)
{
	MDB_val k = { sizeof(row->num), &row->num }, v;
	const char *path;
	size_t plen;
	int rc = mdb_get(txn, ix->nums, &k, &v);

	if (rc)
		return rc;
	if (num_row_decode(&v, &path, &plen, &row->rec, &row->reclen) < 0)
		return MDB_CORRUPTED;
	return 0;
}

void index_end(MDB_txn *txn)
{
	mdb_txn_abort(txn);
}

void crash_point(const char *what)
{
	static long at[2] = { -1, 0 };

	test_crash_point("ROADMAP_TEST_CRASH_AT", "write", what, at);
}

int index_commit(MDB_txn *txn, const char *what)
{
	int rc;

	crash_point(what);
	if ((rc = mdb_txn_commit(txn)))
		return rc;
	crash_point(what);
	return 0;
}

void digest_update(unsigned char *digest, const char *path, size_t plen,
		   const unsigned char *oid, int add)
{
	struct sha1 c;
	unsigned char h[20];
	unsigned carry = 0;
	int i;

	sha1_init(&c);
	sha1_update(&c, path, plen);
	sha1_update(&c, "", 1);
	sha1_update(&c, oid, OID_RAW);
	sha1_final(h, &c);
	/* little-endian 160-bit add or subtract; carries and borrows fall off the top */
	for (i = 0; i < DIGEST_RAW; i++) {
		unsigned v = add ? digest[i] + h[i] + carry : digest[i] - h[i] - carry + 256;
		digest[i] = v & 255;
		carry = add ? v >> 8 : !(v >> 8);
	}
}

struct term_postings {
	struct index *ix;
	posting_fn fn;
	void *data;
	struct strbuf key;
};

static int term_posting(const char *key, size_t keylen, const struct node *val, void *data)
{
	struct term_postings *tp = data;

	/* `issues` indexes the id; long values (titles, text) are scanned */
	if (val->len > TERM_VALUE_MAX || (keylen == 2 && !memcmp(key, "id", 2)))
		return 0;
	term_key(&tp->key, key, keylen, val->text, val->len);
	return tp->fn(tp->ix->terms, tp->key.buf, tp->key.len, tp->data);
}

int index_postings(struct index *ix, const char *path, const void *buf, size_t len,
		   posting_fn fn, void *data)
{
	struct term_postings tp = { ix, fn, data, STRBUF_INIT };
	struct record rec;
	const char *id;
	size_t idlen;
	int rc;

	if (record_decode(&rec, buf, len) < 0)
		return 0;
	if (rec.kind == RECORD_INVALID ||
	    (rec.kind == RECORD_ISSUE && issue_file_id(&rec, path, &id, &idlen)))
		return fn(ix->invalid, path, strlen(path), data);
	if (rec.kind != RECORD_ISSUE || !idlen)
		return 0;
	if ((rc = fn(ix->issues, id, idlen, data)))
		return rc;
	rc = record_foreach_scalar(&rec, term_posting, &tp);
	strbuf_release(&tp.key);
	return rc;
}

int posting_list_add(MDB_dbi db, const void *key, size_t klen, void *list)
{
	struct posting_list *pl = list;
	uint32_t hdr[2] = { db, klen };

	ALLOC_GROW(pl->off, pl->nr + 1, pl->alloc);
	pl->off[pl->nr++] = pl->arena.len;
	strbuf_add(&pl->arena, hdr, sizeof(hdr));
	strbuf_add(&pl->arena, key, klen);
	strbuf_add(&pl->arena, &pl->num, sizeof(pl->num));
	return 0;
}

static void posting_decode(const char *p, struct posting *out)
{
	uint32_t hdr[2];

	memcpy(hdr, p, sizeof(hdr));
	out->db = hdr[0];
	out->klen = hdr[1];
	out->key = p + sizeof(hdr);
	memcpy(&out->num, out->key + out->klen, sizeof(out->num));
}

void posting_at(const struct posting_list *pl, size_t i, struct posting *out)
{
	posting_decode(pl->arena.buf + pl->off[i], out);
}

int posting_cmp(const struct posting *a, const struct posting *b)
{
	int c;

	if (a->db != b->db)
		return a->db < b->db ? -1 : 1;
	if ((c = memcmp(a->key, b->key, a->klen < b->klen ? a->klen : b->klen)))
		return c;
	if (a->klen != b->klen)
		return a->klen < b->klen ? -1 : 1;
	return a->num < b->num ? -1 : a->num > b->num;
}

static int cmp_off(const void *a, const void *b, void *arena)
{
	struct posting x, y;

	posting_decode((const char *)arena + *(const size_t *)a, &x);
	posting_decode((const char *)arena + *(const size_t *)b, &y);
	return posting_cmp(&x, &y);
}

void posting_list_sort(struct posting_list *pl)
{
	size_t i, j;

	if (pl->nr < 2)
		return;
	qsort_r(pl->off, pl->nr, sizeof(*pl->off), cmp_off, pl->arena.buf);
	/* a value twice in one file (a list) is one posting */
	for (i = j = 0; i < pl->nr; i++) {
		struct posting x, y;
		if (j) {
			posting_at(pl, j - 1, &x);
			posting_at(pl, i, &y);
			if (!posting_cmp(&x, &y))
				continue;
		}
		pl->off[j++] = pl->off[i];
	}
	pl->nr = j;
}

void posting_list_reset(struct posting_list *pl)
{
	strbuf_reset(&pl->arena);
	pl->nr = 0;
}

void posting_list_release(struct posting_list *pl)
{
	strbuf_release(&pl->arena);
	free(pl->off);
	pl->off = NULL;
	pl->nr = pl->alloc = 0;
}

int term_key(struct strbuf *out, const char *field, size_t flen, const char *val, size_t vlen)
{
	uint64_t h = 14695981039346656037ULL;
	size_t i;

	strbuf_reset(out);
	strbuf_add(out, field, flen);
	strbuf_addch(out, 0x1f);
	strbuf_add(out, val, vlen);
	if (out->len <= TERM_KEY_MAX)
		return !memchr(field, 0x1f, flen) && !memchr(val, 0x1f, vlen);
	for (i = 0; i < out->len; i++)
		h = (h ^ (unsigned char)out->buf[i]) * 1099511628211ULL;
	strbuf_setlen(out, TERM_KEY_MAX - 17);
	strbuf_addf(out, "\x1e%016llx", (unsigned long long)h);
	return 0;
}

int index_report_invalid(struct index *ix)
{
	MDB_txn *txn;
	MDB_cursor *c;
	MDB_val k, v;
	struct file_row row;
	struct record rec;
	int rc;

	if ((rc = index_begin(ix, &txn, 0)))
		return rc < 0 ? rc : 0;
	if ((rc = mdb_cursor_open(txn, ix->invalid, &c))) {
		mdb_txn_abort(txn);
		return lmdb_error(rc, "cannot read the index");
	}
	while (!mdb_cursor_get(c, &k, &v, MDB_NEXT)) {
		const char *id;
		size_t idlen;
		char *path = xmemdupz(k.mv_data, k.mv_size);
		struct strbuf q = STRBUF_INIT;
		/* one line each, whatever the path holds: quoted as git quotes paths */
		quote_path(&q, path, k.mv_size, 0);
		if (!index_get_file(txn, ix, k.mv_data, k.mv_size, &row) &&
		    !file_row_record(txn, ix, &row) && !record_decode(&rec, row.rec, row.reclen)) {
			if (rec.kind == RECORD_INVALID)
				fprintf(stderr, "%s: %s:%.*s\n", progname, q.buf, (int)rec.errlen, rec.err);
			else
				fprintf(stderr, "%s: %s:%s\n", progname, q.buf,
					issue_file_id(&rec, path, &id, &idlen));
		}
		strbuf_release(&q);
		free(path);
	}
	mdb_cursor_close(c);
	mdb_txn_abort(txn);
	return 0;
}
