/* FilterNet's LGN units (filternet-popnet-spec.md §2.4, §2.8): each node's parameters found as
 * BMTK finds them, and its model built on the movie.
 *
 * Parameters: node columns first (the h5 group's, then the node type's), then the
 * dynamics_params and non_dom_params JSON files of components.filter_models_dir, in BMTK's
 * order of keys (weights, kpeaks and delays of the dominant and non-dominant subunits,
 * spatial_size or sigma, spatial_rotation, x, y, spont_fr, sf_sep, tuning_angle, and the
 * LGNOnOFFCell's weight_dom_*, kpeaks_dom_*, delay_dom_*, sigma_on, sigma_off). Random draws
 * come from numpy's global generator, in BMTK's order, when the cell is built: the jitter of
 * every weight, peak and delay (and sf_sep) when the node's group has jitter_lower and
 * jitter_upper columns, then a tuning angle U(0, 360) for a two-subunit unit whose group has
 * none.
 *
 * Models: an ON or OFF unit (amplitude +1 / -1, f = F(y + spont)); sONsOFF_001 and
 * sONtOFF_001 (an OFF dominant and an ON non-dominant subunit, delays shifted to BMTK's
 * time-to-peak, amplitudes balanced, centres sf_sep apart at the tuning angle,
 * f = F(y_off + spont/2) + F(y_on + spont/2)); LGNOnOFFCell (one kernel, two sigmas,
 * amplitudes +-20, f = F(y_on) + F(y_off)). F(z) is z for z > 0 and, as BMTK's Heaviside gives
 * it, -0.0 for z < 0 and 0.5 z at 0. */
#ifndef CZ_FILTERNET_CELLS_H
#define CZ_FILTERNET_CELLS_H

#include <stddef.h>

#include "base/mt19937.h"
#include "base/status.h"
#include "filternet/kernels.h"
#include "filternet/stimulus.h"
#include "io/circuit.h"
#include "io/config.h"

typedef enum cz_fn_model { CZ_FN_SINGLE = 0, CZ_FN_TWO_SUBUNIT, CZ_FN_ON_OFF } cz_fn_model;

/* What a node says, after its draws: enough to build its filters on any rank. */
typedef struct cz_fn_params {
  cz_fn_model model;
  double w[2], kpeaks[2], delays[2];     /* dominant (or the only) subunit */
  double nd_w[2], nd_kpeaks[2], nd_delays[2];
  double sigma[2];                        /* degrees, (columns, rows) */
  double sigma_on[2], sigma_off[2];       /* LGNOnOFFCell */
  double x, y, rotation, spont, sf_sep, tuning_angle;
  double amp;                             /* +1 ON, -1 OFF (single units) */
  int two_kind;                           /* 0 sONsOFF, 1 sONtOFF */
} cz_fn_params;

typedef struct cz_fn_unit {
  double amp;
  double *tk;  /* [ntk] the temporal kernel at the movie's frames */
  size_t ntk;
  cz_fn_spatial s;
} cz_fn_unit;

typedef struct cz_fn_cell {
  cz_fn_model model;
  double spont;
  size_t nu;
  cz_fn_unit u[2];
} cz_fn_cell;

/* JSON files of filter_models_dir, read once each. */
typedef struct cz_fn_json_cache {
  size_t n;
  char **path;
  struct cJSON **json;
} cz_fn_json_cache;
void cz_fn_json_cache_free(cz_fn_json_cache *c);

/* The parameters of node row of np, drawing from g as BMTK draws. Errors name the node and
 * the file or column. Local. */
cz_status cz_fn_params_read(const cz_config *cfg, const cz_node_pop *np, size_t row, cz_mt19937 *g,
                            cz_fn_json_cache *cache, cz_fn_params *out);
/* The cell of p on movie m. Owned (cz_fn_cell_free). Local. */
cz_status cz_fn_cell_build(const cz_fn_params *p, const cz_fn_movie *m, cz_fn_cell *out);
void cz_fn_cell_free(cz_fn_cell *c);

/* The rate of cell c from its units' linear responses y[u] at one time. */
double cz_fn_rate(const cz_fn_cell *c, const double *y);

#endif
