#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "repo.h"
#include "run.h"
#include "usage.h"
#include "xalloc.h"

int run_git(struct strbuf *out, const char *gitdir, char *const argv[])
{
	return run_git_input(out, gitdir, argv, NULL, 0, 0);
}

/* Write in[0..len) to fd and close it; git may exit early: no SIGPIPE then. */
static void feed(int fd, const char *in, size_t len)
{
	struct sigaction ign, old;

	memset(&ign, 0, sizeof(ign));
	ign.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &ign, &old);
	while (len) {
		ssize_t n = write(fd, in, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		in += n;
		len -= n;
	}
	close(fd);
	sigaction(SIGPIPE, &old, NULL);
}

/* Run git (roadmap_prog NULL) or that roadmap program, its output appended to out. */
static int run_capture(struct strbuf *out, const char *gitdir, char *const argv[],
		       const char *in, size_t len, int with_stderr, const char *roadmap_prog)
{
	int fds[2], fdin[2] = { -1, -1 }, status;
	pid_t pid;

	if (pipe2(fds, O_CLOEXEC) < 0)
		return error_errno("cannot run git");
	if (in && pipe2(fdin, O_CLOEXEC) < 0) {
		close(fds[0]);
		close(fds[1]);
		return error_errno("cannot run git");
	}
	pid = fork();
	if (!pid) {
		int null = open("/dev/null", O_RDONLY);
		dup2(in ? fdin[0] : null, 0);
		dup2(fds[1], 1);
		if (with_stderr)
			dup2(fds[1], 2);
		close(fds[0]);
		close(fds[1]);
		if (gitdir)
			setenv("GIT_DIR", gitdir, 1);
		/*
		 * git fast-import sets up and frees zlib's state for each
		 * object, and glibc hands the heap's top back each time; on a
		 * VM every such shrink is a TLB shootdown: 10,000 blobs took
		 * 12 s, and 0.3 s with the top kept (measured, t/perf/sync.sh)
		 */
		if (!roadmap_prog && !getenv("GLIBC_TUNABLES"))
			setenv("GLIBC_TUNABLES", "glibc.malloc.trim_threshold=67108864", 1);
		if (roadmap_prog)
			exec_roadmap(roadmap_prog, (char **)argv);
		else
			execvp("git", argv);
		_exit(127);
	}
	close(fds[1]);
	if (in) {
		close(fdin[0]);
		/* git reads all of it before it says much (fetch --stdin does) */
		if (pid > 0)
			feed(fdin[1], in, len);
		else
			close(fdin[1]);
	}
	for (;;) {
		ssize_t n;
		strbuf_grow(out, 65536);
		n = read(fds[0], out->buf + out->len, out->alloc - out->len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		strbuf_setlen(out, out->len + n);
	}
	close(fds[0]);
	if (pid < 0 || waitpid(pid, &status, 0) < 0 || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

int run_git_input(struct strbuf *out, const char *gitdir, char *const argv[],
		  const char *in, size_t len, int with_stderr)
{
	return run_capture(out, gitdir, argv, in, len, with_stderr, NULL);
}

int run_roadmap(struct strbuf *out, char *const argv[])
{
	return run_capture(out, NULL, argv, NULL, 0, 1, argv[0]);
}

int git_capture(struct strbuf *out, const struct repo_paths *p, char *const argv[])
{
	return run_git(out, p->gitdir, argv) ? -1 : 0;
}

double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

void exec_roadmap(const char *prog, char **argv)
{
	char self[PATH_MAX], *slash;
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 64);

	if (n > 0) {
		self[n] = '\0';
		if ((slash = strrchr(self, '/')) && strlen(prog) < 60) {
			strcpy(slash + 1, prog);
			execv(self, argv);
		}
	}
	execvp(prog, argv);
}

int git_capture_paths(struct strbuf *out, const struct repo_paths *p, const char *const *args,
		      const char *paths, size_t len)
{
	const char **argv, *r;
	size_t n = 0, nr = 0;
	int ret;

	for (r = paths; r < paths + len; r += strlen(r) + 1)
		nr++;
	for (; args[n]; n++)
		;
	argv = xcalloc(n + nr + 4, sizeof(*argv));
	argv[0] = "git";
	argv[1] = "--literal-pathspecs";
	memcpy(argv + 2, args, n * sizeof(*argv));
	n += 2;
	argv[n++] = "--";
	for (r = paths; r < paths + len; r += strlen(r) + 1)
		argv[n++] = r;
	ret = git_capture(out, p, (char *const *)argv);
	free(argv);
	return ret;
}
