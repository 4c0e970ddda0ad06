/* Hand-made NWB 2 files for the ecephys_probe tests (tests/unit/test_ecephys.c and
 * tests/tools/nwb_units.c): datasets written with libhdf5 as pynwb lays out a DynamicTable
 * (an id dataset and one dataset per column; a ragged column C as C plus C_index, each row's
 * exclusive end), with the intermediate groups created on the way. Each helper returns 0 on
 * success. Header-only: the tests include it once. */
#ifndef CZ_TESTS_NWB2_FIXTURE_H
#define CZ_TESTS_NWB2_FIXTURE_H

#include <stddef.h>
#include <stdint.h>

#include <hdf5.h>

static inline hid_t nwb2_create(const char *path) {
  H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
  return H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
}

static inline int nwb2_close(hid_t f) { return H5Fclose(f) < 0; }

/* A 1-D dataset of n elements of stored type `stored`, written from memory type `mem`. */
static inline int nwb2_dataset(hid_t f, const char *path, hid_t stored, hid_t mem, const void *data, size_t n) {
  hsize_t dims[1] = {(hsize_t)n};
  hid_t space = H5Screate_simple(1, dims, NULL);
  hid_t lcpl = H5Pcreate(H5P_LINK_CREATE);
  H5Pset_create_intermediate_group(lcpl, 1);
  hid_t d = H5Dcreate2(f, path, stored, space, lcpl, H5P_DEFAULT, H5P_DEFAULT);
  int bad = d < 0 || (n > 0 && H5Dwrite(d, mem, H5S_ALL, H5S_ALL, H5P_DEFAULT, data) < 0);
  if (d >= 0) H5Dclose(d);
  H5Pclose(lcpl);
  H5Sclose(space);
  return bad;
}

static inline int nwb2_i64(hid_t f, const char *path, const int64_t *v, size_t n) {
  return nwb2_dataset(f, path, H5T_STD_I64LE, H5T_NATIVE_INT64, v, n);
}
static inline int nwb2_u64(hid_t f, const char *path, const uint64_t *v, size_t n) {
  return nwb2_dataset(f, path, H5T_STD_U64LE, H5T_NATIVE_UINT64, v, n);
}
static inline int nwb2_f64(hid_t f, const char *path, const double *v, size_t n) {
  return nwb2_dataset(f, path, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, v, n);
}
/* Variable-length UTF-8 strings, as h5py writes str columns. */
static inline int nwb2_text(hid_t f, const char *path, const char *const *v, size_t n) {
  hid_t t = H5Tcopy(H5T_C_S1);
  H5Tset_size(t, H5T_VARIABLE);
  H5Tset_cset(t, H5T_CSET_UTF8);
  int bad = nwb2_dataset(f, path, t, t, v, n);
  H5Tclose(t);
  return bad;
}

#endif
