/*
 * change.c - issues changed by id (see change.h).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "change.h"
#include "index.h"
#include "issue.h"
#include "record.h"
#include "query.h"
#include "repo.h"
#include "run.h"
#include "usage.h"
#include "write.h"
#include "xalloc.h"

const char CHANGE_CLOSED_STATUS[] = "<closed>";

int change_options(struct change *c, const char **reason, int argc, char **argv, const char *usage_str)
{
	static const struct option longopts[] = {
		{ "no-touch", no_argument, NULL, 'n' },
		{ "commit", no_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ "reason", required_argument, NULL, 'r' },	/* last: only with reason */
		{ NULL, 0, NULL, 0 }
	};
	static const struct option no_reason[] = {
		{ "no-touch", no_argument, NULL, 'n' },
		{ "commit", no_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	int opt;

	c->touch = 1;
	c->commit = 0;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, "h", reason ? longopts : no_reason, NULL)) != -1) {
		switch (opt) {
		case 'r':
			*reason = optarg;
			break;
		case 'n':
			c->touch = 0;
			break;
		case 'c':
			c->commit = 1;
			break;
		case 'h':
			help(usage_str);
		default:
			usage_unknown_option(usage_str, argv);
		}
	}
	return optind;
}

/* The paths of the issues with this id: HEAD's, or the work tree's. */
static int id_paths(struct index *ix, const struct repo_paths *p, const char *id, int committed,
		    struct answer *a)
{
	struct query q;
	int ret;

	memset(&q, 0, sizeof(q));
	q.limit = -1;
	q.committed = committed;
	q.typed_id = 1;		/* as roadmap-show: exact, any case, a unique prefix */
	query_add_value(&q, "id", id);
	ret = query_run(a, &q, ix, p);
	query_release(&q);
	if (ret < 0)
		error("cannot answer from the index");
	return ret;
}

/* Whether the working file `path` is an issue with this id. */
static int file_has_id(const struct repo_paths *p, const char *path, const char *id)
{
	struct strbuf full = STRBUF_INIT, buf = STRBUF_INIT, rec = STRBUF_INIT;
	struct record r;
	const char *got;
	size_t len;
	int ok = 0;

	strbuf_addf(&full, "%s%s", p->workdir, path);
	if (!strbuf_read_file(&buf, full.buf, 0) &&
	    issue_parse(&rec, buf.buf, buf.len) == RECORD_ISSUE && !record_decode(&r, rec.buf, rec.len) &&
	    !issue_file_id(&r, path, &got, &len))
		ok = len == strlen(id) && !memcmp(got, id, len);
	strbuf_release(&full);
	strbuf_release(&buf);
	strbuf_release(&rec);
	return ok;
}

char *change_find(struct index *ix, const struct repo_paths *p, const char *id)
{
	struct answer a;
	char *path = NULL;

	/*
	 * HEAD's file first, when the work tree still has it under that id:
	 * one lookup instead of the work tree's stat walk (100,000 files).
	 */
	if (id_paths(ix, p, id, 1, &a) < 0)
		return NULL;
	if (a.nr == 1 && file_has_id(p, a.r[0].path, a.r[0].id))
		path = xstrdup(a.r[0].path);
	answer_release(&a);
	if (path)
		return path;
	if (id_paths(ix, p, id, 0, &a) < 0)
		return NULL;
	if (a.candidates.len) {
		const char *c;
		error("short id '%s' is ambiguous", id);
		fprintf(stderr, "hint: The candidates are:\n");
		for (c = a.candidates.buf; c < a.candidates.buf + a.candidates.len; c += strlen(c) + 1)
			fprintf(stderr, "hint:   %s\n", c);
	} else if (!a.nr)
		error("no issue with id '%s'", id);
	else if (a.nr > 1)
		error("id '%s' names %zu issue files (%s, %s%s): fix the duplicate first",
		      id, a.nr, a.r[0].path, a.r[1].path, a.nr > 2 ? ", ..." : "");
	else
		path = xstrdup(a.r[0].path);
	answer_release(&a);
	return path;
}

/* The root path lies under, and its length; NULL when none. */
static const char *root_of(const struct layout *l, const char *path, size_t *len)
{
	size_t i;

	for (i = 0; i < l->nroots; i++) {
		*len = strlen(l->roots[i]);
		if (!strncmp(path, l->roots[i], *len) && path[*len] == '/')
			return l->roots[i];
	}
	return NULL;
}

