/*
 * sync.c - roadmap-fetch, roadmap-sync, roadmap-merge-base: a run (see sync.h).
 */
#include <errno.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "atomicfile.h"
#include "change.h"
#include "frontmatter.h"
#include "remotes.h"
#include "run.h"
#include "sha1.h"
#include "syncconflict.h"
#include "sync.h"
#include "syncctx.h"
#include "usage.h"
#include "write.h"
#include "xalloc.h"

/* ---- a run ---- */

struct keys_walk {
	struct ctx *c;
	char **keys;
	size_t nr, alloc;
};

static int take_key(const char *key, const char *val, size_t len, void *data)
{
	struct keys_walk *w = data;

	ALLOC_GROW(w->keys, w->nr + 1, w->alloc);
	w->keys[w->nr++] = xstrdup(key + 2);
	return 0;
}

int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int linked(struct ctx *c, const char *key)
{
	return c->nkeys && bsearch(&key, c->keys, c->nkeys, sizeof(*c->keys), cmp_str);
}



static int setup(struct ctx *c, const char *name, int need_remote)
{
	struct strbuf err = STRBUF_INIT;

	c->name = name;
	strbuf_init(&c->report, 0);
	strbuf_init(&c->first_error, 0);
	strbuf_init(&c->fp_then, 0);
	if (repo_find(&c->p) < 0)
		return -1;
	if (!c->p.workdir)
		return error("roadmap-sync needs a work tree");
	if (index_open(&c->ix, &c->p) < 0 || layout_read(&c->l, &c->p) < 0 ||
	    baseline_open(&c->b, &c->p, name) < 0 || syncdb_open(&c->db, c->p.commondir) < 0)
		return -1;
	/* the remote's settings are in the roadmap.* config the layout read */
	sync_map_read(&c->m, c->l.config, name, &c->l);
	if (need_remote && remote_open(&c->r, c->l.config, c->p.workdir, name, &err) < 0) {
		error("%s", err.buf);
		strbuf_release(&err);
		return -1;
	}
	strbuf_release(&err);
	return 0;
}

static void teardown(struct ctx *c)
{
	size_t i;

	for (i = 0; i < c->nagreed; i++) {
		free(c->agreed[i].id);
		free(c->agreed[i].key);
		free(c->agreed[i].path);
	}
	free(c->agreed);
	for (i = 0; i < c->nkeys; i++)
		free(c->keys[i]);
	free(c->keys);
	if (c->r.name)
		remote_close(&c->r);
	answer_release(&c->a);
	baseline_release(&c->b);
	sync_map_release(&c->m);
	syncdb_close(c->db);
	layout_release(&c->l);
	if (c->ix)
		index_close(c->ix);
	repo_paths_release(&c->p);
	strbuf_release(&c->report);
	strbuf_release(&c->first_error);
	strbuf_release(&c->fp_then);
}

/*
 * --resolve <id> --field f=v: the value written into the file first, then
 * the conflict settled for ours (do_linked), so it is pushed.
 */
static int resolve_field(struct ctx *c)
{
	struct fm_edit ed;
	struct write_result res;
	char *path, *f, *eq, **vals = NULL;
	const char *one[1];
	size_t n = 0;
	int ret;

	if (!c->o->field)
		return 0;
	if (!(path = change_find(c->ix, &c->p, c->o->resolve)))
		return -1;
	f = xstrdup(c->o->field);
	if ((eq = strchr(f, '=')))
		*eq = '\0';
	if (!eq || !rissue_field_parse(!strcmp(f, "status") ? "state" : f)) {
		ret = error("--field %s: expected <field>=<value>, field one of title, body, status, "
			    "labels, assignees, milestone", c->o->field);
		goto out;
	}
	memset(&ed, 0, sizeof(ed));
	ed.key = !strcmp(f, "assignees") ? "assignee" : f;
	if (!strcmp(f, "labels") || !strcmp(f, "assignees")) {
		char *s = eq + 1, *tok;
		while ((tok = strsep(&s, ","))) {
			vals = xrealloc(vals, (n + 1) * sizeof(*vals));
			vals[n++] = tok;
		}
		ed.op = FM_SET_LIST;
		ed.vals = (const char *const *)vals;
		ed.nr = eq[1] ? n : 0;
	} else {
		one[0] = eq + 1;
		ed.op = !strcmp(f, "body") ? FM_BODY : FM_SET;
		ed.vals = one;
		ed.nr = 1;
	}
	ret = write_edit(&c->p, path, &ed, 1, NULL, &res);
	write_result_release(&res);
out:
	free(vals);
	free(f);
	free(path);
	return ret;
}

