/*
 * ad_benchfs.c - the driver's operations table and feature flags.
 */
#include "ad_benchfs.h"

#include "adioi.h"

struct ADIOI_Fns_struct ADIO_BENCHFS_operations = {
    ADIOI_BENCHFS_Open,          /* Open */
    ADIOI_BENCHFS_OpenColl,      /* OpenColl: one create, description broadcast */
    ADIOI_BENCHFS_ReadContig,    /* ReadContig */
    ADIOI_BENCHFS_WriteContig,   /* WriteContig */
    ADIOI_GEN_ReadStridedColl,   /* ReadStridedColl: two-phase or direct (romio_cb_read) */
    ADIOI_GEN_WriteStridedColl,  /* WriteStridedColl: two-phase or direct (romio_cb_write) */
    ADIOI_GEN_SeekIndividual,    /* SeekIndividual */
    ADIOI_BENCHFS_Fcntl,         /* Fcntl */
    ADIOI_BENCHFS_SetInfo,       /* SetInfo */
    ADIOI_BENCHFS_ReadStrided,   /* ReadStrided: list I/O */
    ADIOI_BENCHFS_WriteStrided,  /* WriteStrided: list I/O */
    ADIOI_BENCHFS_Close,         /* Close */
    ADIOI_BENCHFS_IreadContig,   /* IreadContig */
    ADIOI_BENCHFS_IwriteContig,  /* IwriteContig */
    ADIOI_FAKE_IODone,           /* ReadDone: unused, requests are generalized requests */
    ADIOI_FAKE_IODone,           /* WriteDone */
    ADIOI_FAKE_IOComplete,       /* ReadComplete */
    ADIOI_FAKE_IOComplete,       /* WriteComplete */
    ADIOI_BENCHFS_IreadStrided,  /* IreadStrided */
    ADIOI_BENCHFS_IwriteStrided, /* IwriteStrided */
    ADIOI_BENCHFS_Flush,         /* Flush */
    ADIOI_BENCHFS_Resize,        /* Resize */
    ADIOI_BENCHFS_Delete,        /* Delete */
    ADIOI_BENCHFS_Feature,       /* Feature */
    "BENCHFS: ROMIO driver for BenchFS",
    ADIOI_GEN_IreadStridedColl,  /* IreadStridedColl */
    ADIOI_GEN_IwriteStridedColl, /* IwriteStridedColl */
#if defined(F_SETLKW64)
    ADIOI_GEN_SetLock, /* SetLock: never called (no data sieving, no atomic mode) */
#else
    ADIOI_GEN_SetLock64,
#endif
};

/*
 * What the driver does and does not do, as ROMIO asks:
 *  - scalable open: yes (OpenColl creates on one process and broadcasts);
 *  - scalable resize: no: after one process sets the size, every process refreshes the size
 *    it knows (ADIOI_BENCHFS_Resize), so ROMIO must call Resize everywhere;
 *  - shared file pointers, locks, atomic mode, data sieving writes: no (ROMIO then refuses
 *    MPI_File_*_shared / *_ordered and MPI_File_set_atomicity(true) with an error);
 *  - two-phase collective buffering: yes (ROMIO's generic code over our contiguous calls);
 *  - unlink after close: no (a removed file's data goes at once, see benchfs.h).
 */
int ADIOI_BENCHFS_Feature(ADIO_File fd, int flag)
{
	(void)fd;
	switch (flag) {
	case ADIO_SCALABLE_OPEN:
	case ADIO_TWO_PHASE:
		return 1;
	case ADIO_SCALABLE_RESIZE:
	case ADIO_SHARED_FP:
	case ADIO_LOCKS:
	case ADIO_SEQUENTIAL:
	case ADIO_DATA_SIEVING_WRITES:
	case ADIO_ATOMIC_MODE:
	case ADIO_UNLINK_AFTER_CLOSE:
	default:
		return 0;
	}
}
