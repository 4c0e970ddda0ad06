/* exp for the channel kernels' vector loops, with the bits of the C library's exp.
 *
 * The channels' rates call exp a few times per gate and step. Through libm that is a call per
 * value, which keeps every loop over a channel's instances scalar. This is the same function as
 * an inline expression the compiler can vectorise: exp(x) = 2^(k/128) exp(r), x = k ln2/128 + r,
 * 2^(k/128) from a 128-entry table (the double nearest 2^(i/128) and the relative error of that
 * rounding), exp(r) - 1 by a degree-5 polynomial, combined with fused multiply-adds in the order
 * GNU libm's FMA build of exp uses (glibc 2.28 and later, on CPUs with FMA and AVX2). Its
 * constants are libm's, its table is 2^(i/128) rounded (scripts/exp_table.py makes it).
 *
 * Where fma is a hardware instruction (the kernels' vector build) this costs a few cycles per
 * lane; elsewhere fma is libm's, correctly rounded as the instruction, so the value is the
 * same. Whether it matches the libm this process runs on is not assumed: cz_exp_lanes_agree
 * compares the two over the whole range the kernels use, and the registry hands out the
 * vector kernels only where they agree.
 *
 * Domain: |x| <= 700 or NaN (NEURON's mechanisms clamp exp's argument to ±700 first). */
#ifndef CZ_BIONET_MECH_EXP_LANES_H
#define CZ_BIONET_MECH_EXP_LANES_H

#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

enum { CZ_EXP_TABLE_BITS = 7, CZ_EXP_TABLE_N = 1 << CZ_EXP_TABLE_BITS };

/* For i in [0, 128): the relative error of the nearest double s_i to 2^(i/128) (bits of a
 * double), and the bits of s_i less i << 45, so that adding k << 45 gives 2^(k/128)'s
 * exponent. */
extern const uint64_t cz_exp_tail_bits[CZ_EXP_TABLE_N], cz_exp_scale_bits[CZ_EXP_TABLE_N];

static inline uint64_t cz_exp_u64(double x) {
  uint64_t u;
  memcpy(&u, &x, sizeof u);
  return u;
}

static inline double cz_exp_f64(uint64_t u) {
  double x;
  memcpy(&x, &u, sizeof x);
  return x;
}

/* c ? a : b by bit masks: vector loops keep it a blend, where a branch would stop them. */
static inline double cz_lanes_select(bool c, double a, double b) {
  const uint64_t m = 0 - (uint64_t)c;
  return cz_exp_f64((cz_exp_u64(a) & m) | (cz_exp_u64(b) & ~m));
}

static inline double cz_exp_lanes(double x) {
  const double inv_ln2_n = 0x1.71547652b82fep+7, shift = 0x1.8p52;
  const double neg_ln2_hi_n = -0x1.62e42fefa0000p-8, neg_ln2_lo_n = -0x1.cf79abc9e3b3ap-47;
  const double c2 = 0x1.ffffffffffdbdp-2, c3 = 0x1.555555555543cp-3, c4 = 0x1.55555cf172b91p-5,
               c5 = 0x1.1111167a4d017p-7;
  /* k = round(x 128 / ln2) lands in the low bits of z */
  const double z = fma(x, inv_ln2_n, shift);
  const uint64_t ki = cz_exp_u64(z);
  const double kd = z - shift;
  const double r = fma(kd, neg_ln2_lo_n, fma(kd, neg_ln2_hi_n, x));
  const uint64_t idx = ki & (CZ_EXP_TABLE_N - 1);
  const double r2 = r * r;
  const double tmp = fma(r2 * r2, fma(r, c5, c4), fma(fma(r, c3, c2), r2, cz_exp_f64(cz_exp_tail_bits[idx]) + r));
  const uint64_t sbits = cz_exp_scale_bits[idx] + (ki << 45);
  const double s = cz_exp_f64(sbits);
  const double y = fma(s, tmp, s);
  /* -700 <= x <= -512, where libm scales 2^(k/128) up into range and the result back, rounding
   * s tmp and the sum apart (no fused operation): that can differ from y. (For 512 <= x <= 700
   * its scaling is exact, powers of 2 on normal numbers: y.) The other lanes scale 2^600 instead,
   * since their s scaled may wrap round to a subnormal, and 1 would end as one: the CPU slows
   * down on subnormals. */
  const uint64_t top = (cz_exp_u64(x) >> 52) & 0x7ff;
  const bool scaled = (top >= 0x408) & ((ki & 0x80000000u) != 0);
  const double s_down = cz_lanes_select(scaled, cz_exp_f64(sbits + (1022ull << 52)), 0x1p600);
  const double finite = cz_lanes_select(scaled, (s_down + s_down * tmp) * 0x1p-1022, y);
  return cz_lanes_select((top < 0x3c9) | (top == 0x7ff), 1.0 + x, finite); /* |x| < 2^-54, NaN */
}

/* Whether cz_exp_lanes gives libm's exp bit for bit: over [-700, 700] (a dense sweep with
 * every table entry and both scaled ranges), near 0 and at NaN. */
bool cz_exp_lanes_agree(void);

#endif
