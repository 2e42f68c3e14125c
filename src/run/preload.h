/*
 * preload.h - LD_PRELOAD for programs that start another with our libraries preloaded
 * (benchfs-run: libbenchfs-run.so and libbenchfs-romio.so; benchfs-bench: libbenchfs-romio.so).
 * Header-only: benchfs-run links no BenchFS library.
 */
#ifndef BFS_RUN_PRELOAD_H
#define BFS_RUN_PRELOAD_H

#include <stdlib.h>
#include <string.h>

/* bfs_preload_is_sanitizer - the LD_PRELOAD entry @s (@n bytes) is a sanitizer's runtime
 * (libasan.so, libubsan.so.1, ...): those must come first, AddressSanitizer refuses to start
 * otherwise. */
static inline int bfs_preload_is_sanitizer(const char *s, size_t n)
{
	static const char *const rt[] = {"libasan.", "libubsan.",  "liblsan.",
	                                 "libtsan.", "libhwasan.", "libclang_rt."};
	const char *base = s;

	for (size_t i = 0; i < n; i++)
		if (s[i] == '/')
			base = s + i + 1;
	for (size_t i = 0; i < sizeof(rt) / sizeof(rt[0]); i++) {
		size_t l = strlen(rt[i]);

		if ((size_t)(s + n - base) >= l && strncmp(base, rt[i], l) == 0)
			return 1;
	}
	return 0;
}

/* bfs_preload_value - the LD_PRELOAD value that puts @ours (':'-separated, may be "") before
 * the entries of @old (LD_PRELOAD as it was, ':' or ' ' separated, may be NULL), except that
 * the sanitizer runtimes of @old stay first. malloc'd; NULL when out of memory. */
static inline char *bfs_preload_value(const char *ours, const char *old)
{
	size_t cap = strlen(ours) + (old ? strlen(old) : 0) + 3;
	char *out = malloc(cap), *p = out;

	if (!out)
		return NULL;
	for (int pass = 0; pass < 3; pass++) {
		const char *s = pass == 1 ? ours : old ? old : "";

		while (*s) {
			size_t n = strcspn(s, ": ");

			if (n && (pass == 1 || bfs_preload_is_sanitizer(s, n) == (pass == 0))) {
				if (p != out)
					*p++ = ':';
				memcpy(p, s, n);
				p += n;
			}
			s += n;
			s += strspn(s, ": ");
		}
	}
	*p = '\0';
	return out;
}

#endif /* BFS_RUN_PRELOAD_H */
