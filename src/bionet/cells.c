#include "bionet/cells.h"

#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "bionet/geometry.h"
#include "bionet/mechanisms/kinds.h"
#include "bionet/mechanisms/pas.h"

cz_status cz_bio_cells_begin(cz_bio_cells *g) {
  memset(g, 0, sizeof *g);
  for (int o = 0; o < cz_mech_nkinds(); o++) CZ_TRY(cz_mech_alloc(&g->mech[o], cz_mech_kind_at(o), 0));
  return CZ_OK;
}

void cz_bio_cells_drop_shapes(cz_bio_cells *g) {
  for (size_t c = 0; g->shape && c < g->ncells; c++) cz_seg_shape_free(&g->shape[c]);
  free(g->shape);
  g->shape = NULL;
  g->keep_shapes = false;
}

void cz_bio_cells_drop_seg_tables(cz_bio_cells *g) {
  for (size_t c = 0; g->segtab && c < g->ncells; c++) cz_seg_table_free(&g->segtab[c]);
  free(g->segtab);
  g->segtab = NULL;
  g->keep_seg_tables = false;
}

void cz_bio_cells_free(cz_bio_cells *g) {
  for (size_t c = 0; c < g->ncells; c++) cz_cell_nodes_free(&g->map[c]);
  free(g->map);
  free(g->soma);
  free(g->above);
  free(g->node_ena);
  free(g->node_ek);
  free(g->pas_g);
  free(g->pas_e);
  cz_bio_cells_drop_shapes(g);
  cz_bio_cells_drop_seg_tables(g);
  for (int o = 0; o < CZ_MECH_MAX_KINDS; o++) cz_mech_free(&g->mech[o]);
  cz_ions_free(&g->ions);
  cz_cable_free(&g->cable);
  memset(g, 0, sizeof *g);
}

/* The axon processing of the model (§2.4). */
static cz_status process_axon(cz_morph *m, cz_axon_processing axon) {
  if (axon == CZ_AXON_KEEP) return CZ_OK;
  if (axon == CZ_AXON_PERISOMATIC) return cz_morph_replace_axon(m, 0.5, 1.0, 1.0);
  size_t first = m->nsec, last = m->nsec;
  for (size_t s = 0; s < m->nsec; s++)
    if (m->type[s] == 2) {
      if (first == m->nsec) first = s;
      last = s;
    }
  CZ_CHECK(first < m->nsec, CZ_ERR_FORMAT, "%s: aibs_allactive needs an axon, and the morphology has none", m->path);
  return cz_morph_replace_axon(m, 1.0, cz_bio_mean_diam(m, first), cz_bio_mean_diam(m, last));
}

static cz_status grow_cells(cz_bio_cells *g) {
  if (g->ncells < g->cap) return CZ_OK;
  const size_t cap = g->cap ? 2 * g->cap : 16;
  CZ_TRY(cz_resize((void **)&g->map, cap, sizeof *g->map));
  CZ_TRY(cz_resize((void **)&g->soma, cap, sizeof *g->soma));
  CZ_TRY(cz_resize((void **)&g->above, cap, sizeof *g->above));
  if (g->keep_shapes) CZ_TRY(cz_resize((void **)&g->shape, cap, sizeof *g->shape));
  if (g->keep_seg_tables) CZ_TRY(cz_resize((void **)&g->segtab, cap, sizeof *g->segtab));
  g->cap = cap;
  return CZ_OK;
}

static cz_status grow_node_ions(cz_bio_cells *g, size_t n) {
  if (n <= g->node_cap) return CZ_OK;
  size_t cap = g->node_cap ? g->node_cap : 1024;
  while (cap < n) cap *= 2;
  CZ_TRY(cz_resize((void **)&g->node_ena, cap, sizeof *g->node_ena));
  CZ_TRY(cz_resize((void **)&g->node_ek, cap, sizeof *g->node_ek));
  g->node_cap = cap;
  return CZ_OK;
}

/* The mechanisms, reversal potentials of one section's membrane nodes. */
static cz_status fill_section(cz_bio_cells *g, const cz_cell_nodes *map, size_t s, const cz_bio_section_props *p) {
  for (uint32_t k = 0; k < map->nseg[s]; k++) {
    const uint32_t node = (uint32_t)cz_cell_centre(map, s, k);
    g->node_ena[node] = p->ena;
    g->node_ek[node] = p->ek;
    for (int o = 0; o < cz_mech_nkinds(); o++)
      if (p->inserted[o]) CZ_TRY(cz_mech_append(&g->mech[o], node, p->param[o]));
  }
  return CZ_OK;
}

