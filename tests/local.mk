# Integration tests, included by Makefile.am. Owned by the tests; see tests/README.md.
#
# MPI test programs tests/NAME are run by tests/NAME.sh, a one-line call of tests/run-mpi.sh,
# which runs the program with 1, 2 and 3 in-job servers (2, 2 and 3 clients), each under
# `timeout` with a fresh data directory. The other scripts start servers themselves (in-job or
# benchfsd) and use the helper programs persist and attach_client. Every test exits 0 (pass),
# 77 (skip) or 1 (fail).

TEST_EXTENSIONS = .sh
if SANITIZERS
# configure --enable-sanitizers: every test (unit tests too) through tests/sanitizers.sh, which
# fails it on a sanitizer report from any of its processes
LOG_COMPILER = $(SHELL) $(top_srcdir)/tests/sanitizers.sh
SH_LOG_COMPILER = $(SHELL) $(top_srcdir)/tests/sanitizers.sh bash
else
SH_LOG_COMPILER = bash
endif

# Shared harness (harness.h): server start/stop, CHECK macros, collective verdict, patterns.
check_LIBRARIES = tests/libbfstest.a
tests_libbfstest_a_SOURCES = tests/harness.c tests/testutil.c tests/harness.h
BFSTEST_LIBS = tests/libbfstest.a libbenchfs.la
# -static: link libbenchfs into the programs (no libtool wrapper scripts to launch via mpirun)
BFSTEST_LINK = -static

# MPI test programs, one per behaviour
INTEG_BINS += tests/io_unaligned \
	tests/io_listio \
	tests/io_sparse \
	tests/io_shared_file \
	tests/io_file_per_process \
	tests/io_large_file \
	tests/io_offsets \
	tests/truncate \
	tests/inline_file \
	tests/close_to_open \
	tests/errno_codes \
	tests/readdir_large \
	tests/ns_rename \
	tests/ns_unlink \
	tests/ns_async \
	tests/ns_exclusive \
	tests/symlink \
	tests/stat_attrs \
	tests/find
INTEG_TESTS += tests/io_unaligned.sh \
	tests/io_listio.sh \
	tests/io_sparse.sh \
	tests/io_shared_file.sh \
	tests/io_file_per_process.sh \
	tests/io_large_file.sh \
	tests/io_offsets.sh \
	tests/truncate.sh \
	tests/inline_file.sh \
	tests/close_to_open.sh \
	tests/errno_codes.sh \
	tests/readdir_large.sh \
	tests/ns_rename.sh \
	tests/ns_unlink.sh \
	tests/ns_async.sh \
	tests/ns_exclusive.sh \
	tests/symlink.sh \
	tests/stat_attrs.sh \
	tests/find.sh

# Script tests and their helper programs
INTEG_BINS += tests/persist tests/attach_client tests/incomplete_file
INTEG_TESTS += tests/restart_persistence.sh tests/standalone_attach.sh tests/killed_server.sh \
	tests/fs_identity.sh tests/full_store.sh tests/server_signals.sh tests/stagein_interrupted.sh \
	tests/store_memory.sh

