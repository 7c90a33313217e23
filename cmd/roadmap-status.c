/*
 * roadmap-status [--json | --prometheus]: the index's sync state at a
 * glance, for people, for scripts and for node_exporter's textfile
 * collector, with each remote's sync state and what roadmap-watch says
 * of itself. It only reads: a stale index is shown as stale (that is
 * what monitoring wants to see), never refreshed.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "catfile.h"
#include "heal.h"
#include "index.h"
#include "output.h"
#include "repo.h"
#include "sync.h"
#include "usage.h"
#include "watch.h"
#include "xalloc.h"

static const char usage_str[] =
	"roadmap-status [--json | --prometheus]\n"
	"\n"
	"    --json         one JSON object, for scripts\n"
	"    --prometheus   the Prometheus text format (node_exporter's textfile collector)";

static const struct option longopts[] = {
	{ "json", no_argument, NULL, 'j' },
	{ "prometheus", no_argument, NULL, 'p' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 }
};

struct count {
	char *status;
	size_t n;
};

struct state {
	char head[OID_HEX + 1];
	struct strbuf commit, version, stateword, checkpoint, trees, digest;
	struct strbuf last_mode, last_reason, last_by;
	uint64_t issues, invalid, unknown, last_time, last_us, parsed, reused, added, modified, deleted;
	long long behind;	/* -1: unknown */
	uint64_t size;
	size_t files;		/* rows of issue files, committed so far while building */
	int have_index, fresh;
	struct count *by_status;
	size_t nr, alloc;
	struct strbuf dups;	/* HEAD's ids more than one file has, "a\0b\0" */
	size_t ndups;
};

static int add_dup(const char *id, size_t len, void *data)
{
	struct state *s = data;

	strbuf_add(&s->dups, id, len);
	strbuf_addch(&s->dups, '\0');
	s->ndups++;
	return 0;
}

static void meta_str(MDB_txn *txn, struct index *ix, const char *key, struct strbuf *out)
{
	MDB_val v;

	if (!meta_get(txn, ix, key, &v))
		strbuf_add(out, v.mv_data, v.mv_size);
}

static void add_count(const char *value, size_t len, size_t n, void *data)
{
	struct state *s = data;

	ALLOC_GROW(s->by_status, s->nr + 1, s->alloc);
	s->by_status[s->nr].status = xmemdupz(value, len);
	s->by_status[s->nr++].n = n;
}

/* Issues by status: the postings of "status\x1f<value>" */
static void count_status(MDB_txn *txn, struct index *ix, struct state *s)
{
	size_t listed = 0, i;

	if (index_field_counts(txn, ix, "status", add_count, s))
		return;
	for (i = 0; i < s->nr; i++)
		listed += s->by_status[i].n;
	/* no status field (or a long one, which has no posting) */
	if (listed < s->issues) {
		ALLOC_GROW(s->by_status, s->nr + 1, s->alloc);
		s->by_status[s->nr].status = xstrdup("");
		s->by_status[s->nr++].n = s->issues - listed;
	}
}

/* Commits in HEAD that the indexed commit lacks: git rev-list --count. */
static long long commits_behind(const struct repo_paths *p, const char *commit, const char *head)
{
	struct strbuf range = STRBUF_INIT, out = STRBUF_INIT;
	char *argv[] = { "git", "rev-list", "--count", NULL, "--", NULL };
	long long n = -1;

	if (!strcmp(commit, head))
		return 0;
	if (strlen(commit) != OID_HEX || strspn(head, "0") == OID_HEX)
		return -1;
	/* an index made before the first commit lacks every commit */
	if (strspn(commit, "0") == OID_HEX)
		strbuf_addstr(&range, head);
	else
		strbuf_addf(&range, "%s..%s", commit, head);
	argv[3] = range.buf;
	if (!git_capture(&out, p, argv) && out.len)
		n = atoll(out.buf);
	strbuf_release(&range);
	strbuf_release(&out);
	return n;
}

