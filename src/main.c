/* cadenza: command line entry point.
 *
 *   cadenza run CONFIG|FOLDER [options]  simulate a SONATA simulation folder (also: cadenza CONFIG)
 *   cadenza generate brunel [options] DIR   write the bundled Brunel example folder
 *   cadenza partition CONFIG --ranks N -o FILE  precompute a placement
 *   cadenza compare EXPECTED ACTUAL [options]  compare two spike files
 *   cadenza check CONFIG [--ranks N]   validate a folder, listing every error
 *   cadenza dry-run --ranks R --rank r CONFIG|hpc   build one rank's share alone, report its memory
 *   cadenza plot raster|rates|report FILE [options]   SVG pictures of spikes and reports
 *   cadenza stats CONFIG [options] | stats ks DIR...   spike statistics of a run; KS distances
 *   cadenza create-environment [options] pointnet|bionet DIR  a simulation folder for a network
 *   cadenza help [COMMAND], cadenza COMMAND --help|-h   usage
 *
 * Exit codes: 0 success, 1 internal error, 2 bad input or usage, 3 output I/O error. */
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#include "app/check_cmd.h"
#include "app/compare_cmd.h"
#include "app/create_env.h"
#include "app/dry_run.h"
#include "app/partition_cmd.h"
#include "app/plot_cmd.h"
#include "app/stats_cmd.h"
#include "app/run.h"
#include "base/log.h"
#include "base/str.h"
#include "comm/comm.h"
#include "io/h5.h"
#include "tools/bionet_net.h"
#include "tools/brunel.h"
#include "tools/hpc.h"
#include "tools/microcircuit.h"

/* The usage of each command: `cadenza help CMD`, `cadenza CMD --help` and `cadenza CMD -h`
 * print its entry; `cadenza help` and `cadenza --help` print them all. */
typedef struct usage_entry {
  const char *cmd, *text;
} usage_entry;

