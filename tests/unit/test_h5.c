/* Unit tests of the HDF5 wrapper (io/h5.c): round trips through the writer, the dtype and
 * shape checks that guard against HDF5's silent conversions, error classes for missing,
 * garbage and truncated files, and reads of the shared SONATA files when present. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "cz_test.h"

#include <fcntl.h>
#include <hdf5.h>
#include <math.h>
#include <pthread.h>
#include <sys/file.h>

#include "base/status.h"
#include "io/h5.h"

static void assert_message_has(const char *needle) {
  const char *msg = cz_error_message();
  if (!strstr(msg, needle)) fail_msg("message '%s' lacks '%s'", msg, needle);
}

/* ---- raw HDF5 helpers for what the writer deliberately cannot produce ------------------ */

static void raw_write(hid_t file, const char *name, hid_t stored, hid_t mem, int rank, const hsize_t *dims,
                      const void *data) {
  hid_t space = H5Screate_simple(rank, dims, NULL);
  hid_t d = H5Dcreate2(file, name, stored, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  assert_true(d >= 0);
  assert_true(H5Dwrite(d, mem, H5S_ALL, H5S_ALL, H5P_DEFAULT, data) >= 0);
  H5Dclose(d);
  H5Sclose(space);
}

/* A file with signed ints, big unsigned values, a 2-D pair table, fixed and variable-length
 * strings, an enum attribute and a space-padded fixed string attribute. */
static void make_raw_file(const char *path) {
  hid_t f = H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  assert_true(f >= 0);
  const int32_t neg[3] = {4, -1, 7};
  const int16_t small[3] = {1, 2, 3};
  const uint64_t big[2] = {1, UINT64_C(18446744073709551615)};
  const uint32_t pairs[3][2] = {{0, 1}, {2, 3}, {4, 5}};
  const float f32[2] = {1.5f, -2.25f};
  hsize_t d3 = 3, d2 = 2, dp[2] = {3, 2}, dbad[2] = {2, 3};
  raw_write(f, "neg", H5T_STD_I32LE, H5T_NATIVE_INT32, 1, &d3, neg);
  raw_write(f, "small", H5T_STD_I16BE, H5T_NATIVE_INT16, 1, &d3, small);
  raw_write(f, "big", H5T_STD_U64LE, H5T_NATIVE_UINT64, 1, &d2, big);
  raw_write(f, "pairs", H5T_STD_U32LE, H5T_NATIVE_UINT32, 2, dp, pairs);
  raw_write(f, "pairs_bad", H5T_STD_U32LE, H5T_NATIVE_UINT32, 2, dbad, pairs);
  raw_write(f, "f32", H5T_IEEE_F32LE, H5T_NATIVE_FLOAT, 1, &d2, f32);

  hid_t fixed = H5Tcopy(H5T_C_S1);
  H5Tset_size(fixed, 6);
  H5Tset_strpad(fixed, H5T_STR_NULLPAD);
  raw_write(f, "fixed", fixed, fixed, 1, &d3, "abc\0\0\0sixsix" "x\0\0\0\0\0");
  hid_t vlen = H5Tcopy(H5T_C_S1);
  H5Tset_size(vlen, H5T_VARIABLE);
  H5Tset_cset(vlen, H5T_CSET_UTF8);
  const char *words[3] = {"alpha", "", "gr\xc3\xbc\xc3\x9f"};
  raw_write(f, "vlen", vlen, vlen, 1, &d3, words);

  hid_t scalar = H5Screate(H5S_SCALAR);
  hid_t en = H5Tenum_create(H5T_STD_U8LE);
  uint8_t v0 = 0, v1 = 1, v2 = 2;
  H5Tenum_insert(en, "none", &v0);
  H5Tenum_insert(en, "by_id", &v1);
  H5Tenum_insert(en, "by_time", &v2);
  hid_t a = H5Acreate2(f, "sorting", en, scalar, H5P_DEFAULT, H5P_DEFAULT);
  H5Awrite(a, en, &v1);
  H5Aclose(a);
  hid_t padded = H5Tcopy(H5T_C_S1);
  H5Tset_size(padded, 8);
  H5Tset_strpad(padded, H5T_STR_SPACEPAD);
  a = H5Acreate2(f, "padded", padded, scalar, H5P_DEFAULT, H5P_DEFAULT);
  H5Awrite(a, padded, "ms      ");
  H5Aclose(a);
  int32_t num = 3;
  a = H5Acreate2(f, "number", H5T_STD_I32LE, scalar, H5P_DEFAULT, H5P_DEFAULT);
  H5Awrite(a, H5T_NATIVE_INT32, &num);
  H5Aclose(a);
  H5Tclose(padded);
  H5Tclose(en);
  H5Sclose(scalar);
  H5Tclose(vlen);
  H5Tclose(fixed);
  H5Fclose(f);
}

/* ---- writer round trip ----------------------------------------------------------------- */

static void test_write_read_round_trip(void **state) {
  (void)state;
  char dir[512], path[600];
  cz_test_tmpdir(dir, sizeof dir, "h5rt");
  snprintf(path, sizeof path, "%s/a.h5", dir);

  double ts[5] = {0.1, 2.5, -3.0, 1e300, 579.9000000001204};
  uint64_t ids[5] = {0, 1, UINT64_C(5000000000), 7, UINT64_MAX};
  uint32_t magic = 0x0A7A, version[2] = {0, 1};
  cz_h5file *f = NULL;
  assert_int_equal(cz_h5_create(path, &f), CZ_OK);
  assert_int_equal(cz_h5_write_attr_u32(f, "/", "magic", &magic, 1), CZ_OK);
  assert_int_equal(cz_h5_write_attr_u32(f, "/", "version", version, 2), CZ_OK);
  assert_int_equal(cz_h5_create_group(f, "/spikes/pop/deep"), CZ_OK);
  assert_int_equal(cz_h5_create_group(f, "/spikes/pop"), CZ_OK); /* already there: fine */
  assert_int_equal(cz_h5_write_f64(f, "/spikes/pop/timestamps", ts, 5, true), CZ_OK);
  assert_int_equal(cz_h5_write_u64(f, "/spikes/pop/node_ids", ids, 5, false), CZ_OK);
  assert_int_equal(cz_h5_write_u64(f, "/made/on/the/way", ids, 2, true), CZ_OK);
  assert_int_equal(cz_h5_write_f64(f, "/empty_c", NULL, 0, true), CZ_OK);
  assert_int_equal(cz_h5_write_u64(f, "/empty_u", NULL, 0, false), CZ_OK);
  assert_int_equal(cz_h5_write_attr_string(f, "/spikes/pop", "sorting", "by_id"), CZ_OK);
  assert_int_equal(cz_h5_write_attr_string(f, "/spikes/pop", "sorting", "by_time"), CZ_OK); /* replaced */
  assert_int_equal(cz_h5_write_attr_string(f, "/spikes/pop/timestamps", "units", "ms"), CZ_OK);
  assert_int_equal(cz_h5_write_u64(f, "/spikes/pop/node_ids", ids, 5, false), CZ_ERR_OUTPUT); /* exists */
  assert_int_equal(cz_h5_write_attr_string(f, "/nothing/here", "x", "y"), CZ_ERR_OUTPUT);
  assert_int_equal(cz_h5_close(&f), CZ_OK);
  assert_null(f);
  assert_int_equal(cz_h5_close(&f), CZ_OK); /* NULL accepted */

  assert_int_equal(cz_h5_open_read(path, &f), CZ_OK);
  assert_string_equal(cz_h5_path(f), path);
  double *rts;
  uint64_t *rids;
  size_t n;
  assert_int_equal(cz_h5_read_f64(f, "/spikes/pop/timestamps", &rts, &n), CZ_OK);
  assert_int_equal(n, 5);
  for (int i = 0; i < 5; i++) assert_true(rts[i] == ts[i]);
  free(rts);
  assert_int_equal(cz_h5_read_u64(f, "spikes/pop/node_ids", &rids, &n), CZ_OK); /* relative path */
  assert_int_equal(n, 5);
  for (int i = 0; i < 5; i++) assert_true(rids[i] == ids[i]);
  free(rids);
  /* ints read as doubles too */
  assert_int_equal(cz_h5_read_f64(f, "/made/on/the/way", &rts, &n), CZ_OK);
  assert_int_equal(n, 2);
  assert_true(rts[1] == 1.0);
  free(rts);
  assert_int_equal(cz_h5_read_f64(f, "/empty_c", &rts, &n), CZ_OK);
  assert_int_equal(n, 0);
  free(rts);
  assert_int_equal(cz_h5_read_u64(f, "/empty_u", &rids, &n), CZ_OK);
  assert_int_equal(n, 0);
  free(rids);

  char *s;
  assert_int_equal(cz_h5_read_attr_string(f, "/spikes/pop", "sorting", &s), CZ_OK);
  assert_string_equal(s, "by_time");
  free(s);
  assert_int_equal(cz_h5_read_attr_text(f, "/spikes/pop/timestamps", "units", &s), CZ_OK);
  assert_string_equal(s, "ms");
  free(s);
  assert_true(cz_h5_has_attr(f, "/", "magic"));
  assert_false(cz_h5_has_attr(f, "/", "nope"));
  assert_false(cz_h5_has_attr(f, "/no/such", "magic"));
  assert_int_equal(cz_h5_read_attr_string(f, "/", "magic", &s), CZ_ERR_FORMAT); /* not a string */
  assert_message_has("magic");
  assert_int_equal(cz_h5_read_attr_string(f, "/", "absent", &s), CZ_ERR_FORMAT);
  assert_message_has("absent");
  assert_int_equal(cz_h5_read_attr_text(f, "/", "version", &s), CZ_ERR_FORMAT); /* 2 values */

  cz_h5_info info;
  assert_int_equal(cz_h5_info_of(f, "/spikes/pop/timestamps", &info), CZ_OK);
  assert_int_equal(info.cls, CZ_H5_FLOAT);
  assert_int_equal(info.size, 8);
  assert_int_equal(info.rank, 1);
  assert_int_equal(info.dims[0], 5);
  assert_int_equal(cz_h5_info_of(f, "/spikes/pop/node_ids", &info), CZ_OK);
  assert_int_equal(info.cls, CZ_H5_UINT);
  assert_int_equal(cz_h5_info_of(f, "/spikes/pop", &info), CZ_ERR_FORMAT); /* a group */
  assert_int_equal(cz_h5_close(&f), CZ_OK);
}

static void test_exists_and_list(void **state) {
  (void)state;
  char dir[512], path[600];
  cz_test_tmpdir(dir, sizeof dir, "h5ls");
  snprintf(path, sizeof path, "%s/l.h5", dir);
  cz_h5file *f = NULL;
  uint64_t one = 1;
  assert_int_equal(cz_h5_create(path, &f), CZ_OK);
  assert_int_equal(cz_h5_write_u64(f, "/g/zeta", &one, 1, false), CZ_OK);
  assert_int_equal(cz_h5_write_u64(f, "/g/alpha", &one, 1, false), CZ_OK);
  assert_int_equal(cz_h5_create_group(f, "/g/mid"), CZ_OK);
  assert_int_equal(cz_h5_close(&f), CZ_OK);

  assert_int_equal(cz_h5_open_read(path, &f), CZ_OK);
  assert_true(cz_h5_exists(f, "/"));
  assert_true(cz_h5_exists(f, "/g"));
  assert_true(cz_h5_exists(f, "/g/"));
  assert_true(cz_h5_exists(f, "g/alpha"));
  assert_false(cz_h5_exists(f, "/g/beta"));
  assert_false(cz_h5_exists(f, "/missing/parent/child")); /* no HDF5 failure, just false */
  assert_false(cz_h5_exists(f, "/g/alpha/below_a_dataset"));
  assert_true(cz_h5_is_group(f, "/g"));
  assert_false(cz_h5_is_group(f, "/g/alpha"));
  assert_true(cz_h5_is_dataset(f, "/g/alpha"));
  assert_false(cz_h5_is_dataset(f, "/g/mid"));
  assert_false(cz_h5_is_dataset(f, "/nope"));

  char **names;
  size_t n;
  assert_int_equal(cz_h5_list(f, "/g", &names, &n), CZ_OK);
  assert_int_equal(n, 3);
  assert_string_equal(names[0], "alpha");
  assert_string_equal(names[1], "mid");
  assert_string_equal(names[2], "zeta");
  cz_h5_free_names(names, n);
  assert_int_equal(cz_h5_list(f, "/g/mid", &names, &n), CZ_OK);
  assert_int_equal(n, 0);
  cz_h5_free_names(names, n);
  assert_int_equal(cz_h5_list(f, "/g/alpha", &names, &n), CZ_ERR_FORMAT);
  assert_int_equal(cz_h5_list(f, "/none", &names, &n), CZ_ERR_FORMAT);
  assert_int_equal(cz_h5_close(&f), CZ_OK);
}

/* ---- type and shape checks ------------------------------------------------------------- */

static void test_float_rejected_as_integer(void **state) {
  (void)state;
  char dir[512], path[600];
  cz_test_tmpdir(dir, sizeof dir, "h5dt");
  snprintf(path, sizeof path, "%s/f.h5", dir);
  cz_h5file *f = NULL;
  double v[3] = {1.7, -2.5, 3e10};
  assert_int_equal(cz_h5_create(path, &f), CZ_OK);
  assert_int_equal(cz_h5_write_f64(f, "/nodes/x/node_type_id", v, 3, false), CZ_OK);
  assert_int_equal(cz_h5_close(&f), CZ_OK);

  assert_int_equal(cz_h5_open_read(path, &f), CZ_OK);
  uint64_t *u = NULL;
  int64_t *i = NULL;
  size_t n = 99;
  assert_int_equal(cz_h5_read_u64(f, "/nodes/x/node_type_id", &u, &n), CZ_ERR_FORMAT);
  assert_null(u);
  assert_int_equal(n, 0);
  assert_message_has(path);
  assert_message_has("dataset /nodes/x/node_type_id has type float64, expected an integer");
  assert_int_equal(cz_h5_read_i64(f, "/nodes/x/node_type_id", &i, &n), CZ_ERR_FORMAT);
  assert_int_equal(cz_h5_read_u64_pairs(f, "/nodes/x/node_type_id", &u, &n), CZ_ERR_FORMAT);
  char **s;
  assert_int_equal(cz_h5_read_strings(f, "/nodes/x/node_type_id", &s, &n), CZ_ERR_FORMAT);
  assert_message_has("float64");
  assert_int_equal(cz_h5_read_u64(f, "/nodes/x/missing", &u, &n), CZ_ERR_FORMAT);
  assert_message_has("/nodes/x/missing");
  assert_int_equal(cz_h5_read_u64(f, "/nodes/x", &u, &n), CZ_ERR_FORMAT); /* a group */
  assert_int_equal(cz_h5_close(&f), CZ_OK);
}

static void test_raw_types(void **state) {
  (void)state;
  char dir[512], path[600];
  cz_test_tmpdir(dir, sizeof dir, "h5raw");
  snprintf(path, sizeof path, "%s/raw.h5", dir);
  make_raw_file(path);
  cz_h5file *f = NULL;
  assert_int_equal(cz_h5_open_read(path, &f), CZ_OK);
  uint64_t *u;
  int64_t *i;
  double *d;
  size_t n;

  /* Negative values: fine for int64, refused for uint64. */
  assert_int_equal(cz_h5_read_u64(f, "/neg", &u, &n), CZ_ERR_FORMAT);
  assert_message_has("negative");
  assert_message_has("/neg");
  assert_int_equal(cz_h5_read_i64(f, "/neg", &i, &n), CZ_OK);
  assert_int_equal(n, 3);
  assert_true(i[1] == -1 && i[2] == 7);
  free(i);
  /* Any width and byte order. */
  assert_int_equal(cz_h5_read_u64(f, "/small", &u, &n), CZ_OK);
  assert_true(n == 3 && u[0] == 1 && u[2] == 3);
  free(u);
  /* uint64 beyond int64: kept exactly as uint64, refused as int64 (no silent clipping). */
  assert_int_equal(cz_h5_read_u64(f, "/big", &u, &n), CZ_OK);
  assert_true(u[1] == UINT64_MAX);
  free(u);
  assert_int_equal(cz_h5_read_i64(f, "/big", &i, &n), CZ_ERR_FORMAT);
  assert_message_has("too large");
  /* float32 reads as double. */
  assert_int_equal(cz_h5_read_f64(f, "/f32", &d, &n), CZ_OK);
  assert_true(n == 2 && d[0] == 1.5 && d[1] == -2.25);
  free(d);

  /* Pairs: shape [rows, 2] only. */
  assert_int_equal(cz_h5_read_u64_pairs(f, "/pairs", &u, &n), CZ_OK);
  assert_int_equal(n, 3);
  for (int k = 0; k < 6; k++) assert_true(u[k] == (uint64_t)k);
  free(u);
  assert_int_equal(cz_h5_read_u64_pairs(f, "/pairs_bad", &u, &n), CZ_ERR_FORMAT);
  assert_message_has("expected [rows, 2]");
  assert_int_equal(cz_h5_read_u64_pairs(f, "/small", &u, &n), CZ_ERR_FORMAT);
  assert_int_equal(cz_h5_read_u64(f, "/pairs", &u, &n), CZ_ERR_FORMAT);
  assert_message_has("2 dimensions");
  assert_int_equal(cz_h5_read_f64(f, "/pairs", &d, &n), CZ_ERR_FORMAT);

  /* Strings, fixed (padding stripped) and variable length (UTF-8 kept). */
  char **s;
  assert_int_equal(cz_h5_read_strings(f, "/fixed", &s, &n), CZ_OK);
  assert_int_equal(n, 3);
  assert_string_equal(s[0], "abc");
  assert_string_equal(s[1], "sixsix");
  assert_string_equal(s[2], "x");
  cz_h5_free_names(s, n);
  assert_int_equal(cz_h5_read_strings(f, "/vlen", &s, &n), CZ_OK);
  assert_int_equal(n, 3);
  assert_string_equal(s[0], "alpha");
  assert_string_equal(s[1], "");
  assert_string_equal(s[2], "gr\xc3\xbc\xc3\x9f");
  cz_h5_free_names(s, n);
  assert_int_equal(cz_h5_read_u64(f, "/vlen", &u, &n), CZ_ERR_FORMAT);
  assert_message_has("has type string, expected an integer");
  assert_int_equal(cz_h5_read_f64(f, "/fixed", &d, &n), CZ_ERR_FORMAT);

  cz_h5_info info;
  assert_int_equal(cz_h5_info_of(f, "/vlen", &info), CZ_OK);
  assert_int_equal(info.cls, CZ_H5_STRING);
  assert_int_equal(info.size, 0);
  assert_int_equal(cz_h5_info_of(f, "/fixed", &info), CZ_OK);
  assert_int_equal(info.size, 6);
  assert_int_equal(cz_h5_info_of(f, "/pairs", &info), CZ_OK);
  assert_true(info.rank == 2 && info.dims[0] == 3 && info.dims[1] == 2);
  assert_int_equal(cz_h5_info_of(f, "/neg", &info), CZ_OK);
  assert_true(info.cls == CZ_H5_INT && info.size == 4);

  /* Attributes: enum as text, space-padded fixed string, numbers refused. */
  char *t;
  assert_int_equal(cz_h5_read_attr_text(f, "/", "sorting", &t), CZ_OK);
  assert_string_equal(t, "by_id");
  free(t);
  assert_int_equal(cz_h5_read_attr_string(f, "/", "sorting", &t), CZ_ERR_FORMAT);
  assert_message_has("enum");
  assert_int_equal(cz_h5_read_attr_string(f, "/", "padded", &t), CZ_OK);
  assert_string_equal(t, "ms");
  free(t);
  assert_int_equal(cz_h5_read_attr_text(f, "/", "number", &t), CZ_ERR_FORMAT);
  assert_message_has("int32");
  assert_int_equal(cz_h5_close(&f), CZ_OK);
}

/* ---- range reads: direct (pread) and through HDF5 give the same values, on any thread -- */

enum { RANGE_N = 5000 };

static void range_write(hid_t file, const char *name, hid_t stored, hid_t dcpl, const void *data, hid_t mem) {
  hsize_t dims = RANGE_N;
  hid_t space = H5Screate_simple(1, &dims, NULL);
  hid_t d = H5Dcreate2(file, name, stored, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
  assert_true(d >= 0);
  if (data) assert_true(H5Dwrite(d, mem, H5S_ALL, H5S_ALL, H5P_DEFAULT, data) >= 0);
  H5Dclose(d);
  H5Sclose(space);
}

/* Entry i of every integer dataset is i * 7919 mod 65521 (fits 16 bits); of the float ones
 * i / 8 - 100 (exact in float32). */
static uint64_t range_int(size_t i) { return (uint64_t)(i * 7919 % 65521); }
static double range_float(size_t i) { return (double)i / 8.0 - 100.0; }

/* The same values as u8 (low byte), u16, u32, i32, u64, i64, big-endian u32, chunked and
 * compressed u32, f32 and f64, an unwritten dataset (fill value 0), and u64 in another file
 * behind an external link. userblock: the file starts with a user block of that many bytes
 * (0: none). */
static void make_range_file(const char *path, hsize_t userblock) {
  hid_t fcpl = H5Pcreate(H5P_FILE_CREATE);
  if (userblock) H5Pset_userblock(fcpl, userblock);
  hid_t f = H5Fcreate(path, H5F_ACC_TRUNC, fcpl, H5P_DEFAULT);
  assert_true(f >= 0);
  H5Pclose(fcpl);
  uint64_t *u = malloc(RANGE_N * sizeof *u);
  uint8_t *b = malloc(RANGE_N);
  double *x = malloc(RANGE_N * sizeof *x);
  for (size_t i = 0; i < RANGE_N; i++) {
    u[i] = range_int(i);
    b[i] = (uint8_t)u[i];
    x[i] = range_float(i);
  }
  range_write(f, "u8", H5T_STD_U8LE, H5P_DEFAULT, b, H5T_NATIVE_UINT8);
  range_write(f, "u16", H5T_STD_U16LE, H5P_DEFAULT, u, H5T_NATIVE_UINT64);
  range_write(f, "u32", H5T_STD_U32LE, H5P_DEFAULT, u, H5T_NATIVE_UINT64);
  range_write(f, "i32", H5T_STD_I32LE, H5P_DEFAULT, u, H5T_NATIVE_UINT64);
  range_write(f, "u64", H5T_STD_U64LE, H5P_DEFAULT, u, H5T_NATIVE_UINT64);
  range_write(f, "i64", H5T_STD_I64LE, H5P_DEFAULT, u, H5T_NATIVE_UINT64);
  range_write(f, "u32be", H5T_STD_U32BE, H5P_DEFAULT, u, H5T_NATIVE_UINT64);
  hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
  hsize_t chunk = 700;
  H5Pset_chunk(dcpl, 1, &chunk);
  H5Pset_deflate(dcpl, 4);
  range_write(f, "u32gz", H5T_STD_U32LE, dcpl, u, H5T_NATIVE_UINT64);
  H5Pclose(dcpl);
  range_write(f, "f32", H5T_IEEE_F32LE, H5P_DEFAULT, x, H5T_NATIVE_DOUBLE);
  range_write(f, "f64", H5T_IEEE_F64LE, H5P_DEFAULT, x, H5T_NATIVE_DOUBLE);
  range_write(f, "unwritten", H5T_STD_U32LE, H5P_DEFAULT, NULL, 0);
  int64_t neg[RANGE_N];
  for (size_t i = 0; i < RANGE_N; i++) neg[i] = i == 4321 ? -5 : (int64_t)i;
  range_write(f, "neg", H5T_STD_I32LE, H5P_DEFAULT, neg, H5T_NATIVE_INT64);
  /* "linked": the u64 values of another file (whose own offset means nothing in this one) */
  char other[700];
  snprintf(other, sizeof other, "%s.other", path);
  hid_t g = H5Fcreate(other, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  assert_true(g >= 0);
  uint8_t pad[4096] = {0}; /* so that the linked dataset's offset differs from any here */
  hsize_t npad = sizeof pad;
  hid_t sp = H5Screate_simple(1, &npad, NULL);
  hid_t dp = H5Dcreate2(g, "pad", H5T_STD_U8LE, sp, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  H5Dwrite(dp, H5T_NATIVE_UINT8, H5S_ALL, H5S_ALL, H5P_DEFAULT, pad);
  H5Dclose(dp);
  H5Sclose(sp);
  range_write(g, "u64", H5T_STD_U64LE, H5P_DEFAULT, u, H5T_NATIVE_UINT64);
  H5Fclose(g);
  assert_true(H5Lcreate_external(other, "/u64", f, "linked", H5P_DEFAULT, H5P_DEFAULT) >= 0);
  free(u);
  free(b);
  free(x);
  H5Fclose(f);
}

static const char *const range_ints[] = {"u8",  "u16",   "u32",   "i32",       "u64",
                                         "i64", "u32be", "u32gz", "unwritten", "linked"};
static const char *const range_floats[] = {"f32", "f64", "u32"};

/* Checks the ranges [a, a + m) of every dataset for a spread of a and m; returns the number
 * of wrong entries (0 expected) so that threads can run it. */
static size_t range_check_all(cz_h5file *f) {
  size_t wrong = 0;
  uint64_t *u = malloc(RANGE_N * sizeof *u);
  double *x = malloc(RANGE_N * sizeof *x);
  for (size_t a = 0; a < RANGE_N; a += 617)
    for (size_t m = 0; a + m <= RANGE_N; m = m * 3 + 1) {
      for (size_t k = 0; k < sizeof range_ints / sizeof *range_ints; k++) {
        if (cz_h5_read_u64_range(f, range_ints[k], a, m, u) != CZ_OK) return wrong + 1;
        for (size_t i = 0; i < m; i++) {
          const uint64_t want = strcmp(range_ints[k], "unwritten") == 0 ? 0
                                : strcmp(range_ints[k], "u8") == 0   ? (uint8_t)range_int(a + i)
                                                                      : range_int(a + i);
          wrong += u[i] != want;
        }
      }
      for (size_t k = 0; k < sizeof range_floats / sizeof *range_floats; k++) {
        if (cz_h5_read_f64_range(f, range_floats[k], a, m, x) != CZ_OK) return wrong + 1;
        for (size_t i = 0; i < m; i++)
          wrong += x[i] != (strcmp(range_floats[k], "u32") == 0 ? (double)range_int(a + i) : range_float(a + i));
      }
    }
  free(u);
  free(x);
  return wrong;
}

typedef struct range_job {
  cz_h5file *f;
  size_t wrong;
} range_job;

static void *range_thread(void *arg) {
  range_job *j = arg;
  j->wrong = range_check_all(j->f);
  return NULL;
}

static void test_range_reads(void **state) {
  (void)state;
  char dir[512], path[600];
  cz_test_tmpdir(dir, sizeof dir, "h5range");
  for (int ub = 0; ub < 2; ub++) {
    snprintf(path, sizeof path, "%s/range%d.h5", dir, ub);
    make_range_file(path, ub ? 512 : 0);
    cz_h5file *f = NULL;
    assert_int_equal(cz_h5_open_read(path, &f), CZ_OK);
    assert_int_equal(range_check_all(f), 0);
    /* Four threads at once, the HDF5 reads among them taking turns. */
    pthread_t th[4];
    range_job jobs[4];
    for (int t = 0; t < 4; t++) {
      jobs[t] = (range_job){f, 1};
      assert_int_equal(pthread_create(&th[t], NULL, range_thread, &jobs[t]), 0);
    }
    for (int t = 0; t < 4; t++) {
      pthread_join(th[t], NULL);
      assert_int_equal(jobs[t].wrong, 0);
    }
    /* A negative entry is named by its index in the dataset, not in the range. */
    uint64_t u[100];
    assert_int_equal(cz_h5_read_u64_range(f, "neg", 4300, 100, u), CZ_ERR_FORMAT);
    assert_message_has("-5 at index 4321");
    assert_int_equal(cz_h5_read_u64_range(f, "neg", 4000, 100, u), CZ_OK);
    assert_true(u[99] == 4099);
    /* Past the end, and the wrong class. */
    assert_int_equal(cz_h5_read_u64_range(f, "u64", RANGE_N - 10, 11, u), CZ_ERR_FORMAT);
    assert_message_has("fewer than the 5001 needed");
    assert_int_equal(cz_h5_read_u64_range(f, "f64", 0, 10, u), CZ_ERR_FORMAT);
    assert_message_has("expected an integer");
    assert_int_equal(cz_h5_read_u64_range(f, "nothing", 0, 10, u), CZ_ERR_FORMAT);
    assert_message_has("missing dataset nothing");
    assert_int_equal(cz_h5_close(&f), CZ_OK);
    unlink(path);
    char other[700];
    snprintf(other, sizeof other, "%s.other", path);
    unlink(other);
  }
  rmdir(dir);
}

/* A dataset written in pieces: contiguous (read by pread once written) or chunked and
 * compressed (read through HDF5); both read back what was written, piece by piece. */
static void test_datasets_in_pieces(void **state) {
  (void)state;
  char dir[512], path[600];
  cz_test_tmpdir(dir, sizeof dir, "h5pieces");
  snprintf(path, sizeof path, "%s/pieces.h5", dir);
  enum { M = 10000, CHUNK = 1000 };
  uint32_t *v = malloc(M * sizeof *v);
  assert_non_null(v);
  for (size_t i = 0; i < M; i++) v[i] = (uint32_t)(i * 2654435761u);
  assert_int_equal(cz_h5_elem_size(CZ_H5_ELEM_U16), 2);
  assert_int_equal(cz_h5_elem_size(CZ_H5_ELEM_U32), 4);
  assert_int_equal(cz_h5_elem_size(CZ_H5_ELEM_F64), 8);
  cz_h5file *f = NULL;
  assert_int_equal(cz_h5_create(path, &f), CZ_OK);
  assert_int_equal(cz_h5_create_1d(f, "/plain/x", CZ_H5_ELEM_U32, M), CZ_OK);
  assert_int_equal(cz_h5_create_1d_chunked(f, "/packed/x", CZ_H5_ELEM_U32, M, CHUNK, true), CZ_OK);
  for (size_t at = 0; at < M; at += 3 * CHUNK / 2) {
    const size_t n = M - at < 3 * CHUNK / 2 ? M - at : 3 * CHUNK / 2;
    assert_int_equal(cz_h5_write_1d_at(f, "/plain/x", CZ_H5_ELEM_U32, at, n, v + at), CZ_OK);
    assert_int_equal(cz_h5_write_1d_at(f, "/packed/x", CZ_H5_ELEM_U32, at, n, v + at), CZ_OK);
  }
  assert_int_equal(cz_h5_close(&f), CZ_OK);
  assert_int_equal(cz_h5_open_read(path, &f), CZ_OK);
  assert_true(cz_h5_reads_directly(f, "/plain/x"));
  assert_false(cz_h5_reads_directly(f, "/packed/x"));
  uint64_t *a = malloc(M * sizeof *a), *b = malloc(M * sizeof *b);
  assert_true(a && b);
  assert_int_equal(cz_h5_read_u64_range(f, "/plain/x", 0, M, a), CZ_OK);
  assert_int_equal(cz_h5_read_u64_range(f, "/packed/x", 0, M, b), CZ_OK);
  for (size_t i = 0; i < M; i++) assert_true(a[i] == v[i] && b[i] == v[i]);
  assert_int_equal(cz_h5_close(&f), CZ_OK);
  free(a);
  free(b);
  free(v);
  unlink(path);
  rmdir(dir);
}

/* ---- bad files ------------------------------------------------------------------------- */

static void test_missing_file(void **state) {
  (void)state;
  cz_h5file *f = (cz_h5file *)1;
  assert_int_equal(cz_h5_open_read("/nonexistent/dir/file.h5", &f), CZ_ERR_IO);
  assert_null(f);
  assert_message_has("/nonexistent/dir/file.h5: no such file");
  char dir[512];
  cz_test_tmpdir(dir, sizeof dir, "h5dir");
  assert_int_equal(cz_h5_open_read(dir, &f), CZ_ERR_IO); /* a folder */
  assert_message_has("directory");
}

static void test_garbage_file(void **state) {
  (void)state;
  char dir[512], path[600];
  cz_test_tmpdir(dir, sizeof dir, "h5bad");
  cz_test_write(path, sizeof path, dir, "x.h5", "timestamps population node_ids\n1.0 a 0\n");
  cz_h5file *f = NULL;
  assert_int_equal(cz_h5_open_read(path, &f), CZ_ERR_FORMAT);
  assert_null(f);
  assert_message_has(path);
  assert_message_has("not a readable HDF5 file");
  assert_message_has("h5dump -H");
  cz_test_write(path, sizeof path, dir, "empty.h5", "");
  assert_int_equal(cz_h5_open_read(path, &f), CZ_ERR_FORMAT);
}

static void test_truncated_file(void **state) {
  (void)state;
  char dir[512], path[600];
  cz_test_tmpdir(dir, sizeof dir, "h5trunc");
  snprintf(path, sizeof path, "%s/t.h5", dir);
  enum { N = 20000 };
  static double v[N];
  for (int k = 0; k < N; k++) v[k] = k * 0.5;
  cz_h5file *f = NULL;
  assert_int_equal(cz_h5_create(path, &f), CZ_OK);
  assert_int_equal(cz_h5_write_f64(f, "/a/b", v, N, false), CZ_OK);
  assert_int_equal(cz_h5_close(&f), CZ_OK);
  struct stat sb;
  assert_int_equal(stat(path, &sb), 0);
  assert_int_equal(truncate(path, sb.st_size / 2), 0);
  assert_int_equal(cz_h5_open_read(path, &f), CZ_ERR_FORMAT);
  assert_null(f);
  assert_message_has("truncated or corrupt");
}

/* A file locked by another writer (here: our own flock on a second descriptor, as a
 * running simulation would hold it) gives the HDF5_USE_FILE_LOCKING hint. */
static void test_lock_hint(void **state) {
  (void)state;
  const char *env = getenv("HDF5_USE_FILE_LOCKING");
  if (env && strcmp(env, "FALSE") == 0) skip();
  char dir[512], path[600];
  cz_test_tmpdir(dir, sizeof dir, "h5lock");
  snprintf(path, sizeof path, "%s/l.h5", dir);
  cz_h5file *f = NULL;
  assert_int_equal(cz_h5_create(path, &f), CZ_OK);
  assert_int_equal(cz_h5_close(&f), CZ_OK);
  int fd = open(path, O_RDWR);
  assert_true(fd >= 0);
  assert_int_equal(flock(fd, LOCK_EX), 0);
  cz_status st = cz_h5_open_read(path, &f);
  close(fd);
  assert_int_equal(st, CZ_ERR_IO);
  assert_message_has("HDF5_USE_FILE_LOCKING=FALSE");
  assert_int_equal(cz_h5_open_read(path, &f), CZ_OK); /* lock gone */
  assert_int_equal(cz_h5_close(&f), CZ_OK);
}

static void test_create_in_missing_dir(void **state) {
  (void)state;
  cz_h5file *f = NULL;
  assert_int_equal(cz_h5_create("/nonexistent/dir/out.h5", &f), CZ_ERR_OUTPUT);
  assert_null(f);
  assert_message_has("/nonexistent/dir/out.h5");
}

/* ---- shared SONATA files --------------------------------------------------------------- */

static void test_real_bmtk_spikes(void **state) {
  (void)state;
  char path[1024];
  CZ_TEST_DATA_PATH(path, "bmtk-tests/integration_tests/point_120cells/expected/spikes.h5");
  cz_h5file *f = NULL;
  assert_int_equal(cz_h5_open_read(path, &f), CZ_OK);
  char **names;
  size_t n;
  assert_int_equal(cz_h5_list(f, "/spikes", &names, &n), CZ_OK);
  assert_int_equal(n, 1);
  assert_string_equal(names[0], "cortex");
  cz_h5_free_names(names, n);
  uint64_t *ids; /* stored as uint32 */
  double *ts;
  size_t nt;
  assert_int_equal(cz_h5_read_u64(f, "/spikes/cortex/node_ids", &ids, &n), CZ_OK);
  assert_int_equal(cz_h5_read_f64(f, "/spikes/cortex/timestamps", &ts, &nt), CZ_OK);
  assert_int_equal(n, 1512);
  assert_int_equal(nt, 1512);
  for (size_t k = 0; k < n; k++) assert_true(ids[k] < 120 && isfinite(ts[k]));
  for (size_t k = 1; k < n; k++) assert_true(ts[k - 1] <= ts[k]); /* by_time */
  free(ids);
  free(ts);
  char *s;
  assert_int_equal(cz_h5_read_attr_text(f, "/spikes/cortex", "sorting", &s), CZ_OK);
  assert_string_equal(s, "by_time");
  free(s);
  assert_int_equal(cz_h5_read_attr_string(f, "/spikes/cortex/timestamps", "units", &s), CZ_OK);
  assert_string_equal(s, "ms");
  free(s);
  assert_int_equal(cz_h5_read_strings(f, "/spikes/cortex/node_ids", &names, &n), CZ_ERR_FORMAT);
  assert_message_has("uint32");
  assert_int_equal(cz_h5_close(&f), CZ_OK);
}

static void test_real_libsonata_enum(void **state) {
  (void)state;
  char path[1024];
  CZ_TEST_DATA_PATH(path, "libsonata/tests_data/spikes.h5");
  cz_h5file *f = NULL;
  assert_int_equal(cz_h5_open_read(path, &f), CZ_OK);
  char *s;
  assert_int_equal(cz_h5_read_attr_text(f, "/spikes/All", "sorting", &s), CZ_OK);
  assert_string_equal(s, "by_time");
  free(s);
  assert_int_equal(cz_h5_read_attr_text(f, "/spikes/empty", "sorting", &s), CZ_OK);
  assert_string_equal(s, "by_id");
  free(s);
  uint64_t *ids;
  size_t n;
  assert_int_equal(cz_h5_read_u64(f, "/spikes/All/node_ids", &ids, &n), CZ_OK);
  assert_int_equal(n, 5);
  assert_true(ids[0] == 5 && ids[1] == 2 && ids[4] == 3);
  free(ids);
  assert_int_equal(cz_h5_read_u64(f, "/spikes/empty/node_ids", &ids, &n), CZ_OK);
  assert_int_equal(n, 0);
  free(ids);
  assert_int_equal(cz_h5_close(&f), CZ_OK);
}

static void test_real_pysonata_files(void **state) {
  (void)state;
  char path[1024];
  CZ_TEST_DATA_PATH(path, "sonata/pysonata_test_files/spikes.old.h5");
  cz_h5file *f = NULL;
  assert_int_equal(cz_h5_open_read(path, &f), CZ_OK);
  uint64_t *ids;
  size_t n;
  assert_int_equal(cz_h5_read_u64(f, "/spikes/gids", &ids, &n), CZ_OK); /* chunked, unlimited */
  assert_int_equal(n, 124);
  free(ids);
  char *s;
  assert_int_equal(cz_h5_read_attr_text(f, "/spikes", "sorting", &s), CZ_OK); /* UTF-8 vlen */
  assert_string_equal(s, "time");
  free(s);
  assert_int_equal(cz_h5_close(&f), CZ_OK);

  CZ_TEST_DATA_PATH(path, "sonata/pysonata_test_files/spikes.one_pop.h5");
  assert_int_equal(cz_h5_open_read(path, &f), CZ_OK);
  assert_true(cz_h5_is_group(f, "/spikes/v1"));
  double *ts;
  assert_int_equal(cz_h5_read_f64(f, "/spikes/v1/timestamps", &ts, &n), CZ_OK);
  assert_int_equal(n, 124);
  assert_true(ts[0] == 136.6);
  free(ts);
  assert_int_equal(cz_h5_close(&f), CZ_OK);
}

int main(void) {
  cz_h5_quiet();
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_write_read_round_trip),
      cmocka_unit_test(test_exists_and_list),
      cmocka_unit_test(test_float_rejected_as_integer),
      cmocka_unit_test(test_raw_types),
      cmocka_unit_test(test_range_reads),
      cmocka_unit_test(test_datasets_in_pieces),
      cmocka_unit_test(test_missing_file),
      cmocka_unit_test(test_garbage_file),
      cmocka_unit_test(test_truncated_file),
      cmocka_unit_test(test_lock_hint),
      cmocka_unit_test(test_create_in_missing_dir),
      cmocka_unit_test(test_real_bmtk_spikes),
      cmocka_unit_test(test_real_libsonata_enum),
      cmocka_unit_test(test_real_pysonata_files),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
