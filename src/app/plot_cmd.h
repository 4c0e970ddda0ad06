/* `cadenza plot`: the pictures of BMTK's analyzer, as SVG files any browser opens.
 *
 *   cadenza plot raster SPIKES [filters] [-o FILE]   a dot per spike: time against node id,
 *                                                    populations stacked, one colour each
 *   cadenza plot rates SPIKES [filters] [-o FILE]    each node's mean firing rate (Hz) in the
 *                                                    window against its node id
 *   cadenza plot report REPORT.h5 --node ID [--population P] [-o FILE]
 *                                                    one node's trace from a membrane report
 *   cadenza plot scaling ROWS.jsonl [--metric time|efficiency] [-o FILE]
 *                                                    a scaling study (app/plot_scaling.h)
 *   cadenza plot rates RATES [-o FILE]               a PopNet or FilterNet rates file over time
 *   cadenza plot fields CONFIG [-o FILE]             a FilterNet movie's first frame with the
 *                                                    receptive fields (app/plot_rates.h)
 * Filters: --population P, --config CONFIG --node-set NAME (the nodes of a node set), and
 * --tmin / --tmax (the window (tmin, tmax] in ms; default: from 0 to the last spike or sample).
 * Spike files are SONATA h5 or CSV. Marks carry a class (spike, rate, trace) so that the
 * number of marks can be checked. */
#ifndef CZ_APP_PLOT_CMD_H
#define CZ_APP_PLOT_CMD_H

/* argv[0] is "plot". Returns the exit code: 0 written, 2 bad usage or input. */
int cz_app_plot_main(int argc, char **argv);

#endif
