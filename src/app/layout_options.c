#include "app/layout_options.h"

#include <stdlib.h>
#include <string.h>

#include "base/str.h"

/* A switch that is 0 or 1; unset leaves *v. */
static cz_status flag_env(const char *name, bool *v) {
  const char *s = getenv(name);
  if (!s) return CZ_OK;
  CZ_CHECK(strcmp(s, "0") == 0 || strcmp(s, "1") == 0, CZ_ERR_CONFIG, "environment variable %s=%s: use 0 or 1", name,
           s);
  *v = s[0] == '1';
  return CZ_OK;
}

/* A count of 1 or more; unset leaves *v. */
static cz_status count_env(const char *name, uint64_t *v) {
  const char *s = getenv(name);
  if (!s) return CZ_OK;
  long long x = 0;
  CZ_CHECK(cz_parse_int64(s, &x) && x > 0, CZ_ERR_CONFIG, "environment variable %s=%s: use a whole number >= 1",
           name, s);
  *v = (uint64_t)x;
  return CZ_OK;
}

static cz_status index_env(const char *name, cz_source_index *v) {
  const char *s = getenv(name);
  if (!s) return CZ_OK;
  if (strcmp(s, "dense") == 0) *v = CZ_SOURCE_INDEX_DENSE;
  else if (strcmp(s, "sparse") == 0) *v = CZ_SOURCE_INDEX_SPARSE;
  else return CZ_ERROR(CZ_ERR_CONFIG, "environment variable %s=%s: use dense or sparse", name, s);
  return CZ_OK;
}

cz_status cz_layout_options_from_env(cz_layout_options *out) {
  cz_layout_options o = {cz_net_layout_default(), 0};
  CZ_TRY(flag_env("CADENZA_WEIGHT_CODES", &o.net.weight_codes));
  CZ_TRY(flag_env("CADENZA_PACKED_TARGETS", &o.net.packed_targets));
  CZ_TRY(flag_env("CADENZA_FILL_GROUPED", &o.net.fill_grouped));
  CZ_TRY(flag_env("CADENZA_EDGE_THREADS", &o.net.edge_threads));
  CZ_TRY(count_env("CADENZA_EDGE_BATCH", &o.net.edge_batch));
  CZ_TRY(index_env("CADENZA_SOURCE_INDEX", &o.net.source_index));
  CZ_TRY(count_env("CADENZA_PARTITION_PAIRS", &o.partition_pairs));
  *out = o;
  return CZ_OK;
}
