#!/usr/bin/env bash
# Learned tables benchmark (docs/benchmarks.md, "Tables: learned synthesis and quality"):
#   1. hyv fit and hyv sample speed on a deterministic 100k x 15 mixed-type table
#      (bench/make_mixed_table.py), rows/s from wall-clock and from CPU time (user + sys);
#   2. quality on real data sets Debian ships (python3-sklearn, python3-statsmodels): fit on one
#      half, sample as many rows, score against that half with the other half as holdout.
# SDV's GaussianCopulaSynthesizer is not in Debian; its published figures are printed beside ours.
# Environment: BUILD (default build), FIT_ROWS (100000), SAMPLE_ROWS (1000000), ROUNDS (3).
set -euo pipefail
cd "$(dirname "$0")/.."

BUILD=${BUILD:-build}
FIT_ROWS=${FIT_ROWS:-100000}
SAMPLE_ROWS=${SAMPLE_ROWS:-1000000}
ROUNDS=${ROUNDS:-3}
PY=/usr/bin/python3
if [ ! -x "$BUILD/hyv" ]; then
  cmake -S . -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release > /dev/null
  cmake --build "$BUILD" --target hyv > /dev/null
fi
HYV=$(realpath "$BUILD/hyv")
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

# seconds (wall) and seconds (user + sys) of a command, as "WALL CPU"
timed() {
  local t0 t1 c0 c1
  c0=$(awk '{print $14 + $15 + $16 + $17}' /proc/$$/stat)
  t0=$(date +%s.%N)
  "$@" > /dev/null 2>&1
  t1=$(date +%s.%N)
  c1=$(awk '{print $14 + $15 + $16 + $17}' /proc/$$/stat)
  awk -v a="$t0" -v b="$t1" -v c="$c0" -v d="$c1" -v hz="$(getconf CLK_TCK)" \
    'BEGIN { printf "%.3f %.3f\n", b - a, (d - c) / hz }'
}
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

echo "## Speed: $FIT_ROWS x 15 mixed table, fit; $SAMPLE_ROWS rows sampled (median of $ROUNDS)"
$PY bench/make_mixed_table.py "$FIT_ROWS" "$TMP/mixed.csv"
: > "$TMP/fit.times"
: > "$TMP/sample.times"
for _ in $(seq "$ROUNDS"); do
  timed "$HYV" fit "$TMP/mixed.csv" -o "$TMP/mixed.json" -q >> "$TMP/fit.times"
  timed "$HYV" sample "$TMP/mixed.json" --rows "$SAMPLE_ROWS" --seed 1 -o "$TMP/syn.csv" >> "$TMP/sample.times"
done
fit_wall=$(cut -d' ' -f1 "$TMP/fit.times" | median)
fit_cpu=$(cut -d' ' -f2 "$TMP/fit.times" | median)
sample_wall=$(cut -d' ' -f1 "$TMP/sample.times" | median)
sample_cpu=$(cut -d' ' -f2 "$TMP/sample.times" | median)
awk -v n="$FIT_ROWS" -v m="$SAMPLE_ROWS" -v fw="$fit_wall" -v fc="$fit_cpu" -v sw="$sample_wall" \
    -v sc="$sample_cpu" -v load="$(cut -d' ' -f1 /proc/loadavg)" 'BEGIN {
  printf "load average %s\n\n", load
  printf "| step | seconds (wall) | rows/s (wall) | rows/s (CPU time) | SDV GaussianCopula (published) | x SDV (wall) |\n"
  printf "| --- | --- | --- | --- | --- | --- |\n"
  printf "| fit %d rows | %.2f | %.0f | %.0f | ~1,700 rows/s | %.0fx |\n", n, fw, n / fw, n / fc, n / fw / 1700
  printf "| sample %d rows (CSV) | %.2f | %.0f | %.0f | ~7,700 rows/s | %.0fx |\n", m, sw, m / sw, m / sc, m / sw / 7700
}'
bytes=$(stat -c %s "$TMP/mixed.json")
echo
echo "model file: $bytes bytes for $FIT_ROWS training rows"
"$HYV" score --real "$TMP/mixed.csv" --synthetic "$TMP/syn.csv" --no-privacy --json > "$TMP/mixed.score.json"
$PY -c "import json; r=json.load(open('$TMP/mixed.score.json'))['quality']; print('quality of the $SAMPLE_ROWS sampled rows against the training table: %.3f (shapes %.3f, pair trends %.3f)' % (r['score'], r['properties']['Column Shapes'], r['properties']['Column Pair Trends']))"

echo
echo "## Quality on real data sets (fit on one half, score against it, other half as holdout)"
ROOT=/usr/lib/python3/dist-packages
if [ ! -f "$ROOT/sklearn/datasets/data/iris.csv" ] || [ ! -f "$ROOT/statsmodels/datasets/fair/fair.csv" ]; then
  # Unpack the two (architecture-independent) packages instead of installing them and their
  # dependencies: only their data files are used.
  mkdir -p "$TMP/deb"
  (cd "$TMP/deb" && apt-get download python3-sklearn python3-statsmodels > /dev/null 2>&1) || {
    echo "bench/tables_learned.sh: cannot download python3-sklearn/python3-statsmodels (apt-get update?)" >&2
    exit 1
  }
  for d in "$TMP"/deb/*.deb; do dpkg-deb -x "$d" "$TMP/root"; done
  ROOT="$TMP/root/usr/lib/python3/dist-packages"
fi
$PY bench/prepare_real_tables.py "$ROOT" "$TMP/real" > "$TMP/tables.txt"
echo
echo "| data set (package) | rows x columns | train rows | Quality | Column Shapes | Column Pair Trends | Diagnostic | DCRBaselineProtection | DCROverfittingProtection | NewRowSynthesis |"
echo "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"
while read -r name rows cols; do
  train="$TMP/real/${name}_train.csv"
  n=$(($(wc -l < "$train") - 1))
  "$HYV" fit "$train" -o "$TMP/$name.json" -q > /dev/null 2>&1
  "$HYV" sample "$TMP/$name.json" --rows "$n" --seed 1 -o "$TMP/${name}_syn.csv" 2> /dev/null
  "$HYV" score --real "$train" --synthetic "$TMP/${name}_syn.csv" \
    --holdout "$TMP/real/${name}_holdout.csv" --json > "$TMP/$name.score.json"
  case $name in iris|wine|breast_cancer) pkg=python3-sklearn ;; *) pkg=python3-statsmodels ;; esac
  $PY - "$TMP/$name.score.json" "$name ($pkg)" "$rows x $cols" "$n" <<'EOF'
import json, sys
r = json.load(open(sys.argv[1]))
q, d, p = r["quality"], r["diagnostic"], r["privacy"]
print(f"| {sys.argv[2]} | {sys.argv[3]} | {sys.argv[4]} | {q['score']:.3f} | "
      f"{q['properties']['Column Shapes']:.3f} | {q['properties']['Column Pair Trends']:.3f} | "
      f"{d['score']:.3f} | {p['DCRBaselineProtection']['score']:.2f} | "
      f"{p['DCROverfittingProtection']['score']:.2f} | {p['NewRowSynthesis']['score']:.3f} |")
EOF
done < "$TMP/tables.txt"
echo
echo "SDV GaussianCopula (published): quality ~0.85 on the adult census table."
