/*
 * baseline.c - the sync's baseline in refs/roadmap/sync/<remote> (see baseline.h).
 */
#include <stdlib.h>
#include <string.h>

#include "baseline.h"
#include "libgit.h"
#include "usage.h"
#include "xalloc.h"

int baseline_open(struct baseline *b, git_repository *repo, const char *remote)
{
	struct strbuf ref = STRBUF_INIT;
	git_commit *c = NULL;
	int rc;

	memset(b, 0, sizeof(*b));
	b->repo = repo;
	strbuf_addf(&ref, "refs/roadmap/sync/%s", remote);
	b->ref = strbuf_detach(&ref, NULL);
	if (git_reference_is_valid_name(b->ref) != 1)
		return error("'%s' is not a remote name git can keep a ref for", remote);
	rc = git_reference_name_to_id(&b->old, repo, b->ref);
	if (rc == GIT_ENOTFOUND)
		return 0;
	if (rc || git_commit_lookup(&c, repo, &b->old) || git_commit_tree(&b->tree, c)) {
		git_commit_free(c);
		return libgit_error(b->ref);
	}
	git_commit_free(c);
	return 0;
}

void baseline_release(struct baseline *b)
{
	git_treebuilder_free(b->tb);
	git_tree_free(b->tree);
	free(b->ref);
	memset(b, 0, sizeof(*b));
}

/* An id as a tree entry's name: ids hold no '/' or NUL (issue_id_invalid), so only the suffix. */
static void entry_name(struct strbuf *out, const char *id)
{
	strbuf_reset(out);
	strbuf_addf(out, "%s.json", id);
}

int baseline_get(struct baseline *b, const char *id, struct rissue *out)
{
	struct strbuf name = STRBUF_INIT, err = STRBUF_INIT;
	const git_tree_entry *e;
	git_blob *blob = NULL;
	int ret = 1;

	entry_name(&name, id);
	if (b->tb)
		e = git_treebuilder_get(b->tb, name.buf);
	else
		e = b->tree ? git_tree_entry_byname(b->tree, name.buf) : NULL;
	if (!e)
		goto out;
	if (git_blob_lookup(&blob, b->repo, git_tree_entry_id(e))) {
		ret = libgit_error(name.buf);
		goto out;
	}
	ret = rissue_from_json(out, git_blob_rawcontent(blob), git_blob_rawsize(blob), &err);
	if (ret)
		error("%s:%s: %s", b->ref, name.buf, err.buf);
out:
	git_blob_free(blob);
	strbuf_release(&name);
	strbuf_release(&err);
	return ret;
}

int baseline_set(struct baseline *b, const char *id, const struct rissue *ri)
{
	struct strbuf name = STRBUF_INIT, json = STRBUF_INIT;
	git_oid oid;
	int ret = 0;

	if (!b->tb && git_treebuilder_new(&b->tb, b->repo, b->tree))
		return libgit_error("treebuilder");
	entry_name(&name, id);
	if (!ri) {
		if (git_treebuilder_get(b->tb, name.buf) && git_treebuilder_remove(b->tb, name.buf))
			ret = libgit_error(name.buf);
	} else {
		rissue_to_json(ri, &json);
		if (git_blob_create_from_buffer(&oid, b->repo, json.buf, json.len) ||
		    git_treebuilder_insert(NULL, b->tb, name.buf, &oid, GIT_FILEMODE_BLOB))
			ret = libgit_error(name.buf);
	}
	b->changes += !ret;
	strbuf_release(&name);
	strbuf_release(&json);
	return ret;
}

int baseline_foreach(struct baseline *b, int (*fn)(const char *id, void *data), void *data)
{
	size_t i, n = b->tree ? git_tree_entrycount(b->tree) : 0;
	int ret = 0;

	for (i = 0; i < n && !ret; i++) {
		const char *name = git_tree_entry_name(git_tree_entry_byindex(b->tree, i));
		size_t len = strlen(name);
		char *id;

		if (len <= 5 || strcmp(name + len - 5, ".json"))
			continue;
		id = xmemdupz(name, len - 5);
		ret = fn(id, data);
		free(id);
	}
	return ret;
}

int baseline_commit(struct baseline *b, const char *message)
{
	git_oid tree_id, commit_id;
	git_tree *tree = NULL;
	git_commit *parent = NULL;
	git_signature *sig = NULL;
	git_reference *ref = NULL;
	int rc, ret = -1;

	if (!b->changes)
		return 0;
	if (git_treebuilder_write(&tree_id, b->tb) || git_tree_lookup(&tree, b->repo, &tree_id))
		return libgit_error("baseline tree");
	if (git_signature_default(&sig, b->repo) &&
	    git_signature_now(&sig, "roadmap", "roadmap@localhost"))
		goto fail;
	if (!git_oid_is_zero(&b->old) && git_commit_lookup(&parent, b->repo, &b->old))
		goto fail;
	if (git_commit_create(&commit_id, b->repo, NULL, sig, sig, NULL, message, tree,
			      parent ? 1 : 0, (const git_commit **)&parent))
		goto fail;
	/* compare-and-swap: only from the commit this sync read */
	if (git_oid_is_zero(&b->old))
		rc = git_reference_create(&ref, b->repo, b->ref, &commit_id, 0, message);
	else
		rc = git_reference_create_matching(&ref, b->repo, b->ref, &commit_id, 1, &b->old,
						   message);
	if (rc == GIT_EMODIFIED || rc == GIT_EEXISTS) {
		ret = 1;
		goto out;
	}
	if (rc)
		goto fail;
	b->old = commit_id;
	git_tree_free(b->tree);
	b->tree = tree;
	tree = NULL;
	git_treebuilder_free(b->tb);
	b->tb = NULL;
	b->changes = 0;
	ret = 0;
	goto out;
fail:
	libgit_error(b->ref);
out:
	git_reference_free(ref);
	git_signature_free(sig);
	git_commit_free(parent);
	git_tree_free(tree);
	return ret;
}
