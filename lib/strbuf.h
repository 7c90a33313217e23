#ifndef STRBUF_H
#define STRBUF_H

#include <stddef.h>

/*
 * strbuf.h - a growable byte buffer, always NUL-terminated (git's strbuf).
 * The buffer is owned by the strbuf: strbuf_release() frees it,
 * strbuf_detach() hands it to the caller.
 */
struct strbuf {
	size_t alloc;
	size_t len;
	char *buf;
};

extern char strbuf_slopbuf[];
#define STRBUF_INIT { 0, 0, strbuf_slopbuf }

void strbuf_init(struct strbuf *sb, size_t hint);
void strbuf_release(struct strbuf *sb);
char *strbuf_detach(struct strbuf *sb, size_t *len);
void strbuf_grow(struct strbuf *sb, size_t extra);
void strbuf_setlen(struct strbuf *sb, size_t len);
#define strbuf_reset(sb) strbuf_setlen(sb, 0)
void strbuf_add(struct strbuf *sb, const void *data, size_t len);
void strbuf_addstr(struct strbuf *sb, const char *s);
void strbuf_addch(struct strbuf *sb, int c);
__attribute__((format(printf, 2, 3)))
void strbuf_addf(struct strbuf *sb, const char *fmt, ...);
/* Read the whole file at `path`; 0 or -1 with errno set (nothing reported). */
int strbuf_read_file(struct strbuf *sb, const char *path, size_t hint);
/* Append what fd holds, to its end: 0, or -1 (errno set). */
int strbuf_read_fd(struct strbuf *sb, int fd, size_t hint);

#endif
