#!/usr/bin/env bash
# multinode - BenchFS across three nodes, simulated on this machine: each node is a network
# namespace (plus, for every process started in it, a UTS namespace whose host name is n1, n2 or
# n3), joined by a Linux bridge; mpirun stays in the root namespace with a hostfile and starts
# its daemons through tests/netns-agent.sh. Checked:
#   1. the nodes: each has only lo and its own address of one private /24, no default route, no
#      route to any other address (nothing can leave); they reach each other; an mpirun job of
#      6 ranks runs 2 per node under the nodes' host names;
#   2. in-job servers (6 ranks, --servers 3): one server per node, the highest local rank of
#      each; separate jobs on one data directory: benchfs-stagein of a real tree, benchfs-find
#      -type f -count equal to GNU find's, benchfs-stageout identical (diff -r --no-dereference);
#   3. standalone servers: benchfsd with one rank per node; a client job on the three nodes
#      stages a tree in and out through the address file (identical); benchfs-shutdown stops
#      them and benchfsd exits 0;
#   4. MPI-IO through the ROMIO driver on those servers, one rank per node (tests/mpiio, every
#      section; then a file written by 3 ranks read back by 2 on other nodes); skipped with a
#      note without adio/libbenchfs-romio.so;
#   5. faults, with clients on the nodes calling one server (tests/multinode_client): (b) link
#      down of n2 in an in-job job (6 ranks): the calls from n1 (2 MiB reads) and n3 (finds,
#      eager and rendezvous writes) to n2's server fail with ETIMEDOUT after the RPC timeout
#      (BENCHFS_RPC_TIMEOUT=5; a read must never return success with wrong bytes), the other
#      servers answer; the link comes back, the server answers the same clients again, their
#      files read back and the job ends with 0;
#      (a) kill -9 of n3's benchfsd: the calls from n1 and n2 (small requests and rendezvous
#      transfers) fail with EIO within 1 s, later calls too, the other servers answer (n3's own
#      clients are measured and printed, not held to the 1 s goal); benchfs-shutdown then fails
#      naming the error, the two other servers stop, and benchfsd ends without the dead one.
#      (c) SIGSTOP of n3's benchfsd: every client's call to it fails with ETIMEDOUT after the
#      RPC timeout; after SIGCONT they reach it again, their files read back, and
#      benchfs-shutdown stops every server. Times to error are printed.
# Skipped (77, with the reason) when namespaces, veths or a bridge cannot be made here. Every
# command runs under `timeout`, the whole test under a watchdog (BFS_MN_LIMIT seconds, default
# 600), and the namespaces, veths and bridge are removed on every exit.
# Environment: BFS_MN_PARTS (default "2 3 4 5b 5a 5c"; part 1 always runs), BFS_MN_LOGS=DIR (keep
# the jobs' outputs there), BFS_REAL_TREE (default /usr/share/doc), BFS_TEST_TIMEOUT (s/job).
set -uo pipefail
export LC_ALL=C # messages matched below ("Connection refused"), '.' in $EPOCHREALTIME
. "$(dirname "$0")/common.sh"
B=$top_builddir
skip() {
	echo "SKIP: $*"
	exit 77
}
failed=0
T0=$SECONDS
step() { echo "=== [$((SECONDS - T0)) s] $*"; }

# ---- can nodes be simulated here? ---------------------------------------------------------------
[ "$(id -u)" = 0 ] || skip "not root: network namespaces, veths and a bridge need root"
command -v ip >/dev/null || skip "no ip command (iproute2)"
command -v unshare >/dev/null || skip "no unshare (util-linux)"
command -v nsenter >/dev/null || skip "no nsenter (util-linux)"
unshare --uts true 2>/dev/null || skip "unshare --uts fails here (no UTS namespaces)"
for p in benchfsd benchfs-stagein benchfs-stageout benchfs-find benchfs-stat benchfs-shutdown \
	tests/multinode_client; do
	[ -x "$B/$p" ] || fail "$B/$p not built"
done
SRC=${BFS_REAL_TREE:-/usr/share/doc}
[ -d "$SRC" ] || fail "no $SRC to stage in (set BFS_REAL_TREE)"
AGENT=$top_srcdir/tests/netns-agent.sh
[ -x "$AGENT" ] || fail "$AGENT missing or not executable"
ROMIO=$B/adio/libbenchfs-romio.so

bfs_tmpdir
W=$BFS_TMP
id=$$
NSP=bfsmn$id-        # namespaces bfsmnPID-n1 ..: the agent maps host nK to $NSP$nK
BR=bfsmn$id          # the bridge (15 characters at most: bfsmn + 7 digits)
NODES=(n1 n2 n3)
made_ns=()
made_links=()
bg_pids=()
watchdog=

# children PID: the pids of PID's children
children() { cat "/proc/$1/task/"*/children 2>/dev/null; }
# kill_tree SIGNAL PID: PID, then its descendants (taken before: a parent killed first cannot
# react to its children's end), by pid
kill_tree() {
	local c kids
	kids=$(children "$2")
	kill "-$1" "$2" 2>/dev/null
	for c in $kids; do
		kill_tree "$1" "$c"
	done
}

