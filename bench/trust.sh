#!/usr/bin/env bash
# Automatic answers by a target error rate, on public data and on the
# held-out test inbox:
#   1. Banking77: the send rule for at most 1 % wrong, fitted on out-of-fold
#      predictions of the training split only, measured on the test split
#      (auto.coverage, auto.precision).
#   2. Banking77 with the first 10 training examples of each intent (in
#      file order): calibration (ECE) and the rule for at most 5 % wrong.
#   3. The held-out test inbox (testdata/inbox): the demo's rule (10 %)
#      fitted on the demo's training mails; automation rate and wrong
#      automatic answers.
# Data path from ANTWORT_DATA (default ../shared/data); parts 1 and 2 are
# skipped when Banking77 is absent.
#
#   bench/trust.sh
set -euo pipefail
cd "$(dirname "$0")/.."
DATA="${ANTWORT_DATA:-../shared/data}"
mkdir -p bench/out
go build -o bench/out/antwort ./cmd/antwort
A=bench/out/antwort
summary() { # eval JSON file
  python3 - "$1" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
a = r["auto"]
print("n_train %d, accuracy %.4f, ECE %.4f; auto: coverage %.4f, precision %.4f (%d sent, %d wrong), fitted on %s" % (
    r["n_train"], r["accuracy"], r["ece"], a["coverage"], a["precision"], a["sent"], a["wrong"], a["fitted_on"]))
PY
}
B77="$DATA/banking77/banking77.jsonl"
if [ -f "$B77" ]; then
  echo "== Banking77, --max-wrong 0.01 (rule fitted on the training split, measured on the test split)"
  "$A" eval --data "$B77" --train-split train --test-split test --max-wrong 0.01 --format json > bench/out/trust_b77.json
  summary bench/out/trust_b77.json
  echo "== Banking77, 10 training examples per intent, --max-wrong 0.05"
  python3 - "$B77" > bench/out/b77_10shot.jsonl <<'PY'
import json, sys
n = {}
for line in open(sys.argv[1]):
    r = json.loads(line)
    if r["split"] == "train":
        if n.get(r["label"], 0) >= 10:
            continue
        n[r["label"]] = n.get(r["label"], 0) + 1
    elif r["split"] != "test":
        continue
    print(json.dumps({"text": r["text"], "label": r["label"], "split": r["split"]}))
PY
  "$A" eval --data bench/out/b77_10shot.jsonl --train-split train --test-split test --max-wrong 0.05 --format json > bench/out/trust_b77_10.json
  summary bench/out/trust_b77_10.json
else
  echo "bench: $B77 not found; skipping Banking77 (set ANTWORT_DATA)"
fi
echo "== held-out test inbox (testdata/inbox), the demo's rule"
go test -count=1 -run 'TestInboxDecisions$' -v . | grep -E 'test inbox:|wrong automatic answer'
