#!/usr/bin/python3
"""numpy/scipy baseline for the mlops-java drift benchmark (run by MonitoringBenchmark).

Reads the same float64 arrays the Java side used (column-major, little-endian) and times, per
column, what Evidently computes with numpy/scipy:
  default : normed Wasserstein (Evidently's default for numeric columns above 1000 rows)
  ks      : scipy.stats.ks_2samp (asymptotic above 10000 rows)
  psi     : Sturges histogram over reference+current, epsilon fill, PSI
  wass    : normed Wasserstein
Prints one JSON object with seconds per set and a checksum of the values.
Usage: drift_bench.py <ref.f64> <cur.f64> <rows> <cols>
"""
import json
import sys
import time

import numpy as np
from scipy import stats


def wasserstein_normed(r, c):
    return stats.wasserstein_distance(r, c) / max(np.std(r), 0.001)


def psi(r, c):
    bins = np.histogram_bin_edges(np.concatenate([r, c]), bins="sturges")
    rp = np.histogram(r, bins)[0] / len(r)
    cp = np.histogram(c, bins)[0] / len(c)
    for p in (rp, cp):
        m = p[p != 0].min()
        np.place(p, p == 0, m / 10**6 if m <= 0.0001 else 0.0001)
    return float(np.sum((rp - cp) * np.log(rp / cp)))


def main():
    ref_path, cur_path, rows, cols = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    ref = np.fromfile(ref_path, dtype="<f8").reshape(cols, rows)
    cur = np.fromfile(cur_path, dtype="<f8").reshape(cols, rows)
    out = {"numpy": np.__version__, "scipy": __import__("scipy").__version__}

    t = time.perf_counter()
    default = [wasserstein_normed(ref[i], cur[i]) for i in range(cols)]
    out["default_s"] = time.perf_counter() - t

    t = time.perf_counter()
    ks = [stats.ks_2samp(ref[i], cur[i]).pvalue for i in range(cols)]
    ps = [psi(ref[i], cur[i]) for i in range(cols)]
    ws = [wasserstein_normed(ref[i], cur[i]) for i in range(cols)]
    out["ks_psi_wass_s"] = time.perf_counter() - t
    out["wasserstein"] = default
    out["ks_p"] = ks
    out["psi"] = ps
    out["wass"] = ws
    print(json.dumps(out))


if __name__ == "__main__":
    main()
