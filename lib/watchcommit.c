/*
 * watchcommit.c - roadmap-watch's auto-commit (see watchcommit.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "atomicfile.h"
#include "issue.h"
#include "output.h"
#include "record.h"
#include "repo.h"
#include "run.h"
#include "syncconflict.h"
#include "usage.h"
#include "watchcommit.h"
#include "xalloc.h"

/* roadmap-check is given the paths up to this many; past it, it checks every file */
#define CHECK_PATHS_MAX 2000

void watchcommit_init(struct watchcommit *wc, const struct repo_paths *p, struct watchlog *wl)
{
	memset(wc, 0, sizeof(*wc));
	wc->p = p;
	wc->wl = wl;
}

static void forget_files(struct watchcommit *wc)
{
	size_t i;

	for (i = 0; i < wc->nr; i++) {
		free(wc->f[i].path);
		free(wc->f[i].id);
		free(wc->f[i].err);
	}
	wc->nr = 0;
	if (wc->alloc > 64) {
		free(wc->f);	/* a burst's thousands are not kept */
		wc->f = NULL;
		wc->alloc = 0;
	}
}

void watchcommit_release(struct watchcommit *wc)
{
	size_t i;

	forget_files(wc);
	free(wc->f);
	for (i = 0; i < wc->nr_said; i++)
		free(wc->said[i].path);
	free(wc->said);
	memset(wc, 0, sizeof(*wc));
}

/* The id of a record's issue (NULL when it has none, or is no issue). */
static char *record_id(const char *rec, size_t len, const char *path)
{
	struct record r;
	const char *id;
	size_t idlen;

	if (!rec || record_decode(&r, rec, len) || r.kind != RECORD_ISSUE ||
	    issue_file_id(&r, path, &id, &idlen))
		return NULL;
	return xmemdupz(id, idlen);
}

void watchcommit_collect(struct watchcommit *wc, const struct overlay *ov, struct index *ix,
			 MDB_txn *txn)
{
	size_t i;

	forget_files(wc);
	for (i = 0; i < ov->nr; i++) {
		const struct overlay_file *o = &ov->files[i];
		struct watchcommit_file *f;
		struct file_row row;
		struct record r;

		ALLOC_GROW(wc->f, wc->nr + 1, wc->alloc);
		f = &wc->f[wc->nr++];
		memset(f, 0, sizeof(*f));
		f->path = xstrdup(o->path);
		f->deleted = o->deleted;
		memcpy(f->oid, o->oid, OID_RAW);
		f->added = index_get_file(txn, ix, o->path, strlen(o->path), &row) != 0;
		if (!o->deleted) {
			f->id = record_id(o->rec, o->reclen, o->path);
			/* it does not parse: roadmap-check would say the same */
			if (!record_decode(&r, o->rec, o->reclen) && r.kind == RECORD_INVALID) {
				struct strbuf sb = STRBUF_INIT;
				size_t at = strspn(r.err, "0123456789");
				/* "line:col: message" said as roadmap-check says it */
				if (at < r.errlen && r.err[at] == ':')
					at += 1 + strspn(r.err + at + 1, "0123456789");
				if (at < r.errlen && r.err[at] == ':')
					strbuf_addf(&sb, "%.*s error:", (int)at + 1, r.err);
				else
					at = (size_t)-1;
				strbuf_add(&sb, r.err + at + 1, r.errlen - at - 1);
				f->err = strbuf_detach(&sb, NULL);
			}
		} else if (!f->added && row.num && !file_row_record(txn, ix, &row)) {
			f->id = record_id(row.rec, row.reclen, o->path);	/* HEAD's issue, deleted */
		}
		if (!f->id && o->deleted) {
			size_t len;
			const char *id = issue_id_from_path(o->path, &len);
			f->id = xmemdupz(id, len);
		}
	}
}

const char *watchcommit_busy(const struct repo_paths *p)
{
	static const char *const state[][2] = {
		{ "MERGE_HEAD", "a merge is under way" },
		{ "CHERRY_PICK_HEAD", "a cherry-pick is under way" },
		{ "REVERT_HEAD", "a revert is under way" },
		{ "BISECT_LOG", "a bisect is under way" },
		{ "sequencer/todo", "a cherry-pick or revert sequence is under way" },
		{ "index.lock", "another git command holds the index" },
	};
	char *argv[] = { "git", "ls-files", "-u", "-z", NULL };
	struct strbuf out = STRBUF_INIT;
	char head[OID_HEX + 1];
	int detached = 0, unmerged;
	size_t i;

	if (repo_rebasing(p))
		return "a rebase is under way";
	for (i = 0; i < sizeof(state) / sizeof(*state); i++)
		if (repo_gitdir_has(p, state[i][0]))
			return state[i][1];
	if (repo_read_head(p, head, &detached) < 0)
		return "HEAD cannot be read";
	if (detached)
		return "HEAD is detached";
	/* a stash popped with conflicts leaves no state file, only these */
	unmerged = run_git(&out, NULL, argv) != 0 || out.len;
	strbuf_release(&out);
	return unmerged ? "git's index has unmerged entries" : NULL;
}

