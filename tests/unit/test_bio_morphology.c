/* Morphologies and segments of the detailed-cell engine against NEURON 8.2.2 (bionet-spec.md
 * §2.3): for every SWC file of the shared data, the sections NEURON's importer makes, the
 * sections after BMTK's perisomatic axon stub, the segments of the dL = 20 rule, the cell's
 * membrane area and the soma's length and diameter. Then the importer's rules one by one on
 * small files written here, and the SWC reader's refusals. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "cz_test.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bionet/geometry.h"
#include "bionet/morph_cache.h"
#include "bionet/morphology.h"
#include "io/swc.h"

typedef struct geometry_ref {
  const char *file;
  size_t sections_in, sections_out, nseg;
  double area, soma_L, soma_diam;
} geometry_ref;

#define SONATA_MORPH "sonata/examples/shared_components/morphologies/"
#define BIO_MORPH "bmtk/examples/bio_components/morphologies/"

/* NEURON 8.2.2's values (bionet-spec.md §2.3), dL = 20, perisomatic stub. */
static const geometry_ref k_refs[] = {
    {SONATA_MORPH "Scnn1a_473845048_m.swc", 123, 122, 264, 7115.776804, 10.885600, 10.885600},
    {SONATA_MORPH "Rorb_325404214_m.swc", 64, 65, 141, 5060.892130, 12.473200, 12.473200},
    {SONATA_MORPH "Nr5a1_471087815_m.swc", 38, 39, 101, 3869.443867, 12.881200, 12.881200},
    {SONATA_MORPH "Pvalb_470522102_m.swc", 38, 39, 121, 3291.315427, 11.843002, 11.842400},
    {SONATA_MORPH "Pvalb_469628681_m.swc", 42, 43, 91, 2815.695838, 10.394400, 10.394400},
    {"bmtk/examples/bio_1cell/components/morphologies/Scnn1a_473845048_m.swc", 123, 122, 264, 7115.775066, 10.885986,
     10.885600},
    {"bmtk/examples/bio_intfire_ring/components/morphologies/Rbp4-Cre_KL100_Ai14-180747.06.01.01_495335491_m.swc", 109,
     110, 262, 7381.650929, 19.578003, 19.578199},
    {"bmtk/examples/bio_on_off/components/morphologies/Pvalb-IRES-Cre_Ai14-176848.03.01.01_491119484_m.swc", 187, 46,
     116, 3475.305556, 13.934021, 13.933200},
    {"bmtk/examples/bio_on_off/components/morphologies/Scnn1a-Tg3-Cre_Ai14-187849.05.02.01_491119823_m.swc", 71, 72, 186,
     4673.164178, 11.866028, 11.865600},
    {BIO_MORPH "Scnn1a_473845048_m.swc", 123, 122, 264, 7115.775066, 10.885986, 10.885600},
    {BIO_MORPH "Rorb_325404214_m.swc", 64, 65, 141, 5060.889601, 12.473022, 12.473200},
    {BIO_MORPH "Nr5a1_471087815_m.swc", 38, 39, 101, 3869.431709, 12.881012, 12.881200},
    {BIO_MORPH "Pvalb_470522102_m.swc", 38, 39, 121, 3291.315427, 11.843002, 11.842400},
    {BIO_MORPH "Pvalb_469628681_m.swc", 42, 43, 91, 2815.678575, 10.394012, 10.394400},
};

/* The table gives 6 decimals: every value within half a unit of the last. */
#define TABLE_TOL 5.1e-7

