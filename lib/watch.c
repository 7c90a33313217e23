#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "output.h"
#include "run.h"
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

/* The folder of the index, where the watcher's files are ("<gitdir>/roadmap"). */
static void roadmap_dir(struct strbuf *out, const struct index *ix)
{
	const char *slash = strrchr(ix->path, '/');

	strbuf_add(out, ix->path, slash ? (size_t)(slash - ix->path) : 0);
}

/* Write the file whole (a new one renamed over it); silently not in a read-only repository. */
static void keep(const struct strbuf *file, const struct strbuf *data)
{
	struct strbuf tmp = STRBUF_INIT;
	int fd;

	strbuf_addf(&tmp, "%s.%ld", file->buf, (long)getpid());
	if ((fd = open(tmp.buf, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666)) >= 0) {
		int ok = write(fd, data->buf, data->len) == (ssize_t)data->len;
		if (close(fd) < 0 || !ok || rename(tmp.buf, file->buf) < 0)
			unlink(tmp.buf);
	}
	strbuf_release(&tmp);
}

/*
 * Whether roadmap.watch is true. git config costs a process (1-2 ms, as
 * much as a small query): its answer is kept in watch.config beside the
 * index with the configuration's stamp (repo_config_stamp(), a few
 * stats), and asked again only when the stamp changed.
 */
static int watch_wanted(const struct index *ix, const struct repo_paths *p)
{
	char *argv[] = { "git", "config", "--type=bool", "--get", "roadmap.watch", NULL };
	struct strbuf stamp = STRBUF_INIT, file = STRBUF_INIT, kept = STRBUF_INIT, out = STRBUF_INIT;
	int want;

	strbuf_addstr(&stamp, "x\n");
	repo_config_stamp(p, &out);
	strbuf_add(&stamp, out.buf, out.len);
	roadmap_dir(&file, ix);
	strbuf_addstr(&file, "/watch.config");
	if (!strbuf_read_file(&kept, file.buf, stamp.len + 1) && kept.len == stamp.len &&
	    !memcmp(kept.buf + 1, stamp.buf + 1, stamp.len - 1) && (*kept.buf == '0' || *kept.buf == '1')) {
		want = *kept.buf == '1';
	} else {
		strbuf_reset(&out);
		want = !git_capture(&out, p, argv) && !strcmp(out.buf, "true\n");
		stamp.buf[0] = want ? '1' : '0';
		keep(&file, &stamp);
	}
	strbuf_release(&stamp);
	strbuf_release(&file);
	strbuf_release(&kept);
	strbuf_release(&out);
	return want;
}

void watch_autostart(const struct index *ix, const struct repo_paths *p)
{
	struct strbuf lock = STRBUF_INIT;
	int fd, free_ = 0;
	pid_t pid;

	if (!p || !p->workdir || !watch_wanted(ix, p))
		return;
	/* a watcher holds watch.lock from its start: one starting already, or one that does not answer */
	roadmap_dir(&lock, ix);
	strbuf_addstr(&lock, "/watch.lock");
	if ((fd = open(lock.buf, O_RDWR | O_CREAT | O_CLOEXEC, 0666)) >= 0) {
		free_ = !flock(fd, LOCK_EX | LOCK_NB);
		close(fd);
	}
	strbuf_release(&lock);
	if (!free_)
		return;
	/*
	 * Detached twice (a grandchild of no one, in its own session), with
	 * none of our descriptors: a hook's git waits for the pipes it gave
	 * the hook, so the watcher must hold none of them. Not waited for.
	 */
	if ((pid = fork()) == 0) {
		if (fork() == 0) {
			char *argv[] = { "roadmap-watch", "-q", NULL };
			int null = open("/dev/null", O_RDWR);

			setsid();
			dup2(null, 0);
			dup2(null, 1);
			dup2(null, 2);
			close_range(3, ~0U, 0);
			if (chdir(p->workdir) < 0)
				_exit(127);
			exec_roadmap("roadmap-watch", argv);
			_exit(127);
		}
		_exit(0);
	}
	if (pid > 0)
		while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
			;
}

