# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=sh disable=SC2020 # tr '{}' '\n\n' is meant
#
# Helpers for lab test scripts, sourced in dom0 (busybox sh) before
# /xenlab/script.sh runs.  They keep e2e scripts short: create guests,
# wait with timeouts, read xenstore and the daemon's CLI, drive each
# guest's workload, and print the verdict marker the host waits for:
#
#   XENLAB-RESULT: PASS|FAIL <reason>
#
# Sizes: *_kb are KiB, *_mb MiB.  Guests are driven through a command key
# that dom0 writes and the guest's /init polls (see guest-init.sh).

XB_CONF=/etc/xenballoon.json
XB_LOG=/var/log/xenballoon.log
XB_SOCK=$(sed -n 's/.*"socket" *: *"\([^"]*\)".*/\1/p' "$XB_CONF" \
    2>/dev/null | head -1)
XB_SOCK=${XB_SOCK:-/run/xenballoon/ctl.sock}
# Extra agent options for guests created from now on, comma-separated
# (they travel on the kernel command line), e.g. "--interval,1000".
AGENT_ARGS=${AGENT_ARGS:-}
# Seconds between polls in wait_for.
WAIT_STEP=${WAIT_STEP:-0.5}
mkdir -p /run/xenlab
[ -p /run/xenlab/tick ] || mkfifo /run/xenlab/tick

info()
{
    echo "xenlab: $*"
}

# A line the host summarises: TIMING <what> <seconds>.
timing()
{
    echo "xenlab: TIMING $1 $2s"
}

# Every fork+exec costs a PV dom0 under TCG ~0.1 s (page-table updates are
# hypercalls), so the hot helpers stay in shell builtins.

# nap SECONDS: sleep(1) without a process: a read that times out on a
# FIFO nobody writes.
nap()
{
    # shellcheck disable=SC3045 # busybox ash has read -t
    read -r -t "$1" _ <>/run/xenlab/tick
    return 0
}

# now: uptime in seconds, two decimals.
now()
{
    read -r _now _ </proc/uptime
    echo "$_now"
}

