/* Unit tests of the spike table (src/app/spike_table.c): records of the loop become
 * populations, node ids and times in ms. A point-engine record (offset 0) gets the time of its
 * stamp exactly as NEST's tics give it; a record with an offset (an artificial cell of the
 * detailed-cell engine) gets its exact time, also after the two-word trip of a gather. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "app/spike_table.h"

static void table_has_exact_times(void **state) {
  (void)state;
  uint64_t ids_a[3] = {10, 11, 12}, ids_b[2] = {0, 7};
  cz_node_pop pops[2];
  memset(pops, 0, sizeof pops);
  pops[0] = (cz_node_pop){.name = "a", .n = 3, .node_id = ids_a};
  pops[1] = (cz_node_pop){.name = "b", .n = 2, .node_id = ids_b};
  cz_circuit c;
  memset(&c, 0, sizeof c);
  c.nnodes = 2;
  c.nodes = pops;
  const size_t sizes[2] = {3, 2};
  cz_gidmap gm;
  assert_int_equal(cz_gidmap_init(&gm, sizes, 2, 0), CZ_OK);
  cz_timegrid tg;
  assert_int_equal(cz_timegrid_init(&tg, 0.1, 100.0, 1000), CZ_OK);
  /* emitted in update 9 (stamp 10, 1.0 ms) by gid 4, on the grid; in update 2 by gid 1, 0.0625 ms
   * before its stamp (0.3 ms) */
  const cz_spike recs[2] = {{cz_spike_key(9, 4), 0.0}, {cz_spike_key(2, 1), 0.0625}};
  int64_t words[4];
  cz_spike_pack(&recs[0], &words[0]);
  cz_spike_pack(&recs[1], &words[2]);
  cz_spike *back = NULL;
  assert_int_equal(cz_spike_records_unpack(words, 2, &back), CZ_OK);
  cz_spike_table t;
  assert_int_equal(cz_spike_table_of(&tg, &gm, &c, back, 2, &t), CZ_OK);
  assert_int_equal(t.n, 2);
  assert_int_equal(t.pop[0], 1);
  assert_int_equal(t.node_ids[0], 7);
  assert_true(t.timestamps[0] == (double)(10 * 100) / 1000.0);
  assert_int_equal(t.pop[1], 0);
  assert_int_equal(t.node_ids[1], 11);
  assert_true(t.timestamps[1] == 0.3 - 0.0625);
  cz_spike_table_free(&t);
  free(back);
  cz_gidmap_free(&gm);
}

int main(void) {
  const struct CMUnitTest tests[] = {cmocka_unit_test(table_has_exact_times)};
  return cmocka_run_group_tests(tests, NULL, NULL);
}
