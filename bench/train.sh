#!/usr/bin/env bash
# Banking77 training time and accuracy: `antwort eval` on the Banking77
# train split (default options: C chosen on three folds, which also
# calibrate), tested on its test split, RUNS times (default 3). Prints
# train_seconds (the time of classifier.Train), the CPU time of the whole
# eval process, accuracy, macro-F1 and ECE of each run.
#
#   bench/train.sh
#   BASE=/tmp/antwort-old bench/train.sh   # each run twice: BASE, then this build
#
# With BASE the two builds alternate (each first in every other run), so a
# change's effect is measured under the same load. Needs
# $ANTWORT_DATA/banking77 (skips cleanly when absent). Everything goes to
# bench/out/train/.
set -euo pipefail
cd "$(dirname "$0")/.."
DATA="${ANTWORT_DATA:-../shared/data}"
B77="$DATA/banking77/banking77.jsonl"
if [ ! -f "$B77" ]; then
  echo "bench: $B77 not found; nothing to measure (set ANTWORT_DATA)"; exit 0
fi
OUT=bench/out/train
mkdir -p "$OUT"
go build -o bench/out/antwort ./cmd/antwort
A=bench/out/antwort
printf '%-6s %-5s %8s %8s %8s %9s %7s  %s\n' run build "train s" "CPU s" "acc %" "macroF1 %" ECE load
for run in $(seq "${RUNS:-3}"); do
  builds=("$A")
  if [ -n "${BASE:-}" ]; then
    if [ $((run % 2)) = 1 ]; then builds=("$BASE" "$A"); else builds=("$A" "$BASE"); fi
  fi
  for bin in "${builds[@]}"; do
    name=this; [ "$bin" = "${BASE:-}" ] && name=base
    load=$(cut -d' ' -f1 /proc/loadavg)
    /usr/bin/time -f "%U %S" -o "$OUT/time-$name" "$bin" eval --data "$B77" --train-split train --test-split test \
      --format json > "$OUT/eval-$name.json"
    python3 - "$OUT/eval-$name.json" "$OUT/time-$name" "$run" "$name" "$load" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
u, s = map(float, open(sys.argv[2]).read().split()[-2:])
print(f"{sys.argv[3]:6} {sys.argv[4]:5} {r['train_seconds']:8.2f} {u + s:8.2f} {100 * r['accuracy']:8.2f} "
      f"{100 * r['macro_f1']:9.2f} {r['ece']:7.4f}  {sys.argv[5]}")
PY
  done
done