char *change_state_path(const struct layout *l, const char *path, const char *status)
{
	const char *to = layout_status_root(l, status), *from;
	struct strbuf np = STRBUF_INIT;
	size_t flen;

	if (!to || l->kind != LAYOUT_STATES || !(from = root_of(l, path, &flen)) || !strcmp(from, to))
		return NULL;
	strbuf_addf(&np, "%s%s", to, path + flen);
	return strbuf_detach(&np, NULL);
}

/*
 * roadmap-mv: the file's new path in folder `to` (a root of
 * folder-per-state; else a folder right under the file's root: a
 * roadmap-cli milestone, a Backlog.md folder), keeping its base name.
 */
static char *moved_path(const struct layout *l, const char *path, const char *to)
{
	struct strbuf np = STRBUF_INIT;
	const char *root, *base = strrchr(path, '/');
	size_t rlen, i;

	base = base ? base + 1 : path;
	if (l->kind == LAYOUT_STATES) {
		for (i = 0; i < l->nroots; i++)
			if (!strcmp(l->roots[i], to) || !strcasecmp(l->roots[i], to))
				break;
		if (i == l->nroots && !(to = layout_status_root(l, to)))
			return NULL;
		strbuf_addf(&np, "%s/%s", i < l->nroots ? l->roots[i] : to, base);
	} else {
		if (!(root = root_of(l, path, &rlen)))
			return NULL;
		strbuf_add(&np, root, rlen);
		strbuf_addf(&np, "/%s/%s", to, base);
	}
	if (!strcmp(np.buf, path)) {
		strbuf_release(&np);
		return xstrdup(path);
	}
	return strbuf_detach(&np, NULL);
}

/*
 * roadmap-mv: the field that follows the folder: folder-per-state's
 * status (the state mapped to that root, else its name), roadmap-cli's
 * milestone (none in backlog/). Backlog.md's folders carry no field.
 */
static int mv_edit(struct fm_edit *e, const char **val, const struct layout *l, const char *to)
{
	size_t i;

	memset(e, 0, sizeof(*e));
	e->vals = val;
	e->nr = 1;
	e->plain = 2;
	if (l->kind == LAYOUT_STATES) {
		const char *root = layout_status_root(l, to), *base;
		for (i = 0; i < l->nroots && !root; i++)
			if (!strcasecmp(l->roots[i], to))
				root = l->roots[i];
		if (!root)
			return 0;
		base = strrchr(root, '/');
		val[0] = base ? base + 1 : root;
		for (i = 0; i < l->nstates; i++)
			if (!strcmp(l->dir[i], root))
				val[0] = l->status[i];
		e->op = FM_SET;
		e->key = "status";
		return 1;
	}
	if (l->kind == LAYOUT_ROADMAP_CLI) {
		e->op = strcmp(to, "backlog") ? FM_SET : FM_UNSET;
		e->key = "milestone";
		val[0] = to;
		return 1;
	}
	return 0;
}

/* Run git with argv[0..n) and then paths[0..np); 0 when it exits 0. */
static int git_paths(const char **argv, size_t n, char **paths, size_t np)
{
	struct strbuf out = STRBUF_INIT;
	const char **v = xcalloc(n + np + 1, sizeof(*v));
	int ret;

	memcpy(v, argv, n * sizeof(*v));
	memcpy(v + n, paths, np * sizeof(*v));
	ret = run_git(&out, NULL, (char *const *)v);
	free(v);
	strbuf_release(&out);
	return ret;
}

/*
 * Commit paths and only them, through git (its hooks run): the ones on
 * disk added, the ones git tracked and that are gone removed, the others
 * (an uncommitted file moved again) left out of the pathspec git would
 * refuse.
 */
