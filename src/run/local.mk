# benchfs-run, included by Makefile.am: run an unmodified MPI program on BenchFS,
#	mpirun -n M benchfs-run --servers N [--data-dir DIR] -- PROGRAM [ARGS...]
# benchfs-run (src/run/benchfs-run.c) is a launcher, not an MPI program: it executes PROGRAM with
# libbenchfs-run.so preloaded (and adio/libbenchfs-romio.so when built). That library wraps every
# MPI C function that takes a communicator, mapping MPI_COMM_WORLD to the clients' communicator;
# the wrappers (src/run/wrappers.c) are generated at build time from the mpi.h of $(CC):
# find-mpi-h.sh finds it, gen-table.sh lists its functions (src/run/functions.tsv), and
# gen-wrappers.sh writes one wrapper per function. The hand-written rest is core.c (init,
# servers through benchfs_mpi_start, finalize, PMPI-level hooks) and fortran.c.

lib_LTLIBRARIES += libbenchfs-run.la
libbenchfs_run_la_SOURCES = src/run/core.c src/run/fortran.c src/run/run.h src/run/addrfile.h
nodist_libbenchfs_run_la_SOURCES = src/run/wrappers.c
libbenchfs_run_la_LIBADD = libbenchfs.la -ldl
# a preloaded module, no static archive; $ORIGIN: libbenchfs.so.0 is found next to it, in the
# build tree's .libs as in $(libdir)
libbenchfs_run_la_LDFLAGS = -module -avoid-version -shared -Wl,-rpath,'$$ORIGIN'

bin_PROGRAMS += benchfs-run
benchfs_run_SOURCES = src/run/benchfs-run.c src/run/preload.h
benchfs_run_CPPFLAGS = $(AM_CPPFLAGS) -DBENCHFS_LIBDIR='"$(libdir)"' \
	-DBENCHFS_LIBEXECDIR='"$(pkglibexecdir)"'

RUN_GEN = src/run/find-mpi-h.sh src/run/gen-table.sh src/run/gen-wrappers.sh
dist_noinst_SCRIPTS += $(RUN_GEN)
src/run/functions.tsv: src/run/find-mpi-h.sh src/run/gen-table.sh
	$(AM_V_GEN)$(MKDIR_P) src/run && \
	h=`$(SHELL) $(srcdir)/src/run/find-mpi-h.sh '$(CC)'` && \
	$(SHELL) $(srcdir)/src/run/gen-table.sh "$$h" > $@.tmp && mv $@.tmp $@
src/run/wrappers.c: src/run/functions.tsv src/run/gen-wrappers.sh
	$(AM_V_GEN)$(SHELL) $(srcdir)/src/run/gen-wrappers.sh src/run/functions.tsv > $@.tmp && \
	mv $@.tmp $@
CLEANFILES += src/run/functions.tsv src/run/wrappers.c

# benchfs-job: the MPI rank of a program that is no MPI program (core.c forks it off before the
# program's main); benchfs-run finds it next to itself in the build tree, else in pkglibexecdir
pkglibexec_PROGRAMS = benchfs-job
benchfs_job_SOURCES = src/run/job.c src/run/addrfile.h
benchfs_job_LDADD = libbenchfs.la
benchfs_job_LDFLAGS = -static