# ---- teardown, on every exit ----------------------------------------------------------------
cleanup() {
	set +e
	trap '' INT TERM # the teardown is not interrupted (the watchdog included)
	[ -n "$watchdog" ] && kill_tree KILL "$watchdog"
	# what we started in the root namespace (timeout around mpirun, clients): TERM (timeout
	# passes it on to mpirun, which stops its daemons), then KILL what is left of each tree
	for p in "${bg_pids[@]}"; do
		kill -TERM "$p" 2>/dev/null
	done
	for _ in $(seq 30); do
		alive=0
		for p in "${bg_pids[@]}"; do
			kill -0 "$p" 2>/dev/null && alive=1
		done
		[ "$alive" = 0 ] && break
		sleep 0.1
	done
	for p in "${bg_pids[@]}"; do
		kill -0 "$p" 2>/dev/null && kill_tree KILL "$p"
	done
	# whatever still runs inside our namespaces (orted, ranks, clients): all ours
	for ns in "${made_ns[@]}"; do
		for _ in $(seq 50); do
			pids=$(ip netns pids "$ns" 2>/dev/null)
			[ -z "$pids" ] && break
			# shellcheck disable=SC2086
			kill -KILL $pids 2>/dev/null
			sleep 0.1
		done
		ip netns del "$ns" 2>/dev/null || echo "cleanup: could not delete namespace $ns"
	done
	for l in "${made_links[@]}"; do
		[ -e "/sys/class/net/$l" ] && ip link del "$l" 2>/dev/null
	done
	wait 2>/dev/null
	# BFS_MN_LOGS=DIR keeps the outputs and logs of the jobs (the files directly in the temp dir)
	[ -n "${BFS_MN_LOGS:-}" ] && mkdir -p "$BFS_MN_LOGS" && find "$W" -maxdepth 1 -type f -exec cp {} "$BFS_MN_LOGS" \;
	rm -rf "$W"
	echo "=== [$((SECONDS - T0)) s] torn down: namespaces ${made_ns[*]:-none}, links ${made_links[*]:-none}"
}
trap cleanup EXIT
trap 'echo "FAIL: interrupted (signal)"; exit 1' INT TERM
LIMIT=${BFS_MN_LIMIT:-600}
(
	sleep "$LIMIT"
	echo "FAIL: multinode.sh still running after $LIMIT s: stopped by its watchdog"
	kill -TERM $id
	# and the command it waits for (its trap runs when that returns)
	for c in $(children $id); do
		[ "$c" != "$BASHPID" ] && kill -TERM "$c" 2>/dev/null
	done
) &
watchdog=$!
disown "$watchdog" # no job report when cleanup kills it

# ---- 1. the nodes ----------------------------------------------------------------------------
step "1. three nodes: namespaces, veths, a bridge"
# what an earlier run killed by SIGKILL (no teardown possible) left: its names carry its pid
for ns in $(ip netns list | awk '{print $1}' | grep '^bfsmn[0-9]*-n[0-9]$'); do
	p=${ns#bfsmn}
	p=${p%%-*}
	[ -d "/proc/$p" ] && continue
	echo "removing namespace $ns of an earlier run (pid $p is gone)"
	# shellcheck disable=SC2046
	kill -KILL $(ip netns pids "$ns") 2>/dev/null
	ip netns del "$ns"
done
for l in $(ip -o link show | awk -F': ' '{print $2}' | cut -d@ -f1 | grep '^bfsmn[0-9]*\(v[0-9]\)\?$'); do
	p=${l#bfsmn}
	p=${p%v?}
	[ -d "/proc/$p" ] && continue
	echo "removing link $l of an earlier run (pid $p is gone)"
	ip link del "$l" 2>/dev/null
done
# a private /24 no interface or route of this machine uses yet (other runs included)
NET=
used=$(ip -4 addr show; ip -4 route show table all)
for k in $(seq 0 255); do
	cand=10.$((64 + (id / 256 + k) % 128)).$(((id + k) % 256))
	if ! grep -q "$cand\." <<<"$used"; then
		NET=$cand
		break
	fi
done
[ -n "$NET" ] || skip "no free 10.x.y.0/24 found"
disable_ipv6() { # DEV: IPv4 only on our links (no link-local IPv6 towards the root namespace)
	[ -w "/proc/sys/net/ipv6/conf/$1/disable_ipv6" ] && echo 1 >"/proc/sys/net/ipv6/conf/$1/disable_ipv6"
	return 0
}
ip link add "$BR" type bridge stp_state 0 forward_delay 0 2>"$W/err" ||
	skip "cannot create a bridge: $(cat "$W/err")"
made_links+=("$BR")
disable_ipv6 "$BR"
{ ip addr add "$NET.254/24" dev "$BR" && ip link set "$BR" up; } || fail "bridge $BR: address/up"
for k in 1 2 3; do
	ns=$NSP${NODES[k - 1]}
	v=${BR}v$k
	ip netns add "$ns" 2>"$W/err" || skip "cannot create a network namespace: $(cat "$W/err")"
	made_ns+=("$ns")
	ip link add "$v" type veth peer name eth1 netns "$ns" 2>"$W/err" ||
		skip "cannot create a veth pair: $(cat "$W/err")"
	made_links+=("$v")
	disable_ipv6 "$v"
	ip link set "$v" master "$BR" up || fail "veth $v onto $BR"
	ip netns exec "$ns" sh -c "echo 1 >/proc/sys/net/ipv6/conf/eth1/disable_ipv6 2>/dev/null
		ip link set lo up && ip addr add $NET.$k/24 dev eth1 && ip link set eth1 up" ||
		fail "addresses in $ns"
done
echo "nodes ${NODES[*]} = namespaces ${made_ns[*]}, subnet $NET.0/24 (bridge $BR $NET.254)"

# on_node NODE COMMAND...: COMMAND in NODE's network namespace and a UTS namespace named NODE
on_node() {
	local n=$1
	shift
	ip netns exec "$NSP$n" unshare --uts sh -c 'hostname "$0" && exec "$@"' "$n" "$@"
}
# reachable NODE ADDRESS: a TCP connection from NODE to ADDRESS port 9 is refused (the address
# answers) rather than unreachable or unanswered
reachable() {
	local out
	out=$(on_node "$1" timeout 2 bash -c "exec 3<>/dev/tcp/$2/9" 2>&1)
	case $out in *"Connection refused"*) return 0 ;; *) return 1 ;; esac
}

