/*
 * baseline.c - the sync's baseline in refs/roadmap/sync/<remote> (see baseline.h).
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "baseline.h"
#include "run.h"
#include "usage.h"
#include "xalloc.h"

int baseline_open(struct baseline *b, const struct repo_paths *p, const char *remote)
{
	struct strbuf ref = STRBUF_INIT;
	int rc;

	memset(b, 0, sizeof(*b));
	b->p = p;
	strbuf_addf(&ref, "refs/roadmap/sync/%s", remote);
	b->ref = strbuf_detach(&ref, NULL);
	if (!*remote || strpbrk(remote, " ~^:?*[\\") || strstr(remote, "..") || strstr(remote, "//"))
		return error("'%s' is not a remote name git can keep a ref for", remote);
	rc = repo_read_ref(p, b->ref, b->old);
	if (rc == 1)
		b->old[0] = '\0';
	return rc < 0 ? -1 : 0;
}

static void entries_release(struct baseline_entry *e, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(e[i].name);
		free(e[i].json);
	}
	free(e);
}

void baseline_release(struct baseline *b)
{
	entries_release(b->e, b->nr);
	entries_release(b->ch, b->nch);
	if (b->db_open)
		odb_close(&b->db);
	free(b->ref);
	memset(b, 0, sizeof(*b));
}

/* The commit's tree, read once: "<mode> <name>\0<20 bytes>" entries, in git's order. */
static int load(struct baseline *b)
{
	unsigned char commit[OID_RAW], tree[OID_RAW];
	struct strbuf obj = STRBUF_INIT;
	const char *p, *end;
	int type, ret = -1;

	if (b->loaded)
		return 0;
	b->loaded = 1;
	if (!*b->old)
		return 0;
	if (!b->db_open && odb_open(&b->db, b->p->objdir) < 0)
		return -1;
	b->db_open = 1;
	if (hex_to_oid(commit, b->old) || odb_commit_path(&b->db, commit, "", tree) ||
	    odb_read(&b->db, tree, &type, &obj) || type != ODB_TREE) {
		error("%s: cannot read its tree", b->ref);
		goto out;
	}
	for (p = obj.buf, end = obj.buf + obj.len; p < end;) {
		const char *name = memchr(p, ' ', end - p), *nul;
		if (!name || !(nul = memchr(name, '\0', end - name)) || end - nul < 1 + OID_RAW) {
			error("%s: a corrupt tree", b->ref);
			goto out;
		}
		ALLOC_GROW(b->e, b->nr + 1, b->alloc);
		b->e[b->nr].name = xstrdup(name + 1);
		b->e[b->nr].json = NULL;
		memcpy(b->e[b->nr++].oid, nul + 1, OID_RAW);
		p = nul + 1 + OID_RAW;
	}
	ret = 0;
out:
	strbuf_release(&obj);
	return ret;
}

static int cmp_entry(const void *a, const void *b)
{
	return strcmp(((const struct baseline_entry *)a)->name, ((const struct baseline_entry *)b)->name);
}

/* Blob names all end in ".json", so git's tree order is strcmp's. */
static struct baseline_entry *find(struct baseline_entry *e, size_t n, const char *name)
{
	struct baseline_entry key = { (char *)name, { 0 }, NULL };

	return n ? bsearch(&key, e, n, sizeof(*e), cmp_entry) : NULL;
}

int baseline_get(struct baseline *b, const char *id, struct rissue *out)
{
	struct strbuf name = STRBUF_INIT, blob = STRBUF_INIT, err = STRBUF_INIT;
	const struct baseline_entry *e = NULL;
	size_t i;
	int type, ret = 1;

	rissue_init(out);
	strbuf_addf(&name, "%s.json", id);
	for (i = b->nch; i-- > 0;)	/* staged this run: the last change wins */
		if (!strcmp(b->ch[i].name, name.buf)) {
			ret = b->ch[i].json ? rissue_from_json(out, b->ch[i].json,
							       strlen(b->ch[i].json), &err) : 1;
			goto out;
		}
	if (load(b) < 0) {
		ret = -1;
		goto out;
	}
	if (!(e = find(b->e, b->nr, name.buf)))
		goto out;
	if (odb_read(&b->db, e->oid, &type, &blob) || type != ODB_BLOB)
		ret = error("%s:%s: cannot read its blob", b->ref, name.buf);
	else
		ret = rissue_from_json(out, blob.buf, blob.len, &err);
out:
	if (ret < 0 && err.len)
		error("%s:%s: %s", b->ref, name.buf, err.buf);
	strbuf_release(&name);
	strbuf_release(&blob);
	strbuf_release(&err);
	return ret;
}

int baseline_set(struct baseline *b, const char *id, const struct rissue *ri)
{
	struct baseline_entry *c;
	struct strbuf json = STRBUF_INIT;

	if (strchr(id, '/'))
		return error("%s: an id with '/' cannot name a baseline entry", id);
	ALLOC_GROW(b->ch, b->nch + 1, b->ach);
	c = &b->ch[b->nch++];
	strbuf_addf(&json, "%s.json", id);
	c->name = strbuf_detach(&json, NULL);
	c->json = NULL;
	if (ri) {
		rissue_to_json(ri, &json);
		git_blob_oid(c->oid, json.buf, json.len);
		c->json = strbuf_detach(&json, NULL);
	}
	return 0;
}