# since T0: seconds (two decimals) since the uptime T0.
since()
{
    read -r _now _ </proc/uptime
    _cs=$((${_now%.*}${_now#*.} - ${1%.*}${1#*.}))
    printf '%d.%02d' $((_cs / 100)) $((_cs % 100))
}

#### verdicts ##########################################################

diag()
{
    echo "---- diagnostics at uptime $(now)s"
    timeout 20 xl list 2>&1
    echo "host free_memory: $(timeout 10 xl info free_memory 2>&1)M"
    if command -v xenballoon-ctl >/dev/null; then
        echo "---- xenballoon-ctl status"
        ctl status 2>&1
        echo "---- daemon log (last 80 lines)"
        tail -n 80 "$XB_LOG" 2>/dev/null
    fi
    for d in $(guest_names); do
        p=$(dom_path "$d") || continue
        echo "---- $d: target=$(xs_read "$p/memory/target")" \
            "stats=$(xs_read "$p/data/xenballoon/stats")" \
            "work=$(xs_read "$p/data/xenlab-work")"
    done
    for f in /var/log/xen/console/guest-*.log; do
        [ -f "$f" ] || continue
        echo "---- $f (last 25 lines)"
        tail -n 25 "$f"
    done
    echo "---- xl dmesg (last 15 lines)"
    timeout 10 xl dmesg 2>&1 | tail -n 15
}

fail()
{
    diag
    if [ ! -e /run/xenlab-verdict ]; then
        : >/run/xenlab-verdict
        echo "XENLAB-RESULT: FAIL $*"
    fi
    exit 1
}

pass()
{
    # a fail() in a subshell already decided
    if [ ! -e /run/xenlab-verdict ]; then
        : >/run/xenlab-verdict
        echo "XENLAB-RESULT: PASS ${*:-}"
    fi
    exit 0
}

# assert DESCRIPTION COMMAND...: fail unless COMMAND succeeds.
assert()
{
    _as_d=$1
    shift
    "$@" || fail "$_as_d"
    info "ok: $_as_d"
}

# wait_for TIMEOUT_S DESCRIPTION COMMAND...: poll COMMAND until it succeeds;
# 1 on timeout.  Prints progress every 10 s.
# pace: how much slower this run is than a quiet machine (1 to 6), from
# the first guest's time to publish (about 20 s when quiet; set by
# wait_agent).  Every wait's budget is multiplied by it, so that a machine
# busy with other work gets more time exactly where it is slower, while a
# quiet one keeps its tight budgets.
pace()
{
    cat /run/xenlab/pace 2>/dev/null || echo 1
}

wait_for()
{
    _wf_t=$(($1 * $(pace)))
    _wf_d=$2
    shift 2
    _wf_t0=$(now)
    _wf_next=10
    while ! "$@"; do
        _wf_el=$(since "$_wf_t0")
        _wf_el=${_wf_el%.*}
        if [ "$_wf_el" -ge "$_wf_t" ]; then
            info "timed out after ${_wf_t}s: $_wf_d"
            return 1
        fi
        if [ "$_wf_el" -ge "$_wf_next" ]; then
            info "...${_wf_el}s waiting for $_wf_d"
            _wf_next=$((_wf_next + 10))
        fi
        nap "$WAIT_STEP"
    done
    info "after $(since "$_wf_t0")s: $_wf_d"
}

# await TIMEOUT_S DESCRIPTION COMMAND...: wait_for or fail.
await()
{
    wait_for "$@" || fail "timed out: $2"
}

# kb2mb KB: MiB, or "?" when KB is not a number.
kb2mb()
{
    case $1 in
    '' | *[!0-9]*) echo '?' ;;
    *) echo $(($1 / 1024)) ;;
    esac
}

# Integer comparisons that tolerate empty values (they fail).
le()
{
    [ -n "$1" ] && [ -n "$2" ] && [ "$1" -le "$2" ]
}
ge()
{
    [ -n "$1" ] && [ -n "$2" ] && [ "$1" -ge "$2" ]
}
# near A B TOL: |A - B| <= TOL
near()
{
    [ -n "$1" ] && [ -n "$2" ] &&
        [ $(($1 - $2)) -le "$3" ] && [ $(($2 - $1)) -le "$3" ]
}

#### xenstore and xl ###################################################

# No timeout(1) here: it doubles the cost, and a hung xenstored is caught
# by the run's own time limit.
xs_read()
{
    xenstore-read "$1" 2>/dev/null
}

# dom_id NAME: the domid, from xenstore (xl is slow under emulation),
# cached until destroy_guest.
dom_id()
{
    if read -r _di 2>/dev/null <"/run/xenlab/domid-$1"; then
        echo "$_di"
        return 0
    fi
    for _di in $(timeout 10 xenstore-list /local/domain 2>/dev/null); do
        if [ "$(xs_read "/local/domain/$_di/name")" = "$1" ]; then
            echo "$_di" >"/run/xenlab/domid-$1"
            echo "$_di"
            return 0
        fi
    done
    return 1
}

dom_path()
{
    _dp=$(dom_id "$1") || return 1
    echo "/local/domain/$_dp"
}

# Names of the guests this script created and that still exist.
guest_names()
{
    while read -r _gn; do
        [ -n "$(xs_read "/local/domain/$(dom_id "$_gn")/name")" ] &&
            echo "$_gn"
    done </run/xenlab/guests 2>/dev/null
}

host_free_mb()
{
    timeout 10 xl info free_memory 2>/dev/null
}

# Current allocation (hypervisor tot_pages), MiB, as xl list shows it.
actual_mb()
{
    timeout 10 xl list "$1" 2>/dev/null | awk 'NR == 2 { print $3 }'
}

target_kb()
{
    _tp=$(dom_path "$1") || return 1
    xs_read "$_tp/memory/target"
}

# The agent's record, e.g. "v=1 seq=4 total=... bal=131072 ...".
stats()
{
    _sp=$(dom_path "$1") || return 1
    xs_read "$_sp/data/xenballoon/stats"
}

# stat_field NAME KEY: one field of the agent's record.
stat_field()
{
    for _kv in $(stats "$1"); do
        case $_kv in
        "$2"=*)
            echo "${_kv#*=}"
            return 0
            ;;
        esac
    done
    return 1
}

# The guest's balloon (current_kb) as its agent last published it.
bal_kb()
{
    stat_field "$1" bal
}

#### guests ############################################################

