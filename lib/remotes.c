/*
 * remotes.c - a remote named in git config (see remotes.h).
 */
#include <stdlib.h>
#include <string.h>

#include "dirremote.h"
#include "github.h"
#include "remotes.h"
#include "run.h"
#include "xalloc.h"

static char *config(const char *gitdir, const char *name, const char *var)
{
	struct strbuf key = STRBUF_INIT, out = STRBUF_INIT;
	char *argv[] = { "git", "config", "--get", NULL, NULL };

	strbuf_addf(&key, "roadmap.remote.%s.%s", name, var);
	argv[3] = key.buf;
	if (run_git(&out, gitdir, argv) || !out.len) {
		strbuf_release(&key);
		strbuf_release(&out);
		return NULL;
	}
	if (out.buf[out.len - 1] == '\n')
		strbuf_setlen(&out, out.len - 1);
	strbuf_release(&key);
	return strbuf_detach(&out, NULL);
}

int remote_open(struct remote *r, const char *gitdir, const char *workdir, const char *name,
		struct strbuf *err)
{
	memset(r, 0, sizeof(*r));
	r->name = xstrdup(name);
	r->url = config(gitdir, name, "url");
	r->kind = config(gitdir, name, "kind");
	if (!r->url) {
		strbuf_addf(err, "no remote '%s' (git config roadmap.remote.%s.url)", name, name);
		return -1;
	}
	if (!r->kind)
		r->kind = xstrdup(strstr(r->url, "://") ? "github" : "dir");
	if (!strcmp(r->kind, "github"))
		return github_open(r, err);
	if (!strcmp(r->kind, "dir"))
		return dirremote_open(r, workdir, err);
	strbuf_addf(err, "remote '%s': unknown kind '%s' (github or dir)", name, r->kind);
	return -1;
}

void remote_close(struct remote *r)
{
	if (r->ops && r->ops->close)
		r->ops->close(r);
	free(r->name);
	free(r->kind);
	free(r->url);
	memset(r, 0, sizeof(*r));
}
