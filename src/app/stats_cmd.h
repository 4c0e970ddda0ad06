/* `cadenza stats`: spike statistics of a run by groups of neurons, and the Kolmogorov-Smirnov
 * distances between the statistics of several runs (stats_cmd.c describes both). */
#ifndef CZ_APP_STATS_CMD_H
#define CZ_APP_STATS_CMD_H

/* argv[0] is "stats". Returns the process exit code. */
int cz_app_stats_main(int argc, char **argv);

#endif
