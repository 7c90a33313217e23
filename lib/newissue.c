/*
 * newissue.c - a new issue file, in the repository's layout (see newissue.h).
 */
#include <ctype.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "frontmatter.h"
#include "index.h"
#include "layout.h"
#include "newissue.h"
#include "repo.h"
#include "run.h"
#include "sha1.h"
#include "usage.h"
#include "write.h"
#include "xalloc.h"

/* The number of "<prefix>-<n>" (any case) in s[0..len), or 0. */
static unsigned long seq_number(const char *prefix, const char *s, size_t len)
{
	size_t pl = strlen(prefix), i;
	unsigned long n = 0;

	if (len <= pl + 1 || strncasecmp(s, prefix, pl) || s[pl] != '-')
		return 0;
	for (i = pl + 1; i < len && isdigit((unsigned char)s[i]) && n < 100000000; i++)
		n = n * 10 + (s[i] - '0');
	return n;
}

struct seq {
	const char *prefix;
	unsigned long max;
};

static int seq_id(const char *id, size_t len, void *data)
{
	struct seq *sq = data;
	unsigned long n = seq_number(sq->prefix, id, len);

	if (n > sq->max)
		sq->max = n;
	return 0;
}

/* The largest number among the file names of a listing, one name a line (paths allowed). */
static void seq_names(struct seq *sq, const char *buf, size_t len, int sep)
{
	const char *p = buf, *end = buf + len;

	while (p < end) {
		const char *e = memchr(p, sep, end - p), *base;
		if (!e)
			e = end;
		base = memrchr(p, '/', e - p);
		base = base ? base + 1 : p;
		seq_id(base, e - base, sq);
		p = e + 1;
	}
}

/* Backlog.md's next number: over the index, the work tree's roots and the local branches. */
static unsigned long next_number(struct index *ix, const struct repo_paths *p, const struct layout *l,
				 const char *prefix)
{
	struct seq sq = { prefix, 0 };
	struct strbuf out = STRBUF_INIT, up = STRBUF_INIT;
	char *refs[] = { "git", "for-each-ref", "--format=%(objectname)", "refs/heads", NULL };
	MDB_txn *txn;
	size_t i;

	if (!index_begin(ix, &txn, 0)) {
		const char *c;
		/* ids are bytes: the prefix as written and in capitals */
		index_foreach_id(txn, ix, prefix, strlen(prefix), seq_id, &sq);
		for (c = prefix; *c; c++)
			strbuf_addch(&up, toupper((unsigned char)*c));
		index_foreach_id(txn, ix, up.buf, up.len, seq_id, &sq);
		index_end(txn);
	}
	for (i = 0; i < l->nroots; i++) {
		struct strbuf dir = STRBUF_INIT;
		DIR *d;
		struct dirent *de;
		/* the tasks folder, and the root itself */
		strbuf_addf(&dir, "%s%s/tasks", p->workdir, l->roots[i]);
		if ((d = opendir(dir.buf)) || (strbuf_setlen(&dir, dir.len - 6), d = opendir(dir.buf))) {
			while ((de = readdir(d)))
				seq_id(de->d_name, strlen(de->d_name), &sq);
			closedir(d);
		}
		strbuf_release(&dir);
	}
	if (!git_capture(&out, p, refs)) {
		char *line, *nl;
		for (line = out.buf; *line; line = nl + 1) {
			struct strbuf names = STRBUF_INIT;
			const char **argv = xcalloc(l->nroots + 8, sizeof(*argv));
			size_t k = 0;
			if (!(nl = strchr(line, '\n')))
				break;
			*nl = '\0';
			argv[k++] = "git";
			argv[k++] = "ls-tree";
			argv[k++] = "-r";
			argv[k++] = "--name-only";
			argv[k++] = "-z";
			argv[k++] = line;
			argv[k++] = "--";
			for (i = 0; i < l->nroots; i++)
				argv[k++] = l->roots[i];
			if (!git_capture(&names, p, (char *const *)argv))
				seq_names(&sq, names.buf, names.len, '\0');
			strbuf_release(&names);
			free(argv);
		}
	}
	strbuf_release(&out);
	strbuf_release(&up);
	return sq.max + 1;
}

/*
 * A sync creates thousands of issues in one process: after its first
 * create it counts on from the number it took, without the scan of the
 * index, the folders and every branch (which made a first sync of 1,000
 * Backlog.md tasks take 39 s), unless another writer took a number since.
 * Each records the next number in $GIT_DIR/roadmap/backlog-next under the
 * lock that picks it, before its file is written; the record is not
 * synced: lost, it only costs a scan.
 */
