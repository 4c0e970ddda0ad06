/* BMTK's random placement of synapses on a detailed cell (bionet-spec.md §2.9, §5.4): the
 * segment table of a cell (type, length and the path-distance extent from soma(0) of every
 * segment, sections in list order), the candidate segments of an edge's target_sections and
 * distance_range with their probabilities, and the picks of the cell's MT19937 stream. */
#ifndef CZ_BIONET_SYN_PLACEMENT_H
#define CZ_BIONET_SYN_PLACEMENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/status.h"
#include "bionet/geometry.h"
#include "bionet/morphology.h"
#include "base/mt19937.h"

typedef struct cz_seg_table {
  size_t n;
  int32_t *type;     /* [n] SWC type of the segment's section */
  uint32_t *sec;     /* [n] section index */
  double *x;         /* [n] the segment centre's x in its section */
  double *len;       /* [n] L / nseg */
  double *d0, *d1;   /* [n] path distance from soma(0) of the segment's ends */
} cz_seg_table;

/* The segment table of morphology m with segments g. Owned (cz_seg_table_free). Local. */
cz_status cz_seg_table_build(const cz_morph *m, const cz_bio_geom *g, cz_seg_table *t);
void cz_seg_table_free(cz_seg_table *t);

/* The SWC type a target_sections name stands for (soma/somatic 1, axon/axonal 2, dend/basal 3,
 * apic/apical 4), or 0. */
int32_t cz_section_type_named(const char *name);

/* The candidates of a placement: segments whose type is in types[0, ntypes) and that overlap
 * [dmin, dmax], ascending, each with its probability (length times overlap, normalised as
 * numpy normalises it). *n is 0 when none qualifies. cand and p hold t->n entries. */
void cz_syn_candidates(const cz_seg_table *t, const int32_t *types, size_t ntypes, double dmin, double dmax,
                       uint32_t *cand, double *p, size_t *n);

/* Where an edge type places its synapses: the SWC types of its target_sections and its
 * distance_range [dmin, dmax] (µm of path distance from soma(0)). */
typedef struct cz_syn_rule {
  int32_t types[8];
  size_t ntypes;
  double dmin, dmax;
} cz_syn_rule;

/* Parses an edge type's target_sections (a Python list literal of names, "['basal', 'apical']",
 * or one name) and distance_range (a JSON list of two numbers, or one number x for [0, x]).
 * A name that is no section type, an empty list or a malformed range is CZ_ERR_FORMAT naming
 * `where` and the text. */
cz_status cz_syn_rule_parse(const char *target_sections, const char *distance_range, const char *where, cz_syn_rule *out);

/* numpy's sum of n doubles (in order below 8, else pairwise over 8-way unrolled blocks of at
 * most 128), which BMTK's normalisation uses. */
double cz_numpy_sum(const double *a, size_t n);

#endif
