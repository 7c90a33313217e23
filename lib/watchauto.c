/*
 * watchauto.c - roadmap-watch's automation: when to commit, the push
 * and its back-off, the sync (see watchauto.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "issue.h"
#include "output.h"
#include "repo.h"
#include "run.h"
#include "syncconflict.h"
#include "usage.h"
#include "watchauto.h"
#include "watchcommit.h"
#include "watchjob.h"
#include "xalloc.h"

/* a push, fetch or sync still running after this is stopped, and counts as failed */
#define JOB_TIMEOUT_MS (10 * 60 * 1000.0)
/* how often a running child is looked at when it says nothing */
#define JOB_POLL_MS 250

enum job_kind { JOB_NONE, JOB_PUSH, JOB_FETCH, JOB_SYNC };
static const char *const job_names[] = { "none", "push", "fetch", "sync" };

struct watchauto {
	const struct repo_paths *p;
	struct watchauto_opts o;
	struct watchlog *wl;
	struct watchcommit wc;
	char *roots;		/* the round's roots, "a\0b\0" */
	size_t rootslen;
	double backoff_min, backoff_max;
	double commit_at;	/* try the commit again then (< 0: no) */
	double commit_backoff;
	/* files held for open sync conflicts: the conflicts as they were, looked at again then */
	struct strbuf held;
	double held_at;

	unsigned long gen;	/* auto-commits made */
	unsigned long pushed_gen;	/* ... and pushed */
	unsigned long push_gen;	/* the running push's */
	int push_pending;
	double push_at, push_backoff;
	char push_sha[OID_HEX + 1];
	struct strbuf remote, ref, track;	/* the upstream: remote, its ref, our ref of it */
	unsigned long pushes;
	long long last_push_time;
	char last_push[OID_HEX + 1];

	double sync_at;		/* < 0: no --sync */
	int sync_again;		/* a commit came while it ran */
	unsigned long syncs;
	long long last_sync_time;
	struct strbuf conflicts;	/* the open conflicts last said */

	enum job_kind kind;
	struct watchjob job;
};

struct watchauto *watchauto_new(const struct repo_paths *p, const struct watchauto_opts *o,
				struct watchlog *wl)
{
	struct watchauto *wa = xcalloc(1, sizeof(*wa));
	const char *env = getenv("ROADMAP_WATCH_BACKOFF_MS");

	wa->p = p;
	wa->o = *o;
	wa->wl = wl;
	watchcommit_init(&wa->wc, p, wl);
	wa->backoff_min = env && atoi(env) > 0 ? atoi(env) : 1000;
	/* bounded: five minutes, or 300 first steps when tests shorten them */
	wa->backoff_max = wa->backoff_min * 300 < 300000 ? wa->backoff_min * 300 : 300000;
	wa->push_backoff = wa->commit_backoff = wa->backoff_min;
	wa->commit_at = wa->held_at = -1;
	strbuf_init(&wa->held, 0);
	/* the first sync at once: a watcher (re)started catches up */
	wa->sync_at = o->sync ? now_ms() : -1;
	strbuf_init(&wa->remote, 0);
	strbuf_init(&wa->ref, 0);
	strbuf_init(&wa->track, 0);
	strbuf_init(&wa->conflicts, 0);
	strbuf_init(&wa->job.out, 0);
	wa->job.fd = -1;
	return wa;
}

void watchauto_free(struct watchauto *wa)
{
	if (!wa)
		return;
	watchjob_release(&wa->job);
	watchcommit_release(&wa->wc);
	free(wa->roots);
	strbuf_release(&wa->remote);
	strbuf_release(&wa->ref);
	strbuf_release(&wa->track);
	strbuf_release(&wa->conflicts);
	strbuf_release(&wa->held);
	free(wa);
}

