/*
 * edit.c - an issue edited in the user's editor (see edit.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "atomicfile.h"
#include "change.h"
#include "edit.h"
#include "issue.h"
#include "record.h"
#include "repo.h"
#include "run.h"
#include "usage.h"
#include "write.h"

#define NOTE "# roadmap-edit: "

/* Run the editor on file, with the terminal; 0 when it exits 0. */
static int run_editor(const char *editor, const char *file)
{
	int status;
	pid_t pid = fork();

	if (!pid) {
		/* as git runs it: through the shell, so "code --wait" works */
		execlp("sh", "sh", "-c", "eval \"$0\" '\"$@\"'", editor, file, (char *)NULL);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &status, 0) < 0)
		return error_errno("cannot run the editor '%s'", editor);
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		return error("there was a problem with the editor '%s'", editor);
	return 0;
}

/* The front matter's start: after a BOM and the "---" line; 0 when there is none. */
static size_t fm_start(const struct strbuf *sb)
{
	size_t i = sb->len >= 3 && !memcmp(sb->buf, "\xef\xbb\xbf", 3) ? 3 : 0;
	const char *nl = memchr(sb->buf + i, '\n', sb->len - i);

	return nl && !strncmp(sb->buf + i, "---", 3) ? (size_t)(nl - sb->buf) + 1 : 0;
}

/* Drop the note lines a previous round put atop the front matter. */
static void strip_notes(struct strbuf *sb)
{
	size_t at = fm_start(sb), n = strlen(NOTE);
	struct strbuf out = STRBUF_INIT;

	if (!at)
		return;
	strbuf_add(&out, sb->buf, at);
	while (at < sb->len && sb->len - at >= n && !memcmp(sb->buf + at, NOTE, n)) {
		const char *nl = memchr(sb->buf + at, '\n', sb->len - at);
		at = nl ? (size_t)(nl - sb->buf) + 1 : sb->len;
	}
	strbuf_add(&out, sb->buf + at, sb->len - at);
	strbuf_release(sb);
	*sb = out;
}

/* Why buf does not parse ("line:col: message"), or 0 when it is an issue. */
static int why_invalid(const struct strbuf *sb, struct strbuf *why)
{
	struct strbuf rec = STRBUF_INIT;
	struct record r;
	int kind = issue_parse(&rec, sb->buf, sb->len);

	strbuf_reset(why);
	if (kind == RECORD_INVALID && !record_decode(&r, rec.buf, rec.len))
		strbuf_add(why, r.err, r.errlen);
	else if (kind != RECORD_ISSUE)
		strbuf_addstr(why, "1:1: no front matter (the first line must be ---)");
	strbuf_release(&rec);
	return why->len ? -1 : 0;
}

int edit_issue(struct index *ix, const struct repo_paths *p, const char *id)
{
	struct strbuf full = STRBUF_INIT, orig = STRBUF_INIT, copy = STRBUF_INIT, why = STRBUF_INIT;
	struct strbuf editor = STRBUF_INIT, now = STRBUF_INIT, shown = STRBUF_INIT;
	char *ed_argv[] = { "git", "var", "GIT_EDITOR", NULL };
	char *path = change_find(ix, p, id);
	int lock = -1, ret = -1;

	if (!path)
		return -1;
	strbuf_addf(&full, "%s%s", p->workdir, path);
	strbuf_addf(&copy, "%s/roadmap/EDIT_ISSUE.md", p->gitdir);
	if (strbuf_read_file(&orig, full.buf, 0) < 0) {
		error_errno("cannot read '%s'", path);
		goto out;
	}
	if (git_capture(&editor, p, ed_argv) < 0 || !editor.len) {
		error("no editor (git var GIT_EDITOR)");
		goto out;
	}
	strbuf_setlen(&editor, editor.len - (editor.buf[editor.len - 1] == '\n'));
	strbuf_add(&shown, orig.buf, orig.len);
	for (;;) {
		struct strbuf back = STRBUF_INIT;
		if (atomicfile_write(copy.buf, shown.buf, shown.len, 0644) < 0 ||
		    run_editor(editor.buf, copy.buf) < 0 ||
		    strbuf_read_file(&back, copy.buf, 0) < 0) {
			strbuf_release(&back);
			goto out;
		}
		strip_notes(&back);
		if (!back.len) {
			error("the file is empty: nothing written");
			strbuf_release(&back);
			goto out;
		}
		strbuf_reset(&shown);
		strbuf_add(&shown, back.buf, back.len);
		strbuf_release(&back);
		if (!why_invalid(&shown, &why))
			break;
		/* again, with the error atop the front matter, as git commit shows its help */
		fprintf(stderr, "%s:%s\n", path, why.buf);
		{
			struct strbuf noted = STRBUF_INIT;
			size_t at = fm_start(&shown);
			strbuf_add(&noted, shown.buf, at);
			strbuf_addf(&noted, NOTE "%s:%s (line numbers without these notes)\n", path, why.buf);
			strbuf_addstr(&noted, NOTE "fix it and save; empty the file to give up\n");
			strbuf_add(&noted, shown.buf + at, shown.len - at);
			strbuf_release(&shown);
			shown = noted;
		}
	}
	if (shown.len == orig.len && !memcmp(shown.buf, orig.buf, orig.len)) {
		ret = 0;	/* no change */
		unlink(copy.buf);
		goto out;
	}
	if ((lock = write_lock(p, path)) < 0)
		goto out;
	if (strbuf_read_file(&now, full.buf, 0) < 0 || now.len != orig.len ||
	    memcmp(now.buf, orig.buf, orig.len)) {
		error("'%s' changed while you edited it: nothing written; your version is in %s",
		      path, copy.buf);
		goto out;
	}
	if (atomicfile_write(full.buf, shown.buf, shown.len, 0644) < 0)
		goto out;
	unlink(copy.buf);
	ret = 0;
out:
	if (lock >= 0)
		close(lock);
	free(path);
	strbuf_release(&full);
	strbuf_release(&orig);
	strbuf_release(&copy);
	strbuf_release(&why);
	strbuf_release(&editor);
	strbuf_release(&now);
	strbuf_release(&shown);
	return ret;
}
