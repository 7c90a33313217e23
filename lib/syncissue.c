/*
 * syncissue.c - one issue of a sync: merged, its file written, its
 * fields pushed, created on either side (see syncctx.h, sync.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "change.h"
#include "frontmatter.h"
#include "newissue.h"
#include "sha1.h"
#include "syncconflict.h"
#include "sync.h"
#include "syncctx.h"
#include "usage.h"
#include "write.h"
#include "xalloc.h"

/* ---- the local side ---- */

/* An l/ row: "<blob id> <key>\t<path>"; returns whether oid was known. */
int file_row_text(struct strbuf *row, const unsigned char *oid, const char *key, const char *path)
{
	char hex[OID_HEX + 1];

	strbuf_reset(row);
	if (!oid)
		return 0;
	oid_to_hex(hex, oid);
	strbuf_addf(row, "%s %s\t%s", hex, key, path);
	return 1;
}

/*
 * The file's blob id is the one the sync read or wrote, not the file's
 * at the end: an edit made meanwhile is not taken for agreed.
 */
void agree(struct ctx *c, const char *id, const char *key, const char *path,
	   const struct rissue *remote, const unsigned char *oid)
{
	struct agreed *a;

	if (remote && baseline_set(&c->b, id, remote) < 0) {
		failed(c, id, "%s", "cannot record the baseline");
		return;
	}
	ALLOC_GROW(c->agreed, c->nagreed + 1, c->aagreed);
	a = &c->agreed[c->nagreed++];
	a->id = xstrdup(id);
	a->key = xstrdup(key);
	a->path = xstrdup(path);
	a->has_oid = !!oid;
	if (oid)
		memcpy(a->oid, oid, OID_RAW);
}

static int push_update(struct ctx *c, const char *id, const char *key, const struct rissue *want,
		       unsigned fields, struct rissue *out)
{
	struct strbuf seq = STRBUF_INIT, err = STRBUF_INIT;
	struct rissue in;
	unsigned dropped;
	int rc;

	rissue_init(&in);
	rissue_copy(&in, want);
	free(in.local_id);
	in.local_id = xstrdup(id);	/* the body keeps its marker */
	if (journal(c, "update", id, key, fields, &seq) < 0) {
		rc = REMOTE_FATAL;
		goto out;
	}
	rc = c->r.ops->update(&c->r, key, &in, fields, out, &err);
	sync_crash_point("sent an update");
	if (rc == REMOTE_FATAL) {
		c->fatal = 1;
		failed(c, id, "%s", err.buf);
		goto out;
	}
	journal_done(c, seq.buf, rc == REMOTE_OK ? out : NULL, NULL);
	if (rc == REMOTE_GONE) {
		failed(c, id, "remote issue %s is gone (deleted or transferred)", key);
	} else if (rc) {
		failed(c, id, "%s", err.buf);
	} else if ((dropped = rissue_diff(out, want, fields))) {
		/* without push access GitHub drops labels, assignees, milestone silently */
		struct strbuf f = STRBUF_INIT;
		fields_text(&f, dropped, ",", 0);
		failed(c, id, "the remote did not take %s (no push access?)", f.buf);
		strbuf_release(&f);
		rc = REMOTE_FAILED;
	}
out:
	rissue_release(&in);
	strbuf_release(&seq);
	strbuf_release(&err);
	return rc;
}

/*
 * Before a push, the remote issue as it is now (notes G5: GitHub has no
 * conditional PATCH, so an edit made there since the fetch would be
 * overwritten). Changed in a synced field: kept as fetched, for the next
 * sync to merge, and nothing written for it now. Returns 0 to go on.
 */
static int moved_since_fetch(struct ctx *c, const char *id, const char *key,
			     const struct rissue *theirs)
{
	struct strbuf err = STRBUF_INIT, k = STRBUF_INIT;
	struct rissue now;
	int rc;

	rissue_init(&now);
	rc = c->r.ops->get(&c->r, key, &now, &err);
	if (rc == REMOTE_OK && !rissue_diff(&now, theirs, c->m.fields))
		goto out;
	if (rc == REMOTE_OK) {
		strbuf_addf(&k, "c/%s", key);
		if (syncdb_begin(c->db, 1) == 0 && (db_put_json(c, "f/", key, &now) ||
		    syncdb_put_str(c->db, c->name, k.buf, "") || syncdb_commit(c->db)))
			syncdb_abort(c->db);
		failed(c, id, "%s", "changed on the remote during the sync: not pushed; sync again");
	} else {
		c->fatal |= rc == REMOTE_FATAL;
		if (rc == REMOTE_GONE)
			failed(c, id, "remote issue %s is gone (deleted or transferred)", key);
		else
			failed(c, id, "%s", err.buf);
	}
	rc = 1;
out:
	rissue_release(&now);
	strbuf_release(&err);
	strbuf_release(&k);
	return rc;
}

