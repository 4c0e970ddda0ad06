/* Writing the weight_recorder reports (weight_recorder.h) at the end of a run: the events
 * every thread recorded, gathered on rank 0, numbered with NEST's ports and written as BMTK's
 * table. Apart from weight_recorder.h because it reads the network, which itself reads the
 * reports' configuration. */
#ifndef CZ_POINTNET_WEIGHT_REPORT_H
#define CZ_POINTNET_WEIGHT_REPORT_H

#include <stddef.h>
#include <stdint.h>

#include "base/status.h"
#include "io/circuit.h"
#include "pointnet/network.h"
#include "pointnet/weight_recorder.h"

/* Writes every report file from the events of all ranks (nev events of CZ_WEV_WORDS words on
 * this rank). Collective; rank 0 writes. */
cz_status cz_wrecs_write(const cz_wrecs *w, const cz_network *net, const cz_circuit *c, const int64_t *ev,
                         size_t nev);

#endif
