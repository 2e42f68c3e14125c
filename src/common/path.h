/*
 * path.h - normalization of BenchFS paths and their metadata keys.
 *
 * Normal form: starts with '/', no empty, "." or ".." components, no trailing '/' (except "/"
 * itself). ".." is resolved lexically and stops at "/" (as "/.." == "/").
 *
 * Metadata key of a normal path P other than "/": parent(P) '\0' basename(P), where parent of
 * "/a" is "/". Keys of all children of one directory D are thus exactly the keys starting with
 * D '\0', contiguous in LMDB's sorted order; keys of the whole subtree below D start with D
 * followed by '\0' or '/' (or, for D == "/", every key).
 */
#ifndef BFS_PATH_H
#define BFS_PATH_H

#include <stddef.h>

/**
 * bfs_path_normalize - write the normal form of @in into @out (capacity @cap bytes, NUL added).
 * Return: length of the result (bytes, without NUL), or -EINVAL (NULL, empty or relative
 * path), -ENAMETOOLONG (result longer than BENCHFS_PATH_MAX or a component longer than
 * BENCHFS_NAME_MAX, or @cap too small).
 */
int bfs_path_normalize(const char *in, char *out, size_t cap);

/**
 * bfs_path_key - metadata key of normal path @path (@len bytes, not "/") into @key (capacity
 * @cap). Return the key length in bytes (the last '/' becomes '\0', except that a parent "/"
 * keeps its slash: "/a" -> "/\0a" (3 bytes for a 2-byte path), "/a/b" -> "/a\0b" (same length));
 * callers use the returned length. -EINVAL for "/", -ENAMETOOLONG if
 * @cap is too small.
 */
int bfs_path_key(const char *path, size_t len, char *key, size_t cap);

/**
 * bfs_path_from_key - inverse of bfs_path_key(): path of @key (@len bytes) into @out (capacity
 * @cap, NUL added). Return the path length, or -EINVAL (no '\0' in key), -ENAMETOOLONG.
 */
int bfs_path_from_key(const char *key, size_t len, char *out, size_t cap);

/**
 * bfs_path_parent - length of the parent of normal path @path (@len bytes): the parent is the
 * first returned bytes of @path ("/a/b" -> 2 for "/a"; "/a" -> 1 for "/"). For "/" returns 0.
 */
size_t bfs_path_parent(const char *path, size_t len);

/** bfs_path_base - pointer to the last component of normal path @path ("" for "/"). */
const char *bfs_path_base(const char *path, size_t len);

/** bfs_path_is_below - 1 if normal path @p (@plen) is strictly below directory @dir (@dlen). */
int bfs_path_is_below(const char *p, size_t plen, const char *dir, size_t dlen);

#endif