# create_guest NAME MEM_MB MAXMEM_MB [WORKLOAD]: a PV guest running the
# agent; WORKLOAD is "eatmem:key=val,..." (see guest-init.sh) or empty.
# With xenlab --guest-swap, the guest also gets the next free swap disk
# (dom0's /dev/vda, vdb, ...), which its /init turns into swap.  GUEST_TYPE
# (pv by default, or pvh) is its virtualisation mode.
create_guest()
{
    _cg_n=$1
    _cg_w=${4:-}
    _cg_disk=
    _cg_swap=0
    if [ "${GUEST_SWAP:-0}" != 0 ]; then
        _cg_s=$(($(cat /run/xenlab/swap-slot 2>/dev/null || echo 0) + 1))
        echo "$_cg_s" >/run/xenlab/swap-slot
        # vda is the first disk: slot 1 is vda, 2 vdb, ...
        _cg_d=/dev/vd$(echo abcdefghijklmnop | cut -c"$_cg_s")
        if [ -b "$_cg_d" ]; then
            _cg_disk="disk = [ 'phy:$_cg_d,xvdb,w' ]"
            _cg_swap=1
        else
            info "no swap disk left for $_cg_n ($_cg_d)"
        fi
    fi
    cat >"/etc/xen/$_cg_n.cfg" <<EOF
name = "$_cg_n"
type = "${GUEST_TYPE:-pv}"
kernel = "/guest/vmlinuz"
ramdisk = "/guest/initrd"
extra = "console=hvc0 quiet xbwork=$_cg_w xbagent=$AGENT_ARGS xbswap=$_cg_swap"
memory = $2
maxmem = $3
vcpus = 1
on_crash = "preserve"
$_cg_disk
EOF
    now >"/run/xenlab/created-$_cg_n"
    if ! timeout 120 xl create -q "/etc/xen/$_cg_n.cfg"; then
        info "xl create $_cg_n failed"
        return 1
    fi
    echo "$_cg_n" >>/run/xenlab/guests
    # the command key the guest polls: dom0 writes, the guest reads
    _cg_p=$(dom_path "$_cg_n") || return 1
    xenstore-write "$_cg_p/data/xenlab-cmd" "0 none"
    xenstore-chmod "$_cg_p/data/xenlab-cmd" "n${_cg_p##*/}"
    info "created $_cg_n (${2}M, max ${3}M${_cg_w:+, $_cg_w})" \
        "in $(since "$(cat "/run/xenlab/created-$_cg_n")")s"
}

# create_guests [N [MEM [MAXMEM [WORKLOAD]]]]: g1..gN, defaults from the
# xenlab run options.  Returns 1 if any creation failed.
create_guests()
{
    _cgs_n=${1:-$XL_GUESTS}
    _cgs_i=1
    _cgs_rc=0
    while [ "$_cgs_i" -le "$_cgs_n" ]; do
        create_guest "g$_cgs_i" "${2:-$GUEST_MEM}" "${3:-$GUEST_MAXMEM}" \
            "${4:-}" || _cgs_rc=1
        _cgs_i=$((_cgs_i + 1))
    done
    return $_cgs_rc
}

agent_published()
{
    [ -n "$(stats "$1")" ]
}

# wait_agent NAME [TIMEOUT_S]: fail unless the guest's agent publishes.
wait_agent()
{
    await "${2:-120}" "$1's agent record" agent_published "$1"
    _wa_t=$(since "$(cat "/run/xenlab/created-$1")")
    timing "guest-publishing-$1" "$_wa_t"
    if [ ! -e /run/xenlab/pace ]; then
        _wa_p=$(((${_wa_t%.*} + 19) / 20))
        [ "$_wa_p" -ge 1 ] || _wa_p=1
        [ "$_wa_p" -le 6 ] || _wa_p=6
        echo "$_wa_p" >/run/xenlab/pace
        info "lab pace x$_wa_p (first guest published in ${_wa_t}s)"
    fi
}

destroy_guest()
{
    timeout 60 xl destroy "$1" || return 1
    rm -f "/run/xenlab/domid-$1"
}

# guest_cmd NAME COMMAND...: have the guest's /init run a lab command
# (work ARGS | stop | agent-kill | agent-start) and wait for its ack.
guest_cmd()
{
    _gc_n=$1
    shift
    _gc_p=$(dom_path "$_gc_n") || fail "no guest $_gc_n"
    _gc_seq=$(($(cat "/run/xenlab/seq-$_gc_n" 2>/dev/null || echo 0) + 1))
    echo "$_gc_seq" >"/run/xenlab/seq-$_gc_n"
    xenstore-write "$_gc_p/data/xenlab-cmd" "$_gc_seq $*"
    await 20 "$_gc_n acks '$*'" guest_acked "$_gc_p" "$_gc_seq"
}

