/*
 * fuzz_path.c - libFuzzer harness of path handling (src/common/path.c) and of find's entry
 * test (benchfs_find_match, src/common/find.c) on fuzzed names.
 *
 * Input: a head of fixed fields (read with fuzz.h's reader; missing bytes are zeros): a buffer
 * capacity, then a find filter (type, size test, units, unit, -newer time, whether there is a
 * glob) and an entry (mode, size, mtime); then NUL-separated strings: a path, a glob, a name,
 * and what is left is a raw metadata key (any bytes).
 *
 * Asserts:
 * - bfs_path_normalize agrees with a plain stack-based resolver written here (same result or
 *   the same error, -EINVAL or -ENAMETOOLONG), honours the capacity it is given (the result
 *   and its NUL, never a byte more: the buffer is an exact-size heap block) and is idempotent;
 * - on a normal path: bfs_path_key / bfs_path_from_key round-trip, the key has the documented
 *   length and a parent part that is the key prefix of the parent's children; bfs_path_parent
 *   and bfs_path_base split the path into a normal parent and its last component, and
 *   bfs_path_is_below holds for the path below its parent, not the other way round;
 * - on the raw key: bfs_path_from_key answers a path that fits the capacity, or -EINVAL or
 *   -ENAMETOOLONG; bfs_path_key of raw bytes stays inside its buffer;
 * - benchfs_find_match equals the predicates computed here from their definitions (type,
 *   fnmatch, GNU find's rounded-up size units, strictly newer mtime).
 */
#include <errno.h>
#include <fnmatch.h>
#include <string.h>
#include <sys/stat.h>

#include "benchfs.h"
#include "common/path.h"
#include "fuzz.h"

#define KEY_CAP (BENCHFS_PATH_MAX + 2)

/* ref_normalize - the normal form of @in by a forward walk with a stack of components. */
static int ref_normalize(const char *in, char *out)
{
	size_t n = strlen(in), depth = 0, len = 0, *starts, *lens, i = 0;

	if (in[0] != '/')
		return -EINVAL;
	starts = malloc((n / 2 + 1) * sizeof(*starts));
	lens = malloc((n / 2 + 1) * sizeof(*lens));
	FUZZ_CHECK(starts && lens, "malloc");
	while (i < n) {
		size_t s, l;

		while (i < n && in[i] == '/')
			i++;
		s = i;
		while (i < n && in[i] != '/')
			i++;
		l = i - s;
		if (l == 0 || (l == 1 && in[s] == '.'))
			continue;
		if (l == 2 && in[s] == '.' && in[s + 1] == '.') {
			depth -= depth > 0;
			continue;
		}
		if (l > BENCHFS_NAME_MAX) {
			depth = SIZE_MAX;
			break;
		}
		starts[depth] = s;
		lens[depth++] = l;
	}
	if (depth == SIZE_MAX) {
		free(starts);
		free(lens);
		return -ENAMETOOLONG;
	}
	for (size_t d = 0; d < depth; d++) {
		if (len + 1 + lens[d] <= BENCHFS_PATH_MAX) {
			out[len] = '/';
			memcpy(out + len + 1, in + starts[d], lens[d]);
		}
		len += 1 + lens[d];
	}
	free(starts);
	free(lens);
	if (len > BENCHFS_PATH_MAX)
		return -ENAMETOOLONG;
	if (len == 0)
		out[len++] = '/';
	out[len] = '\0';
	return (int)len;
}

