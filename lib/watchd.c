/*
 * watchd.c - the watcher: roadmap-watch's daemon (see watchd.h).
 *
 * It watches every folder under the roots, and every folder on the way
 * to a root for the name of the next component. A file event names one
 * path, checked again on the next query (overlay_update_path); anything
 * about folders (made, removed, moved, a ".git" appearing), a full event
 * queue, or a new index snapshot (a refresh) means a new overlay_scan().
 * inotify queues an event before the write that caused it returns, so
 * reading the queue dry when a query comes is enough to see every change
 * made before it: no cookie files (git needs them for macOS's FSEvents).
 *
 * Each event also stirs the round: once the events stop for the debounce
 * time, run_round() heals the index, updates the overlay as a query
 * would, says the changes (watchdiff) and hands the overlay to the
 * automation (watchauto). The loop waits in ppoll() for a client, an
 * event, a child of the automation, or the next timer.
 */
#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/inotify.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <dirent.h>
#include <time.h>
#include <unistd.h>

#include "heal.h"
#include "issue.h"
#include "overlay.h"
#include "run.h"
#include "usage.h"
#include "watch.h"
#include "watchd.h"
#include "watchdiff.h"
#include "watchlog.h"
#include "xalloc.h"

#define DIR_MASK (IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO | IN_DELETE_SELF | IN_ATTRIB | \
		  IN_MOVE_SELF | IN_ONLYDIR | IN_DONT_FOLLOW)
#define ROOT_MASK (DIR_MASK | IN_MODIFY | IN_ATTRIB | IN_CLOSE_WRITE)
/* more file events than this between two queries: scan instead */
#define MAX_TOUCHED 100000
/* LMDB's reader slots of dead processes are cleared this often */
#define READER_CHECK_MS 60000

struct watched {
	int wd;
	char *rel;		/* the folder, relative to the work tree, with '/' */
	char *only;		/* on the way to a root: the names that matter, "a/b" */
};

struct watchd {
	const struct repo_paths *p;
	struct index *ix;
	int lockfd;		/* watch.lock, held for the watcher's whole life */
	int sock;		/* watch.sock, listening */
	int ino_fd;		/* inotify */
	struct watched *w;	/* in wd order: inotify hands them out increasing */
	size_t nr, alloc;
	char *roots;		/* the roots watched, "a\0b\0" */
	size_t rootslen;
	int rescan;		/* only a new scan can tell */
	char **touched;		/* paths with events since the last query */
	size_t nr_touched, alloc_touched;
	struct overlay ov;
	struct strbuf snap;	/* "dev ino" of the index file ov is for */
	size_t txn_lo, txn_hi;	/* ... and the transactions it holds for */
	unsigned long queries, answered, scans;

	struct watchd_opts o;
	struct watchlog wl;
	struct watchdiff diff;
	struct watchauto *wa;
	int dirty;		/* file events since the last round */
	double first_event, last_event;	/* now_ms() of the round's first and last */
	unsigned long events, rounds, overflows, readers_cleared;
	long long started, last_round;	/* Unix seconds */
	double reader_check_at;
};

static volatile sig_atomic_t stop_now;

static void on_signal(int sig)
{
	stop_now = sig;
}

