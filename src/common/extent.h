/*
 * extent.h - chunk arithmetic: cutting a byte range of a file into per-chunk extents.
 */
#ifndef BFS_EXTENT_H
#define BFS_EXTENT_H

#include <stddef.h>
#include <stdint.h>

/** One piece of a file range that lies inside one chunk. */
struct bfs_extent {
	uint64_t chunk;   /* chunk index: file offset / chunk_size */
	uint64_t offset;  /* file offset of the piece, bytes */
	uint64_t length;  /* bytes, > 0 */
	uint64_t buf_off; /* offset of the piece in the caller's buffer, bytes */
};

/**
 * bfs_extent_count - number of chunk-extents the range [@offset, @offset + @length) spans with
 * chunks of @chunk_size bytes (a power of two). 0 for @length 0.
 */
uint64_t bfs_extent_count(uint64_t offset, uint64_t length, uint64_t chunk_size);

/**
 * bfs_extent_split - fill @out with up to @max extents of the range, in file order, starting at
 * the extent number @first (0 for the first). Return the number written.
 */
size_t bfs_extent_split(uint64_t offset, uint64_t length, uint64_t chunk_size, uint64_t first,
                        struct bfs_extent *out, size_t max);

/** bfs_is_pow2 - 1 if @v is a power of two (and not 0). */
static inline int bfs_is_pow2(uint64_t v)
{
	return v && !(v & (v - 1));
}

/* The chunk sizes a file may have, bytes: a power of two from BFS_CHUNK_MIN to BFS_CHUNK_MAX
 * (what benchfs_create() accepts and a CREATE request may carry). */
#define BFS_CHUNK_MIN 4096u
#define BFS_CHUNK_MAX (1u << 30)

/** bfs_chunk_size_valid - 1 if @v bytes is a chunk size a file may have (see BFS_CHUNK_MIN). */
static inline int bfs_chunk_size_valid(uint64_t v)
{
	return bfs_is_pow2(v) && v >= BFS_CHUNK_MIN && v <= BFS_CHUNK_MAX;
}

#endif
