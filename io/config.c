/* SONATA simulation config loader; the design is described at the top of config.h.
 *
 * Each file is processed on its own (parse, de-duplicate keys, manifest, substitution, path
 * resolution) before its "network"/"simulation" children are merged in, so every relative
 * path is resolved against the folder of the file that held it. Because the merge is
 * shallow, every top-level section comes from exactly one file; an "origins" object
 * (top-level key -> file) remembers which, so messages can name the right file.
 *
 * Everything extracted hangs off the cz_config as soon as it is allocated, so on any error
 * cz_cfg_destroy() frees the partial state and nothing leaks. */
#include "io/config.h"

#include <cjson/cJSON.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "base/log.h"
#include "base/mem.h"
#include "base/str.h"

enum {
  CFG_MANIFEST_PASSES = 32, /* manifest resolution passes before giving up */
  CFG_INCLUDE_DEPTH = 16,   /* nested network/simulation configs */
  CFG_KEY_MAX = 512,        /* key paths in messages (longer ones are truncated) */
};

/* NEST's time resolution: dt must be a whole number of these (ms). */
#define CFG_TIC_MS 0.001
#define CFG_TIC_REL_TOL 1e-9

/* ------------------------------------------------------------------------------------------ */
/* Messages                                                                                    */

static cz_status cfg_error_at(int line, const char *func, cz_status code, const char *file,
                              const char *key, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));

/* "config: <key>: <problem> in <file>": one line naming where the user has to look. */
static cz_status cfg_error_at(int line, const char *func, cz_status code, const char *file,
                              const char *key, const char *fmt, ...) {
  char msg[1024];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  return cz_error_set(code, __FILE__, line, func, "config: %s: %s in %s", key, msg, file);
}

#define CFG_ERR(code, file, key, ...) cfg_error_at(__LINE__, __func__, (code), (file), (key), __VA_ARGS__)
#define CFG_MISSING(file, key) \
  cz_error_set(CZ_ERR_CONFIG, __FILE__, __LINE__, __func__, "config: missing key \"%s\" in %s", (key), (file))

