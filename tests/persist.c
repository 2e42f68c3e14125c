/*
 * persist - helper of restart_persistence.sh. Run as `persist NSERVERS write` in one job and
 * `persist NSERVERS verify` in a later job on the same data directory: the second job must
 * find every file (bytes, size, mode, chunk size, times set by utimens), directory and symbolic
 * link the first one made, and nothing else.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

struct pfile {
	const char *path;
	mode_t mode;
	size_t chunk; /* 0: the default */
	uint64_t size;
	uint64_t hole; /* bytes [0, hole) never written */
};

static const struct pfile files[] = {
    {"/p/empty", 0600, 0, 0, 0},
    {"/p/small", 0644, 4096, 1000, 0},
    {"/p/cross", 0640, 4096, 5 * 4096 + 123, 0},
    {"/p/a/b/medium", 0755, 65536, 3 * 1048576 + 7, 0},
    {"/p/a/default", 0444, 0, 2 * 1048576 + 1, 0},
    {"/p/a/sparse", 0600, 65536, 10 * 65536 + 10, 9 * 65536 + 3},
};
#define NFILES (sizeof(files) / sizeof(files[0]))

static const char *dirs[] = {"/p", "/p/a", "/p/a/b", "/p/empty-dir"};
static const mode_t dir_modes[] = {0755, 0700, 0750, 0711};
#define NDIRS (sizeof(dirs) / sizeof(dirs[0]))

static const struct timespec stamp[2] = {{1234567890, 123}, {1334567890, 456}};

static void write_all(void)
{
	char path[64];
	int fd;

	if (bt_rank == 0) {
		for (size_t i = 0; i < NDIRS; i++)
			CHECK_RC(benchfs_mkdir(dirs[i], dir_modes[i]), 0);
		CHECK_RC(benchfs_symlink("/p/a/b/medium", "/p/link"), 0);
		CHECK_RC(benchfs_symlink("relative/target", "/p/a/rel"), 0);
	}
	MPI_Barrier(bt_comm);
	for (size_t i = (size_t)bt_rank; i < NFILES; i += (size_t)bt_size) {
		const struct pfile *f = &files[i];
		uint8_t *buf = malloc(f->size + 1);

		fd = (int)CHECK_OK(
		    benchfs_create(f->path, O_WRONLY | O_CREAT | O_EXCL, f->mode, f->chunk));
		bt_fill(buf, f->size - f->hole, f->hole, i);
		CHECK_RC(benchfs_pwrite(fd, buf, f->size - f->hole, (off_t)f->hole),
		         (long long)(f->size - f->hole));
		CHECK_RC(benchfs_close(fd), 0);
		CHECK_RC(benchfs_utimens(f->path, stamp), 0);
		free(buf);
	}
	/* one file per client, written with many small writes */
	snprintf(path, sizeof(path), "/p/client-%d", bt_rank);
	fd = (int)CHECK_OK(benchfs_open(path, O_WRONLY | O_CREAT | O_EXCL, 0644));
	for (uint64_t off = 0; off < 300000; off += 3000) {
		uint8_t buf[3000];
		bt_fill(buf, sizeof(buf), off, 100 + (uint64_t)bt_rank);
		CHECK_RC(benchfs_write(fd, buf, sizeof(buf)), 3000);
	}
	CHECK_RC(benchfs_close(fd), 0);
	bt_note("wrote %zu files, %zu directories, 2 symlinks, %d client files", NFILES, NDIRS,
	        bt_size);
}

