/*
 * ad_benchfs.h - the BenchFS ADIO driver of ROMIO: MPI-IO on `benchfs:` file names.
 *
 * The driver maps MPI-IO onto libbenchfs's own operations (include/benchfs.h):
 *  - open: one process of the communicator creates or opens the file and broadcasts its
 *    description (benchfs_export); the others open it from that (benchfs_import), so a
 *    collective open costs one metadata request whatever the number of processes;
 *  - strided access: memory and file types are flattened into (buffer, offset, length)
 *    segments handed to benchfs_preadl/benchfs_pwritel, which keep many requests to the
 *    servers in flight; no data sieving, no locks;
 *  - non-blocking access: benchfs_ipreadl/benchfs_ipwritel, completed through a generalized
 *    request whose poll function runs from the MPI library's progress engine;
 *  - collective access: ROMIO's generic two-phase code, or direct list I/O per process
 *    (hints romio_cb_read / romio_cb_write), with file domains aligned to chunks.
 * Our own code; see docs/DESIGN.md ("MPI-IO").
 */
#ifndef AD_BENCHFS_H
#define AD_BENCHFS_H

#include "adio.h"

/* Per-file state, in fd->fs_ptr. */
struct ADIOI_BENCHFS_file {
	int bfd; /* libbenchfs descriptor */
};

/* Hints (MPI_Info keys) the driver knows besides ROMIO's generic ones. */
#define ADIOI_BENCHFS_HINT_CHUNK "benchfs_chunk_size"

int ADIOI_BENCHFS_Attach(int *error_code);
int ADIOI_BENCHFS_Errcode(const char *myname, const char *filename, int neg_errno);
int ADIOI_BENCHFS_Fd(ADIO_File fd);

void ADIOI_BENCHFS_Open(ADIO_File fd, int *error_code);
void ADIOI_BENCHFS_OpenColl(ADIO_File fd, int rank, int access_mode, int *error_code);
void ADIOI_BENCHFS_Close(ADIO_File fd, int *error_code);
void ADIOI_BENCHFS_Delete(const char *filename, int *error_code);
void ADIOI_BENCHFS_SetInfo(ADIO_File fd, MPI_Info users_info, int *error_code);

void ADIOI_BENCHFS_ReadContig(ADIO_File fd, void *buf, int count, MPI_Datatype datatype,
                              int file_ptr_type, ADIO_Offset offset, ADIO_Status *status,
                              int *error_code);
void ADIOI_BENCHFS_WriteContig(ADIO_File fd, const void *buf, int count, MPI_Datatype datatype,
                               int file_ptr_type, ADIO_Offset offset, ADIO_Status *status,
                               int *error_code);
void ADIOI_BENCHFS_ReadStrided(ADIO_File fd, void *buf, int count, MPI_Datatype datatype,
                               int file_ptr_type, ADIO_Offset offset, ADIO_Status *status,
                               int *error_code);
void ADIOI_BENCHFS_WriteStrided(ADIO_File fd, const void *buf, int count, MPI_Datatype datatype,
                                int file_ptr_type, ADIO_Offset offset, ADIO_Status *status,
                                int *error_code);
void ADIOI_BENCHFS_IreadContig(ADIO_File fd, void *buf, int count, MPI_Datatype datatype,
                               int file_ptr_type, ADIO_Offset offset, ADIO_Request *request,
                               int *error_code);
void ADIOI_BENCHFS_IwriteContig(ADIO_File fd, const void *buf, int count, MPI_Datatype datatype,
                                int file_ptr_type, ADIO_Offset offset, ADIO_Request *request,
                                int *error_code);
void ADIOI_BENCHFS_IreadStrided(ADIO_File fd, void *buf, int count, MPI_Datatype datatype,
                                int file_ptr_type, ADIO_Offset offset, ADIO_Request *request,
                                int *error_code);
void ADIOI_BENCHFS_IwriteStrided(ADIO_File fd, const void *buf, int count, MPI_Datatype datatype,
                                 int file_ptr_type, ADIO_Offset offset, ADIO_Request *request,
                                 int *error_code);

void ADIOI_BENCHFS_Fcntl(ADIO_File fd, int flag, ADIO_Fcntl_t *fcntl_struct, int *error_code);
void ADIOI_BENCHFS_Resize(ADIO_File fd, ADIO_Offset size, int *error_code);
void ADIOI_BENCHFS_Flush(ADIO_File fd, int *error_code);
int ADIOI_BENCHFS_Feature(ADIO_File fd, int flag);
int ADIOI_BENCHFS_SetLock(ADIO_File fd, int cmd, int type, ADIO_Offset offset, int whence,
                          ADIO_Offset len);

#endif
