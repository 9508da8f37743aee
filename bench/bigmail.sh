#!/usr/bin/env bash
# Memory per mail: generates N mails of MB megabytes each (default 4 ×
# 20 MB: plain text 8bit, plain text quoted-printable, HTML only, text
# beside HTML) with bench/bigmail, trains the demo models and imports the
# sample knowledge base, then runs
#   antwort batch --in dir:... --dry-run --out jsonl:bench/out/bigmail/decisions.jsonl
# with the default workers under /usr/bin/time RUNS times (default 3) and
# prints wall time and peak RSS of each run, and the same for one mail of
# each kind alone. Needs nothing from ../shared; everything goes to
# bench/out/bigmail/ (git-ignored). ANTWORT=path runs another build.
#
#   bench/bigmail.sh
#   N=8 MB=24 RUNS=1 bench/bigmail.sh
set -euo pipefail
cd "$(dirname "$0")/.."
N="${N:-4}"
MB="${MB:-20}"
OUT=bench/out/bigmail
mkdir -p "$OUT"
A="${ANTWORT:-$OUT/antwort}"
if [ -z "${ANTWORT:-}" ]; then
  go build -o "$A" ./cmd/antwort
fi
if [ ! -d "$OUT/demo" ]; then
  "$A" demo --dir "$OUT/demo" > /dev/null
fi
MAIL="$OUT/mail-$N-$MB"
if [ ! -d "$MAIL" ]; then
  go run ./bench/bigmail -out "$MAIL" -n "$N" -mb "$MB"
fi
cat "$MAIL"/* > /dev/null
echo "== $N mails of $MB MB in $MAIL ($(du -sh "$MAIL" | cut -f1)), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
for run in $(seq "${RUNS:-3}"); do
  echo "== run $run: all $N mails, default workers"
  /usr/bin/time -f "wall %e s, peak RSS %M KB" "$A" batch --db "$OUT/demo/antwort.db" --kb "$OUT/demo/kb" \
    --in "dir:$MAIL" --dry-run --out "jsonl:$OUT/decisions.jsonl" 2>&1 | grep -E "peak RSS|processed"
done
for f in "$MAIL"/*.eml; do
  echo "== one mail: $(basename "$f")"
  /usr/bin/time -f "wall %e s, peak RSS %M KB" "$A" batch --db "$OUT/demo/antwort.db" --kb "$OUT/demo/kb" \
    --in "eml:$f" --dry-run --out "jsonl:$OUT/decisions.jsonl" 2>&1 | grep -E "peak RSS"
done