static void verify_all(void)
{
	char path[64], lbuf[64];
	struct stat sb;
	int fd;

	for (size_t i = 0; i < NDIRS; i++) {
		CHECK_RC(benchfs_stat(dirs[i], &sb), 0);
		CHECK_EQ(sb.st_mode, S_IFDIR | dir_modes[i]);
	}
	for (size_t i = 0; i < NFILES; i++) {
		const struct pfile *f = &files[i];
		uint8_t *buf = malloc(f->size + 10);

		if (CHECK_OK(benchfs_stat(f->path, &sb)) < 0) {
			free(buf);
			continue;
		}
		CHECK_EQ(sb.st_mode, S_IFREG | f->mode);
		CHECK_EQ(sb.st_size, f->size);
		CHECK_EQ(sb.st_blksize, f->chunk ? f->chunk : BENCHFS_CHUNK_SIZE_DEFAULT);
		CHECK_EQ(sb.st_mtim.tv_sec, stamp[1].tv_sec);
		CHECK_EQ(sb.st_mtim.tv_nsec, stamp[1].tv_nsec);
		CHECK_EQ(sb.st_atim.tv_sec, stamp[0].tv_sec);
		fd = (int)CHECK_OK(benchfs_open(f->path, O_RDONLY, 0));
		memset(buf, 0xa5, f->size + 10);
		CHECK_RC(benchfs_pread(fd, buf, f->size + 10, 0), (long long)f->size);
		for (uint64_t j = 0; j < f->hole; j++)
			if (buf[j]) {
				bt_fail(__FILE__, __LINE__, "%s: byte %llu of the hole is 0x%02x",
				        f->path, (unsigned long long)j, buf[j]);
				break;
			}
		CHECK_PATTERN(buf + f->hole, f->size - f->hole, f->hole, i);
		CHECK_RC(benchfs_close(fd), 0);
		free(buf);
	}
	CHECK_RC(benchfs_lstat("/p/link", &sb), 0);
	CHECK(S_ISLNK(sb.st_mode));
	memset(lbuf, 0, sizeof(lbuf));
	CHECK_RC(benchfs_readlink("/p/link", lbuf, sizeof(lbuf)), 13);
	CHECK(strcmp(lbuf, "/p/a/b/medium") == 0);
	memset(lbuf, 0, sizeof(lbuf));
	CHECK_RC(benchfs_readlink("/p/a/rel", lbuf, sizeof(lbuf)), 15);
	CHECK(strcmp(lbuf, "relative/target") == 0);
	for (int r = 0; r < bt_size; r++) {
		uint8_t *buf = malloc(300010);
		snprintf(path, sizeof(path), "/p/client-%d", r);
		CHECK_RC(benchfs_stat(path, &sb), 0);
		CHECK_EQ(sb.st_size, 300000);
		fd = (int)CHECK_OK(benchfs_open(path, O_RDONLY, 0));
		CHECK_RC(benchfs_pread(fd, buf, 300010, 0), 300000);
		CHECK_PATTERN(buf, 300000, 0, 100 + (uint64_t)r);
		CHECK_RC(benchfs_close(fd), 0);
		free(buf);
	}
	/* the listing of /p is exactly what was made */
	benchfs_dir_t *d;
	struct benchfs_dirent *e;
	int n = 0;
	if (CHECK_OK(benchfs_opendir("/p", &d)) == 0) {
		while (benchfs_readdir(d, &e) == 1) {
			n++;
			if (strncmp(e->d_name, "client-", 7) && strcmp(e->d_name, "empty") &&
			    strcmp(e->d_name, "small") && strcmp(e->d_name, "cross") &&
			    strcmp(e->d_name, "a") && strcmp(e->d_name, "empty-dir") &&
			    strcmp(e->d_name, "link"))
				bt_fail(__FILE__, __LINE__, "unexpected entry /p/%s", e->d_name);
		}
		benchfs_closedir(d);
	}
	CHECK_EQ(n, 6 + bt_size);
	bt_note("every file, directory and symlink back with the same bytes, sizes, modes, times");
}

int main(int argc, char **argv)
{
	const char *mode = argc > 2 ? argv[2] : "";

	bt_start(&argc, &argv);
	if (strcmp(mode, "write") == 0)
		write_all();
	else if (strcmp(mode, "verify") == 0)
		verify_all();
	else
		bt_fail(__FILE__, __LINE__, "usage: persist NSERVERS write|verify");
	return bt_finish();
}
