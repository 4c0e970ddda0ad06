/* Neuron model kinds: a small vtable per NEST model, and the contract of a model group.
 *
 * A group holds the neurons of one model kind in structs of arrays (parameters, propagators,
 * state), one entry per neuron, indexed 0..n-1. The engine owns the inputs: for each step it
 * hands the kernel the ring-buffer rows of that step (synaptic input summed per channel,
 * already offset to the group's first neuron) and the per-neuron external current; the
 * kernel consumes (reads and zeroes) the ring rows, advances its neurons [i0, i1) by one step
 * and lists the neurons that fired. Kernels do no I/O and no allocation, and touch only the
 * entries of their own neurons, so threads can run disjoint slices of a group at once.
 *
 * Channels: kinds with split_sign route positive weights to channel 0 (excitatory) and the
 * rest to channel 1 (inhibitory), as NEST's iaf_psc_alpha/exp and iaf_cond_alpha do; the
 * others (iaf_psc_delta) sum every weight into channel 0. */
#ifndef CZ_POINTNET_MODELS_MODEL_H
#define CZ_POINTNET_MODELS_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/status.h"
#include "pointnet/models/params.h"

typedef struct cz_model_kind {
  const char *name;               /* NEST model name, e.g. "iaf_psc_alpha" */
  const char *const *param_names; /* NULL-terminated list of accepted dynamics_params keys */
  bool split_sign;
  /* Creates a group of n neurons for step h_ms (defaults set). Owned (*grp). */
  cz_status (*create)(size_t n, double h_ms, int nthreads, void **grp);
  /* Sets neuron i from its parameter source (NEST defaults for absent keys, NEST's E_L
   * shift rules), validates values and computes its propagators. where names the node. */
  cz_status (*set_params)(void *grp, size_t i, const cz_param_src *src, const char *where);
  /* Advances neurons [i0, i1) by one step. ch0/ch1: ring rows of this step (ch1 NULL when
   * the kind has one channel); i_stim: external current arriving this step (pA); fired
   * receives the indices of the neurons that spiked; returns their count. tid: OpenMP
   * thread number, for per-thread scratch. */
  size_t (*update)(void *grp, size_t i0, size_t i1, double *ch0, double *ch1, const double *i_stim,
                   uint32_t *fired, int tid);
  /* Membrane potential of neuron i in mV (absolute). */
  double (*v_m)(const void *grp, size_t i);
  /* NULL-terminated names of the state variables reports may sample (NEST's recordable
   * names, "V_m" first), and the value of recordable var (an index into it) of neuron i, in
   * NEST's units (mV, pA, nS). */
  const char *const *recordables;
  double (*record)(const void *grp, size_t i, int var);
  /* Kinds with receptor ports (glif_psc): the number of ports of neuron i, numbered 1..n by
   * the synapses' receptor_type; port k's input row is ch0 + (k - 1) * (ch1 - ch0) (ch1 is
   * NULL when no neuron of the rank has more than one channel). NULL for the other kinds. */
  int (*nports)(const void *grp, size_t i);
  /* The value of neuron i's parameter or state variable name, as NEST's GetStatus reports it
   * (voltages absolute, booleans 0 or 1; list entries as "name[k]"); false when the kind has
   * no such name. For checks of defaults and conversions, never on the update path. */
  bool (*get)(const void *grp, size_t i, const char *name, double *out);
  void (*destroy)(void *grp);
} cz_model_kind;

/* A named value, for the get hooks: each kind lists its values and looks the name up. */
typedef struct cz_named_value {
  const char *name;
  double value;
} cz_named_value;

/* Finds name in v[0, n); false when absent. */
bool cz_named_lookup(const cz_named_value *v, size_t n, const char *name, double *out);

/* Finds "key[k]" in a list of len values; false when name is not of that form or k is out of
 * range. */
bool cz_named_list_lookup(const char *key, const double *list, int len, const char *name, double *out);

/* Kind for a SONATA model_template ("nest:iaf_psc_alpha"); CZ_ERR_CONFIG naming the
 * template and listing the known kinds when there is none. */
cz_status cz_model_lookup(const char *template_str, const cz_model_kind **out);

/* Comma-separated names of the known kinds (borrowed). */
const char *cz_model_known_names(void);

/* Index of recordable name in kind, or -1. */
int cz_model_recordable(const cz_model_kind *kind, const char *name);

/* Refractory period in steps as NEST computes it: ceil(round(t_ref * 1000 tics) / tics per step). */
int32_t cz_model_refractory_steps(double t_ref_ms, double h_ms);

#endif