static const struct watched *find_wd(const struct watchd *wt, int wd)
{
	size_t lo = 0, hi = wt->nr;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (wt->w[mid].wd == wd)
			return &wt->w[mid];
		if (wt->w[mid].wd < wd)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static void add_watch(struct watchd *wt, const char *rel, size_t len, const char *only)
{
	struct strbuf full = STRBUF_INIT;
	struct watched *w;
	int wd;

	strbuf_addf(&full, "%s%.*s", wt->p->workdir, (int)len, rel);
	/* IN_MASK_ADD: a folder both on the way to a root and under one gets both */
	wd = inotify_add_watch(wt->ino_fd, full.buf, (only ? DIR_MASK : ROOT_MASK) | IN_MASK_ADD);
	strbuf_release(&full);
	if (wd < 0) {
		if (errno == ENOSPC)
			warning("inotify: out of watches (fs.inotify.max_user_watches)");
		if (errno != ENOENT && errno != ENOTDIR)
			wt->rescan = 1;	/* try again at the next query */
		return;
	}
	if ((w = (struct watched *)find_wd(wt, wd))) {
		/* the same folder again, for another root: it matters for both */
		if (!only || !w->only) {
			free(w->only);
			w->only = NULL;
		} else {
			char *both = xmalloc(strlen(w->only) + strlen(only) + 2);
			sprintf(both, "%s/%s", w->only, only);
			free(w->only);
			w->only = both;
		}
		return;
	}
	ALLOC_GROW(wt->w, wt->nr + 1, wt->alloc);
	w = &wt->w[wt->nr++];
	w->wd = wd;
	w->rel = xmemdupz(rel, len);
	w->only = only ? xstrdup(only) : NULL;
}

/* Watch the folder rel (with '/') and every folder under it, as overlay_scan enters them. */
static void watch_tree(struct watchd *wt, struct strbuf *rel)
{
	struct strbuf full = STRBUF_INIT;
	size_t len = rel->len;
	struct dirent *de;
	DIR *d;

	strbuf_addf(&full, "%s%s", wt->p->workdir, rel->buf);
	d = opendir(full.buf);
	strbuf_release(&full);
	if (!d)
		return;
	add_watch(wt, rel->buf, rel->len, NULL);
	while ((de = readdir(d))) {
		struct stat st;
		int isdir = de->d_type == DT_DIR;

		if (de->d_type == DT_UNKNOWN)
			isdir = !fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) &&
				S_ISDIR(st.st_mode);
		if (!isdir || !strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		strbuf_addf(rel, "%s/", de->d_name);
		if (!fstatat(dirfd(d), rel->buf + len, &st, AT_SYMLINK_NOFOLLOW) &&
		    (strbuf_addstr(rel, ".git"), 1) &&
		    !fstatat(dirfd(d), rel->buf + len, &st, AT_SYMLINK_NOFOLLOW)) {
			/* a nested repository: not entered, but watched for its .git going */
			strbuf_setlen(rel, rel->len - 4);
			add_watch(wt, rel->buf, rel->len, ".git");
		} else {
			strbuf_setlen(rel, len + strlen(de->d_name) + 1);
			watch_tree(wt, rel);
		}
		strbuf_setlen(rel, len);
	}
	closedir(d);
}

/* Start over: a new inotify instance watching the roots of the snapshot. */
static int watch_roots(struct watchd *wt, const char *roots, size_t rootslen)
{
	struct strbuf rel = STRBUF_INIT, full = STRBUF_INIT;
	const char *root;
	size_t i;

	if (wt->ino_fd >= 0)
		close(wt->ino_fd);
	for (i = 0; i < wt->nr; i++) {
		free(wt->w[i].rel);
		free(wt->w[i].only);
	}
	wt->nr = 0;
	for (i = 0; i < wt->nr_touched; i++)
		free(wt->touched[i]);
	wt->nr_touched = 0;
	wt->rescan = 0;
	free(wt->roots);
	wt->roots = xmemdupz(roots, rootslen);
	wt->rootslen = rootslen;
	if ((wt->ino_fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC)) < 0)
		return error_errno("inotify");
	for (root = roots; root < roots + rootslen; root += strlen(root) + 1) {
		const char *c = root;
		int real = 1;

		/*
		 * The folders on the way, each for the name of the next one: a
		 * root made, removed or replaced later. A root reached through
		 * a symbolic link holds nothing (overlay_scan opens it with
		 * O_NOFOLLOW), so nothing under a link is watched.
		 */
		strbuf_reset(&rel);
		while (*c && real) {
			size_t len = strcspn(c, "/");
			struct stat st;
			char *next = xmemdupz(c, len);

			add_watch(wt, rel.buf, rel.len, next);
			free(next);
			strbuf_add(&rel, c, len);
			strbuf_addch(&rel, '/');
			strbuf_reset(&full);
			/* without the '/', which would follow a link */
			strbuf_addf(&full, "%s%.*s", wt->p->workdir, (int)rel.len - 1, rel.buf);
			real = !lstat(full.buf, &st) && S_ISDIR(st.st_mode);
			c += len;
			c += *c == '/';
		}
		if (real)
			watch_tree(wt, &rel);
	}
	strbuf_release(&full);
	strbuf_release(&rel);
	return 0;
}

/* A file event: a round after the debounce time. */
static void stir(struct watchd *wt)
{
	double now = now_ms();

	wt->events++;
	if (!wt->dirty)
		wt->first_event = now;
	wt->dirty = 1;
	wt->last_event = now;
}

