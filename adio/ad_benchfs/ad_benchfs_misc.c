/*
 * ad_benchfs_misc.c - file size, preallocation, atomicity, resize and flush.
 */
#include "ad_benchfs.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <sys/stat.h>

#include <benchfs.h>

#include "adioi.h"

void ADIOI_BENCHFS_Fcntl(ADIO_File fd, int flag, ADIO_Fcntl_t *fcntl_struct, int *error_code)
{
	static const char myname[] = "ADIOI_BENCHFS_FCNTL";
	int bfd = ADIOI_BENCHFS_Fd(fd), rc = 0;
	struct stat st;

	switch (flag) {
	case ADIO_FCNTL_GET_FSIZE:
		/* the published size, or larger if this process wrote past it */
		rc = benchfs_fstat(bfd, &st);
		if (!rc)
			fcntl_struct->fsize = st.st_size;
		break;
	case ADIO_FCNTL_SET_DISKSPACE:
		/* MPI_File_preallocate (called on one process): storage is taken as data arrives,
		 * so only the size grows; the new range reads as zeros */
		rc = benchfs_fstat(bfd, &st);
		if (!rc && st.st_size < fcntl_struct->diskspace)
			rc = benchfs_ftruncate(bfd, fcntl_struct->diskspace);
		break;
	case ADIO_FCNTL_SET_ATOMICITY:
		/* atomic mode: every access runs under a byte-range lock (ROMIO takes it around
		 * contiguous accesses, ADIOI_BENCHFS_*Strided around the others) */
		fd->atomicity = fcntl_struct->atomicity ? 1 : 0;
		break;
	default:
		*error_code =
		    MPIO_Err_create_code(MPI_SUCCESS, MPIR_ERR_RECOVERABLE, myname, __LINE__,
		                         MPI_ERR_ARG, "**flag", "**flag %d", flag);
		return;
	}
	*error_code = rc < 0 ? ADIOI_BENCHFS_Errcode(myname, fd->filename, rc) : MPI_SUCCESS;
}

/*
 * MPI_File_set_size (collective): process 0 sets the size (dropping bytes past it on every
 * server), then every process takes the new size as the one it knows.
 */
void ADIOI_BENCHFS_Resize(ADIO_File fd, ADIO_Offset size, int *error_code)
{
	static const char myname[] = "ADIOI_BENCHFS_RESIZE";
	int bfd = ADIOI_BENCHFS_Fd(fd), rank, rc = 0;

	MPI_Comm_rank(fd->comm, &rank);
	MPI_Barrier(fd->comm); /* every process's writes before the call are in */
	if (rank == 0)
		rc = benchfs_ftruncate(bfd, size);
	MPI_Bcast(&rc, 1, MPI_INT, 0, fd->comm);
	if (!rc && rank != 0)
		rc = benchfs_frefresh(bfd);
	*error_code = rc < 0 ? ADIOI_BENCHFS_Errcode(myname, fd->filename, rc) : MPI_SUCCESS;
}

/* MPI_File_sync: this process's data to stable storage, its size and mtime published. */
void ADIOI_BENCHFS_Flush(ADIO_File fd, int *error_code)
{
	static const char myname[] = "ADIOI_BENCHFS_FLUSH";
	int rc = benchfs_fsync(ADIOI_BENCHFS_Fd(fd));

	*error_code = rc < 0 ? ADIOI_BENCHFS_Errcode(myname, fd->filename, rc) : MPI_SUCCESS;
}

/* ROMIO's lock calls (atomic mode, shared file pointers): @whence is SEEK_SET in ROMIO. */
int ADIOI_BENCHFS_SetLock(ADIO_File fd, int cmd, int type, ADIO_Offset offset, int whence,
                          ADIO_Offset len)
{
	static const char myname[] = "ADIOI_BENCHFS_SETLOCK";
	int rc;

	if (whence != SEEK_SET)
		return MPIO_Err_create_code(MPI_SUCCESS, MPIR_ERR_RECOVERABLE, myname, __LINE__,
		                            MPI_ERR_ARG, "**flag", "**flag %d", whence);
	rc = benchfs_lock(ADIOI_BENCHFS_Fd(fd), cmd == F_SETLK ? F_SETLK : F_SETLKW, type, offset,
	                  len);
	return rc < 0 ? ADIOI_BENCHFS_Errcode(myname, fd->filename, rc) : MPI_SUCCESS;
}
