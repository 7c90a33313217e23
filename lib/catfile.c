#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "catfile.h"
#include "usage.h"

static void *write_oids(void *data)
{
	struct catfile *cf = data;
	size_t done = 0;

	while (done < cf->len) {
		ssize_t n = write(cf->in, cf->oids + done, cf->len - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		done += n;
	}
	close(cf->in);
	cf->in = -1;
	return NULL;
}

int catfile_start(struct catfile *cf, const struct repo_paths *p, const char *option,
		  char *oids, size_t len, int sweep)
{
	int to[2], from[2];
	memset(cf, 0, sizeof(*cf));
	cf->in = cf->out = -1;
	cf->oids = oids;
	cf->len = len;
	strbuf_init(&cf->buf, 1 << 16);
	if (pipe(to) < 0) {
		catfile_finish(cf);
		return error_errno("cannot run git cat-file");
	}
	if (pipe(from) < 0) {
		close(to[0]);
		close(to[1]);
		catfile_finish(cf);
		return error_errno("cannot run git cat-file");
	}
	cf->pid = fork();
	if (!cf->pid) {
		dup2(to[0], 0);
		dup2(from[1], 1);
		close(to[0]);
		close(to[1]);
		close(from[0]);
		close(from[1]);
		setenv("GIT_DIR", p->gitdir, 1);
		if (sweep)	/* small windows: see packidx.h; --buffer: no flush per object */
			execlp("git", "git", "-c", "core.packedGitWindowSize=4m",
			       "-c", "core.packedGitLimit=16m", "cat-file", option, "--buffer",
			       (char *)NULL);
		else
			execlp("git", "git", "cat-file", option, (char *)NULL);
		_exit(127);
	}
	close(to[0]);
	close(from[1]);
	cf->in = to[1];
	cf->out = from[0];
	/* a bulk read moves every blob through this pipe: fewer, larger hand-overs */
	if (sweep)
		fcntl(cf->out, F_SETPIPE_SZ, 1 << 20);
	if (cf->pid < 0) {
		catfile_finish(cf);
		return error_errno("cannot run git cat-file");
	}
	signal(SIGPIPE, SIG_IGN);	/* a dead git shows as a short read */
	if (pthread_create(&cf->thread, NULL, write_oids, cf)) {
		catfile_finish(cf);
		return error("cannot start a thread");
	}
	cf->thread_started = 1;
	return 0;
}

/* Make at least n unread bytes available; -1 at end of stream. */
static int fill(struct catfile *cf, size_t n)
{
	if (cf->pos && cf->buf.len - cf->pos < n) {
		memmove(cf->buf.buf, cf->buf.buf + cf->pos, cf->buf.len - cf->pos);
		strbuf_setlen(&cf->buf, cf->buf.len - cf->pos);
		cf->pos = 0;
	}
	while (cf->buf.len - cf->pos < n) {
		ssize_t r;
		strbuf_grow(&cf->buf, n > 65536 ? n : 65536);
		r = read(cf->out, cf->buf.buf + cf->buf.len, cf->buf.alloc - cf->buf.len - 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		strbuf_setlen(&cf->buf, cf->buf.len + r);
	}
	return 0;
}

int catfile_next(struct catfile *cf, struct strbuf *out)
{
	char *nl;
	size_t size, need = 1;

	/* the header line: "<oid> blob <size>" or "<oid> missing" */
	for (;;) {
		if (fill(cf, need) < 0)
			return error("git cat-file stopped early");
		nl = memchr(cf->buf.buf + cf->pos, '\n', cf->buf.len - cf->pos);
		if (nl)
			break;
		need = cf->buf.len - cf->pos + 1;
	}
	*nl = '\0';
	if (strstr(cf->buf.buf + cf->pos, " missing")) {
		cf->pos = nl + 1 - cf->buf.buf;
		return 1;
	}
	{
		char *sp = strrchr(cf->buf.buf + cf->pos, ' ');
		if (!sp)
			return error("git cat-file: bad header");
		size = strtoull(sp + 1, NULL, 10);
	}
	cf->pos = nl + 1 - cf->buf.buf;
	if (fill(cf, size + 1) < 0)
		return error("git cat-file stopped early");
	strbuf_reset(out);
	strbuf_add(out, cf->buf.buf + cf->pos, size);
	cf->pos += size + 1;	/* and its newline */
	return 0;
}

int catfile_read_all(struct catfile *cf, struct strbuf *out)
{
	/* fill() fails at the end of the stream, having read all there is */
	while (!fill(cf, cf->buf.len - cf->pos + 1))
		;
	strbuf_add(out, cf->buf.buf + cf->pos, cf->buf.len - cf->pos);
	cf->pos = cf->buf.len;
	return 0;
}

int catfile_finish(struct catfile *cf)
{
	int status = 0, ret = 0;

	if (cf->out >= 0)
		close(cf->out);
	if (cf->thread_started)
		pthread_join(cf->thread, NULL);
	if (cf->in >= 0)
		close(cf->in);
	if (cf->pid > 0 && (waitpid(cf->pid, &status, 0) < 0 || !WIFEXITED(status) ||
			    WEXITSTATUS(status)))
		ret = -1;
	free(cf->oids);
	strbuf_release(&cf->buf);
	return ret;
}
