/*
 * layout.c - how a repository lays out its issues (see layout.h).
 */
#include <ctype.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "issue.h"
#include "layout.h"
#include "record.h"
#include "repo.h"
#include "run.h"
#include "usage.h"
#include "xalloc.h"

static const char *const names[] = { "roadmap-cli", "backlog", "states" };

const char *layout_name(enum layout_kind kind)
{
	return names[kind];
}

static void push(char ***v, size_t *nr, const char *s, size_t len)
{
	*v = xrealloc(*v, (*nr + 1) * sizeof(**v));
	(*v)[(*nr)++] = xmemdupz(s, len);
}

/* The first scalar of a field of a record. */
struct first {
	const char *text;
	size_t len;
	char ***all;		/* when set: every scalar */
	size_t *nall;
};

static int take(const char *key, size_t keylen, const struct node *val, void *data)
{
	struct first *f = data;

	if (f->all) {
		push(f->all, f->nall, val->text, val->len);
		return 0;
	}
	f->text = val->text;
	f->len = val->len;
	return 1;
}

/* Backlog.md's backlog/config.yml: task_prefix and the last of statuses (its "Done"). */
static void read_backlog_config(struct layout *l, const struct repo_paths *p)
{
	struct strbuf file = STRBUF_INIT, text = STRBUF_INIT, rec = STRBUF_INIT;
	struct record r;
	struct first f = { NULL, 0, NULL, NULL };
	char **statuses = NULL;
	size_t nstatuses = 0, i;

	strbuf_addf(&file, "%sbacklog/config.yml", p->workdir ? p->workdir : "");
	strbuf_addstr(&text, "---\n");
	if (strbuf_read_file(&text, file.buf, 0) >= 0) {
		/* read as an issue's front matter: the same YAML rules */
		strbuf_addstr(&text, "\n---\n");
		if (issue_parse(&rec, text.buf, text.len) == RECORD_ISSUE &&
		    !record_decode(&r, rec.buf, rec.len)) {
			if (record_field_scalars(&r, "task_prefix", NULL, take, &f) == 1)
				l->prefix = xmemdupz(f.text, f.len);
			f.all = &statuses;
			f.nall = &nstatuses;
			record_field_scalars(&r, "statuses", NULL, take, &f);
			if (nstatuses && !l->closed)
				l->closed = xstrdup(statuses[nstatuses - 1]);
		}
	}
	for (i = 0; i < nstatuses; i++)
		free(statuses[i]);
	free(statuses);
	strbuf_release(&file);
	strbuf_release(&text);
	strbuf_release(&rec);
}

int layout_read(struct layout *l, const struct repo_paths *p)
{
	char *argv[] = { "git", "config", "--get-regexp", "^roadmap\\.", NULL };
	struct strbuf out = STRBUF_INIT, cfg = STRBUF_INIT;
	char *line, *nl, *kind = NULL;
	size_t i;
	int ret = 0, backlog = 0;

	memset(l, 0, sizeof(*l));
	git_capture(&out, p, argv);	/* exit 1: no roadmap.* at all */
	l->config = xmemdupz(out.buf, out.len);
	for (line = out.buf; line < out.buf + out.len; line = nl + 1) {
		char *sp, *val;
		if (!(nl = strchr(line, '\n')))
			nl = out.buf + out.len;
		*nl = '\0';
		sp = strchr(line, ' ');
		val = sp ? sp + 1 : "";
		if (sp)
			*sp = '\0';
		if (!strcasecmp(line, "roadmap.path"))
			push(&l->roots, &l->nroots, val, strlen(val));
		else if (!strcasecmp(line, "roadmap.layout"))
			kind = val;
		else if (!strcasecmp(line, "roadmap.closedstatus"))
			l->closed = xstrdup(val);
		else if (!strncasecmp(line, "roadmap.statedir.", 17) && *val) {
			size_t nd = l->nstates;
			push(&l->dir, &nd, val, strlen(val));
			push(&l->status, &l->nstates, line + 17, strlen(line + 17));
		}
	}
	if (!l->nroots)
		push(&l->roots, &l->nroots, ".roadmap/issues", 15);
	for (i = 0; i < l->nroots; i++)
		backlog |= (l->nroots == 1 && !strcmp(l->roots[i], "backlog")) ||
			!strncmp(l->roots[i], "backlog/", 8);
	strbuf_addf(&cfg, "%sbacklog/config.yml", p->workdir ? p->workdir : "");
	if (!backlog && access(cfg.buf, F_OK) == 0)
		backlog = 1;
	if (kind) {
		for (i = 0; i < 3 && strcasecmp(kind, names[i]); i++)
			;
		if (i == 3)
			ret = error("roadmap.layout: unknown layout '%s' (roadmap-cli, backlog, states)", kind);
		else
			l->kind = i;
	} else {
		l->kind = backlog ? LAYOUT_BACKLOG : (l->nroots > 1 || l->nstates) ?
			LAYOUT_STATES : LAYOUT_ROADMAP_CLI;
	}
	if (l->kind == LAYOUT_BACKLOG)
		read_backlog_config(l, p);
	if (!l->prefix)
		l->prefix = xstrdup("task");
	if (!l->closed)
		l->closed = xstrdup(l->kind == LAYOUT_BACKLOG ? "Done" :
				    l->kind == LAYOUT_STATES ? "completed" : "closed");
	strbuf_release(&out);
	strbuf_release(&cfg);
	return ret;
}

