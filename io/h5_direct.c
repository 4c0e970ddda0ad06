/* Range reads of the HDF5 wrapper (io/h5.h), the direct path.
 *
 * Edge files are read range by range, by several threads at once, and HDF5 (as Debian builds
 * it) serves one thread at a time. A range of a contiguous dataset is a plain byte range of
 * the file, so for those datasets the range reads ask HDF5 once where the entries lie and
 * then pread(2) them, on any number of threads, widening integers and floats by hand (the
 * only conversion they need: little-endian to this little-endian machine). Every other
 * dataset (chunked, compressed, external, big-endian, in a file with a user block, or opened
 * by all ranks for collective reads) goes through H5Dread under g_h5_lock. The lock also
 * guards each file's table of datasets. Only the range reads are safe on several threads;
 * every other call is for one thread at a time. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

#include "base/str.h"
#include "io/h5.h"
#include "io/h5_file.h"

static pthread_mutex_t g_h5_lock = PTHREAD_MUTEX_INITIALIZER;

/* Whether dataset d lies in f's own file (an external link leads elsewhere). */
static bool cz_h5_same_file(const cz_h5file *f, const cz_h5_dset *d) {
  const hid_t fid = H5Iget_file_id(d->id);
  if (fid < 0) return false;
  char mine[4096], theirs[4096];
  const ssize_t a = H5Fget_name(f->id, mine, sizeof mine), b = H5Fget_name(fid, theirs, sizeof theirs);
  H5Fclose(fid);
  return a > 0 && b > 0 && (size_t)a < sizeof mine && (size_t)b < sizeof theirs && strcmp(mine, theirs) == 0;
}

/* Whether d, open in f, can be read with pread: fills x. */
static void cz_h5_direct_probe(cz_h5file *f, const cz_h5_dset *d, cz_h5_direct *x) {
  x->direct = false;
  x->rank = d->rank;
  x->nelem = d->nelem;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  if (f->writing || f->parallel || d->rank != 1 || (d->cls != H5T_INTEGER && d->cls != H5T_FLOAT)) return;
  if (H5Tget_order(d->type) != H5T_ORDER_LE) return;
  const size_t width = H5Tget_size(d->type);
  x->is_float = d->cls == H5T_FLOAT;
  if (x->is_float ? !(H5Tequal(d->type, H5T_IEEE_F64LE) > 0 || H5Tequal(d->type, H5T_IEEE_F32LE) > 0)
                  : !(width == 1 || width == 2 || width == 4 || width == 8))
    return;
  x->is_signed = !x->is_float && H5Tget_sign(d->type) != H5T_SGN_NONE;
  x->width = (unsigned)width;
  if (!cz_h5_same_file(f, d)) return; /* reached through an external link */
  hid_t dcpl = H5Dget_create_plist(d->id), fcpl = H5Fget_create_plist(f->id);
  hsize_t userblock = 1;
  const bool plain = dcpl >= 0 && fcpl >= 0 && H5Pget_layout(dcpl) == H5D_CONTIGUOUS &&
                     H5Pget_external_count(dcpl) == 0 && H5Pget_userblock(fcpl, &userblock) >= 0 && userblock == 0;
  if (dcpl >= 0) H5Pclose(dcpl);
  if (fcpl >= 0) H5Pclose(fcpl);
  const haddr_t addr = plain ? H5Dget_offset(d->id) : HADDR_UNDEF;
  H5Eclear2(H5E_DEFAULT); /* an unallocated dataset has no offset: not an error */
  if (addr == HADDR_UNDEF) return;
  x->offset = (off_t)addr;
  x->direct = true;
#else
  (void)f;
  (void)d;
#endif
}

/* The entry of dataset name in f's table (added on first use). Call with g_h5_lock held. */
static cz_status cz_h5_direct_of(cz_h5file *f, const char *name, const cz_h5_direct **out) {
  for (size_t i = 0; i < f->ndirect; i++)
    if (strcmp(f->direct[i].name, name) == 0) {
      *out = &f->direct[i];
      return CZ_OK;
    }
  if (f->ndirect == f->cap_direct) {
    const size_t cap = f->cap_direct ? 2 * f->cap_direct : 16;
    cz_h5_direct *grown = realloc(f->direct, cap * sizeof *grown);
    CZ_CHECK(grown, CZ_ERR_NOMEM, "out of memory");
    f->direct = grown;
    f->cap_direct = cap;
  }
  cz_h5_direct x = {0};
  cz_h5_dset d;
  CZ_TRY(cz_h5_dset_open(f, name, &d));
  cz_h5_direct_probe(f, &d, &x);
  cz_h5_dset_close(&d);
  if (x.direct && f->fd < 0 && (f->fd = open(f->path, O_RDONLY | O_CLOEXEC)) < 0) x.direct = false;
  CZ_TRY(cz_strdup(name, &x.name));
  f->direct[f->ndirect] = x;
  *out = &f->direct[f->ndirect++];
  return CZ_OK;
}

