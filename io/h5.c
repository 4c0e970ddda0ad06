/* The HDF5 wrapper (contract in io/h5.h): files, objects, whole-dataset reads, strings and
 * attributes. Range reads are in h5_direct.c, writing in h5_write.c.
 *
 * Every read inspects the stored type and shape first and refuses what the caller did not
 * ask for, because H5Dread converts float to int, and large unsigned to signed, without a
 * word. Failures become one message "<file>: what went wrong (HDF5: innermost message)". */
#include "io/h5.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <hdf5.h>
#if defined(CADENZA_WITH_MPI) && defined(H5_HAVE_PARALLEL)
#include <mpi.h>
#endif

#include "base/mem.h"
#include "base/str.h"
#include "io/h5_file.h"

/* ---- error text ------------------------------------------------------------------------ */

typedef struct cz_h5_err_walk {
  char first[256]; /* innermost (most specific) message */
  bool mentions_lock;
} cz_h5_err_walk;

/* HDF5's text for a failed system call spans lines and lists the time, the buffer address and
 * more ("file write failed: time = ...\n, filename = ..., errno = 28, error message = 'No space
 * left on device', buf = ..."): the message keeps what failed and the system's reason, on one
 * line. */
static void one_line_detail(const char *desc, char *out, size_t n) {
  const char *reason = strstr(desc, "error message = '");
  const char *colon = strchr(desc, ':');
  if (reason && colon && colon < reason) {
    reason += strlen("error message = '");
    const char *end = strchr(reason, '\'');
    snprintf(out, n, "%.*s: %.*s", (int)(colon - desc), desc, (int)(end ? end - reason : 80), reason);
  } else {
    snprintf(out, n, "%s", desc);
  }
  for (char *p = out; *p; p++)
    if ((unsigned char)*p < 0x20) *p = ' ';
}

static herr_t cz_h5_err_visit(unsigned n, const H5E_error2_t *err, void *data) {
  cz_h5_err_walk *w = data;
  const char *desc = err->desc ? err->desc : "";
  if (n == 0) one_line_detail(desc, w->first, sizeof w->first);
  /* "unable to lock file, errno = 11" and the like; a bare "lock" would match "superblock". */
  if (strstr(desc, "unable to lock") || strstr(desc, "file locking")) w->mentions_lock = true;
  return 0;
}

/* Reads the default error stack left by the HDF5 call that just failed. The H5E calls do
 * not clear the stack on entry, so this still sees that failure. */
static void cz_h5_last_error(cz_h5_err_walk *w) {
  memset(w, 0, sizeof *w);
  H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, cz_h5_err_visit, w);
  H5Eclear2(H5E_DEFAULT);
}

