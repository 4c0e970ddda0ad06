/* NeuroML2 cell files as BMTK reads them for `nml:` templates (bionet-spec.md §2.7.3): the
 * document's elements in order, each with its tag (namespace prefix dropped) and attributes.
 *
 * The reader covers the subset of XML these files use: elements with quoted attributes,
 * self-closing or with content, comments, processing instructions and the five predefined
 * entities. Text content is skipped (no NeuroML element the engine reads carries any). A
 * document that is not well formed at that level (an unclosed tag or quote, a closing tag that
 * does not match) is CZ_ERR_FORMAT naming the file and line. */
#ifndef CZ_IO_NML_H
#define CZ_IO_NML_H

#include <stddef.h>

#include "base/status.h"

typedef struct cz_nml_attr {
  char *name, *value;
} cz_nml_attr;

typedef struct cz_nml_element {
  char *tag;
  size_t nattr;
  cz_nml_attr *attr;
  size_t line; /* where it starts, for messages */
  int depth;   /* 0 for the root */
} cz_nml_element;

typedef struct cz_nml {
  char *path;
  size_t n;
  cz_nml_element *el;
} cz_nml;

/* Reads path. A missing file is CZ_ERR_IO. Owned (*out; cz_nml_free). Local. */
cz_status cz_nml_read(const char *path, cz_nml **out);
/* The same from text (path names it in messages). */
cz_status cz_nml_parse(const char *text, const char *path, cz_nml **out);
void cz_nml_free(cz_nml **d);

/* The value of attribute name of element e, or NULL. */
const char *cz_nml_attr_value(const cz_nml_element *e, const char *name);

#endif
