/*
 * fuzz_meta.h - the input format of fuzz_meta (a sequence of metadata-store operations), shared
 * by the harness and the seed generator (make-seeds.c). Every byte string is a valid input:
 * what is missing reads as zeros.
 *
 * An input is a sequence of operations, each an op byte (FM_OP_* modulo FM_NOPS) and its
 * arguments, in this order (u8..u64 little-endian):
 *   CREATE   path, mode, uid u8, gid u8, chunk_size u32, flags u8 (FM_EXCL, FM_TARGET),
 *            target (symlinks, and with FM_TARGET any type)
 *   LOOKUP   path
 *   REMOVE   path, flags u8 (FM_RM_DIR, FM_RM_NOTDIR, FM_RM_INO_* in bits 2-3), [ino u64]
 *   SETATTR  path, flags u8 (FM_SA_*), size u64, atime s64, mtime s64, mode bits u16
 *   PUT      path, ino u64, mode, uid u8, gid u8, chunk_size u32, size u64, atime s64,
 *            mtime s64, target
 *   READDIR  directory path, cap u16, flags u8 (FM_RESUME: then a name, u8 length + bytes,
 *            to resume after, one page; else every page from the start)
 *   FIND     top path, flags u8 (FM_FIND_*, FM_RESUME), [glob: u8 length + bytes], size units u16,
 * unit index u8, newer_than s64 ns, cap u16, [FM_RESUME: key, u16 length + bytes] HASCHILD
 * directory path COUNT    (none) A path is a selector byte s: s & FM_PATH_RAW: raw bytes, u8 length
 * (u16 with FM_PATH_LONG) and the bytes; otherwise (s & 7) components (0: "/"), each a byte
 * indexing fm_components (index FM_COMP_X: then u8 n, n times 'x'). A mode is a byte m: m & 3
 * indexes {S_IFREG, S_IFDIR, S_IFLNK} with u16 permission bits, and 3 means a raw u32 mode. A
 * target is u16 length (& 0x1fff), u8 n, n bytes of it; the rest is 't'.
 */
#ifndef BFS_FUZZ_META_H
#define BFS_FUZZ_META_H

#include <stddef.h>
#include <string.h>

enum fm_op {
	FM_OP_CREATE,
	FM_OP_LOOKUP,
	FM_OP_REMOVE,
	FM_OP_SETATTR,
	FM_OP_PUT,
	FM_OP_READDIR,
	FM_OP_FIND,
	FM_OP_HASCHILD,
	FM_OP_COUNT,
	FM_NOPS
};

#define FM_PATH_RAW  0x80
#define FM_PATH_LONG 0x40

#define FM_MODE_REG 0
#define FM_MODE_DIR 1
#define FM_MODE_LNK 2
#define FM_MODE_RAW 3

/* CREATE flags */
#define FM_EXCL   0x01
#define FM_TARGET 0x02

/* REMOVE flags */
#define FM_RM_DIR     0x01
#define FM_RM_NOTDIR  0x02
#define FM_RM_INO_OF  0x04 /* expect the model's inode number of the path */
#define FM_RM_INO_BAD 0x08 /* expect that number + 1 */
#define FM_RM_INO_RAW 0x0c /* expect the u64 that follows */

/* SETATTR flags */
#define FM_SA_SIZE_MAX 0x01
#define FM_SA_SIZE     0x02
#define FM_SA_ATIME    0x04
#define FM_SA_MTIME    0x08
#define FM_SA_MODE     0x10

/* READDIR and FIND flags */
#define FM_RESUME 0x80
/* FIND flags: bits 0-1 type index {any, S_IFREG, S_IFDIR, S_IFLNK}, bits 3-4 size test index
 * {none, less, more, exactly} */
#define FM_FIND_GLOB  0x04
#define FM_FIND_NEWER 0x20
#define FM_FIND_NONE  0x40 /* no filter at all (NULL) */

/* the components of structured paths: a string, or @n times @c (names of 255 and 200 bytes put
 * paths past LMDB's 511-byte key limit: long keys) */
#define FM_COMP_X 15
struct fm_comp {
	const char *s;
	char c;
	unsigned n;
};
static const struct fm_comp fm_components[FM_COMP_X] = {
    {"a", 0, 0},      {"b", 0, 0},        {"c", 0, 0},  {"ab", 0, 0},     {"a-b", 0, 0},
    {"a0", 0, 0},     {"B", 0, 0},        {".h", 0, 0}, {NULL, 'l', 255}, {NULL, 'm', 200},
    {NULL, 'n', 255}, {"\xc3\xa9", 0, 0}, {"*", 0, 0},  {"..", 0, 0},     {".", 0, 0}};

/* fm_comp_put - component @i (< FM_COMP_X) at @out; its length. */
static inline size_t fm_comp_put(unsigned i, char *out)
{
	const struct fm_comp *c = &fm_components[i];
	size_t n = c->s ? strlen(c->s) : c->n;

	if (c->s)
		memcpy(out, c->s, n);
	else
		memset(out, c->c, n);
	return n;
}

#endif
