/*
 * path.c - normalization of BenchFS paths and their metadata keys.
 *
 * Normalization walks the components from the end of the path towards its start: a ".." then
 * simply means "drop the next kept component", so no stack is needed and the result can be
 * written straight into the caller's buffer (back to front) once its length is known.
 */
#include "common/path.h"

#include <errno.h>
#include <string.h>

#include "benchfs.h"

/*
 * path_walk - resolve the @n bytes of @in from the end. Return the length of the normal form
 * without the leading "/" of an empty result (0 means "/"), or -ENAMETOOLONG for a component
 * longer than BENCHFS_NAME_MAX. If @out is set, the result is written so that it ends at
 * @out + @total (@total being the length returned by an earlier call without @out).
 */
static long path_walk(const char *in, size_t n, char *out, size_t total)
{
	size_t end = n, skip = 0, pos = total;
	long olen = 0;

	while (end > 0) {
		size_t start, clen;
		const char *c;

		while (end > 0 && in[end - 1] == '/')
			end--;
		if (end == 0)
			break;
		start = end;
		while (start > 0 && in[start - 1] != '/')
			start--;
		c = in + start;
		clen = end - start;
		end = start;

		if (clen == 1 && c[0] == '.')
			continue;
		if (clen == 2 && c[0] == '.' && c[1] == '.') {
			skip++;
			continue;
		}
		if (clen > BENCHFS_NAME_MAX)
			return -ENAMETOOLONG;
		if (skip) {
			skip--;
			continue;
		}
		olen += (long)clen + 1;
		if (out) {
			pos -= clen;
			memcpy(out + pos, c, clen);
			out[--pos] = '/';
		}
	}
	return olen;
}

/* bfs_path_normalize - see path.h; @in and @out must not overlap. */
int bfs_path_normalize(const char *in, char *out, size_t cap)
{
	long len;

	if (!in || in[0] != '/')
		return -EINVAL;
	len = path_walk(in, strlen(in), NULL, 0);
	if (len < 0)
		return (int)len;
	if (len == 0) {
		if (cap < 2)
			return -ENAMETOOLONG;
		out[0] = '/';
		out[1] = '\0';
		return 1;
	}
	if (len > BENCHFS_PATH_MAX || (size_t)len + 1 > cap)
		return -ENAMETOOLONG;
	path_walk(in, strlen(in), out, (size_t)len);
	out[len] = '\0';
	return (int)len;
}

/* path_last_slash - index of the last '/' in @path (@len bytes; a normal path has one). */
static size_t path_last_slash(const char *path, size_t len)
{
	size_t i = len;

	while (i > 0 && path[i - 1] != '/')
		i--;
	return i ? i - 1 : 0;
}

/* bfs_path_key - see path.h: parent '\0' basename. */
int bfs_path_key(const char *path, size_t len, char *key, size_t cap)
{
	size_t slash, klen, blen;

	if (len < 2 || path[0] != '/')
		return -EINVAL;
	slash = path_last_slash(path, len);
	blen = len - slash - 1;
	/* a parent "/" keeps its slash, so the key is one byte longer than the path */
	klen = slash == 0 ? len + 1 : len;
	if (cap < klen)
		return -ENAMETOOLONG;
	if (slash == 0) {
		key[0] = '/';
		key[1] = '\0';
		memmove(key + 2, path + 1, blen);
	} else {
		memmove(key, path, slash);
		key[slash] = '\0';
		memmove(key + slash + 1, path + slash + 1, blen);
	}
	return (int)klen;
}

/* bfs_path_from_key - see path.h: turn parent '\0' basename back into a path. */
int bfs_path_from_key(const char *key, size_t len, char *out, size_t cap)
{
	const char *nul;
	size_t plen, blen, olen;

	if (!len || key[0] != '/')
		return -EINVAL;
	nul = memchr(key, '\0', len);
	if (!nul)
		return -EINVAL;
	plen = (size_t)(nul - key);
	blen = len - plen - 1;
	if (plen == 1) {
		olen = 1 + blen;
		if (cap < olen + 1)
			return -ENAMETOOLONG;
		out[0] = '/';
		memmove(out + 1, nul + 1, blen);
	} else {
		olen = len;
		if (cap < olen + 1)
			return -ENAMETOOLONG;
		memmove(out, key, plen);
		out[plen] = '/';
		memmove(out + plen + 1, nul + 1, blen);
	}
	out[olen] = '\0';
	return (int)olen;
}

/* bfs_path_parent - see path.h: length of the parent's prefix of @path. */
size_t bfs_path_parent(const char *path, size_t len)
{
	size_t slash;

	if (len <= 1)
		return 0;
	slash = path_last_slash(path, len);
	return slash ? slash : 1;
}

/* bfs_path_base - see path.h: last component (not NUL-terminated unless @path is). */
const char *bfs_path_base(const char *path, size_t len)
{
	if (len <= 1)
		return "";
	return path + path_last_slash(path, len) + 1;
}

/* bfs_path_is_below - see path.h: "/a/b" is below "/a", "/ab" is not. */
int bfs_path_is_below(const char *p, size_t plen, const char *dir, size_t dlen)
{
	if (dlen == 1 && dir[0] == '/')
		return plen > 1 && p[0] == '/';
	return plen > dlen && memcmp(p, dir, dlen) == 0 && p[dlen] == '/';
}
