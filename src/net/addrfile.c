/*
 * addrfile.c - reading and writing the address file of standalone servers (see addrfile.h).
 */
#include "net/addrfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/ring.h"
#include "net/ucx.h"

/* bfs_addrfile_parse - see addrfile.h. */
int bfs_addrfile_parse(FILE *f, struct bfs_addrfile *out)
{
	unsigned long long secret, seed;
	unsigned n, vnodes, idx;
	void **addrs = NULL;
	size_t *lens = NULL;
	char *line = NULL;
	size_t cap = 0;
	int rc = -EINVAL;

	memset(out, 0, sizeof(*out));
	if (fscanf(f, "benchfs-addr 2 secret %llx servers %u vnodes %u seed %llx ", &secret, &n,
	           &vnodes, &seed) != 4 ||
	    n == 0 || n > BFS_ADDRFILE_MAX_SERVERS)
		return -EINVAL;
	addrs = calloc(n, sizeof(*addrs));
	lens = calloc(n, sizeof(*lens));
	if (!addrs || !lens) {
		rc = -ENOMEM;
		goto fail;
	}
	for (unsigned i = 0; i < n; i++) {
		char *hex;
		if (getline(&line, &cap, f) < 0 || sscanf(line, "server %u", &idx) != 1 || idx != i)
			goto fail;
		hex = strrchr(line, ' ');
		if (!hex)
			goto fail; /* "server0..." or a tab: no address field */
		hex[strcspn(hex, "\n")] = '\0';
		hex++;
		lens[i] = strlen(hex) / 2;
		addrs[i] = malloc(lens[i] + 1);
		/* a failed allocation here is -EINVAL, as benchfs_init() always answered */
		if (!addrs[i] || bfs_hex_decode(hex, addrs[i], lens[i]) != (int)lens[i])
			goto fail;
	}
	free(line);
	out->secret = secret;
	out->nservers = n;
	out->vnodes = vnodes;
	out->seed = seed;
	out->addrs = addrs;
	out->lens = lens;
	return 0;

fail:
	for (unsigned i = 0; addrs && i < n; i++)
		free(addrs[i]);
	free(addrs);
	free(lens);
	free(line);
	return rc;
}

/* bfs_addrfile_free - see addrfile.h. */
void bfs_addrfile_free(struct bfs_addrfile *af)
{
	for (uint32_t i = 0; af->addrs && i < af->nservers; i++)
		free(af->addrs[i]);
	free(af->addrs);
	free(af->lens);
	memset(af, 0, sizeof(*af));
}

/* bfs_addrfile_write - see addrfile.h. */
int bfs_addrfile_write(const char *path, uint64_t secret, uint32_t n, void *const *addrs,
                       const size_t *lens, uint32_t vnodes, uint64_t seed)
{
	char tmp[4200];
	FILE *f;
	int fd;

	snprintf(tmp, sizeof(tmp), "%s.%d.tmp", path, (int)getpid());
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	f = fdopen(fd, "w");
	if (!f) {
		close(fd);
		return -errno;
	}
	fprintf(f, "benchfs-addr 2\nsecret %016llx\nservers %u\nvnodes %u\nseed %llx\n",
	        (unsigned long long)secret, n, vnodes, (unsigned long long)seed);
	for (uint32_t i = 0; i < n; i++) {
		char *hex = malloc(2 * lens[i] + 1);
		if (!hex) {
			fclose(f);
			unlink(tmp);
			return -ENOMEM;
		}
		bfs_hex_encode(addrs[i], lens[i], hex);
		fprintf(f, "server %u %s\n", i, hex);
		free(hex);
	}
	if (fflush(f) || fsync(fileno(f))) {
		int e = -errno;
		fclose(f);
		unlink(tmp);
		return e;
	}
	fclose(f);
	if (rename(tmp, path)) {
		int e = -errno;
		unlink(tmp);
		return e;
	}
	return 0;
}
