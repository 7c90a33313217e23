#ifndef WATCHLOG_H
#define WATCHLOG_H

#include "strbuf.h"

/*
 * watchlog.h - roadmap-watch's events: with --json one JSON object a
 * line on stdout, flushed at once, so that a board or a script follows
 * along; and, printed or not, the count of errors and the last one,
 * which --status and roadmap-status show. Calls output and the
 * utilities; watchd, watchdiff and watchauto write through it.
 *
 * A line is {"event": "<name>", "<key>": <value>, ...}: begin it, add
 * its members, end it. Strings go through out_json_string() (invalid
 * UTF-8 becomes U+FFFD, so any path or message makes valid JSON).
 */

struct watchlog {
	int json;		/* print the lines */
	unsigned long errors;
	long long last_error_time;	/* Unix seconds; 0: none yet */
	struct strbuf last_error;	/* "<what>: <message>", one line */
	struct strbuf line;	/* the line being made */
};

void watchlog_init(struct watchlog *wl, int json);
void watchlog_release(struct watchlog *wl);

/* Start an event line; its members are appended to the strbuf returned. */
struct strbuf *watchlog_begin(struct watchlog *wl, const char *event);
/* A member whose value is a string (s[0..len); NULL: null). */
void watchlog_str(struct strbuf *sb, const char *key, const char *s, size_t len);
/* A member whose value is written by the caller: `"key": ` is appended. */
void watchlog_key(struct strbuf *sb, const char *key);
/* Print the line (with --json) and forget it. */
void watchlog_end(struct watchlog *wl);

/*
 * An "error" event: what failed ("invalid", "commit", "push", "sync",
 * "index"), the file when there is one (NULL otherwise), and the
 * message (its lines joined, trailing blanks dropped). Counted, and
 * kept as the last error, with or without --json.
 */
void watchlog_error(struct watchlog *wl, const char *what, const char *path, const char *msg);

#endif
