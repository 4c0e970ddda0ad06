/* Online Poisson drive: NEST's poisson_generator connected to neurons, as a Cadenza input
 * module (BMTK's PointNet has no online Poisson input and pre-generates spike files; drives of
 * tens of kHz per neuron, such as the HPC benchmark's, do not fit in files):
 *
 *   "inputs": {"background": {"input_type": "poisson", "module": "poisson_generator",
 *              "node_set": "...", "rate": 27000.0, "weight": 45.6, "delay": 1.5,
 *              "receptor_type": 1, "seed": 1}}
 *
 * Every selected neuron receives its own Poisson train at `rate` (Hz); each spike adds
 * `weight` (pA or mV or nS, as the model takes synaptic weights) to the neuron's input `delay`
 * ms later (default 1.0 ms, NEST's default; at least one step). `receptor_type` picks the port
 * of port models (default 1); split-sign models route by the weight's sign. The number of
 * spikes of neuron g in step k is drawn by inversion from one uniform of the counter-based
 * generator keyed by (seed, g, input), counter k, so it depends on neither ranks nor
 * threads. Several inputs on one neuron add. The seed: the block's own `seed` when it has
 * one, else the run's (`cadenza run --seed`), else 1. */
#ifndef CZ_POINTNET_POISSON_DRIVE_H
#define CZ_POINTNET_POISSON_DRIVE_H

#include <stddef.h>
#include <stdint.h>

#include "base/rng.h"
#include "base/status.h"
#include "pointnet/network.h"
#include "io/circuit.h"
#include "io/config.h"

typedef struct cz_poisson_drive {
  size_t n;          /* (neuron, input) entries, in input order then neuron order */
  uint32_t *nid;     /* [n] local neuron */
  uint32_t *tgt;     /* [n] ring index: channel * N + nid */
  uint16_t *delay;   /* [n] steps */
  double *lambda;    /* [n] expected spikes per step */
  double *weight;    /* [n] */
  uint64_t *prefix;  /* [n] cz_rng_prefix(seed, the neuron's gid, the input's number): a step's
                        uniform is one mixing round away (base/rng.h) */
  uint32_t *table;   /* [n] the entry's row of cdf, or CZ_POISSON_NO_TABLE */
  size_t ntables;
  double *cdf;       /* [ntables * CZ_POISSON_KMAX] per distinct mean, P(count <= k) summed
                        exactly as cz_poisson_count sums it, so a search finds its count */
  uint16_t *guide;   /* [ntables << CZ_POISSON_GUIDE_BITS] per distinct mean, the count at the
                        lowest uniform of each bucket of equal leading bits: where a search
                        starts, so that it almost never takes a step (a step is a branch the
                        processor cannot predict) */
  double *table_lambda; /* [ntables] */
} cz_poisson_drive;

/* The inversion's largest count; means above 100 (a normal approximation) have no table. */
enum { CZ_POISSON_KMAX = 1000, CZ_POISSON_GUIDE_BITS = 10 };
#define CZ_POISSON_NO_TABLE UINT32_MAX
#define CZ_POISSON_DEFAULT_SEED 1

/* Whether a block is a Poisson drive (input_type "poisson"). */
int cz_input_is_poisson(const cz_cfg_block *b);

/* The drive entries of this rank's neurons, from every enabled Poisson input. Owned (out
 * arrays; cz_poisson_free). */
cz_status cz_poisson_build(const cz_config *cfg, const cz_circuit *c, const cz_network *net, cz_poisson_drive *out);
/* The same, with seed for the blocks that name no seed of their own (cz_poisson_build: the
 * default, CZ_POISSON_DEFAULT_SEED). */
cz_status cz_poisson_build_seeded(const cz_config *cfg, const cz_circuit *c, const cz_network *net, uint64_t seed,
                                  cz_poisson_drive *out);
void cz_poisson_free(cz_poisson_drive *d);

/* The value a Poisson variable of mean lam takes at uniform u in [0, 1) (inversion; a normal
 * approximation above a mean of 100). */
uint32_t cz_poisson_count(double lam, double u);

/* Gives every entry whose mean the inversion serves (0 < mean <= 100) the table of its mean
 * (cz_poisson_build does; for drives assembled otherwise). */
cz_status cz_poisson_tabulate(cz_poisson_drive *d);

/* The count at the uniform of 64 random bits (cz_rng_uniform_at's) from a row F of cdf and its
 * guide row G: cz_poisson_count(mean, u) for the row's mean. Every u of a bucket is at least
 * its lowest, so the count is at least G's, and the search goes on from there. */
static inline uint32_t cz_poisson_search(const double *F, const uint16_t *G, uint64_t bits) {
  const double u = (double)(bits >> 11) * 0x1.0p-53;
  uint32_t k = G[bits >> (64 - CZ_POISSON_GUIDE_BITS)];
  while (k < CZ_POISSON_KMAX && u >= F[k]) k++;
  return k;
}

/* Entry i's count in step `step`: cz_poisson_count(lambda[i], cz_rng_uniform(seed, gid,
 * input, step)). */
static inline uint32_t cz_poisson_draw(const cz_poisson_drive *d, size_t i, uint64_t step) {
  const uint64_t bits = cz_rng_at(d->prefix[i], step);
  const uint32_t t = d->table[i];
  if (t == CZ_POISSON_NO_TABLE) return cz_poisson_count(d->lambda[i], (double)(bits >> 11) * 0x1.0p-53);
  return cz_poisson_search(d->cdf + (size_t)t * CZ_POISSON_KMAX, d->guide + ((size_t)t << CZ_POISSON_GUIDE_BITS), bits);
}

#endif
