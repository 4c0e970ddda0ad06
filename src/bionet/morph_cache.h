/* SWC files read once per cell group: reading one means NEURON's 3-D point rounding (every
 * coordinate printed with %g and read back), which costs far more than building the cell, and
 * a network has few morphologies for many cells. Each cell gets its own copy, since the axon
 * processing edits it. */
#ifndef CZ_BIONET_MORPH_CACHE_H
#define CZ_BIONET_MORPH_CACHE_H

#include <stddef.h>

#include "base/status.h"
#include "bionet/morphology.h"

typedef struct cz_morph_cache {
  size_t n;
  cz_morph **read; /* [n] as cz_morph_read made them; each knows its path */
} cz_morph_cache;

/* A copy of the morphology at path, read on first use. Owned (*out; cz_morph_free). Errors
 * are cz_morph_read's, and a file that does not read is tried again next time. Local. */
cz_status cz_morph_cache_copy(cz_morph_cache *cache, const char *path, cz_morph **out);
void cz_morph_cache_free(cz_morph_cache *cache);

#endif
