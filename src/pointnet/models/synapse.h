/* Synapse models: NEST's static_synapse and its plastic synapses, with their parameters and
 * the update each one makes when a presynaptic spike passes through it.
 *
 * A plastic synapse keeps its own state (weight or resource variables, and the time of the
 * last spike through it) and is updated only when a spike passes, as in NEST, where the
 * update runs when the spike is delivered. Times are spike stamps in ms.
 *
 * stdp_synapse (Song et al. 2000 pair rule, multiplicative with mu = 1): before sending, the
 * weight is facilitated once for every postsynaptic spike since the previous presynaptic one
 * (seen through the dendritic delay, which is the whole synaptic delay), each by the
 * presynaptic trace Kplus decayed to that spike, then depressed by the postsynaptic trace at
 * the spike's arrival; the new weight is what the spike carries, and then Kplus jumps by 1.
 *   facilitate: w' = Wmax * min(1, w/Wmax + lambda * (1 - w/Wmax)^mu_plus * K)
 *   depress:    w' = Wmax * max(0, w/Wmax - alpha * lambda * (w/Wmax)^mu_minus * K)
 * stdp_pl_synapse_hom and stdp_pl_synapse_hom_hpc (Morrison et al. 2007 power law, the HPC
 * benchmark's E->E synapse): the same spike pairing and traces, with
 *   facilitate: w' = w + lambda * w^mu * K
 *   depress:    w' = max(0, w - lambda * alpha * w * K)
 * and no upper bound; decays are exp(dt * (1 / tau_plus)), NEST's precomputed inverse, so the
 * weights follow NEST's to the last bit of each step.
 * tsodyks_synapse (Tsodyks, Uziel & Markram 2000): resources x (free), y (active), z =
 * 1 - x - y (inactive) and release probability u are propagated exactly from the previous
 * spike, then u += U (1 - u) and the spike releases u x, which it carries times the weight.
 * tsodyks2_synapse (Maass & Markram 2002): x and u are advanced from their values after the
 * previous spike, x_n = 1 + (x - u x - 1) e^(-h/tau_rec), u_n = U + u (1 - U) e^(-h/tau_fac)
 * (no facilitation when tau_fac is 0), and the spike carries x_n u_n times the weight; the
 * first spike uses the initial x and u. */
#ifndef CZ_POINTNET_MODELS_SYNAPSE_H
#define CZ_POINTNET_MODELS_SYNAPSE_H

#include <stdbool.h>

#include "base/status.h"
#include "pointnet/models/post_archive.h"

struct cJSON;

typedef enum cz_syn_rule {
  CZ_SYN_STATIC = 0,
  CZ_SYN_STDP,
  CZ_SYN_TSODYKS,
  CZ_SYN_TSODYKS2,
  CZ_SYN_STDP_PL,
  CZ_SYN_NRULES
} cz_syn_rule;

/* Whether a rule pairs pre- and postsynaptic spikes (its targets keep a spike archive). */
static inline bool cz_syn_is_stdp(cz_syn_rule r) { return r == CZ_SYN_STDP || r == CZ_SYN_STDP_PL; }

/* The parameters of one synapse model instance (an edge type's dynamics_params). */
typedef struct cz_syn_params {
  cz_syn_rule rule;
  int receptor; /* receptor_type */
  /* stdp_synapse; stdp_pl_synapse_hom: tau_plus, lambda, alpha, mu, Kplus */
  double tau_plus, lambda, alpha, mu_plus, mu_minus, Wmax, Kplus, mu;
  /* tsodyks_synapse, tsodyks2_synapse: initial x, y, u */
  double U, tau_psc, tau_fac, tau_rec, x, y, u;
} cz_syn_params;

/* Per-synapse state, as the engine stores it (plain arrays, one entry per synapse). */
typedef struct cz_syn_state {
  double w;      /* weight (stdp: the plastic weight; others: the fixed weight) */
  double a, b, c; /* stdp: Kplus; tsodyks: x, y, u; tsodyks2: x, u */
  double t_last; /* ms of the last spike through the synapse */
} cz_syn_state;

/* The rule of a NEST synapse model name; an unknown name is an error listing the known ones
 * (where: the file that names it, for the message). */
cz_status cz_syn_rule_of(const char *model, const char *where, cz_syn_rule *out);
const char *cz_syn_rule_name(cz_syn_rule r);

/* Reads params (may be NULL) for the given rule with NEST's defaults, refusing keys the model
 * does not have and values NEST refuses. file names the params for messages. */
cz_status cz_syn_params_read(cz_syn_rule rule, const struct cJSON *params, const char *file, cz_syn_params *out);

/* Checks a synapse's weight against its model (stdp: same sign as Wmax; power law: >= 0). */
bool cz_syn_weight_ok(const cz_syn_params *p, double w);

/* The state of a new synapse of weight w. */
cz_syn_state cz_syn_initial_state(const cz_syn_params *p, double w);

/* The stdp weight rules (exposed for tests). */
double cz_stdp_facilitate(const cz_syn_params *p, double w, double kplus);
double cz_stdp_depress(const cz_syn_params *p, double w, double kminus);
double cz_stdp_pl_facilitate(const cz_syn_params *p, double w, double kplus);
double cz_stdp_pl_depress(const cz_syn_params *p, double w, double kminus);

/* Passes a spike stamped t_ms through the synapse: updates its state and returns the weight
 * the spike carries. delay_ms: the synaptic delay; post: the target's archive (stdp only). */
double cz_syn_send(const cz_syn_params *p, cz_syn_state *s, double t_ms, double delay_ms, cz_post_archive *post);

#endif