void watchauto_collect(struct watchauto *wa, const struct overlay *ov, struct index *ix, MDB_txn *txn,
		       const char *roots, size_t rootslen)
{
	if (!wa->roots || wa->rootslen != rootslen || memcmp(wa->roots, roots, rootslen)) {
		free(wa->roots);
		wa->roots = xmemdupz(roots, rootslen);
		wa->rootslen = rootslen;
	}
	if (wa->o.commit)
		watchcommit_collect(&wa->wc, ov, ix, txn);
}

static double later(double *backoff, double max)
{
	double at = now_ms() + *backoff;

	*backoff = *backoff * 2 < max ? *backoff * 2 : max;
	return at;
}

static void list_conflict(const char *id, const char *file, void *data)
{
	strbuf_addf(data, "%s\n", id);
}

void watchauto_commit(struct watchauto *wa)
{
	wa->commit_at = wa->held_at = -1;
	if (!wa->o.commit)
		return;
	if (wa->kind == JOB_SYNC) {
		/* it is writing files: they are committed together, after it (a round follows it) */
		wa->wc.waiting = "a sync is running";
		return;
	}
	switch (watchcommit_run(&wa->wc)) {
	case WATCHCOMMIT_DONE:
		wa->commit_backoff = wa->backoff_min;
		wa->gen++;
		if (wa->o.push) {
			wa->push_pending = 1;
			wa->push_at = now_ms();
			wa->push_backoff = wa->backoff_min;
		}
		if (wa->o.sync && wa->kind == JOB_NONE)
			wa->sync_at = now_ms();
		else if (wa->o.sync)
			wa->sync_again = 1;
		break;
	case WATCHCOMMIT_WAIT:
		/* a few file checks: cheap to look again soon */
		wa->commit_at = now_ms() + 2 * wa->backoff_min;
		break;
	case WATCHCOMMIT_FAILED:
		wa->commit_at = later(&wa->commit_backoff, wa->backoff_max);
		break;
	case WATCHCOMMIT_NOTHING:
		break;
	}
	if (wa->wc.held) {
		/* no file event says a conflict was resolved: its file going does */
		strbuf_reset(&wa->held);
		syncconflict_list(wa->p->workdir, list_conflict, &wa->held);
		wa->held_at = now_ms() + 2 * wa->backoff_min;
	}
}

/* git's output, for one command; 0 or -1 (its output then in out, as the error). */
static int git(struct strbuf *out, char **argv)
{
	strbuf_reset(out);
	return run_git_input(out, NULL, argv, NULL, 0, 0) ? -1 : 0;
}

/* The branch's upstream into wa->remote, ->ref, ->track. Returns 0, or -1 with why in err. */
static int upstream(struct watchauto *wa, struct strbuf *err)
{
	char *sym[] = { "git", "symbolic-ref", "-q", "HEAD", NULL };
	char *fer[] = { "git", "for-each-ref",
			"--format=%(upstream:remotename)%09%(upstream:remoteref)%09%(upstream)", NULL, NULL };
	struct strbuf out = STRBUF_INIT, branch = STRBUF_INIT;
	char *tab1, *tab2;
	int rc = -1;

	if (git(&branch, sym) < 0 || !branch.len) {
		strbuf_addstr(err, "HEAD is no branch: nothing to push");
	} else {
		strbuf_setlen(&branch, strcspn(branch.buf, "\n"));
		fer[3] = branch.buf;
		if (git(&out, fer) < 0 || !(tab1 = strchr(out.buf, '\t')) || tab1 == out.buf ||
		    !(tab2 = strchr(tab1 + 1, '\t')) || tab2 == tab1 + 1) {
			strbuf_addf(err, "branch %s has no upstream (git branch --set-upstream-to)",
				    branch.buf + (strncmp(branch.buf, "refs/heads/", 11) ? 0 : 11));
		} else {
			strbuf_reset(&wa->remote);
			strbuf_add(&wa->remote, out.buf, tab1 - out.buf);
			strbuf_reset(&wa->ref);
			strbuf_add(&wa->ref, tab1 + 1, tab2 - tab1 - 1);
			strbuf_reset(&wa->track);
			strbuf_add(&wa->track, tab2 + 1, strcspn(tab2 + 1, "\n"));
			rc = 0;
		}
	}
	strbuf_release(&out);
	strbuf_release(&branch);
	return rc;
}

