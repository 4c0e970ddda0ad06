/* Manifest variables and their substitution (io/config_manifest.h). */
#include "io/config_manifest.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/mem.h"
#include "base/str.h"
#include "io/config_json.h"

enum { CFG_MANIFEST_PASSES = 32 /* manifest resolution passes before giving up */ };


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
      char key[CZ_CFG_KEY_MAX];
      cz_cfg_key_fmt(key, sizeof key, "manifest.%s", var);
      return CZ_CFG_ERR(CZ_ERR_CONFIG, file, key, "unable to resolve manifest variables: \"$%.*s\" is not defined",
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
  char names[CZ_CFG_KEY_MAX] = "";
  size_t w = 0;
  for (size_t i = 0; i < vs->n && w + 1 < sizeof names; i++) {
    if (vs->v[i].resolved) continue;
    int k = snprintf(names + w, sizeof names - w, "%s$%s", w ? ", " : "", vs->v[i].name);
    if (k < 0) break;
    w += (size_t)k;
  }
  if (w >= sizeof names) w = sizeof names - 1;
  return CZ_CFG_ERR(CZ_ERR_CONFIG, file, "manifest", "unable to resolve manifest variables %s (cycle?)", names);
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
    return CZ_CFG_ERR(CZ_ERR_CONFIG, path, "manifest", "must be an object, not %s", cz_cfg_json_type(manifest));
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

cz_status cz_cfg_manifest_apply(cJSON *root, const char *path, const char *dir) {
  cfg_vars vs = {0};
  cz_status st = build_vars(root, path, dir, &vs);
  if (st == CZ_OK) st = substitute_tree(root, &vs);
  vars_free(&vs);
  return st;
}
