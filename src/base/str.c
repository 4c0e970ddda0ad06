#include "base/str.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/mem.h"

cz_status cz_strdup(const char *s, char **out) {
  *out = NULL;
  if (!s) return CZ_OK;
  size_t n = strlen(s);
  char *d = malloc(n + 1);
  CZ_CHECK(d != NULL, CZ_ERR_NOMEM, "out of memory copying a string of %zu bytes", n);
  memcpy(d, s, n + 1);
  *out = d;
  return CZ_OK;
}

cz_status cz_asprintf(char **out, const char *fmt, ...) {
  va_list ap, ap2;
  va_start(ap, fmt);
  va_copy(ap2, ap);
  int n = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  if (n < 0) {
    va_end(ap2);
    return CZ_ERROR(CZ_ERR_INTERNAL, "formatting failed");
  }
  char *s = malloc((size_t)n + 1);
  if (!s) {
    va_end(ap2);
    return CZ_ERROR(CZ_ERR_NOMEM, "out of memory formatting a string");
  }
  vsnprintf(s, (size_t)n + 1, fmt, ap2);
  va_end(ap2);
  *out = s;
  return CZ_OK;
}

bool cz_str_ends_with(const char *s, const char *suffix) {
  size_t a = strlen(s), b = strlen(suffix);
  return a >= b && memcmp(s + a - b, suffix, b) == 0;
}

bool cz_str_starts_with(const char *s, const char *prefix) {
  return strncmp(s, prefix, strlen(prefix)) == 0;
}

static const char *skip_blank(const char *s) {
  while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n') s++;
  return s;
}

bool cz_parse_double(const char *s, double *out) {
  if (!s) return false;
  s = skip_blank(s);
  if (!*s) return false;
  char *end;
  errno = 0;
  double v = strtod(s, &end);
  if (end == s) return false;
  if (*skip_blank(end) != '\0') return false;
  *out = v;
  return true;
}

bool cz_parse_int64(const char *s, long long *out) {
  if (!s) return false;
  s = skip_blank(s);
  if (!*s) return false;
  char *end;
  errno = 0;
  long long v = strtoll(s, &end, 10);
  if (end == s || errno == ERANGE) return false;
  if (*skip_blank(end) != '\0') return false;
  *out = v;
  return true;
}

cz_status cz_path_dirname(const char *path, char **out) {
  const char *slash = strrchr(path, '/');
  if (!slash) return cz_strdup(".", out);
  if (slash == path) return cz_strdup("/", out);
  size_t n = (size_t)(slash - path);
  char *d = malloc(n + 1);
  CZ_CHECK(d != NULL, CZ_ERR_NOMEM, "out of memory");
  memcpy(d, path, n);
  d[n] = '\0';
  *out = d;
  return CZ_OK;
}

const char *cz_path_basename(const char *path) {
  const char *slash = strrchr(path, '/');
  return slash ? slash + 1 : path;
}

bool cz_path_is_absolute(const char *path) { return path && path[0] == '/'; }

/* Folds "." and ".." components and duplicate slashes, in place. */
static void normalise(char *p) {
  bool abs = p[0] == '/';
  char *comp[512];
  size_t nc = 0;
  char *save = NULL;
  char *copy = strdup(p);
  if (!copy) return;
  for (char *tok = strtok_r(copy, "/", &save); tok; tok = strtok_r(NULL, "/", &save)) {
    if (strcmp(tok, ".") == 0) continue;
    if (strcmp(tok, "..") == 0) {
      if (nc > 0 && strcmp(comp[nc - 1], "..") != 0) {
        nc--;
        continue;
      }
      if (abs) continue;
    }
    if (nc < 512) comp[nc++] = tok;
  }
  char *w = p;
  if (abs) *w++ = '/';
  for (size_t i = 0; i < nc; i++) {
    size_t n = strlen(comp[i]);
    memmove(w, comp[i], n);
    w += n;
    if (i + 1 < nc) *w++ = '/';
  }
  if (w == p) *w++ = '.';
  *w = '\0';
  free(copy);
}

cz_status cz_path_join(const char *base, const char *rel, char **out) {
  if (cz_path_is_absolute(rel) || !base || !*base) {
    CZ_TRY(cz_strdup(rel, out));
  } else {
    CZ_TRY(cz_asprintf(out, "%s/%s", base, rel));
  }
  normalise(*out);
  return CZ_OK;
}

cz_status cz_path_absolute(const char *path, char **out) {
  if (cz_path_is_absolute(path)) return cz_path_join(NULL, path, out);
  char cwd[4096];
  CZ_CHECK(getcwd(cwd, sizeof cwd) != NULL, CZ_ERR_IO, "cannot read the current directory: %s",
           strerror(errno));
  return cz_path_join(cwd, path, out);
}

bool cz_path_exists(const char *path) {
  struct stat st;
  return stat(path, &st) == 0;
}

bool cz_path_is_dir(const char *path) {
  struct stat st;
  return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

cz_status cz_read_file(const char *path, char **out, size_t *len) {
  FILE *f = fopen(path, "rb");
  CZ_CHECK(f != NULL, CZ_ERR_IO, "%s: cannot open: %s", path, strerror(errno));
  /* fopen opens a folder for reading on Linux; only the read fails then, with EISDIR. */
  struct stat info;
  if (fstat(fileno(f), &info) == 0 && S_ISDIR(info.st_mode)) {
    fclose(f);
    return CZ_ERROR(CZ_ERR_IO, "%s: is a folder, not a file", path);
  }
  char *buf = NULL;
  size_t n = 0, cap = 0;
  for (;;) {
    if (n + 65536 + 1 > cap) {
      void *tmp = buf;
      cz_status st = cz_grow(&tmp, &cap, n + 65536 + 1, 1);
      if (st != CZ_OK) {
        fclose(f);
        free(buf);
        return st;
      }
      buf = tmp;
    }
    size_t r = fread(buf + n, 1, cap - n - 1, f);
    n += r;
    if (r == 0) break;
  }
  bool err = ferror(f);
  fclose(f);
  if (err) {
    free(buf);
    return CZ_ERROR(CZ_ERR_IO, "%s: read error", path);
  }
  buf[n] = '\0';
  *out = buf;
  if (len) *len = n;
  return CZ_OK;
}

cz_status cz_path_make_dirs(const char *path) {
  char *p = NULL;
  CZ_TRY(cz_strdup(path, &p));
  for (char *q = p + 1;; q++) {
    const char c = *q;
    if (c != '/' && c != '\0') continue;
    *q = '\0';
    if (*p && mkdir(p, 0755) != 0 && errno != EEXIST) {
      const cz_status st = CZ_ERROR(CZ_ERR_OUTPUT, "cannot create folder %s: %s", p, strerror(errno));
      free(p);
      return st;
    }
    *q = c;
    if (c == '\0') break;
  }
  free(p);
  CZ_CHECK(cz_path_is_dir(path), CZ_ERR_OUTPUT, "%s exists and is not a folder", path);
  return CZ_OK;
}
