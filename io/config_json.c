/* JSON files and typed access for the config loader (io/config_json.h). */
#include "io/config_json.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "base/mem.h"
#include "base/str.h"

/* ------------------------------------------------------------------------------------------ */
/* Messages                                                                                    */

/* "config: <key>: <problem> in <file>": one line naming where the user has to look. */
cz_status cz_cfg_error_at(const char *src, int line, const char *func, cz_status code, const char *file,
                          const char *key, const char *fmt, ...) {
  char msg[1024];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  return cz_error_set(code, src, line, func, "config: %s: %s in %s", key, msg, file);
}

const char *cz_cfg_json_type(const cJSON *item) {
  if (cJSON_IsString(item)) return "a string";
  if (cJSON_IsNumber(item)) return "a number";
  if (cJSON_IsBool(item)) return "a boolean";
  if (cJSON_IsNull(item)) return "null";
  if (cJSON_IsArray(item)) return "a list";
  if (cJSON_IsObject(item)) return "an object";
  return "an invalid value";
}

/* snprintf for key paths in messages, where cutting a very long path short is fine (going
 * through vsnprintf keeps -Wformat-truncation quiet about it). */
void cz_cfg_key_fmt(char *buf, size_t n, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(buf, n, fmt, ap);
  va_end(ap);
}

/* Joins a parent key path and a child key: "inputs" + "LGN" -> "inputs.LGN". */
void cz_cfg_key_join(char *buf, size_t n, const char *parent, const char *key) {
  if (parent && *parent) {
    cz_cfg_key_fmt(buf, n, "%s.%s", parent, key);
  } else {
    cz_cfg_key_fmt(buf, n, "%s", key);
  }
}

/* ------------------------------------------------------------------------------------------ */
/* JSON parsing                                                                                */

/* 1-based line and column (in characters, not bytes) of byte offset off in text. */
static void text_position(const char *text, size_t off, int *line, int *col) {
  int l = 1, c = 1;
  for (size_t i = 0; i < off && text[i]; i++) {
    unsigned char ch = (unsigned char)text[i];
    if (ch == '\n') {
      l++;
      c = 1;
    } else if ((ch & 0xC0) != 0x80) {
      c++;
    }
  }
  *line = l;
  *col = c;
}

/* A short printable excerpt of the text at the error, for the message. */
static void error_excerpt(const char *at, char *buf, size_t n) {
  size_t w = 0;
  for (const char *p = at; *p && *p != '\n' && *p != '\r' && w + 1 < n && w < 24; p++) {
    unsigned char ch = (unsigned char)*p;
    buf[w++] = (ch >= 0x20 && ch < 0x7F) ? (char)ch : '?';
  }
  buf[w] = '\0';
}

/* The depth of open arrays and objects at text[off] (brackets inside strings skipped). */
static size_t nesting_depth_at(const char *text, size_t off) {
  size_t depth = 0;
  bool in_string = false;
  for (size_t i = 0; i < off; i++) {
    const char ch = text[i];
    if (in_string) {
      if (ch == '\\' && i + 1 < off) i++;
      else if (ch == '"') in_string = false;
    } else if (ch == '"') {
      in_string = true;
    } else if (ch == '[' || ch == '{') {
      depth++;
    } else if ((ch == ']' || ch == '}') && depth > 0) {
      depth--;
    }
  }
  return depth;
}

static cz_status parse_json_text(const char *text, size_t len, const char *file, cJSON **out) {
  *out = NULL;
  if (strlen(text) != len) {
    int line, col;
    text_position(text, strlen(text), &line, &col);
    return CZ_ERROR(CZ_ERR_CONFIG, "%s:%d:%d: JSON syntax error: NUL byte in the file", file, line, col);
  }
  /* return_parse_end is the thread-safe twin of cJSON_GetErrorPtr(): same position. */
  const char *end = NULL;
  cJSON *root = cJSON_ParseWithOpts(text, &end, 1);
  if (!root) {
    size_t off = end ? (size_t)(end - text) : 0;
    if (off > len) off = len;
    /* cJSON reports a key missing after a trailing comma one character past the closing
     * bracket; point at the bracket itself. */
    if (off > 0 && off < len && (text[off - 1] == '}' || text[off - 1] == ']')) off--;
    int line, col;
    text_position(text, off, &line, &col);
    /* cJSON stops at its nesting limit as at a syntax error; say which it was. */
    if (nesting_depth_at(text, off) >= CJSON_NESTING_LIMIT) {
      return CZ_ERROR(CZ_ERR_CONFIG, "%s:%d:%d: JSON nesting is too deep (more than %d arrays or objects inside "
                      "each other)", file, line, col, CJSON_NESTING_LIMIT);
    }
    if (off >= len) {
      return CZ_ERROR(CZ_ERR_CONFIG, "%s:%d:%d: JSON syntax error: unexpected end of input", file, line,
                      col);
    }
    char near[32];
    error_excerpt(text + off, near, sizeof near);
    return CZ_ERROR(CZ_ERR_CONFIG, "%s:%d:%d: JSON syntax error near '%s'", file, line, col, near);
  }
  *out = root;
  return CZ_OK;
}