tests_io_unaligned_SOURCES = tests/io_unaligned.c
tests_io_unaligned_LDADD = $(BFSTEST_LIBS)
tests_io_unaligned_LDFLAGS = $(BFSTEST_LINK)
tests_io_listio_SOURCES = tests/io_listio.c
tests_io_listio_LDADD = $(BFSTEST_LIBS)
tests_io_listio_LDFLAGS = $(BFSTEST_LINK)
tests_io_sparse_SOURCES = tests/io_sparse.c
tests_io_sparse_LDADD = $(BFSTEST_LIBS)
tests_io_sparse_LDFLAGS = $(BFSTEST_LINK)
tests_io_shared_file_SOURCES = tests/io_shared_file.c
tests_io_shared_file_LDADD = $(BFSTEST_LIBS)
tests_io_shared_file_LDFLAGS = $(BFSTEST_LINK)
tests_io_file_per_process_SOURCES = tests/io_file_per_process.c
tests_io_file_per_process_LDADD = $(BFSTEST_LIBS)
tests_io_file_per_process_LDFLAGS = $(BFSTEST_LINK)
tests_io_large_file_SOURCES = tests/io_large_file.c
tests_io_large_file_LDADD = $(BFSTEST_LIBS)
tests_io_large_file_LDFLAGS = $(BFSTEST_LINK)
tests_io_offsets_SOURCES = tests/io_offsets.c
tests_io_offsets_LDADD = $(BFSTEST_LIBS)
tests_io_offsets_LDFLAGS = $(BFSTEST_LINK)
tests_truncate_SOURCES = tests/truncate.c
tests_truncate_LDADD = $(BFSTEST_LIBS)
tests_truncate_LDFLAGS = $(BFSTEST_LINK)
tests_inline_file_SOURCES = tests/inline_file.c
tests_inline_file_LDADD = $(BFSTEST_LIBS)
tests_inline_file_LDFLAGS = $(BFSTEST_LINK)
tests_close_to_open_SOURCES = tests/close_to_open.c
tests_close_to_open_LDADD = $(BFSTEST_LIBS)
tests_close_to_open_LDFLAGS = $(BFSTEST_LINK)
tests_errno_codes_SOURCES = tests/errno_codes.c
tests_errno_codes_LDADD = $(BFSTEST_LIBS)
tests_errno_codes_LDFLAGS = $(BFSTEST_LINK)
tests_readdir_large_SOURCES = tests/readdir_large.c
tests_readdir_large_LDADD = $(BFSTEST_LIBS)
tests_readdir_large_LDFLAGS = $(BFSTEST_LINK)
tests_ns_rename_SOURCES = tests/ns_rename.c
tests_ns_rename_LDADD = $(BFSTEST_LIBS)
tests_ns_rename_LDFLAGS = $(BFSTEST_LINK)
tests_ns_unlink_SOURCES = tests/ns_unlink.c
tests_ns_unlink_LDADD = $(BFSTEST_LIBS)
tests_ns_unlink_LDFLAGS = $(BFSTEST_LINK)
tests_ns_async_SOURCES = tests/ns_async.c
tests_ns_async_LDADD = $(BFSTEST_LIBS)
tests_ns_async_LDFLAGS = $(BFSTEST_LINK)
tests_ns_exclusive_SOURCES = tests/ns_exclusive.c
tests_ns_exclusive_LDADD = $(BFSTEST_LIBS)
tests_ns_exclusive_LDFLAGS = $(BFSTEST_LINK)
tests_symlink_SOURCES = tests/symlink.c
tests_symlink_LDADD = $(BFSTEST_LIBS)
tests_symlink_LDFLAGS = $(BFSTEST_LINK)
tests_stat_attrs_SOURCES = tests/stat_attrs.c
tests_stat_attrs_LDADD = $(BFSTEST_LIBS)
tests_stat_attrs_LDFLAGS = $(BFSTEST_LINK)
tests_find_SOURCES = tests/find.c
tests_find_LDADD = $(BFSTEST_LIBS)
tests_find_LDFLAGS = $(BFSTEST_LINK)

# Server metrics: the counters (tests/server_stats, 1-3 servers) and benchfs-stat (benchfsd)
INTEG_BINS += tests/server_stats
INTEG_TESTS += tests/server_stats.sh
tests_server_stats_SOURCES = tests/server_stats.c
tests_server_stats_LDADD = $(BFSTEST_LIBS)
tests_server_stats_LDFLAGS = $(BFSTEST_LINK)
tests_persist_SOURCES = tests/persist.c
tests_persist_LDADD = $(BFSTEST_LIBS)
tests_persist_LDFLAGS = $(BFSTEST_LINK)
tests_incomplete_file_SOURCES = tests/incomplete_file.c
tests_incomplete_file_LDADD = $(BFSTEST_LIBS)
tests_incomplete_file_LDFLAGS = $(BFSTEST_LINK)
tests_attach_client_SOURCES = tests/attach_client.c
tests_attach_client_LDADD = $(BFSTEST_LIBS)
tests_attach_client_LDFLAGS = $(BFSTEST_LINK)

dist_noinst_SCRIPTS = tests/common.sh tests/run-mpi.sh tests/sanitizers.sh $(INTEG_TESTS)
dist_noinst_DATA = tests/README.md tests/lsan.supp

# The MPI tools on a real tree, and their error messages
INTEG_TESTS += tests/real_tree.sh tests/tools_errors.sh

# One command line: every installed program's --version, --help, man page, common options
INTEG_TESTS += tests/tools_options.sh

# Raw malformed requests against a live server (uses the internal wire and UCX layers)
INTEG_BINS += tests/malformed_request
INTEG_TESTS += tests/malformed_request.sh tests/killed_client.sh
tests_malformed_request_SOURCES = tests/malformed_request.c
tests_malformed_request_CFLAGS = $(AM_CFLAGS) $(UCX_CFLAGS)
tests_malformed_request_LDADD = libbenchfs.la $(UCX_LIBS)
tests_malformed_request_LDFLAGS = -static

# The benchmark suite end to end with small sizes (benchmarks/benchfs-bench, --verify, --json)
INTEG_TESTS += tests/bench.sh

