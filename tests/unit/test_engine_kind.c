/* The engine a folder was written for: each kind of clue on its own, and the verdict on folders
 * whose config and node types say different things (app/engine_kind.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "app/engine_kind.h"
#include "cz_test.h"

static const struct {
  cz_clue_key key;
  const char *value;
  cz_engine_id engine;
} CLUES[] = {
    {CZ_CLUE_TARGET_SIMULATOR, "NEST", CZ_ENGINE_POINT},
    {CZ_CLUE_TARGET_SIMULATOR, "nest", CZ_ENGINE_POINT},
    {CZ_CLUE_TARGET_SIMULATOR, "NEURON", CZ_ENGINE_BIONET},
    {CZ_CLUE_TARGET_SIMULATOR, "CORENEURON", CZ_ENGINE_BIONET},
    {CZ_CLUE_TARGET_SIMULATOR, "LGNModel", CZ_ENGINE_FILTERNET},
    {CZ_CLUE_TARGET_SIMULATOR, "DiPDE", CZ_ENGINE_POPNET},
    {CZ_CLUE_TARGET_SIMULATOR, "Brian", CZ_ENGINE_UNSAID},
    {CZ_CLUE_MODEL_TYPE, "biophysical", CZ_ENGINE_BIONET},
    {CZ_CLUE_MODEL_TYPE, "point_soma", CZ_ENGINE_BIONET},
    {CZ_CLUE_MODEL_TYPE, "population", CZ_ENGINE_POPNET},
    /* every engine has these: the template decides */
    {CZ_CLUE_MODEL_TYPE, "virtual", CZ_ENGINE_UNSAID},
    {CZ_CLUE_MODEL_TYPE, "point_process", CZ_ENGINE_UNSAID},
    {CZ_CLUE_MODEL_TYPE, "point_neuron", CZ_ENGINE_UNSAID},
    {CZ_CLUE_MODEL_TEMPLATE, "nest:iaf_psc_alpha", CZ_ENGINE_POINT},
    {CZ_CLUE_MODEL_TEMPLATE, "ctdb:Biophys1.hoc", CZ_ENGINE_BIONET},
    {CZ_CLUE_MODEL_TEMPLATE, "nrn:IntFire1", CZ_ENGINE_BIONET},
    {CZ_CLUE_MODEL_TEMPLATE, "hoc:Cell", CZ_ENGINE_BIONET},
    {CZ_CLUE_MODEL_TEMPLATE, "nml:nml/Cell_1.cell.nml", CZ_ENGINE_BIONET},
    {CZ_CLUE_MODEL_TEMPLATE, "lgnmodel:tOFF_TF15", CZ_ENGINE_FILTERNET},
    {CZ_CLUE_MODEL_TEMPLATE, "dipde:Internal", CZ_ENGINE_POPNET},
    {CZ_CLUE_MODEL_TEMPLATE, "iaf_psc_alpha", CZ_ENGINE_UNSAID},
    {CZ_CLUE_MODEL_TEMPLATE, "brian:lif", CZ_ENGINE_UNSAID},
};

static void test_each_clue(void **state) {
  (void)state;
  for (size_t i = 0; i < sizeof CLUES / sizeof *CLUES; i++) {
    cz_engine_clue c = {CLUES[i].key, (char *)CLUES[i].value, (char *)"f", (char *)"k"};
    if (cz_engine_of_clue(&c) != CLUES[i].engine) fail_msg("%s: engine %d", CLUES[i].value, (int)cz_engine_of_clue(&c));
  }
}

/* A config (target_simulator line or "") over one node types table; its verdict: whether it
 * is a point network (detect NULL), or which engine runs it (*detect). */
static cz_status verdict_of(const char *tag, const char *target, const char *types, cz_engine_id *detect) {
  char dir[512], path[600], cfgpath[600], text[2048];
  cz_test_tmpdir(dir, sizeof dir, tag);
  cz_test_write(path, sizeof path, dir, "types.csv", types);
  snprintf(text, sizeof text,
           "{%s \"run\": {\"tstop\": 10, \"dt\": 0.1}, \"output\": {\"output_dir\": \"out\"},"
           " \"networks\": {\"nodes\": [{\"nodes_file\": \"nodes.h5\", \"node_types_file\": \"types.csv\"}]}}",
           target);
  cz_test_write(cfgpath, sizeof cfgpath, dir, "config.json", text);
  cz_config *cfg = NULL;
  assert_int_equal(cz_cfg_load(cfgpath, NULL, &cfg), CZ_OK);
  cz_error_clear();
  const cz_status st = detect ? cz_engine_detect(cfg, detect) : cz_engine_require_point(cfg);
  cz_cfg_destroy(&cfg);
  return st;
}

static cz_status verdict(const char *tag, const char *target, const char *types) {
  return verdict_of(tag, target, types, NULL);
}