/* Every local issue, and the keys they link to. */
static int local_issues(struct ctx *c)
{
	MDB_txn *txn;
	struct query q;
	struct strbuf rk = STRBUF_INIT, buf = STRBUF_INIT, err = STRBUF_INIT;
	size_t i;
	int ret;

	memset(&q, 0, sizeof(q));
	q.limit = -1;
	q.fingerprint = c->fp;
	query_set_sort(&q, "id");
	ret = query_run(&c->a, &q, c->ix, &c->p);
	query_release(&q);
	if (ret < 0)
		return error("cannot read the issues from the index");
	/* a file the overlay did not read is HEAD's: its blob id from HEAD's row */
	if (index_begin(c->ix, &txn, 0) == 0) {
		for (i = 0; i < c->a.nr; i++) {
			struct result *r = &c->a.r[i];
			struct file_row row;
			if (!r->has_oid && !index_get_file(txn, c->ix, r->path, strlen(r->path), &row)) {
				memcpy(r->oid, row.oid, OID_RAW);
				r->has_oid = 1;
			}
		}
		index_end(txn);
	}
	strbuf_addf(&rk, "remote_ids.%s", c->name);
	for (i = 0; i < c->a.nr; i++) {
		struct record rec;
		char *key = NULL;
		if (record_decode(&rec, c->a.r[i].rec, c->a.r[i].reclen) == 0)
			key = rfile_record_field(&rec, rk.buf);
		if (!key)
			continue;
		ALLOC_GROW(c->keys, c->nkeys + 1, c->akeys);
		c->keys[c->nkeys++] = key;
	}
	if (c->nkeys)	/* no keys, no array: qsort(NULL) is undefined */
		qsort(c->keys, c->nkeys, sizeof(*c->keys), cmp_str);
	strbuf_release(&rk);
	strbuf_release(&buf);
	strbuf_release(&err);
	return 0;
}

static int dup_id(const struct answer *a, size_t i)
{
	return (i > 0 && !strcmp(a->r[i - 1].id, a->r[i].id)) ||
		(i + 1 < a->nr && !strcmp(a->r[i + 1].id, a->r[i].id));
}

/*
 * "fp": what a sync that left nothing to do saw: "<issue files> <baseline>
 * <config> <issues>" (the files' digest from query.h, the baseline's
 * commit, the roadmap.* config's digest). Without the count into out.
 */
static void fp_text(struct ctx *c, const unsigned char *files, struct strbuf *out)
{
	unsigned char cfg[OID_RAW];
	char hex[OID_HEX + 1];
	struct sha1 s;

	sha1_init(&s);
	sha1_update(&s, c->l.config, strlen(c->l.config));
	sha1_final(cfg, &s);
	oid_to_hex(hex, files);
	strbuf_addf(out, "%s %s ", hex, *c->b.old ? c->b.old : "-");
	oid_to_hex(hex, cfg);
	strbuf_addstr(out, hex);
}

/* The query gave the files' digest (all zero: it could not say). */
static int fp_known(const struct ctx *c)
{
	static const unsigned char zero[OID_RAW];

	return memcmp(c->fp, zero, OID_RAW) != 0;
}

static int count_key(const char *key, const char *val, size_t len, void *data)
{
	++*(size_t *)data;
	return 0;
}

/*
 * Nothing changed on either side since a sync that left nothing to do:
 * nothing was fetched or is waiting, nothing was resumed, and the issue
 * files, the baseline and the config are what that sync recorded. Then
 * no issue needs reading: a no-change sync costs the 304 and a look at
 * the working tree (free with roadmap-watch running). 1 when so.
 */
static int unchanged(struct ctx *c)
{
	struct strbuf now = STRBUF_INIT;
	struct query q;
	size_t waiting = 0, n = c->fp_then.len;
	int same = 0;

	if (!n || c->o->dry_run || c->o->json || c->o->resolve || c->failed || c->resumed || c->fatal)
		return 0;
	if (syncdb_begin(c->db, 0) == 0) {
		syncdb_foreach(c->db, c->name, "c/", count_key, &waiting);
		syncdb_abort(c->db);
	}
	if (waiting)
		return 0;
	memset(&q, 0, sizeof(q));
	q.fingerprint = c->fp;
	q.fingerprint_only = 1;
	if (query_run(&c->a, &q, c->ix, &c->p) == 0 && fp_known(c)) {
		const char *sp = memrchr(c->fp_then.buf, ' ', n);
		fp_text(c, c->fp, &now);
		same = sp && (size_t)(sp - c->fp_then.buf) == now.len &&
			!memcmp(now.buf, c->fp_then.buf, now.len);
		if (same)
			c->unchanged = strtoul(sp + 1, NULL, 10);
	}
	query_release(&q);
	answer_release(&c->a);
	memset(&c->a, 0, sizeof(c->a));
	strbuf_release(&now);
	return same;
}

