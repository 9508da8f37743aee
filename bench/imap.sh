#!/usr/bin/env bash
# IMAP figures, against a throwaway Dovecot on loopback (a child process;
# needs the Debian package dovecot-imapd, which .ci/run installs):
#
#   1. initial sync of N generated mails (default 10,000) from Dovecot,
#      against the Maildir batch rate measured in the same run, each as a
#      dry run (read and decide) and as a real run (journal and drafts; for
#      IMAP also $antwort-done on every mail);
#   2. --watch latency: WATCH mails (default 200) appended one a second,
#      from APPEND until the decision is written and until the draft is in
#      Drafts (p50, p99, max);
#   3. Dovecot killed (SIGKILL) and restarted KILLS times (default 3) during
#      a run over the N mails: each mail decided exactly once, no draft
#      twice, every mail marked.
#
# Mails come from bench/genmail, the models and knowledge base from
# 'antwort demo' (as in bench/batch.sh). Everything goes to bench/out/imap/
# (git-ignored). Timings on a shared machine are noisy: run it more than
# once (RUNS) and report ranges.
#
#   bench/imap.sh                     # 10,000 mails, 200 watched, 3 kills
#   N=2000 WATCH=20 RUNS=1 bench/imap.sh
#   ONLY=watch bench/imap.sh          # one part: sync, watch or crash
set -euo pipefail
cd "$(dirname "$0")/.."
N="${N:-10000}"
WATCH="${WATCH:-200}"
KILLS="${KILLS:-3}"
RUNS="${RUNS:-1}"
ONLY="${ONLY:-}"
OUT=bench/out/imap
mkdir -p "$OUT"
if ! command -v dovecot >/dev/null && [ ! -x /usr/sbin/dovecot ]; then
  echo "bench/imap.sh: dovecot is not installed (apt-get install -y dovecot-imapd)"; exit 1
fi
go build -o bench/out/antwort ./cmd/antwort
go build -o bench/out/imapbench ./bench/imapbench
A=bench/out/antwort
if [ ! -d "$OUT/demo" ]; then
  "$A" demo --dir "$OUT/demo" > /dev/null
fi
if [ ! -d "$OUT/mail$N" ]; then
  go run ./bench/genmail -n "$N" -out "$OUT/mail$N"
fi
common=(-antwort "$A" -db "$OUT/demo/antwort.db" -kb "$OUT/demo/kb" -dir "$OUT/work")
echo "== reading the Maildir once: $( { /usr/bin/time -f "%e s" sh -c "find '$OUT/mail$N' -type f -print0 | xargs -0 cat > /dev/null"; } 2>&1 )"
for run in $(seq "$RUNS"); do
  echo "== run $run ($(nproc) cores, load: $(cut -d' ' -f1-3 /proc/loadavg))"
  if [ -z "$ONLY" ] || [ "$ONLY" = sync ]; then
    echo "-- initial sync of $N mails"
    bench/out/imapbench sync "${common[@]}" -mail "$OUT/mail$N"
  fi
  if [ -z "$ONLY" ] || [ "$ONLY" = watch ]; then
    echo "-- --watch: $WATCH mails, one a second"
    bench/out/imapbench watch "${common[@]}" -mail "$OUT/mail$N" -n "$WATCH"
  fi
  if [ -z "$ONLY" ] || [ "$ONLY" = crash ]; then
    echo "-- $N mails, Dovecot killed and restarted $KILLS times"
    bench/out/imapbench crash "${common[@]}" -mail "$OUT/mail$N" -kills "$KILLS"
  fi
done
