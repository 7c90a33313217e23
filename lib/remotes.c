/*
 * remotes.c - a remote named in git config (see remotes.h).
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dirremote.h"
#include "github.h"
#include "remotes.h"
#include "run.h"
#include "xalloc.h"

char *remote_config_get(const char *config, const char *name, const char *var)
{
	struct strbuf key = STRBUF_INIT;
	const char *line, *next;
	char *val = NULL;

	/* git prints the section and variable in lower case, the subsection as written */
	strbuf_addf(&key, "roadmap.remote.%s.%s ", name, var);
	for (line = config; *line && !val; line = next) {
		const char *eol = strchrnul(line, '\n');
		next = *eol ? eol + 1 : eol;
		if ((size_t)(eol - line) >= key.len && !strncmp(line, key.buf, key.len))
			val = xmemdupz(line + key.len, eol - line - key.len);
	}
	strbuf_release(&key);
	return val;
}

int remote_open(struct remote *r, const char *config, const char *workdir, const char *name,
		struct strbuf *err)
{
	memset(r, 0, sizeof(*r));
	r->name = xstrdup(name);
	r->url = remote_config_get(config, name, "url");
	r->kind = remote_config_get(config, name, "kind");
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
