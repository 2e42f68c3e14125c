/*
 * ad_benchfs_open.c - attaching to BenchFS, open (collective and not), close, delete, hints.
 */
#include "ad_benchfs.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <benchfs.h>

#include "adioi.h"

static int attach_state; /* 0: not tried, 1: attached by us, 2: attached by someone else */
static int attach_err;   /* benchfs_init()'s error, once it failed */

/* MPI_Finalize deletes MPI_COMM_SELF's attributes first: detach there. */
static int detach_at_finalize(MPI_Comm comm, int keyval, void *val, void *extra)
{
	(void)comm;
	(void)val;
	(void)extra;
	if (attach_state == 1)
		benchfs_term();
	attach_state = 0;
	MPI_Comm_free_keyval(&keyval);
	return MPI_SUCCESS;
}

/*
 * Attach this process to BenchFS on first use: through the address file named by BENCHFS_ADDR
 * (standalone servers), unless the process is attached already (in-job servers started by
 * benchfs_mpi_start() or benchfs-run). Return 0, or -errno with *@error_code set.
 */
int ADIOI_BENCHFS_Attach(int *error_code)
{
	static const char myname[] = "ADIOI_BENCHFS_ATTACH";
	int rc, key;

	*error_code = MPI_SUCCESS;
	if (attach_state)
		return 0;
	if (benchfs_server_count() > 0) {
		attach_state = 2;
		return 0;
	}
	if (attach_err) {
		*error_code = ADIOI_BENCHFS_Errcode(myname, "benchfs:", attach_err);
		return attach_err;
	}
	rc = benchfs_init(NULL);
	if (rc == -EALREADY) {
		attach_state = 2;
		return 0;
	}
	if (rc < 0) {
		const char *addr = getenv("BENCHFS_ADDR");
		fprintf(stderr, "benchfs MPI-IO: cannot attach to BenchFS servers: %s%s%s\n",
		        addr && *addr ? addr : "BENCHFS_ADDR is not set",
		        addr && *addr ? ": "
		                      : " (start benchfsd --attach FILE and export "
		                        "BENCHFS_ADDR=FILE, or run under benchfs-run)",
		        addr && *addr ? strerror(-rc) : "");
		attach_err = rc;
		*error_code = ADIOI_BENCHFS_Errcode(myname, "benchfs:", rc);
		return rc;
	}
	attach_state = 1;
	if (MPI_Comm_create_keyval(MPI_COMM_NULL_COPY_FN, detach_at_finalize, &key, NULL) ==
	    MPI_SUCCESS)
		MPI_Comm_set_attr(MPI_COMM_SELF, key, NULL);
	return 0;
}

int ADIOI_BENCHFS_Errcode(const char *myname, const char *filename, int neg_errno)
{
	return ADIOI_Err_create_code(myname, filename, -neg_errno);
}

int ADIOI_BENCHFS_Fd(ADIO_File fd)
{
	return ((struct ADIOI_BENCHFS_file *)fd->fs_ptr)->bfd;
}

/*
 * A write-only file is opened read-write underneath: ROMIO's two-phase collective writes read
 * the holes of a file domain before writing it back (MPI's access checks are ROMIO's, made on
 * the mode the user gave).
 */
static int open_flags(int access_mode)
{
	int flags = access_mode & ADIO_RDONLY ? O_RDONLY : O_RDWR;
	if (access_mode & ADIO_CREATE)
		flags |= O_CREAT;
	if (access_mode & ADIO_EXCL)
		flags |= O_EXCL;
	return flags;
}

/* After an open: remember the descriptor, publish the chunk size as hints. */
static void opened(ADIO_File fd, int bfd)
{
	struct ADIOI_BENCHFS_file *f = ADIOI_Malloc(sizeof(*f));
	char value[32];
	struct stat st;

	f->bfd = bfd;
	fd->fs_ptr = f;
	fd->fd_sys = -1; /* not a POSIX descriptor: ROMIO's generic POSIX paths must not use it */
	if (benchfs_fstat(bfd, &st) != 0)
		return;
	if (fd->access_mode & ADIO_APPEND) /* MPI_MODE_APPEND: file pointers start at the end */
		fd->fp_ind = fd->fp_sys_posn = st.st_size;
	if (st.st_blksize > 0) {
		fd->blksize = st.st_blksize;
		fd->hints->striping_unit = (int)st.st_blksize;
		snprintf(value, sizeof(value), "%ld", (long)st.st_blksize);
		ADIOI_Info_set(fd->info, ADIOI_BENCHFS_HINT_CHUNK, value);
		ADIOI_Info_set(fd->info, "striping_unit", value);
	}
}

