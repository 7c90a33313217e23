/*
 * issue_path.c - the issue module's rules for paths: which files are
 * issue files, which root holds them, and the id a file name gives.
 * No parsing: issue.c parses what these name.
 */
#include <string.h>

#include "issue.h"
#include "record.h"

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