/* Check path anew at the next query. */
static void touch(struct watchd *wt, const char *path)
{
	if (wt->nr_touched >= MAX_TOUCHED) {
		wt->rescan = 1;
		return;
	}
	ALLOC_GROW(wt->touched, wt->nr_touched + 1, wt->alloc_touched);
	wt->touched[wt->nr_touched++] = xstrdup(path);
}

static void event(struct watchd *wt, const struct inotify_event *ev)
{
	const struct watched *w;

	if ((ev->mask & (IN_Q_OVERFLOW | IN_IGNORED | IN_DELETE_SELF | IN_MOVE_SELF | IN_UNMOUNT)) ||
	    !(w = find_wd(wt, ev->wd))) {
		/* the kernel dropped events: only a scan can tell what changed */
		wt->rescan = 1;
		stir(wt);
		return;
	}
	if (!ev->len) {
		/* a watched folder's own permissions: can the scan still enter it? */
		if (ev->mask & IN_ATTRIB) {
			wt->rescan = 1;
			stir(wt);
		}
		return;
	}
	if (w->only) {
		const char *at = w->only;
		size_t len = strlen(ev->name);
		for (; at; at = strchr(at, '/'), at = at ? at + 1 : NULL)
			if (!strncmp(at, ev->name, len) && (at[len] == '/' || !at[len])) {
				wt->rescan = 1;
				stir(wt);
			}
		return;
	}
	if ((ev->mask & IN_ISDIR) || !strcmp(ev->name, ".git")) {
		wt->rescan = 1;
		stir(wt);
	} else if (issue_name(ev->name)) {
		char *path = xmalloc(strlen(w->rel) + strlen(ev->name) + 1);
		sprintf(path, "%s%s", w->rel, ev->name);
		touch(wt, path);
		free(path);
		stir(wt);
	}
}

