"""The k sweep of one Python engine, for `npm run bench:compare`.

Usage: python engines_sweep.py CSV KMIN KMAX ENGINE [SILHOUETTE_SAMPLE|none] [FEATURES]
ENGINE: sklearn (scikit-learn KMeans, n_init=10), sklearnex (the same through scikit-learn-intelex's patch_sklearn(),
Intel oneDAL), faiss (faiss.Kmeans, niter=300, nredo=10). The features (comma-separated; default the Mall numeric
columns) are standardized as the report does. Prints one JSON line: n, engine, versions, kmeans_s, silhouette_s,
total_s, scores {k: [silhouette or null, inertia]}; the inertia is recomputed in float64 from the final centers.
"""
import json
import sys
import time

csv, kmin, kmax, engine = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
sample = sys.argv[5] if len(sys.argv) > 5 else "none"
features = sys.argv[6].split(",") if len(sys.argv) > 6 else ["Age", "Annual Income (k$)", "Spending Score (1-100)"]
if engine == "sklearnex":
    from sklearnex import patch_sklearn

    patch_sklearn(verbose=False)
import numpy as np
import pandas as pd
import sklearn
from sklearn.cluster import KMeans
from sklearn.metrics import silhouette_score
from sklearn.preprocessing import StandardScaler

X = StandardScaler().fit_transform(pd.read_csv(csv)[features].to_numpy(dtype=float))
versions = {"numpy": np.__version__, "scikit-learn": sklearn.__version__}


def inertia(centers):
    """Labels and inertia in float64, in blocks of 100,000 rows (bounded memory at any n)."""
    labels = np.empty(len(X), dtype=np.int64)
    best = np.empty(len(X))
    for s in range(0, len(X), 100000):
        b = ((X[s : s + 100000, None, :] - centers[None, :, :]) ** 2).sum(axis=2)
        labels[s : s + 100000] = b.argmin(axis=1)
        best[s : s + 100000] = b.min(axis=1)
    return labels, float(best.sum())


if engine == "faiss":
    import faiss

    versions["faiss"] = faiss.__version__
    X32 = np.ascontiguousarray(X, dtype=np.float32)
elif engine == "sklearnex":
    from importlib.metadata import version

    versions["scikit-learn-intelex"] = version("scikit-learn-intelex")

res, tk, tsil, t = {}, 0.0, 0.0, time.time()
for k in range(kmin, kmax + 1):
    a = time.time()
    if engine == "faiss":
        km = faiss.Kmeans(X.shape[1], k, niter=300, nredo=10, seed=0, max_points_per_centroid=len(X))
        km.train(X32)
        labels, sse = inertia(km.centroids.astype(float))
    else:
        km = KMeans(n_clusters=k, n_init=10, random_state=0).fit(X)
        labels, sse = km.labels_, inertia(km.cluster_centers_)[1]
    tk += time.time() - a
    s = None
    if sample != "none":
        a = time.time()
        s = round(float(silhouette_score(X, labels, sample_size=None if sample == "exact" else int(sample), random_state=0)), 4)
        tsil += time.time() - a
    res[k] = [s, round(sse, 3)]
print(json.dumps({"n": len(X), "engine": engine, "versions": versions, "kmeans_s": round(tk, 3), "silhouette_s": round(tsil, 3), "total_s": round(time.time() - t, 3), "scores": res}))
