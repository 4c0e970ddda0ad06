/* Crash-safe replacement of output files: a file is written as "<name>.part" in the same
 * folder and renamed over "<name>" only once complete and flushed to disk, so an interrupted
 * run never leaves a final-looking, half-written file. */
#ifndef CZ_IO_PART_FILE_H
#define CZ_IO_PART_FILE_H

#include <stdio.h>

#include "base/status.h"

/* "<path>.part". Owned (*part). */
cz_status cz_part_path(const char *path, char **part);
/* Flushes part to the disk and renames it to path (CZ_ERR_OUTPUT naming both on failure). */
cz_status cz_part_commit(const char *part, const char *path);

/* Writes a text file through its .part: write(fp, part, ctx) fills the open stream (part names
 * it in messages), then it is closed, checked and committed; on any failure the .part is
 * removed and the first error returned. */
typedef cz_status (*cz_part_writer)(FILE *fp, const char *part, const void *ctx);
cz_status cz_part_write_text(const char *path, cz_part_writer write, const void *ctx);

#endif
