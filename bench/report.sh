#!/usr/bin/env bash
# Reproduces the evaluation-report figures in docs/performance.md
# on Banking77 from the public data sets in ANTWORT_DATA (not part of this repository); skips
# cleanly when it is absent. Everything goes to bench/out/report/.
#
#   bench/report.sh            # report timing, browser check, threshold advice
#
# 1. Times `antwort eval --report` on Banking77 (train split → test split).
# 2. Renders index.html in headless Chromium, when installed (Debian package
#    chromium), and checks that every image loaded; takes a screenshot.
#    Without Chromium the check is skipped (the Go tests check the files).
# 3. Threshold advice at 95 % precision, fitted on a development split carved
#    from the training data (stratified, seed 1) and applied to the test split:
#    a) with `antwort eval --dev-fraction 0.2` (one command);
#    b) with `antwort policy suggest` on a stored model trained without the
#       development split, then `antwort eval --policy` on the test split,
#       per-intent (joint, each) against one threshold, without and with a
#       safety margin (--confidence 0.9).
#    c) fitted instead on out-of-fold predictions of the whole training split
#       (--advice-folds 5: five models, each trained on four fifths of it, the
#       evaluated model on all of it): `antwort eval --advice-folds 5` without
#       and with a margin (--confidence 0.95), with seeds 2 and 3 (other
#       folds and training seeds), and `antwort policy suggest
#       --advice-folds 5` on a stored model trained on the whole training
#       split, then `antwort eval --policy` on the test split.
set -euo pipefail
cd "$(dirname "$0")/.."
DATA="${ANTWORT_DATA:-../shared/data}"
B77="$DATA/banking77/banking77.jsonl"
if [ ! -f "$B77" ]; then
  echo "bench/report.sh: $B77 not found; nothing to measure (set ANTWORT_DATA)"; exit 0
fi
OUT=bench/out/report
rm -rf "$OUT"; mkdir -p "$OUT"
go build -o "$OUT/antwort" ./cmd/antwort
A="$OUT/antwort"

echo "== 1. Banking77 report (train → test), timed" >&2
start=$(date +%s.%N)
"$A" eval --data "$B77" --train-split train --test-split test --report "$OUT/b77" --format text > "$OUT/b77.txt"
end=$(date +%s.%N)
secs=$(python3 -c "print(f'{$end-$start:.1f}')")
cat "$OUT/b77.txt"
echo "report generated in $secs s (target ≤ 30 s): $OUT/b77/index.html"
python3 - "$OUT/b77" <<'PY'
import struct, sys, os, glob
for f in sorted(glob.glob(os.path.join(sys.argv[1], "*.png"))):
    with open(f, "rb") as fh:
        head = fh.read(24)
    w, h = struct.unpack(">II", head[16:24])
    print(f"  {os.path.basename(f):18} {w}x{h} px, {os.path.getsize(f)//1024} KiB (+ {os.path.getsize(f[:-4]+'.svg')//1024} KiB SVG)")
PY

echo "== 2. browser check" >&2
CHROME=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$CHROME" ]; then
  echo "chromium not installed (apt-get install -y chromium); browser check skipped"
else
  # A copy of the page beside the original (same relative image paths) that
  # writes, once everything has loaded, how many images loaded and which did not.
  python3 - "$OUT/b77" <<'PY'
import sys, os
d = sys.argv[1]
html = open(os.path.join(d, "index.html"), encoding="utf-8").read()
probe = """<script>
window.addEventListener('load', () => {
  const imgs = [...document.images];
  const bad = imgs.filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.getAttribute('src'));
  const p = document.createElement('pre'); p.id = 'image-check';
  p.textContent = 'IMAGES ' + imgs.length + ' LOADED ' + (imgs.length - bad.length) + ' FAILED [' + bad.join(' ') + ']';
  document.body.appendChild(p);
});
</script>"""
open(os.path.join(d, "check.html"), "w", encoding="utf-8").write(html.replace("</body>", probe + "</body>"))
PY
  FLAGS=(--headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking
         --disable-component-update --disable-sync --user-data-dir="$(mktemp -d)")
  url="file://$(cd "$OUT/b77" && pwd)"
  result=$(timeout 120 "$CHROME" "${FLAGS[@]}" --virtual-time-budget=10000 --dump-dom "$url/check.html" 2>/dev/null | grep -o 'IMAGES [0-9][^<]*' || true)
  rm -f "$OUT/b77/check.html"
  echo "chromium: ${result:-no result}"
  timeout 120 "$CHROME" "${FLAGS[@]}" --user-data-dir="$(mktemp -d)" --window-size=1400,3000 --screenshot="$OUT/b77-screenshot.png" "$url/index.html" >/dev/null 2>&1 || true
  [ -f "$OUT/b77-screenshot.png" ] && echo "screenshot: $OUT/b77-screenshot.png"
  case "$result" in
    *"FAILED []"*) ;;
    *) echo "browser check FAILED"; exit 1 ;;
  esac
fi

echo "== 3a. threshold advice: eval --dev-fraction 0.2" >&2
"$A" eval --data "$B77" --train-split train --test-split test --dev-fraction 0.2 --precision 0.95 --format json > "$OUT/advice-eval.json"

echo "== 3b. threshold advice: policy suggest on a dev split, eval --policy on test" >&2
# Carve the dev split: per label, a seeded shuffle, 20 % to "dev", the rest "fit".
python3 - "$B77" "$OUT/b77-dev.jsonl" <<'PY'
import json, random, sys
rows = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]
by = {}
for i, r in enumerate(rows):
    if r["split"] == "train":
        by.setdefault(r["label"], []).append(i)