/* Write the merged file; folder-per-state moves it where its status lives. */
static int pull(struct ctx *c, const char *id, char **path, const struct strbuf *old,
		const struct strbuf *merged)
{
	char *status, *to;
	int rc = write_replace(&c->p, *path, old->buf, old->len, merged->buf, merged->len);

	if (rc)
		failed(c, id, "%s", rc > 0 ? "its file changed during the sync: sync again" :
		       "cannot write its file");
	if (rc)
		return -1;
	status = rfile_field(merged->buf, merged->len, "status");
	to = status ? change_state_path(&c->l, *path, status) : NULL;
	free(status);
	if (to && write_move(&c->p, *path, to) == 0) {
		free(*path);
		*path = to;
	} else {
		free(to);
	}
	return 0;
}

/* Settle a conflict by one side: the base takes the other side's values, so the merge takes this one's. */
static void prefer(struct rissue *base, const struct rissue *ours, const struct rissue *theirs,
		   unsigned fields, enum sync_side side)
{
	rissue_take(base, side == SYNC_OURS ? theirs : ours, fields);
}

void do_linked(struct ctx *c, const char *id, const char *path0, const char *key,
	       const unsigned char *oid)
{
	struct strbuf full = STRBUF_INIT, buf = STRBUF_INIT, row = STRBUF_INIT, now = STRBUF_INIT;
	struct strbuf err = STRBUF_INIT, key2 = STRBUF_INIT;
	struct rissue theirs, base, ours, out;
	struct sync_merge sm;
	char *path = xstrdup(path0);
	unsigned char read_oid[OID_RAW], merged_oid[OID_RAW];
	int have_row, changed_remote, hb, rc;

	rissue_init(&theirs);
	rissue_init(&base);
	rissue_init(&ours);
	rissue_init(&out);
	memset(&sm, 0, sizeof(sm));
	strbuf_init(&sm.merged, 0);
	if (syncdb_begin(c->db, 0) < 0)
		goto out;
	have_row = !db_get(c, "l/", id, &row);
	changed_remote = !db_get(c, "c/", key, &now);
	syncdb_abort(c->db);
	/*
	 * unchanged on both sides since they last agreed: the file's blob id
	 * (the index knows it) is the one recorded, and nothing was fetched
	 * for it: not even read
	 */
	if (have_row && !changed_remote && file_row_text(&now, oid, key, path) &&
	    !strcmp(row.buf, now.buf)) {
		c->unchanged++;
		report(c, "NO_CHANGE", id, key, 0);
		goto out;
	}
	strbuf_addf(&full, "%s%s", c->p.workdir, path);
	if (strbuf_read_file(&buf, full.buf, 0) < 0) {
		failed(c, id, "cannot read %s", path);
		goto out;
	}
	git_blob_oid(read_oid, buf.buf, buf.len);
	if ((rc = fetched(c, key, &theirs)) < 0)
		goto out;
	if (rc == 1) {		/* linked, never fetched (a fetch since a cursor): ask for it */
		rc = c->r.ops->get(&c->r, key, &theirs, &err);
		if (rc == REMOTE_GONE)
			failed(c, id, "remote issue %s is gone (deleted or transferred)", key);
		else if (rc)
			failed(c, id, "%s", err.buf);
		c->fatal |= rc == REMOTE_FATAL;
		if (rc)
			goto out;
	}
	if ((hb = baseline_get(&c->b, id, &base)) < 0)
		goto out;
	if (sync_merge3(&c->m, hb ? NULL : &base, buf.buf, buf.len, path, &theirs, &sm, &err) < 0) {
		failed(c, id, "%s", err.buf);
		goto out;
	}
	if (sm.conflict && (c->o->prefer || (c->o->resolve && !strcmp(c->o->resolve, id)))) {
		rfile_read(&c->m.map, buf.buf, buf.len, c->name, &ours, &key2, &err);
		if (hb)
			sync_base_guess(&base, &ours, &theirs);
		prefer(&base, &ours, &theirs, sm.conflict, c->o->prefer ? c->o->prefer : SYNC_OURS);
		sync_merge_release(&sm);
		if (sync_merge3(&c->m, &base, buf.buf, buf.len, path, &theirs, &sm, &err) < 0) {
			failed(c, id, "%s", err.buf);
			goto out;
		}
	}
	if (sm.conflict) {
		c->conflicts++;
		report(c, "CONFLICT", id, key, sm.conflict);
		if (!c->o->dry_run) {
			rfile_read(&c->m.map, buf.buf, buf.len, c->name, &ours, &key2, &err);
			syncconflict_write(c->p.workdir, id, c->name, key, path, hb ? NULL : &base,
					   &ours, &theirs, sm.conflict);
		}
		goto out;
	}
	if (!sm.pull && !sm.push) {
		report(c, hb ? "INITIAL" : "NO_CHANGE", id, key, 0);
		c->unchanged++;
		if (!c->o->dry_run)
			agree(c, id, key, path, &theirs, read_oid);
		goto out;
	}
	if (sm.pull)
		report(c, "PULL", id, key, sm.pull);
	if (sm.push)
		report(c, "PUSH", id, key, sm.push);
	if (c->o->dry_run)
		goto out;
	if (sm.push && moved_since_fetch(c, id, key, &theirs))
		goto out;
	if (sm.pull && pull(c, id, &path, &buf, &sm.merged) < 0)
		goto out;
	c->pulled += !!sm.pull;
	if (sm.push) {
		if (push_update(c, id, key, &sm.result, sm.push, &out) != REMOTE_OK)
			goto out;
		c->pushed++;
		rissue_copy(&theirs, &out);
	}
	syncconflict_remove(c->p.workdir, id);
	git_blob_oid(merged_oid, sm.merged.buf, sm.merged.len);
	agree(c, id, key, path, &theirs, sm.pull ? merged_oid : read_oid);
out:
	free(path);
	rissue_release(&theirs);
	rissue_release(&base);
	rissue_release(&ours);
	rissue_release(&out);
	sync_merge_release(&sm);
	strbuf_release(&full);
	strbuf_release(&buf);
	strbuf_release(&row);
	strbuf_release(&now);
	strbuf_release(&err);
	strbuf_release(&key2);
}

