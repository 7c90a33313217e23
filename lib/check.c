#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "gitindex.h"
#include "issue.h"
#include "output.h"
#include "record.h"
#include "syncconflict.h"
#include "usage.h"
#include "xalloc.h"

struct file {
	char *path;
	char *rec;		/* the record, owned */
	size_t reclen;
	unsigned char oid[OID_RAW];	/* the staged blob, when `staged` */
	int staged;		/* read from oid: --cached, or off the disk in a sparse checkout */
	int report;		/* errors in this file are printed */
	const char *id;		/* into rec or path; NULL when not a valid issue */
	size_t idlen;
};

/* A *.md name under a root that is no regular file, so not indexed. */
struct odd {
	char *path;
	const char *what;	/* "a symbolic link", "a submodule" */
	int report;
};

/* The errors found in the file being checked, printed in line order. */
struct message {
	int line, col;
	size_t seq;
	char *text;
};

struct set {
	struct file *f;
	size_t nr, alloc;
	struct odd *odd;
	size_t nr_odd, alloc_odd;
	const struct strbuf *roots;
	struct strbuf statuses, priorities;	/* "a\0b\0"; empty: anything goes */
	struct message *msgs;
	size_t nr_msgs, alloc_msgs;
	int nr_errors;
	FILE *out;
};

static void add_file(struct set *s, const char *path, size_t len, const void *rec, size_t reclen)
{
	struct file *f;

	ALLOC_GROW(s->f, s->nr + 1, s->alloc);
	f = &s->f[s->nr++];
	memset(f, 0, sizeof(*f));
	f->path = xmemdupz(path, len);
	f->rec = xmemdupz(rec, reclen);
	f->reclen = reclen;
}

static const char *odd_what(unsigned mode)
{
	return mode == GIT_FILEMODE_LINK ? "a symbolic link" :
		mode == GIT_FILEMODE_COMMIT ? "a submodule" : NULL;
}

static void add_odd(struct set *s, const char *path, const char *what, int report)
{
	size_t i;

	for (i = 0; i < s->nr_odd; i++)
		if (!strcmp(s->odd[i].path, path))
			return;
	ALLOC_GROW(s->odd, s->nr_odd + 1, s->alloc_odd);
	s->odd[s->nr_odd].path = xstrdup(path);
	s->odd[s->nr_odd].what = what;
	s->odd[s->nr_odd++].report = report;
}

/*
 * A staged blob's bytes, reported under `path` when they cannot be read:
 * the one place this module reads a blob.
 */
static int read_blob(struct strbuf *out, git_repository *repo, const unsigned char *oid,
		     const char *path)
{
	int rc = libgit_read_blob(repo, oid, path, out);

	if (rc > 0)
		return error("cannot read '%s': its blob is missing", path);
	return rc;
}

struct head_rows {
	struct set *s;
	struct index *ix;
	MDB_txn *txn;
	const struct overlay *ov;
};

/* A file of HEAD the overlay did not change. */
static int add_head_row(const char *path, size_t len, struct file_row *row, void *data)
{
	struct head_rows *hr = data;

	if (row->kind != ROW_FILE || overlay_find(hr->ov, path, len) ||
	    file_row_record(hr->txn, hr->ix, row))
		return 0;
	add_file(hr->s, path, len, row->rec, row->reclen);
	return 0;
}

/*
 * The working tree: HEAD's rows, with the overlay's changes on top (a
 * file a sparse checkout keeps off the disk read from its staged blob);
 * the symbolic links and submodules named *.md that the overlay skipped,
 * and the staged submodules that are not checked out.
 */
