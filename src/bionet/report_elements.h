/* What a membrane report records of one detailed cell (bionet-spec.md §7.2, reports-spec.md
 * §8.1): which of its points (the elements) and where each one's value lies.
 *
 * Sections: exactly the string "soma" is the soma centre alone (element 0 at 0.5); "all" or an
 * empty list is every segment; any other string or list of names is the segments of the
 * section types it names (soma/somatic, axon/axonal, dend/basal/"basal dendrite"/"(basal)
 * dendrite", apic/apical/"apical denrite", custom/other: the types beyond 4), names compared
 * without case; a name that is none of them selects nothing. Segments come section by
 * section in the cell's list order, each section's by x: element id the section's index in
 * the list, position (k + 1/2) / nseg, and the section's SWC type.
 *
 * Variables: v (mV), the calcium concentration cai (mM), the ionic currents ica, ina, ik
 * (mA/cm²), eca (mV), and <state>_<mechanism> (m_NaTs, Ca_CaDynamics is not a state: the
 * states are the mechanism's own). An ion variable exists where a mechanism that uses the ion
 * is inserted, a state where its mechanism is, as in NEURON; elsewhere it is an error naming
 * the variable, the section and the report. */
#ifndef CZ_BIONET_REPORT_ELEMENTS_H
#define CZ_BIONET_REPORT_ELEMENTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/status.h"
#include "bionet/cells.h"

struct cJSON;

typedef enum cz_bio_var_kind {
  CZ_BVAR_V,
  CZ_BVAR_CAI,
  CZ_BVAR_ICA,
  CZ_BVAR_INA,
  CZ_BVAR_IK,
  CZ_BVAR_ECA,
  CZ_BVAR_STATE
} cz_bio_var_kind;

typedef struct cz_bio_var {
  cz_bio_var_kind kind;
  const cz_mech_kind *mech; /* CZ_BVAR_STATE: the mechanism, and the state's index */
  int state;
  const char *units;
} cz_bio_var;

/* The variable `name` stands for; CZ_ERR_CONFIG naming `where` when none. */
cz_status cz_bio_var_parse(const char *name, const char *where, cz_bio_var *out);

typedef struct cz_bio_sections {
  bool soma_centre; /* the string "soma": one element at the soma centre */
  uint32_t types;   /* otherwise: bit t for SWC type t = 1..4, bit 0 for every type beyond 4 */
} cz_bio_sections;

/* The sections of a report's `sections` value (absent: "all"); CZ_ERR_CONFIG naming `where`
 * when it is neither a string nor a list of strings. */
cz_status cz_bio_sections_parse(const struct cJSON *j, const char *where, cz_bio_sections *out);

typedef struct cz_bio_element {
  uint32_t section; /* element id */
  double pos;       /* element_pos */
  int32_t type;     /* the section's SWC type */
  const double *src;
} cz_bio_element;

/* Where the variables of a thread's cells lie: built once per thread, for its cells' nodes. */
typedef struct cz_bio_var_index {
  const cz_bio_cells *g;
  uint8_t *ions;          /* [cable.n] bit 0 ca, 1 na, 2 k: an ion some mechanism at the node uses */
  uint32_t *inst[CZ_MECH_MAX_KINDS]; /* [cable.n] the instance of kind o at the node, or UINT32_MAX; built on demand */
} cz_bio_var_index;

cz_status cz_bio_var_index_build(const cz_bio_cells *g, cz_bio_var_index *out);
void cz_bio_var_index_free(cz_bio_var_index *x);

/* The elements of cell `cell` (*out owned, [*n]). Local. */
cz_status cz_bio_cell_elements(cz_bio_var_index *x, size_t cell, const cz_bio_sections *sec, const cz_bio_var *var,
                               const char *where, cz_bio_element **out, size_t *n);

#endif
