/*
 * syncjournal.c - the sync's reports, its rows in sync.mdb, the journal
 * of remote writes and the fetch (see syncctx.h, sync.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "output.h"
#include "sync.h"
#include "syncctx.h"
#include "usage.h"
#include "xalloc.h"

/* ---- reporting ---- */

void json_str(struct strbuf *out, const char *s)
{
	s = s ? s : "";
	out_json_string(out, s, strlen(s));
}

void fields_text(struct strbuf *out, unsigned mask, const char *sep, int quote)
{
	unsigned f;
	int n = 0;

	for (f = RF_TITLE; f <= RF_MILESTONE; f <<= 1) {
		if (!(mask & f))
			continue;
		strbuf_addstr(out, n++ ? sep : "");
		if (quote)
			json_str(out, rissue_field_name(f));
		else
			strbuf_addstr(out, rissue_field_name(f));
	}
}

/* One issue's action: a line with --dry-run, an entry of --json. */
void report(struct ctx *c, const char *action, const char *id, const char *key, unsigned mask)
{
	if (c->o->json) {
		strbuf_addstr(&c->report, c->report.len ? ",\n  {\"id\": " : "\n  {\"id\": ");
		json_str(&c->report, id);
		strbuf_addstr(&c->report, ", \"key\": ");
		json_str(&c->report, key ? key : "");
		strbuf_addstr(&c->report, ", \"action\": ");
		json_str(&c->report, action);
		strbuf_addstr(&c->report, ", \"fields\": [");
		fields_text(&c->report, mask, ", ", 1);
		strbuf_addstr(&c->report, "]}");
	} else if (c->o->dry_run) {
		struct strbuf f = STRBUF_INIT;
		fields_text(&f, mask, ",", 0);
		printf("%-9s %s %s%s%s\n", action, id, key && *key ? key : "-", f.len ? " " : "", f.buf);
		strbuf_release(&f);
	}
}

void failed(struct ctx *c, const char *id, const char *fmt, const char *what)
{
	struct strbuf msg = STRBUF_INIT;

	strbuf_addf(&msg, "%s: ", id);
	strbuf_addf(&msg, fmt, what);
	error("%s: %s", c->name, msg.buf);
	if (!c->first_error.len)
		strbuf_addstr(&c->first_error, msg.buf);
	c->failed++;
	strbuf_release(&msg);
}

/* ---- sync.mdb ---- */

int db_put_json(struct ctx *c, const char *prefix, const char *key, const struct rissue *ri)
{
	struct strbuf k = STRBUF_INIT, v = STRBUF_INIT;
	int ret;

	strbuf_addf(&k, "%s%s", prefix, key);
	rissue_to_json(ri, &v);
	ret = syncdb_put(c->db, c->name, k.buf, v.buf, v.len);
	strbuf_release(&k);
	strbuf_release(&v);
	return ret;
}

/* Row prefix+key: 0 (in out), 1 absent, -1 error. */
int db_get(struct ctx *c, const char *prefix, const char *key, struct strbuf *out)
{
	struct strbuf k = STRBUF_INIT;
	int ret;

	strbuf_addf(&k, "%s%s", prefix, key);
	ret = syncdb_get(c->db, c->name, k.buf, out);
	strbuf_release(&k);
	return ret;
}

int db_del(struct ctx *c, const char *prefix, const char *key)
{
	struct strbuf k = STRBUF_INIT;
	int ret;

	strbuf_addf(&k, "%s%s", prefix, key);
	ret = syncdb_del(c->db, c->name, k.buf);
	strbuf_release(&k);
	return ret;
}

/* The fetched issue key: 0, 1 when not fetched, -1 after an error. */
int fetched(struct ctx *c, const char *key, struct rissue *out)
{
	struct strbuf v = STRBUF_INIT, err = STRBUF_INIT;
	int ret;

	rissue_init(out);
	if (syncdb_begin(c->db, 0) < 0)
		return -1;
	ret = db_get(c, "f/", key, &v);
	syncdb_abort(c->db);
	if (!ret && rissue_from_json(out, v.buf, v.len, &err) < 0)
		ret = error("sync.mdb: %s f/%s: %s", c->name, key, err.buf);
	strbuf_release(&v);
	strbuf_release(&err);
	return ret;
}