/* Read the inotify queue dry. */
static void read_events(struct watchd *wt)
{
	char buf[65536] __attribute__((aligned(__alignof__(struct inotify_event))));

	for (;;) {
		ssize_t n = read(wt->ino_fd, buf, sizeof(buf));
		char *at;

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;
		for (at = buf; at < buf + n;) {
			const struct inotify_event *ev = (const struct inotify_event *)at;
			wt->overflows += !!(ev->mask & IN_Q_OVERFLOW);
			if (!wt->rescan)
				event(wt, ev);
			else
				stir(wt);	/* a scan comes anyway: which file it was does not matter */
			at += sizeof(*ev) + ev->len;
		}
	}
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A quarantined or deleted index: follow the file that has the name now. */
static int follow_index(struct watchd *wt)
{
	struct index *fresh;

	if (!index_replaced(wt->ix))
		return 0;
	if (index_open(&fresh, wt->p) < 0)
		return -1;	/* keep the old one: try again at the next query */
	index_close(wt->ix);
	wt->ix = fresh;
	return 0;
}

/* Bring wt->ov up to date for the index's newest snapshot. */
static int update(struct watchd *wt)
{
	struct strbuf snap = STRBUF_INIT, file = STRBUF_INIT;
	MDB_txn *txn;
	MDB_val roots = { 0, "" };	/* none: an index never built */
	size_t txnid, i;
	int rc = 0, scanned;

	if (follow_index(wt) < 0)
		return -1;
	read_events(wt);
	if (index_begin(wt->ix, &txn, 0))
		return -1;
	watch_snapshot(&snap, wt->ix, txn);
	txnid = watch_snapshot_split(&file, snap.buf);
	meta_get(txn, wt->ix, "roots", &roots);
	if (!wt->roots || roots.mv_size != wt->rootslen || memcmp(roots.mv_data, wt->roots, roots.mv_size))
		wt->rescan = 1;
	if (!wt->rescan && !strcmp(file.buf, wt->snap.buf) && txnid >= wt->txn_lo &&
	    txnid <= wt->txn_hi) {
		/* files with other links may have changed through them, unseen */
		for (i = 0; i < wt->ov.nr_linked; i++)
			touch(wt, wt->ov.linked[i]);
		if (wt->nr_touched)
			qsort(wt->touched, wt->nr_touched, sizeof(*wt->touched), cmp_str);
		for (i = 0; i < wt->nr_touched && !wt->rescan; i++)
			if (!i || strcmp(wt->touched[i], wt->touched[i - 1]))
				wt->rescan = overlay_update_path(&wt->ov, wt->ix, txn, wt->p,
								 wt->touched[i]) == 1;
		for (i = 0; i < wt->nr_touched; i++)
			free(wt->touched[i]);
		wt->nr_touched = 0;
	} else {
		wt->rescan = 1;		/* a refresh changed the rows */
	}
	if ((scanned = wt->rescan)) {
		/* watch first: a change during the scan is seen by both */
		if (watch_roots(wt, roots.mv_data, roots.mv_size) < 0)
			rc = -1;
		overlay_release(&wt->ov);
		if (!rc && overlay_scan(&wt->ov, wt->ix, txn, wt->p, wt->roots, wt->rootslen))
			rc = -1;
		wt->scans++;
		strbuf_reset(&wt->snap);
		strbuf_addstr(&wt->snap, file.buf);
		wt->txn_lo = wt->txn_hi = txnid;
	}
	index_end(txn);
	if (scanned)
		index_drop_pages(wt->ix);	/* a scan touches every row: RSS back to a few MiB */
	if (rc) {
		wt->rescan = 1;
		strbuf_reset(&wt->snap);
	}
	strbuf_release(&snap);
	strbuf_release(&file);
	return rc;
}

/* Record the stat data of files found clean, and that ov still holds after that commit. */
static void save_stats(struct watchd *wt)
{
	size_t i;

	if (!wt->ov.nr_stats)
		return;
	wt->ov.saved_txnid = 0;
	overlay_save_stats(&wt->ov, wt->ix);
	if (wt->ov.saved_txnid && wt->ov.saved_txnid == wt->txn_hi + 1)
		wt->txn_hi++;	/* nobody else wrote in between: the rows are the same */
	for (i = 0; i < wt->ov.nr_stats; i++)
		free(wt->ov.stats[i].path);
	wt->ov.nr_stats = 0;
}

/* Clear the reader slots of dead processes: after each round, and every minute. */
static void reader_check(struct watchd *wt)
{
	int n = index_reader_check(wt->ix);

	if (n > 0)
		wt->readers_cleared += n;
	wt->reader_check_at = now_ms() + READER_CHECK_MS;
}

/* Whether txn is a snapshot wt->ov holds for. */
static int holds(struct watchd *wt, MDB_txn *txn)
{
	struct strbuf snap = STRBUF_INIT, file = STRBUF_INIT;
	size_t txnid;
	int ret;

	watch_snapshot(&snap, wt->ix, txn);
	txnid = watch_snapshot_split(&file, snap.buf);
	ret = !strcmp(file.buf, wt->snap.buf) && txnid >= wt->txn_lo && txnid <= wt->txn_hi;
	strbuf_release(&snap);
	strbuf_release(&file);
	return ret;
}

/*
 * One round, after the debounce: the index at HEAD, the overlay for
 * its newest snapshot, the changes said (with emit), the automation.
 */
static void run_round(struct watchd *wt, int emit)
{
	MDB_txn *txn = NULL;
	int tries;

	wt->dirty = 0;
	if (emit) {
		wt->rounds++;
		wt->last_round = time(NULL);
	}
	/* the overlay and the commits are against HEAD, whatever ran (or not) in the hooks */
	if (follow_index(wt) < 0 || index_heal(wt->ix, wt->p) < 0) {
		watchlog_error(&wt->wl, "index", NULL, "cannot bring the index to HEAD");
		return;
	}
	/* a refresh between the update and the transaction: once more */
	for (tries = 0; tries < 3 && !txn; tries++) {
		if (update(wt) < 0 || index_begin(wt->ix, &txn, 0)) {
			txn = NULL;
			break;
		}
		if (!holds(wt, txn)) {
			index_end(txn);
			txn = NULL;
		}
	}
	if (!txn) {
		watchlog_error(&wt->wl, "index", NULL, "cannot read the index");
		return;
	}
	watchdiff_round(&wt->diff, &wt->ov, wt->ix, txn, wt->p, wt->roots, wt->rootslen, &wt->wl, emit);
	if (emit)
		watchauto_collect(wt->wa, &wt->ov, wt->ix, txn, wt->roots, wt->rootslen);
	index_end(txn);
	save_stats(wt);
	if (emit)
		watchauto_commit(wt->wa);
	/*
	 * The watcher waits most of its life: what it keeps resident is its
	 * own, not the index's, nor the free chunks a scan or a burst left
	 * in the heap (glibc keeps them; the soak's RSS crept up without).
	 */
	index_drop_pages(wt->ix);
	malloc_trim(0);
	reader_check(wt);
}

static void status(struct watchd *wt, struct strbuf *body)
{
	long long now = time(NULL);

	strbuf_addf(body, "pid %ld\nworktree %s\nwatching %zu folders\n"
		    "queries %lu\nanswered %lu\nscans %lu\n", (long)getpid(), wt->p->workdir,
		    wt->nr, wt->queries, wt->answered, wt->scans);
	strbuf_addf(body, "started %lld\nuptime %lld\ndebounce %d\nevents %lu\nrounds %lu\n"
		    "overflows %lu\nreaders_cleared %lu\nerrors %lu\n", wt->started, now - wt->started,
		    wt->o.debounce_ms, wt->events, wt->rounds, wt->overflows, wt->readers_cleared,
		    wt->wl.errors);
	if (wt->last_round)
		strbuf_addf(body, "last_round %lld\n", wt->last_round);
	if (wt->wl.last_error_time)
		strbuf_addf(body, "last_error %lld %s\n", wt->wl.last_error_time, wt->wl.last_error.buf);
	watchauto_status(wt->wa, body);
}

/* Answer one client. Returns 1 when asked to stop. */
static int serve(struct watchd *wt, int fd)
{
	struct strbuf snap = STRBUF_INIT, body = STRBUF_INIT, file = STRBUF_INIT;
	size_t txnid;
	int stop = 0;

	switch (watch_read_request(fd, &snap)) {
	case -1:
		break;	/* nothing to answer */
	case WATCH_QUERY:
		txnid = watch_snapshot_split(&file, snap.buf);
		wt->queries++;
		if (update(wt) < 0) {
			watch_refuse(fd, "cannot read the index");
		} else if (strcmp(file.buf, wt->snap.buf) || txnid < wt->txn_lo || txnid > wt->txn_hi) {
			watch_refuse(fd, "another snapshot");
		} else {
			overlay_encode(&body, &wt->ov);
			watch_reply(fd, &body);
			wt->answered++;
		}
		save_stats(wt);
		/* the rows it read are the page cache's: a few minor faults next time */
		index_drop_pages(wt->ix);
		break;
	case WATCH_STATUS:
		status(wt, &body);
		watch_reply(fd, &body);
		break;
	case WATCH_STOP:
		watch_reply(fd, NULL);
		stop = 1;
		break;
	default:
		watch_refuse(fd, "unknown request");
	}
	strbuf_release(&snap);
	strbuf_release(&body);
	strbuf_release(&file);
	return stop;
}

int watchd_open(struct watchd **out, const struct repo_paths *p, const struct watchd_opts *o,
		struct strbuf *err)
{
	struct watchd *wt = xcalloc(1, sizeof(*wt));
	struct strbuf sb = STRBUF_INIT;
	int rc = 0;

	*out = NULL;
	wt->p = p;
	wt->o = *o;
	watchlog_init(&wt->wl, o->json);
	wt->ino_fd = wt->lockfd = wt->sock = -1;
	strbuf_init(&wt->snap, 0);
	if (index_open(&wt->ix, p) < 0) {
		free(wt);
		return -1;
	}
	/* one watcher per work tree: the lock is held for its whole life */
	strbuf_addf(&sb, "%s/roadmap/watch.lock", p->gitdir);
	if ((wt->lockfd = open(sb.buf, O_RDWR | O_CREAT | O_CLOEXEC, 0666)) < 0) {
		strbuf_addf(err, "cannot open '%s': %s", sb.buf, strerror(errno));
		rc = -1;
	} else if (flock(wt->lockfd, LOCK_EX | LOCK_NB) < 0) {
		if (errno != EWOULDBLOCK) {
			strbuf_addf(err, "cannot lock '%s': %s", sb.buf, strerror(errno));
			rc = -1;
		} else {
			rc = 1;
		}
	}
	strbuf_release(&sb);
	if (rc)
		watchd_close(wt);
	else
		*out = wt;
	return rc;
}

int watchd_start(struct watchd *wt)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	/* git finds the work tree from here; a folder under a root may go */
	if (chdir(wt->p->workdir) < 0)
		return error_errno("cannot enter '%s'", wt->p->workdir);
	setenv("ROADMAP_WATCH", "0", 1);
	setenv("GIT_TERMINAL_PROMPT", "0", 0);	/* a push asks nobody for a password */
	unsetenv("GIT_INDEX_FILE");	/* a hook's temporary index, if a hook started us */
	wt->started = time(NULL);
	wt->reader_check_at = now_ms();
	wt->wa = watchauto_new(wt->p, &wt->o.automation, &wt->wl);

	/* index HEAD and scan before answering anyone; the state the first round compares with */
	run_round(wt, 0);
	if (!wt->snap.len)
		return -1;
	if ((wt->sock = watch_listen(wt->ix)) < 0)
		return -1;
	/* uncommitted files from before (a watcher killed, restarted): the first round takes them */
	if (wt->o.automation.commit) {
		wt->dirty = 1;
		wt->first_event = wt->last_event = now_ms() - wt->o.debounce_ms;
	}
	return 0;
}