static void test_geometry_of_shared_morphologies(void **state) {
  (void)state;
  for (size_t i = 0; i < sizeof k_refs / sizeof *k_refs; i++) {
    const geometry_ref *r = &k_refs[i];
    char path[1024];
    CZ_TEST_DATA_PATH(path, r->file);
    cz_morph *m = NULL;
    assert_int_equal(cz_morph_read(path, &m), CZ_OK);
    assert_int_equal(m->nsec_imported, r->sections_in);
    assert_int_equal(cz_morph_replace_axon(m, 0.5, 1.0, 1.0), CZ_OK);
    assert_int_equal(m->nsec, r->sections_out);
    cz_bio_geom *g = NULL;
    assert_int_equal(cz_bio_geom_build(m, 20.0, NULL, &g), CZ_OK);
    if (g->nseg_total != r->nseg || fabs(cz_bio_geom_total_area(g) - r->area) > TABLE_TOL ||
        fabs(m->L[0] - r->soma_L) > TABLE_TOL || fabs(g->diam[0] - r->soma_diam) > TABLE_TOL)
      fail_msg("%s: nseg %zu (%zu), area %.6f (%.6f), soma L %.6f (%.6f), diam %.6f (%.6f)", r->file, g->nseg_total,
               r->nseg, cz_bio_geom_total_area(g), r->area, m->L[0], r->soma_L, g->diam[0], r->soma_diam);
    cz_bio_geom_free(&g);
    cz_morph_free(&m);
  }
}

static cz_morph *morph_of(const char *text) {
  char dir[512], path[700];
  cz_test_tmpdir(dir, sizeof dir, "swc");
  cz_test_write(path, sizeof path, dir, "cell.swc", text);
  cz_morph *m = NULL;
  assert_int_equal(cz_morph_read(path, &m), CZ_OK);
  return m;
}

/* A soma of one point, a dendrite of three points that branches in two, and an axon: the
 * first-order branches hang from soma[0](0.5) without a copy of the soma point, the daughters
 * from dend[0](1) with one; the list is ordered soma, axon, dend; a one-point soma is a
 * cylinder along x as long as it is wide. */
static void test_sections_of_a_small_tree(void **state) {
  (void)state;
  cz_morph *m = morph_of("# a small cell\n"
                         "1 1 0 0 0 5 -1\n"
                         "2 3 0 6 0 1 1\n"
                         "3 3 0 10 0 1 2\n"
                         "4 3 0 14 0 1 3\n"
                         "5 3 3 18 0 0.5 4\n"
                         "6 3 -3 18 0 0.5 4\n"
                         "\n"
                         "7 2 0 -6 0 0.5 1\n"
                         "8 2 0 -16 0 0.5 7\n");
  assert_int_equal(m->nsec, 5);
  const char *names[5] = {"soma[0]", "axon[0]", "dend[0]", "dend[1]", "dend[2]"};
  const int parent[5] = {-1, 0, 0, 2, 2};
  const double parentx[5] = {0, 0.5, 0.5, 1, 1};
  const size_t npt[5] = {3, 2, 3, 2, 2};
  for (size_t s = 0; s < 5; s++) {
    char name[32];
    cz_morph_section_name(m, s, name, sizeof name);
    assert_string_equal(name, names[s]);
    assert_int_equal(m->parent[s], parent[s]);
    assert_true(m->parentx[s] == parentx[s]);
    assert_int_equal(m->pt_off[s + 1] - m->pt_off[s], npt[s]);
  }
  /* soma: x - d/2, x, x + d/2 with d = 10: L = diam = 10 */
  assert_true(m->x[0] == -5.0f && m->x[2] == 5.0f && m->d[1] == 10.0f);
  assert_true(m->L[0] == 10.0);
  /* dend[0] starts at its own first point (0, 6): L = 8 */
  assert_true(m->L[2] == 8.0);
  /* dend[1] starts with a copy of dend[0]'s last point (0, 14) and ends at (3, 18): L = 5 */
  assert_true(m->L[3] == 5.0);
  assert_true(m->d[m->pt_off[3]] == 2.0f); /* the copy keeps the parent point's diameter */
  cz_bio_geom *g = NULL;
  assert_int_equal(cz_bio_geom_build(m, 20.0, NULL, &g), CZ_OK);
  /* the soma cylinder's area is a sphere's, pi d^2 */
  assert_true(fabs(g->area[0] - M_PI * 100.0) < 1e-9);
  /* dend[0], a cylinder of d = 2 and L = 8: area pi d L, each half 0.04 Ra / pi * 4 / 4 MΩ */
  assert_true(fabs(g->area[g->seg_off[2]] - M_PI * 2 * 8) < 1e-9);
  assert_true(fabs(g->ri_left[g->seg_off[2]] - 0.04 * 35.4 / M_PI * 4.0 / 4.0) < 1e-12);
  cz_bio_geom_free(&g);
  cz_morph_free(&m);
}