/* Each section's properties from the recipe, and the segments they give. Owned (*props, *geom). */
static cz_status section_geometry(const cz_bio_cell_model *model, cz_morph *m, cz_bio_section_props **props,
                                  cz_bio_geom **geom) {
  CZ_TRY(process_axon(m, model->axon));
  double *Ra = cz_calloc(m->nsec + 1, sizeof *Ra);
  *props = cz_calloc(m->nsec + 1, sizeof **props);
  cz_status st = Ra && *props ? CZ_OK : CZ_ERROR(CZ_ERR_NOMEM, "out of memory");
  for (size_t s = 0; st == CZ_OK && s < m->nsec; s++) {
    static const cz_bio_recipe none = {0};
    cz_bio_recipe_apply(model->recipe ? model->recipe : &none, m->type[s], &(*props)[s]);
    Ra[s] = (*props)[s].Ra;
  }
  if (st == CZ_OK) st = cz_bio_geom_build(m, model->dL, Ra, geom);
  free(Ra);
  return st;
}

/* The morphology of model, a copy of what morphs has read (NULL: read from the file). */
static cz_status morphology_of(const cz_bio_cell_model *model, cz_morph_cache *morphs, cz_morph **m) {
  return morphs ? cz_morph_cache_copy(morphs, model->morphology, m) : cz_morph_read(model->morphology, m);
}

cz_status cz_bio_cell_geometry(const cz_bio_cell_model *model, cz_morph_cache *morphs, cz_morph **m,
                               cz_bio_geom **geom) {
  *geom = NULL;
  CZ_TRY(morphology_of(model, morphs, m));
  cz_bio_section_props *props = NULL;
  const cz_status st = section_geometry(model, *m, &props, geom);
  free(props);
  if (st != CZ_OK) cz_morph_free(m);
  return st;
}

cz_status cz_bio_cell_census(const cz_bio_cell_model *model, cz_morph_cache *morphs, cz_bio_census *out) {
  memset(out, 0, sizeof *out);
  cz_morph *m = NULL;
  CZ_TRY(morphology_of(model, morphs, &m));
  cz_bio_section_props *props = NULL;
  cz_bio_geom *geom = NULL;
  const cz_status st = section_geometry(model, m, &props, &geom);
  if (st == CZ_OK) {
    out->nodes = (uint32_t)(1 + geom->nseg_total + m->nsec);
    for (size_t s = 0; s < m->nsec; s++)
      for (int o = 0; o < cz_mech_nkinds(); o++)
        if (props[s].inserted[o]) out->instances[o] += (uint32_t)geom->nseg[s];
  }
  cz_bio_geom_free(&geom);
  free(props);
  cz_morph_free(&m);
  return st;
}

static cz_status build_cell(cz_bio_cells *g, const cz_bio_cell_model *model, cz_morph *m, double v_init) {
  cz_bio_section_props *props = NULL;
  double *cm = NULL;
  cz_bio_geom *geom = NULL;
  cz_status st = section_geometry(model, m, &props, &geom);
  if (st == CZ_OK && !(cm = cz_calloc(m->nsec + 1, sizeof *cm))) st = CZ_ERROR(CZ_ERR_NOMEM, "out of memory");
  for (size_t s = 0; st == CZ_OK && s < m->nsec; s++) cm[s] = props[s].cm;
  cz_cell_nodes *map = &g->map[g->ncells];
  if (st == CZ_OK && g->keep_shapes) st = cz_seg_shape_build(m, geom, &g->shape[g->ncells]);
  if (st == CZ_OK && g->keep_seg_tables && (st = cz_seg_table_build(m, geom, &g->segtab[g->ncells])) != CZ_OK &&
      g->keep_shapes)
    cz_seg_shape_free(&g->shape[g->ncells]);
  if (st == CZ_OK) {
    st = cz_cable_add_cell(&g->cable, m, geom, cm, v_init, map);
    if (st != CZ_OK && g->keep_shapes) cz_seg_shape_free(&g->shape[g->ncells]);
    if (st != CZ_OK && g->keep_seg_tables) cz_seg_table_free(&g->segtab[g->ncells]);
  }
  if (st == CZ_OK) {
    g->ncells++;
    g->soma[g->ncells - 1] = (uint32_t)cz_cell_node_at(map, 0, 0.5);
    g->above[g->ncells - 1] = 0;
    st = grow_node_ions(g, g->cable.n);
  }
  if (st == CZ_OK)
    for (size_t i = map->root; i < g->cable.n; i++) { /* root and end nodes: NEURON's defaults */
      g->node_ena[i] = 50.0;
      g->node_ek[i] = -77.0;
    }
  for (size_t s = 0; st == CZ_OK && s < m->nsec; s++) st = fill_section(g, map, s, &props[s]);
  cz_bio_geom_free(&geom);
  free(props);
  free(cm);
  return st;
}

