#include "io/part_file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/str.h"

cz_status cz_part_path(const char *path, char **part) {
  return cz_asprintf(part, "%s.part", path);
}

/* Pushes the finished .part to the disk so the rename never exposes an empty file after a
 * power loss. */
static cz_status cz_fsync_path(const char *path) {
  int fd = open(path, O_RDONLY);
  CZ_CHECK(fd >= 0, CZ_ERR_OUTPUT, "%s: cannot reopen to flush (%s)", path, strerror(errno));
  int rc = fsync(fd);
  int err = errno;
  close(fd);
  CZ_CHECK(rc == 0 || err == EINVAL, CZ_ERR_OUTPUT, "%s: flushing to disk failed (%s)", path, strerror(err));
  return CZ_OK;
}

cz_status cz_part_commit(const char *part, const char *path) {
  CZ_TRY(cz_fsync_path(part));
  CZ_CHECK(rename(part, path) == 0, CZ_ERR_OUTPUT, "%s: cannot rename %s into place (%s)", path, part,
           strerror(errno));
  return CZ_OK;
}


cz_status cz_part_write_text(const char *path, cz_part_writer write, const void *ctx) {
  char *part = NULL;
  CZ_TRY(cz_part_path(path, &part));
  cz_status st = CZ_OK;
  FILE *fp = fopen(part, "w");
  if (!fp) st = CZ_ERROR(CZ_ERR_OUTPUT, "%s: cannot create (%s)", part, strerror(errno));
  if (fp) {
    setvbuf(fp, NULL, _IOFBF, 1 << 20);
    st = write(fp, part, ctx);
    if (st == CZ_OK && (fflush(fp) != 0 || ferror(fp)))
      st = CZ_ERROR(CZ_ERR_OUTPUT, "%s: write failed (%s)", part, strerror(errno));
    if (fclose(fp) != 0 && st == CZ_OK) st = CZ_ERROR(CZ_ERR_OUTPUT, "%s: close failed (%s)", part, strerror(errno));
  }
  if (st == CZ_OK) st = cz_part_commit(part, path);
  if (st != CZ_OK) remove(part);
  free(part);
  return st;
}