static int read_state(struct state *s, struct index *ix, const struct repo_paths *p)
{
	MDB_txn *txn;
	struct stat st;
	int detached, rc;

	if (repo_read_head(p, s->head, &detached) < 0)
		return error("cannot read HEAD");
	if (!stat(ix->path, &st))
		s->size = st.st_size;
	s->fresh = index_is_fresh(ix, p);
	if ((rc = index_begin(ix, &txn, 0)))
		return rc < 0 ? -1 : 0;	/* no databases yet: no index */
	s->have_index = !meta_get(txn, ix, "version", &(MDB_val){ 0, NULL });
	meta_str(txn, ix, "version", &s->version);
	meta_str(txn, ix, "commit", &s->commit);
	meta_str(txn, ix, "state", &s->stateword);
	meta_str(txn, ix, "checkpoint", &s->checkpoint);
	meta_str(txn, ix, "trees", &s->trees);
	meta_str(txn, ix, "digest", &s->digest);
	meta_str(txn, ix, "last_mode", &s->last_mode);
	meta_str(txn, ix, "last_reason", &s->last_reason);
	meta_str(txn, ix, "last_by", &s->last_by);
	meta_get_u64(txn, ix, "issues", &s->issues);
	meta_get_u64(txn, ix, "invalid", &s->invalid);
	meta_get_u64(txn, ix, "last_time", &s->last_time);
	meta_get_u64(txn, ix, "last_us", &s->last_us);
	meta_get_u64(txn, ix, "last_parsed", &s->parsed);
	meta_get_u64(txn, ix, "last_reused", &s->reused);
	meta_get_u64(txn, ix, "last_added", &s->added);
	meta_get_u64(txn, ix, "last_modified", &s->modified);
	meta_get_u64(txn, ix, "last_deleted", &s->deleted);
	index_foreach_dup(txn, ix, add_dup, s);
	/* files whose blobs a partial clone lacks: the index is not "clean" but incomplete */
	s->unknown = index_unknown_count(txn, ix);
	if (s->unknown && !strcmp(s->stateword.buf, "clean")) {
		strbuf_reset(&s->stateword);
		strbuf_addstr(&s->stateword, "incomplete");
	}
	count_status(txn, ix, s);
	index_nr_files(txn, ix, &s->files);
	index_end(txn);
	s->behind = s->have_index ? commits_behind(p, s->commit.buf, s->head) : -1;
	return 0;
}

static void print_human(const struct state *s, const struct index *ix, const struct strbuf *remotes)
{
	const char *line, *end;
	time_t now = time(NULL), t = s->last_time;
	char when[64] = "never";
	size_t i;

	printf("index:   %s (%llu bytes)\n", ix->path, (unsigned long long)s->size);
	if (!s->have_index) {
		printf("state:   none yet (the next roadmap command builds it)\n");
		return;
	}
	printf("state:   %s%s", s->stateword.buf, s->fresh ? ", matches HEAD" : ", stale");
	if (!strcmp(s->stateword.buf, "building"))
		printf(" (interrupted build; checkpoint '%s')", s->checkpoint.buf);
	printf("\n");
	printf("commit:  %s", s->commit.buf);
	if (s->behind > 0)
		printf(" (%lld commits behind HEAD %.12s)", s->behind, s->head);
	else if (s->behind < 0 && strcmp(s->commit.buf, s->head))
		printf(" (HEAD is %.12s, not a descendant)", s->head);
	else if (strcmp(s->commit.buf, s->head))
		printf(" (HEAD %.12s has no commit it lacks)", s->head);
	printf("\n");
	for (line = s->trees.buf; *line; line = *end ? end + 1 : end) {
		end = strchrnul(line, '\n');
		if (end > line + OID_HEX)
			printf("root:    %.*s (tree %.*s)\n", (int)(end - line - OID_HEX - 1),
			       line + OID_HEX + 1, OID_HEX, line);
		else if (end > line)
			printf("root:    %.*s\n", (int)(end - line), line);
	}
	printf("files:   %zu issue files indexed\n", s->files);
	printf("issues:  %llu", (unsigned long long)s->issues);
	for (i = 0; i < s->nr; i++)
		printf("%s%s %zu", i ? ", " : " (", *s->by_status[i].status ? s->by_status[i].status : "no status",
		       s->by_status[i].n);
	printf("%s\n", s->nr ? ")" : "");
	printf("invalid: %llu files (roadmap-refresh -v names them)\n", (unsigned long long)s->invalid);
	if (s->ndups) {
		const char *d;
		/* the first few by name; roadmap-check names every file */
		printf("dups:    %zu id%s used by more than one file:", s->ndups, s->ndups == 1 ? "" : "s");
		for (i = 0, d = s->dups.buf; i < 10 && d < s->dups.buf + s->dups.len; i++, d += strlen(d) + 1)
			printf("%s %s", i ? "," : "", d);
		printf("%s (roadmap-check names the files)\n", s->ndups > 10 ? ", ..." : "");
	}
	if (s->unknown)
		printf("unknown: %llu files: their blobs are missing (partial clone; roadmap-refresh "
		       "fetches them, roadmap-fsck names them)\n", (unsigned long long)s->unknown);
	if (s->last_time)
		strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S %z", localtime(&t));
	printf("last:    %s by %s, %s (%llds ago), %.1f ms\n", s->last_mode.buf, s->last_by.buf, when,
	       (long long)(now - t), s->last_us / 1000.0);
	printf("         %s\n", s->last_reason.buf);
	printf("         parsed %llu blobs, reused %llu; added %llu, modified %llu, deleted %llu\n",
	       (unsigned long long)s->parsed, (unsigned long long)s->reused,
	       (unsigned long long)s->added, (unsigned long long)s->modified,
	       (unsigned long long)s->deleted);
	printf("digest:  %s\n", s->digest.buf);
	fputs(remotes->buf, stdout);
}

