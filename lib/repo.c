#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "repo.h"
#include "usage.h"
#include "xalloc.h"

void repo_paths_release(struct repo_paths *p)
{
	free(p->gitdir);
	free(p->commondir);
	free(p->objdir);
	free(p->workdir);
	free(p->promisor);
	free(p->replace);
	p->replace = NULL;
	p->nr_replace = 0;
	p->gitdir = p->commondir = p->objdir = p->workdir = p->promisor = NULL;
}

static char *abspath(const char *path)
{
	char buf[PATH_MAX];

	if (!realpath(path, buf))
		return NULL;
	return xstrdup(buf);
}

static char *with_slash(char *dir)
{
	size_t len = strlen(dir);

	if (len && dir[len - 1] == '/')
		return dir;
	dir = xrealloc(dir, len + 2);
	dir[len] = '/';
	dir[len + 1] = '\0';
	return dir;
}

/* Read a one-line file into sb without its line end. */
static int read_line_file(struct strbuf *sb, const char *path)
{
	strbuf_reset(sb);
	if (strbuf_read_file(sb, path, 128) < 0)
		return -1;
	while (sb->len && (sb->buf[sb->len - 1] == '\n' || sb->buf[sb->len - 1] == '\r'))
		strbuf_setlen(sb, sb->len - 1);
	return 0;
}

/* Resolve `rel` against directory `dir` (absolute rel is kept). */
static char *resolve_in(const char *dir, const char *rel)
{
	struct strbuf sb = STRBUF_INIT;
	char *res;

	if (rel[0] != '/')
		strbuf_addf(&sb, "%s/", dir);
	strbuf_addstr(&sb, rel);
	res = abspath(sb.buf);
	strbuf_release(&sb);
	return res;
}

static void set_commondir(struct repo_paths *p)
{
	struct strbuf sb = STRBUF_INIT, path = STRBUF_INIT;

	strbuf_addf(&path, "%s/commondir", p->gitdir);
	if (!read_line_file(&sb, path.buf) && sb.len)
		p->commondir = resolve_in(p->gitdir, sb.buf);
	if (!p->commondir)
		p->commondir = xstrdup(p->gitdir);
	strbuf_reset(&sb);
	strbuf_addf(&sb, "%s/objects", p->commondir);
	p->objdir = strbuf_detach(&sb, NULL);
	strbuf_release(&path);
}

/* Lower-case s in place (git's config names are case-insensitive). */
static void lower(char *s)
{
	for (; *s; s++)
		if (*s >= 'A' && *s <= 'Z')
			*s += 'a' - 'A';
}

/*
 * The value after '=' without blanks, comment or quotes, in place. Enough
 * for the few keys read here; git's own parser reads the rest.
 */
static char *config_value(char *v)
{
	char *out = v, *in = v;
	int quoted = 0;

	while (*in == ' ' || *in == '\t')
		in++;
	for (; *in; in++) {
		if (*in == '"')
			quoted = !quoted;
		else if (!quoted && (*in == '#' || *in == ';'))
			break;
		else if (*in == '\\' && in[1])
			*out++ = *++in;
		else
			*out++ = *in;
	}
	while (out > v && (out[-1] == ' ' || out[-1] == '\t' || out[-1] == '\r'))
		out--;
	*out = '\0';
	return v;
}

/*
 * core.repositoryformatversion and the extensions.* of the config file
 * `path` ("name\0value\0" in exts, names lower-cased), read by hand: git
 * reads the format from this one file, without includes. A missing file
 * is version 0.
 */
static int config_true(const char *v)
{
	return !strcasecmp(v, "true") || !strcasecmp(v, "yes") || !strcasecmp(v, "on") ||
		(*v && strtol(v, NULL, 10) != 0);
}

static void read_format(const char *path, long *version, struct strbuf *exts,
			struct strbuf *promisors, int *use_replace)
{
	struct strbuf sb = STRBUF_INIT, sub = STRBUF_INIT;
	char *line, *next, section[32] = "";

