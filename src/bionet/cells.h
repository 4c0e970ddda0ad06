/* The detailed cells one thread owns (bionet-spec.md §2): each built from its morphology, its
 * axon processing and its biophysics recipe into the thread's one cable, one set of ions and
 * one instance array per mechanism kind, so that every kernel runs over all the thread's cells
 * at once.
 *
 * Cells are added one by one (cz_bio_cells_add), then cz_bio_cells_finish sets up the ions and
 * the initial state (NEURON's finitialize: every node at v_init, mechanisms initialised in
 * NEURON's order). A step is then cz_bio_cells_currents, the caller's point currents
 * (clamps, synapses), cz_cable_solve, cz_bio_cells_advance. */
#ifndef CZ_BIONET_CELLS_H
#define CZ_BIONET_CELLS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/status.h"
#include "bionet/biophysics.h"
#include "bionet/cable.h"
#include "bionet/geometry.h"
#include "bionet/mechanisms/mechanism.h"
#include "bionet/morph_cache.h"
#include "bionet/morphology.h"
#include "bionet/seg_shape.h"
#include "bionet/syn_placement.h"

typedef enum cz_axon_processing {
  CZ_AXON_KEEP,        /* the reconstructed axon (no model processing) */
  CZ_AXON_PERISOMATIC, /* BMTK's stub of two 30 µm, 1 µm sections at soma(0.5) */
  CZ_AXON_ALLACTIVE    /* the stub at soma(1) with the first and last axon sections' diameters */
} cz_axon_processing;

typedef struct cz_bio_cell_model {
  const char *morphology;     /* SWC file */
  cz_axon_processing axon;
  const cz_bio_recipe *recipe; /* borrowed; NULL: no membrane mechanisms */
  double dL;                   /* µm; not positive: one segment per section */
} cz_bio_cell_model;

typedef struct cz_bio_cells {
  cz_cable cable;
  cz_ions ions;
  cz_mech mech[CZ_MECH_MAX_KINDS]; /* by cz_mech_order; n = 0 where no cell has the kind */
  size_t ncells, cap;
  cz_cell_nodes *map; /* [ncells] */
  uint32_t *soma;     /* [ncells] soma[0](0.5): the spike detector's node */
  uint8_t *above;     /* [ncells] the detector's flag: v was above threshold at the last check */
  double *node_ena, *node_ek; /* [cable.n] until finished */
  double *pas_g, *pas_e;      /* [cable.n] once finished: pas's parameters by node, g = 0 where it
                                 has none (mechanisms/pas.h); mech[0] (pas) is then empty */
  size_t node_cap;
  bool keep_shapes;    /* set before adding cells: keep where each cell's segments lie */
  cz_seg_shape *shape; /* [ncells] when keep_shapes (segments in section order, as map) */
  bool keep_seg_tables;  /* set before adding cells: keep each cell's segment table */
  cz_seg_table *segtab;  /* [ncells] when keep_seg_tables, for random synapse placement */
} cz_bio_cells;

/* The bytes the group's state holds for its cells (cable, ions, mechanisms, section maps,
 * detectors; the shapes and segment tables when kept), as allocated. Local. */
size_t cz_bio_cells_bytes(const cz_bio_cells *g);

/* Starts an empty group. Owned (cz_bio_cells_free). Local. */
cz_status cz_bio_cells_begin(cz_bio_cells *g);
/* Builds a cell and appends it (index *cell), its morphology from morphs (NULL: read from its
 * file). Errors name the morphology or model file. Local. */
cz_status cz_bio_cells_add(cz_bio_cells *g, const cz_bio_cell_model *model, double v_init, cz_morph_cache *morphs,
                           size_t *cell);
/* Puts the cells of one shape side by side on the cable (cz_cable_interleave) once every cell is
 * added, and renumbers what the group holds: the maps, the detectors, the reversal potentials
 * and the mechanisms. *new_of_old (owned, [cable.n]) says where each node went, for the
 * synapses and clamps. Before cz_bio_cells_finish. Local. */
cz_status cz_bio_cells_interleave(cz_bio_cells *g, uint32_t **new_of_old);
/* Sets up the ions and initialises every mechanism at the nodes' v (env->cable and env->ions
 * are set to the group's). Local. */
cz_status cz_bio_cells_finish(cz_bio_cells *g, cz_mech_env *env);
void cz_bio_cells_free(cz_bio_cells *g);
/* The morphology of a model after its axon processing, and its segments with the recipe's
 * Ra, as cz_bio_cells_add builds them (morphs as there). Owned (*m, *geom). Local. */
cz_status cz_bio_cell_geometry(const cz_bio_cell_model *model, cz_morph_cache *morphs, cz_morph **m,
                               cz_bio_geom **geom);
/* What a cell of a model holds, for what its steps cost: its cable nodes (segments, and the
 * root and end nodes of its sections) and each mechanism kind's instances (by cz_mech_order),
 * as cz_bio_cells_add would build it. */
typedef struct cz_bio_census {
  uint32_t nodes;
  uint32_t instances[CZ_MECH_MAX_KINDS];
} cz_bio_census;
/* The census of a model's cell (morphs as for cz_bio_cell_geometry). Local. */
cz_status cz_bio_cell_census(const cz_bio_cell_model *model, cz_morph_cache *morphs, cz_bio_census *out);
/* Frees the cells' shapes, or segment tables, once their users have what they need. */
void cz_bio_cells_drop_shapes(cz_bio_cells *g);
void cz_bio_cells_drop_seg_tables(cz_bio_cells *g);

/* The step's current assembly: rhs and d cleared, ions refreshed, every mechanism's current. */
void cz_bio_cells_currents(cz_bio_cells *g, const cz_mech_env *env);
/* The states' advance after the solve, kinds in NEURON's order. */
void cz_bio_cells_advance(cz_bio_cells *g, const cz_mech_env *env);

/* NEURON's spike detection (§3.8), at the start of the step that starts at accumulated time
 * t_n: a cell whose soma v is above threshold (strictly) and was not at the last check spikes
 * at t_n + 1e-10 (no interpolation); v at or below threshold rearms it. emit is called for
 * each spike, cells in order. */
void cz_bio_cells_detect(cz_bio_cells *g, double t_n, double threshold, void (*emit)(void *ctx, size_t cell, double t),
                         void *ctx);

#endif
