# libbenchfs-posix.so, included by Makefile.am: BenchFS under a mount prefix for unmodified,
# dynamically linked programs (LD_PRELOAD; benchfs-run preloads it; man benchfs-posix(7)).
# A preloaded module, no static archive. path.c is compiled in (the library's copy is hidden).
# $ORIGIN: libbenchfs.so.0 is found next to it, in the build tree's .libs as in $(libdir).

lib_LTLIBRARIES += libbenchfs-posix.la
libbenchfs_posix_la_SOURCES = src/posix/posix.h src/posix/init.c src/posix/fd.c \
	src/posix/file.c src/posix/ns.c src/posix/dir.c src/posix/stdio.c src/posix/exec.c \
	src/common/path.c
# libc declares many of the wrapped functions nonnull, but programs do pass NULL (EFAULT): keep
# the checks
libbenchfs_posix_la_CFLAGS = $(AM_CFLAGS) -fvisibility=hidden -Wno-nonnull-compare \
	-fno-delete-null-pointer-checks
libbenchfs_posix_la_LIBADD = libbenchfs.la -ldl
libbenchfs_posix_la_LDFLAGS = -module -avoid-version -shared -Wl,-rpath,'$$ORIGIN'