static int load_worktree(struct set *s, struct index *ix, const struct repo_paths *p)
{
	struct overlay ov = OVERLAY_INIT;
	struct head_rows hr = { s, ix, NULL, &ov };
	struct staged st;
	MDB_txn *txn;
	size_t i;
	int rc;

	if (index_begin(ix, &txn, 0))
		return -1;
	hr.txn = txn;
	rc = overlay_compute(&ov, ix, txn, p, s->roots->buf, s->roots->len);
	if (!rc)
		rc = index_foreach_file(txn, ix, NULL, 0, add_head_row, &hr);
	index_end(txn);
	for (i = 0; i < ov.nr; i++)
		if (!ov.files[i].deleted) {
			add_file(s, ov.files[i].path, strlen(ov.files[i].path),
				 ov.files[i].rec, ov.files[i].reclen);
			s->f[s->nr - 1].report = 2;	/* changed since HEAD */
		}
	for (i = 0; i < s->nr; i++) {
		const unsigned char *oid = overlay_sparse_oid(&ov, s->f[i].path, strlen(s->f[i].path));
		if (oid) {
			s->f[i].staged = 1;
			memcpy(s->f[i].oid, oid, OID_RAW);
		}
	}
	for (i = 0; i < ov.nr_skipped; i++)
		add_odd(s, ov.skipped[i].path, ov.skipped[i].kind == OVERLAY_SYMLINK ?
			"a symbolic link" : "a submodule", 1);
	overlay_release(&ov);
	if (!rc && !(rc = staged_read(&st, p, s->roots->buf, s->roots->len, 0))) {
		for (i = 0; i < st.nr; i++)
			if (st.e[i].mode == GIT_FILEMODE_COMMIT && issue_name(st.e[i].path))
				add_odd(s, st.e[i].path, odd_what(st.e[i].mode), 1);
		staged_release(&st);
	}
	return rc ? -1 : 0;
}

/* Whether HEAD's tree has this entry as it is staged. */
static int same_in_head(git_tree *head, const struct staged_entry *e)
{
	git_tree_entry *te;
	int same;

	if (!head || git_tree_entry_bypath(&te, head, e->path) < 0)
		return 0;
	same = git_tree_entry_filemode(te) == (git_filemode_t)e->mode &&
		!memcmp(git_tree_entry_id(te)->id, e->oid, OID_RAW);
	git_tree_entry_free(te);
	return same;
}

/* The staging area: its entries under the roots, parsed unless HEAD's row has the blob. */
static int load_cached(struct set *s, struct index *ix, const struct repo_paths *p,
		       git_repository *repo)
{
	struct strbuf rec = STRBUF_INIT, raw = STRBUF_INIT;
	struct staged st;
	git_object *head = NULL;
	MDB_txn *txn;
	size_t i;
	int ret = -1;

	if (staged_read(&st, p, s->roots->buf, s->roots->len, 0) < 0)
		return -1;
	if (index_begin(ix, &txn, 0)) {
		staged_release(&st);
		return -1;
	}
	if (git_revparse_single(&head, repo, "HEAD^{tree}") < 0)
		head = NULL;	/* no commit yet */
	for (i = 0; i < st.nr; i++) {
		const struct staged_entry *e = &st.e[i];
		struct file_row row;

		if (!issue_name(e->path))
			continue;
		if (e->stage) {
			/* an unmerged path: only its first stage says so */
			if (!s->nr || strcmp(s->f[s->nr - 1].path, e->path)) {
				strbuf_reset(&rec);
				strbuf_addch(&rec, RECORD_INVALID);
				strbuf_addstr(&rec, "1:1: unmerged path (resolve the conflict)");
				add_file(s, e->path, strlen(e->path), rec.buf, rec.len);
				s->f[s->nr - 1].report = 2;
			}
			continue;
		}
		if (odd_what(e->mode)) {
			/* reported when the commit would bring it */
			add_odd(s, e->path, odd_what(e->mode), 1 + !same_in_head((git_tree *)head, e));
			continue;
		}
		if (e->mode != GIT_FILEMODE_BLOB && e->mode != GIT_FILEMODE_BLOB_EXECUTABLE)
			continue;
		if (!index_get_file(txn, ix, e->path, strlen(e->path), &row) &&
		    row.kind == ROW_FILE && !memcmp(row.oid, e->oid, OID_RAW) &&
		    !file_row_record(txn, ix, &row)) {
			add_file(s, e->path, strlen(e->path), row.rec, row.reclen);
		} else {
			strbuf_reset(&raw);
			if (read_blob(&raw, repo, e->oid, e->path))
				goto out;
			strbuf_reset(&rec);
			issue_parse(&rec, raw.buf, raw.len);
			add_file(s, e->path, strlen(e->path), rec.buf, rec.len);
			s->f[s->nr - 1].report = 2;
		}
		s->f[s->nr - 1].staged = 1;
		memcpy(s->f[s->nr - 1].oid, e->oid, OID_RAW);
	}
	ret = 0;
out:
	index_end(txn);
	git_object_free(head);
	staged_release(&st);
	strbuf_release(&rec);
	strbuf_release(&raw);
	return ret;
}