/* Records "<file>: <what> (HDF5: <detail>)" with the HDF5 detail when there is one. */
cz_status cz_h5_fail(const char *path, cz_status code, const char *fmt, ...) {
  cz_h5_err_walk w;
  cz_h5_last_error(&w);
  char what[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(what, sizeof what, fmt, ap);
  va_end(ap);
  const char *hint = w.mentions_lock
                         ? "; if the file system does not support locking (Lustre, NFS), set "
                           "HDF5_USE_FILE_LOCKING=FALSE"
                         : "";
  if (w.first[0]) return CZ_ERROR(code, "%s: %s (HDF5: %s)%s", path, what, w.first, hint);
  return CZ_ERROR(code, "%s: %s%s", path, what, hint);
}

/* Human name of a stored type, for messages ("float64", "uint32", "string"). */
static const char *cz_h5_type_name(hid_t type, char *buf, size_t n) {
  size_t size = H5Tget_size(type);
  switch (H5Tget_class(type)) {
    case H5T_INTEGER:
      snprintf(buf, n, "%sint%zu", H5Tget_sign(type) == H5T_SGN_NONE ? "u" : "", size * 8);
      return buf;
    case H5T_FLOAT: snprintf(buf, n, "float%zu", size * 8); return buf;
    case H5T_STRING: return "string";
    case H5T_ENUM: return "enum";
    case H5T_COMPOUND: return "compound";
    case H5T_ARRAY: return "array";
    case H5T_VLEN: return "variable-length sequence";
    case H5T_BITFIELD: return "bitfield";
    case H5T_OPAQUE: return "opaque";
    case H5T_REFERENCE: return "reference";
    default: return "unknown";
  }
}

/* ---- files ----------------------------------------------------------------------------- */

const char *cz_h5_version(void) {
  static char buf[64];
  unsigned maj = 0, min = 0, rel = 0;
  H5get_libversion(&maj, &min, &rel);
#ifdef H5_HAVE_PARALLEL
  const char *parallel = "yes";
#else
  const char *parallel = "no";
#endif
  snprintf(buf, sizeof buf, "%u.%u.%u (parallel: %s)", maj, min, rel, parallel);
  return buf;
}

void cz_h5_quiet(void) { H5Eset_auto2(H5E_DEFAULT, NULL, NULL); }

static cz_status cz_h5_new(const char *path, hid_t id, bool writing, cz_h5file **out) {
  cz_h5file *f = calloc(1, sizeof *f);
  cz_status st = f ? cz_strdup(path, &f->path) : CZ_ERROR(CZ_ERR_NOMEM, "out of memory opening %s", path);
  if (st != CZ_OK) {
    free(f);
    H5Fclose(id);
    return st;
  }
  f->id = id;
  f->writing = writing;
  f->dxpl = H5P_DEFAULT;
  f->fd = -1;
  *out = f;
  return CZ_OK;
}

/* The cases a user can fix without HDF5 knowledge get their own message before H5Fopen. */
static cz_status cz_h5_check_readable(const char *path) {
  struct stat sb;
  if (stat(path, &sb) != 0) {
    if (errno == ENOENT || errno == ENOTDIR) return CZ_ERROR(CZ_ERR_IO, "%s: no such file", path);
    return CZ_ERROR(CZ_ERR_IO, "%s: cannot access (%s)", path, strerror(errno));
  }
  CZ_CHECK(!S_ISDIR(sb.st_mode), CZ_ERR_IO, "%s: is a directory, expected an HDF5 file", path);
  CZ_CHECK(access(path, R_OK) == 0, CZ_ERR_IO, "%s: cannot read (%s)", path, strerror(errno));
  return CZ_OK;
}

/* Opens path read-only through the file access properties fapl. */
static cz_status cz_h5_open_with(const char *path, hid_t fapl, cz_h5file **out) {
  *out = NULL;
  cz_h5_quiet(); /* idempotent; keeps HDF5's stack dump off even if main() forgot */
  CZ_TRY(cz_h5_check_readable(path));
  hid_t id = H5Fopen(path, H5F_ACC_RDONLY, fapl);
  if (id < 0) {
    cz_h5_err_walk w;
    cz_h5_last_error(&w);
    if (w.mentions_lock)
      return CZ_ERROR(CZ_ERR_IO,
                      "%s: cannot lock the file for reading (HDF5: %s); on file systems without "
                      "locking (Lustre, NFS) set HDF5_USE_FILE_LOCKING=FALSE",
                      path, w.first);
    return CZ_ERROR(CZ_ERR_FORMAT,
                    "%s: not a readable HDF5 file (truncated or corrupt? try h5dump -H)%s%s%s", path,
                    w.first[0] ? " (HDF5: " : "", w.first, w.first[0] ? ")" : "");
  }
  CZ_TRY(cz_h5_new(path, id, false, out));
  return CZ_OK;
}

cz_status cz_h5_open_read(const char *path, cz_h5file **out) { return cz_h5_open_with(path, H5P_DEFAULT, out); }

/* Transfer properties that make every raw-data read or write of the file collective; a
 * failure is reported as code (an output error for files being written). */
static cz_status cz_h5_make_collective(cz_h5file **f, cz_status code) {
#if defined(CADENZA_WITH_MPI) && defined(H5_HAVE_PARALLEL)
  hid_t dxpl = H5Pcreate(H5P_DATASET_XFER);
  if (dxpl < 0 || H5Pset_dxpl_mpio(dxpl, H5FD_MPIO_COLLECTIVE) < 0) {
    if (dxpl >= 0) H5Pclose(dxpl);
    const char *path = cz_h5_path(*f);
    cz_status st = cz_h5_fail(path, code, "cannot set up collective transfers");
    cz_h5_close(f);
    return st;
  }
  (*f)->dxpl = dxpl;
  (*f)->parallel = true;
#else
  (void)f;
  (void)code;
#endif
  return CZ_OK;
}

cz_status cz_h5_open_read_parallel(const char *path, const void *mpi_comm, cz_h5file **out) {
  *out = NULL;
#if defined(CADENZA_WITH_MPI) && defined(H5_HAVE_PARALLEL)
  if (!mpi_comm) return cz_h5_open_read(path, out);
  hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
  if (fapl < 0 || H5Pset_fapl_mpio(fapl, *(const MPI_Comm *)mpi_comm, MPI_INFO_NULL) < 0) {
    if (fapl >= 0) H5Pclose(fapl);
    return cz_h5_fail(path, CZ_ERR_HDF5, "cannot set up parallel HDF5");
  }
  cz_status st = cz_h5_open_with(path, fapl, out);
  H5Pclose(fapl);
  CZ_TRY(st);
  return cz_h5_make_collective(out, CZ_ERR_HDF5);
#else
  (void)mpi_comm;
  return cz_h5_open_read(path, out);
#endif
}

cz_status cz_h5_create(const char *path, cz_h5file **out) {
  *out = NULL;
  cz_h5_quiet();
  hid_t id = H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  if (id < 0) return cz_h5_fail(path, CZ_ERR_OUTPUT, "cannot create HDF5 file");
  CZ_TRY(cz_h5_new(path, id, true, out));
  return CZ_OK;
}

cz_status cz_h5_open_rw(const char *path, cz_h5file **out) {
  *out = NULL;
  cz_h5_quiet();
  hid_t id = H5Fopen(path, H5F_ACC_RDWR, H5P_DEFAULT);
  if (id < 0) return cz_h5_fail(path, CZ_ERR_OUTPUT, "cannot open HDF5 file for writing");
  CZ_TRY(cz_h5_new(path, id, true, out));
  return CZ_OK;
}

cz_status cz_h5_create_parallel(const char *path, const void *mpi_comm, cz_h5file **out) {
  *out = NULL;
#if defined(CADENZA_WITH_MPI) && defined(H5_HAVE_PARALLEL)
  if (!mpi_comm) return cz_h5_create(path, out);
  cz_h5_quiet();
  hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
  if (fapl < 0 || H5Pset_fapl_mpio(fapl, *(const MPI_Comm *)mpi_comm, MPI_INFO_NULL) < 0) {
    if (fapl >= 0) H5Pclose(fapl);
    return cz_h5_fail(path, CZ_ERR_OUTPUT, "cannot set up parallel HDF5");
  }
  hid_t id = H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, fapl);
  H5Pclose(fapl);
  if (id < 0) return cz_h5_fail(path, CZ_ERR_OUTPUT, "cannot create HDF5 file");
  CZ_TRY(cz_h5_new(path, id, true, out));
  return cz_h5_make_collective(out, CZ_ERR_OUTPUT);
#else
  (void)mpi_comm;
  return cz_h5_create(path, out);
#endif
}

