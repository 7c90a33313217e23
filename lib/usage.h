#ifndef USAGE_H
#define USAGE_H

/*
 * usage.h - messages and exit codes, git's way.
 *
 * Messages read "progname: error: ...". lib/ reports with error() or
 * warning() and returns; only cmd/ calls die() (128) or usage() (129).
 * The allocators in xalloc.h are the one exception: they die on OOM.
 */

#define EXIT_DIFFER 1	/* a well-formed "no": differences, no match */
#define EXIT_INCOMPLETE 2	/* an answer that lacks issues roadmap could not read (said on stderr) */
#define EXIT_FATAL 128	/* die(): runtime failure */
#define EXIT_USAGE 129	/* usage(): bad invocation */

extern const char *progname;

void set_progname(const char *argv0);
__attribute__((noreturn, format(printf, 1, 2))) void die(const char *fmt, ...);
__attribute__((noreturn, format(printf, 1, 2))) void die_errno(const char *fmt, ...);
/* Print "progname: error: ..." on stderr; returns -1 for `return error(...)`. */
__attribute__((format(printf, 1, 2))) int error(const char *fmt, ...);
__attribute__((format(printf, 1, 2))) int error_errno(const char *fmt, ...);
__attribute__((format(printf, 1, 2))) void warning(const char *fmt, ...);
/* Print usage on stderr and exit 129. */
__attribute__((noreturn)) void usage(const char *usagestr);
/* Report an unknown option or a stray argument, then usage(). */
__attribute__((noreturn)) void usage_bad_arg(const char *usagestr, const char *what, const char *arg);
/*
 * getopt_long() returned '?': name the option it did not know, as git
 * does: "-b" of a group "-ab" (optopt), or the long option as typed.
 */
__attribute__((noreturn)) void usage_unknown_option(const char *usagestr, char **argv);
/* Print usage on stdout and exit 0 (-h). */
__attribute__((noreturn)) void help(const char *usagestr);
/* Check stdout for write errors before exit; dies (128) on failure. */
void finish_stdout(void);

/*
 * A test's crash: the at[1]-th call dies by SIGKILL when the environment
 * variable env says N = that call's number (at[0]: -1 until env is read,
 * then N; at[1]: the calls so far). kind names the steps in the message.
 */
void test_crash_point(const char *env, const char *kind, const char *what, long at[2]);

/* The exit-code table every -h prints after the usage string. */
#define EXIT_CODES_HELP \
	"\nexit status: 0 ok, 1 no match or differences, 2 incomplete answer (issues whose blobs are\n" \
	"missing), 128 fatal error, 129 usage error\n"

#endif