static int cmp_file(const void *a, const void *b)
{
	return strcmp(((const struct watchcommit_file *)a)->path,
		      ((const struct watchcommit_file *)b)->path);
}

/* The file whose path is s[0..len), or NULL (they are sorted by path). */
static struct watchcommit_file *find(struct watchcommit *wc, const char *s, size_t len)
{
	struct watchcommit_file key, *f;

	key.path = xmemdupz(s, len);
	f = bsearch(&key, wc->f, wc->nr, sizeof(*wc->f), cmp_file);
	free(key.path);
	return f;
}

/*
 * The file an error line of roadmap-check names ("path:line:col: error:
 * ..."), or NULL; *rest is what follows the path and its ':'.
 */
static struct watchcommit_file *named(struct watchcommit *wc, const char *line, const char *end,
				      const char **rest)
{
	struct watchcommit_file *f = NULL;
	const char *colon;

	if (*line == '"') {
		/* C-quoted: up to its closing quote */
		struct strbuf path = STRBUF_INIT;
		for (colon = line + 1; colon < end && *colon != '"'; colon++)
			colon += *colon == '\\';
		if (colon < end && colon[1] == ':' && !unquote_path(&path, line, colon + 1 - line))
			f = find(wc, path.buf, path.len);
		strbuf_release(&path);
		*rest = colon + 2;
		return f;
	}
	/* a name may hold ':': try each one */
	for (colon = line; colon < end && (colon = memchr(colon, ':', end - colon)); colon++)
		if ((f = find(wc, line, colon - line))) {
			*rest = colon + 1;
			break;
		}
	return f;
}

/*
 * roadmap-check's verdict on the files to commit: each error line marks
 * its file. Returns 0, or -1 when it could not check.
 */
static int check(struct watchcommit *wc)
{
	struct strbuf out = STRBUF_INIT;
	const char **argv = xcalloc(wc->nr + 3, sizeof(*argv));
	const char *line, *next;
	size_t n = 0, i, checked = 0;
	int rc;

	argv[n++] = "roadmap-check";
	argv[n++] = "--";
	for (i = 0; i < wc->nr; i++) {
		if (wc->f[i].deleted || wc->f[i].err)
			continue;
		checked++;
		if (wc->nr <= CHECK_PATHS_MAX)
			argv[n++] = wc->f[i].path;
	}
	rc = checked ? run_roadmap(&out, (char *const *)argv) : 0;
	free(argv);
	if (rc != 0 && rc != 1) {
		watchlog_error(wc->wl, "check", NULL, out.len ? out.buf : "roadmap-check did not run");
		strbuf_release(&out);
		return -1;
	}
	for (line = out.buf; *line; line = next) {
		const char *end = strchrnul(line, '\n'), *err = strstr(line, ": error: "), *rest;
		struct watchcommit_file *f;

		next = *end ? end + 1 : end;
		if (err && err < end && (f = named(wc, line, end, &rest)) && !f->err && !f->deleted)
			f->err = xmemdupz(rest, end - rest);
	}
	strbuf_release(&out);
	return 0;
}

/* Say each invalid file once (by path and content); forget those fixed. */
static void say_invalid(struct watchcommit *wc)
{
	struct watchcommit_said *now = NULL;
	size_t nr = 0, alloc = 0, i, j;

	for (i = 0; i < wc->nr; i++) {
		const struct watchcommit_file *f = &wc->f[i];
		int said = 0;

		if (!f->err)
			continue;
		for (j = 0; j < wc->nr_said && !said; j++)
			said = !strcmp(wc->said[j].path, f->path) && !memcmp(wc->said[j].oid, f->oid, OID_RAW);
		if (!said)
			watchlog_error(wc->wl, "invalid", f->path, f->err);
		ALLOC_GROW(now, nr + 1, alloc);
		now[nr].path = xstrdup(f->path);
		memcpy(now[nr++].oid, f->oid, OID_RAW);
	}
	for (i = 0; i < wc->nr_said; i++)
		free(wc->said[i].path);
	free(wc->said);
	wc->said = now;
	wc->nr_said = nr;
}

/* An issue with an open sync conflict: its file waits for the resolution. */
static void hold_conflict(const char *id, const char *file, void *data)
{
	struct watchcommit *wc = data;
	size_t i;

	for (i = 0; i < wc->nr; i++)
		if (wc->f[i].id && !strcmp(wc->f[i].id, id))
			wc->f[i].conflict = 1;
}

/* Whether f's id was named by a file taken before it (a rename: one issue, two paths). */
static int named_before(const struct watchcommit *wc, size_t i)
{
	size_t j;

	for (j = 0; j < i; j++)
		if (wc->f[j].take && wc->f[j].id && !strcmp(wc->f[j].id, wc->f[i].id))
			return 1;
	return 0;
}

