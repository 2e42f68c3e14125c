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

#ifdef __SANITIZE_ADDRESS__
#include <link.h>

/* a ':'-separated list of the sanitizer runtimes loaded in this process, for dl_iterate_phdr */
struct bfs_preload_rt {
	char buf[4096];
	size_t len;
};

static inline int bfs_preload_rt_one(struct dl_phdr_info *info, size_t size, void *arg)
{
	struct bfs_preload_rt *rt = arg;
	size_t n = info->dlpi_name ? strlen(info->dlpi_name) : 0;

	(void)size;
	if (n && bfs_preload_is_sanitizer(info->dlpi_name, n) &&
	    rt->len + n + 2 <= sizeof(rt->buf)) {
		if (rt->len)
			rt->buf[rt->len++] = ':';
		memcpy(rt->buf + rt->len, info->dlpi_name, n + 1);
		rt->len += n;
	}
	return 0;
}
#endif

/* bfs_preload_value - the LD_PRELOAD value that puts @ours (':'-separated, may be "") before
 * the entries of @old (LD_PRELOAD as it was, ':' or ' ' separated, may be NULL), except that
 * the sanitizer runtimes of @old stay first. Built with AddressSanitizer (configure
 * --enable-sanitizers), so that our libraries are too, the runtimes this process has loaded come
 * first when @old names none. malloc'd; NULL when out of memory. */
static inline char *bfs_preload_value(const char *ours, const char *old)
{
	const char *rt = "";
	size_t cap;
	char *out, *p;
	int old_rt = 0;

	for (const char *s = old ? old : ""; *s; s += strspn(s, ": ")) {
		size_t n = strcspn(s, ": ");

		old_rt |= n && bfs_preload_is_sanitizer(s, n);
		s += n;
	}
#ifdef __SANITIZE_ADDRESS__
	struct bfs_preload_rt loaded = {.len = 0};

	if (!old_rt) {
		dl_iterate_phdr(bfs_preload_rt_one, &loaded);
		rt = loaded.buf;
	}
#endif
	(void)old_rt;
	cap = strlen(rt) + strlen(ours) + (old ? strlen(old) : 0) + 4;
	out = p = malloc(cap);
	if (!out)
		return NULL;
	/* pass 0: the loaded runtimes, 1: the runtimes of @old, 2: @ours, 3: the rest of @old */
	for (int pass = 0; pass < 4; pass++) {
		const char *s = pass == 0 ? rt : pass == 2 ? ours : old ? old : "";

		while (*s) {
			size_t n = strcspn(s, ": ");

			if (n && (pass == 0 || pass == 2 ||
			          bfs_preload_is_sanitizer(s, n) == (pass == 1))) {
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
