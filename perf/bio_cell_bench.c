/* Speed of the detailed-cell kernels on one thread: bio_1cell's Scnn1a cell (NeuroML2
 * biophysics, perisomatic stub, dL 20: 264 segments) copied n times into one cell group (side
 * by side in one cohort from 4 copies, as the engine lays them out), each under the folder's
 * 0.1 nA clamp from 500 ms, run for T ms of model time at dt 0.1.
 * Only the time loop is timed (spike detection, currents, clamps, the solve, the states).
 * Prints one line per n: wall seconds, spikes, ns per compartment-step (segments x steps).
 *
 *   bio_cell_bench DATA_DIR [T_MS (3000)] [N ...(1 10 50)]
 *
 * bionet-spec.md §9 gives NEURON 8.2.2's core on the same cells: 34 ns (1 cell), 36 ns (10),
 * 45 ns (50) per compartment-step. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "base/timer.h"
#include "bionet/biophysics.h"
#include "bionet/cells.h"
#include "bionet/mechanisms/iclamp.h"

static void count_spike(void *ctx, size_t cell, double t) {
  (void)cell;
  (void)t;
  ++*(size_t *)ctx;
}

static int bench(const char *data, double tstop, int ncells) {
  if (ncells < 1 || ncells > 100000) {
    fprintf(stderr, "bio_cell_bench: a cell count from 1 to 100000, not %d\n", ncells);
    return 2;
  }
  char swc[1024], nml[1024];
  snprintf(swc, sizeof swc, "%s/bmtk/examples/bio_1cell/components/morphologies/Scnn1a_473845048_m.swc", data);
  snprintf(nml, sizeof nml, "%s/bmtk/examples/bio_1cell/components/biophysical_neuron_templates/Cell_472363762.cell.nml",
           data);
  cz_bio_recipe r;
  cz_bio_cells g;
  if (cz_bio_recipe_from_nml(nml, &r) != CZ_OK || cz_bio_cells_begin(&g) != CZ_OK) {
    fprintf(stderr, "bio_cell_bench: %s\n", cz_error_message());
    return 1;
  }
  const cz_bio_cell_model cm = {.morphology = swc, .axon = CZ_AXON_PERISOMATIC, .recipe = &r, .dL = 20.0};
  cz_mech_env env = {.dt = 0.1, .celsius = 34.0, .units = &cz_units_modern};
  cz_morph_cache morphs = {0};
  for (int c = 0; c < ncells; c++)
    if (cz_bio_cells_add(&g, &cm, -80.0, &morphs, NULL) != CZ_OK) {
      fprintf(stderr, "bio_cell_bench: %s\n", cz_error_message());
      return 1;
    }
  cz_morph_cache_free(&morphs);
  uint32_t *new_of_old = NULL; /* the engine's layout: the copies side by side, in one cohort */
  if (cz_bio_cells_interleave(&g, &new_of_old) != CZ_OK || cz_bio_cells_finish(&g, &env) != CZ_OK) {
    fprintf(stderr, "bio_cell_bench: %s\n", cz_error_message());
    return 1;
  }
  free(new_of_old);
  cz_iclamp *clamps = calloc((size_t)ncells, sizeof *clamps);
  size_t segments = 0;
  for (int c = 0; c < ncells; c++) {
    clamps[c] = (cz_iclamp){.node = g.soma[c], .del = 500.0, .dur = 2000.0, .amp = 0.1};
    for (size_t s = 0; s < g.map[c].nsec; s++) segments += g.map[c].nseg[s];
  }
  const long nsteps = (long)(tstop / env.dt + 0.5);
  size_t spikes = 0;
  double t = 0;
  const double t0 = cz_now();
  for (long n = 0; n < nsteps; n++) {
    cz_bio_cells_detect(&g, t, -15.0, count_spike, &spikes);
    t += 0.5 * env.dt;
    cz_bio_cells_currents(&g, &env);
    cz_iclamp_current(clamps, (size_t)ncells, t, &g.cable);
    cz_cable_solve(&g.cable, env.dt);
    t += 0.5 * env.dt;
    cz_bio_cells_advance(&g, &env);
  }
  const double wall = cz_now() - t0;
  printf("cells %d, segments %zu, nodes %zu, %ld steps: %.3f s, %zu spikes, %.2f ns per compartment-step\n", ncells,
         segments, g.cable.n, nsteps, wall, spikes, wall * 1e9 / ((double)segments * (double)nsteps));
  free(clamps);
  cz_bio_cells_free(&g);
  cz_bio_recipe_free(&r);
  return 0;
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: bio_cell_bench DATA_DIR [T_MS] [N ...]\n");
    return 2;
  }
  const double tstop = argc > 2 ? atof(argv[2]) : 3000.0;
  int rc = 0;
  if (argc > 3)
    for (int i = 3; i < argc && rc == 0; i++) rc = bench(argv[1], tstop, atoi(argv[i]));
  else
    for (int n = 1; n <= 50 && rc == 0; n = n == 1 ? 10 : n * 5) rc = bench(argv[1], tstop, n);
  return rc;
}
