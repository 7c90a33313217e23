/*
 * issue_path.c - the issue module's rules for paths: which files are
 * issue files, which root holds them, the id a file name gives, and a
 * path typed on the command line as a path in the work tree.
 * No parsing: issue.c parses what these name.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "issue.h"
#include "record.h"
#include "xalloc.h"

#define STR_(x) #x
#define STR(x) STR_(x)

const char *issue_id_from_path(const char *path, size_t *len)
{
	const char *base = strrchr(path, '/');

	base = base ? base + 1 : path;
	*len = strcspn(base, "- .");
	return base;
}

const char *issue_id_invalid(const char *id, size_t len)
{
	size_t i;

	if (!len)
		return "empty";
	if ((len == 1 && id[0] == '.') || (len == 2 && !memcmp(id, "..", 2)))
		return "'.' and '..' are not ids";
	if (len > ISSUE_MAX_ID)
		return "longer than " STR(ISSUE_MAX_ID) " bytes";
	for (i = 0; i < len; i++) {
		unsigned char c = id[i];
		if (c == '/')
			return "contains '/'";
		if (c < 0x20 || c == 0x7f)
			return "contains a control character";
	}
	return NULL;
}

const char *issue_file_id(const struct record *rec, const char *path,
			  const char **id, size_t *len)
{
	const char *why;

	if (rec->id) {
		*id = rec->id;
		*len = rec->idlen;
		return NULL;
	}
	*id = issue_id_from_path(path, len);
	why = issue_id_invalid(*id, *len);
	return why ? "1:1: invalid id from the file name" : NULL;
}

int issue_base_name(const char *base, size_t len)
{
	/* a file called ".md" is not an issue, wherever it is */
	return len > 3 && !memcmp(base + len - 3, ".md", 3);
}

int issue_name(const char *name)
{
	const char *slash = strrchr(name, '/');

	if (slash)
		name = slash + 1;
	return issue_base_name(name, strlen(name));
}

int issue_is_root(const char *roots, size_t len, const char *path)
{
	const char *r;

	for (r = roots; r < roots + len; r += strlen(r) + 1)
		if (!strcmp(r, path))
			return 1;
	return 0;
}

const char *issue_root(const char *roots, size_t len, const char *path, size_t *rootlen)
{
	const char *r;

	for (r = roots; r < roots + len; r += strlen(r) + 1) {
		size_t l = strlen(r);
		if (!strncmp(path, r, l) && path[l] == '/') {
			if (rootlen)
				*rootlen = l;
			return r;
		}
	}
	if (rootlen)
		*rootlen = 0;
	return NULL;
}

/* Resolve "." and ".." in the absolute path sb as text, as git does; no trailing '/'. */
static void normalize_abs(struct strbuf *sb)
{
	struct strbuf out = STRBUF_INIT;
	const char *p = sb->buf;

	while (*p) {
		size_t len;
		while (*p == '/')
			p++;
		len = strcspn(p, "/");
		if (!len || (len == 1 && p[0] == '.')) {
			/* nothing */
		} else if (len == 2 && p[0] == '.' && p[1] == '.') {
			while (out.len && out.buf[out.len - 1] != '/')
				out.len--;
			strbuf_setlen(&out, out.len ? out.len - 1 : 0);
		} else {
			strbuf_addch(&out, '/');
			strbuf_add(&out, p, len);
		}
		p += len;
	}
	if (!out.len)
		strbuf_addch(&out, '/');
	strbuf_reset(sb);
	strbuf_add(sb, out.buf, out.len);
	strbuf_release(&out);
}

/* abs under workdir ("/a/b/"): its path from there, or NULL. */
static char *below(const char *workdir, const struct strbuf *abs)
{
	size_t wl = strlen(workdir);

	if (abs->len + 1 == wl && !memcmp(abs->buf, workdir, abs->len))
		return xstrdup("");
	if (abs->len >= wl && !memcmp(abs->buf, workdir, wl))
		return xstrdup(abs->buf + wl);
	return NULL;
}

char *issue_path_arg(const char *workdir, const char *arg)
{
	char cwd[PATH_MAX], real[PATH_MAX];
	struct strbuf sb = STRBUF_INIT;
	char *rel;

	if (arg[0] != '/') {
		if (!getcwd(cwd, sizeof(cwd)))
			return NULL;
		strbuf_addf(&sb, "%s/", cwd);
	}
	strbuf_addstr(&sb, arg);
	normalize_abs(&sb);
	/* an absolute path through a symbolic link to the work tree */
	if (!(rel = below(workdir, &sb)) && arg[0] == '/' && realpath(sb.buf, real)) {
		strbuf_reset(&sb);
		strbuf_addstr(&sb, real);
		rel = below(workdir, &sb);
	}
	strbuf_release(&sb);
	return rel;
}
