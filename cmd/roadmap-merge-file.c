/*
 * roadmap-merge-file: three-way merge of an issue file, field by field;
 * git's merge driver for issue files (roadmap-install-hooks --merge-driver).
 * Like git merge-file, the result replaces <ours> (or goes to stdout with
 * -p) and the exit status says whether conflicts are left.
 *
 * git runs a driver once per file, so its start is most of a merge's time:
 * it links libyaml and libc only, and runs git merge-file only when both
 * sides changed the body (lib/merge.c).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "merge.h"
#include "strbuf.h"
#include "usage.h"

static const char usage_str[] =
	"roadmap-merge-file [-p] [-L <label> [-L <label> [-L <label>]]] [--marker-size <n>]\n"
	"                   <base> <ours> <theirs> [<path>]\n"
	"\n"
	"    -p, --stdout        print the result instead of writing it to <ours>\n"
	"    -L <label>          labels for the conflict markers: ours, base, theirs\n"
	"    --marker-size <n>   conflict markers of n characters (git's %L; default 7)\n"
	"    <path>              the file's name in the repository (git's %P), for messages\n"
	"\n"
	"exit status: 0 ok (merged cleanly), 1 conflicts left, 128 fatal error, 129 usage error";

static const struct option longopts[] = {
	{ "stdout", no_argument, NULL, 'p' },
	{ "marker-size", required_argument, NULL, 'm' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 }
};

/*
 * The result replaces <ours> as git merge-file writes it: in place, not
 * synced. Under git, <ours> is git's own temporary copy (%A), which git
 * reads back and removes at once: an fsync (and a rename) per file would
 * be most of the driver's own time. A result equal to <ours> is not
 * written at all.
 */
static void write_ours(const char *path, const struct strbuf *ours, const struct strbuf *out)
{
	FILE *f;

	if (out->len == ours->len && !memcmp(out->buf, ours->buf, out->len))
		return;
	if (!(f = fopen(path, "wb")) || fwrite(out->buf, 1, out->len, f) != out->len || fclose(f))
		die_errno("cannot write '%s'", path);
}

int main(int argc, char **argv)
{
	struct merge_opts opts = { 7, { "ours", "base", "theirs" } };
	struct strbuf in[3] = { STRBUF_INIT, STRBUF_INIT, STRBUF_INIT }, out = STRBUF_INIT;
	int c, i, to_stdout = 0, nlabel = 0, n;
	const char *path;
	char *end;

	set_progname(argv[0]);
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+hpL:", longopts, NULL)) != -1) {
		switch (c) {
		case 'p':
			to_stdout = 1;
			break;
		case 'L':
			if (nlabel == 3)
				usage_bad_arg(usage_str, "too many labels", optarg);
			/* git merge-file's order: ours, base, theirs */
			opts.label[nlabel++] = optarg;
			break;
		case 'm':
			opts.marker_size = strtol(optarg, &end, 10);
			if (*end || opts.marker_size < 1 || opts.marker_size > 100)
				usage_bad_arg(usage_str, "bad marker size", optarg);
			break;
		case 'h':
			help(usage_str);
		default:
			usage_unknown_option(usage_str, argv);
		}
	}
	if (argc - optind < 3 || argc - optind > 4)
		usage_bad_arg(usage_str, "expected <base> <ours> <theirs> [<path>]",
			      argc - optind > 4 ? argv[optind + 4] : "");
	path = argc - optind == 4 ? argv[optind + 3] : argv[optind + 1];
	for (i = 0; i < 3; i++)
		if (strbuf_read_file(&in[i], argv[optind + i], 0) < 0)
			die_errno("cannot read '%s'", argv[optind + i]);
	n = merge_issue(&out, &in[0], &in[1], &in[2], path, &opts);
	if (n < 0)
		exit(EXIT_FATAL);
	if (to_stdout)
		fwrite(out.buf, 1, out.len, stdout);
	else
		write_ours(argv[optind + 1], &in[1], &out);
	for (i = 0; i < 3; i++)
		strbuf_release(&in[i]);
	strbuf_release(&out);
	finish_stdout();
	return n ? 1 : 0;
}
