/* The settings of a BioNet run that BMTK reads from the simulation config (bionet-spec.md §1,
 * §3.7): conditions.celsius and conditions.v_init, which BMTK requires and Cadenza requires
 * too (the Allen model files' own values are ignored, as BMTK ignores them); run.dL (default
 * 20 µm; null: every section keeps one segment); run.spike_threshold (default -15 mV); and
 * run.nrn_units, "modern" (NEURON 8's constants, the default) or "legacy" (those of NEURON 7,
 * with which the sonata examples' outputs were made). A missing or malformed value is one
 * CZ_ERR_CONFIG naming the key and the config file. */
#ifndef CZ_BIONET_RUN_CONFIG_H
#define CZ_BIONET_RUN_CONFIG_H

#include <stdbool.h>

#include "base/status.h"
#include "bionet/mechanisms/mechanism.h"
#include "io/config.h"

typedef struct cz_bio_run_config {
  double celsius, v_init; /* °C, mV */
  double dL;              /* µm; 0: no re-segmentation */
  double spike_threshold; /* mV */
  const cz_units *units;
} cz_bio_run_config;

/* Reads them from cfg; legacy_units (the command line's switch) wins over run.nrn_units.
 * Local. */
cz_status cz_bio_run_config_read(const cz_config *cfg, bool legacy_units, cz_bio_run_config *out);

#endif
