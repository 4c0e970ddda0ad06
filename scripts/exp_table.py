#!/usr/bin/env python3
"""Prints the table of src/bionet/mechanisms/exp_lanes.c: for i in [0, 128), the double s_i
nearest 2^(i/128) and the relative error of that rounding, (2^(i/128) - s_i) / s_i rounded to a
double, both as bits; s_i's bits are printed less i << 45 (exp_lanes.h adds k << 45 back).
Needs mpmath (400-bit arithmetic, far beyond what the rounding to 53 bits needs)."""
import struct

import mpmath

mpmath.mp.prec = 400


def bits(x):
    return struct.unpack("<Q", struct.pack("<d", x))[0]


def rows(values):
    return "\n".join("    " + " ".join("0x%016xull," % v for v in values[i:i + 4]) for i in range(0, len(values), 4))


tails, scales = [], []
for i in range(128):
    exact = mpmath.power(2, mpmath.mpf(i) / 128)
    s = float(exact)
    tails.append(bits(float((exact - mpmath.mpf(s)) / mpmath.mpf(s))))
    scales.append((bits(s) - (i << 45)) % (1 << 64))
print("const uint64_t cz_exp_tail_bits[CZ_EXP_TABLE_N] = {\n%s\n};" % rows(tails))
print("const uint64_t cz_exp_scale_bits[CZ_EXP_TABLE_N] = {\n%s\n};" % rows(scales))
