#include "io/nml.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "base/str.h"

#define MAX_DEPTH 64

typedef struct scanner {
  const char *s, *path;
  size_t line;
  cz_nml *doc;
  size_t cap;
  char *open[MAX_DEPTH]; /* tags of the open elements (borrowed from doc) */
  int depth;
} scanner;

static void advance(scanner *sc, size_t n) {
  for (size_t i = 0; i < n && *sc->s; i++, sc->s++) sc->line += *sc->s == '\n';
}

static void skip_space(scanner *sc) {
  while (*sc->s && isspace((unsigned char)*sc->s)) advance(sc, 1);
}

/* Skips past the next occurrence of end (a comment, a declaration, a processing instruction). */
static cz_status skip_past(scanner *sc, const char *end, const char *what) {
  const char *e = strstr(sc->s, end);
  CZ_CHECK(e, CZ_ERR_FORMAT, "%s:%zu: unterminated %s", sc->path, sc->line, what);
  advance(sc, (size_t)(e - sc->s) + strlen(end));
  return CZ_OK;
}

static bool name_char(char c) { return isalnum((unsigned char)c) || c == '_' || c == '-' || c == '.' || c == ':'; }

static cz_status read_name(scanner *sc, char **out) {
  const char *b = sc->s;
  while (name_char(*sc->s)) advance(sc, 1);
  CZ_CHECK(sc->s > b, CZ_ERR_FORMAT, "%s:%zu: a name was expected", sc->path, sc->line);
  *out = strndup(b, (size_t)(sc->s - b));
  CZ_CHECK(*out, CZ_ERR_NOMEM, "out of memory");
  return CZ_OK;
}

/* The text of an attribute value with the predefined entities replaced. */
static char *unescape(const char *b, size_t n) {
  char *o = malloc(n + 1);
  if (!o) return NULL;
  static const struct {
    const char *ent;
    char c;
  } ents[] = {{"&lt;", '<'}, {"&gt;", '>'}, {"&amp;", '&'}, {"&quot;", '"'}, {"&apos;", '\''}};
  size_t k = 0;
  for (size_t i = 0; i < n;) {
    size_t e = 0;
    while (e < 5 && strncmp(b + i, ents[e].ent, strlen(ents[e].ent)) != 0) e++;
    if (b[i] == '&' && e < 5 && i + strlen(ents[e].ent) <= n) {
      o[k++] = ents[e].c;
      i += strlen(ents[e].ent);
    } else {
      o[k++] = b[i++];
    }
  }
  o[k] = '\0';
  return o;
}

static cz_status add_attr(scanner *sc, cz_nml_element *e) {
  char *name = NULL;
  CZ_TRY(read_name(sc, &name));
  skip_space(sc);
  if (*sc->s != '=') {
    free(name);
    return CZ_ERROR(CZ_ERR_FORMAT, "%s:%zu: attribute without a value", sc->path, sc->line);
  }
  advance(sc, 1);
  skip_space(sc);
  const char q = *sc->s;
  const char *end = (q == '"' || q == '\'') ? strchr(sc->s + 1, q) : NULL;
  if (!end) {
    const cz_status st = CZ_ERROR(CZ_ERR_FORMAT, "%s:%zu: attribute %s has no quoted value", sc->path, sc->line, name);
    free(name);
    return st;
  }
  char *value = unescape(sc->s + 1, (size_t)(end - sc->s - 1));
  cz_nml_attr *a = realloc(e->attr, (e->nattr + 1) * sizeof *a);
  if (!value || !a) {
    free(name);
    free(value);
    if (a) e->attr = a;
    return CZ_ERROR(CZ_ERR_NOMEM, "out of memory");
  }
  e->attr = a;
  e->attr[e->nattr++] = (cz_nml_attr){name, value};
  advance(sc, (size_t)(end - sc->s) + 1);
  return CZ_OK;
}

static const char *local_name(const char *tag) {
  const char *c = strchr(tag, ':');
  return c ? c + 1 : tag;
}

