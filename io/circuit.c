/* The circuit handle (io/circuit.h): loading it whole, finding populations, its node-set
 * view, and freeing what it owns. */
#include "io/circuit.h"

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

#include "io/circuit_nodes.h"
#include "io/edge_read.h"

/* ------------------------------------------------------------------ public */

int cz_circuit_find_pop(const cz_circuit *c, const char *name) {
  for (size_t i = 0; i < c->nnodes; i++)
    if (strcmp(c->nodes[i].name, name) == 0) return (int)i;
  return -1;
}

cz_status cz_circuit_load(const cz_config *cfg, cz_circuit **out) {
  cz_circuit *c = NULL;
  CZ_TRY(cz_circuit_load_nodes(cfg, &c));
  cz_status st = cz_circuit_load_edges(c, cfg, NULL);
  if (st != CZ_OK) {
    cz_circuit_destroy(&c);
    return st;
  }
  *out = c;
  return CZ_OK;
}

void cz_circuit_destroy(cz_circuit **pc) {
  if (!pc || !*pc) return;
  cz_circuit *c = *pc;
  for (size_t i = 0; i < c->nnodes; i++) cz_node_pop_free(&c->nodes[i]);
  free(c->nodes);
  cz_circuit_free_edges(c);
  for (size_t i = 0; i < c->nmodels; i++) {
    free(c->models[i].template_str);
    free(c->models[i].params_file);
  }
  free(c->models);
  for (size_t i = 0; i < c->nsyn_models; i++) {
    free(c->syn_models[i].template_str);
    free(c->syn_models[i].params_file);
    free(c->syn_models[i].types_file);
  }
  free(c->syn_models);
  for (size_t i = 0; i < c->nverified; i++) free(c->verified[i]);
  free(c->verified);
  cz_edge_chunk_free(c->scratch);
  for (size_t i = 0; i < c->ntables; i++) cz_csv_destroy(&c->tables[i]);
  free(c->tables);
  for (size_t i = 0; i < c->njson; i++) {
    cJSON_Delete(c->json[i]);
    free(c->json_files[i]);
  }
  free(c->json);
  free(c->json_files);
  free(c);
  *pc = NULL;
}

/* ------------------------------------------------------------------ node-set view */

static const char *view_pop_name(const void *ctx, size_t pop) { return ((const cz_circuit *)ctx)->nodes[pop].name; }
static size_t view_pop_size(const void *ctx, size_t pop) { return ((const cz_circuit *)ctx)->nodes[pop].n; }
static uint64_t view_node_id(const void *ctx, size_t pop, size_t row) {
  return cz_node_id(&((const cz_circuit *)ctx)->nodes[pop], row);
}
static bool view_has_attr(const void *ctx, size_t pop, const char *key) {
  return cz_circuit_has_attr(&((const cz_circuit *)ctx)->nodes[pop], key);
}
static cz_value view_attr(const void *ctx, size_t pop, size_t row, const char *key) {
  return cz_circuit_node_attr(&((const cz_circuit *)ctx)->nodes[pop], row, key);
}

cz_ns_view cz_circuit_ns_view(const cz_circuit *c) {
  cz_ns_view v = {c->nnodes, c, view_pop_name, view_pop_size, view_node_id, view_has_attr, view_attr};
  return v;
}

