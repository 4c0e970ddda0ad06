/* The cable equation of the detailed cells on one thread (bionet-spec.md §2.8, §3.3): the
 * compartment tree of all cells the thread owns as one node array, the coupling coefficients
 * between nodes, and NEURON's fixed-step backward-Euler step with the Hines solve.
 *
 * Each cell contributes a root node (soma x = 0), then its sections in tree order (a parent's
 * nodes before its children's), each as its nseg centre nodes (membrane) and its end node
 * (x = 1). Root and end nodes have no membrane: no capacitance, no mechanisms, and a nominal
 * area of 100 µm², which makes their rows come out in nA. Node i with parent p is coupled by
 * a_i = -100 G_i / A_p (in row p) and b_i = -100 G_i / A_i (in row i), G_i = 1 / R_i (µS).
 *
 * A step is: cz_cable_begin_currents (rhs and d cleared), the mechanisms add their currents
 * and conductances at each node (density currents in mA/cm², point currents scaled by
 * 100 / A), then cz_cable_solve adds the axial terms with the old voltages and the capacitance,
 * solves the tree (Hines: eliminate from the leaves to the roots, substitute back) and adds
 * the solution to v. Cells are independent trees, so threads own whole cells.
 *
 * An imposed extracellular potential (vext, mV; bionet-spec.md §6.4, inputs-spec.md §4): the
 * stimulus sets it at the membrane nodes, and the axial currents then flow along differences
 * of v + vext, v staying the membrane potential. This is NEURON's extracellular layer with its
 * defaults (xg 1e9 S/cm² ties a membrane node's vext to its e_extracellular to within about
 * 1e-9 mV) taken to its limit. Root and end nodes have no xg in NEURON: their vext is the
 * conductance-weighted mean of their neighbours', through the layer's axial resistances, which
 * are xraxial times half a segment next to a root or end node (xlen). */
#ifndef CZ_BIONET_CABLE_H
#define CZ_BIONET_CABLE_H

#include <stddef.h>
#include <stdint.h>

#include "base/status.h"
#include "bionet/geometry.h"
#include "bionet/morphology.h"

typedef struct cz_cable {
  size_t n, cap;
  int32_t *parent; /* [n] the parent node, -1 for a cell's root; parents precede children */
  uint8_t *bare;   /* [n] 1 for root and end nodes (no membrane) */
  double *a, *b;   /* [n] coupling coefficients (0 for roots) */
  double *area;    /* [n] µm² (100 for root and end nodes) */
  double *cm;      /* [n] µF/cm² (0 for root and end nodes) */
  double *v, *rhs, *d; /* [n] mV; the step's right-hand side (then Δv) and diagonal */
  double *xlen;    /* [n] µm: the extracellular path to the parent (half a segment next to a root
                      or end node, a whole one between centres; 0 for roots) */
  double *vext;    /* [n] mV, or NULL: the imposed extracellular potential (see above) */
  double *xwsum;   /* [n] with vext: each root and end node's sum of neighbour weights 1 / xlen */
  /* Cohorts (cz_cable_interleave): the nodes [0, tail) hold cells of one shape side by side,
   * each cohort's node j of its cell c at off + j width + c, so that the step goes row by row
   * over whole vectors; [tail, n) holds the other cells whole, in the order they were added. */
  size_t ncohort, tail;
  struct cz_cable_cohort *cohort; /* [ncohort] */
  /* The solve's lanes over [tail, n): CZ_CABLE_LANES ranges of whole cells, [lane[k],
   * lane[k + 1]), of about equal size, swept together so that their independent elimination
   * chains overlap in the core (made when lane_n != n). */
  size_t lane_n;
  size_t lane[5];
} cz_cable;
enum { CZ_CABLE_LANES = 4 };

typedef struct cz_cable_cohort {
  size_t off, width, rows; /* its nodes [off, off + rows width) */
  int32_t *row_parent;     /* [rows] the row of each row's parent node, -1 for the roots' row */
} cz_cable_cohort;

/* Cells of one shape (the same nodes, parents and bare nodes) become a cohort when there are at
 * least this many of them. */
enum { CZ_CABLE_COHORT_MIN = 4 };

