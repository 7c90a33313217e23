#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "usage.h"

const char *progname = "roadmap";

void set_progname(const char *argv0)
{
	const char *slash = strrchr(argv0, '/');

	progname = slash ? slash + 1 : argv0;
}

static void report(const char *prefix, const char *fmt, va_list ap, int err)
{
	char buf[4096];

	vsnprintf(buf, sizeof(buf), fmt, ap);
	fflush(stdout);
	if (err)
		fprintf(stderr, "%s: %s%s: %s\n", progname, prefix, buf, strerror(err));
	else
		fprintf(stderr, "%s: %s%s\n", progname, prefix, buf);
}

void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	report("fatal: ", fmt, ap, 0);
	va_end(ap);
	exit(EXIT_FATAL);
}

void die_errno(const char *fmt, ...)
{
	va_list ap;
	int err = errno;

	va_start(ap, fmt);
	report("fatal: ", fmt, ap, err);
	va_end(ap);
	exit(EXIT_FATAL);
}

int error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	report("error: ", fmt, ap, 0);
	va_end(ap);
	return -1;
}

int error_errno(const char *fmt, ...)
{
	va_list ap;
	int err = errno;

	va_start(ap, fmt);
	report("error: ", fmt, ap, err);
	va_end(ap);
	return -1;
}

void warning(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	report("warning: ", fmt, ap, 0);
	va_end(ap);
}

void usage(const char *usagestr)
{
	fprintf(stderr, "usage: %s\n", usagestr);
	exit(EXIT_USAGE);
}

void usage_bad_arg(const char *usagestr, const char *what, const char *arg)
{
	error("%s '%s'", what, arg);
	usage(usagestr);
}

void usage_unknown_option(const char *usagestr, char **argv)
{
	const char *arg = optind > 0 ? argv[optind - 1] : NULL;
	char shortopt[3] = { '-', (char)optopt, '\0' };

	if (optopt && !(arg && !strncmp(arg, "--", 2)))
		arg = shortopt;
	usage_bad_arg(usagestr, "unknown option", arg ? arg : "?");
}

void help(const char *usagestr)
{
	printf("usage: %s\n%s", usagestr, EXIT_CODES_HELP);
	exit(fflush(stdout) || ferror(stdout) ? EXIT_FATAL : 0);
}

void finish_stdout(void)
{
	if (fflush(stdout) || ferror(stdout))
		die_errno("write error on stdout");
}

void test_crash_point(const char *env, const char *kind, const char *what, long at[2])
{
	if (at[0] < 0) {
		const char *v = getenv(env);
		at[0] = v && *v ? atol(v) : 0;
	}
	if (at[0] && ++at[1] == at[0]) {
		fprintf(stderr, "%s: test crash at %s step %ld (%s)\n", progname, kind, at[1], what);
		raise(SIGKILL);
	}
}
