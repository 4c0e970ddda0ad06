#include "io/report_out.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/mem.h"
#include "base/str.h"
#include "io/h5.h"
#include "io/part_file.h"

struct cz_report_out {
  cz_h5file *f;
  char *path, *part;
  bool leader;
  double t_first, step;
  size_t npops;
  char **data_path; /* [npops], NULL for populations without recorded nodes */
  char **time_path; /* [npops] */
};

const char *cz_report_path(const cz_report_out *r) { return r->path; }

/* Elements of a population: index_pointer[n], or n with one element per node. */
static size_t element_count(const cz_report_pop *p) { return p->index_pointer ? (size_t)p->index_pointer[p->n] : p->n; }

/* The index pointer must start at 0 and never go down, or readers would take wrong columns. */
static cz_status check_elements(const cz_report_pop *p) {
  if (!p->index_pointer) return CZ_OK;
  CZ_CHECK(p->index_pointer[0] == 0, CZ_ERR_INTERNAL, "report of population %s: index pointer starts at %llu",
           p->name, (unsigned long long)p->index_pointer[0]);
  for (size_t i = 0; i < p->n; i++)
    CZ_CHECK(p->index_pointer[i + 1] >= p->index_pointer[i], CZ_ERR_INTERNAL,
             "report of population %s: index pointer goes down at node %zu", p->name, i);
  return CZ_OK;
}

static cz_status write_mapping(cz_h5file *f, const char *group, const cz_report_pop *p, const cz_report_spec *s) {
  char path[1024];
  const size_t ne = element_count(p);
  uint64_t *ptr = NULL, *zeros = NULL;
  double *pos = NULL;
  CZ_NEW(ptr, p->n + 1);
  zeros = cz_calloc(ne ? ne : 1, sizeof *zeros);
  pos = cz_calloc(ne ? ne : 1, sizeof *pos);
  cz_status st = zeros && pos ? CZ_OK : CZ_ERROR(CZ_ERR_NOMEM, "out of memory");
  for (size_t i = 0; i <= p->n; i++) ptr[i] = p->index_pointer ? p->index_pointer[i] : i;
  const uint64_t *ids = p->element_ids ? p->element_ids : zeros;
  const double *at = p->element_pos ? p->element_pos : pos;
  const double time[3] = {s->t_first, s->t_first - s->step, s->step}; /* no row complete yet */
  snprintf(path, sizeof path, "%s/mapping/node_ids", group);
  if (st == CZ_OK) st = cz_h5_write_u64(f, path, p->node_ids, p->n, false);
  snprintf(path, sizeof path, "%s/mapping/index_pointer", group);
  if (st == CZ_OK) st = cz_h5_write_u64(f, path, ptr, p->n + 1, false);
  snprintf(path, sizeof path, "%s/mapping/index_pointers", group);
  if (st == CZ_OK) st = cz_h5_write_u64(f, path, ptr, p->n + 1, false);
  snprintf(path, sizeof path, "%s/mapping/element_ids", group);
  if (st == CZ_OK) st = cz_h5_write_u64(f, path, ids, ne, false);
  snprintf(path, sizeof path, "%s/mapping/element_pos", group);
  if (st == CZ_OK) st = cz_h5_write_f64(f, path, at, ne, false);
  snprintf(path, sizeof path, "%s/mapping/src_ids", group);
  if (st == CZ_OK && p->src_ids) st = cz_h5_write_i64(f, path, p->src_ids, ne, false);
  snprintf(path, sizeof path, "%s/mapping/trg_ids", group);
  if (st == CZ_OK && p->trg_ids) st = cz_h5_write_i64(f, path, p->trg_ids, ne, false);
  snprintf(path, sizeof path, "%s/mapping/time", group);
  if (st == CZ_OK) st = cz_h5_write_f64(f, path, time, 3, false);
  if (st == CZ_OK) st = cz_h5_write_attr_string(f, path, "units", "ms");
  free(ptr);
  free(zeros);
  free(pos);
  return st;
}

