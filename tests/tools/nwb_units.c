/* nwb_units: files for the ecephys_probe regression (tests/regression/ecephys.sh).
 *
 *   nwb_units nwb OUT.nwb UNITS.txt ELECTRODES.txt [--no-peak-channel]
 *     an NWB 2 file of sorted units (tests/nwb2_fixture.h): UNITS.txt has one line per unit,
 *     "unit_id peak_channel_id t1 t2 ..." (spike times in s, any number); ELECTRODES.txt one
 *     line per electrode, "electrode_id location". --no-peak-channel leaves peak_channel_id
 *     out (a malformed file).
 *   nwb_units sonata OUT.h5 POPULATION TRAINS.txt
 *     a SONATA spikes file of one population from lines "node_id time_ms" (times parsed with
 *     strtod, so a time printed with 17 significant digits comes back bit for bit).
 * Exit 0 on success, 1 on failure, 2 on bad usage. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/h5.h"
#include "nwb2_fixture.h"

#define MAX_ITEMS 1000000

static char *read_text(const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  fseek(f, 0, SEEK_END);
  const long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *s = calloc((size_t)n + 2, 1);
  if (s && fread(s, 1, (size_t)n, f) != (size_t)n) {
    free(s);
    s = NULL;
  }
  fclose(f);
  return s;
}

static int write_nwb(const char *out, const char *units_path, const char *elec_path, bool peak) {
  char *units = read_text(units_path), *elec = read_text(elec_path);
  int64_t *id = calloc(MAX_ITEMS, sizeof *id), *chan = calloc(MAX_ITEMS, sizeof *chan), *eid = calloc(MAX_ITEMS, sizeof *eid);
  uint64_t *end = calloc(MAX_ITEMS, sizeof *end);
  double *times = calloc(MAX_ITEMS, sizeof *times);
  const char **loc = calloc(MAX_ITEMS, sizeof *loc);
  if (!units || !elec || !id || !chan || !eid || !end || !times || !loc) return 1;
  size_t nu = 0, nt = 0, ne = 0;
  for (char *line = strtok(units, "\n"); line && nu < MAX_ITEMS; line = strtok(NULL, "\n")) {
    char *p = line, *q = NULL;
    id[nu] = strtoll(p, &q, 10);
    if (q == p) continue; /* blank line */
    chan[nu] = strtoll(q, &p, 10);
    for (double t = strtod(p, &q); q != p && nt < MAX_ITEMS; t = strtod(p, &q)) times[nt++] = t, p = q;
    end[nu++] = nt;
  }
  for (char *line = strtok(elec, "\n"); line && ne < MAX_ITEMS; line = strtok(NULL, "\n")) {
    char *q = NULL;
    eid[ne] = strtoll(line, &q, 10);
    if (q == line) continue;
    while (*q == ' ') q++;
    loc[ne++] = q;
  }
  hid_t f = nwb2_create(out);
  int bad = f < 0 || nwb2_i64(f, "/units/id", id, nu) || nwb2_f64(f, "/units/spike_times", times, nt) ||
            nwb2_u64(f, "/units/spike_times_index", end, nu) ||
            (peak && nwb2_i64(f, "/units/peak_channel_id", chan, nu)) ||
            nwb2_i64(f, "/general/extracellular_ephys/electrodes/id", eid, ne) ||
            nwb2_text(f, "/general/extracellular_ephys/electrodes/location", loc, ne);
  if (f >= 0) bad = nwb2_close(f) || bad;
  free(units), free(elec), free(id), free(chan), free(eid), free(end), free(times), free(loc);
  return bad;
}

static int write_sonata(const char *out, const char *pop, const char *trains_path) {
  char *text = read_text(trains_path);
  uint64_t *ids = calloc(MAX_ITEMS, sizeof *ids);
  double *t = calloc(MAX_ITEMS, sizeof *t);
  if (!text || !ids || !t) return 1;
  size_t n = 0;
  for (char *line = strtok(text, "\n"); line && n < MAX_ITEMS; line = strtok(NULL, "\n")) {
    char *q = NULL;
    ids[n] = strtoull(line, &q, 10);
    if (q == line) continue;
    t[n++] = strtod(q, NULL);
  }
  char ts[512], ns[512];
  snprintf(ts, sizeof ts, "/spikes/%s/timestamps", pop);
  snprintf(ns, sizeof ns, "/spikes/%s/node_ids", pop);
  cz_h5file *h = NULL;
  cz_status st = cz_h5_create(out, &h);
  if (st == CZ_OK) st = cz_h5_write_f64(h, ts, t, n, false);
  if (st == CZ_OK) st = cz_h5_write_u64(h, ns, ids, n, false);
  if (h && cz_h5_close(&h) != CZ_OK && st == CZ_OK) st = CZ_ERR_IO;
  if (st != CZ_OK) fprintf(stderr, "nwb_units: %s\n", cz_error_message());
  free(text), free(ids), free(t);
  return st != CZ_OK;
}

int main(int argc, char **argv) {
  if (argc >= 5 && strcmp(argv[1], "nwb") == 0)
    return write_nwb(argv[2], argv[3], argv[4], !(argc > 5 && strcmp(argv[5], "--no-peak-channel") == 0));
  if (argc == 5 && strcmp(argv[1], "sonata") == 0) return write_sonata(argv[2], argv[3], argv[4]);
  fprintf(stderr, "usage: nwb_units nwb OUT.nwb UNITS.txt ELECTRODES.txt [--no-peak-channel]\n"
                  "       nwb_units sonata OUT.h5 POPULATION TRAINS.txt\n");
  return 2;
}