static const usage_entry k_usage[] = {
    {"run",
     "  cadenza run CONFIG.json|FOLDER [options]   run a SONATA simulation (BMTK PointNet, BioNet, FilterNet\n"
     "                                       or PopNet semantics)\n"
     "  cadenza CONFIG.json [options]        same as run\n"
     "      A FOLDER runs FOLDER/config.json, else FOLDER/simulation_config.json.\n"
     "    --tstop MS            override run.tstop\n"
     "    --dt MS               override run.dt\n"
     "    -o, --output-dir DIR  override output.output_dir\n"
     "    -t, --threads N       OpenMP threads (default: OMP_NUM_THREADS, else run.n_thread, else 1;\n"
     "                          at most 4 per available core)\n"
     "    --seed N              seed of the Poisson inputs that name no seed of their own (default 1);\n"
     "                          spike files, clamps and the static network draw no random numbers;\n"
     "                          FilterNet: numpy's global seed of the LGN spikes (default 1)\n"
     "    --partition METHOD    place neurons on MPI ranks: metis (default), round-robin, block,\n"
     "                          or a partition FILE written by cadenza partition\n"
     "    --progress            progress lines, even when the config sets quiet_simulator\n"
     "    --no-progress         no progress lines\n"
     "    -v, --verbose         print the full timer table at the end (always in timers.json)\n"
     "    --log-all-ranks       every rank also writes its own log file (log.rank<R>.txt beside log_file)\n"
     "    --nrn-units legacy|modern  NEURON's unit constants for detailed cells (default: run.nrn_units,\n"
     "                          else modern, NEURON 8's; legacy: NEURON 7's)\n"
     "    -q, --quiet           log warnings and errors only\n"},
    {"generate",
     "  cadenza generate brunel [options] DIR  write the Brunel example network folder\n"
     "    --neurons N (10000)  --g G (5)  --eta E (2)  --J MV (0.1)  --epsilon P (0.1)  --delay MS (1.5)\n"
     "    --tstop MS (1000)  --dt MS (0.1)  --seed N (1)  --synapse delta|alpha (delta)  --overwrite\n"
     "  cadenza generate microcircuit [--scale S (0.1)] [--poisson] [--tstop MS] [--dt MS] [--seed N] [--overwrite] DIR\n"
     "                                       the Potjans-Diesmann cortical microcircuit (any scale in (0, 1];\n"
     "                                       DC drive, or --poisson trains; under mpirun every rank writes its share)\n"
     "  cadenza generate hpc [--scale S (1)] [--stdp] [--tstop MS] [--dt MS] [--seed N] [--overwrite] DIR\n"
     "                                       NEST's HPC benchmark (11250 S neurons, 11250 synapses each)\n"
     "  cadenza generate bionet --components DIR [--cells N (450)] [--hh] [--tstop MS (3000)] [--dt MS] [--seed N] [--overwrite] DIR\n"
     "                                       a BioNet benchmark like the guide's 450-node example: Allen perisomatic\n"
     "                                       and IntFire1 cells, Poisson-driven virtual inputs (DIR of --components:\n"
     "                                       BMTK's bio_components folder); --hh: hh somas on passive cells, no\n"
     "                                       IntFire1, a network NEURON runs without the Allen channels\n"},
    {"partition", "  cadenza partition CONFIG.json --ranks N [--method metis|round-robin|block] -o FILE\n"
                  "                                       precompute a placement of the neurons on N ranks\n"},
    {"check", "  cadenza check CONFIG.json [--ranks N] [-o DIR] [--dump-geometry]\n"
              "                                       validate a folder without simulating; lists every error;\n"
              "                                       --dump-geometry prints every detailed cell's sections and\n"
              "                                       segments (nseg, L, area, ri, diam)\n"},
    {"dry-run",
     "  cadenza dry-run --ranks R --rank r [--threads T (1)] [--partition block|round-robin|FILE] [--json]\n"
     "        (CONFIG.json|FOLDER | hpc [--scale S (1)] [--seed N (1)] [--stdp] [--work DIR])\n"
     "                                       one process builds rank r's share of an R-rank run (from the\n"
     "                                       files, or hpc: drawn from the generator) and reports its tables'\n"
     "                                       bytes and its peak memory; the send lists are estimated\n"},
    {"plot",
     "  cadenza plot raster|rates SPIKES [--population P] [--config C [--node-set S]] [--tmin MS] [--tmax MS] [-o F.svg]\n"
     "                                       (rates: every node at its rate, silent ones at 0 Hz; the window ends\n"
     "                                       at run.tstop of --config, else at the run's end that timers.json\n"
     "                                       beside SPIKES records, else at the last spike)\n"
     "  cadenza plot report REPORT.h5 --node ID [--population P] [-o F.svg]   a node's trace\n"
     "  cadenza plot scaling ROWS.jsonl [--metric time|efficiency] [-o F.svg]   a scaling study (perf/scaling.sh)\n"
     "  cadenza plot rates RATES [-o F.svg]   a PopNet or FilterNet rates file over time, per population\n"
     "  cadenza plot fields CONFIG [-o F.svg]   a FilterNet movie's first frame with the receptive fields\n"},
    {"stats",
     "  cadenza stats CONFIG.json [--spikes F] [--group-by ATTR (pop_name)] [--tmin MS] [--tmax MS] [--bin MS (2)]\n"
     "        [--cc-neurons N (50)] [--seed S] [-o DIR] [--overwrite]   per group of neurons: rates, ISI CVs and\n"
     "                                       count correlations (rates.json, spike_cvs.json, spike_ccs.json)\n"
     "  cadenza stats ks DIR... [--reference DIR...] [--check]   KS distances between such folders and\n"
     "                                       whether ours stay within the reference's spread\n"},
    {"create-environment",
     "  cadenza create-environment [options] pointnet|bionet|popnet|filternet DIR   a simulation folder for a network folder\n"
     "    -n NETWORK_DIR, -c COMPONENTS_DIR, -o OUTPUT_DIR, --tstop MS, --dt MS (popnet: s), --report-vars [POP:]VAR,...,\n"
     "    --report-nodes ID,..., --iclamp AMP,DELAY,DUR, --spikes-inputs POP:FILE,..., --rates-inputs POP:FILE,...\n"
     "    (popnet), --network-filter TEXT, --config-file NAME, --split-configs, --run-script NAME, --overwrite\n"},
    {"compare",
     "  cadenza compare EXPECTED ACTUAL [--tolerance MS] [--tmin MS] [--tmax MS] [--allow-extra-after MS [--max-extra N]] [-q]\n"
     "                                       compare two spike files (h5 or csv), or two rates files (PopNet's,\n"
     "                                       FilterNet's rates.csv; tolerance in Hz); exit 0 when they match,\n"
     "                                       1 when they differ\n"},
    {"help", "  cadenza help [COMMAND]               this text, or one command's\n"
             "  cadenza --help | --version\n"},
};

