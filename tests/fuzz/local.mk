# libFuzzer harnesses of the wire decoders and request handlers, included by Makefile.am; see
# tests/fuzz/README.md.
#
# tests/fuzz/fuzz_NAME is built from tests/fuzz/fuzz_NAME.c and the project sources it
# exercises by $(FUZZ_CC) (clang, found by configure: HAVE_LIBFUZZER) with
# -fsanitize=fuzzer,address,undefined: plain rules, as the project's CC is mpicc (gcc).
# `make fuzz` builds them; `make fuzz-check` runs each for BFS_FUZZ_SECONDS (default 30) on a
# copy of its seed corpus tests/fuzz/corpus/NAME (tests/fuzz/run.sh) and writes
# tests/fuzz/fuzz_NAME.log and .trs as automake's tests do (a finding is a FAIL naming the
# reproducer); without a working clang every harness is a SKIP. `make fuzz-seeds` rewrites the
# generated seeds (tests/fuzz/make-seeds, built with $(CC)).

FUZZ_NAMES = req rep entries stats path addrfile meta
FUZZ_PROGS = tests/fuzz/fuzz_req tests/fuzz/fuzz_rep tests/fuzz/fuzz_entries \
	tests/fuzz/fuzz_stats tests/fuzz/fuzz_path tests/fuzz/fuzz_addrfile tests/fuzz/fuzz_meta
FUZZ_FLAGS = -g -O1 -fno-omit-frame-pointer -fsanitize=fuzzer,address,undefined \
	-fno-sanitize-recover=all -std=gnu11 $(WARN_CFLAGS) -I$(top_srcdir)/include \
	-I$(top_srcdir)/src -D_GNU_SOURCE
FUZZ_BUILD = $(AM_V_GEN)$(MKDIR_P) tests/fuzz && $(FUZZ_CC) $(FUZZ_FLAGS)
# every header the harnesses and the sources they link include
FUZZ_DEPS = $(srcdir)/tests/fuzz/fuzz.h $(srcdir)/tests/fuzz/fuzz_meta.h \
	$(srcdir)/include/benchfs.h $(srcdir)/src/net/wire.h $(srcdir)/src/net/rpc.h \
	$(srcdir)/src/net/addrfile.h $(srcdir)/src/common/path.h $(srcdir)/src/common/stats.h \
	$(srcdir)/src/common/util.h $(srcdir)/src/common/ring.h $(srcdir)/src/server/meta.h

FUZZ_REQ_SRC = $(srcdir)/tests/fuzz/fuzz_req.c $(srcdir)/src/net/wire.c $(srcdir)/src/common/path.c
FUZZ_REP_SRC = $(srcdir)/tests/fuzz/fuzz_rep.c $(srcdir)/src/net/wire.c
FUZZ_ENTRIES_SRC = $(srcdir)/tests/fuzz/fuzz_entries.c $(srcdir)/src/net/wire.c \
	$(srcdir)/src/common/path.c
FUZZ_STATS_SRC = $(srcdir)/tests/fuzz/fuzz_stats.c $(srcdir)/src/common/stats.c \
	$(srcdir)/src/net/wire.c
FUZZ_PATH_SRC = $(srcdir)/tests/fuzz/fuzz_path.c $(srcdir)/src/common/path.c \
	$(srcdir)/src/common/find.c
FUZZ_ADDRFILE_SRC = $(srcdir)/tests/fuzz/fuzz_addrfile.c $(srcdir)/src/net/addrfile.c \
	$(srcdir)/src/net/ucx.c $(srcdir)/src/common/util.c
FUZZ_META_SRC = $(srcdir)/tests/fuzz/fuzz_meta.c $(srcdir)/src/server/meta.c \
	$(srcdir)/src/common/path.c $(srcdir)/src/common/find.c $(srcdir)/src/net/wire.c \
	$(srcdir)/src/common/util.c

