#include "core/stimulus/spike_train.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "base/mem.h"
#include "base/sort.h"
#include "core/stimulus/ecephys.h"
#include "io/node_sets.h"
#include "io/spike_input.h"

int cz_input_is_spikes(const cz_cfg_block *b) {
  return (b->input_type && strcmp(b->input_type, "spikes") == 0) || cz_input_is_ecephys(b);
}

cz_status cz_spike_stamp(double t_ms, int64_t tics_per_step, int precise_times, int allow_offgrid, int64_t *stamp) {
  const double h = (double)tics_per_step / 1000.0;
  CZ_CHECK(t_ms > 0, CZ_ERR_FORMAT, "spike time %g ms is not positive (spike_generator needs times > 0)", t_ms);
  CZ_CHECK(cz_time_in_range(t_ms), CZ_ERR_FORMAT, "timestamps: spike time %g ms is later than the latest time, %g ms",
           t_ms, CZ_TIME_MAX_MS);
  if (precise_times) {
    int64_t s = (int64_t)ceil(t_ms / h);
    while (s > 0 && (double)(s - 1) * h >= t_ms) s--;
    while ((double)s * h < t_ms) s++;
    *stamp = s;
    return CZ_OK;
  }
  const int64_t tics = llround(t_ms * 1000.0);
  if (tics % tics_per_step == 0) {
    *stamp = tics / tics_per_step;
    return CZ_OK;
  }
  CZ_CHECK(allow_offgrid, CZ_ERR_FORMAT,
           "spike time %.17g ms is not on the time grid of dt = %g ms (set run.precise_times to true, or "
           "run.allow_offgrid_spikes)",
           t_ms, h);
  const double steps = t_ms / h;
  const double nearest = floor(steps + 0.5);
  *stamp = fabs(steps - nearest) * h <= 0.0005 ? (int64_t)nearest : (int64_t)ceil(steps);
  return CZ_OK;
}

typedef struct vs_builder {
  cz_vspikes *v;
  size_t cap_step, cap_gid;
} vs_builder;

static cz_status push(vs_builder *b, int64_t step, uint32_t gid) {
  CZ_RESERVE(b->v->step, b->cap_step, b->v->n + 1);
  CZ_RESERVE(b->v->gid, b->cap_gid, b->v->n + 1);
  b->v->step[b->v->n] = step;
  b->v->gid[b->v->n] = gid;
  b->v->n++;
  return CZ_OK;
}

/* The trains an ecephys_probe block gives population pop. */
static cz_status read_ecephys(const cz_config *cfg, const cz_cfg_block *b, const cz_circuit *c, const char *pop,
                              cz_spike_trains **out) {
  size_t p = 0;
  while (p < c->nnodes && strcmp(c->nodes[p].name, pop) != 0) p++;
  CZ_CHECK(p < c->nnodes, CZ_ERR_INTERNAL, "inputs.%s: no population %s", b->name, pop);
  cz_ecephys *e = NULL;
  CZ_TRY(cz_ecephys_open(cfg, b, c, &e));
  const cz_status st = cz_ecephys_trains(e, p, out);
  cz_ecephys_destroy(&e);
  return st;
}

cz_status cz_input_read_spikes(const cz_config *cfg, const cz_cfg_block *b, const cz_circuit *c, const char *pop,
                               cz_spike_trains **out) {
  if (cz_input_is_ecephys(b)) return read_ecephys(cfg, b, c, pop, out);
  const cJSON *jf = cJSON_GetObjectItemCaseSensitive(b->json, "input_file");
  CZ_CHECK(cJSON_IsString(jf), CZ_ERR_CONFIG, "%s: inputs.%s.input_file is missing or not a string", cfg->path, b->name);
  const cJSON *jt = cJSON_GetObjectItemCaseSensitive(b->json, "trial");
  CZ_CHECK(!jt || cJSON_IsString(jt), CZ_ERR_CONFIG, "%s: inputs.%s.trial must be the name of a trial (a string)",
           cfg->path, b->name);
  cz_status st = cz_spike_input_read_trial(jf->valuestring, b->module, pop, jt ? jt->valuestring : NULL, out);
  return st == CZ_OK ? st : cz_error_prefix(st, "inputs.%s.input_file", b->name);
}

static cz_status add_population_spikes(const cz_config *cfg, const cz_cfg_block *b, const cz_circuit *c,
                                       const cz_gidmap *gm, const cz_timegrid *tg, size_t pop, const cz_ns_selection *sel,
                                       vs_builder *out) {
  const cz_node_pop *p = &c->nodes[pop];
  const cJSON *jf = cJSON_GetObjectItemCaseSensitive(b->json, "input_file");
  CZ_CHECK(cJSON_IsString(jf), CZ_ERR_CONFIG, "%s: inputs.%s.input_file is missing or not a string", cfg->path, b->name);
  const char *file = jf->valuestring;
  bool *selected = NULL;
  CZ_NEW(selected, p->n);
  for (size_t k = 0; k < sel->n[pop]; k++) selected[sel->rows[pop][k]] = true;
  cz_spike_trains *t = NULL;
  cz_status st = cz_input_read_spikes(cfg, b, c, p->name, &t);
  size_t unknown = 0;
  for (size_t i = 0; st == CZ_OK && i < t->n; i++) {
    size_t row;
    if (!cz_circuit_row_of(p, t->node_ids[i], &row) || !selected[row]) {
      unknown += !cz_circuit_row_of(p, t->node_ids[i], &row);
      continue;
    }
    int64_t s;
    st = cz_spike_stamp(t->timestamps[i], tg->tics_per_step, cfg->precise_times, cfg->allow_offgrid_spikes, &s);
    if (st != CZ_OK) {
      cz_error_prefix(st, "%s: node %llu (inputs.%s)", file, (unsigned long long)t->node_ids[i], b->name);
      break;
    }
    if (s >= 1 && s <= tg->nsteps) st = push(out, s - 1, (uint32_t)(gm->pop_offset[pop] + row));
  }
  if (st == CZ_OK && unknown)
    cz_log_warn("%s: %zu spikes belong to node ids that population %s does not have; they are ignored", file, unknown,
                p->name);
  cz_spike_trains_destroy(&t);
  free(selected);
  return st;
}

