#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "issue.h"
#include "overlay.h"
#include "record.h"
#include "sha1.h"
#include "usage.h"
#include "xalloc.h"

struct disk_file {
	char *path;		/* relative to the work tree */
	size_t dirlen;		/* path[0..dirlen) is its directory, with '/' */
	struct stat st;
	int ok;			/* stat succeeded on a regular file */
};

struct scan {
	const char *workdir;
	struct disk_file *f;
	size_t nr, alloc;
	struct overlay *ov;	/* for the names skipped */
};

struct name {
	char *s;
	int dir;
};

/* git's order: a directory sorts as if its name ended in '/' */
static int cmp_names(const void *pa, const void *pb)
{
	const struct name *a = pa, *b = pb;
	const unsigned char *x = (const unsigned char *)a->s, *y = (const unsigned char *)b->s;

	while (*x && *x == *y)
		x++, y++;
	return (*x ? *x : a->dir ? '/' : 0) - (*y ? *y : b->dir ? '/' : 0);
}

static void skip_name(struct scan *sc, const struct strbuf *rel, const char *name,
		      enum overlay_skip kind)
{
	struct overlay *ov = sc->ov;
	struct overlay_skipped *sk;

	if (!issue_name(name))
		return;
	ALLOC_GROW(ov->skipped, ov->nr_skipped + 1, ov->alloc_skipped);
	sk = &ov->skipped[ov->nr_skipped++];
	sk->path = xmalloc(rel->len + strlen(name) + 1);
	memcpy(sk->path, rel->buf, rel->len);
	strcpy(sk->path + rel->len, name);
	sk->kind = kind;
}

/* Whether the directory open at fd is a work tree of its own (git does not enter it). */
static int is_repo(int fd)
{
	struct stat st;

	return !fstatat(fd, ".git", &st, AT_SYMLINK_NOFOLLOW);
}

/*
 * Collect the *.md files under the directory `rel` (ending in '/') in
 * git's order, so that they merge with the index rows without a sort of
 * full paths. Files are stat'ed later, in parallel.
 */