static void json_field(struct strbuf *out, const char *key, const struct strbuf *val, int comma)
{
	strbuf_addf(out, "%s\"%s\": ", comma ? ", " : "", key);
	if (val)
		out_json_string(out, val->buf, val->len);
	else
		strbuf_addstr(out, "null");
}

static void print_json(const struct state *s, const struct index *ix, const struct strbuf *remotes,
		       const struct strbuf *watcher)
{
	struct strbuf out = STRBUF_INIT, path = STRBUF_INIT, head = STRBUF_INIT;
	const char *line, *end, *d;
	size_t i;
	long long now = time(NULL);

	strbuf_addstr(&path, ix->path);
	strbuf_addstr(&head, s->head);
	strbuf_addch(&out, '{');
	json_field(&out, "index", &path, 0);
	strbuf_addf(&out, ", \"size_bytes\": %llu", (unsigned long long)s->size);
	json_field(&out, "version", s->have_index ? &s->version : NULL, 1);
	json_field(&out, "state", s->have_index ? &s->stateword : NULL, 1);
	json_field(&out, "checkpoint", s->checkpoint.len ? &s->checkpoint : NULL, 1);
	strbuf_addf(&out, ", \"fresh\": %s", s->fresh ? "true" : "false");
	json_field(&out, "commit", s->commit.len ? &s->commit : NULL, 1);
	json_field(&out, "head", &head, 1);
	if (s->behind >= 0)
		strbuf_addf(&out, ", \"behind\": %lld", s->behind);
	else
		strbuf_addstr(&out, ", \"behind\": null");
	strbuf_addstr(&out, ", \"roots\": [");
	for (i = 0, line = s->trees.buf; *line; line = *end ? end + 1 : end) {
		end = strchrnul(line, '\n');
		if (end <= line + OID_HEX)
			continue;
		strbuf_addstr(&out, i++ ? ", {\"path\": " : "{\"path\": ");
		out_json_string(&out, line + OID_HEX + 1, end - line - OID_HEX - 1);
		strbuf_addstr(&out, ", \"tree\": ");
		if (strncmp(line, "missing", 7))
			out_json_string(&out, line, OID_HEX);
		else
			strbuf_addstr(&out, "null");
		strbuf_addch(&out, '}');
	}
	strbuf_addf(&out, "], \"files\": %zu, \"issues\": %llu, \"invalid\": %llu, \"unknown\": %llu",
		    s->files, (unsigned long long)s->issues,
		    (unsigned long long)s->invalid, (unsigned long long)s->unknown);
	strbuf_addstr(&out, ", \"duplicate_ids\": [");
	for (d = s->dups.buf; d < s->dups.buf + s->dups.len; d += strlen(d) + 1) {
		if (d > s->dups.buf)
			strbuf_addstr(&out, ", ");
		out_json_string(&out, d, strlen(d));
	}
	strbuf_addstr(&out, "], \"by_status\": {");
	for (i = 0; i < s->nr; i++) {
		if (i)
			strbuf_addstr(&out, ", ");
		out_json_string(&out, s->by_status[i].status, strlen(s->by_status[i].status));
		strbuf_addf(&out, ": %zu", s->by_status[i].n);
	}
	strbuf_addstr(&out, "}, \"last_refresh\": ");
	if (s->last_time) {
		strbuf_addch(&out, '{');
		json_field(&out, "mode", &s->last_mode, 0);
		json_field(&out, "reason", &s->last_reason, 1);
		json_field(&out, "by", &s->last_by, 1);
		strbuf_addf(&out, ", \"time\": %llu, \"age_seconds\": %lld, \"duration_seconds\": %.6f",
			    (unsigned long long)s->last_time, now - (long long)s->last_time,
			    s->last_us / 1e6);
		strbuf_addf(&out, ", \"parsed\": %llu, \"reused\": %llu, \"added\": %llu"
			    ", \"modified\": %llu, \"deleted\": %llu}",
			    (unsigned long long)s->parsed, (unsigned long long)s->reused,
			    (unsigned long long)s->added, (unsigned long long)s->modified,
			    (unsigned long long)s->deleted);
	} else {
		strbuf_addstr(&out, "null");
	}
	json_field(&out, "digest", s->digest.len ? &s->digest : NULL, 1);
	strbuf_addf(&out, ", \"remotes\": %s, \"watcher\": %s}\n", remotes->buf, watcher->buf);
	fwrite(out.buf, 1, out.len, stdout);
	strbuf_release(&out);
	strbuf_release(&path);
	strbuf_release(&head);
}

