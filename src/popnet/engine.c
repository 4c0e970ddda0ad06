#include "popnet/engine.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "base/mem.h"
#include "base/str.h"
#include "comm/comm.h"
#include "io/pop_rates.h"
#include "popnet/network.h"
#include "popnet/population.h"

#define MAX_STEPS INT64_C(100000000)

/* A connection's delay line: D + 1 rates, head first (a ring). */
typedef struct queue {
  double *r;
  size_t len, head;
  size_t jump; /* the target's jump (distinct weight) this connection drives */
} queue;

struct cz_popnet {
  const cz_config *cfg;
  cz_popnet_net net;
  cz_pop_internal *pop; /* [nint], set up on the rank that steps it */
  queue *q;             /* [nconn] */
  double *lambda;       /* [nint * most jumps] */
  size_t most_jumps;
  double *rate;         /* [nint] the last step's rates */
  double *history;      /* [nint * (nsteps + 1)], rank 0 */
  double *gathered;     /* [nint] rank 0's receive buffer, in rank order */
  size_t *count;        /* [nranks] populations per rank */
  int64_t nsteps;
  double dt, tf;
  int rank, nranks;
  char *rates_path;
};

/* ------------------------------------------------------------------ the kind */

static const cz_place_cost *popnet_place_cost(void) {
  static const cz_place_cost cost = {NULL, NULL, 1};
  return &cost;
}

static cz_status check_input(const cz_config *cfg, const cz_cfg_block *b) {
  if (!b->enabled) return CZ_OK;
  const char *file = b->file ? b->file : cfg->path, *type = b->input_type ? b->input_type : "";
  if (strcmp(type, "spikes") == 0) return CZ_OK;
  CZ_CHECK(cJSON_GetObjectItemCaseSensitive(b->json, "rates"), CZ_ERR_CONFIG,
           "%s: inputs.%s: a PopNet input is a table of rates (key \"rates\", columns gid and firing_rate) or "
           "input_type \"spikes\"; this one (input_type \"%s\", module \"%s\") is neither",
           file, b->name, type, b->module ? b->module : "");
  return CZ_OK;
}

static cz_status popnet_check_config(const cz_config *cfg) {
  const char *file = cfg->run_file ? cfg->run_file : cfg->path;
  CZ_CHECK(cfg->dt > 0 && isfinite(cfg->dt), CZ_ERR_CONFIG,
           "config: run.dt: must be a positive number of seconds (PopNet's unit) in %s", file);
  CZ_CHECK(cfg->tstop > 0 && isfinite(cfg->tstop), CZ_ERR_CONFIG, "config: run.tstop: must be a positive number of ms in %s",
           file);
  CZ_CHECK(cfg->tstop / 1000.0 / cfg->dt <= (double)MAX_STEPS, CZ_ERR_CONFIG,
           "%s: run.tstop %g ms in steps of run.dt %g s is more than %lld steps (PopNet's dt is in seconds)", file,
           cfg->tstop, cfg->dt, (long long)MAX_STEPS);
  for (size_t i = 0; i < cfg->ninputs; i++) CZ_TRY(check_input(cfg, &cfg->inputs[i]));
  for (size_t i = 0; i < cfg->nreports; i++)
    if (cfg->reports[i].enabled)
      cz_log_warn("%s: reports.%s: PopNet writes only the rates file; the report is ignored, as BMTK's PopNet ignores "
                  "it", cfg->reports[i].file ? cfg->reports[i].file : cfg->path, cfg->reports[i].name);
  return CZ_OK;
}

const cz_engine_kind cz_popnet_engine_kind = {"PopNet (DiPDE)", popnet_place_cost, popnet_check_config, NULL, NULL};

/* ------------------------------------------------------------------ building */

static cz_status rates_path(cz_popnet *p) {
  const cJSON *out = cJSON_GetObjectItemCaseSensitive(p->cfg->root, "output");
  const cJSON *rf = cJSON_GetObjectItemCaseSensitive(out, "rates_file");
  if (!rf || cJSON_IsNull(rf)) {
    cz_log_warn("%s: output.rates_file is not set: the run writes no rates", p->cfg->path);
    return CZ_OK;
  }
  CZ_CHECK(cJSON_IsString(rf) && rf->valuestring[0], CZ_ERR_CONFIG, "%s: output.rates_file must be a file name",
           p->cfg->path);
  CZ_TRY(cz_cfg_check_output_name(p->cfg, "output.rates_file", rf->valuestring));
  CZ_TRY(cz_path_join(p->cfg->output_dir, rf->valuestring, &p->rates_path));
  return cz_cfg_check_output_file(p->cfg, "output.rates_file", p->rates_path);
}