void ADIOI_BENCHFS_Open(ADIO_File fd, int *error_code)
{
	static const char myname[] = "ADIOI_BENCHFS_OPEN";
	int flags = open_flags(fd->access_mode), bfd;
	mode_t perm;

	if (ADIOI_BENCHFS_Attach(error_code))
		return;
	if (fd->perm == ADIO_PERM_NULL) {
		mode_t mask = umask(022);
		umask(mask);
		perm = 0666 & ~mask;
	} else {
		perm = (mode_t)fd->perm;
	}
	if (flags & O_CREAT)
		bfd = benchfs_create(fd->filename, flags, perm,
		                     fd->hints->striping_unit > 0 ? (size_t)fd->hints->striping_unit
		                                                  : 0);
	else
		bfd = benchfs_open(fd->filename, flags, 0);
	if (bfd < 0) {
		*error_code = ADIOI_BENCHFS_Errcode(myname, fd->filename, bfd);
		return;
	}
	opened(fd, bfd);
	*error_code = MPI_SUCCESS;
}

/*
 * Collective open: process 0 of the communicator opens (creating the file if asked), and
 * broadcasts the outcome and the file's description; the others open from the description
 * without a request to any server. Every process ends with the same outcome: when one fails
 * (it cannot attach, or import the description), all fail with its error, and those that had
 * opened close again.
 */
void ADIOI_BENCHFS_OpenColl(ADIO_File fd, int rank, int access_mode, int *error_code)
{
	static const char myname[] = "ADIOI_BENCHFS_OPENCOLL";
	char *desc = ADIOI_Malloc(BENCHFS_EXPORT_MAX);
	int head[2] = {MPI_SUCCESS, 0}; /* error code, description length */
	int bfd, err = 0, all_err;

	fd->access_mode = access_mode;
	if (rank == 0) {
		ADIOI_BENCHFS_Open(fd, &head[0]);
		if (head[0] == MPI_SUCCESS) {
			ssize_t n = benchfs_export(ADIOI_BENCHFS_Fd(fd), desc, BENCHFS_EXPORT_MAX);
			if (n < 0) {
				head[0] = ADIOI_BENCHFS_Errcode(myname, fd->filename, (int)n);
				benchfs_close(ADIOI_BENCHFS_Fd(fd));
				ADIOI_Free(fd->fs_ptr);
				fd->fs_ptr = NULL;
			}
			head[1] = n < 0 ? 0 : (int)n;
		}
	}
	MPI_Bcast(head, 2, MPI_INT, 0, fd->comm);
	if (head[0] != MPI_SUCCESS) {
		*error_code = head[0]; /* the same on every process */
		goto out;
	}
	MPI_Bcast(desc, head[1], MPI_BYTE, 0, fd->comm);
	if (rank != 0) {
		err = ADIOI_BENCHFS_Attach(error_code);
		if (!err) {
			bfd = benchfs_import(desc, (size_t)head[1],
			                     open_flags(access_mode) & O_ACCMODE);
			if (bfd < 0)
				err = bfd;
			else
				opened(fd, bfd);
		}
	}
	/* one outcome for all: the lowest errno of those that failed */
	MPI_Allreduce(&err, &all_err, 1, MPI_INT, MPI_MIN, fd->comm);
	if (all_err) {
		if (fd->fs_ptr) {
			benchfs_close(ADIOI_BENCHFS_Fd(fd));
			ADIOI_Free(fd->fs_ptr);
			fd->fs_ptr = NULL;
		}
		*error_code = ADIOI_BENCHFS_Errcode(myname, fd->filename, all_err);
		goto out;
	}
	fd->is_open = 1;
	*error_code = MPI_SUCCESS;
out:
	ADIOI_Free(desc);
}