cz_status cz_bio_cells_add(cz_bio_cells *g, const cz_bio_cell_model *model, double v_init, cz_morph_cache *morphs,
                           size_t *cell) {
  CZ_TRY(grow_cells(g));
  cz_morph *m = NULL;
  CZ_TRY(morphology_of(model, morphs, &m));
  const cz_status st = build_cell(g, model, m, v_init);
  cz_morph_free(&m);
  if (st == CZ_OK && cell) *cell = g->ncells - 1;
  return st;
}

cz_status cz_bio_cells_interleave(cz_bio_cells *g, uint32_t **new_of_old) {
  *new_of_old = NULL;
  const size_t n = g->cable.n;
  uint32_t *to = cz_calloc(n + 1, sizeof *to);
  size_t *roots = cz_calloc(g->ncells + 1, sizeof *roots);
  double *tmp = cz_calloc(n + 1, sizeof *tmp);
  cz_status st = to && roots && tmp ? CZ_OK : CZ_ERROR(CZ_ERR_NOMEM, "out of memory");
  for (size_t c = 0; st == CZ_OK && c < g->ncells; c++) roots[c] = g->map[c].root;
  if (st == CZ_OK) st = cz_cable_interleave(&g->cable, roots, g->ncells, to);
  for (size_t c = 0; st == CZ_OK && c < g->ncells; c++) {
    cz_cell_nodes_renumber(&g->map[c], to);
    g->soma[c] = to[g->soma[c]];
  }
  double *ions[] = {g->node_ena, g->node_ek};
  for (size_t k = 0; st == CZ_OK && n > 0 && k < 2; k++) { /* no cable node: no arrays (NULL) */
    for (size_t i = 0; i < n; i++) tmp[to[i]] = ions[k][i];
    memcpy(ions[k], tmp, n * sizeof *tmp);
  }
  for (int o = 0; st == CZ_OK && o < cz_mech_nkinds(); o++) st = cz_mech_renumber(&g->mech[o], to, n);
  free(roots);
  free(tmp);
  if (st != CZ_OK) {
    free(to);
    return st;
  }
  *new_of_old = to;
  return CZ_OK;
}

/* The nodes whose ion currents some mechanism writes (every one but pas). */
static cz_status list_ion_nodes(cz_bio_cells *g) {
  const size_t n = g->cable.n;
  uint8_t *on = cz_calloc(n + 1, 1);
  CZ_CHECK(on, CZ_ERR_NOMEM, "out of memory");
  for (int o = 0; o < cz_mech_nkinds(); o++) {
    const cz_mech *m = &g->mech[o];
    if (m->n && m->kind != &cz_mech_pas)
      for (size_t k = 0; k < m->n; k++) on[m->node[k]] = 1;
  }
  size_t count = 0;
  for (size_t i = 0; i < n; i++) count += on[i];
  g->ions.active = cz_calloc(count + 1, sizeof *g->ions.active);
  if (g->ions.active)
    for (size_t i = 0; i < n; i++)
      if (on[i]) g->ions.active[g->ions.nactive++] = (uint32_t)i;
  free(on);
  CZ_CHECK(g->ions.active, CZ_ERR_NOMEM, "out of memory");
  return CZ_OK;
}

/* pas's g and e by node (cz_bio_cells.pas_g), pas being the first kind; its instances go, the
 * arrays by node holding all there is of it (it has no states). */
