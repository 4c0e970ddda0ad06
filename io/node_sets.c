/* Node set resolution (sonata-spec 2.4): see io/node_sets.h for the grammar.
 *
 * Every construct of the grammar is a union of dict selections (a name stands for its
 * definition, a compound for the union of its parts, a built-in for a dict with no
 * predicates), so resolution marks rows in one byte mask per population and never needs to
 * intersect two sub-results; only the keys of one dict are ANDed, row by row. */
#include "io/node_sets.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <regex.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "base/mem.h"
#include "base/str.h"

/* Deeper name chains than this are surely a mistake; the cap also bounds the recursion. */
enum { NS_MAX_DEPTH = 64 };

/* State of one cz_ns_resolve call. */
typedef struct ns_ctx {
  const cJSON *sets;
  const cz_ns_view *view;
  const char *where;
  const char *stack[NS_MAX_DEPTH]; /* names being resolved, outermost first */
  size_t depth;
  size_t *pop_size;                /* [npops], cached from the view */
  uint8_t **mask;                  /* [npops][pop_size]: 1 = selected */
  char **warned;                   /* warnings already given, so each is given once */
  size_t nwarned, cap_warned;
} ns_ctx;

/* A JSON scalar an attribute is compared with. */
typedef enum ns_scalar_kind { NS_NUM, NS_STR, NS_BOOL } ns_scalar_kind;
typedef struct ns_scalar {
  ns_scalar_kind kind;
  double num;      /* NS_NUM; NS_BOOL as 0/1; NS_STR when str_is_num */
  const char *str; /* NS_STR, borrowed from the JSON */
  bool str_is_num; /* NS_STR that reads as a number, so "1" matches 1.0 */
} ns_scalar;

/* One operator of an operator dict. */
typedef enum ns_op { NS_OP_REGEX, NS_OP_GT, NS_OP_LT, NS_OP_GE, NS_OP_LE } ns_op;
typedef struct ns_cond {
  ns_op op;
  double value;  /* comparison operators */
  regex_t re;    /* NS_OP_REGEX */
  bool re_ready; /* re was compiled and must be freed */
} ns_cond;

/* An attribute predicate: the key's value equals one of `any`, or meets every cond. */
typedef struct ns_pred {
  const char *key;
  ns_scalar *any;
  size_t nany;
  ns_cond *conds;
  size_t nconds, cap_conds;
  bool is_ops;
} ns_pred;

/* A list of node ids, sorted and without duplicates for binary search. */
typedef struct ns_ids {
  uint64_t *v;
  size_t n;
} ns_ids;

/* The parsed keys of one dict. */
typedef struct ns_dict {
  bool *pop_ok; /* [npops]: population passes the population keys */
  ns_ids *ids;  /* every list must contain the node id */
  size_t nids, cap_ids;
  ns_pred *preds;
  size_t npreds, cap_preds;
} ns_dict;

static cz_status eval_expr(ns_ctx *c, const cJSON *expr);

/* ---- messages ---- */

