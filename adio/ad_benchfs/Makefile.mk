## BenchFS ADIO driver: automake fragment for ROMIO's non-recursive build. adio/build-romio.sh
## copies this directory to romio/adio/ad_benchfs/ and our ROMIO patch includes this file from
## romio/adio/Makefile.mk. BUILD_AD_BENCHFS is set when --with-file-system lists benchfs.

if BUILD_AD_BENCHFS

noinst_HEADERS += adio/ad_benchfs/ad_benchfs.h

romio_other_sources += \
    adio/ad_benchfs/ad_benchfs.c \
    adio/ad_benchfs/ad_benchfs_open.c \
    adio/ad_benchfs/ad_benchfs_io.c \
    adio/ad_benchfs/ad_benchfs_misc.c \
    adio/ad_benchfs/romio_ompi.c

endif BUILD_AD_BENCHFS