/* Coordinates pass through %g and float: 633.3264 is kept as 633.326f. */
static void test_coordinates_rounded_like_neuron(void **state) {
  (void)state;
  cz_morph *m = morph_of("1 1 0 0 0 5 -1\n"
                         "2 3 633.3264 1 0 1 1\n"
                         "3 3 640.5 1 0 1 2\n");
  assert_int_equal(m->nsec, 2);
  assert_true(m->x[m->pt_off[1]] == 633.326f);
  assert_true((double)m->x[m->pt_off[1]] == 633.3259887695312);
  cz_morph_free(&m);
}

/* A point that leaves a first-order branch non-contiguously (its parent is the branch's first
 * point) hangs from the branch's start, x = 0, and the branch goes on through it unbroken. */
static void test_connect_to_proximal(void **state) {
  (void)state;
  cz_morph *m = morph_of("1 1 0 0 0 5 -1\n"
                         "2 2 0 -5 0 0.5 1\n"
                         "3 2 0 -9 0 0.5 2\n"
                         "4 3 0 5 0 1 1\n"
                         "5 3 0 10 0 1 4\n"
                         "6 3 4 5 0 1 4\n");
  assert_int_equal(m->nsec, 4); /* soma, axon, dend[0] = points 4 and 5, dend[1] */
  assert_int_equal(m->parent[3], 2);
  assert_true(m->parentx[3] == 0.0);
  assert_true(m->L[2] == 5.0);
  assert_true(m->L[3] == 4.0); /* led by a copy of point 4 at (0, 5) */
  cz_morph_free(&m);
}

/* A section of two points at one place goes; its child hangs where it hung. Points out of id
 * order are sorted. */
static void test_degenerate_section_removed(void **state) {
  (void)state;
  cz_morph *m = morph_of("1 1 0 0 0 5 -1\n"
                         "3 3 0 10 0 1 2\n" /* out of order */
                         "2 3 0 10 0 1 1\n"
                         "4 3 0 20 0 1 3\n"
                         "5 3 5 20 0 1 3\n");
  /* dend[0] = points 2, 3 at (0, 10) twice: removed, both daughters then hang from the soma */
  assert_int_equal(m->nsec_imported, 3);
  assert_int_equal(m->parent[1], 0);
  assert_int_equal(m->parent[2], 0);
  assert_true(m->parentx[1] == 0.5 && m->parentx[2] == 0.5);
  cz_morph_free(&m);
}

/* BMTK's perisomatic stub: no axon section is left but axon[0] and axon[1] at the end of the
 * list, 30 µm long and 1 µm wide, one segment each at dL = 20. */
