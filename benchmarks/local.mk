# Benchmarks, included by Makefile.am.
#
# benchfs-bench: the suite (issue 5), BenchFS against local POSIX, local MPI-IO and the raw UCX
# transport in one run (README.md "Benchmarks", docs/PERFORMANCE.md, man/benchfs-bench.1).
# Installed. Linked with the shared libbenchfs, so that libbenchfs-romio.so, which it preloads
# itself (adio/ of this build tree when run from there, else $(libdir), BENCHFS_LIBDIR), shares
# the one client library (and its in-job servers) with it.
# bw: one transfer pattern through the native API and MPI-IO's independent and collective calls
# (built by `make`, not installed).

bin_PROGRAMS += benchmarks/benchfs-bench
noinst_PROGRAMS += benchmarks/bw

benchmarks_benchfs_bench_SOURCES = benchmarks/bench.h \
	benchmarks/bench_main.c \
	benchmarks/bench_targets.c \
	benchmarks/bench_workloads.c \
	benchmarks/bench_raw.c \
	benchmarks/bench_report.c \
	src/common/ring.c \
	$(STAGEIN_SOURCES)
benchmarks_benchfs_bench_CFLAGS = $(AM_CFLAGS) $(UCX_CFLAGS)
benchmarks_benchfs_bench_CPPFLAGS = $(AM_CPPFLAGS) -DBENCHFS_LIBDIR='"$(libdir)"'
benchmarks_benchfs_bench_LDADD = libbenchfs.la $(UCX_LIBS) $(XXHASH_LIBS) -lm

benchmarks_bw_SOURCES = benchmarks/bw.c
benchmarks_bw_LDADD = libbenchfs.la
