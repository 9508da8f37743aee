#!/usr/bin/env bash
# Scale-out throughput: N generated mails (bench/genmail, default
# 20,000) decided by 1, 2 and 4 'antwort worker' processes on a local
# nats-server with JetStream, compared with single-process
# 'antwort batch --dry-run' on the same Maildir. Workers decide only (no
# --from): the same work as batch --dry-run, plus the round trips to NATS.
#
# For each worker count: a fresh nats-server (built from the module's
# nats-server dependency; storage in bench/out/nats/), 'antwort publish' of
# the Maildir, 'antwort models push', then W workers; the time runs from
# starting the workers until the decisions stream holds N records
# (polled every 0.1 s on the server's monitoring port), and again from the
# first decision (steady state, without the workers' start). The run fails
# unless the decisions stream ends with exactly N records (one per
# Message-ID: the stream de-duplicates by it) and the inbound stream empty.
#
# The full 3-worker SIGKILL test with 10,000 mails:
#   ANTWORT_NATS_MESSAGES=10000 go test ./internal/cli -run TestWorkersKilledExactlyOnce -v
#
#   bench/nats.sh                  # N=20000, workers 1 2 4
#   N=5000 WORKERS="1 2" bench/nats.sh
# Needs curl and jq; none of the public data sets. Everything goes to bench/out/.
set -euo pipefail
cd "$(dirname "$0")/.."
N="${N:-20000}"
WORKERS="${WORKERS:-1 2 4}"
OUT=bench/out/nats
mkdir -p "$OUT"
go build -o bench/out/antwort ./cmd/antwort
go build -o bench/out/nats-server github.com/nats-io/nats-server/v2
A=bench/out/antwort
if [ ! -d "$OUT/demo" ]; then
  "$A" demo --dir "$OUT/demo" > /dev/null
fi
MAIL="$OUT/mail$N"
if [ ! -d "$MAIL" ]; then
  go run ./bench/genmail -n "$N" -out "$MAIL"
fi
DB="$OUT/demo/antwort.db" KB="$OUT/demo/kb"
now() { date +%s.%N; }
secs() { echo "$1 $2" | awk '{printf "%.2f", $2 - $1}'; }
rate() { echo "$1 $2 $3" | awk '{printf "%.0f", $1 / ($3 - $2)}'; }

echo "== $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), N=$N"
t0=$(now)
"$A" batch --db "$DB" --kb "$KB" --in "maildir:$MAIL" --dry-run --out "jsonl:$OUT/batch.jsonl" 2> "$OUT/batch.stderr"
t1=$(now)
echo "batch --dry-run (one process, --workers $(nproc)): $(wc -l < "$OUT/batch.jsonl") decisions in $(secs "$t0" "$t1") s = $(rate "$N" "$t0" "$t1") mails/s"

PORT=$((42000 + RANDOM % 1000)) MPORT=$((43000 + RANDOM % 1000))
URL="nats://127.0.0.1:$PORT"
pids=()
cleanup() { for p in "${pids[@]:-}"; do [ -n "$p" ] && kill "$p" 2> /dev/null || true; done; wait 2> /dev/null || true; }
trap cleanup EXIT
decisions() { curl -s "http://127.0.0.1:$MPORT/jsz?streams=true" | jq '[.account_details[]?.stream_detail[]? | select(.name=="ANTWORT_DECISIONS") | .state.messages] | add // 0'; }

for W in $WORKERS; do
  rm -rf "$OUT/store" "$OUT"/wkb*
  bench/out/nats-server -js -sd "$OUT/store" -a 127.0.0.1 -p "$PORT" -m "$MPORT" > "$OUT/nats-server.log" 2>&1 &
  server=$!
  pids=("$server")
  for _ in $(seq 50); do curl -s "http://127.0.0.1:$MPORT/healthz" > /dev/null && break; sleep 0.1; done
  p0=$(now)
  "$A" publish --nats "$URL" --in "maildir:$MAIL" > "$OUT/publish.json" 2> "$OUT/publish.stderr"
  p1=$(now)
  "$A" models push --nats "$URL" --db "$DB" --kb "$KB" --wait 0 > /dev/null 2>&1
  w0=$(now)
  for i in $(seq "$W"); do
    "$A" worker --nats "$URL" --kb "$OUT/wkb$i" --name "bench$i" --listen "" > /dev/null 2> "$OUT/worker$i.stderr" &
    pids+=($!)
  done
  first=""
  while :; do
    d=$(decisions)
    if [ -z "$first" ] && [ "$d" -gt 0 ]; then first=$(now); fd=$d; fi
    [ "$d" -ge "$N" ] && break
    sleep 0.1
  done
  w1=$(now)
  for p in "${pids[@]:1}"; do kill -TERM "$p"; done
  for p in "${pids[@]:1}"; do wait "$p" || true; done
  sleep 1
  dup=$(decisions)
  left=$(curl -s "http://127.0.0.1:$MPORT/jsz?streams=true" | jq '[.account_details[]?.stream_detail[]? | select(.name=="ANTWORT_IN") | .state.messages] | add // 0')
  if [ "$dup" != "$N" ] || [ "$left" != 0 ]; then echo "bench: FAILED: $dup decisions for $N mails, $left left in the inbound stream" >&2; exit 1; fi
  echo "publish: $N mails in $(secs "$p0" "$p1") s = $(rate "$N" "$p0" "$p1") mails/s"
  echo "$W worker(s): $dup decisions in $(secs "$w0" "$w1") s = $(rate "$N" "$w0" "$w1") mails/s from start; $(rate "$((N - fd))" "$first" "$w1") mails/s from the first decision"
  kill -TERM "$server"; wait "$server" || true
  pids=()
done
