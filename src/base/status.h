/* Status codes and the error message chain.
 *
 * Every fallible function returns a cz_status. The first failure records one message
 * (what went wrong, naming the file and the key or dataset); each caller that passes
 * the failure up with CZ_TRY appends its "file:line func" frame, so a debug build can
 * print where the error travelled. The message lives in thread-local storage: a
 * thread that fails inside an OpenMP region keeps its own text. */
#ifndef CZ_BASE_STATUS_H
#define CZ_BASE_STATUS_H

#include <stddef.h>

typedef enum cz_status {
  CZ_OK = 0,
  CZ_ERR_NOMEM,    /* allocation failed */
  CZ_ERR_IO,       /* an input file is missing or unreadable */
  CZ_ERR_FORMAT,   /* an input file has the wrong layout, dtype or content */
  CZ_ERR_CONFIG,   /* the simulation config is malformed or inconsistent */
  CZ_ERR_ARG,      /* bad command-line usage */
  CZ_ERR_MPI,      /* an MPI call failed */
  CZ_ERR_HDF5,     /* an HDF5 call failed while reading */
  CZ_ERR_OUTPUT,   /* writing an output file or folder failed */
  CZ_ERR_INTERNAL  /* a bug */
} cz_status;

/* Records the first message of a failure (replacing any older one) and returns code.
 * Thread-safe (thread-local). */
cz_status cz_error_set(cz_status code, const char *file, int line, const char *func,
                       const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* Appends a "file:line func" frame to the current failure's chain. Thread-safe. */
void cz_error_trace(const char *file, int line, const char *func);

/* Prefixes the current message with "prefix: ", to add context such as a file name.
 * Returns code. Thread-safe. */
cz_status cz_error_prefix(cz_status code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The current message (borrowed; empty when none) and its frame chain (borrowed). */
const char *cz_error_message(void);
const char *cz_error_chain(void);
void cz_error_clear(void);

/* A failure carried from the thread that raised it to another: take it on the failing thread
 * (a copy of its message and chain, code kept even when the copy fails), raise it again on the
 * thread that reports it (which frees the note). Both return the code. */
typedef struct cz_error_note {
  cz_status code;
  char *msg, *chain;
} cz_error_note;
cz_status cz_error_take(cz_status code, cz_error_note *note);
cz_status cz_error_raise(cz_error_note *note);
void cz_error_note_free(cz_error_note *note);

/* Human name of a status ("config error", ...). */
const char *cz_status_name(cz_status s);

/* Process exit code for a status: 0 ok, 2 bad input or usage, 3 output I/O, 1 otherwise. */
int cz_status_exit_code(cz_status s);

#define CZ_ERROR(code, ...) cz_error_set((code), __FILE__, __LINE__, __func__, __VA_ARGS__)

/* Returns from the calling function with a message when cond is false. On in every build. */
#define CZ_CHECK(cond, code, ...)                                                   \
  do {                                                                              \
    if (!(cond)) return cz_error_set((code), __FILE__, __LINE__, __func__, __VA_ARGS__); \
  } while (0)

/* Evaluates a cz_status expression; on failure adds this frame and returns the status. */
#define CZ_TRY(expr)                                        \
  do {                                                      \
    cz_status cz_try_s_ = (expr);                           \
    if (cz_try_s_ != CZ_OK) {                               \
      cz_error_trace(__FILE__, __LINE__, __func__);         \
      return cz_try_s_;                                     \
    }                                                       \
  } while (0)

/* Like CZ_TRY but jumps to a cleanup label, storing the status in st. */
#define CZ_TRY_GOTO(st, expr, label)                        \
  do {                                                      \
    (st) = (expr);                                          \
    if ((st) != CZ_OK) {                                    \
      cz_error_trace(__FILE__, __LINE__, __func__);         \
      goto label;                                           \
    }                                                       \
  } while (0)

#ifndef NDEBUG
#include <assert.h>
#define CZ_ASSERT(x) assert(x)
#else
#define CZ_ASSERT(x) ((void)0)
#endif

#endif