/* Move the baseline, then record what agreed and the state, in that order (a crash between re-merges). */
static int finish(struct ctx *c)
{
	struct strbuf msg = STRBUF_INIT, row = STRBUF_INIT, k = STRBUF_INIT;
	const char *state;
	size_t i;
	int rc, ret = 0;

	strbuf_addf(&msg, "roadmap-sync %s: %zu issues agreed\n", c->name, c->nagreed);
	/* the files written are on disk before the baseline says they agree */
	rc = atomicfile_flush(c->p.workdir) < 0 ? -1 : baseline_commit(&c->b, msg.buf);
	sync_crash_point("moved the baseline");
	if (rc) {
		ret = error("%s: %s", c->name, rc > 0 ?
			    "the baseline moved meanwhile (another sync?): nothing recorded; sync again" :
			    "cannot move the baseline");
		c->fatal = 1;
	}
	if (syncdb_begin(c->db, 1) < 0)
		return -1;
	for (i = 0; !rc && i < c->nagreed; i++) {
		struct agreed *a = &c->agreed[i];
		strbuf_reset(&k);
		strbuf_addf(&k, "l/%s", a->id);
		if (a->has_oid && file_row_text(&row, a->oid, a->key, a->path))
			syncdb_put(c->db, c->name, k.buf, row.buf, row.len);
		else
			syncdb_del(c->db, c->name, k.buf);
		db_del(c, "c/", a->key);
		db_del(c, "m/", a->id);
		strbuf_reset(&k);
		strbuf_addf(&k, "k/%s", a->key);
		syncdb_put_str(c->db, c->name, k.buf, a->id);
	}
	state = c->fatal || c->failed ? "failed" : c->conflicts ? "conflict" : "in_sync";
	syncdb_put_str(c->db, c->name, "state", state);
	syncdb_put_str(c->db, c->name, "error", c->first_error.len ? c->first_error.buf : "");
	strbuf_reset(&k);
	strbuf_addf(&k, "%lld", (long long)time(NULL));
	syncdb_put_str(c->db, c->name, "last_sync", k.buf);
	strbuf_reset(&k);
	strbuf_addf(&k, "pulled %lu pushed %lu created_here %lu created_there %lu conflicts %lu "
		    "unchanged %lu failed %lu", c->pulled, c->pushed, c->created_here, c->created_there,
		    c->conflicts, c->unchanged, c->failed);
	syncdb_put_str(c->db, c->name, "counts", k.buf);
	/* this sync wrote no file and left nothing to do: the next may find nothing changed */
	if (!ret && !strcmp(state, "in_sync") && !c->pulled && !c->created_here &&
	    !c->created_there && !c->o->resolve && fp_known(c)) {
		strbuf_reset(&k);
		fp_text(c, c->fp, &k);
		strbuf_addf(&k, " %lu", c->unchanged + c->pushed);
		syncdb_put_str(c->db, c->name, "fp", k.buf);
	}
	if (syncdb_commit(c->db) < 0)
		ret = -1;
	strbuf_release(&msg);
	strbuf_release(&row);
	strbuf_release(&k);
	return ret;
}

static void summary(struct ctx *c)
{
	if (c->o->json) {
		printf("{\"remote\": ");
		fflush(stdout);
		{
			struct strbuf s = STRBUF_INIT;
			json_str(&s, c->name);
			printf("%s, \"dry_run\": %s, \"requests\": %lu, \"fetched\": %lu, \"pulled\": %lu, \"pushed\": %lu, "
			       "\"created_here\": %lu, \"created_there\": %lu, \"conflicts\": %lu, "
			       "\"unchanged\": %lu, \"failed\": %lu, \"issues\": [%s%s]}\n", s.buf,
			       c->o->dry_run ? "true" : "false", c->r.requests, c->fetched, c->pulled, c->pushed,
			       c->created_here, c->created_there, c->conflicts, c->unchanged, c->failed,
			       c->report.buf, c->report.len ? "\n" : "");
			strbuf_release(&s);
		}
	} else if (!c->o->quiet && !c->o->fetch_only) {
		printf("%s: pulled %lu, pushed %lu, new here %lu, new there %lu, conflicts %lu, "
		       "unchanged %lu%s", c->name, c->pulled, c->pushed, c->created_here,
		       c->created_there, c->conflicts, c->unchanged, c->failed ? ", failed " : "\n");
		if (c->failed)
			printf("%lu\n", c->failed);
	} else if (!c->o->quiet) {
		printf("%s: fetched %lu issues (%lu requests)\n", c->name, c->fetched, c->r.requests);
	}
}

