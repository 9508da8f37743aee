#!/usr/bin/env bash
# Whole-process classification throughput against the fastText CLI, in one
# run on the same texts: 100,000 lines built from the Banking77 test texts
# (repeated), classified by
#   antwort classify < stream.jsonl            (default output: intent with
#                                               alternatives, sentiment,
#                                               explanation)
#   fasttext predict model.bin stream.txt      (word bigrams, dim 100)
# each as a whole process including the model load, best of RUNS (default 3)
# under hyperfine after one warm-up run. Both models are trained on the
# Banking77 train split first. Also times antwort on the same texts as plain
# text (--in-format text) and CSV (--in-format csv).
#
# Needs ../shared/data/banking77 (path from ANTWORT_DATA; skips cleanly when
# absent), fasttext and hyperfine (Debian: apt-get install fasttext
# hyperfine) and python3. Everything goes to bench/out/classify/
# (git-ignored).
#
#   bench/classify.sh
#   RUNS=5 N=200000 bench/classify.sh
#   BASE=/tmp/antwort-old bench/classify.sh   # also the BASE build on JSONL
#
# With BASE, another build (for example the one before a change) trains its
# own model on the same split and classifies the same JSONL in the same
# hyperfine run, so both are measured under the same load.
set -euo pipefail
cd "$(dirname "$0")/.."
DATA="${ANTWORT_DATA:-../shared/data}"
SRC="$DATA/banking77/banking77.jsonl"
if [ ! -f "$SRC" ]; then
  echo "bench: $SRC not found; nothing to measure (set ANTWORT_DATA)"; exit 0
fi
for tool in fasttext hyperfine python3; do
  if ! command -v "$tool" > /dev/null; then
    echo "bench: $tool not installed; nothing to measure (apt-get install fasttext hyperfine)"; exit 0
  fi
done
N="${N:-100000}"
RUNS="${RUNS:-3}"
OUT=bench/out/classify
mkdir -p "$OUT"
go build -o bench/out/antwort ./cmd/antwort
A=bench/out/antwort

# Inputs: the same N texts as JSONL, plain text and CSV for antwort, and
# in fastText's preprocessing (lower case, punctuation split off, as the
# peer baselines did) for fastText; training files from the train split.
python3 - "$SRC" "$OUT" "$N" <<'PY'
import csv, json, re, sys
src, out, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
rows = [json.loads(l) for l in open(src, encoding="utf-8") if l.strip()]
train = [r for r in rows if r["split"] == "train"]
# Three test texts start with newlines: one message per line needs none.
test = [" ".join(r["text"].split()) for r in rows if r["split"] == "test"]
punct = re.compile(r"([^\w\s])")
def prep(t):
    return " ".join(punct.sub(r" \1 ", t.lower()).split()) or "<empty>"
labels = sorted({r["label"] for r in train})
with open(f"{out}/train.jsonl", "w", encoding="utf-8") as f:
    for r in train:
        f.write(json.dumps({"text": r["text"], "label": r["label"]}, ensure_ascii=False) + "\n")
with open(f"{out}/train.ft", "w", encoding="utf-8") as f:
    for r in train:
        f.write(f"__label__L{labels.index(r['label'])} {prep(r['text'])}\n")
stream = (test * (n // len(test) + 1))[:n]
with open(f"{out}/stream.jsonl", "w", encoding="utf-8") as f:
    for i, t in enumerate(stream):
        f.write(json.dumps({"id": str(i + 1), "text": t}, ensure_ascii=False) + "\n")
with open(f"{out}/stream.txt", "w", encoding="utf-8") as f:
    f.write("".join(t + "\n" for t in stream))
with open(f"{out}/stream.csv", "w", encoding="utf-8", newline="") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["id", "text"])
    for i, t in enumerate(stream):
        w.writerow([str(i + 1), t])
with open(f"{out}/stream.ft", "w", encoding="utf-8") as f:
    f.write("".join(prep(t) + "\n" for t in stream))
PY

echo "== training (load: $(cut -d' ' -f1-3 /proc/loadavg))" >&2
rm -f "$OUT/antwort.db"
"$A" --db "$OUT/antwort.db" train --task intent --data "$OUT/train.jsonl" > /dev/null
fasttext supervised -input "$OUT/train.ft" -output "$OUT/ft" -epoch 25 -lr 0.5 -wordNgrams 2 -dim 100 \
  -bucket 200000 -loss softmax -thread 2 -verbose 0 -minn 0 -maxn 0 -seed 1 > /dev/null
rm -f "$OUT/ft.vec"
base=()
if [ -n "${BASE:-}" ]; then
  rm -f "$OUT/base.db"
  "$BASE" --db "$OUT/base.db" train --task intent --data "$OUT/train.jsonl" > /dev/null
  base=(-n base "$BASE --db $OUT/base.db classify < $OUT/stream.jsonl > /dev/null")
fi

echo "== $N texts, best of $RUNS whole-process runs ($(nproc) cores, load: $(cut -d' ' -f1-3 /proc/loadavg))" >&2
hyperfine --style none --warmup 1 --runs "$RUNS" --export-json "$OUT/hyperfine.json" \
  -n fasttext "fasttext predict $OUT/ft.bin $OUT/stream.ft > /dev/null" \
  -n jsonl "$A --db $OUT/antwort.db classify < $OUT/stream.jsonl > /dev/null" \
  -n text "$A --db $OUT/antwort.db classify --in-format text < $OUT/stream.txt > /dev/null" \
  -n csv "$A --db $OUT/antwort.db classify --in-format csv < $OUT/stream.csv > /dev/null" "${base[@]}" > /dev/null

python3 - "$OUT/hyperfine.json" "$N" <<'PY'
import json, sys
res = {r["command"]: r for r in json.load(open(sys.argv[1]))["results"]}
n = int(sys.argv[2])
ft = n / res["fasttext"]["min"]
print(f"{'command':32} {'best s':>7} {'texts/s':>9} {'vs fastText':>11}   (runs: s)")
names = {"fasttext": "fasttext predict", "jsonl": "antwort classify (JSONL)",
         "text": "antwort classify (text)", "csv": "antwort classify (CSV)", "base": "BASE build classify (JSONL)"}
for k in ["fasttext", "jsonl", "text", "csv", "base"]:
    if k not in res:
        continue
    r = res[k]
    rate = n / r["min"]
    runs = " ".join(f"{t:.2f}" for t in r["times"])
    print(f"{names[k]:32} {r['min']:7.3f} {rate:9,.0f} {rate / ft:10.2f}x   ({runs})")
PY