# One style and one layering: clang-format over every C file, no include of a higher layer
INTEG_TESTS += tests/style.sh

# ---- MPI-IO programs (tests/mpiio.sh) --------------------------------------------------------
# tests/mpiio is a plain MPI program: built by mpicc with no BenchFS headers or libraries, it
# does all its I/O through MPI_File_*. tests/mpiio.sh runs it with adio/libbenchfs-romio.so
# preloaded (ROMIO with the BenchFS driver) on benchfs: names, and skips without that library.
INTEG_BINS += tests/mpiio
INTEG_TESTS += tests/mpiio.sh
tests_mpiio_SOURCES = tests/mpiio.c

# ---- benchfs-run (tests/run_world.sh) ------------------------------------------------------------
# tests/run_world is a plain MPI program (mpicc, no BenchFS headers or libraries): its output
# natively with M ranks must equal its output under `benchfs-run --servers N` with N+M ranks.
# benchfs-run and libbenchfs-run.so: src/run/local.mk.
INTEG_BINS += tests/run_world
INTEG_TESTS += tests/run_world.sh
tests_run_world_SOURCES = tests/run_world.c

# ---- benchfs-run with Fortran (tests/run_fortran.sh) ---------------------------------------------
# tests/run_fortran.f90 is a plain Fortran MPI program, built three times by the MPI Fortran
# wrapper with the C preprocessor: tests/run_fortran (`use mpi`), tests/run_fortran_f08 (`use
# mpi_f08`, -DBFS_F08) and tests/run_fortran_mpifh (`include 'mpif.h'`, -DBFS_MPIFH). Plain
# rules, not automake's Fortran support: configure checks that $(MPIFORT) works (Open MPI's
# mpifort is there without gfortran), and the test skips without the programs.
INTEG_TESTS += tests/run_fortran.sh
dist_noinst_DATA += tests/run_fortran.f90
check_SCRIPTS =
if HAVE_MPIFORT
check_SCRIPTS += tests/run_fortran
if HAVE_MPI_F08
check_SCRIPTS += tests/run_fortran_f08
endif
if HAVE_MPIFH
check_SCRIPTS += tests/run_fortran_mpifh
endif
endif
CLEANFILES += tests/run_fortran tests/run_fortran_f08 tests/run_fortran_mpifh
FORTRAN_BUILD = $(AM_V_GEN)$(MKDIR_P) tests && $(MPIFORT) -cpp $(FCFLAGS)
tests/run_fortran: tests/run_fortran.f90
	$(FORTRAN_BUILD) -o $@ $(srcdir)/tests/run_fortran.f90
tests/run_fortran_f08: tests/run_fortran.f90
	$(FORTRAN_BUILD) -DBFS_F08 -o $@ $(srcdir)/tests/run_fortran.f90
tests/run_fortran_mpifh: tests/run_fortran.f90
	$(FORTRAN_BUILD) -DBFS_MPIFH -o $@ $(srcdir)/tests/run_fortran.f90

# ---- several nodes on one machine (tests/multinode.sh) ------------------------------------------
# Three nodes simulated by network + UTS namespaces joined by a bridge; Open MPI launches into
# them through tests/netns-agent.sh (its rsh agent). tests/multinode_client keeps calling one
# server while the script kills it or cuts its node's link, and reports when its calls failed.
INTEG_BINS += tests/multinode_client
INTEG_TESTS += tests/multinode.sh
dist_noinst_SCRIPTS += tests/netns-agent.sh
tests_multinode_client_SOURCES = tests/multinode_client.c
tests_multinode_client_LDADD = $(BFSTEST_LIBS)
tests_multinode_client_LDFLAGS = $(BFSTEST_LINK)

# ---- POSIX programs through libbenchfs-posix.so (src/posix) ---------------------------------
# tests/posix_calls is a plain POSIX program (no BenchFS header or library): errno against a
# local directory, local and BenchFS descriptors mixed. posix_coreutils.sh runs coreutils,
# findutils and bash; posix_fio.sh runs fio; posix_mpi is an MPI program doing POSIX I/O.
INTEG_BINS += tests/posix_calls tests/posix_mpi
INTEG_TESTS += tests/posix_calls.sh tests/posix_coreutils.sh tests/posix_fio.sh \
	tests/posix_mpi.sh
tests_posix_calls_SOURCES = tests/posix_calls.c
# no MPI program: mpicc's libmpi must not be among its needed libraries (benchfs-run would take
# it for one, as the sanitized build's flags otherwise leave it there)
tests_posix_calls_LDFLAGS = -Wl,--as-needed
tests_posix_mpi_SOURCES = tests/posix_mpi.c