static int set_syncing(struct ctx *c)
{
	struct strbuf state = STRBUF_INIT;
	int ret = 0;

	if (syncdb_begin(c->db, 1) < 0)
		return -1;
	if (!db_get(c, "", "state", &state) && !strcmp(state.buf, "syncing") && !c->o->quiet)
		fprintf(stderr, "%s: %s: the last sync did not finish; resuming it\n", progname, c->name);
	/* "fp" holds until this sync ends well: a sync killed on the way leaves none */
	if (!strcmp(state.buf, "in_sync"))
		db_get(c, "", "fp", &c->fp_then);
	syncdb_del(c->db, c->name, "fp");
	if (syncdb_put_str(c->db, c->name, "state", "syncing") || syncdb_commit(c->db))
		ret = -1;
	strbuf_release(&state);
	return ret;
}

int sync_run(const struct sync_opts *o)
{
	struct ctx c;
	struct keys_walk kw = { NULL, NULL, 0, 0 };
	size_t i;
	int ret = -1, lock = -1;

	memset(&c, 0, sizeof(c));
	c.o = o;
	/*
	 * a first sync makes thousands of files, each through short-lived
	 * buffers (libyaml's, jansson's) among the issues it keeps: glibc
	 * grew and gave back the heap's top for them; kept 16 MiB ahead, the
	 * first sync of 10,000 took 1.8 -> 1.4 s of CPU (t/perf/sync.sh)
	 */
	mallopt(M_TOP_PAD, 16 << 20);
	if (setup(&c, o->remote, 1) < 0)
		goto out;
	{
		struct strbuf lk = STRBUF_INIT;
		strbuf_addf(&lk, "roadmap-sync %s", o->remote);	/* one sync of a remote at a time */
		lock = write_lock(&c.p, lk.buf);
		strbuf_release(&lk);
		if (lock < 0)
			goto out;
	}
	if ((!o->dry_run && set_syncing(&c) < 0) || resume(&c) < 0 || fetch(&c) < 0)
		goto done;
	sync_stop_point("fetched");
	if (o->fetch_only) {
		ret = 0;
		goto done;
	}
	if (o->resolve && resolve_field(&c) < 0)
		goto done;
	if (unchanged(&c)) {
		ret = 0;
		goto done;
	}
	if (local_issues(&c) < 0)
		goto done;
	atomicfile_defer();	/* one syncfs before the baseline moves, not two fsyncs a file */
	for (i = 0; i < c.a.nr && !c.fatal; i++) {
		struct strbuf key = STRBUF_INIT;
		struct record rec;
		char *k = NULL;
		const struct result *r = &c.a.r[i];

		if (dup_id(&c.a, i)) {
			failed(&c, r->id, "%s", "more than one file has this id: not synced");
			continue;
		}
		strbuf_addf(&key, "remote_ids.%s", c.name);
		if (record_decode(&rec, r->rec, r->reclen) == 0)
			k = rfile_record_field(&rec, key.buf);
		if (k)
			do_linked(&c, r->id, r->path, k, r->has_oid ? r->oid : NULL);
		else
			do_unlinked(&c, r->id, r->path);
		free(k);
		strbuf_release(&key);
	}
	/* remote issues no file links to */
	kw.c = &c;
	if (!c.fatal && syncdb_begin(c.db, 0) == 0) {
		syncdb_foreach(c.db, c.name, "c/", take_key, &kw);
		syncdb_abort(c.db);
	}
	for (i = 0; i < kw.nr; i++) {
		if (!c.fatal && !linked(&c, kw.keys[i]))
			do_new_remote(&c, kw.keys[i]);
		free(kw.keys[i]);
	}
	free(kw.keys);
	ret = 0;
done:
	if (!o->dry_run && finish(&c) < 0)
		ret = -1;
	summary(&c);
	if (!ret)
		ret = c.fatal ? -1 : c.failed ? 2 : c.conflicts ? 1 : 0;
out:
	if (lock >= 0)
		close(lock);
	teardown(&c);
	return ret;
}