/* The file's bytes: the staged blob when cached or sparse, else the working file. */
static int read_raw(struct strbuf *out, const struct file *f, const struct repo_paths *p,
		    git_repository *repo)
{
	strbuf_reset(out);
	if (f->staged) {
		return read_blob(out, repo, f->oid, f->path);
	} else {
		struct strbuf full = STRBUF_INIT;
		int rc;
		strbuf_addf(&full, "%s%s", p->workdir, f->path);
		rc = strbuf_read_file(out, full.buf, 0);
		strbuf_release(&full);
		return rc < 0 ? error_errno("cannot read '%s'", f->path) : 0;
	}
}

/*
 * A path as messages show it: as it is, unless a control character, '"'
 * or '\\' would make the line ambiguous; then C-quoted, as git quotes it.
 */
static const char *show_path(struct strbuf *sb, const char *path)
{
	const unsigned char *p;

	for (p = (const unsigned char *)path; *p; p++)
		if (*p < 0x20 || *p == 0x7f || *p == '"' || *p == '\\')
			break;
	if (!*p)
		return path;
	strbuf_reset(sb);
	quote_path(sb, path, strlen(path), 0);
	return sb->buf;
}

/*
 * An error at line:col of the file being checked, for flush_reports().
 * Control characters in it (from keys and values) are escaped: one
 * error, one line.
 */
__attribute__((format(printf, 4, 5), nonnull(4)))
static void report(struct set *s, int line, int col, const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT, out = STRBUF_INIT;
	va_list ap;
	size_t i;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	strbuf_grow(&sb, n + 1);
	va_start(ap, fmt);
	vsnprintf(sb.buf, n + 1, fmt, ap);
	va_end(ap);
	strbuf_setlen(&sb, n);
	for (i = 0; i < sb.len; i++) {
		unsigned char c = sb.buf[i];
		if (c == '\n')
			strbuf_addstr(&out, "\\n");
		else if (c == '\t')
			strbuf_addstr(&out, "\\t");
		else if (c < 0x20 || c == 0x7f)
			strbuf_addf(&out, "\\x%02x", c);
		else
			strbuf_addch(&out, c);
	}
	strbuf_release(&sb);
	ALLOC_GROW(s->msgs, s->nr_msgs + 1, s->alloc_msgs);
	s->msgs[s->nr_msgs].line = line;
	s->msgs[s->nr_msgs].col = col;
	s->msgs[s->nr_msgs].seq = s->nr_msgs;
	s->msgs[s->nr_msgs++].text = strbuf_detach(&out, NULL);
	s->nr_errors++;
}

