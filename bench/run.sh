#!/usr/bin/env bash
# Reproduces the figures in docs/performance.md ("Classification") on the public data sets in
# the folder named by ANTWORT_DATA (not part of this repository). Skips cleanly when they are
# absent. Writes one JSON object per data set to bench/out/ and prints a table.
#
#   bench/run.sh            # all data sets + throughput benchmarks
#   bench/run.sh banking77  # one data set
#   bench/run.sh throughput # the prediction benchmarks alone
set -euo pipefail
cd "$(dirname "$0")/.."
DATA="${ANTWORT_DATA:-../shared/data}"
if [ ! -d "$DATA" ]; then
  echo "bench: $DATA not found; nothing to measure (set ANTWORT_DATA)"; exit 0
fi
# go test runs in the package's folder: a relative path would point
# elsewhere there, and the benchmarks would skip without a word.
DATA="$(cd "$DATA" && pwd)"
export ANTWORT_DATA="$DATA"
mkdir -p bench/out
go build -o bench/out/antwort ./cmd/antwort
A=bench/out/antwort

run() { # name file extra-args...
  local name=$1 file=$2; shift 2
  if [ -n "${ONLY:-}" ] && [ "$ONLY" != "$name" ]; then return; fi
  if [ ! -f "$file" ]; then echo "bench: $file missing, skipping $name"; return; fi
  echo "== $name" >&2
  "$A" eval --data "$file" --format json "$@" > "bench/out/$name.json"
}
ONLY="${1:-}"
run banking77     "$DATA/banking77/banking77.jsonl"                                   --train-split train --test-split test
run massive_de    "$DATA/massive_de/massive_de.jsonl"                                 --train-split train --test-split test
run germeval2017  "$DATA/germeval2017/germeval2017.jsonl" --task sentiment            --split-field test_set --train-split dev --test-split test_syn
run twitter       "$DATA/twitter_us_airline_sentiment/twitter_us_airline_sentiment.jsonl" --task sentiment --train-split train --test-split test

python3 - <<'PY'
import json, glob, os
print(f"{'data set':14} {'acc %':>6} {'macroF1 %':>9} {'ECE':>6} {'cov@95 %':>8} {'train s':>7} {'pred/s (1 core, 1 pass)':>24} {'model MB':>8}")
for name in ['banking77', 'massive_de', 'germeval2017', 'twitter']:
    f = f'bench/out/{name}.json'
    if not os.path.exists(f):
        continue
    r = json.load(open(f))
    print(f"{os.path.basename(f)[:-5]:14} {100*r['accuracy']:6.2f} {100*r['macro_f1']:9.2f} {r['ece']:6.3f} "
          f"{100*r['coverage_at_precision']['0.95']:8.1f} {r['train_seconds']:7.2f} {r['predict_per_second']:24,.0f} {r['model_bytes']/1e6:8.2f}")
PY

if [ -z "$ONLY" ] || [ "$ONLY" = throughput ]; then
  echo "== throughput: Predict on Banking77 test texts (one core), and 100,000 texts on all cores" >&2
  out=$(go test -run '^$' -bench 'PredictBanking77' -benchtime 3s -count 3 ./classifier/)
  if ! grep -q '^BenchmarkPredictBanking77' <<< "$out"; then
    echo "bench: no throughput benchmark ran:" >&2; echo "$out" >&2; exit 1
  fi
  grep -E '^Benchmark|^ok' <<< "$out"
fi
