/*
 * atomicfile.c - a file replaced whole or not at all (see atomicfile.h).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "atomicfile.h"
#include "strbuf.h"
#include "usage.h"

#define TMP_TAG ".roadmap-tmp-"

static int write_all(int fd, const char *p, size_t len)
{
	while (len) {
		ssize_t n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= n;
	}
	return 0;
}

/* Remove ".<base>.roadmap-tmp-<pid>" names whose writer is gone. */
static void remove_stale(const char *dir, const char *base)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	size_t blen = strlen(base);

	if (!d)
		return;
	while ((de = readdir(d))) {
		const char *n = de->d_name, *tag;
		long pid;
		char *end;

		if (n[0] != '.' || strncmp(n + 1, base, blen) || strncmp(n + 1 + blen, TMP_TAG, strlen(TMP_TAG)))
			continue;
		tag = n + 1 + blen + strlen(TMP_TAG);
		pid = strtol(tag, &end, 10);
		if (*end || pid <= 0 || (kill(pid, 0) < 0 && errno == ESRCH)) {
			struct strbuf p = STRBUF_INIT;
			strbuf_addf(&p, "%s/%s", dir, n);
			unlink(p.buf);
			strbuf_release(&p);
		}
	}
	closedir(d);
}

static int deferred, written;

void atomicfile_defer(void)
{
	deferred = 1;
}

int atomicfile_flush(const char *path)
{
	int fd, ret = 0;

	if (!deferred || !written) {
		deferred = written = 0;
		return 0;
	}
	deferred = written = 0;
	if ((fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0 || syncfs(fd) < 0)
		ret = error_errno("cannot sync the files written under '%s'", path);
	if (fd >= 0)
		close(fd);
	return ret;
}

static int replace_or_create(const char *path, const void *buf, size_t len, mode_t mode, int create)
{
	struct strbuf dir = STRBUF_INIT, tmp = STRBUF_INIT, proc = STRBUF_INIT;
	const char *slash = strrchr(path, '/'), *base = slash ? slash + 1 : path;
	struct stat st;
	int fd, dfd, named = 0, ret = -1;

	strbuf_add(&dir, path, slash ? (size_t)(slash - path) : 0);
	if (!dir.len)
		strbuf_addch(&dir, slash ? '/' : '.');
	if (!create && !stat(path, &st))
		mode = st.st_mode & 07777;
	if (!create)	/* a create never names a temporary file (but without O_TMPFILE) */
		remove_stale(dir.buf, base);
	fd = open(dir.buf, O_TMPFILE | O_WRONLY | O_CLOEXEC, mode);
	if (fd < 0 || !create)	/* the name a replace renames from */
		strbuf_addf(&tmp, "%s/.%s" TMP_TAG "%ld", dir.buf, base, (long)getpid());
	if (fd < 0) {
		/* no O_TMPFILE here: a named temporary file */
		fd = open(tmp.buf, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
		named = 1;
	}
	if (fd < 0) {
		error_errno("cannot write '%s'", path);
		goto out;
	}
	written |= deferred;
	if (fchmod(fd, mode) < 0 || write_all(fd, buf, len) < 0 || (!deferred && fsync(fd) < 0)) {
		error_errno("cannot write '%s'", path);
		goto fail;
	}
	if (!named && create) {
		/* the unnamed file gets the final name: no temporary name at all */
		strbuf_addf(&proc, "/proc/self/fd/%d", fd);
		if (linkat(AT_FDCWD, proc.buf, AT_FDCWD, path, AT_SYMLINK_FOLLOW) < 0) {
			error_errno("cannot create '%s'", path);
			goto fail;
		}
		goto synced;
	}
	if (named && create) {
		if (link(tmp.buf, path) < 0) {
			error_errno("cannot create '%s'", path);
			goto fail;
		}
		goto synced;
	}
	if (!named) {
		strbuf_addf(&proc, "/proc/self/fd/%d", fd);
		unlink(tmp.buf);
		if (linkat(AT_FDCWD, proc.buf, AT_FDCWD, tmp.buf, AT_SYMLINK_FOLLOW) < 0) {
			error_errno("cannot write '%s'", path);
			goto fail;
		}
		named = 1;
	}
	if (rename(tmp.buf, path) < 0) {
		error_errno("cannot rename '%s' to '%s'", tmp.buf, path);
		goto fail;
	}
	named = 0;
synced:
	/* the rename itself must survive a crash */
	if (!deferred && (dfd = open(dir.buf, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) >= 0) {
		fsync(dfd);
		close(dfd);
	}
	ret = 0;
fail:
	if (named)
		unlink(tmp.buf);
	close(fd);
out:
	strbuf_release(&dir);
	strbuf_release(&tmp);
	strbuf_release(&proc);
	return ret;
}

int atomicfile_write(const char *path, const void *buf, size_t len, mode_t mode)
{
	return replace_or_create(path, buf, len, mode, 0);
}

int atomicfile_create(const char *path, const void *buf, size_t len, mode_t mode)
{
	return replace_or_create(path, buf, len, mode, 1);
}