int baseline_foreach(struct baseline *b, int (*fn)(const char *id, void *data), void *data)
{
	size_t i;
	int ret = 0;

	if (load(b) < 0)
		return -1;
	for (i = 0; i < b->nr && !ret; i++) {
		size_t len = strlen(b->e[i].name);
		char *id;
		if (len <= 5 || strcmp(b->e[i].name + len - 5, ".json"))
			continue;
		id = xmemdupz(b->e[i].name, len - 5);
		ret = fn(id, data);
		free(id);
	}
	return ret;
}

struct change {
	const struct baseline_entry *e;
	size_t at;		/* its order of staging: the last one of a name wins */
};

static int cmp_change(const void *a, const void *b)
{
	const struct change *x = a, *y = b;
	int c = strcmp(x->e->name, y->e->name);

	return c ? c : x->at < y->at ? -1 : x->at > y->at;
}

static void tree_line(struct strbuf *out, const struct baseline_entry *e)
{
	char hex[OID_HEX + 1];

	oid_to_hex(hex, e->oid);
	strbuf_addf(out, "100644 blob %s\t%s\n", hex, e->name);
}

/* The new tree: the old entries with the changes made, in git's order, as git mktree reads it. */
static void new_tree(struct baseline *b, struct strbuf *out)
{
	struct change *ch = xcalloc(b->nch + 1, sizeof(*ch));
	size_t i, j = 0, n = 0;

	for (i = 0; i < b->nch; i++) {
		ch[i].e = &b->ch[i];
		ch[i].at = i;
	}
	qsort(ch, b->nch, sizeof(*ch), cmp_change);
	for (i = 0; i < b->nch; i++)	/* the last change of each name */
		if (i + 1 == b->nch || strcmp(ch[i].e->name, ch[i + 1].e->name))
			ch[n++] = ch[i];
	for (i = 0; i < b->nr || j < n;) {
		int c = i == b->nr ? 1 : j == n ? -1 : strcmp(b->e[i].name, ch[j].e->name);
		if (c < 0) {
			tree_line(out, &b->e[i++]);
			continue;
		}
		if (ch[j].e->json)
			tree_line(out, ch[j].e);
		j++;
		i += !c;
	}
	free(ch);
}

int baseline_commit(struct baseline *b, const char *message)
{
	struct strbuf in = STRBUF_INIT, tree = STRBUF_INIT, commit = STRBUF_INIT, now = STRBUF_INIT;
	char *fi[] = { "git", "fast-import", "--quiet", "--done", NULL };
	char *mktree[] = { "git", "mktree", NULL };
	char *ct[] = { "git", "-c", "user.name=roadmap", "-c", "user.email=roadmap@localhost",
		       "commit-tree", NULL, "-m", (char *)message, NULL, NULL, NULL };
	char *ur[] = { "git", "update-ref", "-m", (char *)message, b->ref, NULL, NULL, NULL };
	char cur[OID_HEX + 1];
	size_t i;
	int ret = -1;

	if (!b->nch)
		return 0;
	if (load(b) < 0)
		return -1;
	/* the blobs, in one pack: not a loose object (a file) per issue */
	for (i = 0; i < b->nch; i++)
		if (b->ch[i].json)
			strbuf_addf(&in, "blob\ndata %zu\n%s\n", strlen(b->ch[i].json), b->ch[i].json);
	strbuf_addstr(&in, "done\n");
	if (run_git_input(&now, b->p->gitdir, fi, in.buf, in.len, 1)) {
		error("git fast-import: %s", now.buf);
		goto out;
	}
	strbuf_reset(&in);
	new_tree(b, &in);
	if (run_git_input(&tree, b->p->gitdir, mktree, in.buf, in.len, 1) || tree.len < OID_HEX) {
		error("git mktree: %s", tree.buf);
		goto out;
	}
	strbuf_setlen(&tree, OID_HEX);
	ct[6] = tree.buf;
	if (*b->old) {
		ct[9] = "-p";
		ct[10] = b->old;
	}
	if (run_git_input(&commit, b->p->gitdir, ct, NULL, 0, 1) || commit.len < OID_HEX) {
		error("git commit-tree: %s", commit.buf);
		goto out;
	}
	strbuf_setlen(&commit, OID_HEX);
	ur[5] = commit.buf;
	ur[6] = *b->old ? b->old : "0000000000000000000000000000000000000000";
	strbuf_reset(&now);
	if (run_git_input(&now, b->p->gitdir, ur, NULL, 0, 1)) {
		/* compare-and-swap lost: another sync moved it since it was read */
		if (repo_read_ref(b->p, b->ref, cur) != (*b->old ? 0 : 1) || strcmp(cur, b->old)) {
			ret = 1;
			goto out;
		}
		error("git update-ref %s: %s", b->ref, now.buf);
		goto out;
	}
	memcpy(b->old, commit.buf, OID_HEX + 1);
	entries_release(b->e, b->nr);
	entries_release(b->ch, b->nch);
	b->e = b->ch = NULL;
	b->nr = b->alloc = b->nch = b->ach = 0;
	b->loaded = 0;
	ret = 0;
out:
	strbuf_release(&in);
	strbuf_release(&tree);
	strbuf_release(&commit);
	strbuf_release(&now);
	return ret;
}