enum { N_USAGE = sizeof k_usage / sizeof k_usage[0] };

static const usage_entry *usage_of(const char *cmd) {
  for (int i = 0; cmd && i < N_USAGE; i++)
    if (strcmp(k_usage[i].cmd, cmd) == 0) return &k_usage[i];
  return NULL;
}

static void print_usage(FILE *out, const char *cmd) {
  const usage_entry *e = usage_of(cmd);
  fputs("Usage:\n", out);
  for (int i = 0; i < N_USAGE; i++)
    if (!e || e == &k_usage[i]) fputs(k_usage[i].text, out);
  fputs("\nExit codes: 0 ok, 1 internal error, 2 bad input or usage, 3 output error.\n", out);
}

/* `cadenza help [CMD]`: 0, or 2 for a command that does not exist. */
static int help_command(int argc, char **argv) {
  if (argc < 3) {
    print_usage(stdout, NULL);
    return 0;
  }
  if (usage_of(argv[2])) {
    print_usage(stdout, argv[2]);
    return 0;
  }
  fprintf(stderr, "cadenza: error: help: no command '%s' (see cadenza help)\n", argv[2]);
  return 2;
}

static bool asks_for_help(int argc, char **argv) {
  for (int i = 1; i < argc; i++)
    if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) return true;
  return false;
}

static void print_version(void) {
  printf("cadenza %s\n", CADENZA_VERSION);
  printf("  compiler: %s\n", __VERSION__);
  printf("  MPI: %s\n", cz_comm_library_version());
  printf("  HDF5: %s\n", cz_h5_version());
#ifdef _OPENMP
  printf("  OpenMP: %d, max threads %d\n", _OPENMP, omp_get_max_threads());
#else
  printf("  OpenMP: no\n");
#endif
#ifdef CADENZA_WITH_PAPI
  printf("  PAPI: yes\n");
#else
  printf("  PAPI: no\n");
#endif
}

static cz_status need_value(int argc, char **argv, int i) {
  CZ_CHECK(i + 1 < argc, CZ_ERR_ARG, "option %s needs a value", argv[i]);
  return CZ_OK;
}

static cz_status parse_double(const char *opt, const char *text, double lo, double *out) {
  CZ_CHECK(cz_parse_double(text, out) && isfinite(*out) && *out > lo, CZ_ERR_ARG,
           "option %s needs a finite number above %g, got '%s'", opt, lo, text);
  return CZ_OK;
}

static cz_status parse_long(const char *opt, const char *text, long long lo, long long *out) {
  CZ_CHECK(cz_parse_int64(text, out) && *out >= lo, CZ_ERR_ARG, "option %s needs an integer >= %lld, got '%s'", opt,
           lo, text);
  return CZ_OK;
}

