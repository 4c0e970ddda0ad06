/* Segments of a cell (bionet-spec.md §2.5, §2.6): how many per section (BMTK's dL rule), and
 * each segment's membrane area, mean diameter and the axial resistances of its two halves, as
 * NEURON computes them from the 3-D points.
 *
 * NEURON integrates a section's piecewise-linear diameter profile over the 2 nseg half
 * segments with one cursor over the points that runs across halves and segments: frustum
 * lateral areas, frustum resistances and the area under the profile (for the diameter); the
 * last interval is extrapolated where a half ends past the last point's arc. A section without
 * 3-D points is a cylinder. Areas are in µm², resistances in MΩ (Ra in Ω·cm).
 *
 * Segments of all sections are numbered section by section: section s owns segments
 * [seg_off[s], seg_off[s + 1]). */
#ifndef CZ_BIONET_GEOMETRY_H
#define CZ_BIONET_GEOMETRY_H

#include <stddef.h>
#include <stdint.h>

#include "base/status.h"
#include "bionet/morphology.h"

typedef struct cz_bio_geom {
  size_t nsec, nseg_total;
  uint32_t *nseg;  /* [nsec] */
  size_t *seg_off; /* [nsec + 1] */
  double *area;    /* [nseg_total] µm² */
  double *diam;    /* [nseg_total] µm, the mean over the segment */
  double *ri_left, *ri_right; /* [nseg_total] MΩ: the axial resistance of each half */
} cz_bio_geom;

/* BMTK's segment count for a section of length L: 1 + 2 floor(L / (2 dL)), always odd; 1 when
 * dL is not a positive number (run.dL null: no re-segmentation). */
uint32_t cz_bio_nseg(double L, double dL);

/* The segments of m with the dL rule, each section's resistances with its Ra (Ω·cm; Ra NULL:
 * NEURON's default 35.4 everywhere). Owned (*out; cz_bio_geom_free). Local. */
cz_status cz_bio_geom_build(const cz_morph *m, double dL, const double *Ra, cz_bio_geom **out);
void cz_bio_geom_free(cz_bio_geom **g);

/* NEURON's diam of section s as one segment: its mean diameter over its length. */
double cz_bio_mean_diam(const cz_morph *m, size_t s);

/* The total membrane area of the cell (µm²). */
double cz_bio_geom_total_area(const cz_bio_geom *g);

#endif