static int cmp_msgs(const void *a, const void *b)
{
	const struct message *x = a, *y = b;

	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	if (x->col != y->col)
		return x->col < y->col ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Print the errors of file f compiler style, in line order. */
static void flush_reports(struct set *s, const struct file *f)
{
	struct strbuf sb = STRBUF_INIT;
	const char *path = show_path(&sb, f->path);
	size_t i;

	if (s->nr_msgs)
		qsort(s->msgs, s->nr_msgs, sizeof(*s->msgs), cmp_msgs);
	for (i = 0; i < s->nr_msgs; i++) {
		fprintf(s->out, "%s:%d:%d: error: %s\n", path, s->msgs[i].line, s->msgs[i].col,
			s->msgs[i].text);
		free(s->msgs[i].text);
	}
	s->nr_msgs = 0;
	strbuf_release(&sb);
}

/* The line of top-level key `field` in the front matter, or 1. */
static int field_line(const struct strbuf *raw, const char *field)
{
	const char *p = raw->buf, *end = raw->buf + raw->len;
	size_t flen = strlen(field);
	int line = 1;

	while (p < end) {
		const char *nl = memchr(p, '\n', end - p);
		if (line > 1 && (!strncmp(p, "---", 3) || !strncmp(p, "...", 3)))
			break;
		if (!strncmp(p, field, flen) && p + flen < end && p[flen] == ':')
			return line;
		if (!nl)
			break;
		p = nl + 1;
		line++;
	}
	return 1;
}

static void check_conflict_markers(struct set *s, const struct strbuf *raw)
{
	const char *p = raw->buf, *end = raw->buf + raw->len;
	int line = 1;

	while (p < end) {
		const char *nl = memchr(p, '\n', end - p);
		size_t len = (nl ? nl : end) - p;
		if ((len >= 8 && (!memcmp(p, "<<<<<<< ", 8) || !memcmp(p, ">>>>>>> ", 8))) ||
		    ((len == 7 || (len == 8 && p[7] == '\r')) && !memcmp(p, "=======", 7)))
			report(s, line, 1, "conflict marker");
		if (!nl)
			break;
		p = nl + 1;
		line++;
	}
}

static int cmp_id(const void *a, const void *b)
{
	const struct file *x = *(const struct file *const *)a, *y = *(const struct file *const *)b;
	size_t n = x->idlen < y->idlen ? x->idlen : y->idlen;
	int c = memcmp(x->id, y->id, n);

	return c ? c : (x->idlen > y->idlen) - (x->idlen < y->idlen);
}

static const struct file *find_id(struct file **byid, size_t nr, const char *id, size_t len)
{
	struct file key;
	const struct file *kp = &key;
	struct file **hit;

	key.id = id;
	key.idlen = len;
	hit = bsearch(&kp, byid, nr, sizeof(*byid), cmp_id);
	return hit ? *hit : NULL;
}

struct value_check {
	const struct strbuf *raw;
	struct set *s;
	struct file **byid;
	size_t nr_ids;
};

static int in_list(const struct strbuf *list, const char *v, size_t len)
{
	const char *p;

	for (p = list->buf; p < list->buf + list->len; p += strlen(p) + 1)
		if (strlen(p) == len && !memcmp(p, v, len))
			return 1;
	return 0;
}

static int check_value(const char *key, size_t keylen, const struct node *val, void *data)
{
	struct value_check *vc = data;
	char field[64];
	size_t top = strcspn(key, ".");

	snprintf(field, sizeof(field), "%.*s", (int)(top < keylen ? top : keylen), key);
	if ((!strcmp(field, "status") && vc->s->statuses.len && keylen == 6 &&
	     !in_list(&vc->s->statuses, val->text, val->len)) ||
	    (!strcmp(field, "priority") && vc->s->priorities.len && keylen == 8 &&
	     !in_list(&vc->s->priorities, val->text, val->len)))
		report(vc->s, field_line(vc->raw, field), 1, "%s '%.*s' is not one of roadmap.%s",
		       field, (int)val->len, val->text,
		       field[0] == 's' ? "statuses" : "priorities");
	if ((!strcmp(field, "depends_on") || !strcmp(field, "blocks") ||
	     !strcmp(field, "dependencies")) && val->len &&
	    !find_id(vc->byid, vc->nr_ids, val->text, val->len))
		report(vc->s, field_line(vc->raw, field), 1, "%s names '%.*s', which is no issue's id",
		       field, (int)val->len, val->text);
	return 0;
}

struct has_title {
	int found;
};

static int title_value(const char *key, size_t keylen, const struct node *val, void *data)
{
	if (keylen == 5 && !memcmp(key, "title", 5) && val->len)
		((struct has_title *)data)->found = 1;
	return 0;
}

static void check_file(struct set *s, struct file *f, struct file **byid, size_t nr_ids,
		       const struct repo_paths *p, git_repository *repo)
{
	struct strbuf raw = STRBUF_INIT;
	struct record rec;
	struct has_title title = { 0 };
	struct value_check vc = { &raw, s, byid, nr_ids };
	const struct file *other;
	size_t line, col;
	const char *why, *id;
	size_t idlen;

	if (record_decode(&rec, f->rec, f->reclen) < 0)
		return;
	if (read_raw(&raw, f, p, repo) < 0) {
		s->nr_errors++;
		goto out;
	}
	check_conflict_markers(s, &raw);
	if (rec.kind == RECORD_NOTISSUE) {
		if (f->report == 3)	/* named on the command line */
			report(s, 1, 1, "not an issue file: the first line is not '---'");
		goto out;
	}
	if (rec.kind == RECORD_INVALID) {
		if (sscanf(rec.err, "%zu:%zu:", &line, &col) != 2)
			line = col = 1;
		report(s, (int)line, (int)col, "%s", strchr(strchr(rec.err, ':') + 1, ':') + 2);
		goto out;
	}
	if ((why = issue_file_id(&rec, f->path, &id, &idlen))) {
		report(s, 1, 1, "no usable id: the file name gives none (%s); add an id field",
		       issue_id_invalid(id, idlen));
		goto out;
	}
	record_foreach_scalar(&rec, title_value, &title);
	if (!title.found)
		report(s, 1, 1, "missing title");
	other = find_id(byid, nr_ids, f->id, f->idlen);
	if (other == f) {
		/* find_id may land on either of two: look at the neighbours */
		size_t i;
		for (i = 0; i < nr_ids; i++)
			if (byid[i] != f && byid[i]->idlen == f->idlen &&
			    !memcmp(byid[i]->id, f->id, f->idlen)) {
				other = byid[i];
				break;
			}
	}
	if (other && other != f) {
		struct strbuf sb = STRBUF_INIT;
		report(s, field_line(&raw, "id"), 1, "duplicate id '%.*s': '%s' has it too",
		       (int)f->idlen, f->id, show_path(&sb, other->path));
		strbuf_release(&sb);
	}
	record_foreach_scalar(&rec, check_value, &vc);
out:
	flush_reports(s, f);
	strbuf_release(&raw);
}

/* Multi-valued git config, each value possibly a comma list, as "a\0b\0". */
static void config_list(struct strbuf *out, git_repository *repo, const char *name)
{
	git_config *cfg;
	git_config_iterator *it;
	git_config_entry *e;

	if (git_repository_config_snapshot(&cfg, repo) < 0)
		return;
	if (!git_config_multivar_iterator_new(&it, cfg, name, NULL)) {
		while (!git_config_next(&e, it)) {
			const char *v = e->value;
			while (*v) {
				size_t len = strcspn(v, ",");
				while (len && v[0] == ' ')
					v++, len--;
				if (len) {
					size_t l = len;
					while (l && v[l - 1] == ' ')
						l--;
					strbuf_add(out, v, l);
					strbuf_addch(out, '\0');
				}
				v += len + (v[len] == ',');
			}
		}
		git_config_iterator_free(it);
	}
	git_config_free(cfg);
}

/* What to report on: the named paths, or as check_issues() says. */
static void choose_reports(struct set *s, int cached, char *const *paths, char *const *args,
			   int nr_paths)
{
	size_t i;
	int j;

	for (i = 0; i < s->nr; i++)
		s->f[i].report = nr_paths ? 0 : cached ? s->f[i].report == 2 : 1;
	for (i = 0; i < s->nr_odd; i++)
		s->odd[i].report = nr_paths ? 0 : cached ? s->odd[i].report == 2 : 1;
	for (j = 0; j < nr_paths; j++) {
		const char *rel = paths[j];
		size_t len = strlen(rel);
		int found = 0;
		for (i = 0; i < s->nr; i++)
			if (!strcmp(s->f[i].path, rel) ||
			    (!len || (!strncmp(s->f[i].path, rel, len) &&
				      (rel[len - 1] == '/' || s->f[i].path[len] == '/')))) {
				/* 3: named itself, so "not an issue" is worth saying */
				s->f[i].report = strcmp(s->f[i].path, rel) ? 1 : 3;
				found = 1;
			}
		for (i = 0; i < s->nr_odd; i++)
			if (!strcmp(s->odd[i].path, rel) ||
			    (!len || (!strncmp(s->odd[i].path, rel, len) &&
				      (rel[len - 1] == '/' || s->odd[i].path[len] == '/')))) {
				s->odd[i].report = 1;
				found = 1;
			}
		if (!found)
			warning("'%s' is no issue file under roadmap.path", args[j]);
	}
}

static void set_release(struct set *s)
{
	size_t i;

	for (i = 0; i < s->nr; i++) {
		free(s->f[i].path);
		free(s->f[i].rec);
	}
	free(s->f);
	for (i = 0; i < s->nr_odd; i++)
		free(s->odd[i].path);
	free(s->odd);
	free(s->msgs);
	strbuf_release(&s->statuses);
	strbuf_release(&s->priorities);
}

static void report_conflict(const char *id, const char *file, void *data)
{
	fprintf(data, "%s: error: issue %s has an open sync conflict (roadmap-sync <remote> "
		"--resolve %s --ours | --theirs | --field f=v)\n", file, id, id);
}

int check_issues(FILE *out, struct index *ix, const struct repo_paths *p, git_repository *repo,
		 const struct strbuf *roots, int cached, char *const *paths, char *const *args,
		 int nr_paths)
{
	struct set s;
	struct file **byid;
	size_t i, nr_ids = 0;
	int nr_errors;

	memset(&s, 0, sizeof(s));
	s.roots = roots;
	s.out = out;
	strbuf_init(&s.statuses, 0);
	strbuf_init(&s.priorities, 0);
	config_list(&s.statuses, repo, "roadmap.statuses");
	config_list(&s.priorities, repo, "roadmap.priorities");
	if ((cached ? load_cached(&s, ix, p, repo) : load_worktree(&s, ix, p)) < 0) {
		set_release(&s);
		return -1;
	}
	choose_reports(&s, cached, paths, args, nr_paths);

	/* ids, sorted, for duplicates and dependencies */
	byid = xcalloc(s.nr + 1, sizeof(*byid));
	for (i = 0; i < s.nr; i++) {
		struct record rec;
		if (!record_decode(&rec, s.f[i].rec, s.f[i].reclen) && rec.kind == RECORD_ISSUE &&
		    !issue_file_id(&rec, s.f[i].path, &s.f[i].id, &s.f[i].idlen))
			byid[nr_ids++] = &s.f[i];
	}
	if (nr_ids)
		qsort(byid, nr_ids, sizeof(*byid), cmp_id);
	for (i = 0; i < s.nr; i++)
		if (s.f[i].report)
			check_file(&s, &s.f[i], byid, nr_ids, p, repo);
	for (i = 0; i < s.nr_odd; i++)
		if (s.odd[i].report) {
			struct strbuf sb = STRBUF_INIT;
			fprintf(out, "%s: warning: %s, not an issue file (not indexed)\n",
				show_path(&sb, s.odd[i].path), s.odd[i].what);
			strbuf_release(&sb);
		}
	free(byid);
	/* a sync's open conflict: its file and the remote disagree until it is resolved */
	s.nr_errors += syncconflict_list(p->workdir, report_conflict, out);
	nr_errors = s.nr_errors;
	set_release(&s);
	return nr_errors;
}
