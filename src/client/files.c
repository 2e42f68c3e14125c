/*
 * files.c - the client's descriptor table (see files.h).
 */
#include "client/files.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "client/client.h"
#include "common/util.h"

struct bfs_file *bfs_file_get(int fd)
{
	if (fd < 0 || fd >= bfs_cl->nfiles || !bfs_cl->files[fd].used)
		return NULL;
	return &bfs_cl->files[fd];
}

int bfs_file_fd(const struct bfs_file *f)
{
	return (int)(f - bfs_cl->files);
}

int bfs_file_alloc(struct bfs_file **out)
{
	struct bfs_file *t;
	int fd, n;

	for (fd = 0; fd < bfs_cl->nfiles; fd++)
		if (!bfs_cl->files[fd].used)
			goto found;
	if (bfs_cl->nfiles >= BFS_OPEN_MAX)
		return -EMFILE;
	n = bfs_cl->nfiles ? bfs_cl->nfiles * 2 : 64;
	t = realloc(bfs_cl->files, (size_t)n * sizeof(*t));
	if (!t)
		return -ENOMEM;
	memset(t + bfs_cl->nfiles, 0, (size_t)(n - bfs_cl->nfiles) * sizeof(*t));
	bfs_cl->files = t;
	fd = bfs_cl->nfiles;
	bfs_cl->nfiles = n;
found:
	*out = &bfs_cl->files[fd];
	return fd;
}

struct bfs_file *bfs_file_next(uint64_t ino, int *pos)
{
	while (*pos < bfs_cl->nfiles) {
		struct bfs_file *f = &bfs_cl->files[(*pos)++];
		if (f->used && f->ino == ino)
			return f;
	}
	return NULL;
}

uint64_t bfs_open_size(uint64_t ino)
{
	struct bfs_file *f;
	uint64_t size = 0;

	for (int pos = 0; (f = bfs_file_next(ino, &pos));)
		size = BFS_MAX(size, f->size);
	return size;
}

void bfs_files_set_size(uint64_t ino, uint64_t size)
{
	struct bfs_file *f;

	for (int pos = 0; (f = bfs_file_next(ino, &pos));)
		f->size = size;
}

void bfs_files_renamed(uint64_t ino, const char *path, size_t len)
{
	struct bfs_file *f;

	for (int pos = 0; (f = bfs_file_next(ino, &pos));) {
		char *p = strndup(path, len);
		if (!p)
			continue;
		free(f->path);
		f->path = p;
		f->plen = len;
	}
}

void bfs_files_free(void)
{
	free(bfs_cl->files);
	bfs_cl->files = NULL;
	bfs_cl->nfiles = 0;
}
