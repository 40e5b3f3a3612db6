/**
 * The Python side of the scikit-learn peer, run as `python3 -u -c SOURCE`: one long-lived
 * process reading one JSON request per line on stdin and answering one JSON line on stdout, so
 * runs alternate with reckit's without paying interpreter start-up and imports each time. Inputs
 * arrive as raw little-endian files (float32 values, int32 indices) the Node side wrote to a temp
 * folder. Times are taken inside Python around the fit alone, like reckit's.
 */
export const SKLEARN_WORKER_SOURCE = `
import json, resource, sys, time
import numpy as np
import scipy.sparse as sp

def rss_mib():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0

def load(req):
    x = req["x"]
    if x["kind"] == "csr":
        indptr = np.fromfile(x["offsets"], dtype=np.int32)
        indices = np.fromfile(x["cols"], dtype=np.int32)
        data = np.fromfile(x["values"], dtype=np.float32)
        return sp.csr_matrix((data, indices, indptr), shape=(x["n_rows"], x["n_cols"]))
    return np.fromfile(x["values"], dtype=np.float32).reshape(x["n_rows"], x["n_cols"])

cache = {}

def kmeans(req):
    from sklearn.cluster import KMeans
    X = cache.get(req["key"])
    if X is None:
        X = cache[req["key"]] = load(req)
    init = "k-means++"
    if req.get("init"):
        init = np.fromfile(req["init"], dtype=np.float32).reshape(req["k"], X.shape[1]).astype(X.dtype)
    t0 = time.perf_counter()
    km = KMeans(n_clusters=req["k"], init=init, n_init=1, max_iter=req.get("max_iter", 300),
                tol=req.get("tol", 1e-4), random_state=req.get("seed", 0), algorithm="lloyd").fit(X)
    secs = time.perf_counter() - t0
    return {"seconds": secs, "metrics": {"inertia": float(km.inertia_), "iterations": int(km.n_iter_)}}

def tsvd(req):
    from sklearn.decomposition import TruncatedSVD
    train = cache.get(req["key"])
    if train is None:
        train = cache[req["key"]] = load(req)
    mu = float(req["global_mean"])
    centred = train.copy()
    centred.data = centred.data - mu
    t0 = time.perf_counter()
    svd = TruncatedSVD(n_components=req["k"], algorithm=req.get("algorithm", "randomized"),
                       n_iter=req.get("n_iter", 5), random_state=req.get("seed", 0))
    us = svd.fit_transform(centred)
    secs = time.perf_counter() - t0
    metrics = {}
    if req.get("test"):
        t = req["test"]
        tu = np.fromfile(t["users"], dtype=np.int32)
        ti = np.fromfile(t["items"], dtype=np.int32)
        tr = np.fromfile(t["ratings"], dtype=np.float32).astype(np.float64)
        pred = mu + np.einsum("ij,ij->i", us[tu], svd.components_.T[ti])
        pred = np.clip(pred, req["scale"][0], req["scale"][1])
        metrics["rmse"] = float(np.sqrt(np.mean((pred - tr) ** 2)))
        metrics["mae"] = float(np.mean(np.abs(pred - tr)))
    return {"seconds": secs, "metrics": metrics}

OPS = {"kmeans": kmeans, "tsvd": tsvd}

import sklearn, numpy, scipy
print(json.dumps({"ready": True, "versions": {"scikit-learn": sklearn.__version__, "numpy": numpy.__version__,
                  "scipy": scipy.__version__, "python": sys.version.split()[0]}}), flush=True)
for line in sys.stdin:
    req = json.loads(line)
    try:
        out = OPS[req["op"]](req)
        out["peak_rss_mib"] = rss_mib()
    except Exception as e:
        out = {"error": type(e).__name__ + ": " + str(e)}
    print(json.dumps(out), flush=True)
`;