static void push_failed(struct watchauto *wa, const char *msg)
{
	watchlog_error(wa->wl, "push", NULL, msg);
	wa->push_at = later(&wa->push_backoff, wa->backoff_max);
}

/* Stop pushing until the next auto-commit: a person must look. */
static void push_stop(struct watchauto *wa, const char *msg)
{
	watchlog_error(wa->wl, "push", NULL, msg);
	wa->push_pending = 0;
}

static void start_push(struct watchauto *wa)
{
	struct strbuf err = STRBUF_INIT, dst = STRBUF_INIT;
	char *argv[] = { "git", "push", "--porcelain", NULL, NULL, NULL };
	int detached;

	if (upstream(wa, &err) < 0) {
		push_stop(wa, err.buf);
	} else if (repo_read_head(wa->p, wa->push_sha, &detached) != 0) {
		push_stop(wa, "HEAD has no commit to push");
	} else {
		/* the commit itself, not HEAD: HEAD may move while it is sent */
		strbuf_addf(&dst, "%s:%s", wa->push_sha, wa->ref.buf);
		argv[3] = wa->remote.buf;
		argv[4] = dst.buf;
		wa->push_gen = wa->gen;
		if (watchjob_start(&wa->job, argv, 0) < 0)
			push_failed(wa, "cannot run git push");
		else
			wa->kind = JOB_PUSH;
	}
	strbuf_release(&err);
	strbuf_release(&dst);
}

/* Whether git push --porcelain says the ref was refused as not fast-forward. */
static int not_fast_forward(const char *out)
{
	const char *line;

	for (line = out; line; line = strchr(line, '\n'), line = line ? line + 1 : NULL)
		if (!strncmp(line, "!\t", 2) && strstr(line, "[rejected]") &&
		    strstr(line, "[rejected]") < strchrnul(line, '\n'))
			return 1;
	return 0;
}

static void pushed(struct watchauto *wa)
{
	struct strbuf *sb;

	wa->pushes++;
	wa->last_push_time = time(NULL);
	memcpy(wa->last_push, wa->push_sha, sizeof(wa->last_push));
	wa->pushed_gen = wa->push_gen;
	wa->push_pending = wa->pushed_gen != wa->gen;	/* a commit came meanwhile: again */
	wa->push_at = now_ms();
	wa->push_backoff = wa->backoff_min;
	sb = watchlog_begin(wa->wl, "pushed");
	watchlog_str(sb, "commit", wa->push_sha, strlen(wa->push_sha));
	watchlog_str(sb, "remote", wa->remote.buf, wa->remote.len);
	watchlog_str(sb, "ref", wa->ref.buf, wa->ref.len);
	watchlog_end(wa->wl);
}

/* Whether every path of the NUL-separated list is an issue file under the roots. */
static int issue_files_only(const struct watchauto *wa, const struct strbuf *paths)
{
	const char *path;
	size_t rootlen;

	for (path = paths->buf; path < paths->buf + paths->len; path += strlen(path) + 1)
		if (*path && (!issue_root(wa->roots, wa->rootslen, path, &rootlen) || !issue_name(path)))
			return 0;
	return 1;
}

/*
 * After a fetch: put the local commits on top of the upstream, when they
 * are ours to move (issue files only, no merge), and push again.
 */
