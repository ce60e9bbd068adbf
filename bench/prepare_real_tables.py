#!/usr/bin/python3
"""Real data sets that Debian ships, as train/holdout CSV pairs for bench/tables_learned.sh.

Usage: prepare_real_tables.py DIST_PACKAGES OUT_DIR

DIST_PACKAGES holds sklearn/ and statsmodels/ (python3-sklearn, python3-statsmodels: installed, or
unpacked from their .deb files). Each table is split in halves at random with a fixed seed into
NAME_train.csv and NAME_holdout.csv with a plain header row (equal halves, as SDMetrics advises for
DCROverfittingProtection: a larger training set is closer to everything); prints one line per
table: name, rows, columns.
"""
import csv
import os
import random
import sys


def sklearn_table(path, names, target_names=None):
    with open(path, newline="") as f:
        rows = list(csv.reader(f))
    header, body = rows[0], rows[1:]
    if target_names is None:
        target_names = header[2:]
    out = []
    for r in body:
        values = r[:len(names) - 1]
        target = int(float(r[len(names) - 1]))
        out.append(values + [target_names[target] if target_names else str(target)])
    return names, out


def read_table(path, delimiter=",", quotechar='"'):
    with open(path, newline="", encoding="utf-8-sig") as f:
        rows = [r for r in csv.reader(f, delimiter=delimiter, quotechar=quotechar)]
    header = [h.strip().strip("'\"") for h in rows[0]]
    body = [[v.strip() for v in r] for r in rows[1:] if r]
    return header, body


def anes96(path):
    with open(path, newline="") as f:
        lines = f.read().splitlines()
    header = [h.strip("'") for h in lines[0].split("\t")]
    body = [line.split("\t") for line in lines[1:] if line.strip()]
    return header, body


def main():
    root, out = sys.argv[1], sys.argv[2]
    os.makedirs(out, exist_ok=True)
    sk = os.path.join(root, "sklearn", "datasets", "data")
    sm = os.path.join(root, "statsmodels", "datasets")
    tables = {}
    tables["iris"] = sklearn_table(
        os.path.join(sk, "iris.csv"),
        ["sepal_length", "sepal_width", "petal_length", "petal_width", "species"])
    wine_names = ["alcohol", "malic_acid", "ash", "alcalinity_of_ash", "magnesium",
                  "total_phenols", "flavanoids", "nonflavanoid_phenols", "proanthocyanins",
                  "color_intensity", "hue", "od280_od315", "proline", "cultivar"]
    tables["wine"] = sklearn_table(os.path.join(sk, "wine_data.csv"), wine_names)
    cancer_names = [f"feature_{i + 1}" for i in range(30)] + ["diagnosis"]
    tables["breast_cancer"] = sklearn_table(os.path.join(sk, "breast_cancer.csv"), cancer_names)
    tables["fair"] = read_table(os.path.join(sm, "fair", "fair.csv"))
    tables["randhie"] = read_table(os.path.join(sm, "randhie", "randhie.csv"))
    tables["anes96"] = anes96(os.path.join(sm, "anes96", "anes96.csv"))
    tables["modechoice"] = read_table(os.path.join(sm, "modechoice", "modechoice.csv"), ";")
    tables["star98"] = read_table(os.path.join(sm, "star98", "star98.csv"))
    for name, (header, body) in tables.items():
        rng = random.Random(7)
        order = list(range(len(body)))
        rng.shuffle(order)
        cut = len(body) // 2
        for part, idx in (("train", sorted(order[:cut])), ("holdout", sorted(order[cut:]))):
            with open(os.path.join(out, f"{name}_{part}.csv"), "w", newline="") as f:
                w = csv.writer(f, lineterminator="\n")
                w.writerow(header)
                for i in idx:
                    w.writerow(body[i])
        print(f"{name} {len(body)} {len(header)}")


if __name__ == "__main__":
    main()
