#include "io/weights_out.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/part_file.h"
#include "io/spikes_out.h"

static cz_status write_rows(FILE *fp, const char *part, const cz_weight_row *rows, size_t n) {
  fputs("source_node_id source_population target_node_id target_population time_ms weights receptors ports\n", fp);
  char tbuf[40], wbuf[40];
  for (size_t i = 0; i < n; i++) {
    const cz_weight_row *r = &rows[i];
    cz_spikes_format_time(r->time_ms, tbuf, sizeof tbuf);
    cz_spikes_format_time(r->weight, wbuf, sizeof wbuf);
    fprintf(fp, "%llu %s %llu %s %s %s %d %llu\n", (unsigned long long)r->source_node_id, r->source_population,
            (unsigned long long)r->target_node_id, r->target_population, tbuf, wbuf, r->receptor,
            (unsigned long long)r->port);
  }
  CZ_CHECK(fflush(fp) == 0 && !ferror(fp), CZ_ERR_OUTPUT, "%s: write failed (%s)", part, strerror(errno));
  return CZ_OK;
}

cz_status cz_weights_write_csv(const char *path, const cz_weight_row *rows, size_t n) {
  char *part = NULL;
  CZ_TRY(cz_part_path(path, &part));
  cz_status st = CZ_OK;
  FILE *fp = fopen(part, "w");
  if (!fp) st = CZ_ERROR(CZ_ERR_OUTPUT, "%s: cannot create (%s)", part, strerror(errno));
  if (fp) {
    setvbuf(fp, NULL, _IOFBF, 1 << 20);
    st = write_rows(fp, part, rows, n);
    if (fclose(fp) != 0 && st == CZ_OK) st = CZ_ERROR(CZ_ERR_OUTPUT, "%s: close failed (%s)", part, strerror(errno));
  }
  if (st == CZ_OK) st = cz_part_commit(part, path);
  if (st != CZ_OK) remove(part);
  free(part);
  return st;
}
