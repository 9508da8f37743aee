#!/usr/bin/env bash
# Knowledge-base retrieval on the Bitext customer-support set (from the
# public data sets in ANTWORT_DATA). Builds, in bench/out/ only (the data's licence is CDLA-Sharing:
# nothing derived from it is committed), one English article per intent:
# body = the intent's first train answer, questions = its first 20 train
# questions. Queries = the test split. Measures text matching alone, then
# fused with an intent model trained on the train split.
set -euo pipefail
cd "$(dirname "$0")/.."
DATA="${ANTWORT_DATA:-../shared/data}/bitext_customer_support/bitext_customer_support.jsonl"
if [ ! -f "$DATA" ]; then echo "bench: $DATA not found; skipping"; exit 0; fi
mkdir -p bench/out
go build -o bench/out/antwort ./cmd/antwort
A=bench/out/antwort
python3 - "$DATA" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
arts = {}
for r in rows:
    if r["split"] != "train":
        continue
    a = arts.setdefault(r["label"], {"id": r["label"], "title": r["label"].replace("_", " "), "lang": "en",
                                     "intents": [r["label"]], "body": r["answer"].replace("{{", "(").replace("}}", ")"), "questions": []})
    if len(a["questions"]) < 20:
        a["questions"].append(r["text"])
with open("bench/out/bitext_articles.jsonl", "w") as f:
    for a in arts.values():
        f.write(json.dumps(a) + "\n")
print(f"{len(arts)} articles", file=sys.stderr)
PY
rm -rf bench/out/bitext_kb bench/out/bitext.db
"$A" kb import --kb bench/out/bitext_kb bench/out/bitext_articles.jsonl
echo "== text matching alone"
"$A" kb eval --kb bench/out/bitext_kb --data "$DATA" --split test --format json | tee bench/out/bitext_text.json
"$A" train --db bench/out/bitext.db --task intent --data "$DATA" --split train --format text | head -3
echo "== fused with the intent model"
"$A" kb eval --kb bench/out/bitext_kb --db bench/out/bitext.db --data "$DATA" --split test --format json | tee bench/out/bitext_fused.json
