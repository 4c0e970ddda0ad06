/* A cell's morphology as NEURON builds it from an SWC file (bionet-spec.md §2.2): the points of
 * the file grouped into unbranched sections, each with its parent section and the place on the
 * parent it hangs from, and the 3-D points NEURON keeps for it.
 *
 * The grouping follows NEURON's SWC importer step by step, because its choices are visible in
 * every result (section names, the order of the section list, which points a section keeps and
 * so its length and areas): a point starts a new section where its parent has more than one
 * child or another type, or where it leaves a first-order branch non-contiguously (then it
 * hangs from the branch's start); first-order branches hang from the root section's middle and
 * drop the copy of the parent point every other section starts with; sections of one point, or
 * of two points at one place, are removed and their children moved up. Sections are then
 * ordered by type (soma, axon, dend, apic, ...), each type in file order, and a one-point soma
 * becomes a cylinder along x as long as it is wide. Coordinates and diameters go through
 * NEURON's round trip (printed with 6 significant digits, stored as float); arc lengths add
 * double square roots of float differences.
 *
 * Sections are held as structure-of-arrays; the 3-D points of all sections share one pool,
 * section s owning points [pt_off[s], pt_off[s + 1]). A section without 3-D points (an axon
 * stub) is a cylinder of length L and diameter cyl_diam. */
#ifndef CZ_BIONET_MORPHOLOGY_H
#define CZ_BIONET_MORPHOLOGY_H

#include <stddef.h>
#include <stdint.h>

#include "base/status.h"

typedef struct cz_morph {
  char *path;     /* the SWC file, for messages */
  size_t nsec;
  size_t nsec_imported; /* sections as the importer made them, before any axon replacement */
  int32_t *type;  /* [nsec] SWC type: 1 soma, 2 axon, 3 dend, 4 apic, ... */
  uint32_t *index; /* [nsec] the section's index among those of its type: dend[index] */
  int32_t *parent; /* [nsec] parent section, -1 for the root (section 0) */
  double *parentx; /* [nsec] where on the parent the section's start hangs: 0, 0.5 or 1 */
  double *L;       /* [nsec] length (µm) */
  double *cyl_diam; /* [nsec] diameter of a section without 3-D points (µm), else 0 */
  size_t *pt_off;  /* [nsec + 1] */
  float *x, *y, *z, *d; /* [pt_off[nsec]] 3-D points and diameters (µm) */
  double *arc;     /* [pt_off[nsec]] arc length of each point from the section's start */
} cz_morph;

/* The morphology NEURON's importer builds from the SWC file at path. Errors name the file (and
 * line); a root point that is not a soma point (type 1) is one of them, since BMTK's cells hang
 * everything from soma[0]. Owned (*out; cz_morph_free). Local. */
cz_status cz_morph_read(const char *path, cz_morph **out);
void cz_morph_free(cz_morph **m);
/* A deep copy of src. Owned (*out). Local. */
cz_status cz_morph_copy(const cz_morph *src, cz_morph **out);

/* A cell of one section without 3-D points: a cylinder of length L and diameter diam (µm) of
 * SWC type (1 soma, ...); path names it in messages. Owned (*out). Local. */
cz_status cz_morph_new_cylinder(const char *path, int32_t type, double L, double diam, cz_morph **out);

/* The section name NEURON gives section s ("soma[0]", "dend[12]", "dend_5[0]", "minus_1[0]")
 * into buf. */
void cz_morph_section_name(const cz_morph *m, size_t s, char *buf, size_t n);
/* The name of SWC type t ("soma", "axon", "dend", "apic", "dend_<t>", "minus_<-t>"). */
const char *cz_morph_type_name(int32_t t, char *buf, size_t n);

/* The number of sections of type t. */
size_t cz_morph_count_type(const cz_morph *m, int32_t t);

/* Replaces the axon by BMTK's stub of two 30 µm sections (§2.4): removes every axon section and
 * appends axon[0] (hanging from soma[0] at x0) and axon[1] (hanging from axon[0] at 1), without
 * 3-D points, of diameters d0 and d1. A section other than an axon that hangs from an axon
 * section is CZ_ERR_FORMAT (the stub would leave it unattached). Local. */
cz_status cz_morph_replace_axon(cz_morph *m, double x0, double d0, double d1);

#endif
