# common.sh - sourced by the integration test scripts: locations, MPI launch, temporary dirs.
#
# Exit codes of the scripts follow automake: 0 pass, 77 skip, 1 fail (99 hard error).

: "${top_builddir:=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
: "${top_srcdir:=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
export top_builddir top_srcdir

# Open MPI refuses to run as root unless told so.
if [ "$(id -u)" = 0 ]; then
	export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
fi

# A build configured --enable-sanitizers: the sanitizer runtimes (libasan, libubsan) that must
# come first in LD_PRELOAD before anything preloads libbenchfs-romio.so or libbenchfs-run.so
# (both depend on the sanitized libbenchfs), from the build's Makefile; empty otherwise.
if [ -z "${BFS_SANITIZER_PRELOAD+set}" ]; then
	BFS_SANITIZER_PRELOAD=$(sed -n 's/^SANITIZER_PRELOAD = //p' "$top_builddir/Makefile" 2>/dev/null)
fi
export BFS_SANITIZER_PRELOAD

# bfs_preload LIB...: the LD_PRELOAD value that loads LIB... (the sanitizer runtimes first)
bfs_preload() {
	local IFS=:
	echo "${BFS_SANITIZER_PRELOAD:+$BFS_SANITIZER_PRELOAD:}$*"
}

# Seconds one mpirun may take before it is killed and counted as a failure (hang).
: "${BFS_TEST_TIMEOUT:=120}"

# Ranks outnumber cores: allow it, and do not bind them to cores.
MPIRUN_OPTS=(--oversubscribe --bind-to none)
bfs_mpirun() {
	mpirun "${MPIRUN_OPTS[@]}" "$@"
}

# bfs_tmpdir: a fresh directory for this test, removed by bfs_cleanup.
bfs_tmpdir() {
	BFS_TMP=$(mktemp -d "${TMPDIR:-/tmp}/bfstest.XXXXXX") || exit 99
	# Open MPI's session directories of this test's jobs go here, apart from other tests' and
	# other jobs' (a shared base once made orte_init fail in session_dir.c now and then)
	export OMPI_MCA_orte_tmpdir_base=$BFS_TMP
}

fail() {
	echo "FAIL: $*"
	exit 1
}

# bad MESSAGE: report a failed check and go on (the script ends with fail when $failed > 0)
bad() {
	echo "FAIL: $*"
	failed=$((failed + 1))
}

# bfs_need_run: benchfs-run and libbenchfs-run.so are built (else fail); sets run (the
# launcher), romio (the ROMIO driver library) and have_romio (1 when it was built).
bfs_need_run() {
	run=$top_builddir/benchfs-run
	romio=$top_builddir/adio/libbenchfs-romio.so
	[ -x "$run" ] || fail "$run not built"
	[ -f "$top_builddir/.libs/libbenchfs-run.so" ] || fail "libbenchfs-run.so not built"
	have_romio=0
	[ -f "$romio" ] && have_romio=1
	[ $have_romio = 1 ] || echo "NOTE: $romio not built (configure --with-romio): no MPI-IO part"
}

# job OUT N ARGS...: mpirun -n N ARGS under timeout, stdout to OUT, stderr to OUT.err; sets rc
job() {
	local out=$1 n=$2
	shift 2
	timeout -k 10 "$BFS_TEST_TIMEOUT" mpirun "${MPIRUN_OPTS[@]}" -n "$n" "$@" \
		>"$out" 2>"$out.err"
	rc=$?
}

# bfs_daemon_start DATADIR ADDRFILE LOG NRANKS [MPIRUN-OPTION...]: start benchfsd in the
# background (killed by `timeout` after BFS_TEST_TIMEOUT seconds at the latest) and wait for its
# address file. Sets BFS_DAEMON_PID (the pid of the `timeout` process around mpirun). More
# benchfsd options (e.g. "--sync") may be given in BFS_DAEMON_ARGS.
bfs_daemon_start() {
	local data=$1 addr=$2 log=$3 n=$4
	shift 4
	rm -f "$addr"
	timeout -k 5 "$BFS_TEST_TIMEOUT" mpirun "${MPIRUN_OPTS[@]}" "$@" -n "$n" \
		"$top_builddir/benchfsd" --data-dir "$data" --attach "$addr" ${BFS_DAEMON_ARGS:-} \
		>"$log" 2>&1 &
	BFS_DAEMON_PID=$!
	bfs_daemon_ready "$addr" "$log" "$BFS_DAEMON_PID"
}

# bfs_daemon_ready ADDRFILE LOG PID: wait (30 s at most) until the benchfsd started in the
# background as PID has written ADDRFILE and said it is ready in LOG; else show LOG, return 1.
bfs_daemon_ready() {
	local addr=$1 log=$2 pid=$3
	for _ in $(seq 300); do
		[ -s "$addr" ] && grep -q ready "$log" && return 0
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	echo "benchfsd did not start:"
	grep -v setpgid "$log" | head -20
	return 1
}

# bfs_daemon_stop: stop a daemon started by bfs_daemon_start (if still running), by its pid.
bfs_daemon_stop() {
	if [ -n "${BFS_DAEMON_PID:-}" ] && kill -0 "$BFS_DAEMON_PID" 2>/dev/null; then
		kill -TERM "$BFS_DAEMON_PID" 2>/dev/null
		for _ in $(seq 50); do
			kill -0 "$BFS_DAEMON_PID" 2>/dev/null || break
			sleep 0.1
		done
		kill -KILL "$BFS_DAEMON_PID" 2>/dev/null
		wait "$BFS_DAEMON_PID" 2>/dev/null
	fi
	BFS_DAEMON_PID=
}

# bfs_server_pid DATADIR RANK: pid of the benchfsd process of RANK serving DATADIR.
bfs_server_pid() {
	local p
	for p in $(pgrep -f -- "$1"); do
		[ "$(cat "/proc/$p/comm" 2>/dev/null)" = benchfsd ] || continue
		if tr '\0' '\n' <"/proc/$p/environ" 2>/dev/null | grep -qx "OMPI_COMM_WORLD_RANK=$2"; then
			echo "$p"
			return 0
		fi
	done
	return 1
}