/* Leaves the process with its exit status before HDF5's own exit handler runs. */
static void exit_before_hdf5(int status, void *arg) {
  (void)arg;
  fflush(NULL);
  _exit(status);
}

static void register_exit_before_hdf5(void) { on_exit(exit_before_hdf5, NULL); }

/* A written file whose close failed (a full disk) stays open inside HDF5, and HDF5's exit
 * handler, flushing it again, crashes. Handlers run in the reverse order of registration, and
 * HDF5 registered its own when it started, so one registered now runs first and ends the
 * process there, with the status it was given. */
static void skip_library_teardown(void) {
  static pthread_once_t once = PTHREAD_ONCE_INIT;
  pthread_once(&once, register_exit_before_hdf5);
}

cz_status cz_h5_close(cz_h5file **f) {
  if (!f || !*f) return CZ_OK;
  cz_h5file *h = *f;
  *f = NULL;
  if (h->dxpl != H5P_DEFAULT) H5Pclose(h->dxpl);
  if (h->fd >= 0) close(h->fd);
  for (size_t i = 0; i < h->ndirect; i++) free(h->direct[i].name);
  free(h->direct);
  cz_status st = CZ_OK;
  /* A written file's data may only reach the disk here; a failure means a broken output. */
  if (H5Fclose(h->id) < 0 && h->writing) {
    st = cz_h5_fail(h->path, CZ_ERR_OUTPUT, "closing the file failed (disk full?)");
    skip_library_teardown();
  }
  free(h->path);
  free(h);
  return st;
}

const char *cz_h5_path(const cz_h5file *f) { return f ? f->path : NULL; }

/* ---- objects --------------------------------------------------------------------------- */

/* H5Lexists fails (rather than answering false) when a parent is missing, so each prefix
 * of the path is checked in turn. */
bool cz_h5_exists(cz_h5file *f, const char *path) {
  if (!f || !path) return false;
  size_t len = strlen(path);
  char *buf = malloc(len + 2);
  if (!buf) return false;
  /* Relative paths are taken from the root. */
  snprintf(buf, len + 2, "%s%s", path[0] == '/' ? "" : "/", path);
  len = strlen(buf);
  while (len > 1 && buf[len - 1] == '/') buf[--len] = '\0';
  bool ok = true;
  for (size_t i = 1; ok && i <= len; i++) {
    if (buf[i] != '/' && buf[i] != '\0') continue;
    if (buf[i - 1] == '/') continue; /* "//" or the root itself */
    char saved = buf[i];
    buf[i] = '\0';
    ok = H5Lexists(f->id, buf, H5P_DEFAULT) > 0;
    buf[i] = saved;
  }
  /* A link may dangle (soft link to nothing); the object itself must resolve too. */
  if (ok && len > 1) ok = H5Oexists_by_name(f->id, buf, H5P_DEFAULT) > 0;
  H5Eclear2(H5E_DEFAULT);
  free(buf);
  return ok;
}

static H5I_type_t cz_h5_object_type(cz_h5file *f, const char *path) {
  if (!cz_h5_exists(f, path)) return H5I_BADID;
  hid_t o = H5Oopen(f->id, path, H5P_DEFAULT);
  if (o < 0) {
    H5Eclear2(H5E_DEFAULT);
    return H5I_BADID;
  }
  H5I_type_t t = H5Iget_type(o);
  H5Oclose(o);
  return t;
}

bool cz_h5_is_group(cz_h5file *f, const char *path) { return cz_h5_object_type(f, path) == H5I_GROUP; }

bool cz_h5_is_dataset(cz_h5file *f, const char *path) {
  return cz_h5_object_type(f, path) == H5I_DATASET;
}

void cz_h5_free_names(char **names, size_t n) {
  if (!names) return;
  for (size_t i = 0; i < n; i++) free(names[i]);
  free(names);
}

/* One child name by index in name order (by index, not H5Literate, because the iterate
 * callback's info struct changed between HDF5 1.10 and 1.12). */
static cz_status cz_h5_child_name(cz_h5file *f, hid_t g, const char *group, hsize_t i, char **out) {
  ssize_t len = H5Lget_name_by_idx(g, ".", H5_INDEX_NAME, H5_ITER_INC, i, NULL, 0, H5P_DEFAULT);
  if (len < 0) return cz_h5_fail(f->path, CZ_ERR_HDF5, "cannot list group %s", group);
  char *name = malloc((size_t)len + 1);
  CZ_CHECK(name != NULL, CZ_ERR_NOMEM, "out of memory listing %s", group);
  if (H5Lget_name_by_idx(g, ".", H5_INDEX_NAME, H5_ITER_INC, i, name, (size_t)len + 1, H5P_DEFAULT) < 0) {
    free(name);
    return cz_h5_fail(f->path, CZ_ERR_HDF5, "cannot list group %s", group);
  }
  *out = name;
  return CZ_OK;
}

