#include <limits.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "proc.h"

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
