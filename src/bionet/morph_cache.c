#include "bionet/morph_cache.h"

#include <stdlib.h>
#include <string.h>

#include "base/mem.h"

static const cz_morph *find(const cz_morph_cache *cache, const char *path) {
  for (size_t k = 0; k < cache->n; k++)
    if (strcmp(cache->read[k]->path, path) == 0) return cache->read[k];
  return NULL;
}

cz_status cz_morph_cache_copy(cz_morph_cache *cache, const char *path, cz_morph **out) {
  *out = NULL;
  const cz_morph *known = find(cache, path);
  if (!known) {
    cz_morph *m = NULL;
    CZ_TRY(cz_morph_read(path, &m));
    const cz_status st = cz_resize((void **)&cache->read, cache->n + 1, sizeof *cache->read);
    if (st != CZ_OK) {
      cz_morph_free(&m);
      return st;
    }
    cache->read[cache->n++] = m;
    known = m;
  }
  return cz_morph_copy(known, out);
}

void cz_morph_cache_free(cz_morph_cache *cache) {
  for (size_t k = 0; k < cache->n; k++) cz_morph_free(&cache->read[k]);
  free(cache->read);
  memset(cache, 0, sizeof *cache);
}