/* A local issue not linked yet: linked to what a create left (its marker), else created remotely. */
void do_unlinked(struct ctx *c, const char *id, const char *path)
{
	struct strbuf full = STRBUF_INIT, buf = STRBUF_INIT, key = STRBUF_INIT, err = STRBUF_INIT;
	struct strbuf seq = STRBUF_INIT, rk = STRBUF_INIT;
	struct rissue ours, out;
	struct fm_edit ed;
	struct write_result res;
	const char *val[1];
	unsigned char read_oid[OID_RAW];
	int rc;

	rissue_init(&ours);
	rissue_init(&out);
	memset(&res, 0, sizeof(res));
	if (syncdb_begin(c->db, 0) < 0)
		goto out;
	rc = db_get(c, "m/", id, &key);
	syncdb_abort(c->db);
	if (rc == 0) {		/* created before (its reply lost, or its file not written): link it */
		report(c, "INITIAL", id, key.buf, 0);
		if (c->o->dry_run)
			goto out;
		/*
		 * made from this file: what the remote issue lacks (a close
		 * sent after the create that never came) is this side's change
		 */
		if (baseline_get(&c->b, id, &out) == 1 && fetched(c, key.buf, &out) == 0)
			baseline_set(&c->b, id, &out);
		rissue_release(&out);
		goto link;
	}
	strbuf_addf(&full, "%s%s", c->p.workdir, path);
	if (strbuf_read_file(&buf, full.buf, 0) < 0 ||
	    rfile_read(&c->m.map, buf.buf, buf.len, c->name, &ours, &key, &err) < 0) {
		failed(c, id, "cannot read its file %s", path);
		goto out;
	}
	git_blob_oid(read_oid, buf.buf, buf.len);
	report(c, "INITIAL", id, "", c->m.fields);
	if (c->o->dry_run)
		goto out;
	ours.local_id = xstrdup(id);
	if (journal(c, "create", id, NULL, c->m.fields, &seq) < 0)
		goto out;
	rc = c->r.ops->create(&c->r, &ours, &out, &err);
	sync_crash_point("sent a create");
	if (rc == REMOTE_FATAL) {
		c->fatal = 1;
		failed(c, id, "%s", err.buf);
		goto out;
	}
	journal_done(c, seq.buf, rc == REMOTE_OK ? &out : NULL, id);
	if (rc) {
		failed(c, id, "%s", err.buf);
		goto out;
	}
	c->created_there++;
	strbuf_reset(&key);
	strbuf_addstr(&key, out.key);
link:
	strbuf_addf(&rk, "remote_ids.%s", c->name);
	val[0] = key.buf;
	fm_set_one(&ed, rk.buf, val, 1);	/* a number stays a number, as roadmap-cli writes it */
	if (write_edit(&c->p, path, &ed, 1, NULL, &res) < 0) {
		failed(c, id, "cannot write remote_ids into %s", path);
		goto out;
	}
	if (out.key && rissue_diff(&out, &ours, c->m.fields))	/* it lacks some: the next sync sends them */
		baseline_set(&c->b, id, &out);
	else if (out.key)	/* the file the remote issue was made from, linked: agreed */
		agree(c, id, key.buf, path, &out,
		      buf.len && !memcmp(read_oid, res.before, OID_RAW) ? res.after : NULL);
	else
		do_linked(c, id, path, key.buf, NULL);	/* no base: what both hold alike agrees */
out:
	write_result_release(&res);
	rissue_release(&ours);
	rissue_release(&out);
	strbuf_release(&full);
	strbuf_release(&buf);
	strbuf_release(&key);
	strbuf_release(&err);
	strbuf_release(&seq);
	strbuf_release(&rk);
}