struct print {
	struct ctx *c;
	int theirs, nul, missing;
};

/* One issue's baseline (or fetched remote issue) written into its working file, printed. */
static int print_one(const char *id, void *data)
{
	struct print *pr = data;
	struct ctx *c = pr->c;
	struct strbuf buf = STRBUF_INIT, out = STRBUF_INIT, err = STRBUF_INIT, full = STRBUF_INIT;
	struct strbuf key = STRBUF_INIT;
	struct rissue ri, cur;
	char *path = NULL;
	int rc;

	rissue_init(&ri);
	rissue_init(&cur);
	path = change_find(c->ix, &c->p, id);
	if (path) {
		strbuf_addf(&full, "%s%s", c->p.workdir, path);
		strbuf_read_file(&buf, full.buf, 0);
	} else {	/* no file (deleted here): the fields alone */
		strbuf_addf(&buf, "---\nid: %s\n---\n", id);
	}
	if (pr->theirs) {
		rc = rfile_read(&c->m.map, buf.buf, buf.len, c->name, &cur, &key, &err);
		rc = rc < 0 ? -1 : !key.len ? 1 : fetched(c, key.buf, &ri);
	} else {
		rc = baseline_get(&c->b, id, &ri);
	}
	if (rc) {
		if (rc > 0)
			error("%s: %s has no %s", c->name, id, pr->theirs ? "fetched remote issue" :
			      "baseline (never synced)");
		pr->missing = 1;
	} else if (rfile_write(&c->m.map, buf.buf, buf.len, &ri, c->m.fields, &out, &err) < 0) {
		error("%s: %s", path ? path : id, err.buf);
		pr->missing = 1;
	} else {
		fwrite(out.buf, 1, out.len, stdout);
		if (pr->nul)
			putchar('\0');
	}
	free(path);
	rissue_release(&ri);
	rissue_release(&cur);
	strbuf_release(&buf);
	strbuf_release(&out);
	strbuf_release(&err);
	strbuf_release(&full);
	strbuf_release(&key);
	return 0;
}

int sync_print(const char *remote, char *const *ids, size_t n, int all, int nul, int theirs)
{
	struct ctx c;
	struct sync_opts o;
	struct print pr;
	size_t i;
	int ret = -1;

	memset(&c, 0, sizeof(c));
	memset(&o, 0, sizeof(o));
	c.o = &o;
	pr.c = &c;
	pr.theirs = theirs;
	pr.nul = nul;
	pr.missing = 0;
	if (setup(&c, remote, 0) < 0)
		goto out;
	if (all)
		baseline_foreach(&c.b, print_one, &pr);
	for (i = 0; i < n; i++)
		print_one(ids[i], &pr);
	ret = pr.missing;
out:
	teardown(&c);
	return ret;
}

/* ---- roadmap-status ---- */

struct conflicts {
	struct strbuf *ids;
	size_t n;
};

static void add_conflict(const char *id, const char *file, void *data)
{
	struct conflicts *cf = data;

	strbuf_addf(cf->ids, "%s%s", cf->n++ ? " " : "", id);
}

static void status_row(struct syncdb *db, const char *name, const char *key, struct strbuf *out)
{
	strbuf_reset(out);
	if (db && syncdb_get(db, name, key, out))
		strbuf_reset(out);
}

