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
  (void)part;
  return CZ_OK;
}

typedef struct rows_ctx {
  const cz_weight_row *rows;
  size_t n;
} rows_ctx;

static cz_status write_ctx(FILE *fp, const char *part, const void *pv) {
  const rows_ctx *c = pv;
  return write_rows(fp, part, c->rows, c->n);
}

cz_status cz_weights_write_csv(const char *path, const cz_weight_row *rows, size_t n) {
  const rows_ctx c = {rows, n};
  return cz_part_write_text(path, write_ctx, &c);
}