static cz_status parse_run(int argc, char **argv, int first, cz_run_options *o) {
  memset(o, 0, sizeof *o);
  o->ov.tstop = NAN;
  o->ov.dt = NAN;
  o->seed = -1;
  o->progress = 1;
  o->partition = CZ_PARTITION_METIS;
  for (int i = first; i < argc; i++) {
    const char *a = argv[i];
    long long v;
    if (strcmp(a, "--tstop") == 0) {
      CZ_TRY(need_value(argc, argv, i));
      CZ_TRY(parse_double(a, argv[++i], 0, &o->ov.tstop));
    } else if (strcmp(a, "--dt") == 0) {
      CZ_TRY(need_value(argc, argv, i));
      CZ_TRY(parse_double(a, argv[++i], 0, &o->ov.dt));
    } else if (strcmp(a, "-o") == 0 || strcmp(a, "--output-dir") == 0) {
      CZ_TRY(need_value(argc, argv, i));
      o->ov.output_dir = argv[++i];
    } else if (strcmp(a, "-t") == 0 || strcmp(a, "--threads") == 0) {
      CZ_TRY(need_value(argc, argv, i));
      CZ_TRY(parse_long(a, argv[++i], 1, &v));
      CZ_CHECK(v <= 1024, CZ_ERR_ARG, "option %s: %lld threads is too many", a, v);
      o->threads = (int)v;
    } else if (strcmp(a, "--seed") == 0) {
      CZ_TRY(need_value(argc, argv, i));
      CZ_TRY(parse_long(a, argv[++i], 0, &o->seed));
    } else if (strcmp(a, "--partition") == 0) {
      CZ_TRY(need_value(argc, argv, i));
      /* A method name, or else a partition file made by `cadenza partition`. */
      if (cz_partition_parse(argv[++i], &o->partition) != CZ_OK) o->partition_file = argv[i];
    } else if (strcmp(a, "--progress") == 0) {
      o->progress = 2;
    } else if (strcmp(a, "--no-progress") == 0) {
      o->progress = 0;
    } else if (strcmp(a, "-v") == 0 || strcmp(a, "--verbose") == 0) {
      o->verbose = 1;
    } else if (strcmp(a, "--log-all-ranks") == 0) {
      o->log_all_ranks = 1;
    } else if (strcmp(a, "--nrn-units") == 0) {
      CZ_TRY(need_value(argc, argv, i));
      const char *u = argv[++i];
      CZ_CHECK(strcmp(u, "legacy") == 0 || strcmp(u, "modern") == 0, CZ_ERR_ARG,
               "option --nrn-units: '%s' is not legacy or modern", u);
      o->nrn_units = strcmp(u, "legacy") == 0 ? 2 : 1;
    } else if (strcmp(a, "-q") == 0 || strcmp(a, "--quiet") == 0) {
      o->progress = 0;
      o->quiet = 1;
    } else if (a[0] == '-') {
      return CZ_ERROR(CZ_ERR_ARG, "unknown option '%s' (see cadenza --help)", a);
    } else {
      CZ_CHECK(!o->config_path, CZ_ERR_ARG, "more than one config file given ('%s' and '%s')", o->config_path, a);
      o->config_path = a;
    }
  }
  CZ_CHECK(o->config_path, CZ_ERR_ARG, "no config file given (usage: cadenza run CONFIG.json)");
  return CZ_OK;
}

/* The names a folder given to `cadenza run` is searched for, in this order. */
static const char *const k_folder_configs[] = {"config.json", "simulation_config.json"};

/* `cadenza run FOLDER`: the config in FOLDER under one of the usual names (*out; NULL when
 * path is not a folder), or an error that names the files it looked for. */
static cz_status config_in_folder(const char *path, char **out) {
  *out = NULL;
  if (!cz_path_is_dir(path)) return CZ_OK;
  const size_t n = sizeof k_folder_configs / sizeof k_folder_configs[0];
  for (size_t i = 0; i < n; i++) {
    CZ_TRY(cz_path_join(path, k_folder_configs[i], out));
    if (cz_path_exists(*out) && !cz_path_is_dir(*out)) return CZ_OK;
    free(*out);
    *out = NULL;
  }
  return CZ_ERROR(CZ_ERR_ARG,
                  "%s is a folder, not a config file, and holds neither %s nor %s; name the config "
                  "(cadenza run %s/CONFIG.json)",
                  path, k_folder_configs[0], k_folder_configs[1], path);
}

