#include "base/log.h"

#include <errno.h>
#include <stdlib.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/time.h>
#include <time.h>

static cz_log_level g_level = CZ_LOG_INFO;
static bool g_console = true;
static bool g_enabled = true;
static FILE *g_file = NULL;
static int g_warnings = 0;
/* Lines logged before the log file exists, written into it when it opens (BMTK's log file
 * starts with the messages of config loading too). */
static char *g_pending = NULL;
static size_t g_pending_len = 0, g_pending_cap = 0;

static void keep_pending(const char *line) {
  size_t n = strlen(line);
  if (g_pending_len + n + 1 > g_pending_cap) {
    size_t cap = g_pending_cap ? 2 * g_pending_cap : 4096;
    while (cap < g_pending_len + n + 1) cap *= 2;
    char *q = realloc(g_pending, cap);
    if (!q) return;
    g_pending = q;
    g_pending_cap = cap;
  }
  memcpy(g_pending + g_pending_len, line, n + 1);
  g_pending_len += n;
}

bool cz_log_parse_level(const char *name, cz_log_level *out) {
  static const struct { const char *name; cz_log_level level; } table[] = {
      {"DEBUG", CZ_LOG_DEBUG},     {"INFO", CZ_LOG_INFO},   {"WARNING", CZ_LOG_WARNING},
      {"WARN", CZ_LOG_WARNING},    {"ERROR", CZ_LOG_ERROR}, {"CRITICAL", CZ_LOG_ERROR},
      {"QUIET", CZ_LOG_QUIET},
  };
  for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
    if (strcasecmp(name, table[i].name) == 0) {
      *out = table[i].level;
      return true;
    }
  }
  return false;
}

void cz_log_set_level(cz_log_level level) { g_level = level; }
cz_log_level cz_log_get_level(void) { return g_level; }
void cz_log_set_console(bool on) { g_console = on; }
void cz_log_set_enabled(bool on) { g_enabled = on; }
int cz_log_warning_count(void) { return g_warnings; }

cz_status cz_log_open_file(const char *path) {
  cz_log_close_file();
  g_file = fopen(path, "w");
  CZ_CHECK(g_file != NULL, CZ_ERR_OUTPUT, "%s: cannot create log file: %s", path, strerror(errno));
  if (g_pending_len) fputs(g_pending, g_file);
  free(g_pending);
  g_pending = NULL;
  g_pending_len = g_pending_cap = 0;
  return CZ_OK;
}

void cz_log_close_file(void) {
  if (g_file) fclose(g_file);
  g_file = NULL;
}

static const char *level_name(cz_log_level l) {
  switch (l) {
    case CZ_LOG_DEBUG: return "DEBUG";
    case CZ_LOG_INFO: return "INFO";
    case CZ_LOG_WARNING: return "WARNING";
    default: return "ERROR";
  }
}

void cz_log(cz_log_level level, const char *fmt, ...) {
  if (level == CZ_LOG_WARNING) {
#pragma omp atomic
    g_warnings++;
  }
  if (!g_enabled || level < g_level) return;
  char msg[4096];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);

  struct timeval tv;
  gettimeofday(&tv, NULL);
  struct tm tm;
  localtime_r(&tv.tv_sec, &tm);
  char stamp[64];
  size_t n = strftime(stamp, sizeof stamp, "%Y-%m-%d %H:%M:%S", &tm);
  snprintf(stamp + n, sizeof stamp - n, ",%03d", (int)(tv.tv_usec / 1000));

#pragma omp critical(cz_log_write)
  {
    if (g_console) {
      FILE *out = level >= CZ_LOG_WARNING ? stderr : stdout;
      fprintf(out, "%s [%s] %s\n", stamp, level_name(level), msg);
      fflush(out);
    }
    if (g_file) {
      fprintf(g_file, "%s [%s] %s\n", stamp, level_name(level), msg);
      fflush(g_file);
    } else {
      char line[4200];
      snprintf(line, sizeof line, "%s [%s] %s\n", stamp, level_name(level), msg);
      keep_pending(line);
    }
  }
}
