/* Node sets (sonata-spec 2.4): named predicates over the nodes of a circuit, resolved to the
 * set of selected nodes of each population.
 *
 * Grammar accepted (SPEC, libsonata operators and BMTK's deviations):
 *  - a name (string) refers to a node set in the node_sets object, or to a built-in set:
 *    "all" (every node of every population) or a population name; user sets win;
 *  - a dict is an AND over its keys: "population"/"populations" (string or list of names),
 *    "node_id"/"node_ids" (list of ids, or one id), any other key is an attribute compared
 *    with a scalar (==, numbers compared numerically: 1 matches 1.0), a list (any of), or an
 *    operator dict {"$regex": "..."} (POSIX extended regex, whole-string match),
 *    {"$gt"|"$lt"|"$gte"|"$lte": number} (several operators in one dict are ANDed);
 *  - a list of integers is a list of node ids in every population (BMTK);
 *    a list of strings is a compound: the union of the named sets (SPEC); nesting is allowed;
 *  - an attribute no population of the candidate set has is a warning (BMTK) and selects
 *    nothing in that population.
 * Errors (CZ_ERR_CONFIG): an unknown set name (the message lists the defined ones), a
 * reference cycle, a value of the wrong JSON type, an unknown "$" operator, a bad regex.
 * Details of this implementation: equality is numeric whenever both sides read as numbers
 * ("1" matches 1.0), a JSON boolean equals 1/0 and the texts "True"/"true"/"False"/"false";
 * $regex on a numeric attribute matches its shortest text ("%.15g"); a null attribute value
 * matches nothing; a compound may also hold inline dicts and nested lists; a list mixing ids
 * with anything else is an error; so is a "population" naming a population the view lacks;
 * each warning is given once per cz_ns_resolve call. */
#ifndef CZ_IO_NODE_SETS_H
#define CZ_IO_NODE_SETS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/status.h"
#include "io/value.h"

struct cJSON;

/* What node sets are evaluated on: the circuit's populations, seen through callbacks so the
 * resolver does not depend on how the circuit stores attributes. All callbacks borrowed. */
typedef struct cz_ns_view {
  size_t npops;
  const void *ctx;
  const char *(*pop_name)(const void *ctx, size_t pop);
  size_t (*pop_size)(const void *ctx, size_t pop);
  /* SONATA node id of row `row` of population pop. */
  uint64_t (*node_id)(const void *ctx, size_t pop, size_t row);
  /* Whether any node of the population can have attribute key. */
  bool (*has_attr)(const void *ctx, size_t pop, const char *key);
  /* Value of attribute key at row; CZ_VAL_NULL when the node has none. */
  cz_value (*attr)(const void *ctx, size_t pop, size_t row, const char *key);
} cz_ns_view;

/* The resolved selection: for each population of the view (same order), a sorted list of
 * selected row indices without duplicates. */
typedef struct cz_ns_selection {
  size_t npops;
  size_t *n;       /* [npops] */
  uint64_t **rows; /* [npops][n[p]] */
} cz_ns_selection;

/* Resolves expr (a string name, a dict, or a list) against the node sets object `sets`
 * (a JSON object name -> expression; may be NULL). `where` names the config key being
 * resolved, for messages (e.g. "inputs.LGN_spikes.node_set"). Owned (*out). */
cz_status cz_ns_resolve(const struct cJSON *sets, const struct cJSON *expr, const cz_ns_view *view,
                        const char *where, cz_ns_selection **out);
void cz_ns_selection_destroy(cz_ns_selection **s);

/* Total number of selected nodes. */
size_t cz_ns_selection_count(const cz_ns_selection *s);

#endif
