# Benchmarks, included by Makefile.am: built by `make`, not installed.
#
# benchfs-bench: the suite (issue 5), BenchFS against local POSIX, local MPI-IO and the raw UCX
# transport in one run (README.md "Benchmarks", docs/PERFORMANCE.md). Linked with the shared
# libbenchfs, so that adio/libbenchfs-romio.so, which it preloads itself when it finds it in this
# build tree, shares the one client library (and its in-job servers) with it.
# bw: one transfer pattern through the native API and MPI-IO's independent and collective calls.

noinst_PROGRAMS += benchmarks/benchfs-bench benchmarks/bw

benchmarks_benchfs_bench_SOURCES = benchmarks/bench.h \
	benchmarks/bench_main.c \
	benchmarks/bench_targets.c \
	benchmarks/bench_workloads.c \
	benchmarks/bench_raw.c \
	benchmarks/bench_report.c \
	src/common/ring.c
benchmarks_benchfs_bench_CFLAGS = $(AM_CFLAGS) $(UCX_CFLAGS)
benchmarks_benchfs_bench_LDADD = libbenchfs.la $(UCX_LIBS) $(XXHASH_LIBS) -lm

benchmarks_bw_SOURCES = benchmarks/bw.c
benchmarks_bw_LDADD = libbenchfs.la
