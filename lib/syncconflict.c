/*
 * syncconflict.c - a sync's open conflicts in .roadmap/.conflicts/ (see syncconflict.h).
 */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "atomicfile.h"
#include "syncconflict.h"
#include "usage.h"
#include "xalloc.h"
#include "yamlquote.h"

static void value(struct strbuf *out, const struct rissue *ri, unsigned f)
{
	const struct rlist *l = f == RF_LABELS ? &ri->labels : f == RF_ASSIGNEES ? &ri->assignees : NULL;
	const char *s = f == RF_TITLE ? ri->title : f == RF_BODY ? ri->body :
		f == RF_STATE ? ri->state : ri->milestone;
	size_t i;

	if (l) {
		strbuf_addch(out, '[');
		for (i = 0; i < l->nr; i++) {
			strbuf_addstr(out, i ? ", " : "");
			yaml_quote(out, l->v[i], strlen(l->v[i]), 1, 0);
		}
		strbuf_addch(out, ']');
		return;
	}
	s = s ? s : "";
	yaml_quote(out, s, strlen(s), 0, 0);
	if (f == RF_STATE && ri->state_reason)
		strbuf_addf(out, "  # %s", ri->state_reason);
}

int syncconflict_write(const char *workdir, const char *id, const char *remote, const char *key,
		       const char *path, const struct rissue *base, const struct rissue *ours,
		       const struct rissue *theirs, unsigned fields)
{
	struct strbuf file = STRBUF_INIT, y = STRBUF_INIT;
	unsigned f;
	int ret;

	strbuf_addf(&file, "%s.roadmap", workdir);
	mkdir(file.buf, 0777);
	strbuf_addstr(&file, "/.conflicts");
	mkdir(file.buf, 0777);
	strbuf_addf(&file, "/%s.yaml", id);
	strbuf_addf(&y, "# roadmap-sync: %s and remote %s issue %s changed these fields differently.\n"
		    "# Resolve: roadmap-sync %s --resolve %s --ours | --theirs | --field <field>=<value>\n",
		    path, remote, key, remote, id);
	strbuf_addstr(&y, "id: ");
	yaml_quote(&y, id, strlen(id), 0, 0);
	strbuf_addf(&y, "\nremote: %s\nkey: ", remote);
	yaml_quote(&y, key, strlen(key), 0, 0);
	strbuf_addstr(&y, "\npath: ");
	yaml_quote(&y, path, strlen(path), 0, 0);
	strbuf_addstr(&y, "\nfields:\n");
	for (f = RF_TITLE; f <= RF_MILESTONE; f <<= 1) {
		if (!(fields & f))
			continue;
		strbuf_addf(&y, "  %s:\n    base: ", rissue_field_name(f));
		if (base)
			value(&y, base, f);
		else
			strbuf_addstr(&y, "null  # never synced");
		strbuf_addstr(&y, "\n    ours: ");
		value(&y, ours, f);
		strbuf_addstr(&y, "\n    theirs: ");
		value(&y, theirs, f);
		strbuf_addch(&y, '\n');
	}
	ret = atomicfile_write(file.buf, y.buf, y.len, 0644);
	strbuf_release(&file);
	strbuf_release(&y);
	return ret;
}

void syncconflict_remove(const char *workdir, const char *id)
{
	struct strbuf file = STRBUF_INIT;

	strbuf_addf(&file, "%s%s/%s.yaml", workdir, SYNC_CONFLICTS_DIR, id);
	if (unlink(file.buf) < 0 && errno != ENOENT)
		error_errno("cannot remove %s", file.buf);
	strbuf_release(&file);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

size_t syncconflict_list(const char *workdir, void (*fn)(const char *id, const char *file, void *data),
			 void *data)
{
	struct strbuf dir = STRBUF_INIT, file = STRBUF_INIT;
	struct dirent *de;
	char **names = NULL;
	size_t nr = 0, alloc = 0, i;
	DIR *dp;

	strbuf_addf(&dir, "%s%s", workdir ? workdir : "", SYNC_CONFLICTS_DIR);
	if ((dp = opendir(dir.buf))) {
		while ((de = readdir(dp))) {
			size_t len = strlen(de->d_name);
			if (de->d_name[0] != '.' && len > 5 && !strcmp(de->d_name + len - 5, ".yaml")) {
				ALLOC_GROW(names, nr + 1, alloc);
				names[nr++] = xmemdupz(de->d_name, len - 5);
			}
		}
		closedir(dp);
	}
	if (nr)
		qsort(names, nr, sizeof(*names), cmp_str);
	for (i = 0; i < nr; i++) {
		strbuf_reset(&file);
		strbuf_addf(&file, "%s/%s.yaml", SYNC_CONFLICTS_DIR, names[i]);
		if (fn)
			fn(names[i], file.buf, data);
		free(names[i]);
	}
	free(names);
	strbuf_release(&dir);
	strbuf_release(&file);
	return nr;
}