static const char *json_type_name(const cJSON *item) {
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
static void key_fmt(char *buf, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void key_fmt(char *buf, size_t n, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(buf, n, fmt, ap);
  va_end(ap);
}

/* Joins a parent key path and a child key: "inputs" + "LGN" -> "inputs.LGN". */
static void key_join(char *buf, size_t n, const char *parent, const char *key) {
  if (parent && *parent) {
    key_fmt(buf, n, "%s.%s", parent, key);
  } else {
    key_fmt(buf, n, "%s", key);
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
    char where[CFG_KEY_MAX];
    key_join(where, sizeof where, path, slots[i].key);
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
    char sub[CFG_KEY_MAX];
    if (cJSON_IsObject(node)) {
      key_join(sub, sizeof sub, path, c->string ? c->string : "");
    } else {
      key_fmt(sub, sizeof sub, "%s[%zu]", path, i);
    }
    CZ_TRY(dedupe_tree(c, file, sub));
  }
  return CZ_OK;
}

/* Reads and parses a JSON file. A missing or unreadable file is CZ_ERR_IO naming the config
 * key that pointed at it (key/referrer may be NULL for the top-level file). */
static cz_status load_json_file(const char *path, const char *key, const char *referrer, cJSON **out) {
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
/* Manifest variables                                                                          */

typedef struct cfg_var {
  char *name;
  cJSON *value; /* owned */
  bool resolved;
} cfg_var;

typedef struct cfg_vars {
  cfg_var *v;
  size_t n, cap;
} cfg_vars;

static void vars_free(cfg_vars *vs) {
  for (size_t i = 0; i < vs->n; i++) {
    free(vs->v[i].name);
    cJSON_Delete(vs->v[i].value);
  }
  free(vs->v);
  *vs = (cfg_vars){0};
}

static cfg_var *vars_find(const cfg_vars *vs, const char *name, size_t len) {
  for (size_t i = 0; i < vs->n; i++) {
    if (strlen(vs->v[i].name) == len && memcmp(vs->v[i].name, name, len) == 0) return &vs->v[i];
  }
  return NULL;
}

/* Defines or redefines name; takes ownership of value even on failure. */
static cz_status vars_set(cfg_vars *vs, const char *name, cJSON *value, bool resolved) {
  CZ_CHECK(value != NULL, CZ_ERR_NOMEM, "out of memory building the manifest");
  cfg_var *old = vars_find(vs, name, strlen(name));
  if (old) {
    cJSON_Delete(old->value);
    old->value = value;
    old->resolved = resolved;
    return CZ_OK;
  }
  char *copy = NULL;
  cz_status st = cz_strdup(name, &copy);
  if (st == CZ_OK) {
    void *p = vs->v;
    st = cz_grow(&p, &vs->cap, vs->n + 1, sizeof *vs->v);
    vs->v = p;
  }
  if (st != CZ_OK) {
    free(copy);
    cJSON_Delete(value);
    CZ_TRY(st);
  }
  vs->v[vs->n++] = (cfg_var){copy, value, resolved};
  return CZ_OK;
}

static cz_status vars_set_string(cfg_vars *vs, const char *name, const char *value) {
  return vars_set(vs, name, cJSON_CreateString(value), true);
}

/* One match of BMTK's regex \$\{?\w+\}? in a string. */
typedef struct var_ref {
  size_t start, end;    /* the whole match, [start, end) */
  const char *name;     /* the \w+ part */
  size_t name_len;
  bool lookup;          /* false for "${X" or "$X}": BMTK never finds those names */
} var_ref;

static bool is_word_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

static bool next_var_ref(const char *s, size_t from, var_ref *r) {
  for (size_t i = from; s[i]; i++) {
    if (s[i] != '$') continue;
    size_t p = i + 1;
    bool open = s[p] == '{';
    if (open && is_word_char(s[p + 1])) p++;
    else open = false;
    if (!is_word_char(s[p])) continue;
    size_t name_start = p;
    while (is_word_char(s[p])) p++;
    size_t name_len = p - name_start;
    bool close = s[p] == '}';
    if (close) p++;
    *r = (var_ref){i, p, s + name_start, name_len, open == close};
    return true;
  }
  return false;
}

/* Text of a non-string value embedded in a longer string; Python's str() spelling, which is
 * what BMTK produces. */
static cz_status value_text(const cJSON *v, char **out) {
  if (cJSON_IsString(v)) return cz_strdup(v->valuestring, out);
  if (cJSON_IsBool(v)) return cz_strdup(cJSON_IsTrue(v) ? "True" : "False", out);
  if (cJSON_IsNull(v)) return cz_strdup("None", out);
  if (cJSON_IsNumber(v)) {
    for (int prec = 15; prec <= 17; prec++) {
      CZ_TRY(cz_asprintf(out, "%.*g", prec, v->valuedouble));
      if (strtod(*out, NULL) == v->valuedouble || prec == 17) return CZ_OK;
      free(*out);
    }
  }
  char *printed = cJSON_PrintUnformatted(v);
  CZ_CHECK(printed != NULL, CZ_ERR_NOMEM, "out of memory printing a manifest value");
  cz_status st = cz_strdup(printed, out);
  cJSON_free(printed);
  return st;
}

typedef struct str_buf {
  char *s;
  size_t n, cap;
} str_buf;

static cz_status buf_put(str_buf *b, const char *p, size_t n) {
  CZ_RESERVE(b->s, b->cap, b->n + n + 1);
  memcpy(b->s + b->n, p, n);
  b->n += n;
  b->s[b->n] = '\0';
  return CZ_OK;
}

/* Expands the known variables of s. When s is exactly one known variable whose value is not
 * a string, *typed is that value (borrowed) and *out stays NULL; when nothing changes both
 * stay NULL; otherwise *out is the new string (owned). */
static cz_status expand_string(const char *s, const cfg_vars *vs, char **out, const cJSON **typed) {
  *out = NULL;
  *typed = NULL;
  var_ref r;
  size_t pos = 0;
  str_buf b = {0};
  bool changed = false;
  cz_status st = CZ_OK;
  while (next_var_ref(s, pos, &r)) {
    const cfg_var *v = r.lookup ? vars_find(vs, r.name, r.name_len) : NULL;
    if (!v) {
      CZ_TRY_GOTO(st, buf_put(&b, s + pos, r.end - pos), fail);
      pos = r.end;
      continue;
    }
    if (!cJSON_IsString(v->value) && r.start == 0 && s[r.end] == '\0') {
      *typed = v->value;
      return CZ_OK;
    }
    char *text = NULL;
    CZ_TRY_GOTO(st, value_text(v->value, &text), fail);
    st = buf_put(&b, s + pos, r.start - pos);
    if (st == CZ_OK) st = buf_put(&b, text, strlen(text));
    free(text);
    CZ_TRY_GOTO(st, st, fail);
    pos = r.end;
    changed = true;
  }
  if (!changed) {
    free(b.s);
    return CZ_OK;
  }
  CZ_TRY_GOTO(st, buf_put(&b, s + pos, strlen(s + pos)), fail);
  *out = b.s;
  return CZ_OK;
fail:
  free(b.s);
  return st;
}

/* Whether every variable s uses is resolved; a variable defined nowhere is an error (BMTK
 * raises too: its manifest values must end up free of "$"). */
static cz_status refs_ready(const char *s, const cfg_vars *vs, const char *file, const char *var,
                            bool *ready) {
  *ready = true;
  var_ref r;
  for (size_t pos = 0; next_var_ref(s, pos, &r); pos = r.end) {
    if (!r.lookup) continue;
    const cfg_var *v = vars_find(vs, r.name, r.name_len);
    if (!v) {
      char key[CFG_KEY_MAX];
      key_fmt(key, sizeof key, "manifest.%s", var);
      return CFG_ERR(CZ_ERR_CONFIG, file, key, "unable to resolve manifest variables: \"$%.*s\" is not defined",
                     (int)r.name_len, r.name);
    }
    if (!v->resolved) *ready = false;
  }
  return CZ_OK;
}

/* Substitutes into one pending variable if everything it uses is known; sets *done. */
static cz_status resolve_var(cfg_vars *vs, size_t i, const char *file, bool *done) {
  cfg_var *v = &vs->v[i];
  *done = false;
  bool ready;
  CZ_TRY(refs_ready(v->value->valuestring, vs, file, v->name, &ready));
  if (!ready) return CZ_OK;
  char *text;
  const cJSON *typed;
  CZ_TRY(expand_string(v->value->valuestring, vs, &text, &typed));
  if (typed || text) {
    cJSON *nv = typed ? cJSON_Duplicate(typed, 1) : cJSON_CreateString(text);
    free(text);
    CZ_CHECK(nv != NULL, CZ_ERR_NOMEM, "out of memory resolving the manifest");
    cJSON_Delete(v->value);
    v->value = nv;
  }
  v->resolved = true;
  *done = true;
  return CZ_OK;
}

static cz_status resolve_manifest(cfg_vars *vs, const char *file) {
  for (int pass = 0; pass < CFG_MANIFEST_PASSES; pass++) {
    size_t pending = 0;
    bool progress = false;
    for (size_t i = 0; i < vs->n; i++) {
      if (vs->v[i].resolved) continue;
      bool done;
      CZ_TRY(resolve_var(vs, i, file, &done));
      progress |= done;
      pending += !done;
    }
    if (pending == 0) return CZ_OK;
    if (!progress) break;
  }
  char names[CFG_KEY_MAX] = "";
  size_t w = 0;
  for (size_t i = 0; i < vs->n && w + 1 < sizeof names; i++) {
    if (vs->v[i].resolved) continue;
    int k = snprintf(names + w, sizeof names - w, "%s$%s", w ? ", " : "", vs->v[i].name);
    if (k < 0) break;
    w += (size_t)k;
  }
  if (w >= sizeof names) w = sizeof names - 1;
  return CFG_ERR(CZ_ERR_CONFIG, file, "manifest", "unable to resolve manifest variables %s (cycle?)", names);
}

static cz_status add_builtin_vars(cfg_vars *vs, const char *path, const char *dir) {
  char *cwd = NULL;
  CZ_TRY(cz_path_absolute(".", &cwd));
  cz_status st = vars_set_string(vs, "workingdir", cwd);
  free(cwd);
  CZ_TRY(st);
  CZ_TRY(vars_set_string(vs, "configdir", dir));
  CZ_TRY(vars_set_string(vs, "configfname", path));
  time_t now = time(NULL);
  struct tm tm;
  localtime_r(&now, &tm);
  char buf[64];
  strftime(buf, sizeof buf, "%H-%M-%S", &tm);
  CZ_TRY(vars_set_string(vs, "time", buf));
  strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
  CZ_TRY(vars_set_string(vs, "date", buf));
  strftime(buf, sizeof buf, "%Y-%m-%d_%H-%M-%S", &tm);
  CZ_TRY(vars_set_string(vs, "datetime", buf));
  return CZ_OK;
}

/* Built-ins plus the file's "manifest" entries (user entries override built-ins), resolved. */
static cz_status build_vars(const cJSON *root, const char *path, const char *dir, cfg_vars *vs) {
  CZ_TRY(add_builtin_vars(vs, path, dir));
  const cJSON *manifest = cJSON_GetObjectItemCaseSensitive(root, "manifest");
  if (!manifest) return CZ_OK;
  if (!cJSON_IsObject(manifest)) {
    return CFG_ERR(CZ_ERR_CONFIG, path, "manifest", "must be an object, not %s", json_type_name(manifest));
  }
  for (const cJSON *e = manifest->child; e; e = e->next) {
    const char *name = e->string[0] == '$' ? e->string + 1 : e->string;
    bool pending = cJSON_IsString(e) && strchr(e->valuestring, '$');
    CZ_TRY(vars_set(vs, name, cJSON_Duplicate(e, 1), !pending));
  }
  return resolve_manifest(vs, path);
}

/* Turns item into a copy of value in place, keeping its key and its place in the parent. */
static cz_status morph_item(cJSON *item, const cJSON *value) {
  cJSON *dup = cJSON_Duplicate(value, 1);
  CZ_CHECK(dup != NULL, CZ_ERR_NOMEM, "out of memory substituting a manifest variable");
  if (item->valuestring) cJSON_free(item->valuestring);
  item->valuestring = dup->valuestring;
  item->valueint = dup->valueint;
  item->valuedouble = dup->valuedouble;
  item->child = dup->child;
  item->type = dup->type | (item->type & cJSON_StringIsConst);
  dup->valuestring = NULL;
  dup->child = NULL;
  cJSON_Delete(dup);
  return CZ_OK;
}

/* Substitutes variables into every string value below node; "manifest" is skipped at every
 * level, as BMTK does. Keys are never substituted. */
static cz_status substitute_tree(cJSON *node, const cfg_vars *vs) {
  if (cJSON_IsString(node)) {
    char *text;
    const cJSON *typed;
    CZ_TRY(expand_string(node->valuestring, vs, &text, &typed));
    if (typed) return morph_item(node, typed);
    if (text) {
      bool ok = cJSON_SetValuestring(node, text) != NULL;
      free(text);
      CZ_CHECK(ok, CZ_ERR_NOMEM, "out of memory substituting a manifest variable");
    }
    return CZ_OK;
  }
  if (!cJSON_IsObject(node) && !cJSON_IsArray(node)) return CZ_OK;
  for (cJSON *c = node->child; c; c = c->next) {
    if (cJSON_IsObject(node) && c->string && strcmp(c->string, "manifest") == 0) continue;
    CZ_TRY(substitute_tree(c, vs));
  }
  return CZ_OK;
}

/* ------------------------------------------------------------------------------------------ */
/* Per-file path resolution                                                                    */

static cz_status set_string(cJSON *item, const char *s) {
  CZ_CHECK(cJSON_SetValuestring(item, s) != NULL, CZ_ERR_NOMEM, "out of memory updating the config");
  return CZ_OK;
}

/* Makes a relative path string absolute against dir; anything else is left for validation. */
static cz_status absolutise(cJSON *item, const char *dir) {
  if (!cJSON_IsString(item) || cz_path_is_absolute(item->valuestring)) return CZ_OK;
  char *abs = NULL;
  CZ_TRY(cz_path_join(dir, item->valuestring, &abs));
  cz_status st = set_string(item, abs);
  free(abs);
  return st;
}

static cz_status absolutise_keys(cJSON *obj, const char *const *keys, const char *dir) {
  if (!cJSON_IsObject(obj)) return CZ_OK;
  for (const char *const *k = keys; *k; k++) {
    CZ_TRY(absolutise(cJSON_GetObjectItemCaseSensitive(obj, *k), dir));
  }
  return CZ_OK;
}

/* Applies absolutise_keys to each object of the list root[section][list]. */
static cz_status absolutise_list(cJSON *root, const char *section, const char *list, const char *const *keys,
                                 const char *dir) {
  cJSON *sec = cJSON_GetObjectItemCaseSensitive(root, section);
  cJSON *arr = cJSON_IsObject(sec) ? cJSON_GetObjectItemCaseSensitive(sec, list) : NULL;
  if (!cJSON_IsArray(arr)) return CZ_OK;
  for (cJSON *e = arr->child; e; e = e->next) CZ_TRY(absolutise_keys(e, keys, dir));
  return CZ_OK;
}

/* Resolves the path-valued keys of one file against its folder. output_dir and the output
 * files are handled later (read_output) because they need the text as written. Report paths
 * are relative to output_dir and stay as they are. */
static cz_status resolve_file_paths(cJSON *root, const char *dir) {
  static const char *const node_keys[] = {"nodes_file", "node_types_file", NULL};
  static const char *const edge_keys[] = {"edges_file", "edge_types_file", NULL};
  static const char *const gap_keys[] = {"gap_juncs_file", NULL};
  static const char *const input_keys[] = {"input_file", "file", "data_file", NULL};

  cJSON *components = cJSON_GetObjectItemCaseSensitive(root, "components");
  if (cJSON_IsObject(components)) {
    for (cJSON *c = components->child; c; c = c->next) CZ_TRY(absolutise(c, dir));
  }
  CZ_TRY(absolutise_list(root, "networks", "nodes", node_keys, dir));
  CZ_TRY(absolutise_list(root, "networks", "edges", edge_keys, dir));
  CZ_TRY(absolutise_list(root, "networks", "gap_juncs", gap_keys, dir));
  CZ_TRY(absolutise(cJSON_GetObjectItemCaseSensitive(root, "node_sets_file"), dir));
  cJSON *inputs = cJSON_GetObjectItemCaseSensitive(root, "inputs");
  if (cJSON_IsObject(inputs)) {
    for (cJSON *b = inputs->child; b; b = b->next) CZ_TRY(absolutise_keys(b, input_keys, dir));
  }
  return CZ_OK;
}

/* ------------------------------------------------------------------------------------------ */
/* Files and child configs                                                                     */

typedef struct load_stack {
  const char *paths[CFG_INCLUDE_DEPTH];
  size_t depth;
} load_stack;

static cz_status load_tree(load_stack *stack, const char *path, const char *key, cJSON **tree,
                           cJSON **origins);

/* Moves every top-level member of src into dst, replacing members with the same key
 * (Python's dict.update). src is left empty. */
static cz_status merge_shallow(cJSON *dst, cJSON *src) {
  while (src->child) {
    cJSON *item = cJSON_DetachItemViaPointer(src, src->child);
    cJSON *old = cJSON_GetObjectItemCaseSensitive(dst, item->string);
    if (old) {
      cJSON_ReplaceItemViaPointer(dst, old, item);
    } else if (!cJSON_AddItemToObject(dst, item->string, item)) {
      cJSON_Delete(item);
      return CZ_ERROR(CZ_ERR_NOMEM, "out of memory merging configs");
    }
  }
  return CZ_OK;
}

static cz_status check_include_cycle(const load_stack *stack, const char *path, const char *key,
                                     const char *parent) {
  CZ_CHECK(stack->depth < CFG_INCLUDE_DEPTH, CZ_ERR_CONFIG,
           "config: %s: configs nested more than %d deep in %s", key, CFG_INCLUDE_DEPTH, parent);
  for (size_t i = 0; i < stack->depth; i++) {
    if (strcmp(stack->paths[i], path) == 0) {
      return CFG_ERR(CZ_ERR_CONFIG, parent, key, "include cycle: %s is already being loaded", path);
    }
  }
  return CZ_OK;
}

/* Loads the child config named by root[key] (when it is a string) and merges it in. */
static cz_status include_child(load_stack *stack, cJSON *root, cJSON *origins, const char *key,
                               const char *child_path, const char *parent) {
  CZ_TRY(check_include_cycle(stack, child_path, key, parent));
  cJSON *tree = NULL, *child_origins = NULL;
  CZ_TRY(load_tree(stack, child_path, key, &tree, &child_origins));
  cz_status st = merge_shallow(root, tree);
  if (st == CZ_OK) st = merge_shallow(origins, child_origins);
  cJSON_Delete(tree);
  cJSON_Delete(child_origins);
  CZ_TRY(st);
  return CZ_OK;
}

/* Paths of the "network" and "simulation" children, taken before merging either so that a
 * child cannot redirect its sibling. */
static cz_status child_paths(const cJSON *root, const char *dir, char *paths[2]) {
  static const char *const keys[2] = {"network", "simulation"};
  for (int i = 0; i < 2; i++) {
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(root, keys[i]);
    if (cJSON_IsString(v)) CZ_TRY(cz_path_join(dir, v->valuestring, &paths[i]));
  }
  return CZ_OK;
}

static cz_status record_origins(const cJSON *root, const char *path, cJSON *origins) {
  for (const cJSON *c = root->child; c; c = c->next) {
    CZ_CHECK(cJSON_AddStringToObject(origins, c->string, path) != NULL, CZ_ERR_NOMEM,
             "out of memory reading the config");
  }
  return CZ_OK;
}

/* Parses one file, substitutes, resolves its paths and merges its children. */
static cz_status process_file(load_stack *stack, const char *path, cJSON *root, cJSON *origins) {
  CZ_CHECK(cJSON_IsObject(root), CZ_ERR_CONFIG, "config: %s: the top level must be a JSON object, not %s",
           path, json_type_name(root));
  char *dir = NULL;
  char *children[2] = {NULL, NULL};
  cfg_vars vs = {0};
  cz_status st;
  CZ_TRY_GOTO(st, cz_path_dirname(path, &dir), done);
  CZ_TRY_GOTO(st, build_vars(root, path, dir, &vs), done);
  CZ_TRY_GOTO(st, substitute_tree(root, &vs), done);
  CZ_TRY_GOTO(st, resolve_file_paths(root, dir), done);
  CZ_TRY_GOTO(st, record_origins(root, path, origins), done);
  CZ_TRY_GOTO(st, child_paths(root, dir, children), done);
  stack->paths[stack->depth++] = path;
  if (children[0]) st = include_child(stack, root, origins, "network", children[0], path);
  if (st == CZ_OK && children[1]) st = include_child(stack, root, origins, "simulation", children[1], path);
  stack->depth--;
  if (st != CZ_OK) cz_error_trace(__FILE__, __LINE__, __func__);
done:
  vars_free(&vs);
  free(children[0]);
  free(children[1]);
  free(dir);
  return st;
}

/* key: the config key that named this file ("network"/"simulation"), NULL for the top one. */
static cz_status load_tree(load_stack *stack, const char *path, const char *key, cJSON **tree,
                           cJSON **origins) {
  *tree = NULL;
  *origins = NULL;
  const char *referrer = stack->depth ? stack->paths[stack->depth - 1] : NULL;
  cJSON *root = NULL;
  CZ_TRY(load_json_file(path, key, referrer, &root));
  cJSON *orig = cJSON_CreateObject();
  cz_status st = orig ? process_file(stack, path, root, orig)
                      : CZ_ERROR(CZ_ERR_NOMEM, "out of memory reading the config");
  if (st != CZ_OK) {
    cJSON_Delete(root);
    cJSON_Delete(orig);
    cz_error_trace(__FILE__, __LINE__, __func__);
    return st;
  }
  *tree = root;
  *origins = orig;
  return CZ_OK;
}

/* ------------------------------------------------------------------------------------------ */
/* Typed access with messages                                                                  */

/* A JSON object of the config with the key path and file used in messages. */
typedef struct cfg_obj {
  cJSON *json; /* NULL when the section is absent */
  char path[CFG_KEY_MAX];
  const char *file;
} cfg_obj;

static const char *origin_of(const cJSON *origins, const char *key, const char *fallback) {
  const cJSON *o = cJSON_GetObjectItemCaseSensitive(origins, key);
  return cJSON_IsString(o) ? o->valuestring : fallback;
}

static cJSON *obj_item(const cfg_obj *o, const char *key) {
  return o->json ? cJSON_GetObjectItemCaseSensitive(o->json, key) : NULL;
}

/* Top-level section key; absent is allowed unless required. */
static cz_status get_section(const cz_config *cfg, const cJSON *origins, const char *key, bool required,
                             cfg_obj *out) {
  out->json = cJSON_GetObjectItemCaseSensitive(cfg->root, key);
  key_fmt(out->path, sizeof out->path, "%s", key);
  out->file = origin_of(origins, key, cfg->path);
  if (!out->json) {
    if (required) return CFG_MISSING(cfg->path, key);
    return CZ_OK;
  }
  if (!cJSON_IsObject(out->json)) {
    return CFG_ERR(CZ_ERR_CONFIG, out->file, key, "must be an object, not %s", json_type_name(out->json));
  }
  return CZ_OK;
}

static cz_status obj_child(const cfg_obj *o, const char *key, cfg_obj *out) {
  out->json = obj_item(o, key);
  key_join(out->path, sizeof out->path, o->path, key);
  out->file = o->file;
  if (out->json && !cJSON_IsObject(out->json)) {
    return CFG_ERR(CZ_ERR_CONFIG, o->file, out->path, "must be an object, not %s", json_type_name(out->json));
  }
  return CZ_OK;
}

/* String member (borrowed), NULL when absent unless required. */
static cz_status obj_string(const cfg_obj *o, const char *key, bool required, const char **out) {
  *out = NULL;
  char where[CFG_KEY_MAX];
  key_join(where, sizeof where, o->path, key);
  const cJSON *v = obj_item(o, key);
  if (!v) {
    if (required) return CFG_MISSING(o->file, where);
    return CZ_OK;
  }
  if (!cJSON_IsString(v)) {
    return CFG_ERR(CZ_ERR_CONFIG, o->file, where, "must be a string, not %s", json_type_name(v));
  }
  *out = v->valuestring;
  return CZ_OK;
}

static cz_status obj_string_copy(const cfg_obj *o, const char *key, bool required, char **out) {
  const char *s;
  CZ_TRY(obj_string(o, key, required, &s));
  return cz_strdup(s, out);
}

/* Finite number member; *present false when absent (out untouched). */
static cz_status obj_number(const cfg_obj *o, const char *key, bool *present, double *out) {
  char where[CFG_KEY_MAX];
  key_join(where, sizeof where, o->path, key);
  const cJSON *v = obj_item(o, key);
  *present = v != NULL;
  if (!v) return CZ_OK;
  if (!cJSON_IsNumber(v)) {
    if (cJSON_IsString(v)) {
      return CFG_ERR(CZ_ERR_CONFIG, o->file, where, "must be a number, not a string (\"%s\")", v->valuestring);
    }
    return CFG_ERR(CZ_ERR_CONFIG, o->file, where, "must be a number, not %s", json_type_name(v));
  }
  /* cJSON reads 1e999 as inf without complaint. */
  if (!isfinite(v->valuedouble)) {
    return CFG_ERR(CZ_ERR_CONFIG, o->file, where, "must be a finite number (got %g)", v->valuedouble);
  }
  *out = v->valuedouble;
  return CZ_OK;
}

/* Whole-number member within [lo, hi]. */
static cz_status obj_whole(const cfg_obj *o, const char *key, double lo, double hi, bool *present,
                           double *out) {
  CZ_TRY(obj_number(o, key, present, out));
  if (!*present) return CZ_OK;
  char where[CFG_KEY_MAX];
  key_join(where, sizeof where, o->path, key);
  if (*out != floor(*out)) {
    return CFG_ERR(CZ_ERR_CONFIG, o->file, where, "must be a whole number (got %g)", *out);
  }
  if (!(*out >= lo && *out <= hi)) {
    return CFG_ERR(CZ_ERR_CONFIG, o->file, where, "must be between %.0f and %.0f (got %.0f)", lo, hi, *out);
  }
  return CZ_OK;
}

static cz_status obj_bool(const cfg_obj *o, const char *key, bool dflt, bool *out) {
  const cJSON *v = obj_item(o, key);
  *out = dflt;
  if (!v) return CZ_OK;
  if (!cJSON_IsBool(v)) {
    char where[CFG_KEY_MAX];
    key_join(where, sizeof where, o->path, key);
    return CFG_ERR(CZ_ERR_CONFIG, o->file, where, "must be true or false, not %s", json_type_name(v));
  }
  *out = cJSON_IsTrue(v);
  return CZ_OK;
}

/* ------------------------------------------------------------------------------------------ */
/* run                                                                                         */

static bool override_set(double v) { return !isnan(v) && !(v < 0); }

static cz_status check_positive(double v, cz_status code, const char *file, const char *key) {
  if (!(isfinite(v) && v > 0)) return CFG_ERR(code, file, key, "must be a finite number > 0 (got %g)", v);
  if (!cz_time_in_range(v)) return CFG_ERR(code, file, key, "is %g ms, beyond the longest time simulated (%g ms)", v, CZ_TIME_MAX_MS);
  return CZ_OK;
}

static cz_status check_dt(double dt, cz_status code, const char *file, const char *key) {
  CZ_TRY(check_positive(dt, code, file, key));
  double tics = nearbyint(dt / CFG_TIC_MS);
  if (tics < 1 || fabs(dt - tics * CFG_TIC_MS) > CFG_TIC_REL_TOL * dt) {
    return CFG_ERR(code, file, key, "must be a multiple of %g ms, the simulation time resolution (got %.17g)",
                   CFG_TIC_MS, dt);
  }
  return CZ_OK;
}

static cz_status read_dt(cz_config *cfg, const cfg_obj *run, const cz_cfg_overrides *ov) {
  if (ov && override_set(ov->dt)) {
    CZ_TRY(check_dt(ov->dt, CZ_ERR_ARG, cfg->path, "--dt (command-line override)"));
    cfg->dt = ov->dt;
    return CZ_OK;
  }
  bool have;
  CZ_TRY(obj_number(run, "dt", &have, &cfg->dt));
  if (!have) return CFG_MISSING(run->file, "run.dt");
  return check_dt(cfg->dt, CZ_ERR_CONFIG, run->file, "run.dt");
}

/* run.duration wins over run.tstop (PointNet). */
static cz_status read_tstop(cz_config *cfg, const cfg_obj *run, const cz_cfg_overrides *ov) {
  if (ov && override_set(ov->tstop)) {
    CZ_TRY(check_positive(ov->tstop, CZ_ERR_ARG, cfg->path, "--tstop (command-line override)"));
    cfg->tstop = ov->tstop;
    return CZ_OK;
  }
  bool have_tstop, have_duration;
  double tstop = 0, duration = 0;
  CZ_TRY(obj_number(run, "tstop", &have_tstop, &tstop));
  CZ_TRY(obj_number(run, "duration", &have_duration, &duration));
  if (have_duration) {
    cfg->tstop = duration;
    return check_positive(duration, CZ_ERR_CONFIG, run->file, "run.duration");
  }
  if (!have_tstop) {
    return cz_error_set(CZ_ERR_CONFIG, __FILE__, __LINE__, __func__,
                        "config: missing key \"run.tstop\" (or \"run.duration\") in %s", run->file);
  }
  cfg->tstop = tstop;
  return check_positive(tstop, CZ_ERR_CONFIG, run->file, "run.tstop");
}

/* Writes the overridden run values back so the dumped config shows what was run. */
static cz_status record_run_overrides(cz_config *cfg, const cz_cfg_overrides *ov) {
  if (!ov || (!override_set(ov->dt) && !override_set(ov->tstop))) return CZ_OK;
  cJSON *run = cJSON_GetObjectItemCaseSensitive(cfg->root, "run");
  if (!run) {
    run = cJSON_AddObjectToObject(cfg->root, "run");
    CZ_CHECK(run != NULL, CZ_ERR_NOMEM, "out of memory updating the config");
  }
  if (override_set(ov->dt)) {
    cJSON_DeleteItemFromObjectCaseSensitive(run, "dt");
    CZ_CHECK(cJSON_AddNumberToObject(run, "dt", cfg->dt), CZ_ERR_NOMEM, "out of memory updating the config");
  }
  if (override_set(ov->tstop)) {
    cJSON_DeleteItemFromObjectCaseSensitive(run, "duration");
    cJSON_DeleteItemFromObjectCaseSensitive(run, "tstop");
    CZ_CHECK(cJSON_AddNumberToObject(run, "tstop", cfg->tstop), CZ_ERR_NOMEM,
             "out of memory updating the config");
  }
  return CZ_OK;
}

static cz_status read_run(cz_config *cfg, const cJSON *origins, const cz_cfg_overrides *ov) {
  cfg_obj run;
  CZ_TRY(get_section(cfg, origins, "run", false, &run));
  CZ_TRY(read_dt(cfg, &run, ov));
  CZ_TRY(read_tstop(cfg, &run, ov));
  bool have;
  cfg->tstart = 0;
  CZ_TRY(obj_number(&run, "tstart", &have, &cfg->tstart));
  double v;
  CZ_TRY(obj_whole(&run, "n_thread", 1, INT_MAX, &have, &v));
  cfg->n_thread = have ? (int)v : 0;
  CZ_TRY(obj_whole(&run, "nsteps_block", 0, 9.0e18, &have, &v));
  cfg->nsteps_block = have ? (long)v : 0;
  CZ_TRY(obj_bool(&run, "precise_times", true, &cfg->precise_times));
  CZ_TRY(obj_bool(&run, "allow_offgrid_spikes", false, &cfg->allow_offgrid_spikes));
  return record_run_overrides(cfg, ov);
}

/* ------------------------------------------------------------------------------------------ */
/* output                                                                                      */

/* Whether path starts with prefix at a component boundary. BMTK uses a plain string prefix;
 * the boundary only differs for names like "output_log.txt" under "output", where BMTK's
 * result is an accident. */
static bool path_has_prefix(const char *path, const char *prefix) {
  size_t n = strlen(prefix);
  if (n == 0 || strncmp(path, prefix, n) != 0) return false;
  return path[n] == '\0' || path[n] == '/' || prefix[n - 1] == '/';
}

static const char *after_prefix(const char *path, const char *prefix) {
  const char *rest = path + strlen(prefix);
  while (*rest == '/') rest++;
  return rest;
}

typedef struct out_dirs {
  const char *raw;    /* output_dir as written (after substitution) */
  const char *cfgdir; /* folder of the file holding "output" */
  char *config_abs;   /* output_dir from the config, absolute */
  char *final_abs;    /* output_dir used (the override when given) */
} out_dirs;

/* Where an output file ends up: relative names go under output_dir (BMTK joins them unless
 * they already start with output_dir); with an output-dir override, whatever lay under the
 * config's output_dir moves with it. */
static cz_status output_file_path(const out_dirs *d, const char *value, char **out) {
  char *p = NULL;
  if (cz_path_is_absolute(value)) {
    CZ_TRY(cz_path_join(NULL, value, &p));
  } else if (!cz_path_is_absolute(d->raw) && path_has_prefix(value, d->raw)) {
    CZ_TRY(cz_path_join(d->cfgdir, value, &p));
  } else {
    CZ_TRY(cz_path_join(d->config_abs, value, &p));
  }
  if (strcmp(d->final_abs, d->config_abs) == 0 || !path_has_prefix(p, d->config_abs)) {
    *out = p;
    return CZ_OK;
  }
  cz_status st = cz_path_join(d->final_abs, after_prefix(p, d->config_abs), out);
  free(p);
  return st;
}

static cz_status set_output_field(cz_config *cfg, const char *key, const char *path) {
  char **field = NULL;
  if (strcmp(key, "log_file") == 0) field = &cfg->log_file;
  else if (strcmp(key, "spikes_file") == 0) field = &cfg->spikes_file;
  else if (strcmp(key, "spikes_file_csv") == 0) field = &cfg->spikes_file_csv;
  else if (strcmp(key, "spikes_file_nwb") == 0) field = &cfg->spikes_file_nwb;
  if (!field) return CZ_OK;
  return cz_strdup(path, field);
}

/* Resolves log_file and spikes_file* in the tree and in cfg. */
static cz_status resolve_output_files(cz_config *cfg, const cfg_obj *out, const out_dirs *d) {
  if (!out->json) return CZ_OK;
  for (cJSON *c = out->json->child; c; c = c->next) {
    if (strcmp(c->string, "log_file") != 0 && !cz_str_starts_with(c->string, "spikes_file")) continue;
    const char *value;
    CZ_TRY(obj_string(out, c->string, false, &value));
    char key[CFG_KEY_MAX];
    key_join(key, sizeof key, "output", c->string);
    CZ_TRY(cz_cfg_check_output_name(cfg, key, value));
    char *p = NULL;
    CZ_TRY(output_file_path(d, value, &p));
    cz_status st = set_string(c, p);
    if (st == CZ_OK) st = set_output_field(cfg, c->string, p);
    free(p);
    CZ_TRY(st);
  }
  if (cfg->spikes_file_nwb) {
    cz_log_warn("%s: output.spikes_file_nwb: NWB spike output is not supported; %s will not be written",
                out->file, cfg->spikes_file_nwb);
  }
  return CZ_OK;
}

static cz_status resolve_output_dir(cz_config *cfg, const cfg_obj *out, const cz_cfg_overrides *ov,
                                    out_dirs *d) {
  CZ_TRY(obj_string(out, "output_dir", false, &d->raw));
  if (!d->raw) d->raw = ".";
  CZ_TRY(cz_path_join(d->cfgdir, d->raw, &d->config_abs));
  if (ov && ov->output_dir) {
    CZ_TRY(cz_path_absolute(ov->output_dir, &d->final_abs));
  } else {
    CZ_TRY(cz_strdup(d->config_abs, &d->final_abs));
  }
  CZ_TRY(cz_strdup(d->final_abs, &cfg->output_dir));
  return CZ_OK;
}

static cz_status write_output_dir(const cfg_obj *out, const char *dir) {
  if (!out->json) return CZ_OK;
  cJSON *v = cJSON_GetObjectItemCaseSensitive(out->json, "output_dir");
  if (v) return set_string(v, dir);
  CZ_CHECK(cJSON_AddStringToObject(out->json, "output_dir", dir) != NULL, CZ_ERR_NOMEM,
           "out of memory updating the config");
  return CZ_OK;
}

static cz_status read_sort_order(cz_config *cfg, const cfg_obj *out) {
  static const struct {
    const char *name;
    cz_sort_order order;
  } names[] = {{"time", CZ_SORT_BY_TIME}, {"by_time", CZ_SORT_BY_TIME}, {"id", CZ_SORT_BY_ID},
               {"by_id", CZ_SORT_BY_ID},  {"node_id", CZ_SORT_BY_ID},   {"gid", CZ_SORT_BY_ID},
               {"none", CZ_SORT_NONE},    {"na", CZ_SORT_NONE},         {"", CZ_SORT_NONE}};
  const char *key = obj_item(out, "spikes_sort_order") ? "spikes_sort_order" : "sort_by";
  const char *value;
  CZ_TRY(obj_string(out, key, false, &value));
  cfg->sort_order = CZ_SORT_NONE;
  if (!value) return CZ_OK;
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
    if (strcasecmp(value, names[i].name) == 0) {
      cfg->sort_order = names[i].order;
      return CZ_OK;
    }
  }
  char where[CFG_KEY_MAX];
  key_join(where, sizeof where, out->path, key);
  return CFG_ERR(CZ_ERR_CONFIG, out->file, where,
                 "unknown sort order \"%s\" (valid: time, by_time, id, by_id, node_id, gid, none, na)", value);
}

static cz_status read_log_settings(cz_config *cfg, const cfg_obj *out) {
  CZ_TRY(obj_string_copy(out, "log_level", false, &cfg->log_level));
  cz_log_level level;
  if (cfg->log_level && !cz_log_parse_level(cfg->log_level, &level)) {
    return CFG_ERR(CZ_ERR_CONFIG, out->file, "output.log_level",
                   "unknown level \"%s\" (valid: DEBUG, INFO, WARNING, ERROR, CRITICAL, QUIET)", cfg->log_level);
  }
  CZ_TRY(obj_bool(out, "log_to_console", true, &cfg->log_to_console));
  CZ_TRY(obj_bool(out, "quiet_simulator", false, &cfg->quiet_simulator));
  return CZ_OK;
}

/* output.overwrite_output_dir, else run.overwrite_output_dir (PointNet reads both). */
static cz_status read_overwrite(cz_config *cfg, const cJSON *origins, const cfg_obj *out) {
  if (obj_item(out, "overwrite_output_dir")) {
    return obj_bool(out, "overwrite_output_dir", false, &cfg->overwrite_output_dir);
  }
  cfg_obj run;
  CZ_TRY(get_section(cfg, origins, "run", false, &run));
  return obj_bool(&run, "overwrite_output_dir", false, &cfg->overwrite_output_dir);
}

/* Whether a path holds ".." as one of its components. */
static bool climbs_up(const char *path) {
  for (const char *p = path; (p = strstr(p, "..")) != NULL; p += 2)
    if ((p == path || p[-1] == '/') && (p[2] == '\0' || p[2] == '/')) return true;
  return false;
}

cz_status cz_cfg_check_output_name(const cz_config *cfg, const char *key, const char *name) {
  if (cz_path_is_absolute(name) || !climbs_up(name)) return CZ_OK;
  return CZ_ERROR(CZ_ERR_CONFIG,
                  "%s: %s = \"%s\" leaves output.output_dir through \"..\"; name a file inside it, or give an "
                  "absolute path",
                  cfg->path, key, name);
}

/* The files a run writes besides reports, with the keys that name them (path NULL: none). */
typedef struct run_output {
  const char *key;
  char *path;
} run_output;

enum { N_RUN_OUTPUTS = 5 };

static cz_status run_outputs_of(const cz_config *cfg, run_output out[N_RUN_OUTPUTS]) {
  out[0] = (run_output){"output.spikes_file", NULL};
  out[1] = (run_output){"output.spikes_file_csv", NULL};
  out[2] = (run_output){"output.log_file", NULL};
  out[3] = (run_output){"the copy of the config", NULL};
  out[4] = (run_output){"timers.json", NULL};
  const char *given[3] = {cfg->spikes_file, cfg->spikes_file_csv, cfg->log_file};
  for (int i = 0; i < 3; i++)
    if (given[i]) CZ_TRY(cz_strdup(given[i], &out[i].path));
  CZ_TRY(cz_path_join(cfg->output_dir, cz_path_basename(cfg->path), &out[3].path));
  return cz_path_join(cfg->output_dir, "timers.json", &out[4].path);
}

static void run_outputs_free(run_output out[N_RUN_OUTPUTS]) {
  for (int i = 0; i < N_RUN_OUTPUTS; i++) free(out[i].path);
}

cz_status cz_cfg_check_output_file(const cz_config *cfg, const char *key, const char *path) {
  run_output out[N_RUN_OUTPUTS] = {{0}};
  cz_status st = run_outputs_of(cfg, out);
  for (int i = 0; st == CZ_OK && i < N_RUN_OUTPUTS; i++)
    if (out[i].path && strcmp(out[i].path, path) == 0)
      st = CZ_ERROR(CZ_ERR_CONFIG, "%s: %s and %s name the same file %s; give each output its own file", cfg->path,
                    key, out[i].key, path);
  run_outputs_free(out);
  return st;
}

/* No two of the run's own outputs may share a file (a spikes file over the log, say). */
static cz_status check_run_outputs_apart(const cz_config *cfg) {
  run_output out[N_RUN_OUTPUTS] = {{0}};
  cz_status st = run_outputs_of(cfg, out);
  for (int i = 0; st == CZ_OK && i < N_RUN_OUTPUTS; i++)
    for (int j = 0; st == CZ_OK && j < i; j++)
      if (out[i].path && out[j].path && strcmp(out[i].path, out[j].path) == 0)
        st = CZ_ERROR(CZ_ERR_CONFIG, "%s: %s and %s name the same file %s; give each output its own file", cfg->path,
                      out[j].key, out[i].key, out[i].path);
  run_outputs_free(out);
  return st;
}

static cz_status read_output(cz_config *cfg, const cJSON *origins, const cz_cfg_overrides *ov) {
  cfg_obj out;
  CZ_TRY(get_section(cfg, origins, "output", false, &out));
  char *cfgdir = NULL;
  CZ_TRY(cz_path_dirname(out.file, &cfgdir));
  out_dirs d = {.cfgdir = cfgdir};
  cz_status st;
  CZ_TRY_GOTO(st, resolve_output_dir(cfg, &out, ov, &d), done);
  CZ_TRY_GOTO(st, resolve_output_files(cfg, &out, &d), done);
  CZ_TRY_GOTO(st, write_output_dir(&out, d.final_abs), done);
  CZ_TRY_GOTO(st, read_sort_order(cfg, &out), done);
  CZ_TRY_GOTO(st, read_log_settings(cfg, &out), done);
  CZ_TRY_GOTO(st, read_overwrite(cfg, origins, &out), done);
  CZ_TRY_GOTO(st, check_run_outputs_apart(cfg), done);
done:
  free(d.config_abs);
  free(d.final_abs);
  free(cfgdir);
  return st;
}

/* ------------------------------------------------------------------------------------------ */
/* components, networks, node sets                                                             */

static cz_status read_components(cz_config *cfg, const cJSON *origins) {
  cfg_obj comp;
  CZ_TRY(get_section(cfg, origins, "components", false, &comp));
  if (!comp.json) return CZ_OK;
  size_t n = (size_t)cJSON_GetArraySize(comp.json);
  CZ_NEW(cfg->components, n);
  for (const cJSON *c = comp.json->child; c; c = c->next) {
    struct cz_cfg_component *dst = &cfg->components[cfg->ncomponents];
    CZ_TRY(obj_string_copy(&comp, c->string, true, &dst->value));
    cfg->ncomponents++;
    CZ_TRY(cz_strdup(c->string, &dst->key));
  }
  return CZ_OK;
}

/* The i-th entry of networks.<list> as an object with its key path. */
static cz_status list_entry(const cfg_obj *networks, const char *list, size_t i, const cJSON *e,
                            cfg_obj *out) {
  out->json = (cJSON *)e;
  key_fmt(out->path, sizeof out->path, "%s.%s[%zu]", networks->path, list, i);
  out->file = networks->file;
  if (!cJSON_IsObject(e)) {
    return CFG_ERR(CZ_ERR_CONFIG, out->file, out->path, "must be an object, not %s", json_type_name(e));
  }
  return CZ_OK;
}

/* networks.<list>, which must be a list when present. */
static cz_status network_list(const cfg_obj *networks, const char *list, const cJSON **out) {
  *out = obj_item(networks, list);
  if (*out && !cJSON_IsArray(*out)) {
    char where[CFG_KEY_MAX];
    key_join(where, sizeof where, networks->path, list);
    return CFG_ERR(CZ_ERR_CONFIG, networks->file, where, "must be a list, not %s", json_type_name(*out));
  }
  return CZ_OK;
}

static cz_status read_node_files(cz_config *cfg, const cfg_obj *networks) {
  const cJSON *list;
  CZ_TRY(network_list(networks, "nodes", &list));
  if (!list) return CFG_MISSING(networks->file, "networks.nodes");
  size_t n = (size_t)cJSON_GetArraySize(list);
  if (n == 0) return CFG_ERR(CZ_ERR_CONFIG, networks->file, "networks.nodes", "lists no node files");
  CZ_NEW(cfg->nodes, n);
  size_t i = 0;
  for (const cJSON *e = list->child; e; e = e->next, i++) {
    cfg_obj entry;
    CZ_TRY(list_entry(networks, "nodes", i, e, &entry));
    cz_cfg_nodes *dst = &cfg->nodes[cfg->nnodes++];
    CZ_TRY(obj_string_copy(&entry, "nodes_file", true, &dst->nodes_file));
    CZ_TRY(obj_string_copy(&entry, "node_types_file", true, &dst->node_types_file));
    CZ_TRY(obj_bool(&entry, "enabled", true, &dst->enabled));
    for (size_t j = 0; j < i; j++) {
      if (strcmp(cfg->nodes[j].nodes_file, dst->nodes_file) == 0) {
        return CFG_ERR(CZ_ERR_CONFIG, networks->file, entry.path,
                       "nodes file %s is already listed as networks.nodes[%zu]", dst->nodes_file, j);
      }
    }
  }
  return CZ_OK;
}

static cz_status read_edge_files(cz_config *cfg, const cfg_obj *networks) {
  const cJSON *list;
  CZ_TRY(network_list(networks, "edges", &list));
  if (!list) return CZ_OK;
  CZ_NEW(cfg->edges, (size_t)cJSON_GetArraySize(list));
  size_t i = 0;
  for (const cJSON *e = list->child; e; e = e->next, i++) {
    cfg_obj entry;
    CZ_TRY(list_entry(networks, "edges", i, e, &entry));
    cz_cfg_edges *dst = &cfg->edges[cfg->nedges++];
    CZ_TRY(obj_string_copy(&entry, "edges_file", true, &dst->edges_file));
    CZ_TRY(obj_string_copy(&entry, "edge_types_file", true, &dst->edge_types_file));
    CZ_TRY(obj_bool(&entry, "enabled", true, &dst->enabled));
    for (size_t j = 0; j < i; j++) {
      if (strcmp(cfg->edges[j].edges_file, dst->edges_file) == 0) {
        return CFG_ERR(CZ_ERR_CONFIG, networks->file, entry.path,
                       "edges file %s is already listed as networks.edges[%zu]", dst->edges_file, j);
      }
    }
  }
  return CZ_OK;
}

static cz_status read_networks(cz_config *cfg, const cJSON *origins) {
  cfg_obj networks;
  CZ_TRY(get_section(cfg, origins, "networks", true, &networks));
  CZ_TRY(read_node_files(cfg, &networks));
  CZ_TRY(read_edge_files(cfg, &networks));
  return CZ_OK;
}

/* Inline "node_sets" wins; otherwise node_sets_file is loaded (BMTK's post-processing). */
static cz_status read_node_sets(cz_config *cfg, const cJSON *origins) {
  const cJSON *file_item = cJSON_GetObjectItemCaseSensitive(cfg->root, "node_sets_file");
  const char *file_origin = origin_of(origins, "node_sets_file", cfg->path);
  if (file_item) {
    if (!cJSON_IsString(file_item)) {
      return CFG_ERR(CZ_ERR_CONFIG, file_origin, "node_sets_file", "must be a string, not %s",
                     json_type_name(file_item));
    }
    CZ_TRY(cz_strdup(file_item->valuestring, &cfg->node_sets_file));
  }
  const cJSON *inline_sets = cJSON_GetObjectItemCaseSensitive(cfg->root, "node_sets");
  if (inline_sets) {
    if (!cJSON_IsObject(inline_sets)) {
      return CFG_ERR(CZ_ERR_CONFIG, origin_of(origins, "node_sets", cfg->path), "node_sets",
                     "must be an object, not %s", json_type_name(inline_sets));
    }
    cfg->node_sets = inline_sets;
    return CZ_OK;
  }
  if (!cfg->node_sets_file) return CZ_OK;
  CZ_TRY(load_json_file(cfg->node_sets_file, "node_sets_file", file_origin, &cfg->node_sets_owned));
  if (!cJSON_IsObject(cfg->node_sets_owned)) {
    return CFG_ERR(CZ_ERR_CONFIG, cfg->node_sets_file, "node_sets_file",
                   "the node sets file must hold a JSON object, not %s", json_type_name(cfg->node_sets_owned));
  }
  cfg->node_sets = cfg->node_sets_owned;
  return CZ_OK;
}

/* ------------------------------------------------------------------------------------------ */
/* inputs and reports                                                                          */

static bool name_in(const char *name, const char *const *list) {
  for (; *list; list++) {
    if (strcmp(name, *list) == 0) return true;
  }
  return false;
}

/* Modules of BMTK's other engines, and the PointNet ones Cadenza does not have yet. */
static const char *const OTHER_INPUT_MODULES[] = {
    "replay",     "syn_activity", "SEClamp", "xstim",   "comsol",           "ecephys_probe", "movie",
    "graiting",   "grating",      "looming", "spontaneous", "full_field_flash", "pop_rates", NULL};
static const char *const POINT_REPORT_MODULES[] = {"membrane_report", "multimeter_report", "multimeter",
                                                   "weight_recorder", NULL};
static const char *const OTHER_REPORT_MODULES[] = {"spikes_report", "netcon_report", "syn_report",    "syn_weight",
                                                   "extracellular", "ecp",           "clamp_report", "save_synapses",
                                                   NULL};

static bool name_in_nocase(const char *name, const char *const *list) {
  for (; *list; list++) {
    if (strcasecmp(name, *list) == 0) return true;
  }
  return false;
}

/* Why a point-network run cannot honour an input, or NULL: BMTK's PointNet warns about the
 * modules it does not know and runs without them, which changes the run silently. */
static cz_status input_refusal(const cfg_obj *b, const cz_cfg_block *blk, char **out) {
  static const char *const spike_modules[] = {"sonata", "h5", "hdf5", "csv", "nwb", NULL};
  const char *m = blk->module, *type = blk->input_type ? blk->input_type : "";
  const bool spikes = strcmp(type, "spikes") == 0, poisson = strcmp(type, "poisson") == 0;
  const char *const off = "delete the block or set \"enabled\": false to run without it";
  if (poisson || (m && strcmp(m, "IClamp") == 0) || (spikes && m && name_in_nocase(m, spike_modules))) return CZ_OK;
  if (!m) return cz_asprintf(out, "%s: %s has no \"module\" (input_type \"%s\")", b->file, b->path, type);
  if (strcmp(m, "function") == 0)
    return cz_asprintf(out,
                       "%s: %s: module \"function\" runs a Python function, which Cadenza cannot run; write the "
                       "spike trains to a SONATA spikes file and use \"module\": \"sonata\"",
                       b->file, b->path);
  if (name_in(m, OTHER_INPUT_MODULES) || strcmp(type, "movie") == 0)
    return cz_asprintf(out, "%s: %s: module \"%s\" (input_type \"%s\") is a BMTK input that Cadenza does not have "
                       "yet; %s", b->file, b->path, m, type, off);
  return cz_asprintf(out,
                     "%s: %s: unknown input module \"%s\" (input_type \"%s\"); Cadenza runs spikes (modules sonata, "
                     "h5, hdf5, csv, nwb), IClamp and poisson inputs; %s",
                     b->file, b->path, m, type, off);
}

static cz_status check_input(const cfg_obj *b, cz_cfg_block *blk) {
  if (!blk->enabled) return CZ_OK;
  if (blk->input_type && strcmp(blk->input_type, "spikes") == 0) {
    const char *file;
    CZ_TRY(obj_string(b, "input_file", true, &file));
  }
  return input_refusal(b, blk, &blk->unsupported);
}

/* A report module no BMTK engine knows is an error (PointNet raises on it); one that Cadenza
 * does not write for point networks is refused later (cz_cfg_check_point_blocks), after a
 * folder for another engine has been told so. */
static cz_status check_report(const cfg_obj *b, cz_cfg_block *blk) {
  if (!blk->enabled) return CZ_OK;
  char where[CFG_KEY_MAX];
  key_join(where, sizeof where, b->path, "module");
  if (!blk->module) return CFG_MISSING(b->file, where);
  if (name_in(blk->module, POINT_REPORT_MODULES)) return CZ_OK;
  if (name_in(blk->module, OTHER_REPORT_MODULES))
    return cz_asprintf(&blk->unsupported,
                       "%s: %s: \"%s\" is a BMTK report that Cadenza does not write yet (it writes membrane_report, "
                       "multimeter_report, multimeter and weight_recorder); delete the block or set \"enabled\": "
                       "false to run without it",
                       b->file, where, blk->module);
  return CFG_ERR(CZ_ERR_CONFIG, b->file, where,
                 "unknown report module \"%s\" (BMTK's are membrane_report, multimeter_report, multimeter, "
                 "weight_recorder, spikes_report, netcon_report, syn_report, syn_weight, extracellular, ecp, "
                 "clamp_report, save_synapses)",
                 blk->module);
}

static cz_status read_block(const cfg_obj *sec, cJSON *item, bool reports, cz_cfg_block *blk) {
  cfg_obj b;
  CZ_TRY(obj_child(sec, item->string, &b));
  CZ_TRY(cz_strdup(item->string, &blk->name));
  blk->json = item;
  CZ_TRY(obj_bool(&b, "enabled", true, &blk->enabled));
  CZ_TRY(obj_string_copy(&b, "module", false, &blk->module));
  if (reports) {
    blk->node_set = obj_item(&b, "cells");
    return check_report(&b, blk);
  }
  CZ_TRY(obj_string_copy(&b, "input_type", false, &blk->input_type));
  blk->node_set = obj_item(&b, "node_set");
  return check_input(&b, blk);
}

static cz_status read_blocks(cz_config *cfg, const cJSON *origins, const char *key, cz_cfg_block **out,
                             size_t *n) {
  cfg_obj sec;
  CZ_TRY(get_section(cfg, origins, key, false, &sec));
  if (!sec.json) return CZ_OK;
  CZ_NEW(*out, (size_t)cJSON_GetArraySize(sec.json));
  bool reports = strcmp(key, "reports") == 0;
  for (cJSON *c = sec.json->child; c; c = c->next) {
    cz_cfg_block *blk = &(*out)[(*n)++];
    CZ_TRY(read_block(&sec, c, reports, blk));
  }
  return CZ_OK;
}

/* Which engine it names is app/engine_kind.h's to decide, from this and the nodes. */
static cz_status read_target_simulator(cz_config *cfg, const cJSON *origins) {
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(cfg->root, "target_simulator");
  if (!v) return CZ_OK;
  const char *file = origin_of(origins, "target_simulator", cfg->path);
  if (!cJSON_IsString(v)) {
    return CFG_ERR(CZ_ERR_CONFIG, file, "target_simulator", "must be a string, not %s", json_type_name(v));
  }
  CZ_TRY(cz_strdup(file, &cfg->target_simulator_file));
  return cz_strdup(v->valuestring, &cfg->target_simulator);
}

/* ------------------------------------------------------------------------------------------ */
/* Public API                                                                                  */

static cz_status extract(cz_config *cfg, const cJSON *origins, const cz_cfg_overrides *ov) {
  CZ_TRY(read_target_simulator(cfg, origins));
  CZ_TRY(read_run(cfg, origins, ov));
  CZ_TRY(read_output(cfg, origins, ov));
  CZ_TRY(read_components(cfg, origins));
  CZ_TRY(read_networks(cfg, origins));
  CZ_TRY(read_node_sets(cfg, origins));
  CZ_TRY(read_blocks(cfg, origins, "inputs", &cfg->inputs, &cfg->ninputs));
  CZ_TRY(read_blocks(cfg, origins, "reports", &cfg->reports, &cfg->nreports));
  return CZ_OK;
}

static cz_status load_into(cz_config *cfg, const char *path, const cz_cfg_overrides *ov) {
  CZ_TRY(cz_path_absolute(path, &cfg->path));
  CZ_TRY(cz_path_dirname(cfg->path, &cfg->dir));
  load_stack stack = {.depth = 0};
  cJSON *origins = NULL;
  CZ_TRY(load_tree(&stack, cfg->path, NULL, &cfg->root, &origins));
  cz_status st = extract(cfg, origins, ov);
  cJSON_Delete(origins);
  CZ_TRY(st);
  return CZ_OK;
}

cz_status cz_cfg_load(const char *path, const cz_cfg_overrides *ov, cz_config **out) {
  CZ_CHECK(path && *path && out, CZ_ERR_ARG, "config: no config file given");
  *out = NULL;
  cz_config *cfg;
  CZ_NEW(cfg, 1);
  cz_status st = load_into(cfg, path, ov);
  if (st != CZ_OK) {
    cz_cfg_destroy(&cfg);
    cz_error_trace(__FILE__, __LINE__, __func__);
    return st;
  }
  *out = cfg;
  return CZ_OK;
}

static void free_blocks(cz_cfg_block *b, size_t n) {
  for (size_t i = 0; i < n; i++) {
    free(b[i].name);
    free(b[i].input_type);
    free(b[i].module);
    free(b[i].unsupported);
  }
  free(b);
}

void cz_cfg_destroy(cz_config **pcfg) {
  if (!pcfg || !*pcfg) return;
  cz_config *cfg = *pcfg;
  free(cfg->path);
  free(cfg->dir);
  cJSON_Delete(cfg->root);
  free(cfg->target_simulator);
  free(cfg->target_simulator_file);
  free(cfg->output_dir);
  free(cfg->log_file);
  free(cfg->log_level);
  free(cfg->spikes_file);
  free(cfg->spikes_file_csv);
  free(cfg->spikes_file_nwb);
  for (size_t i = 0; i < cfg->ncomponents; i++) {
    free(cfg->components[i].key);
    free(cfg->components[i].value);
  }
  free(cfg->components);
  for (size_t i = 0; i < cfg->nnodes; i++) {
    free(cfg->nodes[i].nodes_file);
    free(cfg->nodes[i].node_types_file);
  }
  free(cfg->nodes);
  for (size_t i = 0; i < cfg->nedges; i++) {
    free(cfg->edges[i].edges_file);
    free(cfg->edges[i].edge_types_file);
  }
  free(cfg->edges);
  cJSON_Delete(cfg->node_sets_owned);
  free(cfg->node_sets_file);
  free_blocks(cfg->inputs, cfg->ninputs);
  free_blocks(cfg->reports, cfg->nreports);
  free(cfg);
  *pcfg = NULL;
}

cz_status cz_cfg_check_point_start(const cz_config *cfg) {
  CZ_CHECK(cfg->tstart == 0, CZ_ERR_CONFIG,
           "%s: run.tstart is %g ms; BMTK PointNet always starts at 0 ms and ignores run.tstart, so a non-zero "
           "value is refused (remove it, or set it to 0)",
           cfg->path, cfg->tstart);
  return CZ_OK;
}

cz_status cz_cfg_check_point_blocks(const cz_config *cfg) {
  CZ_TRY(cz_cfg_check_point_start(cfg));
  for (size_t i = 0; i < cfg->ninputs; i++)
    if (cfg->inputs[i].enabled && cfg->inputs[i].unsupported)
      return CZ_ERROR(CZ_ERR_CONFIG, "%s", cfg->inputs[i].unsupported);
  for (size_t i = 0; i < cfg->nreports; i++)
    if (cfg->reports[i].enabled && cfg->reports[i].unsupported)
      return CZ_ERROR(CZ_ERR_CONFIG, "%s", cfg->reports[i].unsupported);
  return CZ_OK;
}

const char *cz_cfg_component(const cz_config *cfg, const char *key) {
  if (!cfg || !key) return NULL;
  for (size_t i = 0; i < cfg->ncomponents; i++) {
    if (strcmp(cfg->components[i].key, key) == 0) return cfg->components[i].value;
  }
  return NULL;
}

/* BMTK's copy also carries node_sets when they came from node_sets_file (it loads them into
 * the config dict). */
cz_status cz_cfg_dump(const cz_config *cfg, char **out) {
  CZ_CHECK(cfg && cfg->root && out, CZ_ERR_ARG, "config: nothing to dump");
  *out = NULL;
  cJSON *copy = cJSON_Duplicate(cfg->root, 1);
  CZ_CHECK(copy != NULL, CZ_ERR_NOMEM, "out of memory copying the config");
  cJSON_DeleteItemFromObjectCaseSensitive(copy, "manifest");
  if (cfg->node_sets_owned && !cJSON_GetObjectItemCaseSensitive(copy, "node_sets")) {
    cJSON *sets = cJSON_Duplicate(cfg->node_sets_owned, 1);
    if (!sets || !cJSON_AddItemToObject(copy, "node_sets", sets)) {
      cJSON_Delete(sets);
      cJSON_Delete(copy);
      return CZ_ERROR(CZ_ERR_NOMEM, "out of memory copying the config");
    }
  }
  char *text = cJSON_Print(copy);
  cJSON_Delete(copy);
  CZ_CHECK(text != NULL, CZ_ERR_NOMEM, "out of memory printing the config");
  cz_status st = cz_strdup(text, out);
  cJSON_free(text);
  return st;
}