/* When the next round is due (now_ms() time), or -1. */
static double round_at(const struct watchd *wt)
{
	double quiet = wt->last_event + wt->o.debounce_ms;
	/* a steady stream of edits is still committed, every ten debounce times */
	double longest = wt->first_event + 10.0 * wt->o.debounce_ms;

	if (!wt->dirty)
		return -1;
	return quiet < longest ? quiet : longest;
}

void watchd_serve(struct watchd *wt)
{
	sigset_t stops, waiting;

	/*
	 * The signals that stop the watcher come in only while it waits
	 * (ppoll): one that came just before the wait would wait a minute.
	 */
	sigemptyset(&stops);
	sigaddset(&stops, SIGTERM);
	sigaddset(&stops, SIGINT);
	sigaddset(&stops, SIGHUP);
	sigprocmask(SIG_BLOCK, &stops, &waiting);
	while (!stop_now) {
		struct pollfd pfd[3] = { { wt->sock, POLLIN, 0 }, { wt->ino_fd, POLLIN, 0 },
					 { watchauto_fd(wt->wa), POLLIN, 0 } };
		double now = now_ms(), next = now + 60000, at;
		struct timespec wait;
		struct stat st;
		int want_round = 0;

		if ((at = round_at(wt)) >= 0 && at < next)
			next = at;
		if ((at = watchauto_next(wt->wa)) >= 0 && at < next)
			next = at;
		if (wt->reader_check_at < next)
			next = wt->reader_check_at;
		at = next > now ? next - now : 0;
		wait.tv_sec = (time_t)(at / 1000);
		wait.tv_nsec = (long)((at - wait.tv_sec * 1000.0) * 1e6);
		if (ppoll(pfd, 3, &wait, &waiting) < 0 && errno != EINTR)
			break;
		if (pfd[1].revents & POLLIN)
			read_events(wt);	/* keep the kernel's queue short */
		if (pfd[0].revents & POLLIN) {
			int fd = accept4(wt->sock, NULL, NULL, SOCK_CLOEXEC);
			if (fd >= 0) {
				int stop = serve(wt, fd);
				close(fd);
				if (stop)
					break;
			}
		}
		want_round = watchauto_tick(wt->wa);
		now = now_ms();
		if (want_round || ((at = round_at(wt)) >= 0 && now >= at))
			run_round(wt, 1);
		if (now >= wt->reader_check_at)
			reader_check(wt);
		if (stat(wt->p->workdir, &st) < 0)
			break;	/* the work tree is gone */
	}
}

void watchd_close(struct watchd *wt)
{
	size_t i;

	if (!wt)
		return;
	if (wt->sock >= 0) {
		watch_unlisten(wt->ix);
		close(wt->sock);
	}
	for (i = 0; i < wt->nr; i++) {
		free(wt->w[i].rel);
		free(wt->w[i].only);
	}
	for (i = 0; i < wt->nr_touched; i++)
		free(wt->touched[i]);
	if (wt->ino_fd >= 0)
		close(wt->ino_fd);
	free(wt->w);
	free(wt->touched);
	free(wt->roots);
	overlay_release(&wt->ov);
	watchauto_free(wt->wa);
	watchdiff_release(&wt->diff);
	watchlog_release(&wt->wl);
	index_close(wt->ix);
	if (wt->lockfd >= 0)
		close(wt->lockfd);
	strbuf_release(&wt->snap);
	free(wt);
}
