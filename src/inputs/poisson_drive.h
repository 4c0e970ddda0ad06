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
 * threads. Several inputs on one neuron add. */
#ifndef CZ_INPUTS_POISSON_DRIVE_H
#define CZ_INPUTS_POISSON_DRIVE_H

#include <stddef.h>
#include <stdint.h>

#include "base/status.h"
#include "engine/network.h"
#include "io/circuit.h"
#include "io/config.h"

typedef struct cz_poisson_drive {
  size_t n;          /* (neuron, input) entries, in input order then neuron order */
  uint32_t *nid;     /* [n] local neuron */
  uint32_t *tgt;     /* [n] ring index: channel * N + nid */
  uint16_t *delay;   /* [n] steps */
  double *lambda;    /* [n] expected spikes per step */
  double *weight;    /* [n] */
  uint64_t *key;     /* [n] generator key: the neuron's gid */
  uint64_t *stream;  /* [n] generator stream: the input's number */
  uint64_t *seed;    /* [n] */
} cz_poisson_drive;

/* Whether a block is a Poisson drive (input_type "poisson"). */
int cz_input_is_poisson(const cz_cfg_block *b);

/* The drive entries of this rank's neurons, from every enabled Poisson input. Owned (out
 * arrays; cz_poisson_free). */
cz_status cz_poisson_build(const cz_config *cfg, const cz_circuit *c, const cz_network *net, cz_poisson_drive *out);
void cz_poisson_free(cz_poisson_drive *d);

/* The value a Poisson variable of mean lam takes at uniform u in [0, 1) (inversion; a normal
 * approximation above a mean of 100). */
uint32_t cz_poisson_count(double lam, double u);

#endif
