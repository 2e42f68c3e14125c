/*
 * files.h - the client's descriptor table: one struct bfs_file per open BenchFS descriptor,
 * numbered from 0 (the library's own numbers, not the kernel's), grown by doubling up to
 * BFS_OPEN_MAX. A leaf of the client: it calls no other client file. Pointers into the table
 * stay valid only until the next bfs_file_alloc() (the table may move): keep descriptors.
 * Under the client lock, like everything in src/client/.
 */
#ifndef BFS_CLIENT_FILES_H
#define BFS_CLIENT_FILES_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define BFS_OPEN_MAX 65536

struct bfs_file {
	int used;
	char *path;
	size_t plen;
	uint64_t ino;
	uint32_t chunk_size;
	mode_t mode;
	int flags;        /* open flags */
	uint64_t pos;     /* file offset of read/write */
	uint64_t size;    /* size as this client knows it */
	int dirty;        /* size or times to publish at fsync/close */
	unsigned pending; /* list I/O requests on this descriptor not finished */
	int64_t mtime_ns;
	int64_t atime_ns; /* set by futimens, published when atime_set */
	int atime_set;
	int complete;  /* benchfs_fcomplete(): the next publication clears the incomplete mark */
	int inl;       /* the file is inline (inline.h): its data is on its metadata server */
	uint32_t imax; /* then: the bytes it may hold there */
};

/** bfs_file_get - the open file of descriptor @fd, or NULL. */
struct bfs_file *bfs_file_get(int fd);
/** bfs_file_fd - the descriptor of open file @f. */
int bfs_file_fd(const struct bfs_file *f);
/** bfs_file_alloc - the lowest free descriptor, its slot zeroed in *@f (the caller fills it and
 *  sets used). Return it, or -EMFILE (BFS_OPEN_MAX open), -ENOMEM. */
int bfs_file_alloc(struct bfs_file **f);
/**
 * bfs_file_next - iterate over the open descriptors of inode @ino: start with *@pos 0, each call
 * returns the next one (NULL at the end).
 *	for (int pos = 0; (f = bfs_file_next(ino, &pos));) ...
 */
struct bfs_file *bfs_file_next(uint64_t ino, int *pos);
/** bfs_open_size - largest size an open descriptor of this process knows for @ino, or 0. */
uint64_t bfs_open_size(uint64_t ino);
/** bfs_files_set_size - every open descriptor of @ino now knows size @size (truncated). */
void bfs_files_set_size(uint64_t ino, uint64_t size);
/** bfs_files_renamed - point open descriptors of @ino at their new path (@len bytes). */
void bfs_files_renamed(uint64_t ino, const char *path, size_t len);
/** bfs_files_free - free the table (every descriptor closed). */
void bfs_files_free(void);

#endif /* BFS_CLIENT_FILES_H */
