#include "base/status.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { CZ_MSG_CAP = 2048, CZ_CHAIN_CAP = 2048 };

static _Thread_local char g_msg[CZ_MSG_CAP];
static _Thread_local char g_chain[CZ_CHAIN_CAP];

cz_status cz_error_set(cz_status code, const char *file, int line, const char *func,
                       const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(g_msg, sizeof g_msg, fmt, ap);
  va_end(ap);
  snprintf(g_chain, sizeof g_chain, "  at %s:%d %s\n", file, line, func);
  return code;
}

void cz_error_trace(const char *file, int line, const char *func) {
  size_t used = strlen(g_chain);
  if (used + 1 < sizeof g_chain)
    snprintf(g_chain + used, sizeof g_chain - used, "  at %s:%d %s\n", file, line, func);
}

cz_status cz_error_prefix(cz_status code, const char *fmt, ...) {
  char old[CZ_MSG_CAP];
  memcpy(old, g_msg, sizeof old);
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(g_msg, sizeof g_msg, fmt, ap);
  va_end(ap);
  if (n >= 0 && (size_t)n + 2 < sizeof g_msg) {
    size_t used = (size_t)n;
    g_msg[used++] = ':';
    g_msg[used++] = ' ';
    size_t room = sizeof g_msg - used - 1;
    size_t len = strlen(old);
    if (len > room) len = room;
    memcpy(g_msg + used, old, len);
    g_msg[used + len] = '\0';
  }
  return code;
}

cz_status cz_error_take(cz_status code, cz_error_note *note) {
  note->code = code;
  note->msg = NULL;
  note->chain = NULL;
  if (code == CZ_OK) return code;
  note->msg = strdup(g_msg);
  note->chain = strdup(g_chain);
  return code;
}

cz_status cz_error_raise(cz_error_note *note) {
  const cz_status code = note->code;
  if (code != CZ_OK) {
    snprintf(g_msg, sizeof g_msg, "%s", note->msg ? note->msg : "(message lost: out of memory)");
    snprintf(g_chain, sizeof g_chain, "%s", note->chain ? note->chain : "");
  }
  cz_error_note_free(note);
  return code;
}

void cz_error_note_free(cz_error_note *note) {
  free(note->msg);
  free(note->chain);
  note->msg = note->chain = NULL;
  note->code = CZ_OK;
}

const char *cz_error_message(void) { return g_msg; }
const char *cz_error_chain(void) { return g_chain; }

void cz_error_clear(void) {
  g_msg[0] = '\0';
  g_chain[0] = '\0';
}

const char *cz_status_name(cz_status s) {
  switch (s) {
    case CZ_OK: return "ok";
    case CZ_ERR_NOMEM: return "out of memory";
    case CZ_ERR_IO: return "input file error";
    case CZ_ERR_FORMAT: return "input format error";
    case CZ_ERR_CONFIG: return "config error";
    case CZ_ERR_ARG: return "usage error";
    case CZ_ERR_MPI: return "MPI error";
    case CZ_ERR_HDF5: return "HDF5 error";
    case CZ_ERR_OUTPUT: return "output error";
    case CZ_ERR_INTERNAL: return "internal error";
  }
  return "unknown error";
}

int cz_status_exit_code(cz_status s) {
  switch (s) {
    case CZ_OK: return 0;
    case CZ_ERR_IO:
    case CZ_ERR_FORMAT:
    case CZ_ERR_CONFIG:
    case CZ_ERR_ARG:
    case CZ_ERR_HDF5: return 2;
    case CZ_ERR_OUTPUT: return 3;
    default: return 1;
  }
}
