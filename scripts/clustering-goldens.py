#!/usr/bin/env python3
# Golden values for Tests/ClusteringTests from scikit-learn 1.5.2 and SciPy.
#
# Regenerate (from the repository root):
#   python3 -m venv ~/.cache/cfx/venv-sklearn && ~/.cache/cfx/venv-sklearn/bin/pip install scikit-learn==1.5.2 numpy scipy
#   ~/.cache/cfx/venv-sklearn/bin/python scripts/clustering-goldens.py
# It writes Tests/ClusteringTests/Fixtures/clustering-goldens.json (data sets and expected outputs).
# Every data set comes from a fixed numpy seed, so the file is reproducible.

import json
import pathlib

import numpy as np
import scipy
import sklearn
from scipy.cluster.hierarchy import linkage
from scipy.optimize import linear_sum_assignment
from sklearn.cluster import AgglomerativeClustering, KMeans, SpectralClustering
from sklearn.datasets import make_moons
from sklearn.metrics import (adjusted_rand_score, normalized_mutual_info_score, silhouette_samples,
                             silhouette_score)
from sklearn.metrics.cluster import contingency_matrix
from sklearn.mixture import GaussianMixture

OUTPUT = pathlib.Path(__file__).resolve().parent.parent / "Tests/ClusteringTests/Fixtures/clustering-goldens.json"


def three_blobs():
    """60 points in 2-D: three well-separated Gaussian blobs of 20 (different spreads)."""
    rng = np.random.default_rng(20240601)
    centres = np.array([[0.0, 0.0], [6.0, 1.0], [2.5, 6.0]])
    spreads = np.array([[0.6, 0.9], [1.0, 0.5], [0.7, 0.7]])
    points = np.concatenate([c + s * rng.standard_normal((20, 2)) for c, s in zip(centres, spreads)])
    truth = np.repeat(np.arange(3), 20)
    return points, truth


def uniform_cloud():
    """40 points in 3-D, uniform in the unit cube: a Ward tree with no obvious structure."""
    rng = np.random.default_rng(7)
    return rng.random((40, 3))


def accuracy(truth, predicted):
    table = contingency_matrix(truth, predicted)
    rows, columns = linear_sum_assignment(table, maximize=True)
    return float(table[rows, columns].sum()) / len(truth)


def labeling_cases():
    rng = np.random.default_rng(11)
    random_a = rng.integers(0, 3, 50)
    random_b = rng.integers(0, 4, 50)
    base = rng.integers(0, 4, 30)
    permuted = np.array([2, 0, 3, 1])[base] * 10 - 5  # renamed labels, not contiguous
    noisy = base.copy()
    noisy[:6] = (noisy[:6] + 1) % 4
    cases = {
        "random 3 vs 4 labels": (random_a, random_b),
        "identical": (base, base),
        "permuted and renamed": (base, permuted),
        "noisy copy": (base, noisy),
        "one cluster vs four": (np.zeros(30, dtype=int), base),
        "both one cluster": (np.zeros(12, dtype=int), np.full(12, 5)),
        "all singletons vs one cluster": (np.arange(10), np.zeros(10, dtype=int)),
        "both all singletons": (np.arange(10), np.arange(10)[::-1]),
        "negative labels": (np.array([-1, -1, 3, 3, 3, 7, 7, -1]), np.array([0, 0, 0, 1, 1, 2, 2, 2])),
    }
    result = []
    for name, (a, b) in cases.items():
        result.append({
            "name": name,
            "first": a.tolist(),
            "second": b.tolist(),
            "nmi": float(normalized_mutual_info_score(a, b)),
            "ari": float(adjusted_rand_score(a, b)),
            "accuracy": accuracy(a, b),
        })
    return result


def assignment_cases():
    rng = np.random.default_rng(3)
    result = []
    for rows, columns, integer in [(5, 5, False), (4, 7, False), (8, 3, False), (12, 12, False),
                                   (6, 6, True), (5, 9, True), (9, 4, True), (1, 6, False), (20, 25, False)]:
        if integer:
            costs = rng.integers(0, 4, (rows, columns)).astype(float)  # many ties
        else:
            costs = rng.normal(0, 10, (rows, columns))
        r, c = linear_sum_assignment(costs)
        rmax, cmax = linear_sum_assignment(costs, maximize=True)
        result.append({
            "costs": costs.tolist(),
            "minimumCost": float(costs[r, c].sum()),
            "maximumWeight": float(costs[rmax, cmax].sum()),
        })
    return result


def silhouette_cases(points, truth):
    rng = np.random.default_rng(5)
    with_singleton = truth.copy()
    with_singleton[0] = 3  # point 0 alone in cluster 3
    cases = {
        "true blobs": truth,
        "random four": rng.integers(0, 4, len(truth)),
        "singleton cluster": with_singleton,
    }
    return [{"name": name, "labels": labels.tolist(), "score": float(silhouette_score(points, labels)),
             "samples": silhouette_samples(points, labels).tolist()} for name, labels in cases.items()]


def ward_case(points, clusters):
    model = AgglomerativeClustering(n_clusters=clusters, linkage="ward").fit(points)
    tree = linkage(points, method="ward")
    return {"points": points.tolist(), "clusters": clusters, "labels": model.labels_.tolist(),
            "heights": tree[:, 2].tolist(), "sizes": tree[:, 3].astype(int).tolist()}


def main():
    blobs, truth = three_blobs()
    kmeans = KMeans(n_clusters=3, n_init=10, random_state=0).fit(blobs)
    mixture = GaussianMixture(n_components=3, covariance_type="full", reg_covar=1e-6, tol=1e-10,
                              max_iter=1000, random_state=0).fit(blobs)
    moons, moon_truth = make_moons(n_samples=200, noise=0.06, random_state=0)
    spectral = SpectralClustering(n_clusters=2, affinity="nearest_neighbors", n_neighbors=10,
                                  random_state=0).fit(moons)
    goldens = {
        "generator": "scripts/clustering-goldens.py",
        "versions": {"sklearn": sklearn.__version__, "numpy": np.__version__, "scipy": scipy.__version__},
        "blobs": {"points": blobs.tolist(), "truth": truth.tolist()},
        "moons": {"points": moons.tolist(), "truth": moon_truth.tolist()},
        "labelings": labeling_cases(),
        "assignments": assignment_cases(),
        "silhouette": silhouette_cases(blobs, truth),
        "ward": [ward_case(blobs, 3), ward_case(uniform_cloud(), 4)],
        "kmeans": {"clusters": 3, "labels": kmeans.labels_.tolist(), "inertia": float(kmeans.inertia_),
                   "centroids": kmeans.cluster_centers_.tolist()},
        "gaussianMixture": {
            "components": 3, "labels": mixture.predict(blobs).tolist(),
            "logLikelihoods": mixture.score_samples(blobs).tolist(),
            "meanLogLikelihood": float(mixture.score(blobs)),
            "weights": mixture.weights_.tolist(), "means": mixture.means_.tolist(),
            "converged": bool(mixture.converged_),
        },
        "spectral": {"clusters": 2, "neighbours": 10, "labels": spectral.labels_.tolist(),
                     "truthARI": float(adjusted_rand_score(moon_truth, spectral.labels_))},
    }
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    OUTPUT.write_text(json.dumps(goldens, indent=1) + "\n")
    print(f"wrote {OUTPUT}")
    print("spectral vs truth ARI", goldens["spectral"]["truthARI"], "kmeans vs truth ARI",
          adjusted_rand_score(truth, kmeans.labels_), "gmm converged", mixture.converged_, mixture.n_iter_)


if __name__ == "__main__":
    main()