/* Fails with "<where>[: node set 'name']: message", naming the innermost set being resolved. */
static cz_status ns_fail(const ns_ctx *c, int line, const char *func, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static cz_status ns_fail(const ns_ctx *c, int line, const char *func, const char *fmt, ...) {
  char msg[1536];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  if (c->depth > 0)
    return cz_error_set(CZ_ERR_CONFIG, __FILE__, line, func, "%s: node set '%s': %s", c->where,
                        c->stack[c->depth - 1], msg);
  return cz_error_set(CZ_ERR_CONFIG, __FILE__, line, func, "%s: %s", c->where, msg);
}
#define NS_FAIL(c, ...) ns_fail((c), __LINE__, __func__, __VA_ARGS__)

static const char *json_type_name(const cJSON *j) {
  if (cJSON_IsNull(j)) return "null";
  if (cJSON_IsBool(j)) return "a boolean";
  if (cJSON_IsNumber(j)) return "a number";
  if (cJSON_IsString(j)) return "a string";
  if (cJSON_IsArray(j)) return "a list";
  if (cJSON_IsObject(j)) return "an object";
  return "an invalid value";
}

/* A growable string for messages that list names. */
typedef struct strbuf {
  char *s;
  size_t len, cap;
} strbuf;

static cz_status strbuf_add(strbuf *b, const char *sep, const char *text) {
  size_t ns = (b->len && sep) ? strlen(sep) : 0, nt = strlen(text);
  CZ_RESERVE(b->s, b->cap, b->len + ns + nt + 1);
  memcpy(b->s + b->len, sep, ns);
  memcpy(b->s + b->len + ns, text, nt);
  b->len += ns + nt;
  b->s[b->len] = '\0';
  return CZ_OK;
}

/* Logs a warning once per tag and resolve call, so a set referenced many times warns once. */
static cz_status warn_once(ns_ctx *c, const char *tag, const char *msg) {
  for (size_t i = 0; i < c->nwarned; i++)
    if (strcmp(c->warned[i], tag) == 0) return CZ_OK;
  CZ_RESERVE(c->warned, c->cap_warned, c->nwarned + 1);
  CZ_TRY(cz_strdup(tag, &c->warned[c->nwarned]));
  c->nwarned++;
  cz_log_warn("%s", msg);
  return CZ_OK;
}

/* ---- values ---- */

/* Whether text is a whole decimal number (infinities included, hex and NaN not, as pandas
 * reads CSV cells). */
static bool text_number(const char *s, double *out) {
  if (!s || strpbrk(s, "xX")) return false;
  double d;
  if (!cz_parse_double(s, &d) || isnan(d)) return false;
  *out = d;
  return true;
}

static bool value_number(cz_value v, double *out) {
  if (v.kind == CZ_VAL_NUM) {
    *out = v.num;
    return !isnan(v.num);
  }
  return v.kind == CZ_VAL_STR && text_number(v.str, out);
}

static bool bool_text_matches(const char *s, bool want) {
  if (want) return strcmp(s, "True") == 0 || strcmp(s, "true") == 0;
  return strcmp(s, "False") == 0 || strcmp(s, "false") == 0;
}

/* Equality as the spec wants it: numerically whenever both sides read as numbers (1, 1.0 and
 * "1" are equal), otherwise exact string equality; booleans equal 0/1 and True/False text. */
static bool scalar_matches(const ns_scalar *s, cz_value v) {
  double x;
  if (v.kind == CZ_VAL_NULL) return false;
  switch (s->kind) {
    case NS_NUM: return value_number(v, &x) && x == s->num;
    case NS_BOOL:
      if (v.kind == CZ_VAL_STR && bool_text_matches(v.str, s->num != 0.0)) return true;
      return value_number(v, &x) && x == s->num;
    case NS_STR:
      if (v.kind == CZ_VAL_STR && strcmp(v.str, s->str) == 0) return true;
      return s->str_is_num && value_number(v, &x) && x == s->num;
  }
  return false;
}

static bool cond_holds(const ns_cond *k, cz_value v) {
  if (k->op == NS_OP_REGEX) {
    char num[64];
    const char *text = v.str;
    if (v.kind == CZ_VAL_NULL) return false;
    if (v.kind == CZ_VAL_NUM) { /* a numeric CSV cell or dataset: match its shortest text */
      snprintf(num, sizeof num, "%.15g", v.num);
      text = num;
    }
    return regexec(&k->re, text, 0, NULL, 0) == 0;
  }
  double x;
  if (!value_number(v, &x)) return false;
  switch (k->op) {
    case NS_OP_GT: return x > k->value;
    case NS_OP_LT: return x < k->value;
    case NS_OP_GE: return x >= k->value;
    case NS_OP_LE: return x <= k->value;
    case NS_OP_REGEX: break;
  }
  return false;
}

static bool pred_holds(const ns_pred *p, cz_value v) {
  if (p->is_ops) {
    for (size_t i = 0; i < p->nconds; i++)
      if (!cond_holds(&p->conds[i], v)) return false;
    return true;
  }
  for (size_t i = 0; i < p->nany; i++)
    if (scalar_matches(&p->any[i], v)) return true;
  return false;
}

/* ---- parsing a dict ---- */

static cz_status parse_scalar(ns_ctx *c, const char *key, const cJSON *j, ns_scalar *out) {
  if (cJSON_IsString(j)) {
    out->kind = NS_STR;
    out->str = j->valuestring;
    out->str_is_num = text_number(j->valuestring, &out->num);
  } else if (cJSON_IsNumber(j)) {
    out->kind = NS_NUM;
    out->num = j->valuedouble;
  } else if (cJSON_IsBool(j)) {
    out->kind = NS_BOOL;
    out->num = cJSON_IsTrue(j) ? 1.0 : 0.0;
  } else {
    return NS_FAIL(c, "attribute '%s' is compared with %s; expected a string, a number, a boolean, "
                      "a list of those or an operator object",
                   key, json_type_name(j));
  }
  return CZ_OK;
}

static cz_status add_cond(ns_ctx *c, ns_pred *p, const cJSON *op) {
  static const struct { const char *name; ns_op op; } ops[] = {
      {"$regex", NS_OP_REGEX}, {"$gt", NS_OP_GT}, {"$lt", NS_OP_LT}, {"$gte", NS_OP_GE}, {"$lte", NS_OP_LE}};
  size_t i = 0;
  while (i < sizeof ops / sizeof ops[0] && strcmp(op->string, ops[i].name) != 0) i++;
  if (i == sizeof ops / sizeof ops[0])
    return NS_FAIL(c, "unknown operator '%s' for attribute '%s' (known: $regex, $gt, $lt, $gte, $lte)",
                   op->string, p->key);
  CZ_RESERVE(p->conds, p->cap_conds, p->nconds + 1);
  ns_cond *k = &p->conds[p->nconds];
  k->op = ops[i].op;
  if (k->op != NS_OP_REGEX) {
    if (!cJSON_IsNumber(op))
      return NS_FAIL(c, "operator '%s' of attribute '%s' needs a number, not %s", op->string, p->key,
                     json_type_name(op));
    k->value = op->valuedouble;
    p->nconds++;
    return CZ_OK;
  }
  if (!cJSON_IsString(op))
    return NS_FAIL(c, "operator '$regex' of attribute '%s' needs a string, not %s", p->key, json_type_name(op));
  /* The pattern must match the whole value, as libsonata's does: anchor it around a group. */
  char *anchored;
  CZ_TRY(cz_asprintf(&anchored, "^(%s)$", op->valuestring));
  int rc = regcomp(&k->re, anchored, REG_EXTENDED | REG_NOSUB);
  free(anchored);
  if (rc != 0) {
    char why[256];
    regerror(rc, &k->re, why, sizeof why);
    return NS_FAIL(c, "bad $regex '%s' for attribute '%s': %s", op->valuestring, p->key, why);
  }
  k->re_ready = true;
  p->nconds++;
  return CZ_OK;
}

static cz_status parse_pred(ns_ctx *c, const cJSON *item, ns_pred *p) {
  p->key = item->string;
  if (cJSON_IsObject(item)) {
    p->is_ops = true;
    if (!item->child)
      return NS_FAIL(c, "attribute '%s' has an empty operator object", p->key);
    for (const cJSON *op = item->child; op; op = op->next) CZ_TRY(add_cond(c, p, op));
    return CZ_OK;
  }
  if (cJSON_IsArray(item)) {
    size_t n = (size_t)cJSON_GetArraySize(item);
    CZ_NEW(p->any, n);
    for (const cJSON *e = item->child; e; e = e->next) CZ_TRY(parse_scalar(c, p->key, e, &p->any[p->nany++]));
    return CZ_OK;
  }
  CZ_NEW(p->any, 1);
  p->nany = 1;
  return parse_scalar(c, p->key, item, &p->any[0]);
}

static int cmp_u64(const void *a, const void *b) {
  uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
  return (x > y) - (x < y);
}

/* Node ids from one number or a list of numbers, sorted and deduplicated. */
static cz_status parse_ids(ns_ctx *c, const char *key, const cJSON *j, ns_ids *out) {
  out->n = 0;
  size_t n = cJSON_IsArray(j) ? (size_t)cJSON_GetArraySize(j) : 1;
  CZ_NEW(out->v, n);
  const cJSON *e = cJSON_IsArray(j) ? j->child : j;
  for (; e; e = cJSON_IsArray(j) ? e->next : NULL) {
    double d = cJSON_IsNumber(e) ? e->valuedouble : -1.0;
    /* Above 2^53 a double no longer holds every integer, so an id there is not trustworthy. */
    if (!(d >= 0.0 && d == floor(d) && d <= 9007199254740992.0)) {
      if (cJSON_IsNumber(e)) return NS_FAIL(c, "'%s' must hold node ids (integers >= 0), found %g", key, d);
      return NS_FAIL(c, "'%s' must hold node ids (integers >= 0), found %s", key, json_type_name(e));
    }
    out->v[out->n++] = (uint64_t)d;
  }
  qsort(out->v, out->n, sizeof *out->v, cmp_u64);
  size_t u = 0;
  for (size_t i = 0; i < out->n; i++)
    if (u == 0 || out->v[u - 1] != out->v[i]) out->v[u++] = out->v[i];
  out->n = u;
  return CZ_OK;
}

static bool ids_contain(const ns_ids *ids, uint64_t id) {
  return bsearch(&id, ids->v, ids->n, sizeof id, cmp_u64) != NULL;
}

static bool find_pop(const ns_ctx *c, const char *name, size_t *pop) {
  for (size_t p = 0; p < c->view->npops; p++) {
    if (strcmp(c->view->pop_name(c->view->ctx, p), name) == 0) {
      *pop = p;
      return true;
    }
  }
  return false;
}

/* Restricts d->pop_ok to the populations a "population(s)" key names. A name the circuit
 * lacks is an error: a set that is used and can select nothing is almost always a typo. */
static cz_status restrict_pops(ns_ctx *c, const cJSON *item, ns_dict *d) {
  size_t npops = c->view->npops;
  bool *named;
  CZ_NEW(named, npops);
  cz_status st = CZ_OK;
  bool is_list = cJSON_IsArray(item);
  for (const cJSON *e = is_list ? item->child : item; e && st == CZ_OK; e = is_list ? e->next : NULL) {
    size_t p;
    if (!cJSON_IsString(e)) {
      st = NS_FAIL(c, "'%s' must be a population name or a list of them, found %s", item->string,
                   json_type_name(e));
    } else if (find_pop(c, e->valuestring, &p)) {
      named[p] = true;
    } else {
      st = NS_FAIL(c, "node set names population '%s', which the circuit does not have", e->valuestring);
    }
  }
  for (size_t p = 0; p < npops; p++) d->pop_ok[p] = d->pop_ok[p] && named[p];
  free(named);
  return st;
}

static bool key_is(const char *key, const char *a, const char *b) {
  return strcmp(key, a) == 0 || strcmp(key, b) == 0;
}

static cz_status parse_dict(ns_ctx *c, const cJSON *dict, ns_dict *d) {
  CZ_NEW(d->pop_ok, c->view->npops);
  for (size_t p = 0; p < c->view->npops; p++) d->pop_ok[p] = true;
  for (const cJSON *item = dict->child; item; item = item->next) {
    if (key_is(item->string, "population", "populations")) {
      CZ_TRY(restrict_pops(c, item, d));
    } else if (key_is(item->string, "node_id", "node_ids")) {
      CZ_RESERVE(d->ids, d->cap_ids, d->nids + 1);
      d->nids++;
      CZ_TRY(parse_ids(c, item->string, item, &d->ids[d->nids - 1]));
    } else {
      CZ_RESERVE(d->preds, d->cap_preds, d->npreds + 1);
      d->npreds++;
      CZ_TRY(parse_pred(c, item, &d->preds[d->npreds - 1]));
    }
  }
  return CZ_OK;
}

static void free_dict(ns_dict *d) {
  for (size_t i = 0; i < d->nids; i++) free(d->ids[i].v);
  for (size_t i = 0; i < d->npreds; i++) {
    ns_pred *p = &d->preds[i];
    for (size_t k = 0; k < p->nconds; k++)
      if (p->conds[k].re_ready) regfree(&p->conds[k].re);
    free(p->conds);
    free(p->any);
  }
  free(d->ids);
  free(d->preds);
  free(d->pop_ok);
}

/* ---- evaluation ---- */

static void select_pop(ns_ctx *c, size_t p) { memset(c->mask[p], 1, c->pop_size[p]); }

/* Warns once per key when no candidate population has the attribute (a likely typo). */
static cz_status check_attrs(ns_ctx *c, const ns_dict *d) {
  const cz_ns_view *v = c->view;
  for (size_t i = 0; i < d->npreds; i++) {
    const char *key = d->preds[i].key;
    bool any_pop = false, found = false;
    strbuf pops = {0};
    cz_status st = CZ_OK;
    for (size_t p = 0; p < v->npops && st == CZ_OK; p++) {
      if (!d->pop_ok[p]) continue;
      any_pop = true;
      if (v->has_attr(v->ctx, p, key)) found = true;
      st = strbuf_add(&pops, ", ", v->pop_name(v->ctx, p));
    }
    if (st == CZ_OK && any_pop && !found) {
      char tag[512], msg[2048];
      snprintf(tag, sizeof tag, "attribute\x1f%s", key);
      snprintf(msg, sizeof msg, "%s: node set attribute '%s' is not an attribute of population(s) %s; "
                                "it selects nothing there", c->where, key, pops.s);
      st = warn_once(c, tag, msg);
    }
    free(pops.s);
    CZ_TRY(st);
  }
  return CZ_OK;
}

static bool row_matches(const ns_ctx *c, const ns_dict *d, size_t p, size_t row) {
  const cz_ns_view *v = c->view;
  if (d->nids > 0) {
    uint64_t id = v->node_id(v->ctx, p, row);
    for (size_t i = 0; i < d->nids; i++)
      if (!ids_contain(&d->ids[i], id)) return false;
  }
  for (size_t i = 0; i < d->npreds; i++)
    if (!pred_holds(&d->preds[i], v->attr(v->ctx, p, row, d->preds[i].key))) return false;
  return true;
}

static void select_dict_rows(ns_ctx *c, const ns_dict *d) {
  const cz_ns_view *v = c->view;
  for (size_t p = 0; p < v->npops; p++) {
    if (!d->pop_ok[p]) continue;
    bool has_all = true; /* an attribute the population lacks selects nothing there */
    for (size_t i = 0; i < d->npreds && has_all; i++) has_all = v->has_attr(v->ctx, p, d->preds[i].key);
    if (!has_all) continue;
    if (d->nids == 0 && d->npreds == 0) {
      select_pop(c, p);
      continue;
    }
    uint8_t *m = c->mask[p];
    for (size_t row = 0; row < c->pop_size[p]; row++)
      if (!m[row] && row_matches(c, d, p, row)) m[row] = 1;
  }
}

static cz_status eval_dict(ns_ctx *c, const cJSON *dict) {
  ns_dict d = {0};
  cz_status st;
  CZ_TRY_GOTO(st, parse_dict(c, dict, &d), done);
  CZ_TRY_GOTO(st, check_attrs(c, &d), done);
  select_dict_rows(c, &d);
done:
  free_dict(&d);
  return st;
}

/* A list of integers selects those node ids in every population (BMTK); any other list is a
 * compound, the union of its parts (SPEC), which may be names, inline dicts or lists. */
static cz_status eval_list(ns_ctx *c, const cJSON *list) {
  size_t nnum = 0, nother = 0;
  for (const cJSON *e = list->child; e; e = e->next) {
    if (cJSON_IsNumber(e)) nnum++;
    else if (cJSON_IsString(e) || cJSON_IsObject(e) || cJSON_IsArray(e)) nother++;
    else return NS_FAIL(c, "a list of node sets holds %s", json_type_name(e));
  }
  if (nnum > 0 && nother > 0)
    return NS_FAIL(c, "a list mixes node ids with node set names; use either ids or names");
  if (nnum == 0) {
    for (const cJSON *e = list->child; e; e = e->next) CZ_TRY(eval_expr(c, e));
    return CZ_OK;
  }
  ns_dict d = {0};
  cz_status st = CZ_OK;
  CZ_NEW(d.pop_ok, c->view->npops);
  for (size_t p = 0; p < c->view->npops; p++) d.pop_ok[p] = true;
  d.cap_ids = 1;
  d.ids = calloc(1, sizeof *d.ids);
  if (!d.ids) st = CZ_ERROR(CZ_ERR_NOMEM, "out of memory");
  if (st == CZ_OK) {
    d.nids = 1;
    st = parse_ids(c, "node ids", list, &d.ids[0]);
  }
  if (st == CZ_OK) select_dict_rows(c, &d);
  free_dict(&d);
  return st;
}

static cz_status list_defined(const ns_ctx *c, strbuf *b) {
  for (const cJSON *s = c->sets ? c->sets->child : NULL; s; s = s->next) CZ_TRY(strbuf_add(b, ", ", s->string));
  const char *builtin = "all";
  for (size_t p = 0; p <= c->view->npops; p++) {
    const char *name = p == 0 ? builtin : c->view->pop_name(c->view->ctx, p - 1);
    if (!c->sets || !cJSON_GetObjectItemCaseSensitive(c->sets, name)) CZ_TRY(strbuf_add(b, ", ", name));
  }
  return CZ_OK;
}

static cz_status eval_definition(ns_ctx *c, const char *name, const cJSON *def) {
  for (size_t i = 0; i < c->depth; i++) {
    if (strcmp(c->stack[i], name) != 0) continue;
    strbuf chain = {0};
    cz_status st = CZ_OK;
    for (size_t k = i; k < c->depth && st == CZ_OK; k++) st = strbuf_add(&chain, " -> ", c->stack[k]);
    if (st == CZ_OK) st = strbuf_add(&chain, " -> ", name);
    if (st == CZ_OK) st = NS_FAIL(c, "node sets refer to each other in a cycle: %s", chain.s);
    free(chain.s);
    return st;
  }
  if (c->depth == NS_MAX_DEPTH) return NS_FAIL(c, "node sets nest more than %d levels deep", NS_MAX_DEPTH);
  c->stack[c->depth++] = name;
  cz_status st = eval_expr(c, def);
  c->depth--;
  return st;
}

/* A name: the user's set first, then the built-ins "all" and the population names (BMTK). */
static cz_status eval_name(ns_ctx *c, const char *name) {
  const cJSON *def = c->sets ? cJSON_GetObjectItemCaseSensitive(c->sets, name) : NULL;
  if (def) return eval_definition(c, name, def);
  if (strcmp(name, "all") == 0) {
    for (size_t p = 0; p < c->view->npops; p++) select_pop(c, p);
    return CZ_OK;
  }
  size_t p;
  if (find_pop(c, name, &p)) {
    select_pop(c, p);
    return CZ_OK;
  }
  strbuf defined = {0};
  cz_status st = list_defined(c, &defined);
  if (st == CZ_OK) st = NS_FAIL(c, "node set '%s' is not defined (defined: %s)", name, defined.s);
  free(defined.s);
  return st;
}

static cz_status eval_expr(ns_ctx *c, const cJSON *expr) {
  if (cJSON_IsString(expr)) return eval_name(c, expr->valuestring);
  if (cJSON_IsObject(expr)) return eval_dict(c, expr);
  if (cJSON_IsArray(expr)) return eval_list(c, expr);
  return NS_FAIL(c, "a node set must be a name, a list or an object, not %s", json_type_name(expr));
}

/* ---- public ---- */

static cz_status build_selection(const ns_ctx *c, cz_ns_selection *s) {
  for (size_t p = 0; p < s->npops; p++) {
    size_t n = 0;
    for (size_t row = 0; row < c->pop_size[p]; row++) n += c->mask[p][row];
    CZ_NEW(s->rows[p], n);
    for (size_t row = 0; row < c->pop_size[p]; row++)
      if (c->mask[p][row]) s->rows[p][s->n[p]++] = row;
  }
  return CZ_OK;
}

static cz_status ctx_init(ns_ctx *c, size_t npops) {
  CZ_NEW(c->pop_size, npops);
  CZ_NEW(c->mask, npops);
  for (size_t p = 0; p < npops; p++) {
    c->pop_size[p] = c->view->pop_size(c->view->ctx, p);
    CZ_NEW(c->mask[p], c->pop_size[p]);
  }
  return CZ_OK;
}

static void ctx_free(ns_ctx *c) {
  for (size_t p = 0; c->mask && p < c->view->npops; p++) free(c->mask[p]);
  free(c->mask);
  free(c->pop_size);
  for (size_t i = 0; i < c->nwarned; i++) free(c->warned[i]);
  free(c->warned);
}

static cz_status new_selection(size_t npops, cz_ns_selection **out) {
  cz_ns_selection *s;
  CZ_NEW(s, 1);
  *out = s;
  s->npops = npops;
  CZ_NEW(s->n, npops);
  CZ_NEW(s->rows, npops);
  return CZ_OK;
}

cz_status cz_ns_resolve(const struct cJSON *sets, const struct cJSON *expr, const cz_ns_view *view,
                        const char *where, cz_ns_selection **out) {
  *out = NULL;
  CZ_CHECK(view != NULL, CZ_ERR_INTERNAL, "cz_ns_resolve: no view");
  ns_ctx c = {.sets = sets, .view = view, .where = where ? where : "node set"};
  CZ_CHECK(expr != NULL, CZ_ERR_CONFIG, "%s: no node set given", c.where);
  CZ_CHECK(!sets || cJSON_IsObject(sets) || cJSON_IsNull(sets), CZ_ERR_CONFIG,
           "%s: node_sets must be an object mapping names to node sets, not %s", c.where, json_type_name(sets));
  if (cJSON_IsNull(sets)) c.sets = NULL;
  cz_ns_selection *s = NULL;
  cz_status st;
  CZ_TRY_GOTO(st, ctx_init(&c, view->npops), fail);
  CZ_TRY_GOTO(st, eval_expr(&c, expr), fail);
  CZ_TRY_GOTO(st, new_selection(view->npops, &s), fail);
  CZ_TRY_GOTO(st, build_selection(&c, s), fail);
  ctx_free(&c);
  *out = s;
  return CZ_OK;
fail:
  ctx_free(&c);
  cz_ns_selection_destroy(&s);
  return st;
}

void cz_ns_selection_destroy(cz_ns_selection **s) {
  if (!s || !*s) return;
  cz_ns_selection *x = *s;
  for (size_t p = 0; x->rows && p < x->npops; p++) free(x->rows[p]);
  free(x->rows);
  free(x->n);
  free(x);
  *s = NULL;
}

size_t cz_ns_selection_count(const cz_ns_selection *s) {
  size_t total = 0;
  for (size_t p = 0; s && p < s->npops; p++) total += s->n[p];
  return total;
}