/* Reads n bytes at offset of f's descriptor into buf. */
static cz_status cz_h5_pread_all(const cz_h5file *f, const char *name, void *buf, size_t n, off_t offset) {
  char *p = buf;
  while (n > 0) {
    const ssize_t got = pread(f->fd, p, n, offset);
    if (got < 0 && errno == EINTR) continue;
    CZ_CHECK(got > 0, CZ_ERR_IO, "%s: reading dataset %s failed (%s)", f->path, name,
             got < 0 ? strerror(errno) : "the file is shorter than its datasets");
    p += got;
    n -= (size_t)got;
    offset += got;
  }
  return CZ_OK;
}

/* Widening in place. The count entries of `width` bytes are stored at the end of out's count
 * 8-byte slots; slots are written in blocks of WIDEN_BLOCK entries, each block's entries copied
 * out first. Writing slots [0, i) never reaches an entry j >= i (stored at count * (8 - width)
 * + j * width >= 8 j), so no entry is overwritten before it is read, and each block's loop, free
 * of that overlap, vectorises. */
enum { WIDEN_BLOCK = 256 };

#define CZ_H5_WIDEN(name, in_t, out_t)                                          \
  static void name(void *buf, size_t count) {                                   \
    out_t *out = buf;                                                           \
    const unsigned char *in = (const unsigned char *)buf + count * (8 - sizeof(in_t)); \
    in_t block[WIDEN_BLOCK];                                                    \
    for (size_t i = 0; i < count; i += WIDEN_BLOCK) {                           \
      const size_t b = count - i < WIDEN_BLOCK ? count - i : WIDEN_BLOCK;       \
      memcpy(block, in + i * sizeof(in_t), b * sizeof(in_t));                   \
      for (size_t j = 0; j < b; j++) out[i + j] = (out_t)block[j];              \
    }                                                                           \
  }

CZ_H5_WIDEN(cz_h5_widen_u8, uint8_t, uint64_t)
CZ_H5_WIDEN(cz_h5_widen_i8, int8_t, int64_t)
CZ_H5_WIDEN(cz_h5_widen_u16, uint16_t, uint64_t)
CZ_H5_WIDEN(cz_h5_widen_i16, int16_t, int64_t)
CZ_H5_WIDEN(cz_h5_widen_u32, uint32_t, uint64_t)
CZ_H5_WIDEN(cz_h5_widen_i32, int32_t, int64_t)
CZ_H5_WIDEN(cz_h5_widen_float, float, double)

/* Widens integers of width 1, 2 or 4 bytes to 64 bits (signed ones by sign extension). */
static void cz_h5_widen_int(uint64_t *out, size_t count, unsigned width, bool is_signed) {
  switch (width) {
    case 1: is_signed ? cz_h5_widen_i8(out, count) : cz_h5_widen_u8(out, count); break;
    case 2: is_signed ? cz_h5_widen_i16(out, count) : cz_h5_widen_u16(out, count); break;
    case 4: is_signed ? cz_h5_widen_i32(out, count) : cz_h5_widen_u32(out, count); break;
    default: break;
  }
}

/* Reads entries [start, start + count) of x by pread into out's count 8-byte slots. */
static cz_status cz_h5_direct_read(const cz_h5file *f, const cz_h5_direct *x, size_t start, size_t count, void *out) {
  char *tail = (char *)out + count * (8 - x->width);
  CZ_TRY(cz_h5_pread_all(f, x->name, tail, count * x->width, x->offset + (off_t)(start * x->width)));
  if (x->is_float && x->width == 4) cz_h5_widen_float(out, count);
  else if (!x->is_float && x->width < 8) cz_h5_widen_int(out, count, x->width, x->is_signed);
  return CZ_OK;
}

static cz_status cz_h5_check_range(const cz_h5file *f, const char *dataset, int rank, size_t nelem, size_t start,
                                   size_t count) {
  CZ_CHECK(rank == 1, CZ_ERR_FORMAT, "%s: dataset %s has %d dimensions, expected 1", f->path, dataset, rank);
  CZ_CHECK(start <= nelem && count <= nelem - start, CZ_ERR_FORMAT,
           "%s: dataset %s has %zu entries, fewer than the %zu needed", f->path, dataset, nelem, start + count);
  return CZ_OK;
}

