/* String and path helpers. Every returned string is owned by the caller (free()). */
#ifndef CZ_BASE_STR_H
#define CZ_BASE_STR_H

#include <stdbool.h>
#include <stddef.h>

#include "base/status.h"

/* Copy of s (NULL stays NULL on success). */
cz_status cz_strdup(const char *s, char **out);

/* printf into a new string. */
cz_status cz_asprintf(char **out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

bool cz_str_ends_with(const char *s, const char *suffix);
bool cz_str_starts_with(const char *s, const char *prefix);

/* Parses a whole string as a finite double / as an integer (optional surrounding blanks).
 * Returns false when the string is not exactly a number. */
bool cz_parse_double(const char *s, double *out);
bool cz_parse_int64(const char *s, long long *out);

/* Directory part of a path ("." when it has none). */
cz_status cz_path_dirname(const char *path, char **out);
/* Last component of a path. */
const char *cz_path_basename(const char *path);
/* base/rel, or rel itself when rel is absolute; "." and ".." components are folded. */
cz_status cz_path_join(const char *base, const char *rel, char **out);
/* Absolute, normalised form of path, relative to the current directory. */
cz_status cz_path_absolute(const char *path, char **out);
bool cz_path_is_absolute(const char *path);
bool cz_path_exists(const char *path);
bool cz_path_is_dir(const char *path);
/* Creates folder path and its missing parents (CZ_ERR_OUTPUT naming the one that failed). */
cz_status cz_path_make_dirs(const char *path);

/* Reads a whole file into a NUL-terminated buffer. CZ_ERR_IO names the file. */
cz_status cz_read_file(const char *path, char **out, size_t *len);

#endif
