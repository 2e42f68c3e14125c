/*
 * extent.c - chunk arithmetic: cutting a byte range of a file into per-chunk extents.
 *
 * Everything is computed so that no intermediate sum overflows 64 bits, even for ranges that
 * end at the top of the offset space.
 */
#include "common/extent.h"

/* bfs_extent_count - number of chunks touched by [@offset, @offset + @length). */
uint64_t bfs_extent_count(uint64_t offset, uint64_t length, uint64_t chunk_size)
{
	uint64_t r, extra;

	if (!length || !bfs_is_pow2(chunk_size))
		return 0;
	r = offset & (chunk_size - 1);
	extra = length - 1;
	/* (r + extra) / chunk_size, split so that it cannot overflow */
	return 1 + extra / chunk_size + (r + (extra & (chunk_size - 1))) / chunk_size;
}

/* bfs_extent_split - extents number @first .. @first + @max - 1 of the range, in file order. */
size_t bfs_extent_split(uint64_t offset, uint64_t length, uint64_t chunk_size, uint64_t first,
                        struct bfs_extent *out, size_t max)
{
	uint64_t count = bfs_extent_count(offset, length, chunk_size);
	uint64_t chunk0 = offset / (chunk_size ? chunk_size : 1);
	size_t n = 0;

	for (uint64_t e = first; e < count && n < max; e++, n++) {
		struct bfs_extent *x = &out[n];

		x->chunk = chunk0 + e;
		if (e == 0) {
			uint64_t room = chunk_size - (offset & (chunk_size - 1));

			x->offset = offset;
			x->buf_off = 0;
			x->length = length < room ? length : room;
		} else {
			uint64_t left;

			x->offset = x->chunk * chunk_size;
			x->buf_off = x->offset - offset;
			left = length - x->buf_off;
			x->length = left < chunk_size ? left : chunk_size;
		}
	}
	return n;
}
