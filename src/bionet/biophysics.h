/* A cell model's biophysics (bionet-spec.md §2.7): what each section type gets, as an ordered
 * list of settings read from the model's file (a NeuroML2 `.nml` of an `nml:` template, or an
 * Allen "fit" JSON of `aibs_perisomatic` / `aibs_allactive`) and then applied section by
 * section: Ra, cm, the reversal potentials ena and ek, the mechanisms inserted and their range
 * parameters. Anything not set keeps NEURON's default (Ra 35.4 Ω·cm, cm 1 µF/cm², ena 50 mV,
 * ek -77 mV, each mechanism's parameter defaults).
 *
 * A parameter is named as NEURON names it, `<param>_<mechanism>` (gbar_NaTs, g_pas,
 * gamma_CaDynamics, gbar_Im_v2); a name that matches no mechanism Cadenza has, or a parameter
 * that mechanism lacks, stops the build with an error naming the file and the name. */
#ifndef CZ_BIONET_BIOPHYSICS_H
#define CZ_BIONET_BIOPHYSICS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/status.h"
#include "bionet/mechanisms/mechanism.h"

typedef enum cz_bio_set_kind {
  CZ_SET_RA,
  CZ_SET_CM,
  CZ_SET_ENA,
  CZ_SET_EK,
  CZ_SET_INSERT, /* insert mech */
  CZ_SET_PARAM   /* insert mech (if not yet) and set its parameter param */
} cz_bio_set_kind;

typedef struct cz_bio_setting {
  cz_bio_set_kind what;
  int32_t type; /* SWC type of the sections it applies to (1 soma, 2 axon, 3 dend, 4 apic) */
  const cz_mech_kind *mech;
  int param;
  double value;
  size_t element; /* the model file's element it came from (NML: replaced by a later one of the same id) */
  bool superseded;
} cz_bio_setting;

typedef struct cz_bio_recipe {
  char *source; /* the model file */
  size_t n, cap;
  cz_bio_setting *s;
} cz_bio_recipe;

/* The recipe of a NeuroML2 cell file (§2.7.3). Owned (cz_bio_recipe_free). Local. */
cz_status cz_bio_recipe_from_nml(const char *path, cz_bio_recipe *r);
/* The recipe of an Allen fit JSON file, perisomatic (§2.7.1) or all-active (§2.7.2). */
cz_status cz_bio_recipe_from_allen(const char *path, bool allactive, cz_bio_recipe *r);
void cz_bio_recipe_free(cz_bio_recipe *r);

/* The membrane of one section once the recipe is applied. */
typedef struct cz_bio_section_props {
  double Ra, cm, ena, ek;
  bool inserted[CZ_MECH_MAX_KINDS]; /* by cz_mech_order */
  double param[CZ_MECH_MAX_KINDS][CZ_MECH_MAX_PARAMS];
} cz_bio_section_props;

/* Applies r to a section of SWC type `type`. */
void cz_bio_recipe_apply(const cz_bio_recipe *r, int32_t type, cz_bio_section_props *out);

/* Splits a NEURON range-parameter name into a mechanism Cadenza has and its parameter. */
bool cz_bio_split_param(const char *name, const cz_mech_kind **mech, int *param);

#endif
