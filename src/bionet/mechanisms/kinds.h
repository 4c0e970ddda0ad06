/* The mechanism kinds Cadenza has, each defined in its own file (for the registry). */
#ifndef CZ_BIONET_MECH_KINDS_H
#define CZ_BIONET_MECH_KINDS_H

#include "bionet/mechanisms/mechanism.h"

extern const cz_mech_kind cz_mech_pas, cz_mech_hh, cz_mech_CaDynamics, cz_mech_Ca_HVA, cz_mech_Ca_LVA, cz_mech_Ih,
    cz_mech_Im, cz_mech_Im_v2, cz_mech_K_P, cz_mech_K_T, cz_mech_Kd, cz_mech_Kv2like, cz_mech_Kv3_1, cz_mech_NaTa,
    cz_mech_NaTs, cz_mech_NaV, cz_mech_Nap, cz_mech_SK;

#endif
