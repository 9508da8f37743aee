#!/usr/bin/env bash
# Parses every message in $ANTWORT_DATA/raw_emails/ (1,000 SpamAssassin
# mails and 90 enmime test fixtures, one raw RFC 5322 message per file) with
# 'antwort parse' and reports the outcome of each: parsed (to answer or
# machine mail) or rejected with a reason. The target: 0 panics, 0 hangs,
# every message accounted for. Skips cleanly when the data is absent.
#
#   bench/raw_emails.sh                 # summary on stdout, details in bench/out/raw_emails.*
#   ANTWORT_DATA=/path/to/data bench/raw_emails.sh
set -euo pipefail
cd "$(dirname "$0")/.."
DATA="${ANTWORT_DATA:-../shared/data}/raw_emails"
if [ ! -d "$DATA" ]; then
  echo "bench: $DATA not found; nothing to measure (set ANTWORT_DATA)"; exit 0
fi
mkdir -p bench/out
go build -o bench/out/antwort ./cmd/antwort

# The files have no .eml extension, so each is named as eml:FILE.
mapfile -t files < <(find "$DATA/spamassassin" "$DATA/enmime_testdata" -type f ! -name 'LICENSE*' ! -name '*.md' | sort)
args=()
for f in "${files[@]}"; do args+=("eml:$f"); done
echo "bench: parsing ${#files[@]} files from $DATA" >&2

status=0
start=$(date +%s.%N)
# A hang would hit the timeout (exit 124); a panic exits with 2 and a stack trace.
/usr/bin/time -f "%e s wall, %M KB max RSS" -o bench/out/raw_emails.time \
  timeout 600 bench/out/antwort parse --format jsonl "${args[@]}" \
  > bench/out/raw_emails.jsonl 2> bench/out/raw_emails.stderr || status=$?
end=$(date +%s.%N)

panics=$(grep -c '^panic:\|^goroutine [0-9]* \[running\]' bench/out/raw_emails.stderr || true)
parsed=$(wc -l < bench/out/raw_emails.jsonl)
rejected=$(grep -c '^antwort: skipped ' bench/out/raw_emails.stderr || true)
echo "files:     ${#files[@]}"
echo "exit:      $status (0 = all parsed, 3 = some rejected, 124 = timeout/hang, 2 = panic)"
echo "panics:    $panics"
echo "hang:      $([ "$status" = 124 ] && echo yes || echo no)"
echo "parsed:    $parsed"
echo "rejected:  $rejected"
echo "accounted: $((parsed + rejected)) of ${#files[@]}"
echo "time:      $(tail -1 bench/out/raw_emails.time)"
echo
sed -n '/^summary:/,$p' bench/out/raw_emails.stderr | grep -v '^antwort: '
echo
echo "rejected files (reason):"
grep '^antwort: skipped ' bench/out/raw_emails.stderr | sed "s|^antwort: skipped $DATA/||" | head -50
if [ "$panics" != 0 ] || [ "$status" = 124 ] || [ "$status" = 2 ] || [ $((parsed + rejected)) != "${#files[@]}" ]; then
  echo "bench: FAILED: panics, a hang, or messages not accounted for" >&2
  exit 1
fi
