/* The xstim input (module xstim; bionet-spec.md §6.4, inputs-spec.md §4.6): stimulating
 * electrodes in a homogeneous medium imposing an extracellular potential on every detailed
 * cell, as BMTK's xstim module imposes it.
 *
 * Electrodes: positions_file, a space-separated table with columns pos_x pos_y pos_z
 * rotation_x rotation_y rotation_z (radians) and optionally electrode_mesh_file (a table of
 * x_pos y_pos z_pos, relative to mesh_files_dir, by default the positions file's folder); an
 * electrode without a mesh is one point. A mesh is rotated about the origin by
 * Rx Ry Rz and moved so that its mean lies on the electrode's position.
 * Transfer: each segment's centre (in the tissue, bionet/cell_frame.h) is at distance r (µm)
 * from each mesh point; T = (rho / 4 pi) 0.01 sum 1/r with rho = 300 Ω·cm (BMTK's constant;
 * "resistance" sets another, which BMTK ignores, and the log says so); any r < 10 µm stops the
 * run before it starts ("the electrode is too close"), as BMTK raises. With the waveform in mA
 * the potential 1e6 (w / points) T mV is the point source's rho I / (4 pi r).
 * Waveform (the same for every electrode): an object (or a .json file) of shape dc (amp from
 * del to del + dur, both ends excluded) or sin (amp sin(2 pi freq/1000 t + phase) + offset,
 * phase pi and offset 0 by default, over the same window), or a tab-separated .csv of time
 * (ms) and amplitude, interpolated linearly and clamped (BMTK 1.0.8 cannot read a waveform
 * file, and the log says so). After step n the potential
 * 1e6 sum_el (waveform(t) / mesh points) T, t = (n + 1) dt, is set, and it acts during step
 * n + 1 through the cable's vext (bionet/cable.h).
 *
 * As in BMTK, node_set is ignored (every detailed cell gets the field; another node set is
 * warned about); "cells", a second xstim block, an xstim beside a comsol block (each would
 * overwrite the other's potential), set_nrn_mechanisms false and an unknown shape or file kind
 * are refused. */
#ifndef CZ_BIONET_XSTIM_H
#define CZ_BIONET_XSTIM_H

#include <stddef.h>
#include <stdint.h>

#include "base/status.h"
#include "bionet/step.h"
#include "io/circuit.h"
#include "io/config.h"

typedef struct cz_bio_xstim cz_bio_xstim;

/* Checks cfg's xstim blocks (keys, files, waveform). Local. */
cz_status cz_bio_xstim_check(const cz_config *cfg);
/* The electrodes of cfg's enabled xstim block; *out NULL without one. Owned
 * (cz_bio_xstim_free). Local. */
cz_status cz_bio_xstim_create(const cz_config *cfg, double dt, int nthreads, cz_bio_xstim **out);
/* Thread tid simulates node row of np as cell `cell` of th (built with shapes): its segments'
 * transfers. Local. */
cz_status cz_bio_xstim_bind(cz_bio_xstim *x, const cz_node_pop *np, size_t row, int tid, cz_bio_thread *th,
                            size_t cell);
/* After thread tid's cells are bound: its cable takes an extracellular potential. Local. */
cz_status cz_bio_xstim_ready(cz_bio_xstim *x, int tid, cz_bio_thread *th);
/* Before step u of thread tid: the potential of its segments during that step. */
void cz_bio_xstim_apply(cz_bio_xstim *x, int tid, cz_bio_thread *th, int64_t u);
void cz_bio_xstim_free(cz_bio_xstim **x);

/* The transfer (mV per unit of waveform, before 1e6) from npts mesh points xyz to point p:
 * (rho / 4 pi) 0.01 sum 1/r; *closest the smallest r (µm). */
double cz_bio_xstim_transfer(const double *xyz, size_t npts, const double p[3], double rho, double *closest);

/* For inspection and tests: the waveform at t ms; the number of electrodes; electrode el's
 * mesh points placed in the tissue ([*npts 3]); the potential (mV) the electrodes impose at
 * point p (µm) for waveform value w, as a segment centre there would take it. */
double cz_bio_xstim_waveform(const cz_bio_xstim *x, double t);
size_t cz_bio_xstim_electrodes(const cz_bio_xstim *x);
const double *cz_bio_xstim_mesh(const cz_bio_xstim *x, size_t el, size_t *npts);
double cz_bio_xstim_potential(const cz_bio_xstim *x, const double p[3], double w);

#endif