rng = random.Random(1)
for label in sorted(by):
    idx = by[label]; rng.shuffle(idx)
    k = round(0.2 * len(idx))
    for j, i in enumerate(idx):
        rows[i]["split"] = "dev" if j < k else "fit"
with open(sys.argv[2], "w", encoding="utf-8") as f:
    for r in rows:
        f.write(json.dumps(r, ensure_ascii=False) + "\n")
PY
DB="$OUT/b77.db"
"$A" train --db "$DB" --task intent --data "$OUT/b77-dev.jsonl" --split fit > /dev/null
suggest() { # name extra-args...
  local name=$1; shift
  "$A" policy suggest --db "$DB" --data "$OUT/b77-dev.jsonl" --split dev --precision 0.95 "$@" --out "$OUT/policy-$name.yaml" > "$OUT/suggest-$name.json" 2>/dev/null
  "$A" eval --db "$DB" --model intent --test "$OUT/b77-dev.jsonl" --test-split test --policy "$OUT/policy-$name.yaml" --format json > "$OUT/policy-$name-test.json"
}
suggest joint --mode joint
suggest each --mode each
# The single threshold alone: every intent below the minimum support.
suggest single --mode each --min-support 1000000
# With a safety margin (Wilson lower bound at 90 % confidence).
suggest joint-c90 --mode joint --confidence 0.9
suggest single-c90 --mode each --min-support 1000000 --confidence 0.9

echo "== 3c. threshold advice on out-of-fold predictions of all training data (--advice-folds 5)" >&2
"$A" eval --data "$B77" --train-split train --test-split test --advice-folds 5 --precision 0.95 --format json > "$OUT/advice-folds.json"
"$A" eval --data "$B77" --train-split train --test-split test --advice-folds 5 --precision 0.95 --confidence 0.95 --format json > "$OUT/advice-folds-c95.json"
for seed in 2 3; do
  "$A" eval --data "$B77" --train-split train --test-split test --advice-folds 5 --precision 0.95 --seed $seed --format json > "$OUT/advice-folds-seed$seed.json"
done
DBF="$OUT/b77-full.db"
"$A" train --db "$DBF" --task intent --data "$B77" --split train > /dev/null
suggest_folds() { # name extra-args...
  local name=$1; shift
  "$A" policy suggest --db "$DBF" --data "$B77" --split train --advice-folds 5 --precision 0.95 "$@" --out "$OUT/policy-$name.yaml" > "$OUT/suggest-$name.json" 2>/dev/null
  "$A" eval --db "$DBF" --model intent --test "$B77" --test-split test --policy "$OUT/policy-$name.yaml" --format json > "$OUT/policy-$name-test.json"
}
suggest_folds folds-joint --mode joint
suggest_folds folds-single --mode each --min-support 1000000

python3 - "$OUT" <<'PY'
import json, sys, os
o = sys.argv[1]
def load(n): return json.load(open(os.path.join(o, n)))
print("threshold advice at 95 % precision on Banking77, fitted on a 20 % dev split of train, applied to test")
print(f"{'route':52} {'dev: answered':>14} {'dev: precision':>15} {'test: answered':>15} {'test: precision':>16}")
def eval_rows(name, f):
    a = load(f)["threshold_advice"]
    print(f"{name+': per-intent':52} {100*a['expected']['coverage']:13.1f}% {100*a['expected']['precision']:14.2f}% {100*a['test']['per_intent_thresholds']['coverage']:14.1f}% {100*a['test']['per_intent_thresholds']['precision']:15.2f}%")
    print(f"{name+': one threshold':52} {100*a['single']['coverage']:13.1f}% {100*a['single']['precision']:14.2f}% {100*a['test']['single_threshold']['coverage']:14.1f}% {100*a['test']['single_threshold']['precision']:15.2f}%")
    t = a['test']
    print(f"{'':52} test answered: per-intent {t['per_intent_thresholds']['answered']}, one threshold {t['single_threshold']['answered']} of {t['single_threshold']['n']}")
eval_rows("eval --dev-fraction 0.2", "advice-eval.json")
for name, label in [("joint", "--mode joint"), ("each", "--mode each"), ("single", "one threshold"),
                    ("joint-c90", "--mode joint --confidence 0.9"), ("single-c90", "one threshold, --confidence 0.9")]:
    t = load(f"policy-{name}-test.json")["policy"]
    dev = load(f"suggest-{name}.json")["expected"]
    print(f"{'policy suggest '+label:52} {100*dev['coverage']:13.1f}% {100*dev['precision']:14.2f}% {100*t['coverage']:14.1f}% {100*t['precision']:15.2f}%")
print()
print("fitted on out-of-fold predictions of the whole training split (5 folds); 'dev' columns: the out-of-fold predictions")
eval_rows("eval --advice-folds 5", "advice-folds.json")
eval_rows("eval --advice-folds 5 --confidence 0.95", "advice-folds-c95.json")
for seed in (2, 3):
    eval_rows(f"eval --advice-folds 5 --seed {seed}", f"advice-folds-seed{seed}.json")
for name, label in [("folds-joint", "--advice-folds 5 --mode joint"), ("folds-single", "--advice-folds 5, one threshold")]:
    t = load(f"policy-{name}-test.json")["policy"]
    dev = load(f"suggest-{name}.json")["expected"]
    print(f"{'policy suggest '+label:52} {100*dev['coverage']:13.1f}% {100*dev['precision']:14.2f}% {100*t['coverage']:14.1f}% {100*t['precision']:15.2f}%  ({t['answered']} answered)")
PY