echo "--- nothing leaves the nodes"
root_addrs=$(ip -o addr show scope global | awk '{print $4}' | cut -d/ -f1 | grep -v "^$NET\.")
for k in 1 2 3; do
	n=${NODES[k - 1]}
	addrs=$(ip netns exec "$NSP$n" ip -o addr show | awk '{print $2, $4}' | sort | tr '\n' ' ')
	[ "$addrs" = "eth1 $NET.$k/24 lo 127.0.0.1/8 lo ::1/128 " ] ||
		bad "$n: addresses are '$addrs', want only lo and $NET.$k/24"
	r4=$(ip netns exec "$NSP$n" ip -4 route show | sed 's/ *$//')
	[ "$r4" = "$NET.0/24 dev eth1 proto kernel scope link src $NET.$k" ] ||
		bad "$n: IPv4 routes are '$r4', want only the /24"
	[ -z "$(ip netns exec "$NSP$n" ip route show default)$(ip netns exec "$NSP$n" ip -6 route show default)" ] ||
		bad "$n: has a default route"
	for dst in $root_addrs 1.1.1.1 192.0.2.1 2001:db8::1; do
		ip netns exec "$NSP$n" ip route get "$dst" >/dev/null 2>&1 && bad "$n: has a route to $dst"
	done
	for dst in $root_addrs 1.1.1.1; do
		out=$(on_node "$n" timeout 3 bash -c "exec 3<>/dev/tcp/$dst/80" 2>&1) &&
			bad "$n: connected to $dst:80"
		case $out in *"Network is unreachable"*) ;; *) bad "$n: connect to $dst: '$out', want Network is unreachable" ;; esac
	done
	for j in 1 2 3 254; do
		reachable "$n" "$NET.$j" || bad "$n cannot reach $NET.$j"
	done
done
[ $failed -eq 0 ] && echo "ok: each node has lo and $NET.K/24 only, no default route, no route to" \
	"$(echo "$root_addrs" | tr '\n' ' ')or anywhere else; the nodes and the bridge reach each other"

# Open MPI: daemons started through the agent, its TCP traffic on the bridge's subnet
printf 'n1 slots=2\nn2 slots=2\nn3 slots=2\n' >"$W/hostfile"
export BFS_NETNS_PREFIX=$NSP
export OMPI_MCA_plm_rsh_agent=$AGENT OMPI_MCA_plm_rsh_no_tree_spawn=1
export OMPI_MCA_oob_tcp_if_include=$NET.0/24 OMPI_MCA_btl_tcp_if_include=$NET.0/24
export BENCHFS_RPC_TIMEOUT=5
MPI=(mpirun "${MPIRUN_OPTS[@]}" --hostfile "$W/hostfile" -x PATH -x BENCHFS_RPC_TIMEOUT)
[ -n "${LD_LIBRARY_PATH:-}" ] && MPI+=(-x LD_LIBRARY_PATH)
JOB_LIMIT=${BFS_TEST_TIMEOUT}
# mpi OUT N ARGS...: an mpirun job of N ranks over the nodes under timeout, stdout to OUT and
# stderr to OUT.err; sets rc
mpi() {
	local out=$1 n=$2
	shift 2
	timeout -k 5 "$JOB_LIMIT" "${MPI[@]}" -n "$n" "$@" >"$out" 2>"$out.err"
	rc=$?
	if [ $rc -ne 0 ]; then
		echo "mpirun -n $n $* exited $rc:"
		grep -v 'setpgid' "$out.err" | head -20
	fi
	return $rc
}

