#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "usage.h"
#include "watch.h"
#include "xalloc.h"

void watch_snapshot(struct strbuf *out, struct index *ix, MDB_txn *txn)
{
	struct stat st;
	int fd;

	memset(&st, 0, sizeof(st));
	/* the file this process maps, even if another one took its name since */
	if (!mdb_env_get_fd(ix->env, &fd))
		fstat(fd, &st);
	strbuf_addf(out, "%llu %llu %llu", (unsigned long long)st.st_dev,
		    (unsigned long long)st.st_ino, (unsigned long long)mdb_txn_id(txn));
}

/*
 * The socket's address. A path too long for sun_path (deep work trees)
 * goes through the folder's descriptor: /proc/self/fd/N/watch.sock.
 * *dirfd is that descriptor (-1 when not used): close it after use.
 */
static int socket_addr(const struct index *ix, struct sockaddr_un *sa, int *dirfd)
{
	const char *slash = strrchr(ix->path, '/');
	size_t dlen = slash ? (size_t)(slash - ix->path) : 0;
	struct strbuf sb = STRBUF_INIT;
	int rc = 0;

	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	*dirfd = -1;
	strbuf_add(&sb, ix->path, dlen);
	strbuf_addstr(&sb, "/watch.sock");
	if (sb.len >= sizeof(sa->sun_path)) {
		strbuf_setlen(&sb, dlen);
		*dirfd = open(sb.buf, O_PATH | O_DIRECTORY | O_CLOEXEC);
		strbuf_reset(&sb);
		strbuf_addf(&sb, "/proc/self/fd/%d/watch.sock", *dirfd);
		if (*dirfd < 0)
			rc = -1;
	}
	memcpy(sa->sun_path, sb.buf, sb.len < sizeof(sa->sun_path) ? sb.len : 0);
	strbuf_release(&sb);
	return rc;
}

int watch_connect(const struct index *ix)
{
	struct sockaddr_un sa;
	int dirfd, fd = -1;

	if (!socket_addr(ix, &sa, &dirfd) &&
	    (fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) >= 0 &&
	    connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		close(fd);
		fd = -1;
	}
	if (dirfd >= 0)
		close(dirfd);
	return fd;
}

int watch_listen(const struct index *ix)
{
	struct sockaddr_un sa;
	int dirfd, fd = -1;

	if (socket_addr(ix, &sa, &dirfd) < 0) {
		error_errno("cannot open the folder of '%s'", ix->path);
	} else if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0) {
		error_errno("cannot make a socket");
	} else {
		/* the caller holds watch.lock: a socket here is a dead watcher's */
		unlink(sa.sun_path);
		if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(fd, 64) < 0) {
			error_errno("cannot listen at '%s'", sa.sun_path);
			close(fd);
			fd = -1;
		}
	}
	if (dirfd >= 0)
		close(dirfd);
	return fd;
}

void watch_unlisten(const struct index *ix)
{
	struct sockaddr_un sa;
	int dirfd;

	/* the watcher holds watch.lock: no other one can have bound the path */
	if (!socket_addr(ix, &sa, &dirfd))
		unlink(sa.sun_path);
	if (dirfd >= 0)
		close(dirfd);
}

static long long ms_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int watch_ask(int fd, const char *line, struct strbuf *out, int timeout_ms)
{
	long long deadline = ms_now() + timeout_ms;
	size_t len = strlen(line), off = 0, head;
	char *nl, *end;
	unsigned long long want;

	strbuf_reset(out);
	while (off < len) {
		ssize_t n = send(fd, line + off, len - off, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		off += n;
	}
	/* the watcher closes the connection after its answer */
	for (;;) {
		struct pollfd pfd = { fd, POLLIN, 0 };
		long long left = deadline - ms_now();
		ssize_t n;
		int ready;

		if (left <= 0)
			return -1;	/* too slow: the caller scans */
		if ((ready = poll(&pfd, 1, (int)left)) < 0 && errno == EINTR)
			continue;
		if (ready <= 0)
			return -1;
		strbuf_grow(out, 65536);
		n = read(fd, out->buf + out->len, out->alloc - out->len - 1);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n < 0)
			return -1;
		if (!n)
			break;
		strbuf_setlen(out, out->len + n);
	}
	if (!(nl = memchr(out->buf, '\n', out->len)))
		return -1;
	head = nl - out->buf + 1;
	if (!strncmp(out->buf, "no ", 3)) {
		memmove(out->buf, out->buf + 3, head - 4);
		strbuf_setlen(out, head - 4);
		return 1;
	}
	if (strncmp(out->buf, "ok ", 3))
		return -1;
	want = strtoull(out->buf + 3, &end, 10);
	if (end != nl || want != out->len - head)
		return -1;	/* cut short */
	memmove(out->buf, out->buf + head, out->len - head);
	strbuf_setlen(out, out->len - head);
	return 0;
}

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

void watch_encode(struct strbuf *out, const struct overlay *ov)
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

int watch_decode(struct overlay *ov, const char *buf, size_t len)
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

int watch_overlay(struct overlay *ov, struct index *ix, MDB_txn *txn, const struct repo_paths *p)
{
	const char *env = getenv("ROADMAP_WATCH"), *tmo = getenv("ROADMAP_WATCH_TIMEOUT_MS");
	struct strbuf line = STRBUF_INIT, ans = STRBUF_INIT;
	int fd, rc = -1;

	if ((env && !strcmp(env, "0")) || (fd = watch_connect(ix)) < 0)
		return -1;
	strbuf_addstr(&line, "query ");
	watch_snapshot(&line, ix, txn);
	strbuf_addch(&line, '\n');
	if (!watch_ask(fd, line.buf, &ans, tmo && *tmo ? atoi(tmo) : 5000)) {
		struct overlay got = OVERLAY_INIT;
		if (!watch_decode(&got, ans.buf, ans.len)) {
			overlay_release(ov);
			*ov = got;
			rc = 0;
		} else {
			overlay_release(&got);
		}
	}
	close(fd);
	strbuf_release(&line);
	strbuf_release(&ans);
	return rc;
}
