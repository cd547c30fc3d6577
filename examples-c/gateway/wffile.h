/* Workflow definition files, read through a cache checked with one stat()
 * per use: a trigger costs one system call for its definition instead of
 * opening and reading the file, and an edited file (another inode, size or
 * modification time) is read again at its next use. */
#ifndef GW_WFFILE_H
#define GW_WFFILE_H
#include <stddef.h>

/* The file's text, malloc'd (free it); NULL when it cannot be read or is
 * larger than `max`. */
char *wffile_read(const char *path, size_t max);
/* Frees the cache (at exit). */
void wffile_clear(void);
#endif