	*version = 0;
	if (!path || strbuf_read_file(&sb, path, 1024) < 0)
		return;
	for (line = sb.buf; line < sb.buf + sb.len; line = next) {
		char *p = line, *key, *value = "true";
		size_t keylen;

		next = strchrnul(line, '\n');
		if (*next)
			*next++ = '\0';
		p += strspn(p, " \t");
		if (*p == '[') {
			/* [name], [name "subsection"] or the old [name.subsection] */
			size_t len = strcspn(++p, " \t\".]");
			snprintf(section, sizeof(section), "%.*s", len < sizeof(section) ? (int)len : 0, p);
			lower(section);
			strbuf_reset(&sub);
			p += len;
			if (*p == '.') {
				len = strcspn(++p, "]");
				strbuf_add(&sub, p, len);
				lower(sub.buf);
			} else if (*(p += strspn(p, " \t")) == '"') {
				len = strcspn(++p, "\"");
				strbuf_add(&sub, p, len);
				p += len;
			}
			if (!(p = strchr(p, ']')))
				break;
			p++;
			p += strspn(p, " \t");
		}
		keylen = strspn(p, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-");
		if (!keylen || !*section)
			continue;
		key = p;
		p += keylen;
		p += strspn(p, " \t");
		if (*p == '=')
			value = config_value(p + 1);
		key[keylen] = '\0';
		lower(key);
		if (!strcmp(section, "remote") && sub.len && !strcmp(key, "promisor") &&
		    config_true(value)) {
			strbuf_add(promisors, sub.buf, sub.len + 1);
		} else if (!strcmp(section, "core") && !sub.len && !strcmp(key, "repositoryformatversion")) {
			*version = strtol(value, NULL, 10);
		} else if (!strcmp(section, "core") && !sub.len && !strcmp(key, "usereplacerefs")) {
			*use_replace = config_true(value);
		} else if (!strcmp(section, "extensions")) {
			/* git names one in a subsection "sub.key": an extension it does not know */
			if (sub.len)
				strbuf_addf(exts, "%s.", sub.buf);
			strbuf_addstr(exts, key);
			strbuf_addch(exts, '\0');
			strbuf_addstr(exts, value);
			strbuf_addch(exts, '\0');
		}
	}
	strbuf_release(&sb);
	strbuf_release(&sub);
}

/*
 * Refuse a repository roadmap cannot read, as git refuses one it does
 * not know (git's setup.c): a format version above 1; in version 1 an
 * unknown extension; in version 0 an extension only version 1 may set.
 * Of the extensions git knows, those that store objects or refs another
 * way are refused unless they name what roadmap reads (SHA-1, files).
 * Returns 0 or -1 with one error naming the extension.
 */
static int check_format(struct repo_paths *p)
{
	static const char *const any_version[] = {
		"noop", "preciousobjects", "partialclone", "worktreeconfig", NULL
	};
	static const char *const v1_only[] = {
		"noop-v1", "objectformat", "refstorage", "compatobjectformat", NULL
	};
	struct strbuf path = STRBUF_INIT, exts = STRBUF_INIT, promisors = STRBUF_INIT;
	const char *name, *value;
	const char *const *known;
	long version;
	int ret = 0, use_replace;

	strbuf_addf(&path, "%s/config", p->commondir);
	read_format(path.buf, &version, &exts, &promisors, &use_replace);
	/* promisor remotes: extensions.partialClone names one, remote.<name>.promisor others */
	if (promisors.len)
		p->promisor = xstrdup(promisors.buf);
	if (version < 0 || version > 1)
		ret = error("unsupported repository format: core.repositoryformatversion = %ld "
			    "(roadmap reads versions 0 and 1)", version);
	for (name = exts.buf; !ret && name < exts.buf + exts.len; name = value + strlen(value) + 1) {
		value = name + strlen(name) + 1;
		for (known = any_version; *known && strcmp(*known, name); known++)
			;
		if (*known) {
			if (!strcmp(name, "partialclone") && *value) {
				free(p->promisor);
				p->promisor = xstrdup(value);
			}
			continue;
		}
		for (known = v1_only; *known && strcmp(*known, name); known++)
			;
		if (!*known) {
			if (version)
				ret = error("unsupported repository format: extensions.%s "
					    "(an extension roadmap does not know)", name);
		} else if (!version) {
			ret = error("unsupported repository format: extensions.%s in a repository "
				    "of format version 0 (git refuses it too)", name);
		} else if (!strcmp(name, "objectformat") && strcmp(value, "sha1")) {
			ret = error("unsupported repository format: extensions.objectformat = %s "
				    "(roadmap reads SHA-1 repositories only)", value);
		} else if (!strcmp(name, "refstorage") && strcmp(value, "files")) {
			ret = error("unsupported repository format: extensions.refstorage = %s "
				    "(roadmap reads refs stored as files only)", value);
		} else if (!strcmp(name, "compatobjectformat")) {
			ret = error("unsupported repository format: extensions.compatobjectformat = %s "
				    "(roadmap reads one object format, SHA-1)", value);
		}
	}
	strbuf_release(&path);
	strbuf_release(&exts);
	strbuf_release(&promisors);
	return ret;
}

/* repo_find() without the format check: the paths alone. */
static int find_paths(struct repo_paths *out)
{
	const char *env = getenv("GIT_DIR"), *wt = getenv("GIT_WORK_TREE");
	struct strbuf dir = STRBUF_INIT, sb = STRBUF_INIT;
	struct stat st;
	char cwd[PATH_MAX];
	int ret = -1;

	memset(out, 0, sizeof(*out));
	if (!getcwd(cwd, sizeof(cwd)))
		return error_errno("cannot get the current directory");
	if (env && *env) {
		if (!(out->gitdir = abspath(env)))
			return error_errno("not a git repository: '%s'", env);
		/* git's rule: with GIT_DIR and no GIT_WORK_TREE, the cwd is the top */
		out->workdir = abspath(wt && *wt ? wt : cwd);
		if (!out->workdir)
			return error_errno("cannot find the work tree '%s'", wt);
		out->workdir = with_slash(out->workdir);
		set_commondir(out);
		return 0;
	}
	strbuf_addstr(&dir, cwd);
	for (;;) {
		size_t len = dir.len;

		strbuf_addstr(&dir, "/.git");
		if (!stat(dir.buf, &st)) {
			if (S_ISDIR(st.st_mode)) {
				out->gitdir = abspath(dir.buf);
			} else if (!read_line_file(&sb, dir.buf) && !strncmp(sb.buf, "gitdir: ", 8)) {
				strbuf_setlen(&dir, len);
				out->gitdir = resolve_in(dir.buf, sb.buf + 8);
			}
			strbuf_setlen(&dir, len);
			if (!out->gitdir) {
				error("invalid gitfile or git directory in '%s'", dir.buf);
				goto out;
			}
			out->workdir = with_slash(xstrdup(len ? dir.buf : "/"));
			if (wt && *wt)
				out->workdir = with_slash((free(out->workdir), abspath(wt)));
			set_commondir(out);
			ret = 0;
			goto out;
		}
		strbuf_setlen(&dir, len);
		if (!len)
			break;
		while (dir.len && dir.buf[dir.len - 1] != '/')
			dir.len--;
		strbuf_setlen(&dir, dir.len ? dir.len - 1 : 0);
	}
	error("not a git repository (or any of the parent directories): .git");
out:
	strbuf_release(&dir);
	strbuf_release(&sb);
	return ret;
}

static int is_hex_oid(const char *s, size_t len);

/* --- replace refs --- */

/* core.useReplaceRefs in one config file: *use set when the file sets it. */
static void use_replace_in(const char *path, int *use)
{
	struct strbuf exts = STRBUF_INIT, promisors = STRBUF_INIT;
	long version;

	read_format(path, &version, &exts, &promisors, use);
	strbuf_release(&exts);
	strbuf_release(&promisors);
}

/*
 * core.useReplaceRefs as git reads it: the system, global, repository and
 * worktree files, then -c (the last one set wins). Read by hand, and only
 * when there are replace refs: [include] is not followed.
 */
static int use_replace_refs(const struct repo_paths *p)
{
	const char *home = getenv("HOME"), *xdg = getenv("XDG_CONFIG_HOME");
	const char *env, *sys = getenv("GIT_CONFIG_SYSTEM"), *global = getenv("GIT_CONFIG_GLOBAL");
	struct strbuf path = STRBUF_INIT;
	int use = 1;
	long i, n;

	if (!getenv("GIT_CONFIG_NOSYSTEM"))
		use_replace_in(sys ? sys : "/etc/gitconfig", &use);
	if (global) {
		use_replace_in(global, &use);
	} else {
		if (xdg && *xdg)
			strbuf_addf(&path, "%s/git/config", xdg);
		else if (home)
			strbuf_addf(&path, "%s/.config/git/config", home);
		use_replace_in(path.len ? path.buf : NULL, &use);
		strbuf_reset(&path);
		if (home)
			strbuf_addf(&path, "%s/.gitconfig", home);
		use_replace_in(path.len ? path.buf : NULL, &use);
	}
	strbuf_reset(&path);
	strbuf_addf(&path, "%s/config", p->commondir);
	use_replace_in(path.buf, &use);
	strbuf_reset(&path);
	strbuf_addf(&path, "%s/config.worktree", p->gitdir);
	use_replace_in(path.buf, &use);
	/* -c core.useReplaceRefs=...: 'core.usereplacerefs'='false' or 'core.usereplacerefs=false' */
	if ((env = getenv("GIT_CONFIG_PARAMETERS"))) {
		strbuf_reset(&path);
		strbuf_addstr(&path, env);
		lower(path.buf);
		for (env = path.buf; (env = strstr(env, "'core.usereplacerefs")); ) {
			char val[16];
			env += strlen("'core.usereplacerefs");
			env += strspn(env, "'=");
			snprintf(val, sizeof(val), "%.*s", (int)strcspn(env, "'"), env);
			use = config_true(val);
		}
	}
	n = (env = getenv("GIT_CONFIG_COUNT")) ? strtol(env, NULL, 10) : 0;
	for (i = 0; i < n; i++) {
		char name[64];
		const char *key, *val;
		snprintf(name, sizeof(name), "GIT_CONFIG_KEY_%ld", i);
		key = getenv(name);
		snprintf(name, sizeof(name), "GIT_CONFIG_VALUE_%ld", i);
		val = getenv(name);
		if (key && val && !strcasecmp(key, "core.useReplaceRefs"))
			use = config_true(val);
	}
	strbuf_release(&path);
	return use;
}

static int cmp_pair(const void *a, const void *b)
{
	return memcmp(a, b, OID_RAW);
}

/* One replace ref, "<base><hex of the original>" -> the hex of its replacement. */
static void add_replace(struct repo_paths *p, size_t *alloc, const char *name, size_t len,
			const char *target)
{
	unsigned char (*pair)[OID_RAW];
	char hex[OID_HEX + 1];

	if (len != OID_HEX || !is_hex_oid(target, strlen(target)))
		return;		/* git warns "bad replace ref name" and ignores it */
	memcpy(hex, name, OID_HEX);
	hex[OID_HEX] = '\0';
	ALLOC_GROW(p->replace, p->nr_replace + 1, *alloc);
	pair = p->replace[p->nr_replace];
	if (hex_to_oid(pair[0], hex) < 0 || hex_to_oid(pair[1], target) < 0)
		return;
	p->nr_replace++;
}

/*
 * The replace refs git honours when it reads an object (refs/replace/,
 * or GIT_REPLACE_REF_BASE): loose ones, then packed ones a loose one
 * does not override; none with GIT_NO_REPLACE_OBJECTS or
 * core.useReplaceRefs=false. Sorted by the original's id.
 */
static void read_replace_refs(struct repo_paths *p)
{
	const char *base = getenv("GIT_REPLACE_REF_BASE");
	struct strbuf path = STRBUF_INIT, sb = STRBUF_INIT;
	size_t alloc = 0, baselen, loose, i;
	struct dirent *de;
	const char *line, *end;
	DIR *d;

	if (getenv("GIT_NO_REPLACE_OBJECTS"))
		return;
	if (!base || !*base)
		base = "refs/replace/";
	baselen = strlen(base);
	strbuf_addf(&path, "%s/%s", p->commondir, base);
	if ((d = opendir(path.buf))) {
		size_t dirlen = path.len;
		while ((de = readdir(d))) {
			strbuf_setlen(&path, dirlen);
			strbuf_addf(&path, "/%s", de->d_name);
			if (de->d_name[0] != '.' && !read_line_file(&sb, path.buf))
				add_replace(p, &alloc, de->d_name, strlen(de->d_name), sb.buf);
		}
		closedir(d);
	}
	loose = p->nr_replace;
	strbuf_reset(&path);
	strbuf_addf(&path, "%s/packed-refs", p->commondir);
	strbuf_reset(&sb);
	if (strbuf_read_file(&sb, path.buf, 0) >= 0) {
		/* "<hex> <base><hex>\n" lines, among the others */
		for (line = sb.buf; (line = strstr(line, base)); line = end) {
			const char *start = line - OID_HEX - 1;
			end = strchrnul(line, '\n');
			if (line - sb.buf < OID_HEX + 1 || line[-1] != ' ' ||
			    (start > sb.buf && start[-1] != '\n'))
				continue;
			for (i = 0; i < loose; i++) {
				char hex[OID_HEX + 1];
				oid_to_hex(hex, p->replace[i][0]);
				if (end - line - baselen == OID_HEX && !memcmp(line + baselen, hex, OID_HEX))
					break;
			}
			if (i == loose) {
				char target[OID_HEX + 1];
				memcpy(target, start, OID_HEX);
				target[OID_HEX] = '\0';
				add_replace(p, &alloc, line + baselen, end - line - baselen, target);
			}
		}
	}
	if (p->nr_replace && !use_replace_refs(p)) {
		free(p->replace);
		p->replace = NULL;
		p->nr_replace = 0;
	}
	if (p->nr_replace)
		qsort(p->replace, p->nr_replace, sizeof(*p->replace), cmp_pair);
	strbuf_release(&path);
	strbuf_release(&sb);
}

int repo_replacement(const struct repo_paths *p, const unsigned char *oid, unsigned char *out)
{
	const unsigned char (*pair)[OID_RAW];
	int depth;

	/* a replacement may be replaced in turn: git follows 5 */
	for (depth = 0; depth < 5; depth++) {
		if (!p->nr_replace || !(pair = bsearch(oid, p->replace, p->nr_replace,
						      sizeof(*p->replace), cmp_pair)))
			break;
		memcpy(out, pair[1], OID_RAW);
		oid = out;
	}
	return depth > 0;
}

void repo_replace_list(const struct repo_paths *p, struct strbuf *out)
{
	size_t i;

	strbuf_reset(out);
	for (i = 0; i < p->nr_replace; i++) {
		char a[OID_HEX + 1], b[OID_HEX + 1];
		oid_to_hex(a, p->replace[i][0]);
		oid_to_hex(b, p->replace[i][1]);
		strbuf_addf(out, "%s %s\n", a, b);
	}
}

int repo_find(struct repo_paths *out)
{
	if (find_paths(out) < 0)
		return -1;
	if (check_format(out) < 0) {
		repo_paths_release(out);
		return -1;
	}
	read_replace_refs(out);
	return 0;
}

static int is_hex_oid(const char *s, size_t len)
{
	size_t i;

	if (len < OID_HEX)
		return 0;
	for (i = 0; i < OID_HEX; i++)
		if (!strchr("0123456789abcdef", s[i]) || !s[i])
			return 0;
	return len == OID_HEX || s[OID_HEX] == '\n' || s[OID_HEX] == ' ' || s[OID_HEX] == '\r';
}

/* Look `ref` up in packed-refs; 0 found, 1 not there. */
static int packed_ref(const struct repo_paths *p, const char *ref, char *hex)
{
	struct strbuf path = STRBUF_INIT, sb = STRBUF_INIT;
	size_t reflen = strlen(ref);
	char *line, *end;
	int ret = 1;

	strbuf_addf(&path, "%s/packed-refs", p->commondir);
	if (strbuf_read_file(&sb, path.buf, 0) < 0)
		goto out;
	for (line = sb.buf; line < sb.buf + sb.len; line = end + 1) {
		end = memchr(line, '\n', sb.buf + sb.len - line);
		if (!end)
			end = sb.buf + sb.len;
		if (end - line == OID_HEX + 1 + (long)reflen && is_hex_oid(line, end - line) &&
		    !memcmp(line + OID_HEX + 1, ref, reflen)) {
			memcpy(hex, line, OID_HEX);
			ret = 0;
			break;
		}
	}
out:
	strbuf_release(&path);
	strbuf_release(&sb);
	return ret;
}

/* Per-worktree refs live in the gitdir, the others in the common dir. */
static const char *ref_dir(const struct repo_paths *p, const char *ref)
{
	if (!strncmp(ref, "refs/", 5) && strncmp(ref, "refs/bisect/", 12) &&
	    strncmp(ref, "refs/worktree/", 14) && strncmp(ref, "refs/rewritten/", 15))
		return p->commondir;
	return p->gitdir;
}

int repo_read_ref(const struct repo_paths *p, const char *ref, char *hex)
{
	struct strbuf sb = STRBUF_INIT, path = STRBUF_INIT;
	int ret;

	strbuf_addf(&path, "%s/%s", ref_dir(p, ref), ref);
	if (read_line_file(&sb, path.buf) < 0)
		ret = errno == ENOENT || errno == ENOTDIR ? packed_ref(p, ref, hex) :
			error_errno("cannot read '%s'", path.buf);
	else if (!is_hex_oid(sb.buf, sb.len))
		ret = error("cannot parse '%s'", path.buf);
	else
		memcpy(hex, sb.buf, OID_HEX), ret = 0;
	hex[OID_HEX] = '\0';
	strbuf_release(&sb);
	strbuf_release(&path);
	return ret;
}

int repo_read_head(const struct repo_paths *p, char *hex, int *detached)
{
	struct strbuf sb = STRBUF_INIT, path = STRBUF_INIT, ref = STRBUF_INIT;
	int depth, ret = -1;

	*detached = 0;
	memset(hex, '0', OID_HEX);
	hex[OID_HEX] = '\0';
	strbuf_addf(&path, "%s/HEAD", p->gitdir);
	strbuf_addstr(&ref, "HEAD");
	for (depth = 0; depth < 5; depth++) {
		if (read_line_file(&sb, path.buf) < 0) {
			if (errno == ENOENT && depth) {
				/* a symref to a ref that is not loose: packed or unborn */
				ret = packed_ref(p, ref.buf, hex);
			} else {
				error_errno("cannot read '%s'", path.buf);
			}
			goto out;
		}
		if (!strncmp(sb.buf, "ref: ", 5)) {
			strbuf_reset(&ref);
			strbuf_addstr(&ref, sb.buf + 5);
			strbuf_reset(&path);
			strbuf_addf(&path, "%s/%s", ref_dir(p, ref.buf), ref.buf);
			continue;
		}
		if (!is_hex_oid(sb.buf, sb.len)) {
			error("cannot parse '%s'", path.buf);
			goto out;
		}
		memcpy(hex, sb.buf, OID_HEX);
		*detached = !depth;
		ret = 0;
		goto out;
	}
	error("HEAD: too many levels of symbolic refs");
out:
	strbuf_release(&sb);
	strbuf_release(&path);
	strbuf_release(&ref);
	return ret;
}

static void stamp_file(struct strbuf *out, const char *path)
{
	struct stat st;

	if (!path || stat(path, &st) < 0)
		return;
	strbuf_addf(out, "%s:%lld.%09ld:%lld:%llu;", path, (long long)st.st_mtim.tv_sec,
		    st.st_mtim.tv_nsec, (long long)st.st_size, (unsigned long long)st.st_ino);
}

void repo_config_stamp(const struct repo_paths *p, struct strbuf *out)
{
	static const char *const envs[] = {
		"GIT_CONFIG_PARAMETERS", "GIT_CONFIG_COUNT", "GIT_CONFIG_GLOBAL",
		"GIT_CONFIG_SYSTEM", "GIT_CONFIG_NOSYSTEM", "HOME", "XDG_CONFIG_HOME",
		"GIT_NO_REPLACE_OBJECTS", "GIT_REPLACE_REF_BASE", NULL
	};
	const char *const *e, *home = getenv("HOME"), *xdg = getenv("XDG_CONFIG_HOME");
	struct strbuf path = STRBUF_INIT;

	strbuf_reset(out);
	for (e = envs; *e; e++)
		strbuf_addf(out, "%s=%s;", *e, getenv(*e) ? getenv(*e) : "");
	strbuf_addf(&path, "%s/config", p->commondir);
	stamp_file(out, path.buf);
	strbuf_reset(&path);
	strbuf_addf(&path, "%s/config.worktree", p->gitdir);
	stamp_file(out, path.buf);
	stamp_file(out, getenv("GIT_CONFIG_GLOBAL"));
	stamp_file(out, getenv("GIT_CONFIG_SYSTEM"));
	if (!getenv("GIT_CONFIG_SYSTEM"))
		stamp_file(out, "/etc/gitconfig");
	if (home) {
		strbuf_reset(&path);
		strbuf_addf(&path, "%s/.gitconfig", home);
		stamp_file(out, path.buf);
	}
	strbuf_reset(&path);
	if (xdg && *xdg)
		strbuf_addf(&path, "%s/git/config", xdg);
	else if (home)
		strbuf_addf(&path, "%s/.config/git/config", home);
	stamp_file(out, path.buf);
	/* the replace refs honoured: a blob read through one reads another */
	repo_replace_list(p, &path);
	strbuf_addstr(out, "replace:");
	strbuf_add(out, path.buf, path.len);
	strbuf_release(&path);
}

int repo_state_read(struct repo_state *s, const struct repo_paths *p)
{
	repo_config_stamp(p, &s->stamp);
	return repo_state_reread_head(s, p);
}

int repo_state_reread_head(struct repo_state *s, const struct repo_paths *p)
{
	int rc = repo_read_head(p, s->head, &s->detached);

	s->unborn = rc == 1;
	return rc < 0 ? -1 : 0;
}

void repo_state_release(struct repo_state *s)
{
	strbuf_release(&s->stamp);
}

int repo_gitdir_has(const struct repo_paths *p, const char *name)
{
	struct strbuf path = STRBUF_INIT;
	struct stat st;
	int ret;

	strbuf_addf(&path, "%s/%s", p->gitdir, name);
	ret = !stat(path.buf, &st);
	strbuf_release(&path);
	return ret;
}

int repo_rebasing(const struct repo_paths *p)
{
	/* git's own markers: rebase-merge/ (merge backend), rebase-apply/ (apply backend, am) */
	return repo_gitdir_has(p, "rebase-merge") || repo_gitdir_has(p, "rebase-apply");
}