/* The HDF5 read of an integer range, as uint64 (signed entries checked non-negative). */
static cz_status cz_h5_read_u64_range_hdf5(cz_h5file *f, const char *dataset, size_t start, size_t count,
                                           uint64_t *out) {
  cz_h5_dset d;
  CZ_TRY(cz_h5_dset_open(f, dataset, &d));
  cz_status st = CZ_OK;
  if (d.cls != H5T_INTEGER) {
    st = cz_h5_type_error(f, dataset, &d, "an integer");
  } else {
    const bool is_signed = H5Tget_sign(d.type) != H5T_SGN_NONE;
    st = cz_h5_read_range(f, dataset, &d, start, count, is_signed ? H5T_NATIVE_INT64 : H5T_NATIVE_UINT64, out);
    if (st == CZ_OK && is_signed) st = cz_h5_check_nonnegative(f, dataset, out, count, start);
  }
  cz_h5_dset_close(&d);
  return st;
}

static cz_status cz_h5_read_f64_range_hdf5(cz_h5file *f, const char *dataset, size_t start, size_t count,
                                           double *out) {
  cz_h5_dset d;
  CZ_TRY(cz_h5_dset_open(f, dataset, &d));
  cz_status st = d.cls == H5T_INTEGER || d.cls == H5T_FLOAT
                     ? cz_h5_read_range(f, dataset, &d, start, count, H5T_NATIVE_DOUBLE, out)
                     : cz_h5_type_error(f, dataset, &d, "a number");
  cz_h5_dset_close(&d);
  return st;
}

/* A range read through HDF5 (called with g_h5_lock held). */
typedef cz_status (*cz_h5_range_fn)(cz_h5file *f, const char *dataset, size_t start, size_t count, void *out);

static cz_status cz_h5_u64_hdf5(cz_h5file *f, const char *dataset, size_t start, size_t count, void *out) {
  return cz_h5_read_u64_range_hdf5(f, dataset, start, count, out);
}

static cz_status cz_h5_f64_hdf5(cz_h5file *f, const char *dataset, size_t start, size_t count, void *out) {
  return cz_h5_read_f64_range_hdf5(f, dataset, start, count, out);
}

/* Looks the dataset up under the lock; reads the range directly once unlocked, or through
 * hdf5_read while still holding it. */
static cz_status cz_h5_range_read(cz_h5file *f, const char *dataset, size_t start, size_t count, bool want_float,
                                  void *out, cz_h5_range_fn hdf5_read) {
  pthread_mutex_lock(&g_h5_lock);
  const cz_h5_direct *x = NULL;
  cz_status st = f->dxpl == H5P_DEFAULT ? cz_h5_direct_of(f, dataset, &x) : CZ_OK;
  /* an integer dataset read as doubles converts through HDF5 */
  const bool direct = st == CZ_OK && x && x->direct && x->is_float == want_float;
  cz_h5_direct copy = direct ? *x : (cz_h5_direct){0}; /* the table may grow once unlocked */
  if (st == CZ_OK && !direct) st = hdf5_read(f, dataset, start, count, out);
  pthread_mutex_unlock(&g_h5_lock);
  if (st != CZ_OK || !direct) return st;
  CZ_TRY(cz_h5_check_range(f, dataset, copy.rank, copy.nelem, start, count));
  CZ_TRY(cz_h5_direct_read(f, &copy, start, count, out));
  if (copy.is_signed) CZ_TRY(cz_h5_check_nonnegative(f, dataset, out, count, start));
  return CZ_OK;
}

bool cz_h5_reads_directly(cz_h5file *f, const char *dataset) {
  pthread_mutex_lock(&g_h5_lock);
  const cz_h5_direct *x = NULL;
  const bool direct = f->dxpl == H5P_DEFAULT && cz_h5_direct_of(f, dataset, &x) == CZ_OK && x->direct;
  pthread_mutex_unlock(&g_h5_lock);
  if (!direct) cz_error_clear();
  return direct;
}

cz_status cz_h5_read_u64_range(cz_h5file *f, const char *dataset, size_t start, size_t count, uint64_t *out) {
  return cz_h5_range_read(f, dataset, start, count, false, out, cz_h5_u64_hdf5);
}

cz_status cz_h5_read_f64_range(cz_h5file *f, const char *dataset, size_t start, size_t count, double *out) {
  return cz_h5_range_read(f, dataset, start, count, true, out, cz_h5_f64_hdf5);
}

