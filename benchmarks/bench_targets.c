/*
 * bench_targets.c - the storage targets of benchfs-bench behind one small set of calls: BenchFS
 * through its native API, BenchFS through MPI-IO ("benchfs:" names, the ROMIO driver), POSIX
 * calls on a local directory, MPI-IO on a local path (whatever driver the MPI library picks for
 * a plain path). Also the data pattern that --verify checks.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bench.h"
#include "benchfs.h"

/* An MPI error: its text is kept in mpi_err (the benchmark is single-threaded). */
#define BT_EMPI (-100000)
static char mpi_err[MPI_MAX_ERROR_STRING + 1];

static int from_mpi(int rc)
{
	int len = 0;

	if (rc == MPI_SUCCESS)
		return 0;
	MPI_Error_string(rc, mpi_err, &len);
	mpi_err[len] = '\0';
	return BT_EMPI;
}

const char *bt_strerror(int err)
{
	if (err == BT_EMPI)
		return mpi_err;
	if (err == -ENOTSUP)
		return "not supported by this API";
	return strerror(err < 0 ? -err : err);
}

/* The name a target's call takes for @rel: a BenchFS path, "benchfs:" + path, or a local path. */
static void full_path(const struct bench_target *t, const char *rel, char *out, size_t len)
{
	if (t->on_benchfs && t->kind != K_POSIX)
		snprintf(out, len, "%s%s", t->kind == K_MPIIO ? "benchfs:" : "", rel);
	else /* a local directory, or the mount prefix of libbenchfs-posix.so */
		snprintf(out, len, "%s%s", t->root, rel);
}

static int posix_flags(int flags)
{
	int o = (flags & BF_RD) && (flags & BF_WR) ? O_RDWR : (flags & BF_WR) ? O_WRONLY : O_RDONLY;

	if (flags & BF_CREAT)
		o |= O_CREAT;
	if (flags & BF_EXCL)
		o |= O_EXCL;
	if (flags & BF_TRUNC)
		o |= O_TRUNC;
	return o | O_CLOEXEC;
}

static int mpi_amode(int flags)
{
	int m = (flags & BF_RD) && (flags & BF_WR) ? MPI_MODE_RDWR
	        : (flags & BF_WR)                  ? MPI_MODE_WRONLY
	                                           : MPI_MODE_RDONLY;

	if (flags & BF_CREAT)
		m |= MPI_MODE_CREATE;
	if (flags & BF_EXCL)
		m |= MPI_MODE_EXCL;
	return m;
}

static int mpiio_open(const struct bench_target *t, const char *rel, int flags, MPI_Comm comm,
                      struct bench_file *f)
{
	char path[4200];
	int rc;

	full_path(t, rel, path, sizeof(path));
	rc = from_mpi(MPI_File_open(comm, path, mpi_amode(flags), MPI_INFO_NULL, &f->fh));
	if (rc == 0 && (flags & BF_TRUNC)) {
		rc = from_mpi(MPI_File_set_size(f->fh, 0));
		if (rc)
			MPI_File_close(&f->fh);
	}
	return rc;
}

int bt_open(const struct bench_target *t, const char *rel, int flags, struct bench_file *f)
{
	char path[4200];

	f->kind = t->kind;
	f->fd = -1;
	f->fh = MPI_FILE_NULL;
	if (t->kind == K_MPIIO)
		return mpiio_open(t, rel, flags, MPI_COMM_SELF, f);
	full_path(t, rel, path, sizeof(path));
	if (t->kind == K_NATIVE) {
		f->fd = benchfs_open(path, posix_flags(flags) & ~O_CLOEXEC, 0644);
		return f->fd < 0 ? f->fd : 0;
	}
	f->fd = open(path, posix_flags(flags), 0644);
	return f->fd < 0 ? -errno : 0;
}

int bt_open_shared(const struct bench_target *t, const char *rel, int flags, MPI_Comm comm,
                   struct bench_file *f)
{
	int rank, rc = 0;

	f->kind = t->kind;
	f->fd = -1;
	f->fh = MPI_FILE_NULL;
	if (t->kind == K_MPIIO)
		return mpiio_open(t, rel, flags, comm, f);
	/* one creator, then every other rank opens what exists */
	MPI_Comm_rank(comm, &rank);
	if (rank == 0)
		rc = bt_open(t, rel, flags, f);
	MPI_Bcast(&rc, 1, MPI_INT, 0, comm);
	if (rc)
		return rc;
	if (rank != 0)
		rc = bt_open(t, rel, flags & ~(BF_CREAT | BF_EXCL | BF_TRUNC), f);
	return rc;
}

ssize_t bt_pwrite(struct bench_file *f, const void *buf, size_t n, off_t off)
{
	MPI_Status st;
	ssize_t rc;

	switch (f->kind) {
	case K_NATIVE:
		return benchfs_pwrite(f->fd, buf, n, off);
	case K_MPIIO:
		rc =
		    from_mpi(MPI_File_write_at(f->fh, (MPI_Offset)off, buf, (int)n, MPI_BYTE, &st));
		return rc ? rc : (ssize_t)n;
	default:
		rc = pwrite(f->fd, buf, n, off);
		return rc < 0 ? -errno : rc;
	}
}

