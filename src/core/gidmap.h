/* The gid map: how the nodes of every population are numbered, globally and on this rank.
 *
 * A gid numbers every node of every population in load order: the population's offset plus
 * the node's row. gids identify spike sources and order spikes. The nodes this rank simulates
 * also carry a local id (lid), dense from 0, in the order the engine lays them out (the
 * point engine groups them by model kind).
 *
 * Memory follows the rank's share: the map holds the population offsets, the gid of each
 * local id, and a lookup from gid to local id that is sized by the local count. When the
 * local nodes are a large part of all gids (one rank, or a few) the lookup is a direct table
 * over the gids, at most DENSE_FACTOR words per local node; otherwise it is an open-addressing
 * hash of the local gids, two words per slot at a load of at most one half. Hot paths that
 * know a node's lid already carry it instead of looking it up. */
#ifndef CZ_CORE_GIDMAP_H
#define CZ_CORE_GIDMAP_H

#include <stddef.h>
#include <stdint.h>

#include "base/status.h"

/* The lid of a gid that is not on this rank (or a virtual node). */
#define CZ_GIDMAP_NONE UINT32_MAX

typedef struct cz_gidmap {
  size_t npops;
  size_t *pop_offset;   /* [npops + 1] gid of each population's first node */
  size_t nsrc;          /* number of gids, pop_offset[npops] */
  size_t nlocal;        /* nodes on this rank */
  uint32_t *gid_of_lid; /* [nlocal] */
  uint32_t *direct;     /* [nsrc] lid of each gid, when the share is dense; else NULL */
  uint32_t *hkey;       /* [hmask + 1] gids, CZ_GIDMAP_NONE for an empty slot */
  uint32_t *hval;       /* [hmask + 1] their lids */
  size_t hmask;
} cz_gidmap;

/* Sets the populations (npops sizes) and room for nlocal local nodes (zeroed), whose gids
 * the caller then writes into gid_of_lid before cz_gidmap_index. Owned (cz_gidmap_free). Local. */
cz_status cz_gidmap_init(cz_gidmap *m, const size_t *pop_sizes, size_t npops, size_t nlocal);
/* Sets the number of local nodes to nlocal (the gids of the earlier ones are lost). Local. */
cz_status cz_gidmap_set_nlocal(cz_gidmap *m, size_t nlocal);
/* Builds the gid -> lid lookup from gid_of_lid (each gid at most once). Local. */
cz_status cz_gidmap_index(cz_gidmap *m);
void cz_gidmap_free(cz_gidmap *m);

/* Bytes the map holds (offsets, local gids, lookup). Local. */
size_t cz_gidmap_bytes(const cz_gidmap *m);

/* Population and row of a gid. Local; thread-safe. */
void cz_gidmap_locate(const cz_gidmap *m, size_t gid, size_t *pop, size_t *row);

/* Multiplier of the hash (Knuth's golden ratio for 64 bits). */
#define CZ_GIDMAP_MIX UINT64_C(0x9e3779b97f4a7c15)

/* The lid of gid, or CZ_GIDMAP_NONE when it is not on this rank. Thread-safe. */
static inline uint32_t cz_gidmap_lid(const cz_gidmap *m, size_t gid) {
  if (m->direct) return m->direct[gid];
  size_t k = (size_t)(((uint64_t)gid * CZ_GIDMAP_MIX) >> 32) & m->hmask;
  for (;; k = (k + 1) & m->hmask) {
    const uint32_t key = m->hkey[k];
    if (key == (uint32_t)gid) return m->hval[k];
    if (key == CZ_GIDMAP_NONE) return CZ_GIDMAP_NONE;
  }
}

#endif
