#include "bionet/cell_frame.h"

#include <math.h>
#include <string.h>

void cz_cell_frame_rotation(double ax, double ay, double az, double R[9]) {
  const double cx = cos(ax), sx = sin(ax), cy = cos(ay), sy = sin(ay), cz = cos(az), sz = sin(az);
  const double Rx[9] = {1, 0, 0, 0, cx, -sx, 0, sx, cx}, Ry[9] = {cy, 0, sy, 0, 1, 0, -sy, 0, cy},
               Rz[9] = {cz, -sz, 0, sz, cz, 0, 0, 0, 1};
  double T[9];
  for (int i = 0; i < 3; i++)
    for (int j = 0; j < 3; j++) T[3 * i + j] = Rx[3 * i] * Ry[j] + Rx[3 * i + 1] * Ry[3 + j] + Rx[3 * i + 2] * Ry[6 + j];
  for (int i = 0; i < 3; i++)
    for (int j = 0; j < 3; j++) R[3 * i + j] = T[3 * i] * Rz[j] + T[3 * i + 1] * Rz[3 + j] + T[3 * i + 2] * Rz[6 + j];
}

static double attr_num(const cz_node_pop *p, size_t row, const char *key) {
  const cz_value v = cz_circuit_node_attr(p, row, key);
  return v.kind == CZ_VAL_NUM && isfinite(v.num) ? v.num : 0.0;
}

void cz_cell_frame_of(const cz_node_pop *np, size_t row, const double soma_centre[3], cz_cell_frame *f) {
  cz_cell_frame_rotation(attr_num(np, row, "rotation_angle_xaxis"), attr_num(np, row, "rotation_angle_yaxis"),
           attr_num(np, row, "rotation_angle_zaxis"), f->R);
  memcpy(f->centre, soma_centre, sizeof f->centre);
  f->at[0] = attr_num(np, row, "x");
  f->at[1] = attr_num(np, row, "y");
  f->at[2] = attr_num(np, row, "z");
}

void cz_cell_frame_place(const cz_cell_frame *f, const double p[3], double out[3]) {
  const double q[3] = {p[0] - f->centre[0], p[1] - f->centre[1], p[2] - f->centre[2]};
  for (int i = 0; i < 3; i++) out[i] = f->R[3 * i] * q[0] + f->R[3 * i + 1] * q[1] + f->R[3 * i + 2] * q[2] + f->at[i];
}

cz_status cz_cell_frame_each_centre(const cz_node_pop *np, size_t row, const cz_bio_cells *cells, size_t cell,
                                    cz_centre_fn fn, void *ctx) {
  CZ_CHECK(cells->shape, CZ_ERR_INTERNAL, "cell %zu was built without its shape", cell);
  const cz_seg_shape *sh = &cells->shape[cell];
  const cz_cell_nodes *map = &cells->map[cell];
  cz_cell_frame fr;
  cz_cell_frame_of(np, row, sh->soma_centre, &fr);
  size_t i = 0;
  for (size_t s = 0; s < map->nsec; s++)
    for (uint32_t q = 0; q < map->nseg[s]; q++, i++) {
      double p[3];
      cz_cell_frame_place(&fr, &sh->pc[3 * i], p);
      CZ_TRY(fn(ctx, p, (uint32_t)cz_cell_centre(map, s, q)));
    }
  return CZ_OK;
}