cz_status cz_h5_list(cz_h5file *f, const char *group, char ***names, size_t *n) {
  *names = NULL;
  *n = 0;
  CZ_CHECK(cz_h5_is_group(f, group), CZ_ERR_FORMAT, "%s: missing group %s", f->path, group);
  hid_t g = H5Gopen2(f->id, group, H5P_DEFAULT);
  if (g < 0) return cz_h5_fail(f->path, CZ_ERR_HDF5, "cannot open group %s", group);
  H5G_info_t gi;
  cz_status st = CZ_OK;
  char **out = NULL;
  size_t count = 0;
  if (H5Gget_info(g, &gi) < 0) {
    st = cz_h5_fail(f->path, CZ_ERR_HDF5, "cannot list group %s", group);
    goto done;
  }
  out = cz_calloc((size_t)gi.nlinks, sizeof *out);
  if (!out) {
    st = CZ_ERROR(CZ_ERR_NOMEM, "out of memory listing %s", group);
    goto done;
  }
  for (; count < (size_t)gi.nlinks; count++) {
    CZ_TRY_GOTO(st, cz_h5_child_name(f, g, group, count, &out[count]), done);
  }
done:
  H5Gclose(g);
  if (st != CZ_OK) {
    cz_h5_free_names(out, count);
    return st;
  }
  *names = out;
  *n = count;
  return CZ_OK;
}

/* ---- dataset inspection ---------------------------------------------------------------- */

void cz_h5_dset_close(cz_h5_dset *d) {
  if (d->space >= 0) H5Sclose(d->space);
  if (d->type >= 0) H5Tclose(d->type);
  if (d->id >= 0) H5Dclose(d->id);
  d->id = d->type = d->space = -1;
}

cz_status cz_h5_dset_open(cz_h5file *f, const char *name, cz_h5_dset *d) {
  d->id = d->type = d->space = -1;
  H5I_type_t t = cz_h5_object_type(f, name);
  CZ_CHECK(t != H5I_BADID, CZ_ERR_FORMAT, "%s: missing dataset %s", f->path, name);
  CZ_CHECK(t == H5I_DATASET, CZ_ERR_FORMAT, "%s: %s is not a dataset", f->path, name);
  d->id = H5Dopen2(f->id, name, H5P_DEFAULT);
  if (d->id >= 0) d->type = H5Dget_type(d->id);
  if (d->type >= 0) d->space = H5Dget_space(d->id);
  d->rank = d->space >= 0 ? H5Sget_simple_extent_ndims(d->space) : -1;
  if (d->rank < 0) {
    cz_status st = cz_h5_fail(f->path, CZ_ERR_HDF5, "cannot open dataset %s", name);
    cz_h5_dset_close(d);
    return st;
  }
  hsize_t dims[H5S_MAX_RANK];
  H5Sget_simple_extent_dims(d->space, dims, NULL);
  d->nelem = 1;
  for (int i = 0; i < d->rank; i++) {
    if (i < 4) d->dims[i] = dims[i];
    d->nelem *= (size_t)dims[i];
  }
  d->cls = H5Tget_class(d->type);
  return CZ_OK;
}

cz_status cz_h5_info_of(cz_h5file *f, const char *dataset, cz_h5_info *info) {
  memset(info, 0, sizeof *info);
  cz_h5_dset d;
  CZ_TRY(cz_h5_dset_open(f, dataset, &d));
  switch (d.cls) {
    case H5T_INTEGER: info->cls = H5Tget_sign(d.type) == H5T_SGN_NONE ? CZ_H5_UINT : CZ_H5_INT; break;
    case H5T_FLOAT: info->cls = CZ_H5_FLOAT; break;
    case H5T_STRING: info->cls = CZ_H5_STRING; break;
    default: info->cls = CZ_H5_OTHER; break;
  }
  info->size = (d.cls == H5T_STRING && H5Tis_variable_str(d.type) > 0) ? 0 : H5Tget_size(d.type);
  info->rank = d.rank;
  for (int i = 0; i < d.rank && i < 4; i++) info->dims[i] = d.dims[i];
  cz_h5_dset_close(&d);
  return CZ_OK;
}

static cz_status cz_h5_check_rank1(cz_h5file *f, const char *name, const cz_h5_dset *d) {
  CZ_CHECK(d->rank == 1, CZ_ERR_FORMAT, "%s: dataset %s has %d dimensions, expected 1", f->path,
           name, d->rank);
  return CZ_OK;
}

cz_status cz_h5_type_error(cz_h5file *f, const char *name, const cz_h5_dset *d,
                                  const char *expected) {
  char buf[32];
  return CZ_ERROR(CZ_ERR_FORMAT, "%s: dataset %s has type %s, expected %s", f->path, name,
                  cz_h5_type_name(d->type, buf, sizeof buf), expected);
}

/* Reads the whole dataset into buf through the memory type mem. */
static cz_status cz_h5_dset_read(cz_h5file *f, const char *name, const cz_h5_dset *d, hid_t mem, void *buf) {
  if (d->nelem == 0) return CZ_OK;
  if (H5Dread(d->id, mem, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) < 0)
    return cz_h5_fail(f->path, CZ_ERR_HDF5, "cannot read dataset %s", name);
  return CZ_OK;
}

/* ---- numeric reads --------------------------------------------------------------------- */

/* Reads an integer dataset of any width into 64-bit slots: signed data through int64,
 * unsigned through uint64, so the conversion never clips. *is_signed says which. */
