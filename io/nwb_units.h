/* Sorted units of an NWB 2 extracellular-electrophysiology file, for the ecephys_probe spike
 * input (inputs-spec.md §5.2): the units table, its electrodes, and the intervals tables, read
 * with libhdf5 as the few HDF5 layouts pynwb writes for them, nothing more of NWB.
 *
 * An NWB 2 table (hdmf's DynamicTable) is a group holding an "id" dataset and one dataset per
 * column, all of the same length; a ragged column C is the flat dataset C plus C_index, the
 * exclusive end of each row's slice of C. Read here:
 *  - /units: id, spike_times (+ spike_times_index; seconds) and peak_channel_id (required:
 *    without it a file is CZ_ERR_FORMAT, as BMTK fails on it). The spike times of a unit are
 *    read when asked for, so that a session of hundreds of millions of spikes costs only the
 *    units mapped onto nodes.
 *  - /general/extracellular_ephys/electrodes, left-joined on peak_channel_id = electrode id, as
 *    BMTK joins the two with pandas: the columns of the result are the unit columns (without
 *    id and spike_times; peak_channel_id renamed channel_id), then the electrode columns
 *    (without id). A name both tables have gets pandas' suffixes: name_x for the unit column,
 *    name_y for the electrode one. A unit whose channel is not an electrode gets NaN numbers
 *    and NULL texts in the electrode columns; an electrode id that appears twice is
 *    CZ_ERR_FORMAT (pandas would repeat the unit).
 *  - /intervals/<name>, or /intervals/<name>_presentations (Allen's stimulus tables): every
 *    column but id (start_time and stop_time among them, seconds).
 * A column is numbers (any integer or float dataset, as doubles), texts (fixed or variable
 * strings), or "other" (ragged, multi-dimensional, references, compounds, enums): an "other"
 * column is kept by name so that a filter on it can say why it cannot be compared.
 * Every error names the file and the dataset. Local; not thread-safe (io/h5.h). */
#ifndef CZ_IO_NWB_UNITS_H
#define CZ_IO_NWB_UNITS_H

#include <stddef.h>
#include <stdint.h>

#include "base/status.h"
#include "io/h5.h"

typedef enum cz_nwb_kind { CZ_NWB_NUMBER = 0, CZ_NWB_TEXT, CZ_NWB_OTHER } cz_nwb_kind;

typedef struct cz_nwb_column {
  char *name;
  cz_nwb_kind kind;
  double *num; /* [nrows] for CZ_NWB_NUMBER (NaN: no value) */
  char **text; /* [nrows] for CZ_NWB_TEXT (NULL: no value) */
} cz_nwb_column;

typedef struct cz_nwb_table {
  char *where; /* "<file>: /units" and the like, for messages */
  size_t nrows, ncols;
  cz_nwb_column *cols;
} cz_nwb_table;

/* Index of the column named name, or -1. */
int cz_nwb_table_col(const cz_nwb_table *t, const char *name);
void cz_nwb_table_free(cz_nwb_table *t);

typedef struct cz_nwb_units {
  char *path;
  size_t n;
  int64_t *id;        /* [n] unit ids */
  uint64_t *end;      /* [n] spike_times_index: unit i's times are [end[i-1], end[i]) */
  cz_nwb_table table; /* the units joined with their electrodes (above), n rows */
  cz_h5file *f;       /* kept open for the spike times */
} cz_nwb_units;

/* Opens path and reads its units and electrodes tables. Owned (*out; cz_nwb_units_close). */
cz_status cz_nwb_units_open(const char *path, cz_nwb_units *out);
/* The spike times (seconds, as stored; each finite) of row `row` of the units table. Owned
 * (*times, NULL when *n is 0). */
cz_status cz_nwb_units_times(cz_nwb_units *u, size_t row, double **times, size_t *n);
void cz_nwb_units_close(cz_nwb_units *u);

/* The intervals table /intervals/<name>, else /intervals/<name>_presentations; when neither
 * exists CZ_ERR_FORMAT lists the tables the file has. Owned (*out; cz_nwb_table_free). */
cz_status cz_nwb_intervals_read(cz_nwb_units *u, const char *name, cz_nwb_table *out);

#endif