/* check_normalize - bfs_path_normalize of @in against the reference; its result into @norm. */
static int check_normalize(const char *in, size_t cap, char *norm)
{
	char ref[BENCHFS_PATH_MAX + 1], *small;
	int n = bfs_path_normalize(in, norm, BENCHFS_PATH_MAX + 1), r = ref_normalize(in, ref), m;

	FUZZ_CHECK(n == r, "normalize: %d, reference %d", n, r);
	if (n < 0)
		return n;
	FUZZ_CHECK(strcmp(norm, ref) == 0, "normal forms differ");
	/* an exact-size heap buffer: a byte written past @cap is a heap overflow */
	small = malloc(cap ? cap : 1);
	FUZZ_CHECK(small != NULL, "malloc");
	m = bfs_path_normalize(in, small, cap);
	if ((size_t)n + 1 <= cap)
		FUZZ_CHECK(m == n && strcmp(small, norm) == 0, "with %zu bytes: %d", cap, m);
	else
		FUZZ_CHECK(m == -ENAMETOOLONG, "%d bytes into %zu: %d", n, cap, m);
	free(small);
	m = bfs_path_normalize(norm, ref, sizeof(ref));
	FUZZ_CHECK(m == n && strcmp(ref, norm) == 0, "normalizing again: %d", m);
	return n;
}

/* check_normal - the key, parent and base of normal path @p (@n bytes). */
static void check_normal(const char *p, size_t n)
{
	char key[KEY_CAP], back[BENCHFS_PATH_MAX + 1], par[BENCHFS_PATH_MAX + 1];
	size_t plen = bfs_path_parent(p, n);
	const char *base = bfs_path_base(p, n);
	int k, b;

	if (n == 1) {
		FUZZ_CHECK(plen == 0 && *base == '\0', "parent or base of /");
		FUZZ_CHECK(bfs_path_key(p, n, key, sizeof(key)) == -EINVAL, "key of /");
		return;
	}
	k = bfs_path_key(p, n, key, sizeof(key));
	FUZZ_CHECK(k == (int)(plen == 1 ? n + 1 : n), "key of %zu bytes: %d", n, k);
	FUZZ_CHECK(memchr(key, '\0', (size_t)k) == key + (plen == 1 ? 1 : plen),
	           "key's parent part");
	FUZZ_CHECK(!memcmp(key, p, plen), "key starts with the parent");
	FUZZ_CHECK(bfs_path_key(p, n, key, (size_t)k - 1) == -ENAMETOOLONG, "short key buffer");
	b = bfs_path_from_key(key, (size_t)k, back, sizeof(back));
	FUZZ_CHECK(b == (int)n && !memcmp(back, p, n) && back[n] == '\0', "key -> path: %d", b);

	FUZZ_CHECK(plen >= 1 && plen < n && base > p && base < p + n, "parent %zu of %zu", plen, n);
	FUZZ_CHECK(p[base - p - 1] == '/' && !memchr(base, '/', n - (size_t)(base - p)),
	           "base is the last component");
	FUZZ_CHECK(base - p == (plen == 1 ? 1 : (ptrdiff_t)plen + 1), "parent and base meet");
	memcpy(par, p, plen);
	par[plen] = '\0';
	FUZZ_CHECK(bfs_path_normalize(par, back, sizeof(back)) == (int)plen && !strcmp(back, par),
	           "parent is normal");
	FUZZ_CHECK(bfs_path_is_below(p, n, par, plen), "below its parent");
	FUZZ_CHECK(!bfs_path_is_below(par, plen, p, n), "parent below the path");
	FUZZ_CHECK(!bfs_path_is_below(p, n, p, n), "below itself");
	FUZZ_CHECK(bfs_path_is_below(p, n, "/", 1), "below the root");
}

/* check_raw_key - bfs_path_from_key and bfs_path_key on arbitrary bytes. */
static void check_raw_key(const char *raw, size_t len, size_t cap)
{
	char *out = malloc(cap ? cap : 1), key[KEY_CAP];
	int n;

	FUZZ_CHECK(out != NULL, "malloc");
	n = bfs_path_from_key(raw, len, out, cap);
	FUZZ_CHECK(n >= 0 || n == -EINVAL || n == -ENAMETOOLONG, "from_key: %d", n);
	if (n >= 0)
		FUZZ_CHECK((size_t)n < cap && out[n] == '\0', "path of %d bytes in %zu", n, cap);
	free(out);
	if (len >= 2 && len <= BENCHFS_PATH_MAX && raw[0] == '/') {
		n = bfs_path_key(raw, len, key, sizeof(key));
		FUZZ_CHECK(n > 0 && (size_t)n <= len + 1, "key of raw bytes: %d", n);
	}
}

