#include "app/spike_journal.h"

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "app/spike_table.h"
#include "base/mem.h"
#include "base/str.h"
#include "comm/comm.h"
#include "io/spikes_out.h"

enum { DEFAULT_BLOCK_STEPS = 5000 };

struct cz_spike_journal {
  const cz_timegrid *tg;
  const cz_gidmap *gm;
  const cz_circuit *c;
  char *dir;
  size_t from;      /* first local spike of the next block */
  int64_t t_from;   /* step where the next block starts */
  int k;            /* blocks written */
};

int64_t cz_journal_block_steps(const cz_config *cfg) {
  const int64_t block = cfg->nsteps_block > 0 ? cfg->nsteps_block : DEFAULT_BLOCK_STEPS;
  /* At fine time steps a block of steps is a short stretch of model time: write at most one
   * file per 100 ms of it. */
  const int64_t per_100ms = (int64_t)llround(100.0 / cfg->dt);
  return block > per_100ms ? block : per_100ms;
}

static bool is_block_file(const char *name) {
  return strncmp(name, "block_", 6) == 0 && (cz_str_ends_with(name, ".h5") || cz_str_ends_with(name, ".h5.part"));
}

/* Removes the block files in dir (and dir itself when rmdir_too). */
static cz_status clear_dir(const char *dir, bool rmdir_too) {
  DIR *d = opendir(dir);
  if (!d) return CZ_OK;
  cz_status st = CZ_OK;
  struct dirent *e;
  while ((e = readdir(d)) != NULL && st == CZ_OK) {
    if (!is_block_file(e->d_name)) continue;
    char *p = NULL;
    st = cz_asprintf(&p, "%s/%s", dir, e->d_name);
    if (st == CZ_OK && unlink(p) != 0)
      st = CZ_ERROR(CZ_ERR_OUTPUT, "%s: cannot remove (%s)", p, strerror(errno));
    free(p);
  }
  closedir(d);
  if (st == CZ_OK && rmdir_too && rmdir(dir) != 0 && errno != ENOENT && errno != ENOTEMPTY)
    st = CZ_ERROR(CZ_ERR_OUTPUT, "%s: cannot remove (%s)", dir, strerror(errno));
  return st;
}

cz_status cz_journal_open(const cz_config *cfg, const cz_timegrid *tg, const cz_gidmap *gm, const cz_circuit *c,
                          cz_spike_journal **out) {
  *out = NULL;
  if (!cfg->spikes_file) return CZ_OK;
  cz_spike_journal *j = NULL;
  CZ_NEW(j, 1);
  j->tg = tg;
  j->gm = gm;
  j->c = c;
  cz_status st = cz_asprintf(&j->dir, "%s.blocks", cfg->spikes_file);
  if (st == CZ_OK && cz_comm_rank() == 0) {
    if (mkdir(j->dir, 0777) != 0 && errno != EEXIST)
      st = CZ_ERROR(CZ_ERR_OUTPUT, "%s: cannot create the spike journal folder (%s)", j->dir, strerror(errno));
    if (st == CZ_OK) st = clear_dir(j->dir, false);
  }
  st = cz_comm_agree(st);
  if (st != CZ_OK) {
    free(j->dir);
    free(j);
    return st;
  }
  *out = j;
  return CZ_OK;
}

static cz_status write_block(cz_spike_journal *j, const int64_t *words, size_t n, int64_t t1) {
  cz_spike_table t;
  memset(&t, 0, sizeof t);
  char *path = NULL;
  const double from = cz_timegrid_ms(j->tg, j->t_from), to = cz_timegrid_ms(j->tg, t1);
  cz_spike *recs = NULL;
  cz_status st = cz_asprintf(&path, "%s/block_%06d_%.10g-%.10gms.h5", j->dir, j->k + 1, from, to);
  if (st == CZ_OK) st = cz_spike_records_unpack(words, n, &recs);
  if (st == CZ_OK) st = cz_spike_table_of(j->tg, j->gm, j->c, recs, n, &t);
  if (st == CZ_OK) st = cz_spikes_sort(&t, CZ_SORT_BY_TIME);
  if (st == CZ_OK) st = cz_spikes_write_h5(path, &t, CZ_SORT_BY_TIME, false);
  cz_spike_table_free(&t);
  free(recs);
  free(path);
  return st;
}

cz_status cz_journal_block(void *journal, int64_t t1, const cz_epoch_result *sofar) {
  cz_spike_journal *j = journal;
  const size_t n = sofar->spikes.n - j->from;
  int64_t *mine = cz_calloc(2 * n + 2, sizeof *mine);
  cz_status st = mine ? CZ_OK : CZ_ERROR(CZ_ERR_NOMEM, "out of memory");
  for (size_t i = 0; st == CZ_OK && i < n; i++) cz_spike_pack(&sofar->spikes.s[j->from + i], &mine[2 * i]);
  int64_t *all = NULL;
  size_t nall = 0;
  st = cz_comm_agree(st);
  if (st == CZ_OK) st = cz_comm_gather_records(mine, n, 2, &all, &nall);
  if (st == CZ_OK && cz_comm_rank() == 0) st = write_block(j, all, nall, t1);
  free(mine);
  free(all);
  j->from = sofar->spikes.n;
  j->t_from = t1;
  j->k++;
  return st;
}

cz_status cz_journal_close(cz_spike_journal **pj, bool remove) {
  if (!pj || !*pj) return CZ_OK;
  cz_spike_journal *j = *pj;
  *pj = NULL;
  cz_status st = remove && cz_comm_rank() == 0 ? clear_dir(j->dir, true) : CZ_OK;
  free(j->dir);
  free(j);
  return st;
}
