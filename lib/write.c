/*
 * write.c - issue files changed on disk, safely (see write.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "atomicfile.h"
#include "repo.h"
#include "sha1.h"
#include "usage.h"
#include "write.h"
#include "xalloc.h"

#define TRIES 3

/*
 * The lock of one path: a byte of $GIT_DIR/roadmap/write.lock at an
 * offset the path hashes to (a clash only makes two writers wait for each
 * other). fcntl locks die with the process, so a kill -9 leaves none.
 */
int write_lock(const struct repo_paths *p, const char *path)
{
	struct strbuf file = STRBUF_INIT;
	struct flock fl;
	unsigned h = 2166136261u;
	const char *c;
	int fd;

	for (c = path; *c; c++)
		h = (h ^ (unsigned char)*c) * 16777619u;
	strbuf_addf(&file, "%s/roadmap/write.lock", p->gitdir);
	fd = open(file.buf, O_RDWR | O_CREAT | O_CLOEXEC, 0666);
	if (fd < 0 && errno == ENOENT) {	/* the first writer: make the folder */
		strbuf_setlen(&file, file.len - strlen("/write.lock"));
		if (mkdir(file.buf, 0777) < 0 && errno != EEXIST) {
			error_errno("cannot create '%s'", file.buf);
			strbuf_release(&file);
			return -1;
		}
		strbuf_addstr(&file, "/write.lock");
		fd = open(file.buf, O_RDWR | O_CREAT | O_CLOEXEC, 0666);
	}
	memset(&fl, 0, sizeof(fl));
	fl.l_type = F_WRLCK;
	fl.l_whence = SEEK_SET;
	fl.l_start = h & 0x3fffffff;
	fl.l_len = 1;
	while (fd >= 0 && fcntl(fd, F_SETLKW, &fl) < 0) {
		if (errno != EINTR) {
			close(fd);
			fd = -1;
		}
	}
	if (fd < 0)
		error_errno("cannot lock '%s' for writing (%s)", path, file.buf);
	strbuf_release(&file);
	return fd;
}

static int same(const struct strbuf *a, const struct strbuf *b)
{
	return a->len == b->len && !memcmp(a->buf, b->buf, a->len);
}

/* The edits, then the stamp when they changed anything. */
static int edit(struct strbuf *out, const struct strbuf *in, const struct fm_edit *ed, size_t nr,
		const struct layout *touch, struct strbuf *err)
{
	struct strbuf key = STRBUF_INIT, val = STRBUF_INIT, stamped = STRBUF_INIT;
	struct fm_edit t;
	const char *v[1];
	int ret;

	if ((ret = fm_edit(out, in->buf, in->len, ed, nr, err)) < 0 || !touch || same(out, in))
		goto done;
	layout_touch(touch, out->buf, out->len, (long long)time(NULL), &key, &val);
	v[0] = val.buf;
	fm_set_one(&t, key.buf, v, 2);
	if (!(ret = fm_edit(&stamped, out->buf, out->len, &t, 1, err))) {
		strbuf_reset(out);
		strbuf_add(out, stamped.buf, stamped.len);
	}
done:
	strbuf_release(&key);
	strbuf_release(&val);
	strbuf_release(&stamped);
	return ret;
}

int write_edit(const struct repo_paths *p, const char *path, const struct fm_edit *ed,
	       size_t nr, const struct layout *touch, struct write_result *res)
{
	struct strbuf full = STRBUF_INIT, before = STRBUF_INIT, after = STRBUF_INIT;
	struct strbuf now = STRBUF_INIT, err = STRBUF_INIT;
	struct stat st;
	int fd, tries, ret = -1;

	memset(res, 0, sizeof(*res));
	res->path = xstrdup(path);
	strbuf_addf(&full, "%s%s", p->workdir, path);
	if ((fd = write_lock(p, path)) < 0)
		goto out;
	for (tries = 0; tries < TRIES; tries++) {
		strbuf_reset(&before);
		strbuf_reset(&after);
		strbuf_reset(&now);
		if (strbuf_read_file(&before, full.buf, 0) < 0) {
			error_errno("cannot read '%s'", path);
			goto out;
		}
		if (edit(&after, &before, ed, nr, touch, &err) < 0) {
			error("%s:%s", path, err.buf);
			goto out;
		}
		git_blob_oid(res->before, before.buf, before.len);
		if (same(&after, &before)) {
			memcpy(res->after, res->before, sizeof(res->after));
			ret = 0;
			goto out;
		}
		/* read-only by its mode too: root may write anything, an editor would ask */
		if (access(full.buf, W_OK) < 0 || (!stat(full.buf, &st) && !(st.st_mode & 0222))) {
			error("cannot write '%s': it is read-only", path);
			goto out;
		}
		/* an editor may have saved meanwhile: its edit wins, ours is made anew */
		if (strbuf_read_file(&now, full.buf, 0) < 0 || !same(&now, &before))
			continue;
		if (atomicfile_write(full.buf, after.buf, after.len, 0644) < 0)
			goto out;
		git_blob_oid(res->after, after.buf, after.len);
		res->changed = 1;
		ret = 0;
		goto out;
	}
	error("'%s' kept changing while it was edited: nothing written", path);
out:
	if (fd >= 0)
		close(fd);
	strbuf_release(&full);
	strbuf_release(&before);
	strbuf_release(&after);
	strbuf_release(&now);
	strbuf_release(&err);
	return ret;
}

