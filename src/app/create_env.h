/* `cadenza create-environment [options] pointnet|bionet|popnet|filternet DIR`: BMTK's create_environment
 * (sonata-spec section 7): from a network folder, writes DIR with the SONATA config(s), the
 * component and output folders, a node sets file and a run script. A bionet folder's config
 * says NEURON and adds what BioNet needs: run.dL 20, spike_threshold -15, conditions
 * (celsius 34, v_init -80) and the morphology, biophysical model and mechanism folders.
 *
 * Options (BMTK's names and defaults): -n/--network-dir (DIR/network), -c/--components-dir
 * (DIR/components), -o/--output-dir (output, relative to DIR), --tstop (1000), --dt (0.001 for
 * pointnet, 0.1 for bionet),
 * --report-vars VAR[,POP:VAR...] (a membrane_report <var>_report per entry, cells all or the
 * population), --report-nodes ID[,ID...] (the reports' cells), --iclamp AMP,DELAY,DURATION
 * (PointNet passes amp to NEST: pA; BioNet to NEURON: nA), --spikes-inputs POP:FILE[,...] (module from the file
 * extension), --rates-inputs POP:FILE[,...] (popnet: tables of rates by node type, module
 * pop_rates), --config-file NAME (config.json), --split-configs (circuit_config.json +
 * simulation_config.json), --network-filter TEXT, --run-script NAME (run_cadenza.sh),
 * --overwrite. Network files are classified as BMTK does: *_nodes.h5 with *_node_types.csv
 * and *_edges.h5 with *_edge_types.csv, paired by the name before the suffix. Existing files
 * are kept unless --overwrite. */
#ifndef CZ_APP_CREATE_ENV_H
#define CZ_APP_CREATE_ENV_H

/* argv[0] is "create-environment". Returns the exit code (0, 2 bad usage or input, 3 output). */
int cz_app_create_env_main(int argc, char **argv);

#endif