static void test_verdicts(void **state) {
  (void)state;
  const char *point = "node_type_id model_type model_template\n1 point_neuron nest:iaf_psc_alpha\n2 virtual NULL\n";
  const char *bio = "node_type_id model_type model_template\n1 biophysical ctdb:Biophys1.hoc\n";
  const char *intfire = "node_type_id model_template model_type\n7 nrn:IntFire1 point_process\n";
  assert_int_equal(verdict("ek_point", "\"target_simulator\": \"NEST\",", point), CZ_OK);
  assert_int_equal(verdict("ek_silent", "", point), CZ_OK);
  /* the config names the engine, whatever the nodes say */
  assert_int_equal(verdict("ek_said_pop", "\"target_simulator\": \"DiPDE\",", point), CZ_ERR_CONFIG);
  assert_non_null(strstr(cz_error_message(), "config.json: target_simulator \"DiPDE\" makes this a PopNet"));
  /* the nodes give it away when the config is silent or says NEST */
  assert_int_equal(verdict("ek_bio", "", bio), CZ_ERR_CONFIG);
  assert_non_null(strstr(cz_error_message(), "types.csv: node type 1, column model_type \"biophysical\""));
  assert_non_null(strstr(cz_error_message(), "BioNet"));
  assert_int_equal(verdict("ek_intfire", "\"target_simulator\": \"NEST\",", intfire), CZ_ERR_CONFIG);
  assert_non_null(strstr(cz_error_message(), "node type 7, column model_template \"nrn:IntFire1\""));
  /* an unknown simulator leaves the verdict to the nodes */
  assert_int_equal(verdict("ek_odd", "\"target_simulator\": \"Brian\",", point), CZ_OK);
  cz_error_clear();
}

/* The engine that runs a folder: the one its clues agree on; clues that disagree are refused
 * naming both files and keys. */
static void test_detect(void **state) {
  (void)state;
  const char *point = "node_type_id model_type model_template\n1 point_neuron nest:iaf_psc_alpha\n2 virtual NULL\n";
  const char *bio = "node_type_id model_type model_template\n1 biophysical ctdb:Biophys1.hoc\n2 virtual NULL\n";
  cz_engine_id e = CZ_ENGINE_UNSAID;
  assert_int_equal(verdict_of("ed_point", "", point, &e), CZ_OK);
  assert_int_equal(e, CZ_ENGINE_POINT);
  assert_int_equal(verdict_of("ed_bio", "\"target_simulator\": \"NEURON\",", bio, &e), CZ_OK);
  assert_int_equal(e, CZ_ENGINE_BIONET);
  assert_int_equal(verdict_of("ed_bio_silent", "", bio, &e), CZ_OK);
  assert_int_equal(e, CZ_ENGINE_BIONET);
  assert_int_equal(verdict_of("ed_clash", "\"target_simulator\": \"NEST\",", bio, &e), CZ_ERR_CONFIG);
  assert_non_null(strstr(cz_error_message(), "target_simulator \"NEST\" makes this a PointNet (NEST) network, but"));
  assert_non_null(strstr(cz_error_message(), "types.csv: node type 1, column model_type \"biophysical\" makes it a BioNet"));
  assert_int_equal(verdict_of("ed_pop", "\"target_simulator\": \"DiPDE\",", "node_type_id model_type\n1 population\n", &e),
                   CZ_OK);
  assert_int_equal(e, CZ_ENGINE_POPNET);
  assert_int_equal(verdict_of("ed_filter", "\"target_simulator\": \"LGNModel\",", "node_type_id model_type\n1 virtual\n", &e),
                   CZ_OK);
  assert_int_equal(e, CZ_ENGINE_FILTERNET);
}

/* The registry has the four engines, under the names the messages use. */
static void test_registry(void **state) {
  (void)state;
  const cz_engine_kind *k = cz_engine_kind_of(CZ_ENGINE_POINT);
  assert_non_null(k);
  assert_string_equal(k->name, cz_engine_name(CZ_ENGINE_POINT));
  assert_non_null(k->place_cost);
  assert_non_null(k->check_config);
  const cz_place_cost *cost = k->place_cost();
  assert_int_equal(cost->node(cost->ctx, 0, 0), 1); /* one update per neuron */
  assert_int_equal(cost->per_synapse, 1);          /* plus the synapses that deliver to it */
  const cz_engine_kind *bio = cz_engine_kind_of(CZ_ENGINE_BIONET);
  assert_non_null(bio);
  assert_string_equal(bio->name, cz_engine_name(CZ_ENGINE_BIONET));
  assert_non_null(bio->check_config);
  const cz_engine_kind *pop = cz_engine_kind_of(CZ_ENGINE_POPNET);
  assert_non_null(pop);
  assert_string_equal(pop->name, cz_engine_name(CZ_ENGINE_POPNET));
  assert_non_null(pop->check_config);
  const cz_engine_kind *lgn = cz_engine_kind_of(CZ_ENGINE_FILTERNET);
  assert_non_null(lgn);
  assert_string_equal(lgn->name, cz_engine_name(CZ_ENGINE_FILTERNET));
  assert_non_null(lgn->check_config);
  assert_null(cz_engine_kind_of(CZ_ENGINE_UNSAID));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_each_clue),
      cmocka_unit_test(test_verdicts),
      cmocka_unit_test(test_detect),
      cmocka_unit_test(test_registry),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