static cz_status cz_h5_read_int_raw(cz_h5file *f, const char *name, int want_rank, uint64_t **out,
                                    size_t *nelem, hsize_t *dims, bool *is_signed) {
  *out = NULL;
  cz_h5_dset d;
  CZ_TRY(cz_h5_dset_open(f, name, &d));
  cz_status st = CZ_OK;
  uint64_t *buf = NULL;
  if (d.cls != H5T_INTEGER) {
    st = cz_h5_type_error(f, name, &d, "an integer");
    goto done;
  }
  if (d.rank != want_rank) {
    st = CZ_ERROR(CZ_ERR_FORMAT, "%s: dataset %s has %d dimensions, expected %d", f->path, name,
                  d.rank, want_rank);
    goto done;
  }
  *is_signed = H5Tget_sign(d.type) != H5T_SGN_NONE;
  buf = cz_calloc(d.nelem, sizeof *buf);
  if (!buf) {
    st = CZ_ERROR(CZ_ERR_NOMEM, "out of memory reading %zu values of %s from %s", d.nelem, name, f->path);
    goto done;
  }
  CZ_TRY_GOTO(st, cz_h5_dset_read(f, name, &d, *is_signed ? H5T_NATIVE_INT64 : H5T_NATIVE_UINT64, buf), done);
done:
  if (st == CZ_OK) {
    *nelem = d.nelem;
    for (int i = 0; i < want_rank; i++) dims[i] = d.dims[i];
    *out = buf;
  } else {
    free(buf);
  }
  cz_h5_dset_close(&d);
  return st;
}

/* Negative values in a signed dataset are an error for the unsigned readers. */
/* v holds entries [base, base + n) of dataset name. */
cz_status cz_h5_check_nonnegative(const cz_h5file *f, const char *name, const uint64_t *v, size_t n,
                                         size_t base) {
  const int64_t *s = (const int64_t *)v; /* signed view of the same slots */
  for (size_t i = 0; i < n; i++)
    CZ_CHECK(s[i] >= 0, CZ_ERR_FORMAT,
             "%s: dataset %s holds a negative value (%lld at index %zu), expected non-negative integers",
             f->path, name, (long long)s[i], base + i);
  return CZ_OK;
}

cz_status cz_h5_read_u64(cz_h5file *f, const char *dataset, uint64_t **out, size_t *n) {
  *out = NULL;
  *n = 0;
  size_t count = 0;
  hsize_t dims[1] = {0};
  bool is_signed = false;
  uint64_t *v;
  CZ_TRY(cz_h5_read_int_raw(f, dataset, 1, &v, &count, dims, &is_signed));
  if (is_signed) {
    cz_status st = cz_h5_check_nonnegative(f, dataset, v, count, 0);
    if (st != CZ_OK) {
      free(v);
      return st;
    }
  }
  *out = v;
  *n = count;
  return CZ_OK;
}

/* Entries [start, start + count) of an open 1-D dataset into out as mem_type; a collective read
 * (parallel file) takes part even with count 0. */
cz_status cz_h5_read_range(cz_h5file *f, const char *dataset, cz_h5_dset *d, size_t start, size_t count,
                                  hid_t mem_type, void *out) {
  if (d->rank != 1) return CZ_ERROR(CZ_ERR_FORMAT, "%s: dataset %s has %d dimensions, expected 1", f->path, dataset, d->rank);
  if (start > d->nelem || count > d->nelem - start)
    return CZ_ERROR(CZ_ERR_FORMAT, "%s: dataset %s has %zu entries, fewer than the %zu needed", f->path, dataset,
                    d->nelem, start + count);
  if (count == 0 && f->dxpl == H5P_DEFAULT) return CZ_OK;
  hsize_t off[1] = {start}, cnt[1] = {count}, one[1] = {1};
  hid_t mspace = H5Screate_simple(1, count > 0 ? cnt : one, NULL);
  bool ok = mspace >= 0;
  if (ok && count > 0) ok = H5Sselect_hyperslab(d->space, H5S_SELECT_SET, off, NULL, cnt, NULL) >= 0;
  if (ok && count == 0) ok = H5Sselect_none(d->space) >= 0 && H5Sselect_none(mspace) >= 0;
  ok = ok && H5Dread(d->id, mem_type, mspace, d->space, f->dxpl, out) >= 0;
  if (mspace >= 0) H5Sclose(mspace);
  return ok ? CZ_OK : cz_h5_fail(f->path, CZ_ERR_HDF5, "cannot read dataset %s", dataset);
}

cz_status cz_h5_read_i64(cz_h5file *f, const char *dataset, int64_t **out, size_t *n) {
  *out = NULL;
  *n = 0;
  size_t count = 0;
  hsize_t dims[1] = {0};
  bool is_signed = false;
  uint64_t *v;
  CZ_TRY(cz_h5_read_int_raw(f, dataset, 1, &v, &count, dims, &is_signed));
  for (size_t i = 0; !is_signed && i < count; i++) {
    if (v[i] > (uint64_t)INT64_MAX) {
      cz_status st = CZ_ERROR(CZ_ERR_FORMAT, "%s: dataset %s holds %llu at index %zu, too large for int64",
                              f->path, dataset, (unsigned long long)v[i], i);
      free(v);
      return st;
    }
  }
  *out = (int64_t *)v; /* same slots; every value fits */
  *n = count;
  return CZ_OK;
}

cz_status cz_h5_read_u64_pairs(cz_h5file *f, const char *dataset, uint64_t **out, size_t *rows) {
  *out = NULL;
  *rows = 0;
  size_t count = 0;
  hsize_t dims[2] = {0, 0};
  bool is_signed = false;
  uint64_t *v;
  CZ_TRY(cz_h5_read_int_raw(f, dataset, 2, &v, &count, dims, &is_signed));
  cz_status st = CZ_OK;
  if (dims[1] != 2)
    st = CZ_ERROR(CZ_ERR_FORMAT, "%s: dataset %s has shape [%llu, %llu], expected [rows, 2]", f->path,
                  dataset, (unsigned long long)dims[0], (unsigned long long)dims[1]);
  else if (is_signed)
    st = cz_h5_check_nonnegative(f, dataset, v, count, 0);
  if (st != CZ_OK) {
    free(v);
    return st;
  }
  *out = v;
  *rows = (size_t)dims[0];
  return CZ_OK;
}