static void test_perisomatic_stub(void **state) {
  (void)state;
  cz_morph *m = morph_of("1 1 0 0 0 5 -1\n"
                         "2 3 0 6 0 1 1\n"
                         "3 3 0 50 0 1 2\n"
                         "4 2 0 -6 0 0.5 1\n"
                         "5 2 0 -16 0 0.5 4\n"
                         "6 2 1 -30 0 0.5 5\n"
                         "7 2 -1 -30 0 0.5 5\n");
  assert_int_equal(cz_morph_count_type(m, 2), 3);
  assert_int_equal(cz_morph_replace_axon(m, 0.5, 1.0, 1.0), CZ_OK);
  assert_int_equal(m->nsec, 4);
  char name[32];
  cz_morph_section_name(m, 2, name, sizeof name);
  assert_string_equal(name, "axon[0]");
  cz_morph_section_name(m, 3, name, sizeof name);
  assert_string_equal(name, "axon[1]");
  assert_int_equal(m->parent[2], 0);
  assert_int_equal(m->parent[3], 2);
  assert_true(m->parentx[2] == 0.5 && m->parentx[3] == 1.0);
  cz_bio_geom *g = NULL;
  assert_int_equal(cz_bio_geom_build(m, 20.0, NULL, &g), CZ_OK);
  assert_int_equal(g->nseg[2], 1);
  assert_int_equal(g->nseg[1], 3); /* dend[0]: L = 44, 1 + 2 floor(44 / 40) */
  assert_true(fabs(g->area[g->seg_off[2]] - M_PI * 30) < 1e-9);
  cz_bio_geom_free(&g);
  cz_morph_free(&m);
}

static void test_nseg_rule(void **state) {
  (void)state;
  assert_int_equal(cz_bio_nseg(30, 20), 1);
  assert_int_equal(cz_bio_nseg(39.99, 20), 1);
  assert_int_equal(cz_bio_nseg(40, 20), 3);
  assert_int_equal(cz_bio_nseg(119, 20), 5);
  assert_int_equal(cz_bio_nseg(500, NAN), 1); /* run.dL null */
}

/* Each malformed file fails with a message naming the file, and the line where there is one. */
static void test_swc_refusals(void **state) {
  (void)state;
  static const struct {
    const char *text, *says;
  } bad[] = {
      {"1 1 0 0 0 5 -1\n2 3 0 1 0 1 -1\n", "cell.swc:2: a second root"},
      {"1 1 0 0 0 5 -1\n2 3 0 1 0 1 2\n", "cell.swc:2: parent id 2 is not below"},
      {"1 1 0 0 0 5 -1\n2 3 0 1 0 1 7\n", "cell.swc:2: parent id 7 is not below"},
      {"1 1 0 0 0 5 -1\n3 3 0 1 0 1 2\n", "cell.swc:2: parent id 2 names no point"},
      {"1 1 0 0 0 5 -1\n2 3 0 1 0\n", "cell.swc:2: a point line needs 7 numbers"},
      {"1 1 0 0 0 5 -1\n2 3 0 1 0 -1 1\n", "cell.swc:2: the radius -1 is not"},
      {"1 1 0 0 0 5 -1\n2 3 0 nan 0 1 1\n", "cell.swc:2: a coordinate is not finite"},
      {"1 1 0 0 0 5 -1\n1 3 0 1 0 1 -1\n", "cell.swc:2: id 1 is used again (first on line 1)"},
      {"1 1 0 0 0 5 -1\n2 3.5 0 1 0 1 1\n", "cell.swc:2: the type is not an integer"},
      {"# nothing\n", "no points"},
      {"1 3 0 0 0 5 -1\n", "a cell's root must be a soma point"},
  };
  char dir[512], path[700];
  cz_test_tmpdir(dir, sizeof dir, "swcbad");
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
    cz_test_write(path, sizeof path, dir, "cell.swc", bad[i].text);
    cz_morph *m = NULL;
    const cz_status st = cz_morph_read(path, &m);
    if (st != CZ_ERR_FORMAT || !strstr(cz_error_message(), bad[i].says))
      fail_msg("case %zu: status %d, message '%s', expected '%s'", i, (int)st, cz_error_message(), bad[i].says);
    assert_null(m);
    cz_error_clear();
  }
  snprintf(path, sizeof path, "%s/missing.swc", dir);
  cz_morph *m = NULL;
  assert_int_equal(cz_morph_read(path, &m), CZ_ERR_IO);
  assert_non_null(strstr(cz_error_message(), "missing.swc"));
  cz_error_clear();
}