static cz_status parse_generate(int argc, char **argv, int first, cz_brunel_params *p, const char **dir) {
  *p = cz_brunel_defaults();
  *dir = NULL;
  CZ_CHECK(first < argc && strcmp(argv[first], "brunel") == 0, CZ_ERR_ARG,
           "generate: unknown network '%s' (known: brunel, microcircuit, hpc, bionet)", first < argc ? argv[first] : "");
  for (int i = first + 1; i < argc; i++) {
    const char *a = argv[i];
    long long v;
    if (strcmp(a, "--overwrite") == 0) {
      p->overwrite = true;
      continue;
    }
    if (a[0] != '-') {
      CZ_CHECK(!*dir, CZ_ERR_ARG, "generate: more than one folder given");
      *dir = a;
      continue;
    }
    CZ_TRY(need_value(argc, argv, i));
    const char *val = argv[++i];
    if (strcmp(a, "--neurons") == 0 || strcmp(a, "-n") == 0) {
      CZ_TRY(parse_long(a, val, 10, &v));
      p->n_neurons = (long)v;
    } else if (strcmp(a, "--seed") == 0) {
      CZ_TRY(parse_long(a, val, 0, &v));
      p->seed = (uint64_t)v;
    } else if (strcmp(a, "--g") == 0) {
      CZ_TRY(parse_double(a, val, -INFINITY, &p->g));
    } else if (strcmp(a, "--synapse") == 0) {
      CZ_CHECK(strcmp(val, "alpha") == 0 || strcmp(val, "delta") == 0, CZ_ERR_ARG,
               "generate brunel: --synapse must be delta or alpha (got '%s')", val);
      p->alpha = strcmp(val, "alpha") == 0;
    } else if (strcmp(a, "--eta") == 0) {
      CZ_TRY(parse_double(a, val, 0, &p->eta));
    } else if (strcmp(a, "--J") == 0) {
      CZ_TRY(parse_double(a, val, 0, &p->J));
    } else if (strcmp(a, "--epsilon") == 0) {
      CZ_TRY(parse_double(a, val, 0, &p->epsilon));
    } else if (strcmp(a, "--delay") == 0) {
      CZ_TRY(parse_double(a, val, 0, &p->delay));
    } else if (strcmp(a, "--tstop") == 0) {
      CZ_TRY(parse_double(a, val, 0, &p->tstop));
    } else if (strcmp(a, "--dt") == 0) {
      CZ_TRY(parse_double(a, val, 0, &p->dt));
    } else {
      return CZ_ERROR(CZ_ERR_ARG, "generate: unknown option '%s' (see cadenza --help)", a);
    }
  }
  CZ_CHECK(*dir, CZ_ERR_ARG, "generate: no output folder given (usage: cadenza generate brunel DIR)");
  return CZ_OK;
}

static cz_status parse_partition(int argc, char **argv, const char **config, int *nranks, cz_partition_method *m,
                                 const char **out) {
  *config = NULL;
  *out = NULL;
  *nranks = 0;
  *m = CZ_PARTITION_METIS;
  for (int i = 2; i < argc; i++) {
    const char *a = argv[i];
    long long v;
    if (a[0] != '-') {
      CZ_CHECK(!*config, CZ_ERR_ARG, "partition: more than one config file given");
      *config = a;
      continue;
    }
    CZ_TRY(need_value(argc, argv, i));
    const char *val = argv[++i];
    if (strcmp(a, "--ranks") == 0 || strcmp(a, "-n") == 0) {
      CZ_TRY(parse_long(a, val, 1, &v));
      CZ_CHECK(v <= 1 << 20, CZ_ERR_ARG, "partition: %lld ranks is too many", v);
      *nranks = (int)v;
    } else if (strcmp(a, "--method") == 0) {
      CZ_TRY(cz_partition_parse(val, m));
    } else if (strcmp(a, "-o") == 0 || strcmp(a, "--output") == 0) {
      *out = val;
    } else {
      return CZ_ERROR(CZ_ERR_ARG, "partition: unknown option '%s' (see cadenza --help)", a);
    }
  }
  CZ_CHECK(*config && *nranks > 0 && *out, CZ_ERR_ARG,
           "usage: cadenza partition CONFIG.json --ranks N [--method metis|round-robin|block] -o FILE");
  return CZ_OK;
}

/* The options of the microcircuit and HPC generators; scale0 is the network's default scale;
 * stdp (NULL where the network has no plastic variant: the microcircuit, which takes
 * --poisson instead) takes --stdp. */
