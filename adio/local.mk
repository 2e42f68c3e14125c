# ROMIO with the BenchFS ADIO driver, included by Makefile.am. Configured --with-romio[=DIR],
# `make` runs adio/build-romio.sh, which builds ROMIO (from Debian's mpich source package, or from
# DIR) with adio/ad_benchfs/ into adio/libbenchfs-romio.so: MPI-IO for programs built against
# Open MPI, loaded with LD_PRELOAD, that opens "benchfs:/path" names on BenchFS servers.
# `make install` puts it next to libbenchfs; tests/romio_tests.sh runs ROMIO's own tests with it.

ROMIO_LIB = adio/libbenchfs-romio.so
ROMIO_BUILDDIR = adio/romio-build
dist_noinst_SCRIPTS += adio/build-romio.sh
dist_noinst_DATA += adio/romio-4.0.patch adio/romio_ompi.h adio/romio_ompi.c
# The driver's files go into the tarball as they are (its Makefile.mk lists the sources).
dist-hook: romio-dist-hook
romio-dist-hook:
	$(MKDIR_P) $(distdir)/adio/ad_benchfs
	cp -p $(srcdir)/adio/ad_benchfs/Makefile.mk $(srcdir)/adio/ad_benchfs/*.[ch] \
		$(distdir)/adio/ad_benchfs/

if BUILD_ROMIO
all-local: romio-lib

# Always run: the script skips what is up to date (ROMIO's make decides about the sources).
romio-lib: libbenchfs.la
	@$(SHELL) $(srcdir)/adio/build-romio.sh --srcdir $(srcdir) --builddir $(ROMIO_BUILDDIR) \
		--incdir $(srcdir)/include --libdir .libs --output $(ROMIO_LIB) --romio "$(ROMIO_SRC)" \
		--cflags "$(ROMIO_CFLAGS)"

install-exec-local:
	$(MKDIR_P) '$(DESTDIR)$(libdir)'
	$(INSTALL_PROGRAM) $(ROMIO_LIB) '$(DESTDIR)$(libdir)/libbenchfs-romio.so'

uninstall-local:
	rm -f '$(DESTDIR)$(libdir)/libbenchfs-romio.so'

INTEG_TESTS += tests/romio_tests.sh
endif

# `make clean` keeps the downloaded and configured ROMIO (minutes to redo), `make distclean` not.
clean-local: romio-clean
romio-clean:
	rm -f $(ROMIO_LIB) adio/libbenchfs.so.0
	if test -f $(ROMIO_BUILDDIR)/build/Makefile; then \
		(cd $(ROMIO_BUILDDIR)/build && env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make clean) >/dev/null; \
	fi
distclean-local:
	rm -rf $(ROMIO_BUILDDIR)

.PHONY: romio-lib romio-clean romio-dist-hook