static void assert_same_morph(const cz_morph *a, const cz_morph *b) {
  assert_string_equal(a->path, b->path);
  assert_int_equal(a->nsec, b->nsec);
  assert_int_equal(a->nsec_imported, b->nsec_imported);
  assert_memory_equal(a->type, b->type, a->nsec * sizeof *a->type);
  assert_memory_equal(a->index, b->index, a->nsec * sizeof *a->index);
  assert_memory_equal(a->parent, b->parent, a->nsec * sizeof *a->parent);
  assert_memory_equal(a->parentx, b->parentx, a->nsec * sizeof *a->parentx);
  assert_memory_equal(a->L, b->L, a->nsec * sizeof *a->L);
  assert_memory_equal(a->cyl_diam, b->cyl_diam, a->nsec * sizeof *a->cyl_diam);
  assert_memory_equal(a->pt_off, b->pt_off, (a->nsec + 1) * sizeof *a->pt_off);
  const size_t npt = a->pt_off[a->nsec];
  assert_memory_equal(a->x, b->x, npt * sizeof *a->x);
  assert_memory_equal(a->y, b->y, npt * sizeof *a->y);
  assert_memory_equal(a->z, b->z, npt * sizeof *a->z);
  assert_memory_equal(a->d, b->d, npt * sizeof *a->d);
  assert_memory_equal(a->arc, b->arc, npt * sizeof *a->arc);
}

/* The build reads each SWC file once: every copy equals what the importer makes, an edited
 * copy (the axon stub) leaves the next one whole, and the file is not read again. */
static void test_morphology_cache(void **state) {
  (void)state;
  char dir[512], path[700];
  cz_test_tmpdir(dir, sizeof dir, "swc_cache");
  const char *cell = "1 1 0 0 0 5 -1\n"
                     "2 3 0 6 0 1.234567 1\n"
                     "3 3 0 50 0 1 2\n"
                     "4 2 0 -6 0 0.5 1\n"
                     "5 2 0 -16 0 0.5 4\n";
  cz_test_write(path, sizeof path, dir, "cell.swc", cell);
  cz_morph *read = NULL, *first = NULL, *second = NULL;
  assert_int_equal(cz_morph_read(path, &read), CZ_OK);
  cz_morph_cache cache = {0};
  assert_int_equal(cz_morph_cache_copy(&cache, path, &first), CZ_OK);
  assert_same_morph(first, read);
  assert_int_equal(cz_morph_replace_axon(first, 0.5, 1.0, 1.0), CZ_OK);
  assert_int_not_equal(first->nsec, read->nsec);
  cz_test_write(path, sizeof path, dir, "cell.swc", "1 1 0 0 0 9 -1\n");
  assert_int_equal(cz_morph_cache_copy(&cache, path, &second), CZ_OK);
  assert_same_morph(second, read);
  assert_int_equal(cache.n, 1);
  char missing[800];
  snprintf(missing, sizeof missing, "%s/absent.swc", dir);
  cz_morph *none = NULL;
  assert_int_equal(cz_morph_cache_copy(&cache, missing, &none), CZ_ERR_IO);
  assert_null(none);
  assert_int_equal(cache.n, 1);
  cz_morph_cache_free(&cache);
  cz_morph_free(&read);
  cz_morph_free(&first);
  cz_morph_free(&second);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_sections_of_a_small_tree),
      cmocka_unit_test(test_coordinates_rounded_like_neuron),
      cmocka_unit_test(test_degenerate_section_removed),
      cmocka_unit_test(test_connect_to_proximal),
      cmocka_unit_test(test_perisomatic_stub),
      cmocka_unit_test(test_nseg_rule),
      cmocka_unit_test(test_swc_refusals),
      cmocka_unit_test(test_morphology_cache),
      cmocka_unit_test(test_geometry_of_shared_morphologies),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
