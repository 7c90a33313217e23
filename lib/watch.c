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

void watch_snapshot(struct strbuf *out, struct index *ix, MDB_txn *txn)
{
	struct index_snapshot id;

	index_snapshot_id(ix, txn, &id);
	strbuf_addf(out, "%llu %llu %llu", (unsigned long long)id.dev,
		    (unsigned long long)id.ino, (unsigned long long)id.txnid);
}

size_t watch_snapshot_split(struct strbuf *file, const char *snap)
{
	const char *sp = strrchr(snap, ' ');

	strbuf_reset(file);
	strbuf_add(file, snap, sp ? (size_t)(sp - snap) : strlen(snap));
	return sp ? strtoull(sp + 1, NULL, 10) : 0;
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

/* Send all of buf; -1 when the peer went away. */
static int send_all(int fd, const char *buf, size_t len)
{
	size_t off = 0;

	while (off < len) {
		ssize_t n = send(fd, buf + off, len - off, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		off += n;
	}
	return 0;
}

static const char *const request_word[] = {
	[WATCH_QUERY] = "query",
	[WATCH_STATUS] = "status",
	[WATCH_STOP] = "stop",
};

int watch_ask(int fd, enum watch_request req, const char *snapshot, struct strbuf *out,
	      int timeout_ms)
{
	long long deadline = ms_now() + timeout_ms;
	struct strbuf line = STRBUF_INIT;
	size_t head;
	char *nl, *end;
	unsigned long long want;
	int sent;

	strbuf_reset(out);
	strbuf_addstr(&line, request_word[req]);
	if (req == WATCH_QUERY)
		strbuf_addf(&line, " %s", snapshot);
	strbuf_addch(&line, '\n');
	sent = send_all(fd, line.buf, line.len);
	strbuf_release(&line);
	if (sent < 0)
		return -1;
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

int watch_query(struct index *ix, MDB_txn *txn, struct strbuf *payload)
{
	const char *env = getenv("ROADMAP_WATCH"), *tmo = getenv("ROADMAP_WATCH_TIMEOUT_MS");
	struct strbuf snap = STRBUF_INIT;
	int fd, rc;

	if ((env && !strcmp(env, "0")) || (fd = watch_connect(ix)) < 0)
		return -1;
	watch_snapshot(&snap, ix, txn);
	rc = watch_ask(fd, WATCH_QUERY, snap.buf, payload, tmo && *tmo ? atoi(tmo) : 5000);
	close(fd);
	strbuf_release(&snap);
	return rc ? -1 : 0;
}

int watch_read_request(int fd, struct strbuf *snapshot)
{
	struct strbuf line = STRBUF_INIT;
	struct timespec t0, t;
	size_t qlen = strlen(request_word[WATCH_QUERY]);
	int req = -1;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (line.len < 256) {
		struct pollfd pfd = { fd, POLLIN, 0 };
		long left;
		char c;
		ssize_t n;

		clock_gettime(CLOCK_MONOTONIC, &t);
		left = 1000 - ((t.tv_sec - t0.tv_sec) * 1000 + (t.tv_nsec - t0.tv_nsec) / 1000000);
		if (left <= 0 || poll(&pfd, 1, (int)left) <= 0)
			break;
		if ((n = read(fd, &c, 1)) < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (c != '\n') {
			strbuf_addch(&line, c);
			continue;
		}
		strbuf_reset(snapshot);
		if (!strncmp(line.buf, request_word[WATCH_QUERY], qlen) && line.buf[qlen] == ' ') {
			strbuf_addstr(snapshot, line.buf + qlen + 1);
			req = WATCH_QUERY;
		} else if (!strcmp(line.buf, request_word[WATCH_STATUS])) {
			req = WATCH_STATUS;
		} else if (!strcmp(line.buf, request_word[WATCH_STOP])) {
			req = WATCH_STOP;
		} else {
			req = WATCH_UNKNOWN;
		}
		break;
	}
	strbuf_release(&line);
	return req;
}

void watch_reply(int fd, const struct strbuf *payload)
{
	struct strbuf out = STRBUF_INIT;

	strbuf_addf(&out, "ok %zu\n", payload ? payload->len : 0);
	if (payload)
		strbuf_add(&out, payload->buf, payload->len);
	send_all(fd, out.buf, out.len);
	strbuf_release(&out);
}

void watch_refuse(int fd, const char *reason)
{
	struct strbuf out = STRBUF_INIT;

	strbuf_addf(&out, "no %s\n", reason);
	send_all(fd, out.buf, out.len);
	strbuf_release(&out);
}
