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
    ADIOI_BENCHFS_SetLock,       /* SetLock: byte-range locks on the file's first server */
};

/*
 * What the driver does and does not do, as ROMIO asks:
 *  - scalable open: yes (OpenColl creates on one process and broadcasts);
 *  - scalable resize: no: after one process sets the size, every process refreshes the size
 *    it knows (ADIOI_BENCHFS_Resize), so ROMIO must call Resize everywhere;
 *  - locks: yes (benchfs_lock), and with them atomic mode and shared file pointers (ROMIO
 *    keeps the pointer in a hidden file and updates it under a lock);
 *  - data sieving writes: no (no read-modify-write of other processes' bytes);
 *  - two-phase collective buffering: yes (ROMIO's generic code over our contiguous calls);
 *  - unlink after close: no (a removed file's data goes at once, see benchfs.h).
 */
int ADIOI_BENCHFS_Feature(ADIO_File fd, int flag)
{
	(void)fd;
	switch (flag) {
	case ADIO_SCALABLE_OPEN:
	case ADIO_TWO_PHASE:
	case ADIO_LOCKS:
	case ADIO_SHARED_FP:
	case ADIO_ATOMIC_MODE:
		return 1;
	case ADIO_SCALABLE_RESIZE:
	case ADIO_SEQUENTIAL:
	case ADIO_DATA_SIEVING_WRITES:
	case ADIO_UNLINK_AFTER_CLOSE:
	default:
		return 0;
	}
}