static cz_status parse_gen_options(int argc, char **argv, double scale0, cz_mc_params *p, bool *stdp,
                                   const char **dir) {
  *p = cz_mc_defaults();
  p->scale = scale0;
  *dir = NULL;
  for (int i = 3; i < argc; i++) {
    const char *a = argv[i];
    long long v;
    if (strcmp(a, "--overwrite") == 0) {
      p->overwrite = true;
    } else if (stdp && strcmp(a, "--stdp") == 0) {
      *stdp = true;
    } else if (!stdp && strcmp(a, "--poisson") == 0) {
      p->poisson = true;
    } else if (a[0] != '-') {
      CZ_CHECK(!*dir, CZ_ERR_ARG, "generate: more than one folder given");
      *dir = a;
    } else {
      CZ_TRY(need_value(argc, argv, i));
      const char *val = argv[++i];
      if (strcmp(a, "--scale") == 0) CZ_TRY(parse_double(a, val, 0, &p->scale));
      else if (strcmp(a, "--tstop") == 0) CZ_TRY(parse_double(a, val, 0, &p->tstop));
      else if (strcmp(a, "--dt") == 0) CZ_TRY(parse_double(a, val, 0, &p->dt));
      else if (strcmp(a, "--seed") == 0) {
        CZ_TRY(parse_long(a, val, 0, &v));
        p->seed = (uint64_t)v;
      } else return CZ_ERROR(CZ_ERR_ARG, "generate: unknown option '%s' (see cadenza --help)", a);
    }
  }
  CZ_CHECK(*dir, CZ_ERR_ARG, "generate: no output folder given (usage: cadenza generate microcircuit|hpc [options] DIR)");
  return CZ_OK;
}

/* The options of `generate bionet` (argv[3] on). */
static cz_status parse_gen_bionet(int argc, char **argv, cz_bionet_net_params *p, const char **dir) {
  *p = cz_bionet_net_defaults();
  *dir = NULL;
  for (int i = 3; i < argc; i++) {
    const char *a = argv[i];
    long long v;
    if (strcmp(a, "--overwrite") == 0) {
      p->overwrite = true;
    } else if (strcmp(a, "--hh") == 0) {
      p->hh = true;
    } else if (a[0] != '-') {
      CZ_CHECK(!*dir, CZ_ERR_ARG, "generate: more than one folder given");
      *dir = a;
    } else {
      CZ_TRY(need_value(argc, argv, i));
      const char *val = argv[++i];
      if (strcmp(a, "--components") == 0) p->components = val;
      else if (strcmp(a, "--tstop") == 0) CZ_TRY(parse_double(a, val, 0, &p->tstop));
      else if (strcmp(a, "--dt") == 0) CZ_TRY(parse_double(a, val, 0, &p->dt));
      else if (strcmp(a, "--cells") == 0 || strcmp(a, "--seed") == 0) {
        CZ_TRY(parse_long(a, val, 0, &v));
        *(a[2] == 'c' ? &p->cells : &p->seed) = (uint64_t)v;
      } else return CZ_ERROR(CZ_ERR_ARG, "generate: unknown option '%s' (see cadenza --help)", a);
    }
  }
  CZ_CHECK(*dir, CZ_ERR_ARG, "generate: no output folder given (usage: cadenza generate bionet --components DIR [options] DIR)");
  return CZ_OK;
}

