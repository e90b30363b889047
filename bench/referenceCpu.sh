#!/bin/bash
# The reference harness (../shared/bench/run, see its README) with the CPU time each system spent in
# every timed window: CPU µs per request next to req/s, and how much of core 1 others took. Same
# setup (nginx upstream and wrk on core 0, each system alone on core 1, interleaved rounds, medians),
# for node-raw, expr-hpm and this proxy only. Run `npm run build` first (it starts dist/server.js
# directly, as the Dockerfile does, so OURS_CMD can add node flags, e.g. --cpu-prof or --trace-gc).
# Usage: bench/referenceCpu.sh [ROUNDS] [SECONDS]   (REFERENCE=path/to/shared/bench if not ../shared/bench)
set -u
[[ -d ${REFERENCE:-} || -d $(dirname "$0")/../../shared/bench ]] || { echo "the reference harness is not at ../shared/bench: set REFERENCE"; exit 2; }
B=${REFERENCE:-$(cd "$(dirname "$0")/../../shared/bench" 2>/dev/null && pwd)}; CACHE=$HOME/.cache/reference-bench; N24=$CACHE/node_modules/.bin/node
ROUNDS=${1:-5}; SECS=${2:-4}; PROJECT=${PROJECT:-$(cd "$(dirname "$0")/.." && pwd)}
RUN=$(mktemp -d); chmod 755 "$RUN"; PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill -- -"$p" 2>/dev/null || kill "$p" 2>/dev/null; done; [[ -f $RUN/upstream.pid ]] && kill "$(cat "$RUN/upstream.pid")" 2>/dev/null; }
trap cleanup EXIT
cp $B/anchors/*.json "$RUN"/; mkdir -p "$RUN/logs"
TOKEN=$(/usr/bin/python3 $B/anchors/mint.py "$RUN")
sed "s#DATA_DIR#$RUN#" $B/anchors/upstream-nginx.conf > "$RUN/upstream-nginx.conf"
taskset -c 0 nginx -p "$RUN" -c upstream-nginx.conf -e logs/error.log
start() { local name=$1 port=$2 dir=$3; shift 3; (cd "$dir" && exec setsid taskset -c 1 "$@" >"$RUN/$name.log" 2>&1) & PIDS+=($!); }
start node-raw 18104 "$CACHE" env PORT=18104 "$N24" raw.mjs
start expr-hpm 18105 "$CACHE" env PORT=18105 "$N24" hpm.mjs
start ours 18103 "$PROJECT" env PORT=18103 HOST=127.0.0.1 ENGINE_URL=http://127.0.0.1:18080/engine-rest ENGINE_USER=demo ENGINE_PASS=demo \
  CLERK_JWT_KEY="$(cat "$RUN/public.pem")" CLERK_PUBLISHABLE_KEY=pk_live_Y2xlcmsuYmVuY2gudGVzdCQ= CLERK_TELEMETRY_DISABLED=1 \
  CLERK_AUTHORIZED_PARTIES=http://localhost:3000 LOG_LEVEL=warn NODE_ENV=production RATE_LIMIT_READS=off RATE_LIMIT_WRITES=off RATE_LIMIT_PASSTHROUGH=off \
  ${OURS_ENV:-} ${OURS_CMD:-$PROJECT/node_modules/.bin/node dist/server.js}
SYS="node-raw:18104 expr-hpm:18105 ours:18103"
for s in $SYS; do for _ in $(seq 1 100); do (echo >/dev/tcp/127.0.0.1/${s#*:}) 2>/dev/null && break; sleep 0.2; done; done
pid_of() { ss -ltnpH "sport = :$1" | grep -o 'pid=[0-9]*' | head -1 | cut -d= -f2; }
cpu_of() { awk '{print $14+$15}' /proc/$1/stat; }
steal() { awk '/^cpu1 /{print $2+$3+$4+$7+$8+$9}' /proc/stat; }
for s in $SYS; do taskset -c 0 wrk -t1 -c8 -d2s -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:${s#*:}/api/processes" >/dev/null; done
TCK=$(getconf CLK_TCK)
for r in $(seq 1 "$ROUNDS"); do for s in $SYS; do
  pid=$(pid_of ${s#*:}); c0=$(cpu_of $pid); all0=$(steal); t0=$(date +%s.%N)
  out=$(taskset -c 0 wrk -t1 -c32 -d${SECS}s --latency -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:${s#*:}/api/processes" 2>&1)
  c1=$(cpu_of $pid); all1=$(steal); t1=$(date +%s.%N)
  reqs=$(awk '/requests in/ {print $1}' <<<"$out"); rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out"); p99=$(awk '$1=="99%" {print $2}' <<<"$out"); bad=$(awk '/Non-2xx/ {print $NF}' <<<"$out")
  echo "$r ${s%%:*} $rps $p99 ${bad:-0} $(( (c1-c0) )) $reqs $(( all1-all0 )) $t0 $t1"
done; done > "$RUN/results"
python3 - "$RUN/results" "$TCK" <<'PY'
import sys, statistics as st
tck = int(sys.argv[2]); rows = [l.split() for l in open(sys.argv[1])]
def ms(v): return float(v[:-2]) if v.endswith('ms') else float(v[:-2]) / 1000 if v.endswith('us') else float(v[:-1]) * 1000
by = {}
for r, name, rps, p99, bad, cpu, reqs, core1, t0, t1 in rows:
    wall = float(t1) - float(t0); cpu_s = int(cpu) / tck; core1_s = int(core1) / tck
    by.setdefault(name, []).append(dict(r=int(r), rps=float(rps), p99=ms(p99), bad=int(bad), us=cpu_s * 1e6 / int(reqs), share=cpu_s / wall, others=max(0.0, (core1_s - cpu_s) / wall)))
print(f"{'system':9} {'req/s':>7} {'p99 ms':>7} {'CPU µs/req':>10} {'proxy CPU':>9} {'others on core 1':>16} {'non2xx':>6}  (medians of {len(by['ours'])} interleaved rounds)")
for name, v in by.items():
    print(f"{name:9} {st.median(x['rps'] for x in v):7.0f} {st.median(x['p99'] for x in v):7.1f} {st.median(x['us'] for x in v):10.1f} {st.median(x['share'] for x in v):9.0%} {st.median(x['others'] for x in v):16.0%} {sum(x['bad'] for x in v):6d}")
def ratio(a, b, k): return st.median(x[k] / y[k] for x, y in zip(by[a], by[b]))
print(f"ours / expr-hpm: req/s {ratio('ours','expr-hpm','rps'):.3f}x, by CPU µs/req {1/ratio('ours','expr-hpm','us'):.3f}x; ours p99 / node-raw p99 {ratio('ours','node-raw','p99'):.2f}x")
PY