/* An open [rows, 2] integer dataset, or CZ_ERR_FORMAT naming what it is instead. */
static cz_status cz_h5_check_pairs(cz_h5file *f, const char *dataset, const cz_h5_dset *d) {
  if (d->cls != H5T_INTEGER) return cz_h5_type_error(f, dataset, d, "an integer");
  CZ_CHECK(d->rank == 2 && d->dims[1] == 2, CZ_ERR_FORMAT, "%s: dataset %s has %d dimensions%s, expected [rows, 2]",
           f->path, dataset, d->rank, d->rank == 2 ? " and not 2 columns" : "");
  return CZ_OK;
}

cz_status cz_h5_pairs_rows(cz_h5file *f, const char *dataset, size_t *rows) {
  *rows = 0;
  cz_h5_dset d;
  CZ_TRY(cz_h5_dset_open(f, dataset, &d));
  cz_status st = cz_h5_check_pairs(f, dataset, &d);
  if (st == CZ_OK) *rows = (size_t)d.dims[0];
  cz_h5_dset_close(&d);
  return st;
}

cz_status cz_h5_read_u64_pairs_range(cz_h5file *f, const char *dataset, size_t row0, size_t nrows, uint64_t *out) {
  cz_h5_dset d;
  CZ_TRY(cz_h5_dset_open(f, dataset, &d));
  cz_status st = cz_h5_check_pairs(f, dataset, &d);
  if (st == CZ_OK && (row0 > d.dims[0] || nrows > d.dims[0] - row0))
    st = CZ_ERROR(CZ_ERR_FORMAT, "%s: dataset %s has %llu rows, fewer than the %zu needed", f->path, dataset,
                  (unsigned long long)d.dims[0], row0 + nrows);
  const bool is_signed = st == CZ_OK && H5Tget_sign(d.type) != H5T_SGN_NONE;
  if (st == CZ_OK && nrows > 0) {
    hsize_t off[2] = {row0, 0}, cnt[2] = {nrows, 2};
    hid_t mspace = H5Screate_simple(2, cnt, NULL);
    bool ok = mspace >= 0 && H5Sselect_hyperslab(d.space, H5S_SELECT_SET, off, NULL, cnt, NULL) >= 0 &&
              H5Dread(d.id, is_signed ? H5T_NATIVE_INT64 : H5T_NATIVE_UINT64, mspace, d.space, H5P_DEFAULT, out) >= 0;
    if (mspace >= 0) H5Sclose(mspace);
    if (!ok) st = cz_h5_fail(f->path, CZ_ERR_HDF5, "cannot read rows %zu..%zu of dataset %s", row0, row0 + nrows, dataset);
  }
  if (st == CZ_OK && is_signed) st = cz_h5_check_nonnegative(f, dataset, out, 2 * nrows, 2 * row0);
  cz_h5_dset_close(&d);
  return st;
}

/* A numeric dataset of want_rank dimensions as doubles; dims receives its shape. */
static cz_status cz_h5_read_doubles(cz_h5file *f, const char *dataset, int want_rank, double **out, hsize_t *dims) {
  *out = NULL;
  cz_h5_dset d;
  CZ_TRY(cz_h5_dset_open(f, dataset, &d));
  cz_status st = CZ_OK;
  double *buf = NULL;
  if (d.cls != H5T_FLOAT && d.cls != H5T_INTEGER) {
    st = cz_h5_type_error(f, dataset, &d, "a number");
  } else if (d.rank != want_rank) {
    st = CZ_ERROR(CZ_ERR_FORMAT, "%s: dataset %s has %d dimensions, expected %d", f->path, dataset, d.rank, want_rank);
  } else if (!(buf = cz_calloc(d.nelem ? d.nelem : 1, sizeof *buf))) {
    st = CZ_ERROR(CZ_ERR_NOMEM, "out of memory reading %zu values of %s from %s", d.nelem, dataset, f->path);
  } else {
    st = cz_h5_dset_read(f, dataset, &d, H5T_NATIVE_DOUBLE, buf);
  }
  if (st == CZ_OK) {
    *out = buf;
    for (int i = 0; i < want_rank; i++) dims[i] = d.dims[i];
  } else {
    free(buf);
  }
  cz_h5_dset_close(&d);
  return st;
}

cz_status cz_h5_read_f64_2d(cz_h5file *f, const char *dataset, double **out, size_t *rows, size_t *cols) {
  hsize_t dims[2] = {0, 0};
  *rows = *cols = 0;
  CZ_TRY(cz_h5_read_doubles(f, dataset, 2, out, dims));
  *rows = (size_t)dims[0];
  *cols = (size_t)dims[1];
  return CZ_OK;
}

cz_status cz_h5_read_f64(cz_h5file *f, const char *dataset, double **out, size_t *n) {
  hsize_t dims[1] = {0};
  *n = 0;
  CZ_TRY(cz_h5_read_doubles(f, dataset, 1, out, dims));
  *n = (size_t)dims[0];
  return CZ_OK;
}

/* ---- strings --------------------------------------------------------------------------- */