static void message(struct strbuf *msg, const struct watchcommit *wc)
{
	struct strbuf ids = STRBUF_INIT;
	size_t i, n = 0, shown = 0;

	strbuf_addstr(msg, "roadmap-watch:");
	for (i = 0; i < wc->nr; i++) {
		const struct watchcommit_file *f = &wc->f[i];

		if (!f->take || !f->id || named_before(wc, i))
			continue;
		n++;
		strbuf_addf(&ids, "%s\n", f->id);
		if (shown + 1 == n && msg->len + 1 + strlen(f->id) <= 72) {
			strbuf_addf(msg, " %s", f->id);
			shown++;
		}
	}
	if (!n)
		strbuf_addstr(msg, " issue files");
	if (shown < n) {
		strbuf_addf(msg, " (%zu issues)\n\n", n);
		strbuf_add(msg, ids.buf, ids.len);
	} else {
		strbuf_addch(msg, '\n');
	}
	strbuf_release(&ids);
}

/* git add -N of the new files (git commit --only names only paths it knows), then git commit. */
static int git_commit(struct watchcommit *wc, struct strbuf *err)
{
	char *add[] = { "git", "--literal-pathspecs", "add", "-N", "--pathspec-from-file=-",
			"--pathspec-file-nul", NULL };
	char *commit[] = { "git", "--literal-pathspecs", "commit", "-q", "--only", "--cleanup=whitespace",
			   "-F", NULL, "--pathspec-from-file=-", "--pathspec-file-nul", NULL };
	struct strbuf paths = STRBUF_INIT, msg = STRBUF_INIT, file = STRBUF_INIT;
	size_t i;
	int rc = 0;

	for (i = 0; i < wc->nr; i++)
		if (wc->f[i].take && wc->f[i].added && !wc->f[i].deleted)
			strbuf_add(&paths, wc->f[i].path, strlen(wc->f[i].path) + 1);
	if (paths.len && run_git_input(err, NULL, add, paths.buf, paths.len, 1))
		rc = -1;
	strbuf_reset(&paths);
	for (i = 0; i < wc->nr; i++)
		if (wc->f[i].take)
			strbuf_add(&paths, wc->f[i].path, strlen(wc->f[i].path) + 1);
	message(&msg, wc);
	strbuf_addf(&file, "%s/roadmap/watch-commit.msg", wc->p->gitdir);
	commit[7] = file.buf;
	if (!rc && atomicfile_write(file.buf, msg.buf, msg.len, 0644) < 0)
		rc = -1;
	if (!rc && run_git_input(err, NULL, commit, paths.buf, paths.len, 1))
		rc = -1;
	unlink(file.buf);
	strbuf_release(&paths);
	strbuf_release(&msg);
	strbuf_release(&file);
	return rc;
}

static void committed(struct watchcommit *wc)
{
	struct strbuf *sb;
	int detached, n = 0;
	size_t i;

	if (repo_read_head(wc->p, wc->last, &detached) < 0)
		wc->last[0] = '\0';
	wc->commits++;
	wc->last_time = time(NULL);
	sb = watchlog_begin(wc->wl, "committed");
	watchlog_str(sb, "commit", wc->last, strlen(wc->last));
	watchlog_key(sb, "ids");
	strbuf_addch(sb, '[');
	for (i = 0; i < wc->nr; i++) {
		if (!wc->f[i].take || !wc->f[i].id || named_before(wc, i))
			continue;
		if (n++)
			strbuf_addstr(sb, ", ");
		out_json_string(sb, wc->f[i].id, strlen(wc->f[i].id));
	}
	strbuf_addch(sb, ']');
	for (i = n = 0; i < wc->nr; i++)
		n += wc->f[i].take;
	strbuf_addf(sb, ", \"files\": %d", n);
	watchlog_end(wc->wl);
}

enum watchcommit_result watchcommit_run(struct watchcommit *wc)
{
	struct strbuf err = STRBUF_INIT;
	size_t i, take = 0;

	wc->waiting = NULL;
	wc->held = 0;
	if (!wc->nr)
		return WATCHCOMMIT_NOTHING;
	if ((wc->waiting = watchcommit_busy(wc->p)))
		return WATCHCOMMIT_WAIT;
	qsort(wc->f, wc->nr, sizeof(*wc->f), cmp_file);
	if (check(wc) < 0)
		return WATCHCOMMIT_FAILED;
	say_invalid(wc);
	syncconflict_list(wc->p->workdir, hold_conflict, wc);
	wc->held = 0;
	for (i = 0; i < wc->nr; i++) {
		wc->f[i].take = !wc->f[i].err && !wc->f[i].conflict;
		take += wc->f[i].take;
		wc->held += !wc->f[i].err && wc->f[i].conflict;
	}
	if (!take)
		return WATCHCOMMIT_NOTHING;
	if (git_commit(wc, &err) < 0) {
		watchlog_error(wc->wl, "commit", NULL, err.len ? err.buf : "git commit failed");
		strbuf_release(&err);
		return WATCHCOMMIT_FAILED;
	}
	strbuf_release(&err);
	committed(wc);
	return WATCHCOMMIT_DONE;
}