/* Where a cell's sections sit in the node array. */
typedef struct cz_cell_nodes {
  size_t root;      /* the root node (soma x = 0) */
  size_t nsec;
  size_t stride;    /* between a section's consecutive centres: 1, or the cell's cohort width */
  size_t *centre0;  /* [nsec] the section's first centre node; its centre k is centre0 + k stride */
  size_t *end;      /* [nsec] the section's end node (x = 1) */
  uint32_t *nseg;   /* [nsec] */
  size_t *attach;   /* [nsec] the node the section's first centre hangs from */
  int32_t *type;    /* [nsec] SWC type, and the section's index among its type's: dend[index] */
  uint32_t *index;
} cz_cell_nodes;

/* Appends a cell: its nodes in tree order, the coupling coefficients from the segments'
 * axial resistances and areas, each membrane node's cm from its section (cm_sec [nsec]
 * µF/cm²; NULL: 1). All nodes start at v_init. *map (owned; cz_cell_nodes_free) tells where
 * its sections went. Local. */
cz_status cz_cable_add_cell(cz_cable *c, const cz_morph *m, const cz_bio_geom *g, const double *cm_sec, double v_init,
                            cz_cell_nodes *map);
void cz_cell_nodes_free(cz_cell_nodes *map);
void cz_cable_free(cz_cable *c);
/* Gives back the room beyond its nodes once every cell is added (before cz_cable_use_vext). */
cz_status cz_cable_fit(cz_cable *c);

/* The node of section s's centre k. */
static inline size_t cz_cell_centre(const cz_cell_nodes *map, size_t s, size_t k) { return map->centre0[s] + k * map->stride; }

/* The node of section s at x (0 <= x <= 1), as NEURON maps a location to a node: the attach
 * node at x = 0, the end node at x = 1, else the centre of the segment holding x. */
size_t cz_cell_node_at(const cz_cell_nodes *map, size_t s, double x);

/* Puts cells of one shape side by side (the cohorts above). roots [ncells]: each cell's root,
 * ascending, each cell's nodes running to the next root; every cell is still as
 * cz_cable_add_cell made it. new_of_old [n] receives where each node went; the cable's
 * arrays are permuted, and whoever holds node numbers renumbers them (cz_cell_nodes_renumber,
 * ...). Every operation of the step on a node stays the same, in the same order: the results
 * are the same bits. Before cz_cable_use_vext. Local. */
cz_status cz_cable_interleave(cz_cable *c, const size_t *roots, size_t ncells, uint32_t *new_of_old);
/* Renumbers a cell's map after cz_cable_interleave: its nodes' new places, and its stride. */
void cz_cell_nodes_renumber(cz_cell_nodes *map, const uint32_t *new_of_old);

/* Gives the cable an extracellular potential, 0 everywhere until set (after all cells are
 * added). Local. */
cz_status cz_cable_use_vext(cz_cable *c);
/* Once the membrane nodes' vext are set: the root and end nodes' from their neighbours. */
void cz_cable_settle_vext(cz_cable *c);

/* Clears rhs and d: the start of a step's current assembly. */
void cz_cable_begin_currents(cz_cable *c);
/* Adds an electrode current (nA, positive depolarising) at node i. */
static inline void cz_cable_add_electrode(cz_cable *c, size_t i, double nA) { c->rhs[i] += nA * 100.0 / c->area[i]; }
/* Ends the step: axial currents with the old voltages (plus vext where set), capacitance (dt
 * ms), the Hines solve and v += Δv (left in rhs). */
void cz_cable_solve(cz_cable *c, double dt);
/* NEURON's i_membrane_ (nA) at every node after a solve (rhs holds Δv): the capacitive, ionic
 * and synaptic current, 0.01 A [(1e-3 cm / dt + g) Δv - r], from what the mechanisms and
 * synapses alone put into rhs (r) and d (g) before the electrodes, the axial terms and the
 * capacitance (bionet-spec.md §7.3); electrode currents are not membrane current. */
void cz_cable_membrane_current(const cz_cable *c, const double *sav_rhs, const double *sav_d, double dt, double *i_m);

#endif
