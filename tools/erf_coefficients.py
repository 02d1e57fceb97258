#!/usr/bin/env python3
"""Derives the polynomial coefficients of src/Emend.Numerics/ErrorFunction.cs (needs mpmath).

Two pieces, both Chebyshev interpolants computed at 50 significant digits by mpmath.chebyfit:
  |z| < 1 : erf(z)  = z * P(z^2)                  P: 11 coefficients on z^2 in [0, 1]
  z  >= 1 : erfc(z) = exp(-z^2) * t * Q(u)        t = 2/(2+z), u maps t in [2/29, 2/3] onto [-1, 1];
                                                  Q: 18 coefficients (covers z up to 27, past double underflow)
It prints the coefficients (highest power first, as Horner's rule consumes them) and the worst relative error of
the same double-precision evaluation that the C# code performs, measured against mpmath at 50 digits.
"""
import math
import random

import mpmath as mp

mp.mp.dps = 50
T_MIN, T_MAX = mp.mpf(2) / 29, mp.mpf(2) / 3
MID, HALF = (T_MAX + T_MIN) / 2, (T_MAX - T_MIN) / 2


def small_target(s):
    return mp.erf(mp.sqrt(s)) / mp.sqrt(s) if s > 0 else 2 / mp.sqrt(mp.pi)


def large_target(u):
    t = MID + HALF * u
    z = 2 / t - 2
    return mp.erfc(z) * mp.exp(z * z) / t


SMALL = [float(c) for c in mp.chebyfit(small_target, [0, 1], 11)]
LARGE = [float(c) for c in mp.chebyfit(large_target, [-1, 1], 18)]
mid, inv_half = float(MID), float(1 / HALF)


def horner(coefficients, x):
    acc = 0.0
    for c in coefficients:
        acc = acc * x + c
    return acc


def erfc_large(z):
    t = 2.0 / (2.0 + z)
    return math.exp(-z * z) * t * horner(LARGE, (t - mid) * inv_half)


def erf(z):
    return z * horner(SMALL, z * z) if z < 1 else 1.0 - erfc_large(z)


random.seed(1)
points = [random.uniform(0, 6) for _ in range(20000)] + [random.uniform(1, 26.5) for _ in range(20000)]
points += [10 ** random.uniform(-30, 0) for _ in range(2000)]
worst_erf = max(abs(erf(z) / mp.erf(z) - 1) for z in points)
worst_erfc = max(abs(erfc_large(z) / mp.erfc(z) - 1) for z in points if z >= 1)
print(f"max relative error: erf {float(worst_erf):.2e}, erfc (z >= 1) {float(worst_erfc):.2e}")
print("Small:", ", ".join(repr(c) for c in SMALL))
print("Large:", ", ".join(repr(c) for c in LARGE))