int watch_query(struct index *ix, MDB_txn *txn, const struct repo_paths *p, struct strbuf *payload)
{
	const char *env = getenv("ROADMAP_WATCH"), *tmo = getenv("ROADMAP_WATCH_TIMEOUT_MS");
	struct strbuf snap = STRBUF_INIT;
	int fd, rc;

	if (env && !strcmp(env, "0"))
		return -1;
	if ((fd = watch_connect(ix)) < 0) {
		/* this query scans, as without a watcher; the next ones ask the one started */
		watch_autostart(ix, p);
		return -1;
	}
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

/* The value of `key` in the watcher's status lines, or NULL; *len its length. */
static const char *status_value(const struct strbuf *st, const char *key, size_t *len)
{
	const char *line, *end;
	size_t klen = strlen(key);

	for (line = st->buf; *line; line = *end ? end + 1 : end) {
		end = strchrnul(line, '\n');
		if (!strncmp(line, key, klen) && line[klen] == ' ') {
			*len = end - line - klen - 1;
			return line + klen + 1;
		}
	}
	return NULL;
}

static unsigned long long status_num(const struct strbuf *st, const char *key)
{
	size_t len;
	const char *v = status_value(st, key, &len);

	return v ? strtoull(v, NULL, 10) : 0;
}

/* "last_commit <time> <commit>": the time, and the rest in *rest (NULL when never). */
static long long status_last(const struct strbuf *st, const char *key, const char **rest, size_t *len)
{
	const char *v = status_value(st, key, len), *sp;

	*rest = NULL;
	if (!v)
		return 0;
	if ((sp = memchr(v, ' ', *len))) {
		*len -= sp + 1 - v;
		*rest = sp + 1;
	}
	return strtoll(v, NULL, 10);
}

static const char *const counters[] = { "events", "rounds", "commits", "pushes", "syncs", "errors",
					"queries", "answered", "scans", "overflows", NULL };
static const char *const lasts[][2] = { { "last_commit", "commit" }, { "last_push", "commit" },
					{ "last_sync", "remote" }, { "last_error", "message" } };

static void status_json(struct strbuf *out, const struct strbuf *st)
{
	const char *v, *const *c;
	size_t len, i;

	strbuf_addf(out, "{\"pid\": %llu, \"started\": %llu, \"uptime_seconds\": %llu, \"debounce_ms\": %llu",
		    status_num(st, "pid"), status_num(st, "started"), status_num(st, "uptime"),
		    status_num(st, "debounce"));
	strbuf_addstr(out, ", \"automation\": ");
	v = status_value(st, "automation", &len);
	out_json_string(out, v ? v : "", v ? len : 0);
	for (c = counters; *c; c++)
		strbuf_addf(out, ", \"%s\": %llu", *c, status_num(st, *c));
	for (i = 0; i < sizeof(lasts) / sizeof(*lasts); i++) {
		long long t = status_last(st, lasts[i][0], &v, &len);
		strbuf_addf(out, ", \"%s\": ", lasts[i][0]);
		if (!t) {
			strbuf_addstr(out, "null");
			continue;
		}
		strbuf_addf(out, "{\"time\": %lld, \"%s\": ", t, lasts[i][1]);
		out_json_string(out, v ? v : "", v ? len : 0);
		strbuf_addch(out, '}');
	}
	strbuf_addstr(out, ", \"waiting\": ");
	if ((v = status_value(st, "waiting", &len)))
		out_json_string(out, v, len);
	else
		strbuf_addstr(out, "null");
	strbuf_addch(out, '}');
}

static void prom(struct strbuf *out, const char *label, const char *name, const char *type,
		 const char *help, unsigned long long v)
{
	strbuf_addf(out, "# HELP roadmap_watch_%s %s\n# TYPE roadmap_watch_%s %s\n"
		    "roadmap_watch_%s{%s} %llu\n", name, help, name, type, name, label, v);
}

static void status_prometheus(struct strbuf *out, const struct strbuf *st, const char *worktree)
{
	struct strbuf label = STRBUF_INIT, name = STRBUF_INIT, help = STRBUF_INIT;
	const char *const *c, *v;
	size_t len, i;

	out_prom_label(&label, "worktree", worktree);
	prom(out, label.buf, "up", "gauge", "1 when roadmap-watch runs for the work tree.", st != NULL);
	if (st) {
		prom(out, label.buf, "uptime_seconds", "gauge", "Seconds since the watcher started.",
		     status_num(st, "uptime"));
		for (c = counters; *c; c++) {
			strbuf_reset(&name);
			strbuf_addf(&name, "%s_total", *c);
			strbuf_reset(&help);
			strbuf_addf(&help, "The watcher's %s since it started.", *c);
			prom(out, label.buf, name.buf, "counter", help.buf, status_num(st, *c));
		}
		for (i = 0; i < sizeof(lasts) / sizeof(*lasts); i++) {
			long long t = status_last(st, lasts[i][0], &v, &len);
			if (!t)
				continue;
			strbuf_reset(&name);
			strbuf_addf(&name, "%s_timestamp_seconds", lasts[i][0]);
			strbuf_reset(&help);
			strbuf_addf(&help, "When the watcher's last %s was, as a Unix time.", lasts[i][0] + 5);
			prom(out, label.buf, name.buf, "gauge", help.buf, (unsigned long long)t);
		}
	}
	strbuf_release(&label);
	strbuf_release(&name);
	strbuf_release(&help);
}

static void status_human(struct strbuf *out, const struct strbuf *st)
{
	long long now = time(NULL), t;
	const char *v;
	size_t len, i;

	v = status_value(st, "automation", &len);
	strbuf_addf(out, "watcher: pid %llu, up %llus, debounce %llu ms, automation: %.*s\n",
		    status_num(st, "pid"), status_num(st, "uptime"), status_num(st, "debounce"),
		    v ? (int)len : 4, v ? v : "none");
	strbuf_addf(out, "         events %llu, rounds %llu, commits %llu, pushes %llu, syncs %llu, "
		    "errors %llu; queries %llu (answered %llu), scans %llu\n",
		    status_num(st, "events"), status_num(st, "rounds"), status_num(st, "commits"),
		    status_num(st, "pushes"), status_num(st, "syncs"), status_num(st, "errors"),
		    status_num(st, "queries"), status_num(st, "answered"), status_num(st, "scans"));
	for (i = 0; i < sizeof(lasts) / sizeof(*lasts); i++) {
		if (!(t = status_last(st, lasts[i][0], &v, &len)))
			continue;
		strbuf_addf(out, "         last %s %llds ago: %.*s\n", lasts[i][0] + 5, now - t,
			    (int)len, v ? v : "");
	}
	if ((v = status_value(st, "waiting", &len)))
		strbuf_addf(out, "         waiting to commit: %.*s\n", (int)len, v);
}

void watch_status(struct strbuf *out, struct index *ix, const char *worktree, int format)
{
	struct strbuf st = STRBUF_INIT;
	int fd = watch_connect(ix), ok;

	ok = fd >= 0 && !watch_ask(fd, WATCH_STATUS, NULL, &st, 2000);
	if (fd >= 0)
		close(fd);
	if (format == 1 && ok)
		status_json(out, &st);
	else if (format == 1)
		strbuf_addstr(out, "null");
	else if (format == 2)
		status_prometheus(out, ok ? &st : NULL, worktree);
	else if (ok)
		status_human(out, &st);
	else
		strbuf_addstr(out, "watcher: none (roadmap-watch --detach, or git config roadmap.watch true)\n");
	strbuf_release(&st);
}