guest_acked()
{
    [ "$(xs_read "$1/data/xenlab-ack")" = "$2" ]
}

# guest_work NAME EATMEM-ARGS...: replace the guest's workload.
guest_work()
{
    _gw_n=$1
    shift
    guest_cmd "$_gw_n" work "$@"
}

# The guest's current eatmem chunk, KiB (0 when none).
work_kb()
{
    _wk_p=$(dom_path "$1") || return 1
    _wk=$(xs_read "$_wk_p/data/xenlab-work")
    echo "${_wk%% *}"
}

# work_holds NAME: the guest's eatmem finished touching its chunk.  An
# eatmem that ended (exit, or died-rcN: the OOM killer) fails the test.
work_holds()
{
    _wh_p=$(dom_path "$1") || return 1
    _wh=$(xs_read "$_wh_p/data/xenlab-work")
    case $_wh in
    *hold) return 0 ;;
    *exit | *died*) fail "$1's eatmem ended ($_wh)" ;;
    esac
    return 1
}

# await_hold NAME TIMEOUT_S: wait until NAME's eatmem holds its chunk.
await_hold()
{
    await "$2" "$1's eatmem holds its chunk" work_holds "$1"
}

# One line with every guest's figures, for the log.
snapshot()
{
    _sn="free=$(host_free_mb)M"
    _sl=$(timeout 10 xl list 2>/dev/null)
    for _s in $(guest_names); do
        _sn="$_sn | $_s act=$(echo "$_sl" |
            awk -v n="$_s" '$1 == n { print $3 }')M"
        _sn="$_sn tgt=$(kb2mb "$(target_kb "$_s")")M"
        _sn="$_sn bal=$(kb2mb "$(bal_kb "$_s")")M"
        _sn="$_sn work=$(kb2mb "$(work_kb "$_s")")M"
    done
    info "$_sn${1:+ ($1)}"
}

# Sample `xl info free_memory` in the background; sampler_stop prints the
# lowest value seen (MiB) and how many samples were taken.
sampler_start()
{
    (
        while :; do
            host_free_mb
            nap 0.3
        done
    ) >/run/xenlab/free.samples 2>/dev/null &
    echo $! >/run/xenlab/sampler.pid
}

sampler_stop()
{
    kill "$(cat /run/xenlab/sampler.pid)" 2>/dev/null
    wait "$(cat /run/xenlab/sampler.pid)" 2>/dev/null
    awk 'NF && $1 + 0 == $1 { n++; if (min == "" || $1 < min) min = $1 }
        END { print min, n }' /run/xenlab/free.samples
}

#### the daemon ########################################################

ctl()
{
    timeout 20 xenballoon-ctl -s "$XB_SOCK" "$@"
}

ctl_up()
{
    ctl status >/dev/null 2>&1
}

# ctl_dom NAME FIELD: a field of NAME's entry in `status --json` (found
# by domid).  Strings come without their quotes, null as "null".
ctl_dom()
{
    _cd=$(dom_id "$1") || return 1
    ctl --json status 2>/dev/null | tr '{}' '\n\n' |
        grep "\"domid\": *$_cd," | head -1 |
        sed -n "s/.*\"$2\": *\"\{0,1\}\([^\",]*\)\"\{0,1\}.*/\1/p"
}

# Predicates for await.  state_is NAME STATE: the daemon shows NAME so;
# target_at_least NAME MiB; bal_follows NAME: its balloon (as its agent
# last published) within 4 MiB of its target; figures_match NAME: status'
# actual within 2 MiB of xl list's and its target = memory/target.
state_is()
{
    [ "$(ctl_dom "$1" state)" = "$2" ]
}

target_mb()
{
    kb2mb "$(target_kb "$1")"
}

target_at_least()
{
    ge "$(target_mb "$1")" "$2"
}

bal_follows()
{
    near "$(bal_kb "$1")" "$(target_kb "$1")" 4096
}

figures_match()
{
    near "$(kb2mb "$(ctl_dom "$1" actual_kb)")" "$(actual_mb "$1")" 2 &&
        near "$(ctl_dom "$1" target_kb)" "$(target_kb "$1")" 1024
}

# reserve_unmet SIZE WAIT: `reserve SIZE --force --wait WAIT`, which must
# not be met: prints what it answered, and fails (1) if it was met.
reserve_unmet()
{
    if timeout 120 xenballoon-ctl -s "$XB_SOCK" reserve "$1" --force \
        --wait "$2" 2>&1; then
        return 1
    fi
    return 0
}

