#ifndef ISSUE_H
#define ISSUE_H

#include <stddef.h>

#include "strbuf.h"

/*
 * issue.h - an issue file's front matter, parsed with libyaml's event API.
 *
 * The front matter is the YAML mapping between a first line "---" and the
 * next line "---" or "..."; a UTF-8 BOM and CRLF line ends are accepted.
 * It is sliced out before libyaml sees it, so the body is never parsed.
 * Anchors, aliases, explicit tags, duplicate keys, non-scalar keys,
 * nesting deeper than ISSUE_MAX_DEPTH and files over ISSUE_MAX_SIZE make
 * the file invalid; such input costs bounded time and memory.
 */

#define ISSUE_MAX_SIZE (1 << 20)
#define ISSUE_MAX_DEPTH 32
/* ids become file names, "<id>.md" at the least: 255 bytes at most */
#define ISSUE_MAX_ID 252

/*
 * Parse buf[0..len) into a record (see record.h), appended to `out`.
 * Always succeeds: an invalid file yields a RECORD_INVALID record whose
 * text is "line:col: message", a file without front matter a
 * RECORD_NOTISSUE record. Returns the record kind.
 */
int issue_parse(struct strbuf *out, const char *buf, size_t len);
/*
 * For tests: set, issue_parse() hands every file to libyaml (no fast path
 * for simple files); the count is of the files the fast path parsed, by
 * this thread (a build parses on two).
 */
extern int issue_simple_off;
extern __thread unsigned long issue_simple_count;

/*
 * The id an issue file has when its front matter names none: the base
 * name up to the first '-', ' ' or '.'. Sets *len; returns a pointer into path.
 */
const char *issue_id_from_path(const char *path, size_t *len);

/* Whether path is one of the roots ("a\0b\0", len bytes). */
int issue_is_root(const char *roots, size_t len, const char *path);

/* Whether a file name (or path) names a candidate issue file: "*.md". */
int issue_name(const char *name);
/* The same for a base name, base[0..len). */
int issue_base_name(const char *base, size_t len);

/*
 * The root of roots ("a\0b\0", len bytes) that path lies under, or NULL;
 * *rootlen gets its length.
 */
const char *issue_root(const char *roots, size_t len, const char *path, size_t *rootlen);

/*
 * A path typed on the command line, relative to the current directory
 * or absolute, as a path from the top of the work tree `workdir` (with
 * its '/'), as git takes a pathspec: "." and ".." resolved as text, no
 * trailing '/', "" for the top itself. NULL when it lies outside the
 * work tree. Owned by the caller.
 */
char *issue_path_arg(const char *workdir, const char *arg);

/*
 * NULL when id[0..len) is a usable id, else why not (ids become file
 * names): empty, ".", "..", '/', a control character, or over ISSUE_MAX_ID bytes.
 */
const char *issue_id_invalid(const char *id, size_t len);

struct record;
/*
 * The id of the issue file `path` whose record is `rec`: the id field, or
 * the file name's. Returns NULL, or why the file is not a valid issue.
 */
const char *issue_file_id(const struct record *rec, const char *path,
			  const char **id, size_t *len);

#endif
