#ifndef PROC_H
#define PROC_H

/*
 * proc.h - this process and the roadmap programs it runs: the monotonic
 * clock, and finding a sibling program (the one installed beside this
 * one). A utility: calls nothing of roadmap's. (To join lib/run, with
 * git's runners.)
 */

/* Milliseconds on the monotonic clock. */
double now_ms(void);

/*
 * Run the roadmap program `prog` with argv: the one installed beside this
 * one (found by /proc/self/exe, so a symbolic link or a bare argv[0] does
 * not matter), else from $PATH. Returns only when it cannot be run, with
 * errno set.
 */
void exec_roadmap(const char *prog, char **argv);

#endif