int change_commit(const struct repo_paths *p, char **paths, size_t n, const char *verb,
		  char *const *ids, size_t nids)
{
	static const char *add[] = { "git", "add", "-A", "--" };
	static const char *rm[] = { "git", "rm", "-q", "--cached", "--" };
	static const char *known[] = { "git", "ls-files", "--error-unmatch", "--" };
	const char *ci[] = { "git", "commit", "-q", "-m", NULL, "--" };
	struct strbuf msg = STRBUF_INIT, full = STRBUF_INIT;
	char **on = xcalloc(n + 1, sizeof(*on)), **gone = xcalloc(n + 1, sizeof(*gone));
	size_t i, non = 0, ngone = 0;
	int ret = 0;

	for (i = 0; i < n; i++) {
		strbuf_reset(&full);
		strbuf_addf(&full, "%s%s", p->workdir, paths[i]);
		if (!access(full.buf, F_OK))
			on[non++] = paths[i];
		else if (!git_paths(known, 4, &paths[i], 1))
			gone[ngone++] = paths[i];
	}
	strbuf_addf(&msg, "%s:", verb);
	for (i = 0; i < nids; i++)
		strbuf_addf(&msg, " %s", ids[i]);
	ci[4] = msg.buf;
	if ((non && git_paths(add, 4, on, non)) || (ngone && git_paths(rm, 5, gone, ngone))) {
		ret = error("git could not stage the changed files");
	} else {
		memcpy(on + non, gone, ngone * sizeof(*on));
		if (non + ngone && git_paths(ci, 6, on, non + ngone))
			ret = error("git commit failed");
	}
	free(on);
	free(gone);
	strbuf_release(&msg);
	strbuf_release(&full);
	return ret;
}

int change_file(const struct repo_paths *p, const struct layout *l, const char *path,
		const struct fm_edit *ed, size_t n, int touch, struct write_result *res)
{
	char *to = NULL;
	size_t j;

	if (write_edit(p, path, ed, n, touch ? l : NULL, res) < 0)
		return -1;
	for (j = 0; j < n && !to; j++)
		if (ed[j].op == FM_SET && !strcmp(ed[j].key, "status"))
			to = change_state_path(l, path, ed[j].vals[0]);
	if (!to)
		return 0;
	if (write_move(p, path, to) < 0) {
		free(to);
		return -1;
	}
	free(res->path);
	res->path = to;
	return 0;
}

int change_issues(struct index *ix, const struct repo_paths *p, const struct layout *l,
		  char *const *ids, size_t n, const struct change *c)
{
	char **touched = xcalloc(2 * n + 1, sizeof(*touched));
	struct fm_edit *ed = xcalloc(c->nr + 1, sizeof(*ed));
	const char *closed[1] = { l->closed }, *mv[1];
	size_t ntouched = 0, i, j, ned = c->nr;
	int ret = 0;

	for (j = 0; j < c->nr; j++) {
		ed[j] = c->ed[j];
		if (ed[j].nr == 1 && ed[j].vals[0] == CHANGE_CLOSED_STATUS)
			ed[j].vals = closed;
	}
	if (c->move_to)
		ned += mv_edit(&ed[ned], mv, l, c->move_to);

	for (i = 0; i < n; i++) {
		char *path = change_find(ix, p, ids[i]), *to = NULL;
		struct write_result res;

		if (!path) {
			ret = -1;
			continue;
		}
		if (c->move_to && !(to = moved_path(l, path, c->move_to))) {
			ret = error("'%s': no folder '%s' to move it to in this layout (%s)",
				    path, c->move_to, layout_name(l->kind));
			free(path);
			continue;
		}
		if (to && !strcmp(to, path)) {
			free(to);
			to = NULL;
		}
		if (to ? write_edit(p, path, ed, ned, c->touch ? l : NULL, &res) < 0 ||
			 write_move(p, path, to) < 0 :
			 change_file(p, l, path, ed, ned, c->touch, &res) < 0) {
			write_result_release(&res);
			ret = -1;
			free(path);
			free(to);
			continue;
		}
		if (!to && res.path && strcmp(res.path, path))
			to = xstrdup(res.path);
		if (res.changed || to)
			touched[ntouched++] = path;
		else
			free(path);
		if (to)
			touched[ntouched++] = to;
		write_result_release(&res);
	}
	if (c->commit && ntouched && !ret && change_commit(p, touched, ntouched, c->verb, ids, n) < 0)
		ret = -1;
	for (i = 0; i < ntouched; i++)
		free(touched[i]);
	free(touched);
	free(ed);
	return ret;
}

int change_run(char *const *ids, size_t n, const struct change *c)
{
	struct repo_paths paths;
	struct index *ix = NULL;
	struct layout layout;
	int ret = -1;

	if (repo_find(&paths) < 0)
		return -1;
	if (!paths.workdir)
		error("a bare repository has no issue files to change");
	else if (index_open(&ix, &paths) >= 0) {
		if (layout_read(&layout, &paths) >= 0)
			ret = change_issues(ix, &paths, &layout, ids, n, c);
		layout_release(&layout);
		index_close(ix);
	}
	repo_paths_release(&paths);
	return ret;
}