void layout_release(struct layout *l)
{
	size_t i;

	free(l->config);
	for (i = 0; i < l->nroots; i++)
		free(l->roots[i]);
	for (i = 0; i < l->nstates; i++) {
		free(l->status[i]);
		free(l->dir[i]);
	}
	free(l->roots);
	free(l->status);
	free(l->dir);
	free(l->closed);
	free(l->prefix);
	memset(l, 0, sizeof(*l));
}

const char *layout_status_root(const struct layout *l, const char *status)
{
	size_t i;

	for (i = 0; i < l->nstates; i++)
		if (!strcasecmp(l->status[i], status))
			return l->dir[i];
	/* the folder is the state: "active" lives in the root .../active */
	for (i = 0; i < l->nroots; i++) {
		const char *base = strrchr(l->roots[i], '/');
		base = base ? base + 1 : l->roots[i];
		if (!strcasecmp(base, status))
			return l->roots[i];
	}
	return NULL;
}

/* The form of a timestamp: 'd' date, 'm' YYYY-MM-DD HH:MM, 'T' ISO with seconds. */
static int form_of(const char *s, size_t len)
{
	if (len == 10)
		return 'd';
	if (len == 16 && s[10] == ' ')
		return 'm';
	return 'T';
}

void layout_touch(const struct layout *l, const char *buf, size_t len, long long now,
		  struct strbuf *key, struct strbuf *val)
{
	static const char *const keys[] = { "updated_date", "updated", "updated_at" };
	struct strbuf rec = STRBUF_INIT;
	struct record r;
	struct first f = { NULL, 0, NULL, NULL };
	time_t t = (time_t)now;
	struct tm tm;
	char out[32];
	size_t i;
	int form = 0;

	strbuf_reset(key);
	strbuf_reset(val);
	if (issue_parse(&rec, buf, len) == RECORD_ISSUE && !record_decode(&r, rec.buf, rec.len))
		for (i = 0; i < 3 && !key->len; i++)
			if (record_field_scalars(&r, keys[i], NULL, take, &f) == 1) {
				strbuf_addstr(key, keys[i]);
				form = f.len ? form_of(f.text, f.len) : 0;
			}
	if (!key->len)
		strbuf_addstr(key, l->kind == LAYOUT_BACKLOG ? "updated_date" : "updated");
	if (!form)
		form = l->kind == LAYOUT_BACKLOG ? 'm' : 'T';
	localtime_r(&t, &tm);
	strftime(out, sizeof(out), form == 'd' ? "%Y-%m-%d" : form == 'm' ? "%Y-%m-%d %H:%M" :
		 "%Y-%m-%dT%H:%M:%S", &tm);
	strbuf_addstr(val, out);
	strbuf_release(&rec);
}