void sync_status(struct strbuf *out, const struct repo_paths *p, int format)
{
	struct strbuf cfg = STRBUF_INIT, state = STRBUF_INIT, last = STRBUF_INIT, cursor = STRBUF_INIT;
	struct strbuf counts = STRBUF_INIT, err = STRBUF_INIT, ids = STRBUF_INIT, name = STRBUF_INIT;
	struct strbuf psync = STRBUF_INIT, plast = STRBUF_INIT, label = STRBUF_INIT;
	struct conflicts cf = { &ids, 0 };
	char *argv[] = { "git", "config", "--get-regexp", "^roadmap\\.remote\\..*\\.url$", NULL };
	struct syncdb *db = NULL;
	const char *line, *next;
	int n = 0;

	syncconflict_list(p->workdir, add_conflict, &cf);
	run_git(&cfg, p->gitdir, argv);
	if (cfg.len && syncdb_open(&db, p->commondir) == 0 && syncdb_begin(db, 0) < 0) {
		syncdb_close(db);
		db = NULL;
	}
	if (format == 1)
		strbuf_addch(out, '[');
	for (line = cfg.buf; *line; line = next) {
		const char *end = strchrnul(line, '\n'), *dot = line + strlen("roadmap.remote.");
		const char *url_at = end - 4;	/* "<name>.url <value>": the last ".url " */
		next = *end ? end + 1 : end;
		while (url_at > dot && strncmp(url_at, ".url ", 5))
			url_at--;
		if (url_at <= dot)
			continue;
		strbuf_reset(&name);
		strbuf_add(&name, dot, url_at - dot);
		status_row(db, name.buf, "state", &state);
		status_row(db, name.buf, "last_sync", &last);
		status_row(db, name.buf, "cursor", &cursor);
		status_row(db, name.buf, "counts", &counts);
		status_row(db, name.buf, "error", &err);
		if (!state.len)
			strbuf_addstr(&state, "never");
		if (format == 1) {
			strbuf_addstr(out, n++ ? ", {\"name\": " : "{\"name\": ");
			json_str(out, name.buf);
			strbuf_addstr(out, ", \"state\": ");
			json_str(out, state.buf);
			strbuf_addf(out, ", \"last_sync\": %s, \"cursor\": ", last.len ? last.buf : "null");
			json_str(out, cursor.buf);
			strbuf_addstr(out, ", \"counts\": ");
			json_str(out, counts.buf);
			strbuf_addstr(out, ", \"error\": ");
			json_str(out, err.buf);
			strbuf_addch(out, '}');
		} else if (format == 2) {
			const char *q;
			strbuf_reset(&label);	/* a label value: \ and " escaped */
			for (q = name.buf; *q; q++)
				strbuf_addf(&label, "%s%c", *q == '"' || *q == '\\' ? "\\" : "", *q);
			strbuf_addf(&psync, "roadmap_sync_in_sync{remote=\"%s\"} %d\n", label.buf,
				    !strcmp(state.buf, "in_sync"));
			strbuf_addf(&plast, "roadmap_sync_last_timestamp_seconds{remote=\"%s\"} %s\n",
				    label.buf, last.len ? last.buf : "0");
		} else {
			time_t t = last.len ? (time_t)atoll(last.buf) : 0;
			strbuf_addf(out, "remote:  %s: %s, last sync %s", name.buf, state.buf,
				    t ? "" : "never");
			if (t) {
				char when[64];
				strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", localtime(&t));
				strbuf_addstr(out, when);
			}
			strbuf_addf(out, "%s%s\n", cursor.len ? ", cursor " : "", cursor.buf);
			if (counts.len)
				strbuf_addf(out, "         %s\n", counts.buf);
			if (err.len)
				strbuf_addf(out, "         error: %s\n", err.buf);
		}
	}
	if (format == 1) {
		strbuf_addstr(out, "], \"sync_conflicts\": [");
		for (line = ids.buf; *line; line = next) {
			const char *end = strchrnul(line, ' ');
			struct strbuf one = STRBUF_INIT;
			next = *end ? end + 1 : end;
			strbuf_add(&one, line, end - line);
			strbuf_addstr(out, line == ids.buf ? "" : ", ");
			json_str(out, one.buf);
			strbuf_release(&one);
		}
		strbuf_addch(out, ']');
	} else if (format == 2) {
		if (psync.len)
			strbuf_addf(out, "# HELP roadmap_sync_in_sync 1 when the remote's last sync left it in step.\n"
				    "# TYPE roadmap_sync_in_sync gauge\n%s"
				    "# HELP roadmap_sync_last_timestamp_seconds When the remote was last synced.\n"
				    "# TYPE roadmap_sync_last_timestamp_seconds gauge\n%s", psync.buf, plast.buf);
		strbuf_addf(out, "# HELP roadmap_sync_conflicts Open sync conflicts.\n"
			    "# TYPE roadmap_sync_conflicts gauge\nroadmap_sync_conflicts %zu\n", cf.n);
	} else if (cf.n) {
		strbuf_addf(out, "conflicts: %zu open sync conflicts: %s (roadmap-sync <remote> --resolve)\n",
			    cf.n, ids.buf);
	}
	syncdb_close(db);
	strbuf_release(&cfg);
	strbuf_release(&state);
	strbuf_release(&last);
	strbuf_release(&cursor);
	strbuf_release(&counts);
	strbuf_release(&err);
	strbuf_release(&ids);
	strbuf_release(&name);
	strbuf_release(&psync);
	strbuf_release(&plast);
	strbuf_release(&label);
}