/* Copies one fixed-length string: stops at the first NUL and strips space padding. */
static cz_status cz_h5_fixed_copy(const char *src, size_t size, H5T_str_t pad, char **out) {
  size_t len = 0;
  while (len < size && src[len] != '\0') len++;
  if (pad == H5T_STR_SPACEPAD)
    while (len > 0 && src[len - 1] == ' ') len--;
  char *s = malloc(len + 1);
  CZ_CHECK(s != NULL, CZ_ERR_NOMEM, "out of memory copying a string");
  memcpy(s, src, len);
  s[len] = '\0';
  *out = s;
  return CZ_OK;
}

/* Memory type for variable-length strings in the stored character set (HDF5 will not
 * convert between ASCII and UTF-8). */
static hid_t cz_h5_vlen_mem_type(hid_t stored) {
  hid_t mem = H5Tcopy(H5T_C_S1);
  if (mem < 0) return mem;
  H5Tset_size(mem, H5T_VARIABLE);
  H5Tset_cset(mem, H5Tget_cset(stored));
  return mem;
}

static void cz_h5_vlen_free(hid_t mem, hid_t space, void *buf) {
#if H5_VERSION_GE(1, 12, 0)
  H5Treclaim(mem, space, H5P_DEFAULT, buf);
#else
  H5Dvlen_reclaim(mem, space, H5P_DEFAULT, buf);
#endif
}

/* Variable-length strings: HDF5 allocates each one; we copy and give them back. */
static cz_status cz_h5_read_vlen_strings(cz_h5file *f, const char *name, const cz_h5_dset *d, char **out) {
  char **raw = cz_calloc(d->nelem, sizeof *raw);
  CZ_CHECK(raw != NULL, CZ_ERR_NOMEM, "out of memory reading %s from %s", name, f->path);
  hid_t mem = cz_h5_vlen_mem_type(d->type);
  cz_status st = CZ_OK;
  if (mem < 0) {
    st = cz_h5_fail(f->path, CZ_ERR_HDF5, "cannot read dataset %s", name);
  } else if ((st = cz_h5_dset_read(f, name, d, mem, raw)) == CZ_OK) {
    for (size_t i = 0; i < d->nelem && st == CZ_OK; i++) st = cz_strdup(raw[i] ? raw[i] : "", &out[i]);
    if (d->nelem > 0) cz_h5_vlen_free(mem, d->space, raw);
  }
  if (mem >= 0) H5Tclose(mem);
  free(raw);
  return st;
}

static cz_status cz_h5_read_fixed_strings(cz_h5file *f, const char *name, const cz_h5_dset *d, char **out) {
  size_t size = H5Tget_size(d->type);
  char *raw = cz_calloc(d->nelem, size);
  CZ_CHECK(raw != NULL, CZ_ERR_NOMEM, "out of memory reading %s from %s", name, f->path);
  cz_status st = cz_h5_dset_read(f, name, d, d->type, raw);
  H5T_str_t pad = H5Tget_strpad(d->type);
  for (size_t i = 0; i < d->nelem && st == CZ_OK; i++) st = cz_h5_fixed_copy(raw + i * size, size, pad, &out[i]);
  free(raw);
  return st;
}

cz_status cz_h5_read_strings(cz_h5file *f, const char *dataset, char ***out, size_t *n) {
  *out = NULL;
  *n = 0;
  cz_h5_dset d;
  CZ_TRY(cz_h5_dset_open(f, dataset, &d));
  cz_status st = CZ_OK;
  char **strs = NULL;
  if (d.cls != H5T_STRING) {
    st = cz_h5_type_error(f, dataset, &d, "strings");
    goto done;
  }
  CZ_TRY_GOTO(st, cz_h5_check_rank1(f, dataset, &d), done);
  strs = cz_calloc(d.nelem, sizeof *strs);
  if (!strs) {
    st = CZ_ERROR(CZ_ERR_NOMEM, "out of memory reading %s from %s", dataset, f->path);
    goto done;
  }
  if (H5Tis_variable_str(d.type) > 0)
    CZ_TRY_GOTO(st, cz_h5_read_vlen_strings(f, dataset, &d, strs), done);
  else
    CZ_TRY_GOTO(st, cz_h5_read_fixed_strings(f, dataset, &d, strs), done);
  *out = strs;
  *n = d.nelem;
  strs = NULL;
done:
  if (strs) cz_h5_free_names(strs, d.nelem);
  cz_h5_dset_close(&d);
  return st;
}

/* ---- attributes ------------------------------------------------------------------------ */

bool cz_h5_has_attr(cz_h5file *f, const char *path, const char *attr) {
  if (!cz_h5_exists(f, path)) return false;
  htri_t r = H5Aexists_by_name(f->id, path, attr, H5P_DEFAULT);
  H5Eclear2(H5E_DEFAULT);
  return r > 0;
}

/* An open attribute with its type and element count. */
typedef struct cz_h5_attr {
  hid_t id, type, space;
  hssize_t npoints;
} cz_h5_attr;

static void cz_h5_attr_close(cz_h5_attr *a) {
  if (a->space >= 0) H5Sclose(a->space);
  if (a->type >= 0) H5Tclose(a->type);
  if (a->id >= 0) H5Aclose(a->id);
}

