"""scikit-learn's figures for a sweep over the Europe latent-store fixture, for the sweep tests.

Run by src/studies/sweep.test.ts with Debian's /usr/bin/python3 (python3-sklearn, python3-zarr):
    europe_sweep.py STORE LAND_LABEL_NPY WEST EAST
Prints JSON: per latent level (0 the surface, 1.. atmos_latent's levels in store order) and time, the
land-sea probe on the longitude band [WEST, EAST] (test inside, train outside), PCA and the latents'
mean norm; and per level the probe fitted at the first time predicting the second time's test rows.

The latents are rounded to float32 first (the product reads them as float32 matrices), then fitted in
float64 as scikit-learn does. LogisticRegression runs to a tight tolerance so that its optimum is the
one the product's Newton solver reaches (sklearn's default stops earlier, which the fixture's own
reference.json records).
"""
import json
import sys

import numpy as np
import zarr
from sklearn.decomposition import PCA
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, f1_score, precision_score, recall_score, roc_auc_score


def rows_of(block, lat, lon):
    """(embed, lat, lon) -> (patch, embed), patches row-major from the north-west."""
    block = block[:, np.argsort(-lat), :][:, :, np.argsort(lon)]
    return block.reshape(block.shape[0], -1).T.astype(np.float32).astype(np.float64)


def main():
    store, land_path, west, east = sys.argv[1], sys.argv[2], float(sys.argv[3]), float(sys.argv[4])
    root = zarr.open_group(store, mode="r")
    lat = root["lat"][:]
    lon = root["lon"][:]
    labels = np.load(land_path).reshape(-1).astype(int)
    lon_rows = np.tile(np.sort(lon), len(lat))
    test = (lon_rows >= west) & (lon_rows <= east)
    surface = root["surface_latent"]
    atmos = root["atmos_latent"]
    times = surface.shape[0]

    def matrix(time, level):
        if level == 0:
            return rows_of(surface[time], lat, lon)
        return rows_of(atmos[time][:, level - 1], lat, lon)

    levels = []
    for level in range(1 + atmos.shape[2]):
        cells = []
        first_pc1 = None
        first_probe = None
        for time in range(times):
            x = matrix(time, level)
            pca = PCA(n_components=2, svd_solver="full").fit(x)
            pc1 = pca.components_[0]
            if first_pc1 is None:
                first_pc1 = pc1
            probe = LogisticRegression(C=1.0, tol=1e-10, max_iter=100000).fit(x[~test], labels[~test])
            if first_probe is None:
                first_probe = probe
            proba = probe.predict_proba(x[test])[:, 1]
            pred = probe.predict(x[test])
            truth = labels[test]
            majority = 1 if labels[~test].sum() * 2 > (~test).sum() else 0
            cells.append({
                "pca_explained_variance_ratio": pca.explained_variance_ratio_.tolist(),
                "pc1_cosine_to_first": float(abs(pc1 @ first_pc1)),
                "mean_norm": float(np.linalg.norm(x, axis=1).mean()),
                "accuracy": accuracy_score(truth, pred),
                "precision": precision_score(truth, pred),
                "recall": recall_score(truth, pred),
                "f1": f1_score(truth, pred),
                "roc_auc": roc_auc_score(truth, proba),
                "majority": float((truth == majority).mean()),
                "n_train": int((~test).sum()),
                "n_test": int(test.sum()),
                "positive_rate": float(labels.mean()),
                "test_pred": pred.tolist(),
            })
        x1 = matrix(1, level)
        transfer = first_probe.predict(x1[test])
        levels.append({
            "level": level,
            "cells": cells,
            "transfer_0_to_1": {"accuracy": accuracy_score(labels[test], transfer), "test_pred": transfer.tolist()},
        })
    json.dump({"sklearn": __import__("sklearn").__version__, "levels": levels}, sys.stdout)


main()
