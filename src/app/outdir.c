#include "app/outdir.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/str.h"

static cz_status config_copy_path(const cz_config *cfg, char **out) {
  return cz_path_join(cfg->output_dir, cz_path_basename(cfg->path), out);
}

/* Whether the copy would land on the config file itself (output_dir is the config's folder):
 * then there is nothing to copy, and the user's file must not be replaced. */
static bool copy_is_the_config(const cz_config *cfg, const char *copy) {
  char a[PATH_MAX], b[PATH_MAX];
  return realpath(cfg->path, a) && realpath(copy, b) && strcmp(a, b) == 0;
}

cz_status cz_outdir_check(const cz_config *cfg) {
  if (!cz_path_exists(cfg->output_dir)) return CZ_OK;
  CZ_CHECK(cz_path_is_dir(cfg->output_dir), CZ_ERR_OUTPUT, "output.output_dir %s exists and is not a folder",
           cfg->output_dir);
  if (cfg->overwrite_output_dir) return CZ_OK;
  char *copy = NULL;
  CZ_TRY(config_copy_path(cfg, &copy));
  const char *files[] = {cfg->spikes_file, cfg->spikes_file_csv, cfg->log_file,
                         copy_is_the_config(cfg, copy) ? NULL : copy};
  for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
    if (files[i] && cz_path_exists(files[i])) {
      cz_status st = CZ_ERROR(CZ_ERR_OUTPUT,
                              "output file %s already exists; set output.overwrite_output_dir to true to replace it, "
                              "or choose another folder with --output-dir",
                              files[i]);
      free(copy);
      return st;
    }
  }
  free(copy);
  return CZ_OK;
}

cz_status cz_outdir_prepare(const cz_config *cfg) {
  CZ_TRY(cz_path_make_dirs(cfg->output_dir));
  char *marker = NULL;
  CZ_TRY(cz_path_join(cfg->output_dir, ".cadenza-output", &marker));
  FILE *f = fopen(marker, "w");
  free(marker);
  CZ_CHECK(f != NULL, CZ_ERR_OUTPUT, "cannot write into output folder %s: %s", cfg->output_dir, strerror(errno));
  fputs("This folder holds the outputs of a Cadenza run.\n", f);
  CZ_CHECK(fclose(f) == 0, CZ_ERR_OUTPUT, "cannot write into output folder %s", cfg->output_dir);
  return CZ_OK;
}

cz_status cz_outdir_write_config(const cz_config *cfg) {
  char *path = NULL, *part = NULL, *text = NULL;
  CZ_TRY(config_copy_path(cfg, &path));
  if (copy_is_the_config(cfg, path)) {
    free(path);
    return CZ_OK;
  }
  cz_status st = cz_asprintf(&part, "%s.part", path);
  if (st == CZ_OK) st = cz_cfg_dump(cfg, &text);
  if (st == CZ_OK) {
    FILE *f = fopen(part, "w");
    if (!f) {
      st = CZ_ERROR(CZ_ERR_OUTPUT, "cannot write %s: %s", part, strerror(errno));
    } else {
      bool ok = fputs(text, f) >= 0 && fputc('\n', f) != EOF;
      ok = (fclose(f) == 0) && ok;
      if (!ok || rename(part, path) != 0) {
        st = CZ_ERROR(CZ_ERR_OUTPUT, "cannot write %s: %s", path, strerror(errno));
        remove(part);
      }
    }
  }
  free(text);
  free(part);
  free(path);
  return st;
}