tests/fuzz/fuzz_req: $(FUZZ_REQ_SRC) $(FUZZ_DEPS)
	$(FUZZ_BUILD) -o $@ $(FUZZ_REQ_SRC)
tests/fuzz/fuzz_rep: $(FUZZ_REP_SRC) $(FUZZ_DEPS)
	$(FUZZ_BUILD) -o $@ $(FUZZ_REP_SRC)
tests/fuzz/fuzz_entries: $(FUZZ_ENTRIES_SRC) $(FUZZ_DEPS)
	$(FUZZ_BUILD) -o $@ $(FUZZ_ENTRIES_SRC)
tests/fuzz/fuzz_stats: $(FUZZ_STATS_SRC) $(FUZZ_DEPS)
	$(FUZZ_BUILD) -o $@ $(FUZZ_STATS_SRC)
tests/fuzz/fuzz_path: $(FUZZ_PATH_SRC) $(FUZZ_DEPS)
	$(FUZZ_BUILD) -o $@ $(FUZZ_PATH_SRC)
tests/fuzz/fuzz_addrfile: $(FUZZ_ADDRFILE_SRC) $(FUZZ_DEPS)
	$(FUZZ_BUILD) $(UCX_CFLAGS) $(XXHASH_CFLAGS) -o $@ $(FUZZ_ADDRFILE_SRC) $(UCX_LIBS) \
		$(XXHASH_LIBS)
tests/fuzz/fuzz_meta: $(FUZZ_META_SRC) $(FUZZ_DEPS)
	$(FUZZ_BUILD) $(LMDB_CFLAGS) $(XXHASH_CFLAGS) -o $@ $(FUZZ_META_SRC) $(LMDB_LIBS)

FUZZ_RUN = top_srcdir=$(abs_top_srcdir) top_builddir=$(abs_top_builddir) \
	$(SHELL) $(srcdir)/tests/fuzz/run.sh $(FUZZ_NAMES)
if HAVE_LIBFUZZER
fuzz: $(FUZZ_PROGS)
fuzz-check: $(FUZZ_PROGS)
	@$(FUZZ_RUN)
else
fuzz:
	@echo "fuzz: no clang with libFuzzer (apt-get install clang libclang-rt-14-dev, then configure)"
	@exit 1
fuzz-check:
	@BFS_FUZZ_SKIP="no clang with libFuzzer (apt-get install clang libclang-rt-14-dev)" $(FUZZ_RUN)
endif

# the seed generator: real encoders, built by $(CC) on demand
EXTRA_PROGRAMS = tests/fuzz/make-seeds
tests_fuzz_make_seeds_SOURCES = tests/fuzz/make-seeds.c tests/fuzz/fuzz_meta.h src/net/wire.c \
	src/common/stats.c src/common/path.c src/net/addrfile.c src/net/ucx.c src/common/util.c
tests_fuzz_make_seeds_CFLAGS = $(AM_CFLAGS) $(UCX_CFLAGS) $(XXHASH_CFLAGS)
tests_fuzz_make_seeds_LDADD = $(UCX_LIBS) $(XXHASH_LIBS)
fuzz-seeds: tests/fuzz/make-seeds
	tests/fuzz/make-seeds $(srcdir)/tests/fuzz/corpus

fuzz-clean:
	rm -rf tests/fuzz/run $(FUZZ_PROGS) tests/fuzz/make-seeds tests/fuzz/*.log tests/fuzz/*.trs
clean-local: fuzz-clean
.PHONY: fuzz fuzz-check fuzz-seeds fuzz-clean

dist_noinst_SCRIPTS += tests/fuzz/run.sh
dist_noinst_DATA += tests/fuzz/README.md tests/fuzz/fuzz.h tests/fuzz/corpus tests/fuzz/fuzz_req.c \
	tests/fuzz/fuzz_rep.c tests/fuzz/fuzz_entries.c tests/fuzz/fuzz_stats.c tests/fuzz/fuzz_path.c \
	tests/fuzz/fuzz_addrfile.c tests/fuzz/fuzz_meta.c
