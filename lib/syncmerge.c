/*
 * syncmerge.c - one issue between its file and a remote (see syncmerge.h).
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "layout.h"
#include "merge.h"
#include "rfile.h"
#include "syncmerge.h"
#include "usage.h"
#include "xalloc.h"

static void map_add(struct rfile_map *m, const char *entry, size_t len)
{
	char *e = xmemdupz(entry, len), *eq = strchr(e, '='), *slash, *v;
	size_t n = m->nr;

	while (len && (*e == ' '))
		memmove(e, e + 1, len--);
	if (!eq || eq == e) {
		warning("statusMap entry '%s': expected status=open or status=closed/reason", e);
		free(e);
		return;
	}
	*eq = '\0';
	v = eq + 1;
	if ((slash = strchr(v, '/')))
		*slash++ = '\0';
	m->status = xrealloc(m->status, (n + 1) * sizeof(char *));
	m->state = xrealloc(m->state, (n + 1) * sizeof(char *));
	m->reason = xrealloc(m->reason, (n + 1) * sizeof(char *));
	m->status[n] = xstrdup(e);
	m->state[n] = xstrdup(v);
	m->reason[n] = slash && *slash ? xstrdup(slash) : NULL;
	m->nr++;
	free(e);
}

int sync_map_read(struct sync_map *m, const char *config, const char *name, const struct layout *l)
{
	struct strbuf prefix = STRBUF_INIT;
	const char *line, *next;

	memset(m, 0, sizeof(*m));
	m->fields = RF_ALL;
	strbuf_addf(&prefix, "roadmap.remote.%s.", name);
	for (line = config; *line; line = next) {
		const char *eol = strchrnul(line, '\n'), *var = line + prefix.len, *val;
		next = *eol ? eol + 1 : eol;
		if ((size_t)(eol - line) <= prefix.len || strncmp(line, prefix.buf, prefix.len) ||
		    !(val = memchr(var, ' ', eol - var)))
			continue;
		val++;
		if (!strncmp(var, "statusmap ", 10)) {
			while (val < eol) {
				const char *c = memchr(val, ',', eol - val);
				if (!c)
					c = eol;
				map_add(&m->map, val, c - val);
				val = c + (c < eol);
			}
		} else if (!strncmp(var, "openstatus ", 11)) {
			free(m->map.open_status);
			m->map.open_status = xmemdupz(val, eol - val);
		} else if (!strncmp(var, "fields ", 7)) {
			m->fields = 0;
			while (val < eol) {
				const char *c = memchr(val, ',', eol - val);
				char *f = xmemdupz(val, (c ? c : eol) - val);
				unsigned bit = rissue_field_parse(!strcmp(f, "status") ? "state" : f);
				if (!bit)
					warning("roadmap.remote.%s.fields: no field '%s'", name, f);
				m->fields |= bit;
				free(f);
				val = c ? c + 1 : eol;
			}
		}
	}
	if (!m->map.open_status)
		m->map.open_status = xstrdup(l->kind == LAYOUT_BACKLOG ? "To Do" : "todo");
	m->map.closed_status = xstrdup(l->closed);
	strbuf_release(&prefix);
	return 0;
}

void sync_map_release(struct sync_map *sm)
{
	struct rfile_map *m = &sm->map;
	size_t i;

	for (i = 0; i < m->nr; i++) {
		free(m->status[i]);
		free(m->state[i]);
		free(m->reason[i]);
	}
	free(m->status);
	free(m->state);
	free(m->reason);
	free(m->open_status);
	free(m->closed_status);
	memset(sm, 0, sizeof(*sm));
}

/* Both lists' common items: what no side removed when there is no base. */
static void intersect(struct rlist *dst, const struct rlist *a, const struct rlist *b)
{
	size_t i, j;

	rlist_release(dst);
	for (i = 0; i < a->nr; i++)
		for (j = 0; j < b->nr; j++)
			if (!strcasecmp(a->v[i], b->v[j])) {
				rlist_add(dst, a->v[i]);
				break;
			}
}

void sync_base_guess(struct rissue *b, const struct rissue *ours, const struct rissue *theirs)
{
	rissue_copy(b, ours);
	intersect(&b->labels, &ours->labels, &theirs->labels);
	intersect(&b->assignees, &ours->assignees, &theirs->assignees);
}

int sync_merge3(const struct sync_map *m, const struct rissue *base, const char *ours, size_t len,
		const char *path, const struct rissue *theirs, struct sync_merge *out,
		struct strbuf *err)
{
	struct strbuf key = STRBUF_INIT, bfile = STRBUF_INIT, tfile = STRBUF_INIT, ofile = STRBUF_INIT;
	struct rissue o, b;
	struct merge_opts opts = { 7, { "ours", "base", "theirs" } };
	unsigned f, both;
	int ret = -1, rc;

	memset(out, 0, sizeof(*out));
	strbuf_init(&out->merged, 0);
	rissue_init(&b);
	if (rfile_read(&m->map, ours, len, "", &o, &key, err) < 0)
		goto out;
	if (base) {
		rissue_copy(&b, base);
	} else {	/* no base yet: what both hold alike agrees, lists join */
		sync_base_guess(&b, &o, theirs);
		out->conflict = rissue_diff(&o, theirs, m->fields & ~(RF_LABELS | RF_ASSIGNEES));
	}
	both = rissue_diff(&o, &b, m->fields) & rissue_diff(theirs, &b, m->fields) &
		rissue_diff(&o, theirs, m->fields);
	for (f = RF_TITLE; f <= RF_MILESTONE; f <<= 1)
		if ((both & f) && f != RF_LABELS && f != RF_ASSIGNEES && f != RF_BODY)
			out->conflict |= f;
	if (out->conflict) {
		ret = 0;
		goto out;
	}
	strbuf_add(&ofile, ours, len);
	if (rfile_write(&m->map, ours, len, &b, m->fields, &bfile, err) < 0 ||
	    rfile_write(&m->map, ours, len, theirs, m->fields, &tfile, err) < 0)
		goto out;
	rc = merge_issue(&out->merged, &bfile, &ofile, &tfile, path, &opts);
	if (rc < 0) {
		strbuf_addstr(err, "the merge failed");
		goto out;
	}
	if (rc > 0) {		/* what is left to conflict is the body, line by line */
		out->conflict = RF_BODY;
		strbuf_reset(&out->merged);
		ret = 0;
		goto out;
	}
	if (rfile_read(&m->map, out->merged.buf, out->merged.len, "", &out->result, &key, err) < 0)
		goto out;
	out->pull = rissue_diff(&o, &out->result, m->fields);
	out->push = rissue_diff(theirs, &out->result, m->fields);
	ret = 0;
out:
	rissue_release(&o);
	rissue_release(&b);
	strbuf_release(&key);
	strbuf_release(&bfile);
	strbuf_release(&tfile);
	strbuf_release(&ofile);
	return ret;
}

void sync_merge_release(struct sync_merge *sm)
{
	rissue_release(&sm->result);
	strbuf_release(&sm->merged);
}