/* The distinct weights of population i's incoming connections, in connection order. */
static cz_status weights_of(cz_popnet *p, size_t i, double **w, size_t *nw) {
  const cz_popnet_net *n = &p->net;
  CZ_NEW(*w, n->nconn + 1);
  *nw = 0;
  for (size_t k = 0; k < n->nconn; k++) {
    if (n->conn[k].dst != i) continue;
    size_t j = 0;
    while (j < *nw && (*w)[j] != n->conn[k].w) j++;
    if (j == *nw) (*w)[(*nw)++] = n->conn[k].w;
    p->q[k].jump = j;
  }
  if (*nw > p->most_jumps) p->most_jumps = *nw;
  return CZ_OK;
}

static cz_status setup_population(cz_popnet *p, size_t i) {
  double *w = NULL;
  size_t nw = 0;
  cz_status st = weights_of(p, i, &w, &nw);
  if (st == CZ_OK && (int)(i % (size_t)p->nranks) == p->rank) st = cz_pop_internal_init(&p->pop[i], &p->net.prm[i], w, nw);
  free(w);
  if (st != CZ_OK)
    return cz_error_prefix(st, "%s: internal population %llu", p->cfg->path, (unsigned long long)p->net.type_id[i]);
  return CZ_OK;
}

static double initial_rate(const cz_popnet *p, size_t src) {
  return src < p->net.nint ? p->net.prm[src].initial_rate : p->net.ext_rate[src - p->net.nint];
}

static cz_status setup_queues(cz_popnet *p) {
  for (size_t k = 0; k < p->net.nconn; k++) {
    const cz_popnet_conn *c = &p->net.conn[k];
    const double d = nearbyint(c->delay / p->dt); /* round half to even, the default rounding */
    CZ_CHECK(d >= 0 && d < 1e8, CZ_ERR_CONFIG, "connection %llu -> %llu: delay %g s is %g steps of %g s",
             (unsigned long long)p->net.type_id[c->src], (unsigned long long)p->net.type_id[c->dst], c->delay, d, p->dt);
    p->q[k].len = (size_t)d + 1;
    CZ_NEW(p->q[k].r, p->q[k].len);
    for (size_t j = 0; j < p->q[k].len; j++) p->q[k].r[j] = initial_rate(p, c->src);
  }
  return CZ_OK;
}

static void count_steps(cz_popnet *p) {
  int64_t n = 0;
  while ((double)n * p->dt < p->tf) n++;
  p->nsteps = n;
}

static cz_status create(cz_popnet *p, const cz_circuit *c) {
  CZ_TRY(rates_path(p));
  CZ_TRY(cz_popnet_net_read(p->cfg, c, &p->net));
  const size_t nint = p->net.nint;
  count_steps(p);
  CZ_NEW(p->pop, nint);
  CZ_NEW(p->q, p->net.nconn + 1);
  CZ_NEW(p->rate, nint);
  CZ_NEW(p->gathered, nint);
  CZ_NEW(p->count, (size_t)p->nranks);
  for (size_t i = 0; i < nint; i++) p->count[i % (size_t)p->nranks]++;
  for (size_t i = 0; i < nint; i++) CZ_TRY(setup_population(p, i));
  CZ_TRY(setup_queues(p));
  CZ_NEW(p->lambda, nint * (p->most_jumps + 1));
  for (size_t i = 0; i < nint; i++) p->rate[i] = p->net.prm[i].initial_rate;
  if (p->rank == 0) {
    CZ_NEW(p->history, nint * (size_t)(p->nsteps + 1));
    for (size_t i = 0; i < nint; i++) p->history[i * (size_t)(p->nsteps + 1)] = p->rate[i];
  }
  return CZ_OK;
}

cz_status cz_popnet_create(const cz_config *cfg, const cz_circuit *c, cz_popnet **out) {
  cz_popnet *p = cz_calloc(1, sizeof *p);
  CZ_CHECK(p, CZ_ERR_NOMEM, "out of memory");
  *out = p;
  p->cfg = cfg;
  p->dt = cfg->dt;
  p->tf = cfg->tstop / 1000.0;
  p->rank = cz_comm_rank();
  p->nranks = cz_comm_size();
  return cz_comm_agree(create(p, c));
}

void cz_popnet_destroy(cz_popnet **pp) {
  cz_popnet *p = *pp;
  if (!p) return;
  for (size_t i = 0; p->pop && i < p->net.nint; i++) cz_pop_internal_free(&p->pop[i]);
  for (size_t k = 0; p->q && k < p->net.nconn; k++) free(p->q[k].r);
  free(p->pop), free(p->q), free(p->lambda), free(p->rate), free(p->history), free(p->gathered), free(p->count);
  free(p->rates_path);
  cz_popnet_net_free(&p->net);
  free(p);
  *pp = NULL;
}