static cz_status spread_pas(cz_bio_cells *g) {
  CZ_CHECK(cz_mech_kind_at(0) == &cz_mech_pas, CZ_ERR_INTERNAL, "pas is not the first mechanism kind");
  CZ_NEW(g->pas_g, g->cable.n + 1);
  CZ_NEW(g->pas_e, g->cable.n + 1);
  cz_mech *pas = &g->mech[0];
  const int G = cz_mech_param_index(&cz_mech_pas, "g"), E = cz_mech_param_index(&cz_mech_pas, "e");
  for (size_t k = 0; k < pas->n; k++) {
    g->pas_g[pas->node[k]] = pas->p[G][k];
    g->pas_e[pas->node[k]] = pas->p[E][k];
  }
  cz_mech_free(pas);
  return CZ_OK;
}

cz_status cz_bio_cells_finish(cz_bio_cells *g, cz_mech_env *env) {
  CZ_TRY(cz_ions_alloc(&g->ions, g->cable.n));
  for (size_t i = 0; i < g->cable.n; i++) {
    g->ions.ena[i] = g->node_ena[i];
    g->ions.ek[i] = g->node_ek[i];
  }
  free(g->node_ena); /* the ions hold them now */
  free(g->node_ek);
  g->node_ena = g->node_ek = NULL;
  g->node_cap = 0;
  CZ_TRY(cz_cable_fit(&g->cable));
  for (int o = 0; o < cz_mech_nkinds(); o++) CZ_TRY(cz_mech_fit(&g->mech[o]));
  CZ_TRY(list_ion_nodes(g));
  CZ_TRY(spread_pas(g));
  env->cable = &g->cable;
  env->ions = &g->ions;
  for (int o = 0; o < cz_mech_nkinds(); o++)
    if (g->mech[o].n) g->mech[o].kind->init(&g->mech[o], env);
  return CZ_OK;
}

void cz_bio_cells_currents(cz_bio_cells *g, const cz_mech_env *env) {
  cz_mech_pas_begin_currents(&g->cable, g->pas_g, g->pas_e);
  cz_ions_begin_currents(&g->ions, env->celsius, env->units);
  for (int o = 1; o < cz_mech_nkinds(); o++) /* pas, kind 0, was the first pass */
    if (g->mech[o].n) g->mech[o].kind->current(&g->mech[o], env);
}

void cz_bio_cells_advance(cz_bio_cells *g, const cz_mech_env *env) {
  for (int o = 0; o < cz_mech_nkinds(); o++)
    if (g->mech[o].n) g->mech[o].kind->advance(&g->mech[o], env);
}

void cz_bio_cells_detect(cz_bio_cells *g, double t_n, double threshold, void (*emit)(void *ctx, size_t cell, double t),
                         void *ctx) {
  for (size_t c = 0; c < g->ncells; c++) {
    const double v = g->cable.v[g->soma[c]];
    if (v > threshold) {
      if (!g->above[c]) emit(ctx, c, t_n + 1e-10);
      g->above[c] = 1;
    } else {
      g->above[c] = 0;
    }
  }
}

size_t cz_bio_cells_bytes(const cz_bio_cells *g) {
  const cz_cable *c = &g->cable;
  size_t b = c->cap * (sizeof *c->parent + sizeof *c->bare + 8 * sizeof(double));
  if (c->vext) b += c->cap * 2 * sizeof(double);
  b += g->ions.n * (8 * sizeof(double) + sizeof *g->ions.ca_state) + g->ions.nactive * sizeof *g->ions.active;
  for (int k = 0; k < CZ_MECH_MAX_KINDS; k++) {
    const cz_mech *m = &g->mech[k];
    if (m->kind) b += m->cap * (sizeof *m->node + (m->kind->nparam + m->kind->nstate) * sizeof(double));
  }
  b += g->cap * (sizeof *g->map + sizeof *g->soma + sizeof *g->above);
  if (g->pas_g) b += c->n * 2 * sizeof(double);
  for (size_t i = 0; i < g->ncells; i++) {
    const cz_cell_nodes *m = &g->map[i];
    b += m->nsec * (3 * sizeof(size_t) + sizeof *m->nseg + sizeof *m->type + sizeof *m->index);
    if (g->shape) b += g->shape[i].n * 10 * sizeof(double);
    if (g->segtab) b += g->segtab[i].n * (sizeof(int32_t) + sizeof(uint32_t) + 4 * sizeof(double));
  }
  return b;
}