mpi "$W/hello" 6 sh -c 'echo "$OMPI_COMM_WORLD_RANK $(hostname)"' || fail "mpirun over the nodes"
got=$(sort -n "$W/hello" | tr '\n' ' ')
[ "$got" = "0 n1 1 n1 2 n2 3 n2 4 n3 5 n3 " ] || fail "6 ranks ran as '$got', want 2 per node n1 n2 n3"
echo "ok: mpirun -n 6 over the hostfile: ranks 0,1 on n1, 2,3 on n2, 4,5 on n3"

# ---- helpers of the parts ------------------------------------------------------------------------
# wait_lines PATTERN COUNT SECS FILE...: until the FILEs have COUNT lines matching PATTERN
wait_lines() {
	local pat=$1 count=$2 secs=$3
	shift 3
	for _ in $(seq $((secs * 20))); do
		[ "$(cat "$@" 2>/dev/null | grep -c -- "$pat")" -ge "$count" ] && return 0
		sleep 0.05
	done
	return 1
}
# since T0 T1: T1 - T0 in seconds, 3 decimals
since() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }
# within X LO HI: LO <= X <= HI
within() { awk -v x="$1" -v lo="$2" -v hi="$3" 'BEGIN { exit !(x >= lo && x <= hi) }'; }

# benchfsd and benchfs-shutdown are invoked only here (options being renamed: one line each)
benchfsd_cmd() { BENCHFSD=("$B/benchfsd" --data-dir "$1" --attach "$2"); }
shutdown_cmd() { SHUTDOWN=("$B/benchfs-shutdown" --attach "$1"); }

# shutdown_daemon NODE ADDRFILE OUT: benchfs-shutdown from NODE (its output to OUT); when it
# worked, wait (30 s at most) for the benchfsd job, set rc to its exit status and return 0
shutdown_daemon() {
	shutdown_cmd "$2"
	on_node "$1" timeout 60 "${SHUTDOWN[@]}" >"$3" 2>&1 || return 1
	for _ in $(seq 300); do
		kill -0 "$daemon" 2>/dev/null || break
		sleep 0.1
	done
	wait "$daemon"
	rc=$?
	daemon=
	return 0
}

