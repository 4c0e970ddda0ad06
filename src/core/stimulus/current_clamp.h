/* Current clamps (IClamp inputs of PointNet, sonata-spec 3.7) as NEST step_current_generators.
 *
 * Each input becomes a list of amplitude changes (time, amp in pA): from current_clamp's
 * amp/delay/duration (scalars or equal-length lists; a pulse whose delay is <= dt is skipped,
 * as BMTK does; a pulse ends with a change to 0 unless the next pulse starts before it ends),
 * from a CSV file of timestamps and amplitudes, or from the stimulus of a sweep of an Allen
 * Cell Types NWB file (input_type nwb/allen, read as BMTK reads it). A change at time t takes step a = t/h
 * (rounded to the grid); the generator, connected with a one-step delay, makes the new
 * amplitude the neuron's input current for updates a+1 onward: the engine sets the arriving
 * current before update a and the neuron latches it at the end of that update. Several clamps
 * on one neuron add. */
#ifndef CZ_CORE_STIMULUS_CURRENT_CLAMP_H
#define CZ_CORE_STIMULUS_CURRENT_CLAMP_H

#include <stddef.h>
#include <stdint.h>

#include "base/status.h"
#include "core/gidmap.h"
#include "core/timegrid.h"
#include "io/circuit.h"
#include "io/config.h"

typedef struct cz_clamps {
  size_t nclamps;
  size_t *chg_off;   /* [nclamps + 1] changes of each clamp */
  int64_t *chg_step; /* step a of each change, increasing per clamp */
  double *chg_amp;   /* pA */
  size_t *nrn_off;   /* [N + 1] clamps of each neuron (CSR) */
  uint32_t *nrn_clamp;
  size_t nev;        /* (step, nid) at which a neuron's current changes, sorted */
  int64_t *ev_step;
  uint32_t *ev_nid;
} cz_clamps;

/* Reads every enabled IClamp input. Owned (out arrays; cz_clamps_free). */
cz_status cz_clamps_build(const cz_config *cfg, const cz_circuit *c, const cz_gidmap *gm, const cz_timegrid *tg,
                          cz_clamps *out);
void cz_clamps_free(cz_clamps *cl);
/* Checks one IClamp block's amplitudes and times (or its CSV file) without a network, for
 * `cadenza check`. */
cz_status cz_clamp_check_block(const cz_config *cfg, const cz_cfg_block *b);

/* The amplitude changes of one IClamp block (times in ms, amplitudes in pA), in order.
 * Owned (*t, *amp). */
cz_status cz_clamp_block_changes(const cz_config *cfg, const cz_cfg_block *b, double **t, double **amp, size_t *n);

/* The stimulus of one sweep of an Allen Cell Types NWB 1 file (input_type nwb or allen:
 * file, sweep_id, downsample, sweep_window, delay), as BMTK 1.0.8 reads it for both engines
 * (inputs-spec.md §7): the samples (A) times 1e9, sample i at i idt ms with idt = 1000 / rate;
 * with downsample (ms) above idt every round(downsample / idt)-th sample, and idt becomes
 * downsample; then the samples whose time lies in sweep_window [t0, t1] ms. Each engine
 * applies delay its own way. */
typedef struct cz_clamp_sweep {
  double *amps;  /* [n] nA (PointNet takes the numbers as pA, as BMTK does) */
  double *t;     /* [n] ms, the samples' times in the sweep */
  size_t n;
  double idt;    /* ms */
  double delay;  /* ms, "delay" (default 0) */
} cz_clamp_sweep;

/* Reads block b's sweep. Errors name the block, the file and the sweep. Owned
 * (cz_clamp_sweep_free). Local. */
cz_status cz_clamp_read_sweep(const cz_config *cfg, const cz_cfg_block *b, cz_clamp_sweep *out);
void cz_clamp_sweep_free(cz_clamp_sweep *s);

/* Input current of neuron nid arriving at step u: the sum over its clamps, in clamp order. */
double cz_clamps_current(const cz_clamps *cl, uint32_t nid, int64_t u);

#endif
