/*
 * change.c - issues changed by id (see change.h).
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "change.h"
#include "index.h"
#include "query.h"
#include "repo.h"
#include "run.h"
#include "usage.h"
#include "write.h"
#include "xalloc.h"

/* The working-tree file of an issue id: exactly one, or NULL after an error. */
static char *find_issue(struct index *ix, const struct repo_paths *p, const char *id)
{
	struct query q;
	struct answer a;
	char *path = NULL;

	memset(&q, 0, sizeof(q));
	q.limit = -1;
	query_add_eq(&q, "id", "");
	free(q.preds[0].values[0]);
	q.preds[0].values[0] = xstrdup(id);	/* ids may hold commas */
	if (query_run(&a, &q, ix, p) < 0) {
		error("cannot answer from the index");
		query_release(&q);
		return NULL;
	}
	if (!a.nr)
		error("no issue with id '%s'", id);
	else if (a.nr > 1)
		error("id '%s' names %zu issue files (%s, %s%s): fix the duplicate first",
		      id, a.nr, a.r[0].path, a.r[1].path, a.nr > 2 ? ", ..." : "");
	else
		path = xstrdup(a.r[0].path);
	answer_release(&a);
	query_release(&q);
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

/* Folder-per-state: where the file goes for its new status, or NULL to stay. */
static char *state_path(const struct layout *l, const char *path, const char *status)
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

/* git add -A, then git commit, of paths and only them; its hooks run. */
static int commit(char **paths, size_t n, const char *verb, char *const *ids, size_t nids)
{
	struct strbuf msg = STRBUF_INIT, out = STRBUF_INIT;
	char **argv = xcalloc(n + 8, sizeof(*argv));
	size_t i;
	int ret = 0;

	strbuf_addf(&msg, "%s:", verb);
	for (i = 0; i < nids; i++)
		strbuf_addf(&msg, " %s", ids[i]);
	argv[0] = "git";
	argv[1] = "add";
	argv[2] = "-A";
	argv[3] = "--";
	for (i = 0; i < n; i++)
		argv[4 + i] = paths[i];
	if (run_git(&out, NULL, argv)) {
		ret = error("git add failed");
		goto out;
	}
	argv[1] = "commit";
	argv[2] = "-q";
	argv[3] = "-m";
	argv[4] = msg.buf;
	argv[5] = "--";
	for (i = 0; i < n; i++)
		argv[6 + i] = paths[i];
	argv[6 + n] = NULL;
	if (run_git(&out, NULL, argv))
		ret = error("git commit failed");
out:
	free(argv);
	strbuf_release(&msg);
	strbuf_release(&out);
	return ret;
}

int change_issues(struct index *ix, const struct repo_paths *p, const struct layout *l,
		  char *const *ids, size_t n, const struct change *c)
{
	char **touched = xcalloc(2 * n + 1, sizeof(*touched));
	size_t ntouched = 0, i, j;
	int ret = 0;

	for (i = 0; i < n; i++) {
		char *path = find_issue(ix, p, ids[i]), *to = NULL;
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
		if (write_edit(p, path, c->ed, c->nr, c->touch ? l : NULL, &res) < 0) {
			ret = -1;
			free(path);
			free(to);
			continue;
		}
		for (j = 0; j < c->nr && !to; j++)
			if (c->ed[j].op == FM_SET && !strcmp(c->ed[j].key, "status"))
				to = state_path(l, path, c->ed[j].vals[0]);
		if (to && !strcmp(to, path)) {
			free(to);
			to = NULL;
		}
		if (to && write_move(p, path, to) < 0)
			ret = -1;
		if (res.changed || to)
			touched[ntouched++] = path;
		else
			free(path);
		if (to)
			touched[ntouched++] = to;
		write_result_release(&res);
	}
	if (c->commit && ntouched && !ret && commit(touched, ntouched, c->verb, ids, n) < 0)
		ret = -1;
	for (i = 0; i < ntouched; i++)
		free(touched[i]);
	free(touched);
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