static void rebase(struct watchauto *wa)
{
	char *merges[] = { "git", "rev-list", "--count", "--merges", NULL, NULL };
	char *ahead[] = { "git", "rev-list", "--count", NULL, NULL };
	char *files[] = { "git", "log", "--format=", "--name-only", "-z", "--no-renames", NULL, NULL };
	char *onto[] = { "git", "rebase", "-q", "--autostash", NULL, NULL };
	char *abort_[] = { "git", "rebase", "--abort", NULL };
	struct strbuf range = STRBUF_INIT, out = STRBUF_INIT, msg = STRBUF_INIT;
	const char *why;

	strbuf_addf(&range, "%s..HEAD", wa->track.buf);
	merges[4] = ahead[3] = files[6] = range.buf;
	onto[4] = wa->track.buf;
	if ((why = watchcommit_busy(wa->p))) {
		strbuf_addf(&msg, "rejected; not rebased now: %s", why);
		push_failed(wa, msg.buf);
	} else if (git(&out, ahead) < 0) {
		push_failed(wa, "rejected, and git rev-list failed");
	} else if (!atoi(out.buf)) {
		wa->push_pending = 0;	/* the upstream has every commit already */
	} else if (git(&out, merges) < 0 || atoi(out.buf) || git(&out, files) < 0 ||
		   !issue_files_only(wa, &out)) {
		strbuf_addf(&msg, "rejected: %s has commits HEAD lacks, and the commits ahead of it "
			    "touch more than issue files (or merge): not rebased, pushing stops; "
			    "pull and push by hand", wa->track.buf);
		push_stop(wa, msg.buf);
	} else if (run_git_input(&out, NULL, onto, NULL, 0, 1)) {
		strbuf_addf(&msg, "rejected, and the rebase onto %s failed (aborted; pushing stops): %s",
			    wa->track.buf, out.buf);
		strbuf_reset(&out);
		run_git_input(&out, NULL, abort_, NULL, 0, 1);
		push_stop(wa, msg.buf);
	} else {
		wa->push_at = now_ms();	/* rebased: push again at once */
	}
	strbuf_release(&range);
	strbuf_release(&out);
	strbuf_release(&msg);
}

static void start_sync(struct watchauto *wa)
{
	char *argv[] = { "roadmap-sync", (char *)wa->o.sync, "-q", NULL };

	wa->sync_again = 0;
	if (watchjob_start(&wa->job, argv, 1) < 0)
		wa->sync_at = now_ms() + wa->o.interval_s * 1000.0;
	else
		wa->kind = JOB_SYNC;
}

static void synced(struct watchauto *wa, int status)
{
	struct strbuf ids = STRBUF_INIT, *sb;
	const char *id, *nl;

	if (status != 0 && status != 1) {
		/* 2: some issues failed; else the remote is down or misconfigured: next interval */
		watchlog_error(wa->wl, "sync", NULL, wa->job.out.len ? wa->job.out.buf : "roadmap-sync failed");
		return;
	}
	wa->syncs++;
	wa->last_sync_time = time(NULL);
	sb = watchlog_begin(wa->wl, "synced");
	watchlog_str(sb, "remote", wa->o.sync, strlen(wa->o.sync));
	watchlog_end(wa->wl);
	syncconflict_list(wa->p->workdir, list_conflict, &ids);
	/* each set of open conflicts once, not at every interval */
	if (ids.len && strcmp(ids.buf, wa->conflicts.buf)) {
		sb = watchlog_begin(wa->wl, "conflict");
		watchlog_str(sb, "remote", wa->o.sync, strlen(wa->o.sync));
		watchlog_key(sb, "ids");
		strbuf_addch(sb, '[');
		for (id = ids.buf; (nl = strchr(id, '\n')); id = nl + 1) {
			if (id > ids.buf)
				strbuf_addstr(sb, ", ");
			out_json_string(sb, id, nl - id);
		}
		strbuf_addch(sb, ']');
		watchlog_end(wa->wl);
	}
	strbuf_reset(&wa->conflicts);
	strbuf_add(&wa->conflicts, ids.buf, ids.len);
	strbuf_release(&ids);
}

