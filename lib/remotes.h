#ifndef REMOTES_H
#define REMOTES_H

#include "remote.h"

/*
 * remotes.h - a remote named in git config, opened by its kind
 * (roadmap.remote.<name>.kind, else "github" for a URL and "dir" for a
 * path). Calls the backends (github, dirremote) and run (git config).
 */

/*
 * One variable of remote `name` (a copy), or NULL, from config: git config
 * --get-regexp's "<name> <value>" lines of roadmap.* (layout.h's).
 */
char *remote_config_get(const char *config, const char *name, const char *var);

/*
 * Open the remote `name` from config (as above; a dir remote's
 * relative path is the work tree's). Returns 0, or -1 with the reason in
 * err.
 */
int remote_open(struct remote *r, const char *config, const char *workdir, const char *name,
		struct strbuf *err);
void remote_close(struct remote *r);

#endif
