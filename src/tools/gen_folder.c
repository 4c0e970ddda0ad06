#include "tools/gen_folder.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/mem.h"
#include "base/str.h"

/* mkdir -p. */
static cz_status mkdirs(const char *path) {
  char *p = NULL;
  CZ_TRY(cz_strdup(path, &p));
  cz_status st = CZ_OK;
  for (char *q = p + 1; st == CZ_OK; q++) {
    if (*q != '/' && *q != '\0') continue;
    char saved = *q;
    *q = '\0';
    if (mkdir(p, 0755) != 0 && errno != EEXIST)
      st = CZ_ERROR(CZ_ERR_OUTPUT, "cannot create folder %s: %s", p, strerror(errno));
    else if (!cz_path_is_dir(p)) st = CZ_ERROR(CZ_ERR_OUTPUT, "%s exists and is not a folder", p);
    *q = saved;
    if (saved == '\0') break;
  }
  free(p);
  return st;
}

cz_status cz_gen_prepare(const char *dir, bool overwrite) {
  char *config = NULL;
  CZ_TRY(cz_path_join(dir, "config.json", &config));
  cz_status st = CZ_OK;
  if (cz_path_exists(config)) {
    if (!overwrite)
      st = CZ_ERROR(CZ_ERR_OUTPUT, "%s already exists; pass --overwrite to replace the generated files", config);
    else if (unlink(config) != 0)
      st = CZ_ERROR(CZ_ERR_OUTPUT, "cannot replace %s: %s", config, strerror(errno));
  }
  free(config);
  CZ_TRY(st);
  static const char *const dirs[] = {"network", "components/cell_models", "components/synaptic_models", "inputs"};
  for (size_t i = 0; i < sizeof dirs / sizeof dirs[0]; i++) {
    char *path = NULL;
    CZ_TRY(cz_path_join(dir, dirs[i], &path));
    st = mkdirs(path);
    free(path);
    CZ_TRY(st);
  }
  return CZ_OK;
}

static cz_status write_text_file(const char *path, const char *text, bool newline) {
  FILE *f = fopen(path, "w");
  CZ_CHECK(f != NULL, CZ_ERR_OUTPUT, "cannot create %s: %s", path, strerror(errno));
  bool ok = fputs(text, f) >= 0 && (!newline || fputc('\n', f) != EOF);
  ok = fclose(f) == 0 && ok;
  CZ_CHECK(ok, CZ_ERR_OUTPUT, "writing %s failed (disk full?)", path);
  return CZ_OK;
}

cz_status cz_gen_write_text(const char *dir, const char *rel, const char *text) {
  char *path = NULL;
  CZ_TRY(cz_path_join(dir, rel, &path));
  cz_status st = write_text_file(path, text, false);
  free(path);
  return st;
}

cz_status cz_gen_write_json(const char *dir, const char *rel, cJSON *doc, bool atomic) {
  char *text = doc ? cJSON_Print(doc) : NULL;
  cJSON_Delete(doc);
  CZ_CHECK(text != NULL, CZ_ERR_NOMEM, "out of memory writing %s", rel);
  char *path = NULL, *part = NULL;
  cz_status st = cz_path_join(dir, rel, &path);
  if (st == CZ_OK) st = atomic ? cz_asprintf(&part, "%s.part", path) : cz_strdup(path, &part);
  if (st == CZ_OK) st = write_text_file(part, text, true);
  if (st == CZ_OK && atomic && rename(part, path) != 0)
    st = CZ_ERROR(CZ_ERR_OUTPUT, "cannot rename %s to %s: %s", part, path, strerror(errno));
  if (st != CZ_OK && part && atomic) unlink(part);
  free(path);
  free(part);
  cJSON_free(text);
  return st;
}

cz_status cz_gen_root_attrs(cz_h5file *f) {
  static const uint32_t magic = 0x0A7A, version[2] = {0, 1};
  CZ_TRY(cz_h5_write_attr_u32(f, "/", "magic", &magic, 1));
  CZ_TRY(cz_h5_write_attr_u32(f, "/", "version", version, 2));
  return CZ_OK;
}

cz_status cz_gen_h5_create(const char *dir, const char *rel, const void *mpi_comm, cz_h5file **out) {
  char *path = NULL;
  CZ_TRY(cz_path_join(dir, rel, &path));
  cz_status st = mpi_comm ? cz_h5_create_parallel(path, mpi_comm, out) : cz_h5_create(path, out);
  free(path);
  CZ_TRY(st);
  st = cz_gen_root_attrs(*out);
  if (st != CZ_OK) cz_h5_close(out);
  return st;
}

cz_status cz_gen_h5_finish(cz_h5file **f, cz_status st) {
  cz_status cst = cz_h5_close(f);
  return st != CZ_OK ? st : cst;
}

cz_status cz_gen_write_node_ids(cz_h5file *f, const char *pop, const uint64_t *type_ids, size_t n) {
  uint64_t *ids = cz_calloc(n + 1, sizeof *ids);
  uint32_t *group = cz_calloc(n + 1, sizeof *group);
  cz_status st = ids && group ? CZ_OK : CZ_ERROR(CZ_ERR_NOMEM, "out of memory");
  for (size_t i = 0; st == CZ_OK && i < n; i++) ids[i] = i;
  char path[256];
  snprintf(path, sizeof path, "/nodes/%s/node_id", pop);
  if (st == CZ_OK) st = cz_h5_write_u64(f, path, ids, n, false);
  snprintf(path, sizeof path, "/nodes/%s/node_type_id", pop);
  if (st == CZ_OK) st = cz_h5_write_u64(f, path, type_ids, n, false);
  snprintf(path, sizeof path, "/nodes/%s/node_group_id", pop);
  if (st == CZ_OK) st = cz_h5_write_u32(f, path, group, n, false);
  snprintf(path, sizeof path, "/nodes/%s/node_group_index", pop);
  if (st == CZ_OK) st = cz_h5_write_u64(f, path, ids, n, false);
  free(ids);
  free(group);
  return st;
}

cz_status cz_gen_write_nodes(cz_h5file *f, const char *pop, const uint64_t *type_ids, const double *v_m, size_t n) {
  CZ_TRY(cz_gen_write_node_ids(f, pop, type_ids, n));
  char path[256];
  snprintf(path, sizeof path, "/nodes/%s/0/dynamics_params/V_m", pop);
  return cz_h5_write_f64(f, path, v_m, n, false);
}

void cz_gen_format_double(double v, char *buf, size_t n) {
  for (int prec = 15; prec <= 17; prec++) {
    snprintf(buf, n, "%.*g", prec, v);
    if (strtod(buf, NULL) == v) return;
  }
}