typedef struct key_slot {
  const char *key;
  size_t order;
  cJSON *item;
} key_slot;

static int key_slot_cmp(const void *a, const void *b) {
  const key_slot *x = a, *y = b;
  int c = strcmp(x->key, y->key);
  if (c) return c;
  return (x->order > y->order) - (x->order < y->order);
}

/* Python's json keeps the last of duplicated keys, cJSON finds the first: drop the earlier
 * ones so every lookup sees what BMTK sees. Sorting keeps this O(n log n) on big objects. */
static cz_status drop_duplicate_keys(cJSON *obj, const char *file, const char *path) {
  size_t n = 0;
  for (cJSON *c = obj->child; c; c = c->next) n++;
  if (n < 2) return CZ_OK;
  key_slot *slots;
  CZ_NEW(slots, n);
  size_t i = 0;
  for (cJSON *c = obj->child; c; c = c->next, i++) slots[i] = (key_slot){c->string ? c->string : "", i, c};
  qsort(slots, n, sizeof *slots, key_slot_cmp);
  for (i = 0; i + 1 < n; i++) {
    if (strcmp(slots[i].key, slots[i + 1].key) != 0) continue;
    char where[CZ_CFG_KEY_MAX];
    cz_cfg_key_join(where, sizeof where, path, slots[i].key);
    cz_log_warn("%s: duplicate key \"%s\": the last one is used (as BMTK does)", file, where);
    size_t j = i;
    while (j + 1 < n && strcmp(slots[j].key, slots[j + 1].key) == 0) {
      cJSON_Delete(cJSON_DetachItemViaPointer(obj, slots[j].item));
      j++;
    }
    i = j;
  }
  free(slots);
  return CZ_OK;
}

static cz_status dedupe_tree(cJSON *node, const char *file, const char *path) {
  if (cJSON_IsObject(node)) CZ_TRY(drop_duplicate_keys(node, file, path));
  if (!cJSON_IsObject(node) && !cJSON_IsArray(node)) return CZ_OK;
  size_t i = 0;
  for (cJSON *c = node->child; c; c = c->next, i++) {
    char sub[CZ_CFG_KEY_MAX];
    if (cJSON_IsObject(node)) {
      cz_cfg_key_join(sub, sizeof sub, path, c->string ? c->string : "");
    } else {
      cz_cfg_key_fmt(sub, sizeof sub, "%s[%zu]", path, i);
    }
    CZ_TRY(dedupe_tree(c, file, sub));
  }
  return CZ_OK;
}

/* Reads and parses a JSON file. A missing or unreadable file is CZ_ERR_IO naming the config
 * key that pointed at it (key/referrer may be NULL for the top-level file). */
cz_status cz_cfg_load_json_file(const char *path, const char *key, const char *referrer, cJSON **out) {
  *out = NULL;
  char *text = NULL;
  size_t len = 0;
  cz_status st = cz_read_file(path, &text, &len);
  if (st != CZ_OK) {
    if (key) return cz_error_prefix(st, "config: %s (in %s)", key, referrer);
    return cz_error_prefix(st, "config");
  }
  cJSON *root = NULL;
  st = parse_json_text(text, len, path, &root);
  free(text);
  CZ_TRY(st);
  st = dedupe_tree(root, path, "");
  if (st != CZ_OK) {
    cJSON_Delete(root);
    CZ_TRY(st);
  }
  *out = root;
  return CZ_OK;
}
/* ------------------------------------------------------------------------------------------ */
/* Per-file path resolution                                                                    */

cz_status cz_cfg_set_string(cJSON *item, const char *s) {
  CZ_CHECK(cJSON_SetValuestring(item, s) != NULL, CZ_ERR_NOMEM, "out of memory updating the config");
  return CZ_OK;
}

/* ------------------------------------------------------------------------------------------ */
/* Typed access with messages                                                                  */


const char *cz_cfg_origin_of(const cJSON *origins, const char *key, const char *fallback) {
  const cJSON *o = cJSON_GetObjectItemCaseSensitive(origins, key);
  return cJSON_IsString(o) ? o->valuestring : fallback;
}

cJSON *cz_cfg_item(const cz_cfg_obj *o, const char *key) {
  return o->json ? cJSON_GetObjectItemCaseSensitive(o->json, key) : NULL;
}

