/*
 * watchjob.c - a child of roadmap-watch run in the background (see watchjob.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "run.h"
#include "usage.h"
#include "watchjob.h"

#define OUT_MAX 65536

int watchjob_start(struct watchjob *j, char **argv, int roadmap_prog)
{
	int fds[2];
	pid_t pid;

	strbuf_reset(&j->out);
	if (pipe2(fds, O_CLOEXEC) < 0)
		return error_errno("cannot run %s", argv[0]);
	if ((pid = fork()) < 0) {
		close(fds[0]);
		close(fds[1]);
		return error_errno("cannot run %s", argv[0]);
	}
	if (!pid) {
		sigset_t none;
		int null = open("/dev/null", O_RDONLY);

		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		signal(SIGPIPE, SIG_DFL);
		dup2(null, 0);
		dup2(fds[1], 1);
		dup2(fds[1], 2);
		if (roadmap_prog)
			exec_roadmap(argv[0], argv);
		else
			execvp("git", argv);
		_exit(127);
	}
	close(fds[1]);
	fcntl(fds[0], F_SETFL, O_NONBLOCK);
	j->pid = pid;
	j->fd = fds[0];
	j->started = now_ms();
	return 0;
}

/* Read what is there; 1 at the end of the output. */
static int drain(struct watchjob *j)
{
	char buf[8192];

	for (;;) {
		ssize_t n = read(j->fd, buf, sizeof(buf));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return errno != EAGAIN;
		if (!n)
			return 1;
		if (j->out.len < OUT_MAX)
			strbuf_add(&j->out, buf, (size_t)n < OUT_MAX - j->out.len ? (size_t)n : OUT_MAX - j->out.len);
	}
}

static void reaped(struct watchjob *j, int st, int *status)
{
	*status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
	if (j->fd >= 0) {
		drain(j);
		close(j->fd);
	}
	j->fd = -1;
	j->pid = 0;
}

int watchjob_poll(struct watchjob *j, int *status, double timeout_ms)
{
	int eof, st;
	pid_t r;

	if (!j->pid)
		return 0;
	eof = j->fd < 0 || drain(j);
	/* exited: done, even when a grandchild still holds the pipe */
	while ((r = waitpid(j->pid, &st, eof ? 0 : WNOHANG)) < 0 && errno == EINTR)
		;
	if (r == j->pid || r < 0) {
		reaped(j, r < 0 ? 0x7f00 : st, status);
		return 1;
	}
	if (timeout_ms > 0 && now_ms() - j->started > timeout_ms) {
		watchjob_stop(j);
		*status = -1;
		strbuf_addstr(&j->out, "\n(stopped: it ran too long)");
		return 1;
	}
	return 0;
}

void watchjob_stop(struct watchjob *j)
{
	int st = 0, status;

	if (!j->pid)
		return;
	kill(j->pid, SIGTERM);
	while (waitpid(j->pid, &st, 0) < 0 && errno == EINTR)
		;
	reaped(j, st, &status);
}

void watchjob_release(struct watchjob *j)
{
	watchjob_stop(j);
	strbuf_release(&j->out);
}