/* A journal entry before a remote write: its row name goes to seq. */
int journal(struct ctx *c, const char *op, const char *id, const char *key,
		   unsigned fields, struct strbuf *seq)
{
	struct strbuf v = STRBUF_INIT, n = STRBUF_INIT;
	unsigned long next = 0;
	int ret;

	if (syncdb_begin(c->db, 1) < 0)
		return -1;
	if (!db_get(c, "", "jseq", &n))
		next = strtoul(n.buf, NULL, 10);
	strbuf_reset(&n);
	strbuf_addf(&n, "%lu", next + 1);
	strbuf_reset(seq);
	strbuf_addf(seq, "j/%016lu", next + 1);
	strbuf_addf(&v, "{\"op\": \"%s\", \"id\": ", op);
	json_str(&v, id);
	strbuf_addstr(&v, ", \"key\": ");
	json_str(&v, key ? key : "");
	strbuf_addf(&v, ", \"fields\": %u, \"time\": %lld}", fields, (long long)time(NULL));
	ret = syncdb_put_str(c->db, c->name, "jseq", n.buf) ||
		syncdb_put(c->db, c->name, seq->buf, v.buf, v.len) || syncdb_commit(c->db) ? -1 : 0;
	sync_crash_point(op);
	strbuf_release(&v);
	strbuf_release(&n);
	return ret;
}

/* The remote's answer recorded and the journal entry done, in one transaction. */
int journal_done(struct ctx *c, const char *seq, const struct rissue *out, const char *id)
{
	struct strbuf k = STRBUF_INIT;
	int ret = syncdb_begin(c->db, 1);

	if (!ret && out)
		ret = db_put_json(c, "f/", out->key, out);
	if (!ret && out && id) {	/* a created issue's link, until its file has it */
		strbuf_addf(&k, "m/%s", id);
		ret = syncdb_put_str(c->db, c->name, k.buf, out->key);
	}
	if (!ret)
		ret = syncdb_del(c->db, c->name, seq);
	if (!ret)
		ret = syncdb_commit(c->db);
	else
		syncdb_abort(c->db);
	sync_crash_point("recorded");
	strbuf_release(&k);
	return ret;
}

/* ---- the journal left by a sync that died ---- */

struct pending_op {
	char *seq, *op, *id;
	long long time;
};

static char *json_field(const char *v, size_t len, const char *name)
{
	struct strbuf pat = STRBUF_INIT;
	const char *p, *end = v + len, *q;
	char *out = NULL;

	strbuf_addf(&pat, "\"%s\": \"", name);
	if ((p = memmem(v, len, pat.buf, pat.len))) {	/* journal values are ours: no escapes in ids */
		p += pat.len;
		if ((q = memchr(p, '"', end - p)))
			out = xmemdupz(p, q - p);
	}
	strbuf_release(&pat);
	return out;
}

static int take_op(const char *key, const char *val, size_t len, void *data)
{
	struct pending_op **ops = data, *o;
	size_t n = 0;
	const char *t;

	while ((*ops)[n].seq)
		n++;
	*ops = xrealloc(*ops, (n + 2) * sizeof(**ops));
	o = &(*ops)[n];
	o->seq = xstrdup(key);
	o->op = json_field(val, len, "op");
	o->id = json_field(val, len, "id");
	t = memmem(val, len, "\"time\": ", 8);
	o->time = t ? atoll(t + 8) : 0;
	memset(&(*ops)[n + 1], 0, sizeof(**ops));
	return 0;
}

/*
 * Finish what a killed sync journalled. An update is dropped: the merge
 * below sees what the remote holds now and sends it again only if it is
 * still missing. A create is looked for by its marker: found, it is
 * linked; not found, it never happened and the local issue is created as
 * any new one.
 */
