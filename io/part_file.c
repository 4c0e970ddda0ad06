#include "io/part_file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
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

