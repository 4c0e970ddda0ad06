/* The mechanism kinds Cadenza has, each defined in its own file (for the registry).
 *
 * The kinds whose kernels vectorise (the gated channels, CaDynamics and NaV) are compiled twice
 * where the compiler can target AVX2 and FMA (CMake defines CZ_HAVE_MECH_LANES for the
 * registry): as they are, and as a vector build (CZ_MECH_LANES defined: AVX2 and FMA, exp by lanes, mech_math.h),
 * whose kinds carry the suffix _lanes. Both builds make the same operations in the same order,
 * so their results are the same bits; the registry uses the vector build where the CPU has AVX2
 * and FMA and exp by lanes agrees with libm. pas, hh and SK have one build (pas is the cable's
 * pass; hh's loop does not gain, SK's calls pow). */
#ifndef CZ_BIONET_MECH_KINDS_H
#define CZ_BIONET_MECH_KINDS_H

#include "bionet/mechanisms/mechanism.h"

#ifdef CZ_MECH_LANES
#define CZ_MECH_KIND(name) cz_mech_##name##_lanes
#else
#define CZ_MECH_KIND(name) cz_mech_##name
#endif

extern const cz_mech_kind cz_mech_pas, cz_mech_hh, cz_mech_CaDynamics, cz_mech_Ca_HVA, cz_mech_Ca_LVA, cz_mech_Ih,
    cz_mech_Im, cz_mech_Im_v2, cz_mech_K_P, cz_mech_K_T, cz_mech_Kd, cz_mech_Kv2like, cz_mech_Kv3_1, cz_mech_NaTa,
    cz_mech_NaTs, cz_mech_NaV, cz_mech_Nap, cz_mech_SK;

extern const cz_mech_kind cz_mech_CaDynamics_lanes, cz_mech_Ca_HVA_lanes, cz_mech_Ca_LVA_lanes, cz_mech_Ih_lanes,
    cz_mech_Im_lanes, cz_mech_Im_v2_lanes, cz_mech_K_P_lanes, cz_mech_K_T_lanes, cz_mech_Kd_lanes,
    cz_mech_Kv2like_lanes, cz_mech_Kv3_1_lanes, cz_mech_NaTa_lanes, cz_mech_NaTs_lanes, cz_mech_NaV_lanes,
    cz_mech_Nap_lanes;

#endif
