"""Linear CKA by the kernel (HSIC) form, in numpy: the cross-check of src/probes/cka.ts.

Kornblith et al. (2019), eq. (3)-(4) with linear kernels: K = X X^T, L = Y Y^T, H = I - 11^T / n,
CKA = tr(K H L H) / sqrt(tr(K H K H) tr(L H L H)). This is the n x n form that the product avoids,
so it checks the feature form against a formula it does not share. Prints one number per pair of
files given: X.npy Y.npy [X2.npy Y2.npy ...].
"""
import sys

import numpy as np


def hsic(k, l):
    n = k.shape[0]
    h = np.eye(n) - np.ones((n, n)) / n
    return np.trace(k @ h @ l @ h)


def linear_cka(x, y):
    x = x.astype(np.float64)
    y = y.astype(np.float64)
    k = x @ x.T
    l = y @ y.T
    return hsic(k, l) / np.sqrt(hsic(k, k) * hsic(l, l))


paths = sys.argv[1:]
for a, b in zip(paths[0::2], paths[1::2]):
    print(repr(float(linear_cka(np.load(a), np.load(b)))))
