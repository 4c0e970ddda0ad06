/* Building a thread's share of a BioNet folder (bionet-spec.md §2.1, §6.1): each biophysical
 * node's cell from its attributes (morphology, model_template, model_processing,
 * dynamics_params) and the config's component folders, and the current clamps of the
 * config's IClamp inputs on the cells they select.
 *
 * Templates: `nml:<file>` (the NeuroML2 biophysics, always with the perisomatic axon stub) and
 * `ctdb:Biophys1[.hoc]` (the reconstruction, with the biophysics of model_processing:
 * aibs_perisomatic or aibs_allactive from the Allen JSON of dynamics_params, or none). A
 * morphology path that does not exist gets ".swc" appended, as BMTK does. Anything else, and
 * hoc templates or the *_directed processors, is refused with the node, the file and the value.
 * Model files are read once per file (a recipe cache). */
#ifndef CZ_BIONET_BUILD_H
#define CZ_BIONET_BUILD_H

#include <stddef.h>
#include <stdint.h>

#include "base/status.h"
#include "bionet/run_config.h"
#include "bionet/step.h"
#include "io/circuit.h"
#include "io/config.h"

/* What the build has read once for many cells: recipes and morphologies. */
typedef struct cz_bio_recipes {
  size_t n, cap;
  char **key;             /* [n] "<kind>:<file>" */
  cz_bio_recipe *recipe;  /* [n] */
  cz_morph_cache morphs;
} cz_bio_recipes;

void cz_bio_recipes_free(cz_bio_recipes *r);

/* Builds the cell of node (pop, row) of c into th (its index in th->cells: *cell). Local. */
cz_status cz_bio_add_node_cell(cz_bio_thread *th, const cz_config *cfg, const cz_circuit *c, size_t pop, size_t row,
                               const cz_bio_run_config *rc, cz_bio_recipes *cache, size_t *cell);

/* The sections and segments node (pop, row) is built with (after its axon processing), as
 * `cadenza check --dump-geometry` prints them. Owned (*m, *g). Local. */
cz_status cz_bio_node_geometry(const cz_config *cfg, const cz_circuit *c, size_t pop, size_t row,
                               const cz_bio_run_config *rc, cz_bio_recipes *cache, cz_morph **m, cz_bio_geom **g);

/* The census of node (pop, row)'s cell (bionet/cells.h), for placement. Local. */
cz_status cz_bio_node_census(const cz_config *cfg, const cz_circuit *c, size_t pop, size_t row,
                             const cz_bio_run_config *rc, cz_bio_recipes *cache, cz_bio_census *out);

/* Builds the artificial cell of node (pop, row), model_template nrn:IntFire1 with tau and
 * refrac in seconds in its dynamics_params (BMTK's units; ms inside), into th->art (index
 * *index). Local. */
cz_status cz_bio_add_node_artificial(cz_bio_thread *th, const cz_circuit *c, size_t pop, size_t row, size_t *index);

/* The node of a cell at section `section_name`[index], x (IClamp's section_name, section_index,
 * section_dist), or CZ_ERR_CONFIG naming `where` when the cell has no such section. */
cz_status cz_bio_cell_location(const cz_bio_thread *th, size_t cell, const char *section_name, size_t index, double x,
                               const char *where, uint32_t *node);

/* The clamps of every enabled IClamp input on the cells of th: cell_pop/cell_row [ncells] say
 * which node each cell is. Local. */
cz_status cz_bio_add_iclamps(cz_bio_thread *th, const cz_config *cfg, const cz_circuit *c, const size_t *cell_pop,
                             const size_t *cell_row);
/* The voltage clamps of every enabled SEClamp input (bionet-spec.md §6.2) on the cells of th:
 * on soma[0](0.5) of each biophysical cell of the node set; amps and durations a number (three
 * equal levels), a set of up to three levels for all, or a list of sets, one for all or one
 * per cell in ascending gid; rs (MΩ, default 1) a number, or a list of one or one per cell.
 * Local. */
cz_status cz_bio_add_seclamps(cz_bio_thread *th, const cz_config *cfg, const cz_circuit *c, const size_t *cell_pop,
                              const size_t *cell_row);

#endif