/* An ecephys_probe block: the trains of every node of the populations it drives, under
 * spike_generator's rule (times <= 0 are errors). */
static cz_status add_ecephys(const cz_config *cfg, const cz_cfg_block *b, const cz_circuit *c, const cz_gidmap *gm,
                             const cz_timegrid *tg, vs_builder *out) {
  cz_ecephys *e = NULL;
  CZ_TRY(cz_ecephys_open(cfg, b, c, &e));
  cz_status st = CZ_OK;
  for (size_t p = 0; st == CZ_OK && p < c->nnodes; p++) {
    if (!cz_ecephys_drives(e, p)) continue;
    cz_spike_trains *t = NULL;
    st = cz_ecephys_trains(e, p, &t);
    for (size_t i = 0; st == CZ_OK && i < t->n; i++) {
      size_t row = 0;
      int64_t s = 0;
      if (!cz_circuit_row_of(&c->nodes[p], t->node_ids[i], &row)) continue; /* cannot happen: its own ids */
      st = cz_spike_stamp(t->timestamps[i], tg->tics_per_step, cfg->precise_times, cfg->allow_offgrid_spikes, &s);
      if (st != CZ_OK)
        cz_error_prefix(st, "%s: inputs.%s: node %llu of population %s", b->file ? b->file : cfg->path, b->name,
                        (unsigned long long)t->node_ids[i], c->nodes[p].name);
      else if (s >= 1 && s <= tg->nsteps) st = push(out, s - 1, (uint32_t)(gm->pop_offset[p] + row));
    }
    cz_spike_trains_destroy(&t);
  }
  cz_ecephys_destroy(&e);
  return st;
}

static cz_status add_input(const cz_config *cfg, const cz_cfg_block *b, const cz_circuit *c, const cz_gidmap *gm,
                           const cz_timegrid *tg, vs_builder *out) {
  if (cz_input_is_ecephys(b)) return add_ecephys(cfg, b, c, gm, tg, out);
  CZ_CHECK(b->module, CZ_ERR_CONFIG, "%s: inputs.%s has no \"module\"", cfg->path, b->name);
  CZ_CHECK(b->node_set, CZ_ERR_CONFIG, "%s: inputs.%s has no \"node_set\"", cfg->path, b->name);
  char where[1024];
  snprintf(where, sizeof where, "%s: inputs.%s.node_set", cfg->path, b->name);
  cz_ns_view view = cz_circuit_ns_view(c);
  cz_ns_selection *sel = NULL;
  CZ_TRY(cz_ns_resolve(cfg->node_sets, b->node_set, &view, where, &sel));
  cz_status st = CZ_OK;
  for (size_t p = 0; p < c->nnodes && st == CZ_OK; p++) {
    if (sel->n[p] == 0) continue;
    for (size_t k = 0; k < sel->n[p]; k++)
      if (!cz_node_is_virtual(&c->nodes[p], sel->rows[p][k])) {
        st = CZ_ERROR(CZ_ERR_CONFIG, "%s: %s selects node %llu of population %s, which is not virtual; spike inputs "
                      "drive virtual nodes only", cfg->path, where,
                      (unsigned long long)cz_node_id(&c->nodes[p], sel->rows[p][k]), c->nodes[p].name);
        break;
      }
    if (st == CZ_OK) st = add_population_spikes(cfg, b, c, gm, tg, p, sel, out);
  }
  cz_ns_selection_destroy(&sel);
  return st;
}

static cz_status sort_events(cz_vspikes *v) {
  int64_t *pairs = NULL;
  CZ_NEW(pairs, 2 * v->n);
  for (size_t i = 0; i < v->n; i++) {
    pairs[2 * i] = v->step[i];
    pairs[2 * i + 1] = v->gid[i];
  }
  cz_sort_i64_pairs(pairs, v->n);
  for (size_t i = 0; i < v->n; i++) {
    v->step[i] = pairs[2 * i];
    v->gid[i] = (uint32_t)pairs[2 * i + 1];
  }
  free(pairs);
  return CZ_OK;
}

cz_status cz_vspikes_build(const cz_config *cfg, const cz_circuit *c, const cz_gidmap *gm, const cz_timegrid *tg,
                           cz_vspikes *out) {
  memset(out, 0, sizeof *out);
  vs_builder b = {out, 0, 0};
  cz_status st = CZ_OK;
  for (size_t i = 0; i < cfg->ninputs && st == CZ_OK; i++) {
    const cz_cfg_block *blk = &cfg->inputs[i];
    if (!blk->enabled || !cz_input_is_spikes(blk)) continue;
    cz_log_info("Build virtual cell stimulations for %s", blk->name);
    st = add_input(cfg, blk, c, gm, tg, &b);
  }
  if (st == CZ_OK) st = sort_events(out);
  if (st != CZ_OK) {
    cz_error_trace(__FILE__, __LINE__, __func__);
    cz_vspikes_free(out);
  }
  return st;
}

void cz_vspikes_free(cz_vspikes *v) {
  free(v->step);
  free(v->gid);
  memset(v, 0, sizeof *v);
}
