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

/* Which unit constants: as run.nrn_units says, or the command line's choice, which wins. */
typedef enum cz_bio_units_choice { CZ_BIO_UNITS_CONFIG = 0, CZ_BIO_UNITS_MODERN, CZ_BIO_UNITS_LEGACY } cz_bio_units_choice;

/* Reads them from cfg, the units as `units` says. Local. */
cz_status cz_bio_run_config_read(const cz_config *cfg, cz_bio_units_choice units, cz_bio_run_config *out);

#endif
