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
#include "watch.h"
#include "xalloc.h"

/*
 * What a scan keeps of a file's stat data: a fifth of struct stat, which
 * at 100,000 files was 30 MB of the scan's memory to fault in (a query
 * without a watcher spent a third of its system time so).
 */
struct disk_stat {
	int64_t mtime_ns, ctime_ns;
	uint64_t size, ino;
	unsigned mode, nlink;
};

struct disk_file {
	char *path;		/* relative to the work tree */
	size_t dirlen;		/* path[0..dirlen) is its directory, with '/' */
	struct disk_stat st;
	int ok;			/* stat succeeded on a regular file */
};

struct scan {
	struct disk_file *f;
	size_t nr, alloc;
	struct overlay *ov;	/* for the names skipped */
};

enum { ENT_FILE, ENT_DIR, ENT_SYMLINK, ENT_REPO, ENT_NONE };

struct dir_entry {
	char *name;
	int kind, dir;		/* ENT_*; dir: sorts as a directory */
	size_t child;		/* ENT_DIR: its job */
	struct disk_stat st;
	int ok;			/* ENT_FILE: a regular file, stat'ed */
};

/* One directory to read: its entries in git's order once done. */
struct dir_job {
	char *rel;		/* relative to the work tree, ending in '/' */
	int fd;
	struct dir_entry *e;
	size_t nr, alloc;
};

/* The directories of one root, read and stat'ed by the cores in parallel. */
struct dir_queue {
	pthread_mutex_t lock;
	pthread_cond_t more;
	struct dir_job **jobs;
	size_t nr, alloc, next, busy;
};

/* git's order: a directory sorts as if its name ended in '/' */
static int cmp_entries(const void *pa, const void *pb)
{
	const struct dir_entry *a = pa, *b = pb;
	const unsigned char *x = (const unsigned char *)a->name, *y = (const unsigned char *)b->name;

	while (*x && *x == *y)
		x++, y++;
	return (*x ? *x : a->dir ? '/' : 0) - (*y ? *y : b->dir ? '/' : 0);
}

static int64_t ns(const struct timespec *ts)
{
	return (int64_t)ts->tv_sec * 1000000000 + ts->tv_nsec;
}

static void keep_stat(struct disk_stat *out, const struct stat *st)
{
	out->mtime_ns = ns(&st->st_mtim);
	out->ctime_ns = ns(&st->st_ctim);
	out->size = st->st_size;
	out->ino = st->st_ino;
	out->mode = st->st_mode;
	out->nlink = st->st_nlink;
}

/* Whether the directory open at fd is a work tree of its own (git does not enter it). */
static int is_repo(int fd)
{
	struct stat st;

	return !fstatat(fd, ".git", &st, AT_SYMLINK_NOFOLLOW);
}

/* Queue the directory open at fd; the caller holds no lock. Returns its job. */
static size_t queue_dir(struct dir_queue *q, const char *rel, size_t len, int fd)
{
	struct dir_job *job = xcalloc(1, sizeof(*job));
	size_t n;

	job->rel = xmemdupz(rel, len);
	job->fd = fd;
	pthread_mutex_lock(&q->lock);
	ALLOC_GROW(q->jobs, q->nr + 1, q->alloc);
	n = q->nr;
	q->jobs[q->nr++] = job;
	pthread_cond_signal(&q->more);
	pthread_mutex_unlock(&q->lock);
	return n;
}

/*
 * Read one directory: its *.md files (stat'ed here, while the directory
 * is at hand), its subdirectories (queued) and the names to skip, sorted
 * in git's order so that they merge with the index rows unsorted.
 */
