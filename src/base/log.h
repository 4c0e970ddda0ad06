/* Run log in BMTK's format: "2024-03-21 15:27:38,123 [INFO] message".
 *
 * One process-wide logger: messages at or above the level go to the console (stdout) when
 * console output is on and to the log file when one is open. Only the rank that main()
 * marks as the logging rank writes (rank 0 by default). Warnings and errors that occur
 * before the log file exists still reach the console. Thread-safe for whole lines. */
#ifndef CZ_BASE_LOG_H
#define CZ_BASE_LOG_H

#include <stdbool.h>

#include "base/status.h"

typedef enum cz_log_level { CZ_LOG_DEBUG = 0, CZ_LOG_INFO, CZ_LOG_WARNING, CZ_LOG_ERROR, CZ_LOG_QUIET } cz_log_level;

/* Parses "DEBUG", "INFO", "WARNING"/"WARN", "ERROR", "CRITICAL", "QUIET" (any case). */
bool cz_log_parse_level(const char *name, cz_log_level *out);

void cz_log_set_level(cz_log_level level);
cz_log_level cz_log_get_level(void);
void cz_log_set_console(bool on);
/* Whether this process writes at all (false on ranks other than the logging rank). */
void cz_log_set_enabled(bool on);
/* Opens (truncating) the log file; later messages are appended to it. */
cz_status cz_log_open_file(const char *path);
void cz_log_close_file(void);

void cz_log(cz_log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
#define cz_log_debug(...) cz_log(CZ_LOG_DEBUG, __VA_ARGS__)
#define cz_log_info(...) cz_log(CZ_LOG_INFO, __VA_ARGS__)
#define cz_log_warn(...) cz_log(CZ_LOG_WARNING, __VA_ARGS__)

/* Number of warnings logged so far (tests and --strict use it). */
int cz_log_warning_count(void);

#endif
