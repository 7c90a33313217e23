/*
 * watchlog.c - roadmap-watch's event lines and its last error (see watchlog.h).
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "output.h"
#include "watchlog.h"

void watchlog_init(struct watchlog *wl, int json)
{
	memset(wl, 0, sizeof(*wl));
	wl->json = json;
	strbuf_init(&wl->last_error, 0);
	strbuf_init(&wl->line, 0);
}

void watchlog_release(struct watchlog *wl)
{
	strbuf_release(&wl->last_error);
	strbuf_release(&wl->line);
}

struct strbuf *watchlog_begin(struct watchlog *wl, const char *event)
{
	strbuf_reset(&wl->line);
	strbuf_addstr(&wl->line, "{\"event\": ");
	out_json_string(&wl->line, event, strlen(event));
	return &wl->line;
}

void watchlog_key(struct strbuf *sb, const char *key)
{
	strbuf_addstr(sb, ", ");
	out_json_string(sb, key, strlen(key));
	strbuf_addstr(sb, ": ");
}

void watchlog_str(struct strbuf *sb, const char *key, const char *s, size_t len)
{
	watchlog_key(sb, key);
	if (s)
		out_json_string(sb, s, len);
	else
		strbuf_addstr(sb, "null");
}

void watchlog_end(struct watchlog *wl)
{
	if (wl->json) {
		strbuf_addstr(&wl->line, "}\n");
		/* a reader that went away costs the watcher nothing: SIGPIPE is ignored */
		fwrite(wl->line.buf, 1, wl->line.len, stdout);
		fflush(stdout);
	}
	/* a burst of events must not keep the longest line's buffer for good */
	if (wl->line.alloc > 65536)
		strbuf_release(&wl->line);
	strbuf_reset(&wl->line);
}

void watchlog_error(struct watchlog *wl, const char *what, const char *path, const char *msg)
{
	struct strbuf *sb;
	size_t i, len = strlen(msg);

	while (len && (msg[len - 1] == '\n' || msg[len - 1] == ' '))
		len--;
	wl->errors++;
	wl->last_error_time = time(NULL);
	strbuf_reset(&wl->last_error);
	strbuf_addf(&wl->last_error, "%s: ", what);
	if (path)
		strbuf_addf(&wl->last_error, "%s: ", path);
	/* one line: --status prints it after a key */
	for (i = 0; i < len && wl->last_error.len < 1024; i++)
		strbuf_addch(&wl->last_error, msg[i] == '\n' ? ' ' : msg[i]);
	sb = watchlog_begin(wl, "error");
	watchlog_str(sb, "what", what, strlen(what));
	if (path)
		watchlog_str(sb, "path", path, strlen(path));
	watchlog_str(sb, "message", msg, len);
	watchlog_end(wl);
}