static void read_dir(struct dir_queue *q, struct dir_job *job)
{
	DIR *d = fdopendir(job->fd);
	struct dirent *de;
	struct strbuf rel = STRBUF_INIT;
	size_t i;

	if (!d) {
		close(job->fd);
		return;
	}
	while ((de = readdir(d))) {
		int kind = de->d_type == DT_DIR ? ENT_DIR : de->d_type == DT_REG ? ENT_FILE :
			de->d_type == DT_LNK ? ENT_SYMLINK : ENT_NONE;
		struct dir_entry *e;

		if (de->d_name[0] == '.' && (!de->d_name[1] || (de->d_name[1] == '.' && !de->d_name[2])))
			continue;
		if (de->d_type == DT_UNKNOWN) {
			struct stat st;
			if (fstatat(job->fd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
				continue;
			kind = S_ISDIR(st.st_mode) ? ENT_DIR : S_ISREG(st.st_mode) ? ENT_FILE :
				S_ISLNK(st.st_mode) ? ENT_SYMLINK : ENT_NONE;
		}
		/* symlinks are not issues, as in HEAD: named, when they look like one */
		if (kind == ENT_NONE || (kind != ENT_DIR && !issue_name(de->d_name)))
			continue;
		ALLOC_GROW(job->e, job->nr + 1, job->alloc);
		e = &job->e[job->nr++];
		memset(e, 0, sizeof(*e));
		e->name = xstrdup(de->d_name);
		e->kind = kind;
		e->dir = kind == ENT_DIR;
	}
	if (job->nr)
		qsort(job->e, job->nr, sizeof(*job->e), cmp_entries);
	for (i = 0; i < job->nr; i++) {
		struct dir_entry *e = &job->e[i];
		int fd;

		if (e->kind == ENT_FILE) {
			struct stat st;
			e->ok = !fstatat(job->fd, e->name, &st, AT_SYMLINK_NOFOLLOW) && S_ISREG(st.st_mode);
			if (e->ok)
				keep_stat(&e->st, &st);
			continue;
		}
		if (e->kind != ENT_DIR)
			continue;
		fd = openat(job->fd, e->name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0) {
			e->kind = ENT_NONE;
		} else if (is_repo(fd)) {
			e->kind = ENT_REPO;
			close(fd);
		} else {
			strbuf_reset(&rel);
			strbuf_addf(&rel, "%s%s/", job->rel, e->name);
			e->child = queue_dir(q, rel.buf, rel.len, fd);
		}
	}
	strbuf_release(&rel);
	closedir(d);
}

static void *dir_worker(void *data)
{
	struct dir_queue *q = data;

	pthread_mutex_lock(&q->lock);
	for (;;) {
		struct dir_job *job;

		while (q->next == q->nr && q->busy)
			pthread_cond_wait(&q->more, &q->lock);
		if (q->next == q->nr)
			break;	/* none left, and none being read that could add one */
		job = q->jobs[q->next++];
		q->busy++;
		pthread_mutex_unlock(&q->lock);
		read_dir(q, job);
		pthread_mutex_lock(&q->lock);
		if (!--q->busy)
			pthread_cond_broadcast(&q->more);
	}
	pthread_mutex_unlock(&q->lock);
	return NULL;
}

static char *join(const char *dir, const char *name)
{
	size_t a = strlen(dir), b = strlen(name);
	char *s = xmalloc(a + b + 1);

	memcpy(s, dir, a);
	memcpy(s + a, name, b + 1);
	return s;
}

static void skip_name(struct scan *sc, const char *dir, const char *name, enum overlay_skip kind)
{
	struct overlay *ov = sc->ov;
	struct overlay_skipped *sk;

	ALLOC_GROW(ov->skipped, ov->nr_skipped + 1, ov->alloc_skipped);
	sk = &ov->skipped[ov->nr_skipped++];
	sk->path = join(dir, name);
	sk->kind = kind;
}

/* The files of job n and of its subdirectories, depth first: git's order. */
static void collect(struct scan *sc, struct dir_queue *q, size_t n)
{
	struct dir_job *job = q->jobs[n];
	size_t i, len = strlen(job->rel);

	for (i = 0; i < job->nr; i++) {
		struct dir_entry *e = &job->e[i];

		if (e->kind == ENT_DIR) {
			collect(sc, q, e->child);
		} else if (e->kind == ENT_SYMLINK) {
			skip_name(sc, job->rel, e->name, OVERLAY_SYMLINK);
		} else if (e->kind == ENT_REPO) {
			if (issue_name(e->name))
				skip_name(sc, job->rel, e->name, OVERLAY_REPO);
		} else if (e->kind == ENT_FILE) {
			struct disk_file *f;
			ALLOC_GROW(sc->f, sc->nr + 1, sc->alloc);
			f = &sc->f[sc->nr++];
			f->path = join(job->rel, e->name);
			f->dirlen = len;
			f->st = e->st;
			f->ok = e->ok;
		}
		free(e->name);
	}
	free(job->e);
	free(job->rel);
	free(job);
}

/*
 * Read the directory tree at fd (the root `rel`, ending in '/') into sc,
 * in git's order. One stat per file is the bound of a working-tree
 * query: the directories are shared out among the cores.
 */
static void scan_root(struct scan *sc, int fd, const char *rel)
{
	enum { MAX_THREADS = 4 };
	struct dir_queue q;
	pthread_t tid[MAX_THREADS];
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	size_t n = cpus < 1 ? 1 : cpus > MAX_THREADS ? MAX_THREADS : (size_t)cpus, i, started = 0;

	memset(&q, 0, sizeof(q));
	pthread_mutex_init(&q.lock, NULL);
	pthread_cond_init(&q.more, NULL);
	queue_dir(&q, rel, strlen(rel), fd);
	for (i = 1; i < n; i++)
		if (!pthread_create(&tid[started], NULL, dir_worker, &q))
			started++;
	dir_worker(&q);
	for (i = 0; i < started; i++)
		pthread_join(tid[i], NULL);
	collect(sc, &q, 0);
	free(q.jobs);
	pthread_mutex_destroy(&q.lock);
	pthread_cond_destroy(&q.more);
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
 * as in HEAD, where git stores the link and no files under it. Nor does
 * a root inside a submodule or a nested repository (a component holding
 * ".git"): git lists none of its files (git ls-files).
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
		if (fd >= 0 && is_repo(fd)) {
			close(fd);
			fd = -1;
		}
		p += len;
		p += *p == '/';
	}
	strbuf_release(&comp);
	return fd;
}

/*
 * Whether a folder on the way to path (below the work tree) holds ".git":
 * the file is a submodule's, which a scan does not enter.
 */
static int in_nested_repo(const char *workdir, const char *path)
{
	struct strbuf dir = STRBUF_INIT;
	const char *slash;
	struct stat st;
	int found = 0;

	for (slash = strchr(path, '/'); slash && !found; slash = strchr(slash + 1, '/')) {
		strbuf_reset(&dir);
		strbuf_addf(&dir, "%s%.*s/.git", workdir, (int)(slash - path), path);
		found = !lstat(dir.buf, &st);
	}
	strbuf_release(&dir);
	return found;
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

	if (df->ok && df->st.nlink > 1) {
		ALLOC_GROW(ov->linked, ov->nr_linked + 1, ov->alloc_linked);
		ov->linked[ov->nr_linked++] = xstrdup(df->path);
	}
	if (!df->ok) {
		/* gone between readdir and stat, or not a regular file */
		if (row) {
			f = add_file(ov, df->path, strlen(df->path));
			f->deleted = 1;
			f->head_invalid = is_invalid_in_head(txn, ix, df->path, strlen(df->path));
		}
		return;
	}
	if (row && row->size == df->st.size && row->ino == df->st.ino &&
	    row->mtime_ns == df->st.mtime_ns && row->ctime_ns == df->st.ctime_ns && row->mtime_ns)
		return;		/* clean: not read */
	if (read_file(buf, p, df->path) < 0)
		return;		/* vanished: the row's side wins this time */
	git_blob_oid(oid, buf->buf, buf->len);
	mode = df->st.mode & 0111 ? 0100755 : 0100644;
	if (row && !memcmp(oid, row->oid, OID_RAW) && mode == row->mode) {
		/* HEAD's blob: clean; remember it unless racy */
		if (df->st.mtime_ns / 1000000000 + 1 < now) {
			struct overlay_stat *s;
			ALLOC_GROW(ov->stats, ov->nr_stats + 1, ov->alloc_stats);
			s = &ov->stats[ov->nr_stats++];
			s->path = xstrdup(df->path);
			memcpy(s->oid, row->oid, OID_RAW);
			s->mtime_ns = df->st.mtime_ns;
			s->ctime_ns = df->st.ctime_ns;
			s->size = df->st.size;
			s->ino = df->st.ino;
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
	struct scan sc = { NULL, 0, 0, ov };
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
		scan_root(&sc, fd, rel.buf);

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

int overlay_scan(struct overlay *ov, struct index *ix, MDB_txn *txn,
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

int overlay_compute(struct overlay *ov, struct index *ix, MDB_txn *txn,
		    const struct repo_paths *p, const char *roots, size_t rootslen)
{
	struct strbuf ans = STRBUF_INIT;
	int asked = -1;

	if (!p->workdir)
		return 0;
	if (!watch_query(ix, txn, p, &ans)) {
		struct overlay got = OVERLAY_INIT;
		if (!(asked = overlay_decode(&got, ans.buf, ans.len))) {
			overlay_release(ov);
			*ov = got;
		} else {
			overlay_release(&got);
		}
	}
	strbuf_release(&ans);
	if (asked && overlay_scan(ov, ix, txn, p, roots, rootslen))
		return -1;
	return overlay_apply_sparse(ov, ix, txn, p, roots, rootslen);
}

static int cmp_skipped(const void *a, const void *b)
{
	return strcmp(((const struct overlay_skipped *)a)->path,
		      ((const struct overlay_skipped *)b)->path);
}

/* Drop what ov says of path: its entry, its skipped name, its stat data to record. */
static void forget_path(struct overlay *ov, const char *path)
{
	size_t i, j;

	for (i = j = 0; i < ov->nr; i++)
		if (strcmp(ov->files[i].path, path))
			ov->files[j++] = ov->files[i];
		else
			free(ov->files[i].path), free(ov->files[i].rec);
	ov->nr = j;
	for (i = j = 0; i < ov->nr_skipped; i++)
		if (strcmp(ov->skipped[i].path, path))
			ov->skipped[j++] = ov->skipped[i];
		else
			free(ov->skipped[i].path);
	ov->nr_skipped = j;
	for (i = j = 0; i < ov->nr_stats; i++)
		if (strcmp(ov->stats[i].path, path))
			ov->stats[j++] = ov->stats[i];
		else
			free(ov->stats[i].path);
	ov->nr_stats = j;
	for (i = j = 0; i < ov->nr_linked; i++)
		if (strcmp(ov->linked[i], path))
			ov->linked[j++] = ov->linked[i];
		else
			free(ov->linked[i]);
	ov->nr_linked = j;
}

int overlay_update_path(struct overlay *ov, struct index *ix, MDB_txn *txn,
			const struct repo_paths *p, const char *path)
{
	struct strbuf full = STRBUF_INIT, rec = STRBUF_INIT, buf = STRBUF_INIT;
	const char *slash = strrchr(path, '/');
	struct disk_file df;
	struct stat st;
	struct file_row row;
	MDB_val k = { strlen(path), (void *)path }, v;
	int have_row, rc = 0;

	forget_path(ov, path);
	/* as the scan takes it: a row it cannot decode is a row, with nothing known */
	if ((have_row = !mdb_get(txn, ix->files, &k, &v)) && file_row_decode(&row, &v))
		memset(&row, 0, sizeof(row));
	memset(&df, 0, sizeof(df));
	df.path = (char *)path;
	df.dirlen = slash ? (size_t)(slash - path + 1) : 0;
	strbuf_addf(&full, "%s%s", p->workdir, path);
	if (in_nested_repo(p->workdir, path)) {
		/* not this repository's file: as a scan, which does not enter it */
	} else if (!lstat(full.buf, &st)) {
		keep_stat(&df.st, &st);
		if (S_ISDIR(st.st_mode)) {
			rc = 1;		/* a directory now: the caller scans again */
			goto out;
		}
		if (S_ISLNK(st.st_mode)) {
			struct scan sc = { NULL, 0, 0, ov };
			char *dir = xmemdupz(path, df.dirlen);
			skip_name(&sc, dir, path + df.dirlen, OVERLAY_SYMLINK);
			free(dir);
		}
		df.ok = S_ISREG(st.st_mode);
	}
	check_file(ov, ix, txn, p, &df, have_row ? &row : NULL, &rec, &buf, time(NULL));
	if (ov->nr)
		qsort(ov->files, ov->nr, sizeof(*ov->files), cmp_ovfile);
	if (ov->nr_skipped)
		qsort(ov->skipped, ov->nr_skipped, sizeof(*ov->skipped), cmp_skipped);
out:
	strbuf_release(&full);
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
		int c = overlay_path_cmp(q, path, len);

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
	ov->saved_txnid = mdb_txn_id(txn);
	rc = i < ov->nr_stats ? -1 : index_commit(txn, "stat data");
	if (rc)
		ov->saved_txnid = 0;
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
	for (i = 0; i < ov->nr_linked; i++)
		free(ov->linked[i]);
	free(ov->linked);
	for (i = 0; i < ov->nr_sparse; i++)
		free(ov->sparse[i].path);
	free(ov->sparse);
	memset(ov, 0, sizeof(*ov));
}
