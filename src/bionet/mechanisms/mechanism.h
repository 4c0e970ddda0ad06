/* Membrane mechanisms of the detailed cells (bionet-spec.md §3.3-§3.7, §4): the interface every
 * density mechanism implements, the ions they share, and the registry by NEURON name.
 *
 * A mechanism's instances on one thread are stored as structure-of-arrays (cz_mech): the node
 * of each instance, one array per parameter and one per state, so that its three kernels are
 * plain loops over instances. The kernels follow NEURON's fixed step:
 *   init     states at their steady state at v_init (and the calcium it writes);
 *   current  its current at v and at v + 0.001 mV with the states as they are: rhs -= I(v),
 *            d += (I(v + 0.001) - I(v)) / 0.001, and I(v) added to its ion's accumulator;
 *   advance  the states over dt with the new v (cnexp, or the scheme's implicit step).
 * The step calls every kind's current, then solves, then every kind's advance, kinds in NEURON's
 * order (cz_mech_order): CaDynamics, which writes cai, before SK, which reads it.
 *
 * Ions (cz_ions) are per node: the reversal potentials ena and ek set per section, eca
 * (a constant, or Nernst of cai where CaDynamics makes cai a state), cai, and the currents
 * ina, ik, ica each step accumulates. */
#ifndef CZ_BIONET_MECHANISM_H
#define CZ_BIONET_MECHANISM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/status.h"
#include "bionet/cable.h"

#define CZ_MECH_MAX_PARAMS 12
#define CZ_MECH_MAX_STATES 12
#define CZ_MECH_MAX_KINDS 32

typedef struct cz_ions {
  size_t n;
  double *ena, *ek, *eca; /* [n] mV */
  double *cai, *cao;      /* [n] mM */
  double *ina, *ik, *ica; /* [n] mA/cm², this step's */
  uint8_t *ca_state;      /* [n] 1 where cai is a state (CaDynamics): eca by Nernst */
  /* The nodes any mechanism but pas sits on, ascending (NULL: every node): only they carry ion
   * currents, so only they are reset each step; elsewhere the currents stay 0. */
  uint32_t *active;
  size_t nactive;
} cz_ions;

/* The physical constants of NEURON's units: modern (NEURON >= 8) or legacy. */
typedef struct cz_units {
  double faraday;      /* C/mol, in the Nernst equation */
  double gas_r;        /* J/(mol K) */
  double faraday_cadyn; /* C/mol, CaDynamics' FARADAY */
} cz_units;

extern const cz_units cz_units_modern, cz_units_legacy;

/* What the kernels see of the thread's cells. */
typedef struct cz_mech_env {
  cz_cable *cable;
  cz_ions *ions;
  double dt, celsius;
  const cz_units *units;
} cz_mech_env;

struct cz_mech_kind;

/* The instances of one mechanism on one thread. */
typedef struct cz_mech {
  const struct cz_mech_kind *kind;
  size_t n, cap;
  uint32_t *node;                    /* [n] */
  double *p[CZ_MECH_MAX_PARAMS];     /* [nparam][n] */
  double *s[CZ_MECH_MAX_STATES];     /* [nstate][n] */
} cz_mech;

typedef struct cz_mech_kind {
  const char *name;  /* NEURON's SUFFIX: "NaTs", "pas", ... */
  size_t nparam;
  const char *param[CZ_MECH_MAX_PARAMS]; /* range parameters, set as <param>_<name> */
  double param_default[CZ_MECH_MAX_PARAMS];
  size_t nstate;
  const char *state[CZ_MECH_MAX_STATES];
  void (*init)(cz_mech *m, const cz_mech_env *env);
  void (*current)(const cz_mech *m, const cz_mech_env *env);
  void (*advance)(cz_mech *m, const cz_mech_env *env);
} cz_mech_kind;

/* Which build of the kinds the registry hands out (kinds.h): the vector build where this
 * binary has it, the CPU has AVX2 and FMA and exp by lanes agrees with libm; else the scalar
 * one. Decided at the first question and kept; why (may be NULL) receives the reason in
 * words. */
bool cz_mech_vector_kernels(const char **why);
/* The kind of rank order in the scalar build (vector false) or in the vector build (vector
 * true; NULL where this binary or CPU has none), whichever the registry hands out (tests). */
const cz_mech_kind *cz_mech_kind_build(int order, bool vector);

/* The kind NEURON calls name, or NULL when Cadenza lacks it. */
const cz_mech_kind *cz_mech_find(const char *name);
/* The rank of a kind in NEURON's order of mechanisms (§4.13): kernels run in ascending rank. */
int cz_mech_order(const cz_mech_kind *k);
/* The number of kinds (at most CZ_MECH_MAX_KINDS), and the kind of each rank. */
int cz_mech_nkinds(void);
const cz_mech_kind *cz_mech_kind_at(int order);
/* The index of parameter name of kind k ("gbar"), or -1. */
int cz_mech_param_index(const cz_mech_kind *k, const char *name);
int cz_mech_state_index(const cz_mech_kind *k, const char *name);

/* n instances of kind k at its parameter defaults. Owned (cz_mech_free). Local. */
cz_status cz_mech_alloc(cz_mech *m, const cz_mech_kind *k, size_t n);
void cz_mech_free(cz_mech *m);
/* Appends an instance at node with the given parameters ([kind->nparam]), its states zero.
 * m->kind must be set (cz_mech_alloc with n = 0). Local. */
cz_status cz_mech_append(cz_mech *m, uint32_t node, const double *params);
/* Gives back the room beyond its instances once every cell is added. Local. */
cz_status cz_mech_fit(cz_mech *m);
/* After cz_cable_interleave: each instance's node renumbered (new_of_old [nnodes]), the
 * instances in the order of their nodes. Local. */
cz_status cz_mech_renumber(cz_mech *m, const uint32_t *new_of_old, size_t nnodes);

/* Ions of n nodes at NEURON's defaults (ena 50, ek -77, eca 132.458 mV, cai 5e-5, cao 2 mM).
 * Owned (cz_ions_free). Local. */
cz_status cz_ions_alloc(cz_ions *ions, size_t n);
void cz_ions_free(cz_ions *ions);

/* NEURON's Nernst potential (mV) of an ion of valence z: +1e6 when ci <= 0, -1e6 when co <= 0. */
double cz_nernst(double ci, double co, int z, double celsius, const cz_units *u);

/* The start of a step's current assembly: the ion currents cleared, eca refreshed by Nernst
 * where cai is a state. (The cable's rhs and d are cleared by cz_cable_begin_currents.) */
void cz_ions_begin_currents(cz_ions *ions, double celsius, const cz_units *u);

/* Adds an ohmic current g (v - erev) at node i the way NEURON evaluates a mechanism's current:
 * at v and at v + 0.001 mV. acc (NULL: nonspecific) receives the current at v. */
static inline void cz_mech_add_ohmic(const cz_mech_env *env, uint32_t i, double g, double erev, double *acc) {
  cz_cable *c = env->cable;
  const double v = c->v[i];
  const double i_dv = g * (v + 0.001 - erev), i_v = g * (v - erev);
  c->rhs[i] -= i_v;
  c->d[i] += (i_dv - i_v) / 0.001;
  if (acc) acc[i] += i_v;
}

/* NEURON's temperature factor 2.3^((celsius - t_ref) / 10) of the Allen channels. Declared
 * const (a function of its arguments alone; its cache is invisible) so that a kernel's loop
 * computes it once. */
double cz_mech_q(double celsius, double t_ref) __attribute__((const));

#endif