int resume(struct ctx *c)
{
	struct pending_op *ops = xcalloc(1, sizeof(*ops));
	struct strbuf err = STRBUF_INIT;
	size_t i;
	int ret = 0;

	if (syncdb_begin(c->db, 0) < 0 || syncdb_foreach(c->db, c->name, "j/", take_op, &ops) < 0)
		ret = -1;
	syncdb_abort(c->db);
	for (i = 0; !ret && ops[i].seq; i++) {
		struct rissue out;
		int rc = REMOTE_GONE;

		c->resumed++;
		if (ops[i].op && ops[i].id && !strcmp(ops[i].op, "create") && !c->o->dry_run) {
			rc = c->r.ops->find_created(&c->r, ops[i].id, NULL, &out, &err);
			if (rc == REMOTE_FATAL || rc == REMOTE_FAILED) {
				ret = error("%s: cannot finish the interrupted create of %s: %s", c->name,
					    ops[i].id, err.buf);
				break;
			}
		}
		if (!c->o->dry_run && journal_done(c, ops[i].seq, rc == REMOTE_OK ? &out : NULL,
						   ops[i].id) < 0)
			ret = -1;
		if (rc == REMOTE_OK)
			rissue_release(&out);
	}
	if (c->resumed && !c->o->quiet)
		fprintf(stderr, "%s: %s: resumed the interrupted sync (%lu journalled operations)\n",
			progname, c->name, c->resumed);
	for (i = 0; ops[i].seq; i++) {
		free(ops[i].seq);
		free(ops[i].op);
		free(ops[i].id);
	}
	free(ops);
	strbuf_release(&err);
	return ret;
}

/* ---- fetch ---- */

static int on_issue(struct remote_fetch *f, const struct rissue *ri)
{
	struct ctx *c = f->data;
	struct strbuf k = STRBUF_INIT;
	int ret;

	c->fetched++;
	ret = db_put_json(c, "f/", ri->key, ri);
	strbuf_addf(&k, "c/%s", ri->key);
	if (!ret)
		ret = syncdb_put_str(c->db, c->name, k.buf, "");
	if (!ret && ri->local_id) {
		strbuf_reset(&k);
		strbuf_addf(&k, "m/%s", ri->local_id);
		ret = syncdb_put_str(c->db, c->name, k.buf, ri->key);
	}
	strbuf_release(&k);
	return ret;
}

static int on_bad(struct remote_fetch *f, const char *key, const char *why)
{
	struct ctx *c = f->data;
	struct strbuf id = STRBUF_INIT;

	strbuf_addf(&id, "remote issue %s", key);
	failed(c, id.buf, "%s (skipped)", why);
	strbuf_release(&id);
	return 0;
}

static int on_page(struct remote_fetch *f, const char *cursor)
{
	struct ctx *c = f->data;

	if (syncdb_put_str(c->db, c->name, "cursor", cursor) || syncdb_commit(c->db))
		return -1;
	sync_crash_point("fetched a page");
	return syncdb_begin(c->db, 1);
}

int fetch(struct ctx *c)
{
	struct remote_fetch f;
	struct strbuf cursor = STRBUF_INIT, etag = STRBUF_INIT, err = STRBUF_INIT;
	int rc, ret = 0;

	memset(&f, 0, sizeof(f));
	if (syncdb_begin(c->db, 1) < 0)
		return -1;
	if (!db_get(c, "", "cursor", &cursor))
		f.cursor = cursor.buf;
	if (!db_get(c, "", "etag", &etag))
		f.etag = etag.buf;
	f.issue = on_issue;
	f.bad = on_bad;
	f.page = on_page;
	f.data = c;
	rc = c->r.ops->fetch(&c->r, &f, &err);
	if (rc) {
		/* what the pages brought is kept: the cursor moved with them */
		syncdb_commit(c->db);
		ret = error("%s: fetch failed: %s", c->name, err.len ? err.buf : "stopped");
		c->fatal = 1;
		if (!c->first_error.len)
			strbuf_addf(&c->first_error, "fetch failed: %s", err.buf);
	} else {
		if (f.new_cursor)
			syncdb_put_str(c->db, c->name, "cursor", f.new_cursor);
		if (f.new_etag)
			syncdb_put_str(c->db, c->name, "etag", f.new_etag);
		ret = syncdb_commit(c->db);
	}
	free(f.new_cursor);
	free(f.new_etag);
	strbuf_release(&cursor);
	strbuf_release(&etag);
	strbuf_release(&err);
	return ret;
}