# ctl_listed NAME: the daemon's status has an entry for NAME's domid.
ctl_listed()
{
    _cl=$(dom_id "$1") || return 1
    ctl --json status 2>/dev/null | tr '{}' '\n\n' |
        grep -q "\"domid\": *$_cl,"
}

# ctl_host FIELD: a field of the "host" object in `status --json`.
ctl_host()
{
    ctl --json status 2>/dev/null | tr '{}' '\n\n' |
        grep '"available_kb"' | head -1 |
        sed -n "s/.*\"$1\": *\([0-9-]*\).*/\1/p"
}

daemon_pid()
{
    cat /run/xenlab/daemon.pid 2>/dev/null
}

daemon_alive()
{
    _pid=$(daemon_pid) && [ -n "$_pid" ] && kill -0 "$_pid" 2>/dev/null
}

# Start `xenballoon-ctl daemon` on /etc/xenballoon.json, logging to
# $XB_LOG, and wait for its socket to answer.
daemon_start()
{
    command -v xenballoon-ctl >/dev/null ||
        fail "xenballoon-ctl is not in the lab image (build it first)"
    [ -s "$XB_CONF" ] || fail "no daemon config (xenlab run --config)"
    mkdir -p "$(dirname "$XB_SOCK")"
    _ds_t0=$(now)
    echo "---- daemon start at uptime $_ds_t0" >>"$XB_LOG"
    xenballoon-ctl daemon -f -c "$XB_CONF" >>"$XB_LOG" 2>&1 &
    echo $! >/run/xenlab/daemon.pid
    wait_for 30 "daemon answers on $XB_SOCK" ctl_up || return 1
    timing daemon-up "$(since "$_ds_t0")"
}

# SIGKILL the daemon, as a crash would.
daemon_kill()
{
    _dk=$(daemon_pid)
    [ -n "$_dk" ] || return 0
    kill -9 "$_dk" 2>/dev/null
    wait "$_dk" 2>/dev/null
    rm -f /run/xenlab/daemon.pid
    info "daemon (pid $_dk) killed"
}

# need_daemon: fail unless the daemon is up.
need_daemon()
{
    daemon_alive || fail "the daemon is not running"
    ctl_up || fail "the daemon does not answer on $XB_SOCK"
}

#### latency tracing ###################################################

# trace_start NAME...: record, with dom0's uptime, every target decision
# of the daemon (its `monitor` stream: JSON lines whose ts_ms is the same
# CLOCK_MONOTONIC as /proc/uptime) into /run/xenlab/monitor.jsonl, and
# every agent record of each NAME as dom0 sees it ("UPTIME RECORD") into
# /run/xenlab/trace-NAME.  They run until dom0 powers off.
trace_start()
{
    if [ ! -e /run/xenlab/monitor.pid ]; then
        xenballoon-ctl -s "$XB_SOCK" --json monitor \
            >>/run/xenlab/monitor.jsonl 2>/dev/null &
        echo $! >/run/xenlab/monitor.pid
    fi
    for _ts_n in "$@"; do
        [ -e "/run/xenlab/trace-$_ts_n" ] && continue
        _ts_p=$(dom_path "$_ts_n") || continue
        (
            xenstore-watch "$_ts_p/data/xenballoon/stats" 2>/dev/null |
                while read -r _; do
                    read -r _tt _ </proc/uptime
                    echo "$_tt $(xs_read "$_ts_p/data/xenballoon/stats")"
                done
        ) >"/run/xenlab/trace-$_ts_n" &
    done
}

# trace_mark: dom0's uptime now, for trace_report's "since".
trace_mark()
{
    read -r _tm _ </proc/uptime
    echo "$_tm"
}

