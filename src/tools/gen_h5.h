/* Writing a generated 1-D dataset in order, piece by piece, when its length is known up front:
 * the appender buffers one chunk of values at a time and writes each full chunk, so that a
 * generator never holds the whole array. The dataset is chunked, with byte shuffle and gzip
 * when compressed (io/h5.h, cz_h5_create_1d_chunked). Close every appender before its file. */
#ifndef CZ_TOOLS_GEN_H5_H
#define CZ_TOOLS_GEN_H5_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/status.h"
#include "io/h5.h"

typedef struct cz_gen_appender cz_gen_appender;

/* Creates dataset path (parents too) of n values of type in f (borrowed; it must outlive the
 * appender). The values passed to cz_gen_append are the matching C type (uint16_t, uint32_t,
 * uint64_t, double). Failures are CZ_ERR_OUTPUT. Owned (*out). Local. */
cz_status cz_gen_appender_open(cz_h5file *f, const char *path, cz_h5_elem type, uint64_t n, bool compress,
                               cz_gen_appender **out);
/* Appends count values; more than n in all is CZ_ERR_INTERNAL. */
cz_status cz_gen_append(cz_gen_appender *a, const void *data, size_t count);
/* Writes what is buffered and frees the appender; fewer than n values appended is
 * CZ_ERR_INTERNAL (the dataset would hold zeros). Always frees; accepts NULL. */
cz_status cz_gen_appender_close(cz_gen_appender **a);

#endif