/* ------------------------------------------------------------------ the run */

static bool is_local(const cz_popnet *p, size_t i) { return (int)(i % (size_t)p->nranks) == p->rank; }

static cz_status step_local(cz_popnet *p) {
  const cz_popnet_net *n = &p->net;
  const size_t mj = p->most_jumps + 1;
  memset(p->lambda, 0, n->nint * mj * sizeof *p->lambda);
  for (size_t k = 0; k < n->nconn; k++) {
    const cz_popnet_conn *c = &n->conn[k];
    if (is_local(p, c->dst)) p->lambda[c->dst * mj + p->q[k].jump] += c->nsyn * p->q[k].r[p->q[k].head];
  }
  for (size_t i = 0; i < n->nint; i++) {
    if (!is_local(p, i)) continue;
    const cz_status st = cz_pop_internal_step(&p->pop[i], &p->lambda[i * mj], p->dt, &p->rate[i]);
    if (st != CZ_OK)
      return cz_error_prefix(st, "%s: internal population %llu", p->cfg->path, (unsigned long long)n->type_id[i]);
  }
  return CZ_OK;
}

/* Every rank gets every population's rate: gathered on rank 0 rank after rank, put back in
 * population order, broadcast as bytes. */
static cz_status share_rates(cz_popnet *p) {
  if (p->nranks == 1) return CZ_OK;
  const size_t nint = p->net.nint;
  double *mine = cz_calloc(p->count[p->rank] + 1, sizeof *mine);
  CZ_CHECK(mine, CZ_ERR_NOMEM, "out of memory");
  for (size_t i = (size_t)p->rank, k = 0; i < nint; i += (size_t)p->nranks) mine[k++] = p->rate[i];
  cz_status st = cz_comm_gather_f64(mine, p->count[p->rank], p->gathered, p->count);
  free(mine);
  CZ_TRY(st);
  if (p->rank == 0) {
    size_t at = 0;
    for (int r = 0; r < p->nranks; r++)
      for (size_t i = (size_t)r; i < nint; i += (size_t)p->nranks) p->rate[i] = p->gathered[at++];
  }
  return cz_comm_bcast_bytes(p->rate, nint * sizeof *p->rate);
}

static void advance_queues(cz_popnet *p) {
  for (size_t k = 0; k < p->net.nconn; k++) {
    queue *q = &p->q[k];
    const size_t src = p->net.conn[k].src;
    q->r[q->head] = src < p->net.nint ? p->rate[src] : p->net.ext_rate[src - p->net.nint];
    q->head = (q->head + 1) % q->len; /* the old head becomes the tail */
  }
}

cz_status cz_popnet_run(cz_popnet *p) {
  const size_t stride = (size_t)(p->nsteps + 1);
  for (int64_t n = 1; n <= p->nsteps; n++) {
    CZ_TRY(cz_comm_agree(step_local(p)));
    CZ_TRY(share_rates(p));
    advance_queues(p);
    for (size_t i = 0; p->history && i < p->net.nint; i++) p->history[i * stride + (size_t)n] = p->rate[i];
  }
  return CZ_OK;
}

cz_status cz_popnet_write(const cz_popnet *p) {
  cz_status st = CZ_OK;
  if (p->rank == 0 && p->rates_path) {
    const size_t nint = p->net.nint, stride = (size_t)(p->nsteps + 1);
    uint64_t *ids = cz_calloc(nint + 1, sizeof *ids);
    double *rows = cz_calloc(nint * stride + 1, sizeof *rows);
    size_t nrec = 0;
    if (!ids || !rows) st = CZ_ERROR(CZ_ERR_NOMEM, "out of memory");
    for (size_t i = 0; st == CZ_OK && i < nint; i++) {
      if (!p->net.prm[i].record) continue;
      ids[nrec] = p->net.type_id[i];
      memcpy(&rows[nrec * stride], &p->history[i * stride], stride * sizeof *rows);
      nrec++;
    }
    if (st == CZ_OK) st = cz_pop_rates_write(p->rates_path, ids, nrec, rows, stride, p->dt);
    free(ids);
    free(rows);
  }
  return cz_comm_agree(st);
}

cz_popnet_counts cz_popnet_get_counts(const cz_popnet *p) {
  cz_popnet_counts c = {p->net.nint, p->net.next, p->net.nconn, 0, p->nsteps, p->dt};
  for (size_t i = 0; i < p->net.nint; i++) c.bins += p->pop[i].grid.nbins;
  return c;
}

const char *cz_popnet_rates_path(const cz_popnet *p) { return p->rates_path; }