static char *counted_prefix;
static unsigned long counted_next;

static void next_file(struct strbuf *path, const struct repo_paths *p)
{
	strbuf_addf(path, "%s/roadmap/backlog-next", p->gitdir);
}

static int counted_on(const struct repo_paths *p, const char *prefix)
{
	struct strbuf path = STRBUF_INIT, have = STRBUF_INIT, want = STRBUF_INIT;
	int same;

	if (!counted_prefix || strcmp(counted_prefix, prefix))
		return 0;
	next_file(&path, p);
	strbuf_addf(&want, "%s %lu\n", prefix, counted_next);
	same = strbuf_read_file(&have, path.buf, 0) >= 0 && have.len == want.len &&
		!memcmp(have.buf, want.buf, want.len);
	strbuf_release(&path);
	strbuf_release(&have);
	strbuf_release(&want);
	return same;
}

static void count_on(const struct repo_paths *p, const char *prefix, unsigned long next)
{
	struct strbuf path = STRBUF_INIT, text = STRBUF_INIT;
	int fd;

	next_file(&path, p);
	strbuf_addf(&text, "%s %lu\n", prefix, next);
	free(counted_prefix);
	counted_prefix = NULL;
	fd = open(path.buf, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
	if (fd >= 0 && write(fd, text.buf, text.len) == (ssize_t)text.len) {
		counted_prefix = xstrdup(prefix);
		counted_next = next;
	}
	if (fd >= 0)
		close(fd);
	strbuf_release(&path);
	strbuf_release(&text);
}

static int id_taken(struct index *ix, const char *id)
{
	struct num_list nl = { NULL, 0, 0 };
	MDB_txn *txn;
	int taken = 0;

	if (!index_begin(ix, &txn, 0)) {
		taken = !index_get_postings(txn, ix->issues, id, strlen(id), &nl) && nl.nr;
		index_end(txn);
	}
	free(nl.n);
	return taken;
}

/* A file name's slug: lower case letters and digits, '-' between words, 40 bytes at most. */
static void slug(struct strbuf *out, const char *title)
{
	size_t start = out->len;
	const char *c;

	for (c = title; *c && out->len - start < 40; c++) {
		if (isalnum((unsigned char)*c))
			strbuf_addch(out, tolower((unsigned char)*c));
		else if (out->len > start && out->buf[out->len - 1] != '-')
			strbuf_addch(out, '-');
	}
	while (out->len > start && out->buf[out->len - 1] == '-')
		strbuf_setlen(out, out->len - 1);
	if (out->len == start)
		strbuf_addstr(out, "issue");
}

/* Backlog.md's file name keeps the title, less what a file name cannot hold. */
static void title_name(struct strbuf *out, const char *title)
{
	size_t start = out->len;
	const char *c;

	for (c = title; *c && out->len - start < 80; c++)
		strbuf_addch(out, *c == '/' || (unsigned char)*c < 0x20 || *c == '\\' ? '-' : *c);
	while (out->len > start && out->buf[out->len - 1] == ' ')
		strbuf_setlen(out, out->len - 1);
}

static void now_text(struct strbuf *out, int backlog)
{
	time_t t = time(NULL);
	struct tm tm;
	char buf[32];

	localtime_r(&t, &tm);
	strftime(buf, sizeof(buf), backlog ? "%Y-%m-%d %H:%M" : "%Y-%m-%dT%H:%M:%S", &tm);
	strbuf_addstr(out, buf);
}

struct edits {
	struct fm_edit e[64];
	const char *one[64];
	size_t nr;
};

static void add(struct edits *ed, const char *key, const char *val)
{
	struct fm_edit *e;

	if (!val || ed->nr == 64)
		return;
	e = &ed->e[ed->nr];
	memset(e, 0, sizeof(*e));
	ed->one[ed->nr] = val;
	e->op = FM_SET;
	e->key = key;
	e->vals = &ed->one[ed->nr++];
	e->nr = 1;
}

static void add_list(struct edits *ed, const char *key, const char *const *vals, size_t nr)
{
	struct fm_edit *e;

	if (ed->nr == 64)
		return;
	e = &ed->e[ed->nr++];
	memset(e, 0, sizeof(*e));
	e->op = FM_SET_LIST;
	e->key = key;
	e->vals = vals;
	e->nr = nr;
}

int new_issue(struct index *ix, const struct repo_paths *p, const struct layout *l,
	      const struct new_issue *n, struct strbuf *id, struct strbuf *path)
{
	struct strbuf skel = STRBUF_INIT, text = STRBUF_INIT, err = STRBUF_INIT, now = STRBUF_INIT;
	struct edits ed;
	const char *assignees[1] = { n->assignee }, *root = l->roots[0];
	int backlog = l->kind == LAYOUT_BACKLOG, lock = -1, ret = -1, tries;
	size_t i;

	strbuf_reset(id);
	strbuf_reset(path);
	if (backlog) {
		/* one roadmap-new at a time picks a number: a lock writers agree on */
		unsigned long num;
		if ((lock = write_lock(p, "roadmap-new")) < 0)
			goto out;
		num = counted_on(p, l->prefix) ? counted_next : next_number(ix, p, l, l->prefix);
		/* recorded while the lock holds (writing the file lets it go) */
		count_on(p, l->prefix, num + 1);
		strbuf_addf(id, "%s-%lu", l->prefix, num);
		strbuf_addf(path, "%s%s/", root, strchr(root, '/') ? "" : "/tasks");
		strbuf_addf(path, "%s - ", id->buf);
		title_name(path, n->title);
		strbuf_addstr(path, ".md");
	} else {
		for (tries = 0; tries < 100; tries++) {
			unsigned char r[4];
			if (getrandom(r, sizeof(r), 0) != sizeof(r)) {
				error_errno("cannot draw an id");
				goto out;
			}
			strbuf_reset(id);
			strbuf_addf(id, "%02x%02x%02x%02x", r[0], r[1], r[2], r[3]);
			if (!id_taken(ix, id->buf))
				break;
		}
		if (l->kind == LAYOUT_STATES && n->status && layout_status_root(l, n->status))
			root = layout_status_root(l, n->status);
		strbuf_addf(path, "%s/", root);
		if (l->kind == LAYOUT_ROADMAP_CLI)
			strbuf_addf(path, "%s/", n->milestone ? n->milestone : "backlog");
		strbuf_addf(path, "%s-", id->buf);
		slug(path, n->title);
		strbuf_addstr(path, ".md");
	}
	now_text(&now, backlog);
	memset(&ed, 0, sizeof(ed));
	add(&ed, "title", n->title);
	if (backlog) {
		add(&ed, "status", n->status ? n->status : "To Do");
		add_list(&ed, "assignee", assignees, !!n->assignee);
		add(&ed, "created_date", now.buf);
		add_list(&ed, "labels", n->labels, n->nlabels);
		add(&ed, "milestone", n->milestone);
		add(&ed, "priority", n->priority);
		add(&ed, "type", n->type);
		add_list(&ed, "dependencies", NULL, 0);
	} else {
		add(&ed, "priority", n->priority ? n->priority : "medium");
		add(&ed, "status", n->status ? n->status : "todo");
		add(&ed, "issue_type", n->type);
		add(&ed, "milestone", n->milestone);
		if (n->nlabels)
			add_list(&ed, "labels", n->labels, n->nlabels);
		add(&ed, "assignee", n->assignee);
		add(&ed, "created", now.buf);
		add(&ed, "updated", now.buf);
	}
	for (i = 0; i < n->nfields; i++) {
		char *eq = strchr(n->fields[i], '=');
		if (!eq || eq == n->fields[i]) {
			error("--field '%s': expected key=value", n->fields[i]);
			goto out;
		}
		*eq = '\0';
		add(&ed, n->fields[i], eq + 1);
	}
	for (i = 0; i < n->nedits && ed.nr < 64; i++)
		ed.e[ed.nr++] = n->edits[i];
	strbuf_addf(&skel, "---\nid: %s\n---\n", id->buf);
	if (n->body)
		strbuf_add(&skel, n->body, n->bodylen);
	if (fm_edit(&text, skel.buf, skel.len, ed.e, ed.nr, &err) < 0) {
		error("%s", err.buf);
		goto out;
	}
	ret = write_create(p, path->buf, text.buf, text.len);
	if (!ret && n->oid)
		git_blob_oid(n->oid, text.buf, text.len);
out:
	if (lock >= 0)
		close(lock);
	strbuf_release(&skel);
	strbuf_release(&text);
	strbuf_release(&err);
	strbuf_release(&now);
	return ret;
}
