#ifndef ATOMICFILE_H
#define ATOMICFILE_H

#include <stddef.h>
#include <sys/types.h>

/*
 * atomicfile.h - a file replaced whole or not at all; calls usage.
 *
 * The new bytes go to an unnamed file in the same directory (O_TMPFILE),
 * are synced, get a temporary name and are renamed over the file; the
 * directory is synced. A kill -9 leaves the old file or the new one, and
 * a name only in the instant between naming and renaming, which the next
 * write of that file removes. Filesystems without O_TMPFILE get a named
 * temporary file from the start.
 */

/*
 * Write buf[0..len) to path, keeping its mode when it exists (else
 * `mode`). Returns 0, or -1 after an error naming the path; the file is
 * then as it was.
 */
int atomicfile_write(const char *path, const void *buf, size_t len, mode_t mode);

/* Create path with buf[0..len), all at once; refused (errno EEXIST, reported) when it exists. */
int atomicfile_create(const char *path, const void *buf, size_t len, mode_t mode);

/*
 * Many files at once (a sync pulling thousands): atomicfile_defer()
 * makes the writes that follow skip their fsyncs, and atomicfile_flush()
 * syncs the filesystem holding path once (syncfs) and ends that. Each
 * file is still replaced whole or not at all for any process that dies;
 * what flush adds is the durability across a power loss, which the
 * caller must have before it records that the files were written.
 */
void atomicfile_defer(void);
int atomicfile_flush(const char *path);

#endif