ssize_t bt_pread(struct bench_file *f, void *buf, size_t n, off_t off)
{
	MPI_Status st;
	ssize_t rc;
	int count = 0;

	switch (f->kind) {
	case K_NATIVE:
		return benchfs_pread(f->fd, buf, n, off);
	case K_MPIIO:
		rc = from_mpi(MPI_File_read_at(f->fh, (MPI_Offset)off, buf, (int)n, MPI_BYTE, &st));
		if (rc)
			return rc;
		MPI_Get_count(&st, MPI_BYTE, &count);
		return count;
	default:
		rc = pread(f->fd, buf, n, off);
		return rc < 0 ? -errno : rc;
	}
}

int bt_fsync(struct bench_file *f)
{
	switch (f->kind) {
	case K_NATIVE:
		return benchfs_fsync(f->fd);
	case K_MPIIO:
		return from_mpi(MPI_File_sync(f->fh));
	default:
		return fsync(f->fd) ? -errno : 0;
	}
}

int bt_close(struct bench_file *f)
{
	int rc;

	switch (f->kind) {
	case K_NATIVE:
		rc = f->fd >= 0 ? benchfs_close(f->fd) : 0;
		break;
	case K_MPIIO:
		rc = f->fh != MPI_FILE_NULL ? from_mpi(MPI_File_close(&f->fh)) : 0;
		break;
	default:
		rc = f->fd >= 0 && close(f->fd) ? -errno : 0;
		break;
	}
	f->fd = -1;
	f->fh = MPI_FILE_NULL;
	return rc;
}

int bt_close_shared(struct bench_file *f, MPI_Comm comm)
{
	(void)comm; /* MPI_File_close is collective by itself; the others close locally */
	return bt_close(f);
}

int bt_stat(const struct bench_target *t, const char *rel)
{
	char path[4200];
	struct stat st;

	if (t->kind == K_MPIIO)
		return -ENOTSUP;
	full_path(t, rel, path, sizeof(path));
	if (t->kind == K_NATIVE)
		return benchfs_stat(path, &st);
	return stat(path, &st) ? -errno : 0;
}

int bt_unlink(const struct bench_target *t, const char *rel)
{
	char path[4200];

	full_path(t, rel, path, sizeof(path));
	if (t->kind == K_MPIIO)
		return from_mpi(MPI_File_delete(path, MPI_INFO_NULL));
	if (t->kind == K_NATIVE)
		return benchfs_unlink(path);
	return unlink(path) ? -errno : 0;
}

int bt_mkdir(const struct bench_target *t, const char *rel)
{
	char path[4200];

	if (t->on_benchfs)
		return benchfs_mkdir(rel, 0755);
	snprintf(path, sizeof(path), "%s%s", t->root, rel);
	return mkdir(path, 0755) ? -errno : 0;
}

int bt_rmdir(const struct bench_target *t, const char *rel)
{
	char path[4200];

	if (t->on_benchfs)
		return benchfs_rmdir(rel);
	snprintf(path, sizeof(path), "%s%s", t->root, rel);
	return rmdir(path) ? -errno : 0;
}

/* ---- data pattern ------------------------------------------------------------------------------
 */

/* splitmix64's finalizer: a well-mixed word from a counter */
static inline uint64_t mix(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ull;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
	return x ^ (x >> 31);
}

static inline uint64_t seed_of(uint64_t key, int rank)
{
	return mix(key * 0x100000001b3ull ^ ((uint64_t)(unsigned)rank << 40));
}

/* Byte at file offset o: byte o % 8 of mix(seed + o / 8). */
static inline unsigned char pat(uint64_t seed, uint64_t o)
{
	return (unsigned char)(mix(seed + o / 8) >> (8 * (o % 8)));
}

void bench_fill(void *buf, size_t n, uint64_t key, int rank, uint64_t off)
{
	uint64_t seed = seed_of(key, rank);
	unsigned char *p = buf;
	size_t i = 0;

	for (; i < n && (off + i) % 8; i++)
		p[i] = pat(seed, off + i);
	for (; i + 8 <= n; i += 8) {
		uint64_t v = mix(seed + (off + i) / 8);
		for (int k = 0; k < 8; k++)
			p[i + (size_t)k] = (unsigned char)(v >> (8 * k));
	}
	for (; i < n; i++)
		p[i] = pat(seed, off + i);
}

size_t bench_check(const void *buf, size_t n, uint64_t key, int rank, uint64_t off)
{
	uint64_t seed = seed_of(key, rank);
	const unsigned char *p = buf;
	size_t bad = 0, i = 0;

	for (; i < n && (off + i) % 8; i++)
		bad += p[i] != pat(seed, off + i);
	for (; i + 8 <= n; i += 8) {
		uint64_t v = mix(seed + (off + i) / 8);
		for (int k = 0; k < 8; k++)
			bad += p[i + (size_t)k] != (unsigned char)(v >> (8 * k));
	}
	for (; i < n; i++)
		bad += p[i] != pat(seed, off + i);
	return bad;
}
