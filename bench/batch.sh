#!/usr/bin/env bash
# Batch throughput: generates a Maildir of N mails with
# bench/genmail (default 100,000), trains the demo models and imports the
# sample knowledge base, then runs
#   antwort batch --in maildir:... --dry-run --out jsonl:...
# under /usr/bin/time RUNS times (default 3) and prints mails/s, CPU time
# and peak RSS of each run. The Maildir is read once before (timed and
# printed): the runs measure the work with the mails in the page cache, as a
# spool the mail server has just written is; the machine's memory manager
# evicts idle files, and a run that has to read them from disk first is
# slower (see docs/performance.md). Needs none of the public data sets. Everything goes to
# bench/out/ (git-ignored).
#
#   bench/batch.sh            # 100,000 mails, 3 runs
#   N=20000 RUNS=1 bench/batch.sh
#   BASE=/tmp/antwort-old bench/batch.sh   # each run twice: the BASE binary, then this build
#   BASE=/tmp/antwort-old BASE_DEMO=bench/out/batch/demo-old bench/batch.sh
#
# With BASE, the two builds alternate on the same mails in one run of the
# script, so a change's effect is measured under the same load; the script
# also says whether both wrote the same decisions (as sorted lines, and in
# the same order). A build that cannot read this build's models (an older
# model format) gets a demo of its own with BASE_DEMO (made by its own
# 'demo' command when the directory is absent); its decisions then come
# from other models and are not compared.
set -euo pipefail
cd "$(dirname "$0")/.."
N="${N:-100000}"
OUT=bench/out/batch
mkdir -p "$OUT"
go build -o bench/out/antwort ./cmd/antwort
A=bench/out/antwort
if [ ! -d "$OUT/demo" ]; then
  "$A" demo --dir "$OUT/demo" > /dev/null
fi
if [ -n "${BASE_DEMO:-}" ] && [ ! -d "$BASE_DEMO" ]; then
  "$BASE" demo --dir "$BASE_DEMO" > /dev/null
fi
if [ ! -d "$OUT/mail$N" ]; then
  go run ./bench/genmail -n "$N" -out "$OUT/mail$N"
fi
echo "== reading the Maildir once: $( { /usr/bin/time -f "%e s" sh -c "find '$OUT/mail$N' -type f -print0 | xargs -0 cat > /dev/null"; } 2>&1 )"
builds=("$A")
prev=""
for run in $(seq "${RUNS:-3}"); do
  if [ -n "${BASE:-}" ]; then # alternate which build goes first
    if [ $((run % 2)) = 1 ]; then builds=("$BASE" "$A"); else builds=("$A" "$BASE"); fi
  fi
  for bin in "${builds[@]}"; do
    name=this; demo="$OUT/demo"
    if [ "$bin" = "${BASE:-}" ]; then name=base; demo="${BASE_DEMO:-$OUT/demo}"; fi
    rm -f "$OUT/decisions-$name.jsonl"
    echo "== run $run ($name build $bin): antwort batch --dry-run over $N mails ($(nproc) cores, load: $(cut -d' ' -f1-3 /proc/loadavg))"
    /usr/bin/time -f "wall %e s, CPU user %U s + sys %S s, peak RSS %M KB" "$bin" batch --db "$demo/antwort.db" --kb "$demo/kb" \
      --in "maildir:$OUT/mail$N" --dry-run --out "jsonl:$OUT/decisions-$name.jsonl"
    echo "decisions written: $(wc -l < "$OUT/decisions-$name.jsonl")"
    if [ "$name" = this ]; then
      if [ -n "$prev" ]; then
        cmp -s "$prev" "$OUT/decisions-this.jsonl" && echo "same file as the previous run of this build: yes" || echo "same file as the previous run of this build: no"
      fi
      prev="$OUT/decisions-this.prev.jsonl"; cp "$OUT/decisions-this.jsonl" "$prev"
    fi
  done
  if [ -n "${BASE:-}" ] && [ -n "${BASE_DEMO:-}" ]; then
    echo "decisions not compared: the base build decided with the models of $BASE_DEMO"
  elif [ -n "${BASE:-}" ]; then
    same_sorted=no; same_order=no
    cmp -s <(sort "$OUT/decisions-base.jsonl") <(sort "$OUT/decisions-this.jsonl") && same_sorted=yes
    cmp -s "$OUT/decisions-base.jsonl" "$OUT/decisions-this.jsonl" && same_order=yes
    echo "same decisions: $same_sorted; in the same order: $same_order"
  fi
done
