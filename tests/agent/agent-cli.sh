#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# The real xenballoon-agent binary, end to end without Xen: every kernel
# fixture and this machine's own /proc give a record that --check (the
# parser dom0 uses) accepts; corrupted copies are rejected with a reason;
# options, the loop, --count and SIGTERM behave.
#
# usage: agent-cli.sh AGENT FIXTURES_DIR
set -u

AGENT=$1
FIXTURES=$2
TMP=$(mktemp -d "${TMPDIR:-/tmp}/xb-agent-cli.XXXXXX") || exit 1
trap 'rm -rf "$TMP"' EXIT
fails=0
tests=0

fail()
{
    echo "FAIL: $*"
    fails=$((fails + 1))
}

ok()
{
    tests=$((tests + 1))
}

# expect_check NAME WANT INPUT: WANT is "ok" or a reason substring.
expect_check()
{
    name=$1 want=$2 input=$3
    ok
    out=$(printf '%s\n' "$input" | "$AGENT" --check)
    rc=$?
    if [ "$want" = ok ]; then
        [ "$rc" -eq 0 ] && [ "$out" = ok ] ||
            fail "$name: want ok, got rc=$rc '$out' for '$input'"
    else
        case $out in
        "rejected: "*"$want"*)
            [ "$rc" -eq 1 ] || fail "$name: rejected but rc=$rc" ;;
        *)
            fail "$name: want 'rejected: ...$want...', got rc=$rc '$out'" ;;
        esac
    fi
}

# expect_rc NAME WANT_RC CMD...
expect_rc()
{
    name=$1 want=$2
    shift 2
    ok
    "$@" >"$TMP/out" 2>"$TMP/err" </dev/null
    rc=$?
    [ "$rc" -eq "$want" ] ||
        fail "$name: rc=$rc, want $want; stderr: $(cat "$TMP/err")"
}

# Each fixture, and the real /proc (root "/", the default).
for root in "$FIXTURES"/linux-* default; do
    name=$(basename "$root")
    if [ "$root" = default ]; then
        rec=$("$AGENT" --once --dry-run --no-psi-trigger)
    else
        rec=$("$AGENT" --once --dry-run --root "$root")
    fi
    rc=$?
    ok
    [ "$rc" -eq 0 ] || fail "$name: --once --dry-run exited $rc"
    lines=$(printf '%s\n' "$rec" | wc -l)
    ok
    [ "$lines" -eq 1 ] || fail "$name: $lines lines of output"
    case $rec in
    "v=1 seq=1 total="*) ok ;;
    *) fail "$name: unexpected record '$rec'" ;;
    esac
    expect_check "$name" ok "$rec"
    # A digit replaced by a letter.
    bad=$(printf '%s' "$rec" | sed 's/total=\([0-9]\)/total=x/')
    expect_check "$name letter" "key 'total': not a number" "$bad"
    # A duplicated key.
    dup=$(printf '%s' "$rec" | sed 's/ \(free=[0-9]*\)/ \1 \1/')
    expect_check "$name duplicate" "duplicate key 'free'" "$dup"
    # Truncated in the middle of a value's key.
    cut=$(printf '%s' "$rec" | sed 's/ free=.*/ free=/')
    expect_check "$name truncated" "key 'free': empty value" "$cut"
    # free above total.
    big=$(printf '%s' "$rec" | sed 's/ free=[0-9]*/ free=17179869184/')
    expect_check "$name free>total" "free exceeds total" "$big"
done

# Exact record from the Debian 12 PV fixture (balloon and PSI included).
ok
rec=$("$AGENT" --once --dry-run --root "$FIXTURES/linux-6.1-xen-pv")
want="v=1 seq=1 total=985432 free=402816 avail=689380 buf=25516 cached=318940 commit=498212 swt=524284 swf=524284 anon=142660 bal=1048576 pswpin=0 pswpout=0 majflt=2154 refault=1287 oom=0 psis=40321 psif=15820"
[ "$rec" = "$want" ] || fail "6.1 exact: got '$rec'"

# --check on odd input.
expect_check "empty stdin" "empty record" ""
expect_check "version 2" "unsupported version" "v=2 seq=1 total=2 free=1"
long="v=1 seq=1 total=2 free=1 pad=1$(printf '%01100d' 0)"
expect_check "oversized" "over the 1024-byte cap" "$long"
ok
out=$(printf 'v=1 seq=1 total=2 free=1' | "$AGENT" --check)
[ "$out" = ok ] || fail "no trailing newline: '$out'"

# Options and exit codes.
expect_rc "version" 0 "$AGENT" -V
ok
grep -q '^xenballoon-agent [0-9]' "$TMP/out" || fail "-V: $(cat "$TMP/out")"
expect_rc "help" 0 "$AGENT" -h
expect_rc "unknown option" 2 "$AGENT" --bogus
expect_rc "stray argument" 2 "$AGENT" --dry-run extra
expect_rc "bad interval" 2 "$AGENT" --interval 1s
expect_rc "negative interval" 2 "$AGENT" --interval -5
expect_rc "zero heartbeat" 2 "$AGENT" --heartbeat 0
expect_rc "zero count" 2 "$AGENT" --count 0
expect_rc "missing root" 1 "$AGENT" --once --dry-run --root "$TMP/nonexistent"
ok
grep -q 'meminfo' "$TMP/err" || fail "missing root: stderr '$(cat "$TMP/err")'"
# Too-fast interval is clamped with a warning, not refused.
expect_rc "clamped interval" 0 "$AGENT" --dry-run --interval 10 --count 2 \
    --root "$FIXTURES/linux-5.10"
ok
grep -q 'too fast' "$TMP/err" || fail "clamp: no warning"

# The loop: a steady fixture publishes once, then only heartbeats.  12
# samples at 100 ms span 1.1 s; with a 1 s heartbeat that is 2 records.
expect_rc "loop" 0 "$AGENT" --dry-run --interval 100 --count 12 \
    --heartbeat 1 --root "$FIXTURES/linux-4.19"
ok
n=$(wc -l <"$TMP/out")
[ "$n" -eq 2 ] || fail "loop: $n records, want 2: $(cat "$TMP/out")"
ok
sed -n 2p "$TMP/out" | grep -q '^v=1 seq=2 ' || fail "loop: second seq"
while read -r line; do
    expect_check "loop record" ok "$line"
done <"$TMP/out"

# SIGTERM: exits 0 promptly (the signal is only unblocked in ppoll).
"$AGENT" --dry-run --interval 100 --root "$FIXTURES/linux-3.10" \
    >"$TMP/sig" 2>&1 &
pid=$!
sleep 0.5
kill -TERM "$pid"
wait "$pid"
rc=$?
ok
[ "$rc" -eq 0 ] || fail "SIGTERM: rc=$rc"
ok
head -n 1 "$TMP/sig" | grep -q '^v=1 seq=1 ' || fail "SIGTERM: no record"

echo "$tests checks, $fails failed"
[ "$fails" -eq 0 ]
