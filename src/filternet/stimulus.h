/* FilterNet's stimuli (filternet-popnet-spec.md §2.3): the movie of the config's one "movie"
 * input, produced one frame at a time (never held whole), with the row and column ranges the
 * filters are placed on.
 *
 * Modules, with BMTK 1.0.8's units and quirks (each reproduced, the ones that surprise named in
 * the log): graiting (also accepted as grating), a drifting sine grating whose
 * gray_screen_dur is in ms and whose clock is linspace(0, T_s - g, N), the gray screen then
 * replacing its first frame; full_field_flash (24 fps by default; t_on and t_off absolute, ms);
 * looming (the gray period always 0.5 s, as BMTK misreads the key); movie (a .npy array of
 * (frames, rows, columns), with frame_rate or t_range, optional row_range and col_range, and
 * normalize); spontaneous, a gray screen (Cadenza's own). full_field is refused, as BMTK raises.
 *
 * A frame k is shown at t_k = k (1 / fr). Only the ranges' first two and last values reach the
 * filters: the pitches rp = row[1] - row[0], cp = col[1] - col[0] and the mid-points. */
#ifndef CZ_FILTERNET_STIMULUS_H
#define CZ_FILTERNET_STIMULUS_H

#include <stdbool.h>
#include <stddef.h>

#include "base/status.h"
#include "io/config.h"
#include "io/npy.h"

typedef enum cz_fn_movie_kind { CZ_FN_GRATING, CZ_FN_FLASH, CZ_FN_LOOMING, CZ_FN_NPY, CZ_FN_GRAY } cz_fn_movie_kind;

typedef struct cz_fn_movie {
  cz_fn_movie_kind kind;
  size_t T, R, C;     /* frames, rows, columns */
  double fr;          /* frames per second */
  double rp, cp, rmid, cmid;
  double *row, *col;  /* [R], [C] the ranges (degrees or pixels) */
  /* grating */
  double contrast, cpd, tf, ct, st, ph;
  size_t ngray;       /* gray frames first (grating, looming) */
  double *tt;         /* [T - ngray] the grating clock (s) of the frames after the gray ones */
  /* flash */
  double t_on, t_off, level;
  /* looming: the disc's centre (row_size / 2, col_size / 2) */
  double disc_r, disc_c;
  /* npy */
  cz_npy npy;
  bool normalize;
  double cmin, cmax;
} cz_fn_movie;

/* The movie of input block b (keys checked, the npy header read, T counted). Errors name the
 * file and the key. Owned (cz_fn_movie_free). Local. */
cz_status cz_fn_movie_open(const cz_config *cfg, const cz_cfg_block *b, cz_fn_movie *m);
/* Frame k into out (R C doubles, row-major). Local. */
cz_status cz_fn_movie_frame(cz_fn_movie *m, size_t k, double *out);
void cz_fn_movie_free(cz_fn_movie *m);

/* numpy's count of t0 + arange(n + 1) / fr with n = (t1 - t0) fr: ceil(n + 1). */
size_t cz_fn_frame_count(double t0, double t1, double fr);

#endif