static void prom_metric(struct strbuf *out, const char *name, const char *help, const char *type)
{
	strbuf_addf(out, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* One sample, labelled with the worktree (and `extra`, a ready label list). */
static void prom_sample(struct strbuf *out, const char *name, const char *worktree,
			const char *extra, const char *value)
{
	strbuf_addf(out, "%s{", name);
	if (extra)
		strbuf_addf(out, "%s,", extra);
	out_prom_label(out, "worktree", worktree);
	strbuf_addf(out, "} %s\n", value);
}

static void print_prometheus(const struct state *s, const struct index *ix, const char *worktree,
			     const struct strbuf *remotes)
{
	struct strbuf out = STRBUF_INIT, label = STRBUF_INIT;
	char num[64];
	size_t i;

	prom_metric(&out, "roadmap_issues", "Issues in the index, by status.", "gauge");
	for (i = 0; i < s->nr; i++) {
		strbuf_reset(&label);
		out_prom_label(&label, "status", s->by_status[i].status);
		snprintf(num, sizeof(num), "%zu", s->by_status[i].n);
		prom_sample(&out, "roadmap_issues", worktree, label.buf, num);
	}
	prom_metric(&out, "roadmap_invalid_files", "Issue files that fail to parse.", "gauge");
	snprintf(num, sizeof(num), "%llu", (unsigned long long)s->invalid);
	prom_sample(&out, "roadmap_invalid_files", worktree, NULL, num);
	prom_metric(&out, "roadmap_duplicate_ids", "Ids more than one issue file of HEAD has.", "gauge");
	snprintf(num, sizeof(num), "%zu", s->ndups);
	prom_sample(&out, "roadmap_duplicate_ids", worktree, NULL, num);
	prom_metric(&out, "roadmap_unknown_files",
		    "Issue files whose blobs are missing (a partial clone that could not fetch them).",
		    "gauge");
	snprintf(num, sizeof(num), "%llu", (unsigned long long)s->unknown);
	prom_sample(&out, "roadmap_unknown_files", worktree, NULL, num);
	if (s->last_time) {
		prom_metric(&out, "roadmap_index_age_seconds", "Seconds since the last refresh.", "gauge");
		snprintf(num, sizeof(num), "%lld", (long long)time(NULL) - (long long)s->last_time);
		prom_sample(&out, "roadmap_index_age_seconds", worktree, NULL, num);
		prom_metric(&out, "roadmap_last_refresh_timestamp_seconds",
			    "When the last refresh finished, as a Unix time.", "gauge");
		snprintf(num, sizeof(num), "%llu", (unsigned long long)s->last_time);
		prom_sample(&out, "roadmap_last_refresh_timestamp_seconds", worktree, NULL, num);
		prom_metric(&out, "roadmap_last_refresh_duration_seconds",
			    "How long the last refresh took.", "gauge");
		snprintf(num, sizeof(num), "%.6f", s->last_us / 1e6);
		prom_sample(&out, "roadmap_last_refresh_duration_seconds", worktree, NULL, num);
		prom_metric(&out, "roadmap_last_refresh_parsed_blobs",
			    "Blobs the last refresh parsed.", "gauge");
		snprintf(num, sizeof(num), "%llu", (unsigned long long)s->parsed);
		prom_sample(&out, "roadmap_last_refresh_parsed_blobs", worktree, NULL, num);
	}
	if (s->behind >= 0) {
		prom_metric(&out, "roadmap_commits_behind_head",
			    "Commits of HEAD the indexed commit lacks.", "gauge");
		snprintf(num, sizeof(num), "%lld", s->behind);
		prom_sample(&out, "roadmap_commits_behind_head", worktree, NULL, num);
	}
	prom_metric(&out, "roadmap_index_fresh", "1 when the index matches HEAD.", "gauge");
	prom_sample(&out, "roadmap_index_fresh", worktree, NULL, s->fresh ? "1" : "0");
	prom_metric(&out, "roadmap_index_building", "1 while a build is interrupted or under way.",
		    "gauge");
	prom_sample(&out, "roadmap_index_building", worktree, NULL,
		    !strcmp(s->stateword.buf, "building") ? "1" : "0");
	prom_metric(&out, "roadmap_index_size_bytes", "Size of the index file.", "gauge");
	snprintf(num, sizeof(num), "%llu", (unsigned long long)s->size);
	prom_sample(&out, "roadmap_index_size_bytes", worktree, NULL, num);
	strbuf_add(&out, remotes->buf, remotes->len);
	fwrite(out.buf, 1, out.len, stdout);
	strbuf_release(&out);
	strbuf_release(&label);
	(void)ix;
}

int main(int argc, char **argv)
{
	struct repo_paths paths;
	struct index *ix = NULL;
	struct state s;
	struct strbuf remotes = STRBUF_INIT, watcher = STRBUF_INIT;
	int c, json = 0, prom = 0;
	size_t i;

	set_progname(argv[0]);
	opterr = 0;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = 1;
			break;
		case 'p':
			prom = 1;
			break;
		case 'h':
			help(usage_str);
		default:
			usage_unknown_option(usage_str, argv);
		}
	}
	if (optind < argc)
		usage_bad_arg(usage_str, "unexpected argument", argv[optind]);
	if (json && prom)
		die("options '--json' and '--prometheus' cannot be used together");
	if (repo_find(&paths) < 0 || index_open(&ix, &paths) < 0)
		exit(EXIT_FATAL);
	memset(&s, 0, sizeof(s));
	strbuf_init(&s.commit, 0);
	strbuf_init(&s.version, 0);
	strbuf_init(&s.stateword, 0);
	strbuf_init(&s.checkpoint, 0);
	strbuf_init(&s.trees, 0);
	strbuf_init(&s.digest, 0);
	strbuf_init(&s.last_mode, 0);
	strbuf_init(&s.last_reason, 0);
	strbuf_init(&s.last_by, 0);
	strbuf_init(&s.dups, 0);
	if (read_state(&s, ix, &paths) < 0)
		die("cannot read the index");
	sync_status(&remotes, &paths, json ? 1 : prom ? 2 : 0);
	if (paths.workdir)
		watch_status(&watcher, ix, paths.workdir, json ? 1 : prom ? 2 : 0);
	else if (json)
		strbuf_addstr(&watcher, "null");
	if (json) {
		print_json(&s, ix, &remotes, &watcher);
	} else if (prom) {
		print_prometheus(&s, ix, paths.workdir ? paths.workdir : paths.gitdir, &remotes);
		fputs(watcher.buf, stdout);
	} else {
		print_human(&s, ix, &remotes);
		fputs(watcher.buf, stdout);
	}
	strbuf_release(&remotes);
	strbuf_release(&watcher);
	for (i = 0; i < s.nr; i++)
		free(s.by_status[i].status);
	free(s.by_status);
	strbuf_release(&s.commit);
	strbuf_release(&s.version);
	strbuf_release(&s.stateword);
	strbuf_release(&s.checkpoint);
	strbuf_release(&s.trees);
	strbuf_release(&s.digest);
	strbuf_release(&s.last_mode);
	strbuf_release(&s.last_reason);
	strbuf_release(&s.last_by);
	strbuf_release(&s.dups);
	index_close(ix);
	repo_paths_release(&paths);
	finish_stdout();
	return 0;
}
