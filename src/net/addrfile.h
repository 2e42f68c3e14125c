/*
 * addrfile.h - the address file of standalone servers (benchfsd writes it, benchfs_init()
 * reads it).
 *
 * Text, mode 0600:
 *   benchfs-addr 2
 *   secret <16 hex digits>
 *   servers <n>
 *   vnodes <v>
 *   seed <hex>
 *   server <i> <peer address in hex>   (n lines; locator + UCX address, see net/ucx.h)
 */
#ifndef BFS_ADDRFILE_H
#define BFS_ADDRFILE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/** Most servers an address file may list. */
#define BFS_ADDRFILE_MAX_SERVERS (1u << 20)

/** An address file's contents. */
struct bfs_addrfile {
	uint64_t secret;
	uint32_t nservers;
	uint32_t vnodes;
	uint64_t seed;
	void **addrs; /* nservers peer addresses, malloc'ed */
	size_t *lens; /* their lengths in bytes */
};

/**
 * bfs_addrfile_parse - read an address file from @f into @out (release it with
 * bfs_addrfile_free()). Return 0, -EINVAL (not an address file of this version, a server line
 * missing or out of order, an address that is not hex) or -ENOMEM; on an error @out holds
 * nothing to release.
 */
int bfs_addrfile_parse(FILE *f, struct bfs_addrfile *out);

/** bfs_addrfile_free - release what bfs_addrfile_parse() allocated (@af may be zeroed). */
void bfs_addrfile_free(struct bfs_addrfile *af);

/**
 * bfs_addrfile_write - write the address file of @n servers (@addrs[i], @lens[i] bytes) and
 * @secret to @path atomically (a temporary file, then rename), mode 0600, with ring parameters
 * @vnodes and @seed (common/ring.h). Return 0 or -errno.
 */
int bfs_addrfile_write(const char *path, uint64_t secret, uint32_t n, void *const *addrs,
                       const size_t *lens, uint32_t vnodes, uint64_t seed);

#endif