/* Top-level section key; absent is allowed unless required. */
cz_status cz_cfg_section(const cz_config *cfg, const cJSON *origins, const char *key, bool required,
                             cz_cfg_obj *out) {
  out->json = cJSON_GetObjectItemCaseSensitive(cfg->root, key);
  cz_cfg_key_fmt(out->path, sizeof out->path, "%s", key);
  out->file = cz_cfg_origin_of(origins, key, cfg->path);
  if (!out->json) {
    if (required) return CZ_CFG_MISSING(cfg->path, key);
    return CZ_OK;
  }
  if (!cJSON_IsObject(out->json)) {
    return CZ_CFG_ERR(CZ_ERR_CONFIG, out->file, key, "must be an object, not %s", cz_cfg_json_type(out->json));
  }
  return CZ_OK;
}

cz_status cz_cfg_child(const cz_cfg_obj *o, const char *key, cz_cfg_obj *out) {
  out->json = cz_cfg_item(o, key);
  cz_cfg_key_join(out->path, sizeof out->path, o->path, key);
  out->file = o->file;
  if (out->json && !cJSON_IsObject(out->json)) {
    return CZ_CFG_ERR(CZ_ERR_CONFIG, o->file, out->path, "must be an object, not %s", cz_cfg_json_type(out->json));
  }
  return CZ_OK;
}

/* String member (borrowed), NULL when absent unless required. */
cz_status cz_cfg_string(const cz_cfg_obj *o, const char *key, bool required, const char **out) {
  *out = NULL;
  char where[CZ_CFG_KEY_MAX];
  cz_cfg_key_join(where, sizeof where, o->path, key);
  const cJSON *v = cz_cfg_item(o, key);
  if (!v) {
    if (required) return CZ_CFG_MISSING(o->file, where);
    return CZ_OK;
  }
  if (!cJSON_IsString(v)) {
    return CZ_CFG_ERR(CZ_ERR_CONFIG, o->file, where, "must be a string, not %s", cz_cfg_json_type(v));
  }
  *out = v->valuestring;
  return CZ_OK;
}

cz_status cz_cfg_string_copy(const cz_cfg_obj *o, const char *key, bool required, char **out) {
  const char *s;
  CZ_TRY(cz_cfg_string(o, key, required, &s));
  return cz_strdup(s, out);
}

/* Finite number member; *present false when absent (out untouched). */
cz_status cz_cfg_number(const cz_cfg_obj *o, const char *key, bool *present, double *out) {
  char where[CZ_CFG_KEY_MAX];
  cz_cfg_key_join(where, sizeof where, o->path, key);
  const cJSON *v = cz_cfg_item(o, key);
  *present = v != NULL;
  if (!v) return CZ_OK;
  if (!cJSON_IsNumber(v)) {
    if (cJSON_IsString(v)) {
      return CZ_CFG_ERR(CZ_ERR_CONFIG, o->file, where, "must be a number, not a string (\"%s\")", v->valuestring);
    }
    return CZ_CFG_ERR(CZ_ERR_CONFIG, o->file, where, "must be a number, not %s", cz_cfg_json_type(v));
  }
  /* cJSON reads 1e999 as inf without complaint. */
  if (!isfinite(v->valuedouble)) {
    return CZ_CFG_ERR(CZ_ERR_CONFIG, o->file, where, "must be a finite number (got %g)", v->valuedouble);
  }
  *out = v->valuedouble;
  return CZ_OK;
}

/* Whole-number member within [lo, hi]. */
cz_status cz_cfg_whole(const cz_cfg_obj *o, const char *key, double lo, double hi, bool *present,
                           double *out) {
  CZ_TRY(cz_cfg_number(o, key, present, out));
  if (!*present) return CZ_OK;
  char where[CZ_CFG_KEY_MAX];
  cz_cfg_key_join(where, sizeof where, o->path, key);
  if (*out != floor(*out)) {
    return CZ_CFG_ERR(CZ_ERR_CONFIG, o->file, where, "must be a whole number (got %g)", *out);
  }
  if (!(*out >= lo && *out <= hi)) {
    return CZ_CFG_ERR(CZ_ERR_CONFIG, o->file, where, "must be between %.0f and %.0f (got %.0f)", lo, hi, *out);
  }
  return CZ_OK;
}

cz_status cz_cfg_bool(const cz_cfg_obj *o, const char *key, bool dflt, bool *out) {
  const cJSON *v = cz_cfg_item(o, key);
  *out = dflt;
  if (!v) return CZ_OK;
  if (!cJSON_IsBool(v)) {
    char where[CZ_CFG_KEY_MAX];
    cz_cfg_key_join(where, sizeof where, o->path, key);
    return CZ_CFG_ERR(CZ_ERR_CONFIG, o->file, where, "must be true or false, not %s", cz_cfg_json_type(v));
  }
  *out = cJSON_IsTrue(v);
  return CZ_OK;
}
