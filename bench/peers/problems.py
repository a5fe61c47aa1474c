"""Test problems shared by the peer benchmarks, defined exactly as hpolab's LabEvaluators/Functions.

All are minimised; each has its bounds and known optimum value, so regret is a
property (f(x) - f*), not a guess.
"""
import math

import numpy as np


def branin(x):
    x1, x2 = x
    b = 5.1 / (4 * math.pi**2)
    c = 5 / math.pi
    t = 1 / (8 * math.pi)
    return (x2 - b * x1**2 + c * x1 - 6) ** 2 + 10 * (1 - t) * math.cos(x1) + 10


def himmelblau(x):
    x1, x2 = x
    return (x1**2 + x2 - 11) ** 2 + (x1 + x2**2 - 7) ** 2


_H6_A = np.array([[10, 3, 17, 3.5, 1.7, 8], [0.05, 10, 17, 0.1, 8, 14], [3, 3.5, 1.7, 10, 17, 8], [17, 8, 0.05, 10, 0.1, 14]])
_H6_P = 1e-4 * np.array([[1312, 1696, 5569, 124, 8283, 5886], [2329, 4135, 8307, 3736, 1004, 9991],
                         [2348, 1451, 3522, 2883, 3047, 6650], [4047, 8828, 8732, 5743, 1091, 381]])
_H6_ALPHA = np.array([1.0, 1.2, 3.0, 3.2])


def hartmann6(x):
    x = np.asarray(x, dtype=float)
    inner = np.sum(_H6_A * (x - _H6_P) ** 2, axis=1)
    return float(-np.sum(_H6_ALPHA * np.exp(-inner)))


def ackley(x):
    x = np.asarray(x, dtype=float)
    d = len(x)
    return float(-20 * math.exp(-0.2 * math.sqrt(np.sum(x**2) / d)) - math.exp(np.sum(np.cos(2 * math.pi * x)) / d) + 20 + math.e)


PROBLEMS = {
    # name: (function, bounds [(lo, hi)], optimum value)
    "branin": (branin, [(-5.0, 10.0), (0.0, 15.0)], 0.397887357729738),
    "himmelblau": (himmelblau, [(-5.0, 5.0), (-5.0, 5.0)], 0.0),
    "hartmann6": (hartmann6, [(0.0, 1.0)] * 6, -3.322368011415515),
}

# The 5-D problem used for per-step timings at n observations.
STEP_PROBLEM = ("ackley5", ackley, [(-32.768, 32.768)] * 5)