/* A remote issue no file links to: a new file (unless it is one of ours, linked above). */
void do_new_remote(struct ctx *c, const char *key)
{
	struct strbuf id = STRBUF_INIT, path = STRBUF_INIT, rk = STRBUF_INIT, body = STRBUF_INIT;
	struct rissue theirs, base;
	struct new_issue n;
	struct fm_edit ed[2];
	const char *val[1];
	unsigned char oid[OID_RAW];
	size_t i;

	rissue_init(&base);
	if (fetched(c, key, &theirs))
		return;
	if (syncdb_begin(c->db, 0) == 0) {
		int gone = !db_get(c, "k/", key, &id);	/* linked once: its file was deleted here */
		syncdb_abort(c->db);
		if (gone) {
			failed(c, id.buf, "its file was deleted here; remote issue %s stays", key);
			goto out;
		}
	}
	if (theirs.local_id) {
		for (i = 0; i < c->a.nr; i++)
			if (!strcmp(c->a.r[i].id, theirs.local_id))
				goto out;	/* ours, linked by its marker */
		if (!baseline_get(&c->b, theirs.local_id, &base)) {
			failed(c, theirs.local_id, "its file was deleted here; remote issue %s stays", key);
			goto out;
		}
	}
	report(c, "PULL", theirs.local_id ? theirs.local_id : "(new)", key, c->m.fields);
	if (c->o->dry_run)
		goto out;
	memset(&n, 0, sizeof(n));
	memset(ed, 0, sizeof(ed));
	n.title = theirs.title;
	n.status = rfile_status_for(&c->m.map, theirs.state, theirs.state_reason, NULL);
	n.labels = (const char *const *)theirs.labels.v;
	n.nlabels = theirs.labels.nr;
	n.milestone = *theirs.milestone ? theirs.milestone : NULL;
	if (theirs.assignees.nr == 1)
		n.assignee = theirs.assignees.v[0];
	strbuf_addstr(&body, theirs.body);
	if (body.len)
		strbuf_addch(&body, '\n');
	n.body = body.buf;
	n.bodylen = body.len;
	strbuf_addf(&rk, "remote_ids.%s", c->name);
	val[0] = key;
	fm_set_one(&ed[0], rk.buf, val, 1);
	n.edits = ed;
	n.nedits = 1;
	n.oid = oid;
	if (theirs.assignees.nr > 1) {
		ed[1].op = FM_SET_LIST;
		ed[1].key = "assignee";
		ed[1].vals = (const char *const *)theirs.assignees.v;
		ed[1].nr = theirs.assignees.nr;
		n.nedits = 2;
	}
	if (new_issue(c->ix, &c->p, &c->l, &n, &id, &path) < 0) {
		failed(c, key, "%s", "cannot create its file");
		goto out;
	}
	c->created_here++;
	agree(c, id.buf, key, path.buf, &theirs, oid);
out:
	rissue_release(&theirs);
	rissue_release(&base);
	strbuf_release(&id);
	strbuf_release(&path);
	strbuf_release(&rk);
	strbuf_release(&body);
}