static void scan_dir(struct scan *sc, int dirfd, struct strbuf *rel)
{
	DIR *d = fdopendir(dirfd);
	struct dirent *de;
	struct name *names = NULL;
	size_t nr = 0, alloc = 0, i, len = rel->len;

	if (!d) {
		close(dirfd);
		return;
	}
	while ((de = readdir(d))) {
		int dir = de->d_type == DT_DIR;

		if (de->d_name[0] == '.' && (!de->d_name[1] || (de->d_name[1] == '.' && !de->d_name[2])))
			continue;
		if (de->d_type == DT_UNKNOWN) {
			struct stat st;
			if (fstatat(dirfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
				continue;
			dir = S_ISDIR(st.st_mode);
			if (S_ISLNK(st.st_mode))
				skip_name(sc, rel, de->d_name, OVERLAY_SYMLINK);
			if (!dir && !S_ISREG(st.st_mode))
				continue;
		} else if (!dir && de->d_type != DT_REG) {
			/* symlinks are not issues, as in HEAD */
			if (de->d_type == DT_LNK)
				skip_name(sc, rel, de->d_name, OVERLAY_SYMLINK);
			continue;
		}
		if (!dir && !issue_name(de->d_name))
			continue;
		ALLOC_GROW(names, nr + 1, alloc);
		names[nr].s = xstrdup(de->d_name);
		names[nr++].dir = dir;
	}
	if (nr)
		qsort(names, nr, sizeof(*names), cmp_names);
	for (i = 0; i < nr; i++) {
		strbuf_setlen(rel, len);
		strbuf_addstr(rel, names[i].s);
		if (names[i].dir) {
			int fd = openat(dirfd, names[i].s, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (fd >= 0 && is_repo(fd)) {
				strbuf_setlen(rel, len);
				skip_name(sc, rel, names[i].s, OVERLAY_REPO);
				close(fd);
			} else if (fd >= 0) {
				strbuf_addch(rel, '/');
				scan_dir(sc, fd, rel);
			}
		} else {
			ALLOC_GROW(sc->f, sc->nr + 1, sc->alloc);
			sc->f[sc->nr].path = xstrdup(rel->buf);
			sc->f[sc->nr].dirlen = len;
			sc->f[sc->nr].ok = 0;
			sc->nr++;
		}
		free(names[i].s);
	}
	free(names);
	strbuf_setlen(rel, len);
	closedir(d);
}

struct stat_job {
	struct scan *sc;
	size_t from, to;
};

/* stat f[from..to), opening each directory once */
static void *stat_files(void *data)
{
	struct stat_job *job = data;
	struct strbuf dir = STRBUF_INIT;
	int fd = -1;
	size_t i;

	for (i = job->from; i < job->to; i++) {
		struct disk_file *f = &job->sc->f[i];

		if (fd < 0 || dir.len != f->dirlen || memcmp(dir.buf, f->path, f->dirlen)) {
			struct strbuf full = STRBUF_INIT;
			if (fd >= 0)
				close(fd);
			strbuf_reset(&dir);
			strbuf_add(&dir, f->path, f->dirlen);
			strbuf_addf(&full, "%s%s", job->sc->workdir, dir.buf);
			fd = open(full.buf, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
			strbuf_release(&full);
		}
		f->ok = fd >= 0 && !fstatat(fd, f->path + f->dirlen, &f->st, AT_SYMLINK_NOFOLLOW) &&
			S_ISREG(f->st.st_mode);
	}
	if (fd >= 0)
		close(fd);
	strbuf_release(&dir);
	return NULL;
}

/* One stat per file is the bound of a working-tree query: use the cores. */
static void stat_all(struct scan *sc)
{
	enum { MAX_THREADS = 4, MIN_PER_THREAD = 2048 };
	struct stat_job jobs[MAX_THREADS];
	pthread_t tid[MAX_THREADS];
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	size_t n = cpus < 1 ? 1 : cpus > MAX_THREADS ? MAX_THREADS : (size_t)cpus, i;
	int started[MAX_THREADS] = { 0 };

	while (n > 1 && sc->nr / n < MIN_PER_THREAD)
		n--;
	for (i = 0; i < n; i++) {
		jobs[i].sc = sc;
		jobs[i].from = sc->nr * i / n;
		jobs[i].to = sc->nr * (i + 1) / n;
		if (i && !pthread_create(&tid[i], NULL, stat_files, &jobs[i]))
			started[i] = 1;
	}
	stat_files(&jobs[0]);
	for (i = 1; i < n; i++) {
		if (started[i])
			pthread_join(tid[i], NULL);
		else
			stat_files(&jobs[i]);
	}
}

static int64_t ns(const struct timespec *ts)
{
	return (int64_t)ts->tv_sec * 1000000000 + ts->tv_nsec;
}

static struct overlay_file *add_file(struct overlay *ov, const char *path, size_t len)
{
	struct overlay_file *f;

	ALLOC_GROW(ov->files, ov->nr + 1, ov->alloc);
	f = &ov->files[ov->nr++];
	memset(f, 0, sizeof(*f));
	f->path = xmemdupz(path, len);
	return f;
}

/*
 * Read the working file at wd/path into buf; -1 when it vanished, or
 * became a symbolic link since it was stat'ed.
 */
static int read_file(struct strbuf *buf, const struct repo_paths *p, const char *path)
{
	struct strbuf full = STRBUF_INIT;
	int fd, rc;

	strbuf_addf(&full, "%s%s", p->workdir, path);
	strbuf_reset(buf);
	fd = open(full.buf, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	strbuf_release(&full);
	if (fd < 0)
		return -1;
	for (rc = 0;;) {
		ssize_t n;
		strbuf_grow(buf, 8192);
		n = read(fd, buf->buf + buf->len, buf->alloc - buf->len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			rc = n < 0 ? -1 : 0;
			break;
		}
		strbuf_setlen(buf, buf->len + n);
	}
	close(fd);
	return rc;
}

/*
 * Open the root directory `root` below the work tree, every component a
 * real directory: a root reached through a symbolic link holds nothing,
 * as in HEAD, where git stores the link and no files under it.
 */
static int open_root(const char *workdir, const char *root)
{
	struct strbuf comp = STRBUF_INIT;
	const char *p = root;
	int fd = open(workdir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	while (fd >= 0 && *p) {
		size_t len = strcspn(p, "/");
		int next;
		strbuf_reset(&comp);
		strbuf_add(&comp, p, len);
		next = openat(fd, comp.buf, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		close(fd);
		fd = next;
		p += len;
		p += *p == '/';
	}
	strbuf_release(&comp);
	return fd;
}

static int is_invalid_in_head(MDB_txn *txn, struct index *ix, const char *path, size_t len)
{
	MDB_val k = { len, (void *)path }, v;

	return !mdb_get(txn, ix->invalid, &k, &v);
}

/* Compare one disk file with its row (row may be NULL). */
static void check_file(struct overlay *ov, struct index *ix, MDB_txn *txn,
		       const struct repo_paths *p, const struct disk_file *df,
		       const struct file_row *row, struct strbuf *rec, struct strbuf *buf,
		       time_t now)
{
	struct overlay_file *f;
	unsigned char oid[OID_RAW];
	unsigned mode;

	if (!df->ok) {
		/* gone between readdir and stat, or not a regular file */
		if (row) {
			f = add_file(ov, df->path, strlen(df->path));
			f->deleted = 1;
			f->head_invalid = is_invalid_in_head(txn, ix, df->path, strlen(df->path));
		}
		return;
	}
	if (row && row->size == (uint64_t)df->st.st_size && row->ino == (uint64_t)df->st.st_ino &&
	    row->mtime_ns == ns(&df->st.st_mtim) && row->ctime_ns == ns(&df->st.st_ctim) &&
	    row->mtime_ns)
		return;		/* clean: not read */
	if (read_file(buf, p, df->path) < 0)
		return;		/* vanished: the row's side wins this time */
	git_blob_oid(oid, buf->buf, buf->len);
	mode = df->st.st_mode & 0111 ? 0100755 : 0100644;
	if (row && !memcmp(oid, row->oid, OID_RAW) && mode == row->mode) {
		/* HEAD's blob: clean; remember it unless racy */
		if (df->st.st_mtim.tv_sec + 1 < now) {
			struct overlay_stat *s;
			ALLOC_GROW(ov->stats, ov->nr_stats + 1, ov->alloc_stats);
			s = &ov->stats[ov->nr_stats++];
			s->path = xstrdup(df->path);
			memcpy(s->oid, row->oid, OID_RAW);
			s->mtime_ns = ns(&df->st.st_mtim);
			s->ctime_ns = ns(&df->st.st_ctim);
			s->size = df->st.st_size;
			s->ino = df->st.st_ino;
		}
		return;
	}
	strbuf_reset(rec);
	issue_parse(rec, buf->buf, buf->len);
	f = add_file(ov, df->path, strlen(df->path));
	f->rec = xmemdupz(rec->buf, rec->len);
	f->reclen = rec->len;
	f->mode = mode;
	memcpy(f->oid, oid, OID_RAW);
	f->head_invalid = row && is_invalid_in_head(txn, ix, df->path, strlen(df->path));
}

static int overlay_root(struct overlay *ov, struct index *ix, MDB_txn *txn,
			const struct repo_paths *p, const char *root, struct strbuf *rec,
			struct strbuf *buf)
{
	struct scan sc = { p->workdir, NULL, 0, 0, ov };
	struct strbuf rel = STRBUF_INIT;
	MDB_cursor *c;
	MDB_val k, v;
	struct file_row row;
	size_t i = 0, plen;
	time_t now = time(NULL);
	int fd, rc, have;

	strbuf_addf(&rel, "%s/", root);
	plen = rel.len;
	fd = open_root(p->workdir, root);
	if (fd >= 0)
		scan_dir(&sc, fd, &rel);
	stat_all(&sc);

	if ((rc = mdb_cursor_open(txn, ix->files, &c))) {
		rc = lmdb_error(rc, "cannot read the index");
		goto out;
	}
	k.mv_size = plen;
	k.mv_data = rel.buf;
	strbuf_setlen(&rel, plen);
	have = !mdb_cursor_get(c, &k, &v, MDB_SET_RANGE);
	for (;;) {
		int cmp;

		/* rows of directories are not files */
		while (have && k.mv_size >= plen && !memcmp(k.mv_data, rel.buf, plen) &&
		       ((const char *)k.mv_data)[k.mv_size - 1] == '/')
			have = !mdb_cursor_get(c, &k, &v, MDB_NEXT);
		if (have && (k.mv_size < plen || memcmp(k.mv_data, rel.buf, plen)))
			have = 0;
		if (!have && i >= sc.nr)
			break;
		if (!have)
			cmp = 1;
		else if (i >= sc.nr)
			cmp = -1;
		else {
			size_t l = strlen(sc.f[i].path), n = l < k.mv_size ? l : k.mv_size;
			cmp = memcmp(k.mv_data, sc.f[i].path, n);
			if (!cmp)
				cmp = k.mv_size < l ? -1 : k.mv_size > l;
		}
		if (cmp < 0) {
			/* in HEAD, gone from the working tree */
			struct overlay_file *f = add_file(ov, k.mv_data, k.mv_size);
			f->deleted = 1;
			f->head_invalid = is_invalid_in_head(txn, ix, k.mv_data, k.mv_size);
			have = !mdb_cursor_get(c, &k, &v, MDB_NEXT);
		} else if (cmp > 0) {
			check_file(ov, ix, txn, p, &sc.f[i++], NULL, rec, buf, now);
		} else {
			if (file_row_decode(&row, &v) < 0)
				memset(&row, 0, sizeof(row));
			check_file(ov, ix, txn, p, &sc.f[i++], &row, rec, buf, now);
			have = !mdb_cursor_get(c, &k, &v, MDB_NEXT);
		}
	}
	mdb_cursor_close(c);
out:
	for (i = 0; i < sc.nr; i++)
		free(sc.f[i].path);
	free(sc.f);
	strbuf_release(&rel);
	return rc;
}

static int cmp_ovfile(const void *a, const void *b)
{
	return strcmp(((const struct overlay_file *)a)->path, ((const struct overlay_file *)b)->path);
}

int overlay_compute(struct overlay *ov, struct index *ix, MDB_txn *txn,
		    const struct repo_paths *p, const char *roots, size_t rootslen)
{
	struct strbuf rec = STRBUF_INIT, buf = STRBUF_INIT;
	const char *root;
	int rc = 0;

	if (!p->workdir)
		return 0;
	for (root = roots; root < roots + rootslen && !rc; root += strlen(root) + 1)
		rc = overlay_root(ov, ix, txn, p, root, &rec, &buf);
	if (ov->nr)
		qsort(ov->files, ov->nr, sizeof(*ov->files), cmp_ovfile);
	strbuf_release(&rec);
	strbuf_release(&buf);
	return rc;
}

const struct overlay_file *overlay_find(const struct overlay *ov, const char *path, size_t len)
{
	size_t lo = 0, hi = ov->nr;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const char *q = ov->files[mid].path;
		size_t ql = strlen(q), n = ql < len ? ql : len;
		int c = memcmp(q, path, n);

		if (!c)
			c = ql < len ? -1 : ql > len;
		if (!c)
			return &ov->files[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

int overlay_save_stats(struct overlay *ov, struct index *ix)
{
	struct strbuf sb = STRBUF_INIT;
	MDB_txn *txn;
	size_t i;
	int rc;

	if (!ov->nr_stats || ix->readonly || index_lock(ix, 0))
		return 0;	/* nothing to record, or a refresh is running */
	if (index_begin(ix, &txn, 1)) {
		index_unlock(ix);
		return -1;
	}
	for (i = 0; i < ov->nr_stats; i++) {
		struct overlay_stat *s = &ov->stats[i];
		MDB_val k = { strlen(s->path), s->path }, v;
		struct file_row row;

		/* only if the row still names the blob the file was compared with */
		if (mdb_get(txn, ix->files, &k, &v) || file_row_decode(&row, &v) ||
		    row.kind != ROW_FILE || memcmp(row.oid, s->oid, OID_RAW))
			continue;
		row.mtime_ns = s->mtime_ns;
		row.ctime_ns = s->ctime_ns;
		row.size = s->size;
		row.ino = s->ino;
		file_row_encode(&row, &sb);
		v.mv_size = sb.len;
		v.mv_data = sb.buf;
		if ((rc = mdb_put(txn, ix->files, &k, &v, 0)))
			break;
	}
	rc = i < ov->nr_stats ? -1 : index_commit(txn, "stat data");
	if (i < ov->nr_stats)
		mdb_txn_abort(txn);
	index_unlock(ix);
	strbuf_release(&sb);
	return rc ? -1 : 0;	/* a cache: failing to record costs only time */
}

void overlay_release(struct overlay *ov)
{
	size_t i;

	for (i = 0; i < ov->nr; i++) {
		free(ov->files[i].path);
		free(ov->files[i].rec);
	}
	free(ov->files);
	for (i = 0; i < ov->nr_stats; i++)
		free(ov->stats[i].path);
	free(ov->stats);
	for (i = 0; i < ov->nr_skipped; i++)
		free(ov->skipped[i].path);
	free(ov->skipped);
	memset(ov, 0, sizeof(*ov));
}
