/* The parts of the config loader that every stage shares (internal to io/config*.c): JSON
 * files parsed as Python's json reads them, messages that name the key and the file, and
 * typed access to the members of a config object.
 *
 * Messages read "config: <key>: <problem> in <file>" (CZ_CFG_ERR) or "config: missing key
 * "<key>" in <file>" (CZ_CFG_MISSING): one line naming where the user has to look. */
#ifndef CZ_IO_CONFIG_JSON_H
#define CZ_IO_CONFIG_JSON_H

#include <stdbool.h>
#include <stddef.h>

#include "base/status.h"
#include "io/config.h"

struct cJSON;

enum { CZ_CFG_KEY_MAX = 512 /* key paths in messages (longer ones are truncated) */ };

cz_status cz_cfg_error_at(const char *src, int line, const char *func, cz_status code, const char *file,
                          const char *key, const char *fmt, ...) __attribute__((format(printf, 7, 8)));

#define CZ_CFG_ERR(code, file, key, ...) cz_cfg_error_at(__FILE__, __LINE__, __func__, (code), (file), (key), __VA_ARGS__)
#define CZ_CFG_MISSING(file, key) \
  cz_error_set(CZ_ERR_CONFIG, __FILE__, __LINE__, __func__, "config: missing key \"%s\" in %s", (key), (file))

/* "a string", "a number", ...: the JSON type of item, for messages. */
const char *cz_cfg_json_type(const struct cJSON *item);
/* snprintf for key paths in messages, where cutting a very long path short is fine. */
void cz_cfg_key_fmt(char *buf, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Joins a parent key path and a child key: "inputs" + "LGN" -> "inputs.LGN". */
void cz_cfg_key_join(char *buf, size_t n, const char *parent, const char *key);

/* Reads and parses a JSON file, duplicated keys resolved as Python does (the last wins). A
 * missing or unreadable file is CZ_ERR_IO naming the config key that pointed at it
 * (key/referrer may be NULL for the top-level file). Owned (*out). Local. */
cz_status cz_cfg_load_json_file(const char *path, const char *key, const char *referrer, struct cJSON **out);

/* Sets a string item's value (CZ_ERR_NOMEM on failure). */
cz_status cz_cfg_set_string(struct cJSON *item, const char *s);

/* A JSON object of the config with the key path and file used in messages. */
typedef struct cz_cfg_obj {
  struct cJSON *json; /* NULL when the section is absent */
  char path[CZ_CFG_KEY_MAX];
  const char *file;
} cz_cfg_obj;

/* The file that gave top-level key (origins: key -> file), or fallback. Borrowed. */
const char *cz_cfg_origin_of(const struct cJSON *origins, const char *key, const char *fallback);
/* Member key of o, or NULL. Borrowed. */
struct cJSON *cz_cfg_item(const cz_cfg_obj *o, const char *key);
/* Top-level section key; absent is allowed unless required; present must be an object. */
cz_status cz_cfg_section(const cz_config *cfg, const struct cJSON *origins, const char *key, bool required,
                         cz_cfg_obj *out);
/* Member object key of o (absent allowed). */
cz_status cz_cfg_child(const cz_cfg_obj *o, const char *key, cz_cfg_obj *out);
/* String member (borrowed), NULL when absent unless required. */
cz_status cz_cfg_string(const cz_cfg_obj *o, const char *key, bool required, const char **out);
/* The same, copied. Owned (*out). */
cz_status cz_cfg_string_copy(const cz_cfg_obj *o, const char *key, bool required, char **out);
/* Finite number member; *present false when absent (out untouched). */
cz_status cz_cfg_number(const cz_cfg_obj *o, const char *key, bool *present, double *out);
/* Whole-number member within [lo, hi]. */
cz_status cz_cfg_whole(const cz_cfg_obj *o, const char *key, double lo, double hi, bool *present, double *out);
/* true/false member, dflt when absent. */
cz_status cz_cfg_bool(const cz_cfg_obj *o, const char *key, bool dflt, bool *out);

#endif