/* size_units - ceil(@size / @unit) without overflow (GNU find's -size); @size for unit <= 1. */
static uint64_t size_units(uint64_t size, uint64_t unit)
{
	if (unit <= 1)
		return size;
	return size ? (size - 1) / unit + 1 : 0;
}

/* check_match - benchfs_find_match against the predicates' definitions. */
static void check_match(const struct benchfs_find_filter *f, const char *name, mode_t mode,
                        uint64_t size, const struct timespec *mt)
{
	int want = 1, got = benchfs_find_match(f, name, mode, size, mt);

	if (f->type && (mode & S_IFMT) != f->type)
		want = 0;
	if (f->name && fnmatch(f->name, name, 0) != 0)
		want = 0;
	if (f->size_cmp) {
		uint64_t u = size_units(size, f->size_unit);
		int c = f->size_cmp;

		if ((c == -1 && !(u < f->size_units)) || (c == 1 && !(u > f->size_units)) ||
		    (c != -1 && c != 1 && u != f->size_units))
			want = 0;
	}
	if (f->newer &&
	    (!mt || mt->tv_sec < f->newer_than.tv_sec ||
	     (mt->tv_sec == f->newer_than.tv_sec && mt->tv_nsec <= f->newer_than.tv_nsec)))
		want = 0;
	FUZZ_CHECK(got == want, "find_match %d, by definition %d", got, want);
	FUZZ_CHECK(benchfs_find_match(NULL, name, mode, size, mt) == 1, "no filter");
}

/* next_string - the NUL-terminated string at the input cursor (all of it if no NUL), copied. */
static char *next_string(struct fuzz_in *in)
{
	const uint8_t *nul = memchr(in->p, '\0', in->left);
	size_t n = nul ? (size_t)(nul - in->p) : in->left;
	char *s = malloc(n + 1);

	FUZZ_CHECK(s != NULL, "malloc");
	fuzz_bytes(in, s, n);
	s[n] = '\0';
	if (nul) {
		in->p++;
		in->left--;
	}
	return s;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const mode_t types[] = {0, S_IFREG, S_IFDIR, S_IFLNK};
	static const uint64_t units[] = {0, 1, 512, 1024, 1u << 20, 1u << 30};
	struct fuzz_in in = {data, size};
	struct benchfs_find_filter f = {0};
	char norm[BENCHFS_PATH_MAX + 1], *path, *glob, *name;
	struct timespec mt;
	size_t cap = fuzz_u16(&in) % (BENCHFS_PATH_MAX + 3);
	uint8_t sel;
	uint32_t mode;
	uint64_t fsize;
	int n, no_mtime;

	sel = fuzz_u8(&in);
	f.type = sel & 4 ? (mode_t)fuzz_u32(&in) : types[sel & 3];
	f.size_cmp = (int8_t)fuzz_u8(&in) % 4;
	f.size_units = fuzz_u64(&in);
	sel = fuzz_u8(&in);
	f.size_unit = sel < 6 * 40 ? units[sel % 6] : fuzz_u64(&in);
	f.newer = fuzz_u8(&in) & 1;
	f.newer_than.tv_sec = (time_t)fuzz_u64(&in);
	f.newer_than.tv_nsec = (long)(fuzz_u32(&in) % 1000000000u);
	sel = fuzz_u8(&in);
	no_mtime = sel & 1;
	mode = fuzz_u32(&in);
	fsize = fuzz_u64(&in);
	mt.tv_sec = (time_t)fuzz_u64(&in);
	mt.tv_nsec = (long)(fuzz_u32(&in) % 1000000000u);

	path = next_string(&in);
	glob = next_string(&in);
	name = next_string(&in);
	f.name = sel & 2 ? NULL : glob;

	n = check_normalize(path, cap, norm);
	if (n > 0)
		check_normal(norm, (size_t)n);
	check_raw_key((const char *)in.p, in.left, cap);
	check_match(&f, name, (mode_t)mode, fsize, no_mtime ? NULL : &mt);
	free(path);
	free(glob);
	free(name);
	return 0;
}