static cz_status cz_h5_attr_open(cz_h5file *f, const char *path, const char *attr, cz_h5_attr *a) {
  a->id = a->type = a->space = -1;
  CZ_CHECK(cz_h5_has_attr(f, path, attr), CZ_ERR_FORMAT, "%s: missing attribute %s of %s", f->path,
           attr, path);
  a->id = H5Aopen_by_name(f->id, path, attr, H5P_DEFAULT, H5P_DEFAULT);
  if (a->id >= 0) a->type = H5Aget_type(a->id);
  if (a->type >= 0) a->space = H5Aget_space(a->id);
  a->npoints = a->space >= 0 ? H5Sget_simple_extent_npoints(a->space) : -1;
  if (a->npoints < 0) {
    cz_status st = cz_h5_fail(f->path, CZ_ERR_HDF5, "cannot read attribute %s of %s", attr, path);
    cz_h5_attr_close(a);
    return st;
  }
  if (a->npoints != 1) {
    cz_h5_attr_close(a);
    return CZ_ERROR(CZ_ERR_FORMAT, "%s: attribute %s of %s has %lld values, expected one", f->path,
                    attr, path, (long long)a->npoints);
  }
  return CZ_OK;
}

static cz_status cz_h5_attr_string_value(cz_h5file *f, const char *path, const char *attr,
                                         const cz_h5_attr *a, char **out) {
  if (H5Tis_variable_str(a->type) > 0) {
    char *raw = NULL;
    hid_t mem = cz_h5_vlen_mem_type(a->type);
    if (mem < 0 || H5Aread(a->id, mem, &raw) < 0) {
      if (mem >= 0) H5Tclose(mem);
      return cz_h5_fail(f->path, CZ_ERR_HDF5, "cannot read attribute %s of %s", attr, path);
    }
    cz_status st = cz_strdup(raw ? raw : "", out);
    cz_h5_vlen_free(mem, a->space, &raw);
    H5Tclose(mem);
    return st;
  }
  size_t size = H5Tget_size(a->type);
  char *raw = cz_calloc(size + 1, 1);
  CZ_CHECK(raw != NULL, CZ_ERR_NOMEM, "out of memory reading attribute %s", attr);
  if (H5Aread(a->id, a->type, raw) < 0) {
    free(raw);
    return cz_h5_fail(f->path, CZ_ERR_HDF5, "cannot read attribute %s of %s", attr, path);
  }
  cz_status st = cz_h5_fixed_copy(raw, size, H5Tget_strpad(a->type), out);
  free(raw);
  return st;
}

/* An enum attribute's value read through its native type, named by H5Tenum_nameof. */
static cz_status cz_h5_attr_enum_name(cz_h5file *f, const char *path, const char *attr,
                                      const cz_h5_attr *a, char **out) {
  hid_t mem = H5Tget_native_type(a->type, H5T_DIR_ASCEND);
  unsigned char value[16] = {0};
  char name[256];
  bool ok = mem >= 0 && H5Tget_size(mem) <= sizeof value && H5Aread(a->id, mem, value) >= 0;
  ok = ok && H5Tenum_nameof(mem, value, name, sizeof name) >= 0;
  if (mem >= 0) H5Tclose(mem);
  if (!ok)
    return cz_h5_fail(f->path, CZ_ERR_FORMAT, "cannot read enum attribute %s of %s (value not in the enum?)",
                      attr, path);
  return cz_strdup(name, out);
}

cz_status cz_h5_read_attr_string(cz_h5file *f, const char *path, const char *attr, char **out) {
  *out = NULL;
  cz_h5_attr a;
  CZ_TRY(cz_h5_attr_open(f, path, attr, &a));
  cz_status st;
  if (H5Tget_class(a.type) != H5T_STRING) {
    char buf[32];
    st = CZ_ERROR(CZ_ERR_FORMAT, "%s: attribute %s of %s has type %s, expected a string", f->path, attr,
                  path, cz_h5_type_name(a.type, buf, sizeof buf));
  } else {
    st = cz_h5_attr_string_value(f, path, attr, &a, out);
  }
  cz_h5_attr_close(&a);
  return st;
}

cz_status cz_h5_read_attr_f64(cz_h5file *f, const char *path, const char *attr, double *out) {
  cz_h5_attr a;
  CZ_TRY(cz_h5_attr_open(f, path, attr, &a));
  cz_status st = CZ_OK;
  const H5T_class_t cls = H5Tget_class(a.type);
  if ((cls != H5T_FLOAT && cls != H5T_INTEGER) || a.npoints != 1) {
    char buf[32];
    st = CZ_ERROR(CZ_ERR_FORMAT, "%s: attribute %s of %s has type %s with %lld values, expected one number", f->path,
                  attr, path, cz_h5_type_name(a.type, buf, sizeof buf), (long long)a.npoints);
  } else if (H5Aread(a.id, H5T_NATIVE_DOUBLE, out) < 0) {
    st = cz_h5_fail(f->path, CZ_ERR_FORMAT, "cannot read attribute %s of %s", attr, path);
  }
  cz_h5_attr_close(&a);
  return st;
}

cz_status cz_h5_read_attr_text(cz_h5file *f, const char *path, const char *attr, char **out) {
  *out = NULL;
  cz_h5_attr a;
  CZ_TRY(cz_h5_attr_open(f, path, attr, &a));
  cz_status st;
  H5T_class_t cls = H5Tget_class(a.type);
  if (cls == H5T_ENUM) {
    st = cz_h5_attr_enum_name(f, path, attr, &a, out);
  } else if (cls == H5T_STRING) {
    st = cz_h5_attr_string_value(f, path, attr, &a, out);
  } else {
    char buf[32];
    st = CZ_ERROR(CZ_ERR_FORMAT, "%s: attribute %s of %s has type %s, expected a string or enum", f->path,
                  attr, path, cz_h5_type_name(a.type, buf, sizeof buf));
  }
  cz_h5_attr_close(&a);
  return st;
}