static cz_status dispatch(int argc, char **argv) {
  CZ_CHECK(argc >= 2, CZ_ERR_ARG, "no command given (see cadenza --help)");
  const char *cmd = argv[1];
  if (strcmp(cmd, "generate") == 0 && argc >= 3 && strcmp(argv[2], "hpc") == 0) {
    cz_mc_params p; /* the same options: --scale, --tstop, --dt, --seed, --overwrite */
    const char *dir;
    uint64_t n = 0, e = 0;
    cz_hpc_params h = cz_hpc_defaults();
    CZ_TRY(parse_gen_options(argc, argv, h.scale, &p, &h.stdp, &dir));
    h.scale = p.scale, h.tstop = p.tstop, h.dt = p.dt, h.seed = p.seed, h.overwrite = p.overwrite;
    CZ_TRY(cz_generate_hpc(&h, dir, &n, &e));
    if (cz_comm_rank() == 0)
      printf("cadenza: wrote the HPC benchmark%s at scale %g (%llu neurons, %llu synapses) to %s; run it with: "
             "cadenza run %s/config.json\n",
             h.stdp ? " (plastic E->E synapses)" : "", h.scale, (unsigned long long)n, (unsigned long long)e, dir, dir);
    return CZ_OK;
  }
  if (strcmp(cmd, "generate") == 0 && argc >= 3 && strcmp(argv[2], "bionet") == 0) {
    cz_bionet_net_params p;
    const char *dir;
    uint64_t e = 0;
    CZ_TRY(parse_gen_bionet(argc, argv, &p, &dir));
    CZ_TRY(cz_generate_bionet(&p, dir, &e));
    if (cz_comm_rank() == 0)
      printf("cadenza: wrote the BioNet benchmark (%llu cells, %llu edges) to %s; run it with: cadenza run %s/config.json\n",
             (unsigned long long)p.cells, (unsigned long long)e, dir, dir);
    return CZ_OK;
  }
  if (strcmp(cmd, "generate") == 0 && argc >= 3 && strcmp(argv[2], "microcircuit") == 0) {
    cz_mc_params p;
    const char *dir;
    uint64_t n = 0, e = 0;
    CZ_TRY(parse_gen_options(argc, argv, cz_mc_defaults().scale, &p, NULL, &dir));
    CZ_TRY(cz_generate_microcircuit(&p, dir, &n, &e));
    if (cz_comm_rank() == 0)
      printf("cadenza: wrote the Potjans-Diesmann microcircuit at scale %g (%llu neurons, %llu synapses, %s drive) to %s; "
             "run it with: cadenza run %s/config.json\n",
             p.scale, (unsigned long long)n, (unsigned long long)e, p.poisson ? "Poisson" : "DC", dir, dir);
    return CZ_OK;
  }
  if (strcmp(cmd, "generate") == 0) {
    cz_brunel_params p;
    const char *dir;
    CZ_TRY(parse_generate(argc, argv, 2, &p, &dir));
    CZ_TRY(cz_generate_brunel(&p, dir)); /* collective: under mpirun every rank writes its share */
    if (cz_comm_rank() != 0) return CZ_OK;
    printf("cadenza: wrote the Brunel network (%ld neurons) to %s; run it with: cadenza run %s/config.json\n",
           p.n_neurons, dir, dir);
    return CZ_OK;
  }
  if (strcmp(cmd, "dry-run") == 0) return cz_app_dry_run(argc - 1, argv + 1);
  if (strcmp(cmd, "partition") == 0) {
    const char *config, *out;
    int nranks;
    cz_partition_method m;
    CZ_TRY(parse_partition(argc, argv, &config, &nranks, &m, &out));
    return cz_app_partition(config, nranks, m, out);
  }
  cz_run_options o;
  CZ_TRY(parse_run(argc, argv, strcmp(cmd, "run") == 0 ? 2 : 1, &o));
  char *found = NULL;
  CZ_TRY(config_in_folder(o.config_path, &found));
  if (found) o.config_path = found;
  cz_status st = cz_app_run(&o);
  free(found);
  return st;
}

int main(int argc, char **argv) {
  if (asks_for_help(argc, argv)) {
    print_usage(stdout, argc >= 2 ? argv[1] : NULL); /* a config path or an option: every command */
    return 0;
  }
  if (argc >= 2 && strcmp(argv[1], "help") == 0) return help_command(argc, argv);
  if (argc >= 2 && strcmp(argv[1], "compare") == 0) return cz_app_compare_main(argc - 1, argv + 1);
  if (argc >= 2 && strcmp(argv[1], "check") == 0) return cz_app_check_main(argc - 1, argv + 1);
  if (argc >= 2 && strcmp(argv[1], "plot") == 0) return cz_app_plot_main(argc - 1, argv + 1);
  if (argc >= 2 && strcmp(argv[1], "stats") == 0) return cz_app_stats_main(argc - 1, argv + 1);
  if (argc >= 2 && strcmp(argv[1], "create-environment") == 0) return cz_app_create_env_main(argc - 1, argv + 1);
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "-V") == 0 || strcmp(argv[i], "--version") == 0) {
      cz_status st = cz_comm_init(&argc, &argv);
      if (st == CZ_OK) print_version();
      cz_comm_finalize();
      return st == CZ_OK ? 0 : 1;
    }
  }
  cz_status st = cz_comm_init(&argc, &argv);
  if (st == CZ_OK) {
    cz_log_set_enabled(cz_comm_rank() == 0);
    cz_h5_quiet();
    st = dispatch(argc, argv);
    st = cz_comm_agree(st);
  }
  if (st != CZ_OK && cz_comm_rank() == 0) {
    fprintf(stderr, "cadenza: error: %s\n", cz_error_message());
    if (getenv("CADENZA_DEBUG")) fputs(cz_error_chain(), stderr);
  }
  cz_comm_finalize();
  return cz_status_exit_code(st);
}