static cz_status open_element(scanner *sc) {
  CZ_CHECK(sc->depth < MAX_DEPTH, CZ_ERR_FORMAT, "%s:%zu: elements nested too deep", sc->path, sc->line);
  CZ_RESERVE(sc->doc->el, sc->cap, sc->doc->n + 1);
  cz_nml_element *e = &sc->doc->el[sc->doc->n++];
  *e = (cz_nml_element){.line = sc->line, .depth = sc->depth};
  char *tag = NULL;
  CZ_TRY(read_name(sc, &tag));
  e->tag = tag;
  for (;;) {
    skip_space(sc);
    if (*sc->s == '/' && sc->s[1] == '>') {
      advance(sc, 2);
      return CZ_OK;
    }
    if (*sc->s == '>') {
      advance(sc, 1);
      sc->open[sc->depth++] = e->tag;
      return CZ_OK;
    }
    CZ_CHECK(*sc->s, CZ_ERR_FORMAT, "%s:%zu: unclosed tag <%s>", sc->path, e->line, e->tag);
    CZ_TRY(add_attr(sc, e));
  }
}

static cz_status close_element(scanner *sc) {
  advance(sc, 2);
  char *tag = NULL;
  CZ_TRY(read_name(sc, &tag));
  skip_space(sc);
  const bool ok = *sc->s == '>' && sc->depth > 0 && strcmp(local_name(sc->open[sc->depth - 1]), local_name(tag)) == 0;
  cz_status st = ok ? CZ_OK
                    : CZ_ERROR(CZ_ERR_FORMAT, "%s:%zu: </%s> does not close <%s>", sc->path, sc->line, tag,
                               sc->depth > 0 ? sc->open[sc->depth - 1] : "(nothing)");
  free(tag);
  if (st == CZ_OK) {
    advance(sc, 1);
    sc->depth--;
  }
  return st;
}

static cz_status scan(scanner *sc) {
  while (*sc->s) {
    const char *lt = strchr(sc->s, '<');
    if (!lt) break;
    advance(sc, (size_t)(lt - sc->s));
    if (strncmp(sc->s, "<!--", 4) == 0) CZ_TRY(skip_past(sc, "-->", "comment"));
    else if (strncmp(sc->s, "<?", 2) == 0) CZ_TRY(skip_past(sc, "?>", "processing instruction"));
    else if (strncmp(sc->s, "<![CDATA[", 9) == 0) CZ_TRY(skip_past(sc, "]]>", "CDATA section"));
    else if (strncmp(sc->s, "<!", 2) == 0) CZ_TRY(skip_past(sc, ">", "declaration"));
    else if (sc->s[1] == '/') CZ_TRY(close_element(sc));
    else {
      advance(sc, 1);
      CZ_TRY(open_element(sc));
    }
  }
  CZ_CHECK(sc->depth == 0, CZ_ERR_FORMAT, "%s: <%s> is never closed", sc->path,
           sc->depth > 0 ? sc->open[sc->depth - 1] : "");
  CZ_CHECK(sc->doc->n > 0, CZ_ERR_FORMAT, "%s: no elements", sc->path);
  return CZ_OK;
}

cz_status cz_nml_parse(const char *text, const char *path, cz_nml **out) {
  *out = NULL;
  cz_nml *d = cz_calloc(1, sizeof *d);
  CZ_CHECK(d, CZ_ERR_NOMEM, "out of memory");
  cz_status st = cz_strdup(path, &d->path);
  scanner sc = {.s = text, .path = path, .line = 1, .doc = d};
  if (st == CZ_OK) st = scan(&sc);
  if (st != CZ_OK) {
    cz_nml_free(&d);
    return st;
  }
  *out = d;
  return CZ_OK;
}

cz_status cz_nml_read(const char *path, cz_nml **out) {
  *out = NULL;
  char *text = NULL;
  size_t len = 0;
  CZ_TRY(cz_read_file(path, &text, &len));
  const cz_status st = cz_nml_parse(text, path, out);
  free(text);
  return st;
}

void cz_nml_free(cz_nml **d) {
  if (!d || !*d) return;
  cz_nml *x = *d;
  for (size_t i = 0; i < x->n; i++) {
    for (size_t a = 0; a < x->el[i].nattr; a++) {
      free(x->el[i].attr[a].name);
      free(x->el[i].attr[a].value);
    }
    free(x->el[i].attr);
    free(x->el[i].tag);
  }
  free(x->el);
  free(x->path);
  free(x);
  *d = NULL;
}

const char *cz_nml_attr_value(const cz_nml_element *e, const char *name) {
  for (size_t a = 0; a < e->nattr; a++)
    if (strcmp(e->attr[a].name, name) == 0) return e->attr[a].value;
  return NULL;
}