/* A child ended. Returns 1 when a round should follow. */
static int job_done(struct watchauto *wa, enum job_kind kind, int status)
{
	char *fetch[] = { "git", "fetch", "-q", wa->remote.buf, NULL };

	switch (kind) {
	case JOB_PUSH:
		if (!status)
			pushed(wa);
		else if (not_fast_forward(wa->job.out.buf) && watchjob_start(&wa->job, fetch, 0) == 0)
			wa->kind = JOB_FETCH;
		else
			push_failed(wa, wa->job.out.len ? wa->job.out.buf : "git push failed");
		return 0;
	case JOB_FETCH:
		if (status)
			push_failed(wa, wa->job.out.len ? wa->job.out.buf : "git fetch failed");
		else
			rebase(wa);
		return 0;
	case JOB_SYNC:
		synced(wa, status);
		wa->sync_at = now_ms() + (wa->sync_again ? 0 : wa->o.interval_s * 1000.0);
		/* what it pulled is committed by a round; a commit it held waits for one */
		return 1;
	case JOB_NONE:
		break;
	}
	return 0;
}

int watchauto_fd(const struct watchauto *wa)
{
	return wa->kind != JOB_NONE ? wa->job.fd : -1;
}

static void sooner(double *at, double t)
{
	if (t >= 0 && (*at < 0 || t < *at))
		*at = t;
}

double watchauto_next(const struct watchauto *wa)
{
	double at = -1;

	sooner(&at, wa->commit_at);
	sooner(&at, wa->held_at);
	if (wa->kind != JOB_NONE) {
		sooner(&at, now_ms() + JOB_POLL_MS);
	} else {
		if (wa->push_pending)
			sooner(&at, wa->push_at);
		sooner(&at, wa->sync_at);
	}
	return at;
}

int watchauto_tick(struct watchauto *wa)
{
	double now = now_ms();
	int round = 0, status;

	if (wa->kind != JOB_NONE && watchjob_poll(&wa->job, &status, JOB_TIMEOUT_MS)) {
		enum job_kind kind = wa->kind;
		wa->kind = JOB_NONE;
		round = job_done(wa, kind, status);
	}
	if (wa->commit_at >= 0 && now >= wa->commit_at) {
		wa->commit_at = -1;
		round = 1;
	}
	if (wa->held_at >= 0 && now >= wa->held_at) {
		struct strbuf ids = STRBUF_INIT;
		syncconflict_list(wa->p->workdir, list_conflict, &ids);
		if (strcmp(ids.buf, wa->held.buf))
			round = 1;	/* the round sets held_at again if some are still held */
		else
			wa->held_at = now + 2 * wa->backoff_min;
		strbuf_release(&ids);
	}
	if (wa->kind == JOB_NONE && wa->push_pending && now >= wa->push_at)
		start_push(wa);
	if (wa->kind == JOB_NONE && wa->sync_at >= 0 && now >= wa->sync_at)
		start_sync(wa);
	return round;
}

void watchauto_status(const struct watchauto *wa, struct strbuf *out)
{
	strbuf_addstr(out, "automation");
	if (wa->o.commit)
		strbuf_addstr(out, " commit");
	if (wa->o.push)
		strbuf_addstr(out, " push");
	if (wa->o.sync)
		strbuf_addf(out, " sync:%s", wa->o.sync);
	if (!wa->o.commit && !wa->o.sync)
		strbuf_addstr(out, " none");
	strbuf_addf(out, "\ncommits %lu\npushes %lu\nsyncs %lu\n", wa->wc.commits, wa->pushes, wa->syncs);
	if (wa->wc.last_time)
		strbuf_addf(out, "last_commit %lld %s\n", wa->wc.last_time, wa->wc.last);
	if (wa->last_push_time)
		strbuf_addf(out, "last_push %lld %s\n", wa->last_push_time, wa->last_push);
	if (wa->last_sync_time)
		strbuf_addf(out, "last_sync %lld %s\n", wa->last_sync_time, wa->o.sync);
	if (wa->wc.waiting)
		strbuf_addf(out, "waiting %s\n", wa->wc.waiting);
	if (wa->push_pending)
		strbuf_addf(out, "unpushed %lu\n", wa->gen - wa->pushed_gen);
	if (wa->kind != JOB_NONE)
		strbuf_addf(out, "running %s\n", job_names[wa->kind]);
}