/*
 * Collective close: every process publishes its size, and none returns before all have (an
 * open after the close sees the whole file); all return the same outcome (the lowest errno of
 * those whose close failed).
 */
void ADIOI_BENCHFS_Close(ADIO_File fd, int *error_code)
{
	static const char myname[] = "ADIOI_BENCHFS_CLOSE";
	int rc = 0, all_rc;

	if (fd->fs_ptr) {
		rc = benchfs_close(ADIOI_BENCHFS_Fd(fd));
		ADIOI_Free(fd->fs_ptr);
		fd->fs_ptr = NULL;
	}
	MPI_Allreduce(&rc, &all_rc, 1, MPI_INT, MPI_MIN, fd->comm);
	*error_code =
	    all_rc < 0 ? ADIOI_BENCHFS_Errcode(myname, fd->filename, all_rc) : MPI_SUCCESS;
}

void ADIOI_BENCHFS_Delete(const char *filename, int *error_code)
{
	static const char myname[] = "ADIOI_BENCHFS_DELETE";
	int rc;

	if (ADIOI_BENCHFS_Attach(error_code))
		return;
	rc = benchfs_unlink(filename);
	*error_code = rc < 0 ? ADIOI_BENCHFS_Errcode(myname, filename, rc) : MPI_SUCCESS;
}

/*
 * Hints: ROMIO's generic ones, plus the chunk size of a file created by this open:
 * benchfs_chunk_size, or striping_unit (the MPI standard's name for the same idea), in bytes,
 * a power of two from 4096 to 1 GiB. An open file's info shows its actual chunk size under
 * both keys. Collective buffering (two-phase) is off unless asked for with romio_cb_read /
 * romio_cb_write = enable: direct list I/O from every process measured faster here
 * (docs/PERFORMANCE.md).
 */
static int chunk_ok(long v)
{
	return v >= 4096 && v <= (1L << 30) && !(v & (v - 1));
}

static int user_set(MPI_Info users_info, const char *key)
{
	char value[MPI_MAX_INFO_VAL + 1];
	int flag = 0;

	if (users_info != MPI_INFO_NULL)
		ADIOI_Info_get(users_info, key, MPI_MAX_INFO_VAL, value, &flag);
	return flag;
}

void ADIOI_BENCHFS_SetInfo(ADIO_File fd, MPI_Info users_info, int *error_code)
{
	char value[MPI_MAX_INFO_VAL + 1];
	int opening = fd->info == MPI_INFO_NULL, flag = 0, rank;
	long v = 0;

	ADIOI_GEN_SetInfo(fd, users_info, error_code);
	if (*error_code != MPI_SUCCESS || !opening)
		return; /* the chunk size is fixed once the file exists */
	if (users_info != MPI_INFO_NULL)
		ADIOI_Info_get(users_info, ADIOI_BENCHFS_HINT_CHUNK, MPI_MAX_INFO_VAL, value,
		               &flag);
	if (flag) {
		char *end;
		v = strtol(value, &end, 10);
		if (*end)
			v = -1;
	} else {
		v = fd->hints->striping_unit; /* 0 unless given */
	}
	fd->hints->striping_unit = 0;
	if (v && !chunk_ok(v)) {
		MPI_Comm_rank(fd->comm, &rank);
		if (rank == 0)
			fprintf(
			    stderr,
			    "benchfs MPI-IO: %s: ignoring chunk size hint %s=%s (want a power of "
			    "two from 4096 to 1073741824 bytes)\n",
			    fd->filename, flag ? ADIOI_BENCHFS_HINT_CHUNK : "striping_unit",
			    flag ? value : "(given)");
	} else if (v) {
		fd->hints->striping_unit = (int)v;
	}
	/* collective buffering only when asked for */
	if (!user_set(users_info, "romio_cb_write")) {
		fd->hints->cb_write = ADIOI_HINT_DISABLE;
		ADIOI_Info_set(fd->info, "romio_cb_write", "disable");
	}
	if (!user_set(users_info, "romio_cb_read")) {
		fd->hints->cb_read = ADIOI_HINT_DISABLE;
		ADIOI_Info_set(fd->info, "romio_cb_read", "disable");
	}
	*error_code = MPI_SUCCESS;
}