static cz_status write_layout(cz_report_out *r, const cz_report_spec *s) {
  static const uint32_t magic = 0x0A7A, version[2] = {0, 1};
  CZ_TRY(cz_h5_write_attr_u32(r->f, "/", "magic", &magic, 1));
  CZ_TRY(cz_h5_write_attr_u32(r->f, "/", "version", version, 2));
  CZ_TRY(cz_h5_create_group(r->f, "/report"));
  for (size_t p = 0; p < s->npops; p++) {
    const cz_report_pop *pop = &s->pops[p];
    if (pop->n == 0) continue;
    CZ_TRY(check_elements(pop));
    if (element_count(pop) == 0) continue;
    char group[512];
    snprintf(group, sizeof group, "/report/%s", pop->name);
    CZ_TRY(cz_asprintf(&r->data_path[p], "%s/data", group));
    CZ_TRY(cz_asprintf(&r->time_path[p], "%s/mapping/time", group));
    CZ_TRY(cz_h5_create_f64_2d(r->f, r->data_path[p], s->nrows, element_count(pop)));
    CZ_TRY(cz_h5_write_attr_string(r->f, r->data_path[p], "variable", s->variable));
    CZ_TRY(cz_h5_write_attr_string(r->f, r->data_path[p], "units", s->units));
    CZ_TRY(write_mapping(r->f, group, pop, s));
  }
  return cz_h5_flush(r->f);
}

static void report_free(cz_report_out *r) {
  for (size_t p = 0; p < r->npops; p++) {
    free(r->data_path[p]);
    free(r->time_path[p]);
  }
  free(r->data_path);
  free(r->time_path);
  free(r->path);
  free(r->part);
  free(r);
}

cz_status cz_report_create(const cz_report_spec *spec, const void *mpi_comm, bool leader, cz_report_out **out) {
  *out = NULL;
  cz_report_out *r = NULL;
  CZ_NEW(r, 1);
  r->leader = leader;
  r->t_first = spec->t_first;
  r->step = spec->step;
  r->npops = spec->npops;
  r->data_path = cz_calloc(spec->npops ? spec->npops : 1, sizeof *r->data_path);
  r->time_path = cz_calloc(spec->npops ? spec->npops : 1, sizeof *r->time_path);
  cz_status st = r->data_path && r->time_path ? cz_strdup(spec->path, &r->path) : CZ_ERROR(CZ_ERR_NOMEM, "out of memory");
  if (st == CZ_OK) st = cz_part_path(spec->path, &r->part);
  if (st == CZ_OK) st = cz_h5_create_parallel(r->part, mpi_comm, &r->f);
  if (st == CZ_OK) st = write_layout(r, spec);
  if (st != CZ_OK) {
    cz_h5_close(&r->f);
    if (leader && r->part) unlink(r->part);
    report_free(r);
    return st;
  }
  *out = r;
  return CZ_OK;
}

cz_status cz_report_write(cz_report_out *r, size_t p, size_t row0, size_t nrows, const uint64_t *cols, size_t ncols,
                          const double *data) {
  if (!r->data_path[p]) return CZ_OK; /* nothing recorded there, on any rank */
  return cz_h5_write_f64_cols(r->f, r->data_path[p], row0, nrows, cols, ncols, data);
}

cz_status cz_report_commit_rows(cz_report_out *r, double last) {
  CZ_TRY(cz_h5_flush(r->f));
  for (size_t p = 0; p < r->npops; p++)
    if (r->time_path[p]) CZ_TRY(cz_h5_overwrite_f64(r->f, r->time_path[p], 1, r->leader ? 1 : 0, &last));
  return cz_h5_flush(r->f);
}

cz_status cz_report_close(cz_report_out **pr, bool complete) {
  if (!pr || !*pr) return CZ_OK;
  cz_report_out *r = *pr;
  *pr = NULL;
  cz_status st = cz_h5_close(&r->f);
  if (st == CZ_OK && complete && r->leader) st = cz_part_commit(r->part, r->path);
  report_free(r);
  return st;
}
