#include <string.h>

#include "blob.h"
#include "libgit.h"
#include "usage.h"
#include "xalloc.h"

int libgit_error(const char *what)
{
	const git_error *e = git_error_last();

	return error("%s: %s", what, e && e->message ? e->message : "unknown libgit2 error");
}

/*
 * The replace refs of the repository opened: libgit2 does not honour
 * them, so libgit_read_blob() follows them (one repository a process).
 */
static struct repo_paths replace_of;

int libgit_open(git_repository **out, const struct repo_paths *p)
{
	static int initialized;
	/*
	 * The extensions git reads that libgit2 1.5 refuses unless told:
	 * lib/repo.c's check_format() has refused the values roadmap cannot
	 * read (objectformat other than sha1) before this runs.
	 */
	static const char *ext[] = {
		"worktreeconfig", "noop", "noop-v1", "preciousobjects", "partialclone", "objectformat"
	};
	int rc;

	if (!initialized) {
		git_libgit2_init();
		git_libgit2_opts(GIT_OPT_SET_EXTENSIONS, ext, sizeof(ext) / sizeof(*ext));
		/* bound the pack windows a full build maps (resident memory) */
		git_libgit2_opts(GIT_OPT_SET_MWINDOW_SIZE, (size_t)32 << 20);
		git_libgit2_opts(GIT_OPT_SET_MWINDOW_MAPPED_LIMIT, (size_t)64 << 20);
		initialized = 1;
	}
	free(replace_of.replace);
	replace_of.nr_replace = p->nr_replace;
	replace_of.replace = NULL;
	if (p->nr_replace)
		replace_of.replace = (void *)xmemdupz(p->replace, p->nr_replace * sizeof(*p->replace));
	rc = git_repository_open_ext(out, p->gitdir,
				     GIT_REPOSITORY_OPEN_NO_SEARCH | GIT_REPOSITORY_OPEN_NO_DOTGIT, NULL);
	if (rc == GIT_EOWNER)
		return libgit_error("repository not owned by current user (see git config safe.directory)");
	if (rc < 0)
		return libgit_error("cannot open the repository");
	/* only when it differs: libgit2 1.5 leaks a little in set_workdir */
	if (p->workdir && (!git_repository_workdir(*out) ||
			   strcmp(git_repository_workdir(*out), p->workdir)) &&
	    git_repository_set_workdir(*out, p->workdir, 0) < 0) {
		git_repository_free(*out);
		*out = NULL;
		return libgit_error("cannot set the work tree");
	}
	return 0;
}

int libgit_roots(struct strbuf *out, git_repository *repo)
{
	git_config *cfg = NULL;
	git_config_iterator *it = NULL;
	git_config_entry *entry;
	int rc, n = 0;

	strbuf_reset(out);
	if (git_repository_config_snapshot(&cfg, repo) < 0)
		return libgit_error("cannot read the git config");
	if (git_config_multivar_iterator_new(&it, cfg, "roadmap.path", NULL) < 0) {
		git_config_free(cfg);
		return libgit_error("cannot read roadmap.path");
	}
	while (!(rc = git_config_next(&entry, it))) {
		/* a clean relative path: no empty, "." or ".." components */
		const char *v = entry->value, *why = NULL;
		size_t start = out->len;

		if (v[0] == '/')
			why = "not a path inside the repository";
		while (*v && !why) {
			size_t len = strcspn(v, "/");
			if (len == 2 && !strncmp(v, "..", 2))
				why = "not a path inside the repository";
			else if (len && !(len == 1 && v[0] == '.')) {
				if (out->len > start)
					strbuf_addch(out, '/');
				strbuf_add(out, v, len);
			}
			v += len + (v[len] == '/');
		}
		if (!why && out->len == start)
			why = "a root must be a folder, not the whole repository";
		if (why) {
			strbuf_setlen(out, start);
			warning("ignoring roadmap.path '%s': %s", entry->value, why);
			continue;
		}
		strbuf_addch(out, '\0');
		n++;
	}
	git_config_iterator_free(it);
	git_config_free(cfg);
	if (rc != GIT_ITEROVER)
		return libgit_error("cannot read roadmap.path");
	if (!n)
		strbuf_add(out, ".roadmap/issues", sizeof(".roadmap/issues"));
	return 0;
}

int libgit_read_blob(git_repository *repo, const unsigned char *oid, const char *path,
		     struct strbuf *out)
{
	git_blob *blob;
	git_oid id;
	unsigned char replaced[OID_RAW];

	if (repo_replacement(&replace_of, oid, replaced))
		oid = replaced;
	memcpy(id.id, oid, OID_RAW);
	if (git_blob_lookup(&blob, repo, &id) < 0) {
		git_error_clear();
		return blob_from_git(git_repository_path(repo), oid, path, out);
	}
	strbuf_reset(out);
	strbuf_add(out, git_blob_rawcontent(blob), git_blob_rawsize(blob));
	git_blob_free(blob);
	return 0;
}