# trace_report SINCE NAME...: for every target change of NAME... the
# daemon made since the uptime SINCE, how long the guest's balloon took to
# reach it (its agent's bal= within 2 MiB, or past it), then the median
# and worst.  Prints "TIMING" lines; the median and worst (s, two
# decimals; "-" if none) go to /run/xenlab/trace.result as "N MED MAX
# UNREACHED".
trace_report()
{
    _tr_since=$1
    shift
    for _tr_n in "$@"; do
        awk -v since="$_tr_since" -v name="$_tr_n" \
            -v trace="/run/xenlab/trace-$_tr_n" '
            BEGIN {
                while ((getline l < trace) > 0) {
                    split(l, f, " ")
                    for (i in f) if (f[i] ~ /^bal=/) {
                        nt++; tt[nt] = f[1] + 0; tb[nt] = substr(f[i], 5) + 0
                    }
                }
            }
            /"event": *"target"/ && $0 ~ ("\"name\": *\"" name "\"") {
                ts = $0; sub(/.*"ts_ms": */, "", ts); ts = (ts + 0) / 1000
                if (ts < since) next
                o = $0; sub(/.*"old_kb": */, "", o); o += 0
                n = $0; sub(/.*"new_kb": */, "", n); n += 0
                r = -1
                for (k = 1; k <= nt; k++) {
                    if (tt[k] < ts) continue
                    if ((n >= o && tb[k] >= n - 2048) ||
                        (n < o && tb[k] <= n + 2048)) { r = tt[k] - ts; break }
                }
                printf "%s %s %.2f %d %d %.2f\n", name, (n >= o ? "grow" : "shrink"), ts, o, n, r
            }' /run/xenlab/monitor.jsonl
    done >/run/xenlab/trace.events
    awk '{ print }' /run/xenlab/trace.events | while read -r _n _d _t _o _nn _r; do
        info "target $_n $_d $((_o / 1024))M -> $((_nn / 1024))M at ${_t}s: balloon there after ${_r}s"
    done
    awk '$6 >= 0 { v[++n] = $6 } $6 < 0 { u++ }
        END {
            for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++)
                if (v[j] < v[i]) { t = v[i]; v[i] = v[j]; v[j] = t }
            if (n == 0) { print 0, "-", "-", u + 0; exit }
            med = (n % 2) ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
            printf "%d %.2f %.2f %d\n", n, med, v[n], u + 0
        }' /run/xenlab/trace.events >/run/xenlab/trace.result
}

# spike_report SINCE NAME: NAME's demand spike after the uptime SINCE (the
# first agent record whose anon= is 8 MiB or more above the last one
# before SINCE), the daemon's first grow of NAME after it, and the first
# record whose balloon reached that grow.  Appends "NAME ISSUE REACH"
# (seconds from the spike; -1 when it never happened) to
# /run/xenlab/spikes and prints it.
spike_report()
{
    awk -v since="$1" -v name="$2" -v trace="/run/xenlab/trace-$2" '
        BEGIN {
            while ((getline l < trace) > 0) {
                nf = split(l, f, " "); a = -1; b = -1
                for (i = 2; i <= nf; i++) {
                    if (f[i] ~ /^anon=/) a = substr(f[i], 6) + 0
                    if (f[i] ~ /^bal=/) b = substr(f[i], 5) + 0
                }
                if (a < 0) continue
                n++; t[n] = f[1] + 0; an[n] = a; ba[n] = b
            }
            for (k = 1; k <= n; k++) {
                if (t[k] < since) { a0 = an[k]; continue }
                if (an[k] >= a0 + 8192) { spike = t[k]; break }
            }
        }
        /"event": *"target"/ && $0 ~ ("\"name\": *\"" name "\"") && !g {
            ts = $0; sub(/.*"ts_ms": */, "", ts); ts = (ts + 0) / 1000
            o = $0; sub(/.*"old_kb": */, "", o); o += 0
            nw = $0; sub(/.*"new_kb": */, "", nw); nw += 0
            if (ts >= since && nw > o) { g = ts; gk = nw }
        }
        END {
            if (spike == "") { print name, -1, -1; exit }
            iss = (g == "") ? -1 : g - spike
            if (iss < 0 && g != "") iss = 0
            r = -1
            if (g != "") for (k = 1; k <= n; k++)
                if (t[k] >= g && ba[k] >= gk - 2048) { r = t[k] - spike; break }
            printf "%s %.2f %.2f\n", name, iss, r
        }' /run/xenlab/monitor.jsonl | tee -a /run/xenlab/spikes
}

# spike_summary: median and worst of the spikes' ISSUE and REACH times.
spike_summary()
{
    for _col in 2 3; do
        awk -v c="$_col" '$c >= 0 { v[++n] = $c } $c < 0 { u++ }
            END {
                for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++)
                    if (v[j] < v[i]) { t = v[i]; v[i] = v[j]; v[j] = t }
                if (n == 0) { print "none", "-", "-", u + 0; exit }
                med = (n % 2) ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
                printf "%d %.2f %.2f %d\n", n, med, v[n], u + 0
            }' /run/xenlab/spikes
    done
}