int write_replace(const struct repo_paths *p, const char *path, const char *old, size_t oldlen,
		  const char *buf, size_t len)
{
	struct strbuf full = STRBUF_INIT, now = STRBUF_INIT;
	struct stat st;
	int fd, ret = -1;

	strbuf_addf(&full, "%s%s", p->workdir, path);
	if ((fd = write_lock(p, path)) < 0)
		goto out;
	if (strbuf_read_file(&now, full.buf, 0) < 0)
		ret = error_errno("cannot read '%s'", path);
	else if (now.len != oldlen || memcmp(now.buf, old, oldlen))
		ret = 1;	/* changed since it was read: the caller merges anew */
	else if (access(full.buf, W_OK) < 0 || (!stat(full.buf, &st) && !(st.st_mode & 0222)))
		ret = error("cannot write '%s': it is read-only", path);
	else if (atomicfile_write(full.buf, buf, len, 0644) == 0)
		ret = 0;
	if (fd >= 0)
		close(fd);
out:
	strbuf_release(&full);
	strbuf_release(&now);
	return ret;
}

/* Make the folders of full (an absolute path) up to its base name. */
static int make_dirs(const char *full, size_t from)
{
	char *copy = xstrdup(full), *s;
	struct stat st;
	int ret = 0;

	/* mostly the folder is there: one stat, not a mkdir per level */
	if ((s = strrchr(copy, '/')) && s > copy + from) {
		int there;
		*s = '\0';
		there = !stat(copy, &st) && S_ISDIR(st.st_mode);
		*s = '/';
		if (there) {
			free(copy);
			return 0;
		}
	}

	for (s = copy + from; (s = strchr(s, '/')); s++) {
		*s = '\0';
		if (mkdir(copy, 0777) < 0 && errno != EEXIST)
			ret = error_errno("cannot create '%s'", copy);
		*s = '/';
		if (ret)
			break;
	}
	free(copy);
	return ret;
}

int write_move(const struct repo_paths *p, const char *path, const char *newpath)
{
	struct strbuf from = STRBUF_INIT, to = STRBUF_INIT;
	int fd1, fd2 = -1, ret = -1;
	struct stat st;

	strbuf_addf(&from, "%s%s", p->workdir, path);
	strbuf_addf(&to, "%s%s", p->workdir, newpath);
	if ((fd1 = write_lock(p, path)) < 0 || (fd2 = write_lock(p, newpath)) < 0)
		goto out;
	if (!lstat(to.buf, &st)) {
		error("cannot move '%s' to '%s': it exists", path, newpath);
		goto out;
	}
	if (make_dirs(to.buf, strlen(p->workdir)) < 0)
		goto out;
	/* one rename that never replaces a file: never two names, never none */
	if (renameat2(AT_FDCWD, from.buf, AT_FDCWD, to.buf, RENAME_NOREPLACE) < 0) {
		error_errno("cannot move '%s' to '%s'", path, newpath);
		goto out;
	}
	ret = 0;
out:
	if (fd1 >= 0)
		close(fd1);
	if (fd2 >= 0)
		close(fd2);
	strbuf_release(&from);
	strbuf_release(&to);
	return ret;
}

int write_create(const struct repo_paths *p, const char *path, const char *buf, size_t len)
{
	struct strbuf full = STRBUF_INIT;
	int fd, ret = -1;

	strbuf_addf(&full, "%s%s", p->workdir, path);
	if ((fd = write_lock(p, path)) < 0)
		goto out;
	if (!make_dirs(full.buf, strlen(p->workdir)))
		ret = atomicfile_create(full.buf, buf, len, 0644);
	close(fd);
out:
	strbuf_release(&full);
	return ret;
}

void write_result_release(struct write_result *res)
{
	free(res->path);
	res->path = NULL;
}
