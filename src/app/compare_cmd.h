/* `cadenza compare EXPECTED ACTUAL`: do two spike files hold the same spikes?
 *
 * Reads SONATA h5 (and legacy /spikes/gids) or CSV spike files (io/spike_input.h) and compares
 * them population by population, node by node: spikes are paired in time order and match when
 * their times differ by at most the tolerance; an unpaired spike or a pair further apart is a
 * divergence. Prints per population the spike and node counts of both files, the nodes whose
 * spike counts differ, the largest time difference of the matched pairs and the first
 * divergence (the earliest unmatched spike), and a verdict line. Only spikes in (--tmin,
 * --tmax] count. Spikes of ACTUAL after --allow-extra-after may stay unmatched (a reference
 * recorder that missed its last interval), up to --max-extra per population (default: one per
 * node that spikes in ACTUAL); more is a difference.
 *
 * A rates file as EXPECTED (PopNet's three numbers per line, or FilterNet's rates.csv) is
 * compared as rates instead (app/compare_rates.h), the tolerance then in Hz.
 *
 * This is the project's one spike comparator: the test suite calls it through the CLI or
 * through tests/tools/spikes_compare, which links this function. */
#ifndef CZ_APP_COMPARE_CMD_H
#define CZ_APP_COMPARE_CMD_H

/* argv[0] is "compare". Returns the exit code: 0 the files match, 1 they differ, 2 bad usage
 * or unreadable input (with one "cadenza: error:" line). */
int cz_app_compare_main(int argc, char **argv);

#endif