# daemon_start DATADIR ADDRFILE LOG [MPIRUN-OPTION...]: benchfsd, one rank per node, in the
# background; waits for the address file. Sets daemon (the pid of `timeout` around mpirun).
daemon_start() {
	local data=$1 addr=$2 log=$3
	shift 3
	benchfsd_cmd "$data" "$addr"
	rm -f "$addr"
	timeout -k 5 "$JOB_LIMIT" "${MPI[@]}" -n 3 --map-by node "$@" "${BENCHFSD[@]}" >"$log" 2>&1 &
	daemon=$!
	bg_pids+=("$daemon")
	bfs_daemon_ready "$addr" "$log" "$daemon"
}
# daemon_pid NODE: pid of benchfsd on NODE (by namespace, /proc/PID/comm and rank)
daemon_pid() {
	local p k=${1#n}
	for p in $(ip netns pids "$NSP$1"); do
		[ "$(cat "/proc/$p/comm" 2>/dev/null)" = benchfsd ] || continue
		grep -qxz "OMPI_COMM_WORLD_RANK=$((k - 1))" "/proc/$p/environ" 2>/dev/null && echo "$p"
	done
}
# daemon_stop: stop the daemon (if still running) by its pid
daemon_stop() {
	if [ -n "${daemon:-}" ] && kill -0 "$daemon" 2>/dev/null; then
		kill -TERM "$daemon"
		for _ in $(seq 50); do
			kill -0 "$daemon" 2>/dev/null || break
			sleep 0.1
		done
		kill -0 "$daemon" 2>/dev/null && kill_tree KILL "$daemon"
	fi
	[ -n "${daemon:-}" ] && wait "$daemon" 2>/dev/null
	daemon=
}

# the node of each in-job server (part 2 observes it; this is the placement it must find)
declare -A server_on=([n1]=0 [n2]=1 [n3]=2)

# ---- 2. in-job servers -----------------------------------------------------------------------
part_2() {
	step "2. in-job servers: 6 ranks, --servers 3, one data directory, separate jobs"
	local IJ=(--servers 3 --data-dir "$W/injob") statjob s n p d r h want got
	local -A where=()
	mpi "$W/stagein" 6 "$B/benchfs-stagein" "${IJ[@]}" "$SRC" /tree || fail "stagein of $SRC"
	echo "ok: benchfs-stagein $SRC /tree"

	# placement: while a job runs, which process on which node holds each server's data dir
	timeout -k 5 "$JOB_LIMIT" "${MPI[@]}" -n 6 "$B/benchfs-stat" "${IJ[@]}" --interval 0.5 \
		--count 6 >"$W/stat" 2>"$W/stat.err" &
	statjob=$!
	bg_pids+=("$statjob")
	for _ in $(seq 150); do
		for n in "${NODES[@]}"; do
			for p in $(ip netns pids "$NSP$n" 2>/dev/null); do
				d=$(find "/proc/$p/fd" -maxdepth 1 -type l -printf '%l\n' 2>/dev/null |
					grep -o "$W/injob/server-[0-9]*" | head -1)
				[ -n "$d" ] || continue
				s=${d##*/server-}
				r=$(tr '\0' '\n' <"/proc/$p/environ" 2>/dev/null |
					sed -n 's/^OMPI_COMM_WORLD_RANK=//p')
				h=$(nsenter -t "$p" -u hostname 2>/dev/null)
				[ -n "$r" ] && [ -n "$h" ] && where[$s]="$n rank $r host $h"
			done
		done
		[ ${#where[@]} -ge 3 ] && break
		kill -0 "$statjob" 2>/dev/null || break
		sleep 0.1
	done
	wait "$statjob"
	rc=$?
	[ $rc -eq 0 ] || {
		bad "benchfs-stat --servers 3 exited $rc"
		grep -v setpgid "$W/stat.err" | head -5
	}
	[ "$(grep -c '^server [0-9]' "$W/stat")" -ge 3 ] || bad "benchfs-stat did not show 3 servers"
	for s in 0 1 2; do
		# round-robin over the nodes, the highest local rank of each: server i = rank 2i+1
		# on node n(i+1)
		want="n$((s + 1)) rank $((2 * s + 1)) host n$((s + 1))"
		echo "server $s: ${where[$s]:-not seen} (want $want)"
		[ "${where[$s]:-}" = "$want" ] || bad "server $s runs as '${where[$s]:-not seen}', want $want"
		[ -n "${where[$s]:-}" ] && server_on[${where[$s]%% *}]=$s
	done
	[ ${#where[@]} -eq 3 ] || bad "saw ${#where[@]} servers, want 3"
	[ -d "$W/injob/server-3" ] && bad "a fourth server directory exists"

	want=$(find "$SRC" -type f | wc -l)
	mpi "$W/find" 6 "$B/benchfs-find" "${IJ[@]}" /tree -type f -count || fail "benchfs-find"
	got=$(cat "$W/find")
	if [ "$got" = "$want" ]; then
		echo "ok: benchfs-find /tree -type f -count: $got = GNU find's $want"
	else
		bad "benchfs-find /tree -type f -count: '$got', GNU find: $want"
	fi
	mpi "$W/stageout" 6 "$B/benchfs-stageout" "${IJ[@]}" /tree "$W/out" || fail "stageout"
	if diff -r --no-dereference "$SRC" "$W/out" >"$W/diff" 2>&1; then
		echo "ok: benchfs-stageout /tree: diff -r --no-dereference $SRC: identical"
	else
		bad "stageout differs from $SRC:"
		head -20 "$W/diff"
	fi
	rm -rf "$W/out"
}

# ---- 3. standalone servers, 4. MPI-IO on them ------------------------------------------------------
part_3_4() {
	local addr=$W/addr n c src2 mpiio
	step "3. standalone servers: benchfsd on n1 n2 n3, a client job attached"
	daemon_start "$W/sa" "$addr" "$W/benchfsd.log" || fail "benchfsd did not start"
	for n in "${NODES[@]}"; do
		c=$(daemon_pid "$n" | wc -l)
		[ "$c" = 1 ] || bad "$n runs $c benchfsd servers, want 1"
	done
	echo "ok: benchfsd started, one server on each node"
	if wanted 3; then
		# a part of the tree: its subdirectory with the most entries
		src2=$(for d in "$SRC"/*/; do echo "$(find "$d" | wc -l) ${d%/}"; done | sort -n |
			tail -1 | cut -d' ' -f2-)
		[ -d "$src2" ] || src2=$SRC
		mpi "$W/sa-in" 3 --map-by node "$B/benchfs-stagein" --attach "$addr" "$src2" /part ||
			bad "stagein --attach of $src2"
		mpi "$W/sa-out" 3 --map-by node "$B/benchfs-stageout" --attach "$addr" /part "$W/out2" ||
			bad "stageout --attach"
		if diff -r --no-dereference "$src2" "$W/out2" >"$W/diff2" 2>&1; then
			echo "ok: stage-in/stage-out of $src2 ($(find "$src2" | wc -l) entries) through" \
				"the address file, one rank per node: identical"
		else
			bad "stageout through the address file differs from $src2:"
			head -20 "$W/diff2"
		fi
		rm -rf "$W/out2"
	fi

	if wanted 4; then
		step "4. MPI-IO through the ROMIO driver, one rank per node"
		if [ ! -f "$ROMIO" ]; then
			echo "SKIP (this part): $ROMIO not built (configure --with-romio)"
		elif [ ! -x "$B/tests/mpiio" ]; then
			bad "$B/tests/mpiio not built"
		else
			mpiio=(-x LD_PRELOAD="$(bfs_preload "$ROMIO")" -x BENCHFS_ADDR="$addr" "$B/tests/mpiio")
			if mpi "$W/mpiio" 3 --map-by node "${mpiio[@]}" -f benchfs:/mpiio-3; then
				echo "ok: tests/mpiio, every section, 3 ranks on 3 nodes:" \
					"$(grep -c PASS "$W/mpiio") sections passed"
			else
				bad "tests/mpiio on 3 nodes:"
				grep -h FAIL "$W/mpiio" "$W/mpiio.err" | head -10
			fi
			if mpi "$W/mpiio-w" 3 --map-by node "${mpiio[@]}" -f benchfs:/cross -w &&
				mpi "$W/mpiio-r" 2 --host n2,n3 --map-by node "${mpiio[@]}" -f benchfs:/cross -r 3; then
				echo "ok: a file written by 3 ranks on n1 n2 n3 read back by 2 ranks on n2 n3"
			else
				bad "cross-node MPI-IO write/read-back:"
				grep -h FAIL "$W"/mpiio-[wr] "$W"/mpiio-[wr].err | head -10
			fi
		fi
	fi

	step "3. (end) benchfs-shutdown"
	if shutdown_daemon n2 "$addr" "$W/shutdown.out"; then
		if [ $rc -eq 0 ]; then
			echo "ok: benchfs-shutdown from n2; benchfsd exited 0"
		else
			bad "benchfsd exited $rc after benchfs-shutdown"
			grep -v setpgid "$W/benchfsd.log" | tail -10
		fi
	else
		cat "$W/shutdown.out"
		bad "benchfs-shutdown failed"
		daemon_stop
	fi
}

# ---- 5b. a node's link down --------------------------------------------------------------------------
part_5b() {
	local srv=${server_on[n2]} lout=$W/link ljob t_cut='' t_cut0 t_up t_end n d line op err at took tte
	step "5b. link down of n2 while n1 (2 MiB reads) and n3 (finds, eager and rendezvous" \
		"writes) call its server $srv (in-job, BENCHFS_RPC_TIMEOUT=$BENCHFS_RPC_TIMEOUT)"
	timeout -k 5 "$JOB_LIMIT" "${MPI[@]}" -n 6 -x BFS_TEST_DATA_DIR="$W/linkjob" \
		"$B/tests/multinode_client" 3 busy "$srv" 60 --hosts n1,n3 --recover 40 \
		--ops-for n1 read --ops-for n3 find,eager,rndv \
		>"$lout" 2>"$lout.err" &
	ljob=$!
	bg_pids+=("$ljob")
	if ! wait_lines " ready$" 2 60 "$lout"; then
		bad "the clients on n1 and n3 did not start calling"
		grep -v setpgid "$lout" "$lout.err" | head
	else
		sleep 0.5
		t_cut0=$EPOCHREALTIME
		ip netns exec "$NSP"n2 ip link set eth1 down
		t_cut=$EPOCHREALTIME # the link is down for sure from here on
		echo "n2's link down at $t_cut (ip link set took $(since "$t_cut0" "$t_cut") s)"
		wait_lines " live " 4 $((BENCHFS_RPC_TIMEOUT + 15)) "$lout" ||
			bad "no error (or no answer of the live servers) within $((BENCHFS_RPC_TIMEOUT + 15)) s"
		t_up=$EPOCHREALTIME
		ip netns exec "$NSP"n2 ip link set eth1 up
		for _ in $(seq 100); do
			reachable n1 "$NET.2" && break
			sleep 0.1
		done
		if reachable n1 "$NET.2"; then
			echo "n2's link up again $(since "$t_cut" "$t_up") s after the cut; n1 reaches n2" \
				"$(since "$t_up" "$EPOCHREALTIME") s later"
		else
			bad "n1 does not reach n2 10 s after its link came back up"
		fi
	fi
	wait "$ljob"
	rc=$?
	t_end=$EPOCHREALTIME
	[ -n "$t_cut" ] && echo "the job ended with $rc, $(since "$t_up" "$t_end") s after the link came back"
	[ $rc -eq 0 ] || {
		bad "the link-down job exited $rc, want 0"
		grep -q "FAIL benchfs_mpi_stop" "$lout" &&
			bad "benchfs_mpi_stop failed after the link came back: $(grep -m1 -o 'benchfs_mpi_stop: .*' "$lout")"
		grep -v setpgid "$lout" "$lout.err" | grep -v '^mn: .* \(ready\|waits\)$' | sort | uniq -c |
			sort -rn | head -20
	}
	# which servers stopped (a server leaves stats.json when it stops), and their client counts
	for d in "$W"/linkjob/server-*; do
		if [ -f "$d/stats.json" ]; then
			echo "  ${d##*/} stopped $(since "${t_up:-0}" "$(stat -c %.6Y "$d/stats.json")") s after" \
				"the link came back: $(grep -o '"\(requests_active\|clients\)": [0-9]*' \
					"$d/stats.json" | tr '\n' ' ')"
		else
			echo "  ${d##*/} did not stop (no stats.json)"
		fi
	done
	[ -n "$t_cut" ] || return
	for n in n1 n3; do
		line=$(grep -m1 "^mn: $n error " "$lout")
		read -r _ _ _ op err _ at _ took <<<"$line"
		if [ -z "$line" ]; then
			bad "$n: no failed call after the link went down"
			continue
		fi
		tte=$(since "$t_cut" "$at")
		echo "link down: $n: $op call to server $srv on n2: $err $tte s after the cut" \
			"(the call took $took s)"
		grep "^mn: $n baddata " "$lout" | sed 's/^mn: /  /'
		[ "$err" = ETIMEDOUT ] || bad "$n: $op got $err, want ETIMEDOUT"
		within "$tte" $((BENCHFS_RPC_TIMEOUT - 1)) $((BENCHFS_RPC_TIMEOUT + 2)) ||
			bad "$n: error $tte s after the cut, want the RPC timeout ($BENCHFS_RPC_TIMEOUT s, -1/+2)"
		grep "^mn: $n live " "$lout" | sed 's/^mn: /  /'
		line=$(grep -m1 "^mn: $n recovered " "$lout")
		read -r _ _ _ _ _ _ at <<<"$line"
		[ -n "$line" ] && echo "  $n: server $srv answers again $(since "$t_up" "$at") s after the link came back"
		grep -q "^mn: $n data OK" "$lout" ||
			bad "$n: server $srv did not answer again, or its files did not read back"
	done
	grep -q "^mn: n2 waits" "$lout" || bad "n2's client did not take part"
}

# ---- 5a. kill -9 of a node's server -------------------------------------------------------------------
part_5a() {
	local kaddr=$W/kaddr ksrv=2 n c f kind krc victim t_kill t0 line op err at took tte live
	local kclients=() kfiles=()
	local -A kpid=()
	step "5a. kill -9 of n3's server while clients on n1, n2 (and n3) call it (standalone)"
	# --enable-recovery: mpirun keeps the other servers when one dies
	daemon_start "$W/kill" "$kaddr" "$W/kill.log" --enable-recovery || fail "benchfsd did not start"
	# rank 2 = n3's server (one rank per node, in node order). Two clients per node: small
	# requests (find, 4 KiB pieces) and rendezvous ones (64 KiB pieces, 2 MiB reads)
	for n in "${NODES[@]}"; do
		for kind in small:find,eager rndv:rndv,read; do
			c=$n-${kind%%:*}
			on_node "$n" timeout 60 "$B/tests/multinode_client" -a "$kaddr" busy $ksrv 40 \
				--ops "${kind#*:}" --name "$c" --again >"$W/kill-$c" 2>&1 &
			kpid[$c]=$!
			bg_pids+=($!)
			kclients+=("$c")
			kfiles+=("$W/kill-$c")
		done
	done
	wait_lines " ready$" ${#kclients[@]} 60 "${kfiles[@]}" || {
		bad "the clients did not all start calling"
		cat "${kfiles[@]}" | head
	}
	sleep 0.5
	victim=$(daemon_pid n3)
	[ -n "$victim" ] || fail "no benchfsd process of rank 2 in ${NSP}n3"
	t_kill=$EPOCHREALTIME
	kill -KILL "$victim"
	echo "killed n3's benchfsd (pid $victim) at $t_kill"
	for c in "${kclients[@]}"; do
		wait "${kpid[$c]}"
		krc=$?
		f=$W/kill-$c
		line=$(grep -m1 "^mn: $c error " "$f")
		read -r _ _ _ op err _ at _ took <<<"$line"
		if [ -z "$line" ]; then
			bad "$c: no failed call after the kill (exit $krc)"
			grep -v ' ready$' "$f" | head
			continue
		fi
		tte=$(since "$t_kill" "$at")
		echo "kill -9: $c: $op call to server $ksrv on n3: $err $tte s after the kill (the call" \
			"took $took s, started $(since "$took" "$tte") s after the kill)"
		grep "^mn: $c \(baddata\|again\|live\) " "$f" | sed 's/^mn: /  /'
		[ $krc -eq 0 ] || {
			bad "$c exited $krc"
			grep -v "^mn: " "$f" | head -5
		}
		if [ "${c%%-*}" = n3 ]; then
			echo "  ($c is on the killed server's own node: measured, not held to the 1 s goal)"
			continue
		fi
		[ "$err" = EIO ] || bad "$c: $op got $err after the kill, want EIO"
		within "$tte" -1 1.0 || bad "$c: error $tte s after the kill, goal 1 s"
		while read -r _ _ _ aop aerr _ atook; do
			[ "$aerr" = EIO ] || bad "$c: a later $aop call got $aerr, want EIO"
			within "$atook" 0 1.0 || bad "$c: a later $aop call took $atook s, goal 1 s"
		done < <(grep "^mn: $c again " "$f")
		live=$(grep "^mn: $c live " "$f")
		grep -vq " OK took " <<<"$live" && bad "$c: a live server did not answer"
	done

	# the rest shuts down: benchfs-shutdown reports the dead server, the others stop
	shutdown_cmd "$kaddr"
	t0=$EPOCHREALTIME
	on_node n1 timeout 60 "${SHUTDOWN[@]}" >"$W/kill-shutdown" 2>&1
	rc=$?
	echo "benchfs-shutdown with n3's server dead: exit $rc after $(since "$t0" "$EPOCHREALTIME") s:"
	sed 's/^/  /' "$W/kill-shutdown"
	case $rc in 0 | 124 | 137) bad "benchfs-shutdown with a dead server: exit $rc, want an error" ;; esac
	# a server leaves stats.json in its data directory when it stops
	for _ in $(seq 100); do
		[ -f "$W/kill/server-0/stats.json" ] && [ -f "$W/kill/server-1/stats.json" ] && break
		sleep 0.1
	done
	if [ -f "$W/kill/server-0/stats.json" ] && [ -f "$W/kill/server-1/stats.json" ]; then
		echo "ok: the servers on n1 and n2 stopped (each left stats.json)"
	else
		bad "the servers on n1 and n2 did not stop after benchfs-shutdown (no stats.json)"
	fi
	# benchfsd waits 15 s for the dead server at its end, then leaves without it
	for _ in $(seq 250); do
		[ -z "$(daemon_pid n1)$(daemon_pid n2)" ] && break
		sleep 0.1
	done
	if [ -n "$(daemon_pid n1)$(daemon_pid n2)" ]; then
		bad "benchfsd still runs 25 s after its live servers stopped (waiting for the dead one?)"
	else
		echo "ok: benchfsd's live servers exited without the dead one"
	fi
	daemon_stop
}

# ---- 5c: a node's server stopped (SIGSTOP) ---------------------------------------------------------
part_5c() {
	local saddr=$W/saddr ssrv=2 n c f krc victim t_stop line op err at tte
	local sclients=() sfiles=()
	local -A spid=()
	step "5c. SIGSTOP of n3's server while clients on n1, n2, n3 call it (standalone), then SIGCONT"
	daemon_start "$W/stop" "$saddr" "$W/stop.log" || fail "benchfsd did not start"
	for n in "${NODES[@]}"; do
		c=$n-stop
		on_node "$n" timeout 90 "$B/tests/multinode_client" -a "$saddr" busy $ssrv 60 \
			--ops find,rndv,read --name "$c" --recover 30 >"$W/stop-$c" 2>&1 &
		spid[$c]=$!
		bg_pids+=($!)
		sclients+=("$c")
		sfiles+=("$W/stop-$c")
	done
	wait_lines " ready$" ${#sclients[@]} 60 "${sfiles[@]}" || bad "the clients did not all start calling"
	sleep 0.5
	victim=$(daemon_pid n3)
	[ -n "$victim" ] || fail "no benchfsd process of rank 2 in ${NSP}n3"
	t_stop=$EPOCHREALTIME
	kill -STOP "$victim"
	# every client's first error, then the server goes on
	wait_lines " error " ${#sclients[@]} $((BENCHFS_RPC_TIMEOUT + 20)) "${sfiles[@]}" ||
		bad "not every client saw an error within $((BENCHFS_RPC_TIMEOUT + 20)) s"
	kill -CONT "$victim"
	echo "SIGCONT $(since "$t_stop" "$EPOCHREALTIME") s after the SIGSTOP"
	for c in "${sclients[@]}"; do
		wait "${spid[$c]}"
		krc=$?
		f=$W/stop-$c
		line=$(grep -m1 "^mn: $c error " "$f")
		read -r _ _ _ op err _ at _ _ <<<"$line"
		[ -n "$line" ] || { bad "$c: no failed call after the SIGSTOP"; continue; }
		tte=$(since "$t_stop" "$at")
		echo "SIGSTOP: $c: $op call to server $ssrv on n3: $err $tte s after the stop"
		grep "^mn: $c \(recovered\|data\|baddata\) " "$f" | sed 's/^mn: /  /'
		[ "$err" = ETIMEDOUT ] || bad "$c: $op got $err from a stopped server, want ETIMEDOUT"
		within "$tte" $((BENCHFS_RPC_TIMEOUT - 1)) $((BENCHFS_RPC_TIMEOUT + 2)) ||
			bad "$c: error $tte s after the stop, want the RPC timeout ($BENCHFS_RPC_TIMEOUT s)"
		[ $krc -eq 0 ] || bad "$c exited $krc (no recovery, or its files changed)"
	done
	if shutdown_daemon n1 "$saddr" "$W/stop-shutdown"; then
		[ $rc -eq 0 ] || bad "benchfsd exited $rc after SIGCONT and benchfs-shutdown"
	else
		cat "$W/stop-shutdown"
		bad "benchfs-shutdown after SIGCONT failed"
	fi
}

# ---- the parts ---------------------------------------------------------------------------------------
PARTS=" ${BFS_MN_PARTS:-2 3 4 5b 5a 5c} "
wanted() { [[ $PARTS == *" $1 "* ]]; }
wanted 2 && part_2
{ wanted 3 || wanted 4; } && part_3_4
wanted 5b && part_5b
wanted 5a && part_5a
wanted 5c && part_5c

step "done in $((SECONDS - T0)) s"
[ $failed -eq 0 ] || fail "$failed checks failed"
echo "PASS"
exit 0
