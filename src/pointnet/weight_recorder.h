/* weight_recorder reports: the weights carried by the spikes that pass through chosen
 * synapses (BMTK's weight_recorder module on NEST's weight_recorder device).
 *
 * A report {"module": "weight_recorder", "nest_model": M, "model_template": T, "file_name": F}
 * makes T a name for synapse model M whose synapses are recorded (BMTK copies M to T with the
 * recorder attached), so edge types whose model_template is T get M's dynamics and every
 * spike through one of them is recorded with the weight it carried (for stdp_synapse the
 * weight after the update; for the Tsodyks models the released fraction times the weight).
 *
 * Each thread lists its events during the run; at the end they are gathered on rank 0,
 * ordered by (spike time, source, edge) and written as a space-separated table with BMTK's
 * columns: source_node_id source_population target_node_id target_population time_ms weights
 * receptors ports. time_ms is the presynaptic spike time (the value of NEST's 3-decimal text,
 * in its shortest round-trip form, as pandas writes it), receptors the synapse's
 * receptor_type and ports NEST's port of the synapse: its index among the report's synapses
 * ordered by source node (non-virtual nodes by gid, then virtual ones), then by edge
 * population and row (the order BMTK creates them in), which is NEST's connector order with
 * one thread. The table is the same for any number of ranks and threads. Spikes of virtual
 * nodes get no row, as NEST's recorder takes nothing from spike generators (BMTK 1.0.8 + NEST
 * 3.8 write the header alone); the log counts them.
 *
 * This file holds the reports' configuration, which the network reads to resolve synapse
 * models; writing the reports reads the network and lives in weight_report.h. */
#ifndef CZ_POINTNET_WEIGHT_RECORDER_H
#define CZ_POINTNET_WEIGHT_RECORDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/status.h"
#include "io/circuit.h"
#include "io/config.h"
#include "pointnet/models/synapse.h"

typedef struct cz_wrec {
  char *name;           /* report name */
  char *model_template; /* the name edge types use */
  cz_syn_rule rule;     /* of nest_model */
  char *path;           /* absolute output file */
} cz_wrec;

typedef struct cz_wrecs {
  size_t n;
  cz_wrec *r;
} cz_wrecs;

/* Words per recorded event: stamp, source gid, target gid, weight bits, report index * 256 +
 * receptor_type, edge key (edge population << 40 | row). Everything in an event means the
 * same on every rank (gids, config order), so rank 0 can write what the others recorded. */
#define CZ_WEV_WORDS 6

/* The enabled weight_recorder reports of cfg, validated: a known nest_model, a new
 * model_template name, a file_name, and no existing output file unless the config allows
 * replacing it. Owned (*out; cz_wrecs_free). Local. */
cz_status cz_wrecs_parse(const cz_config *cfg, cz_wrecs *out);
void cz_wrecs_free(cz_wrecs *w);
/* Whether cfg has an enabled weight_recorder report. */
bool cz_wrecs_in_config(const cz_config *cfg);

/* The rule of the synapse model a model_template names, and the index of the report that
 * records it (-1: none). where: the file naming it, for messages. */
cz_status cz_wrecs_resolve(const cz_wrecs *w, const char *model_template, const char *where, cz_syn_rule *rule,
                           int *rec);

#endif
