/*
 * fuzz_addrfile.c - libFuzzer harness of the address-file parser (src/net/addrfile.c), which
 * benchfs_init() runs on the file benchfsd wrote (BENCHFS_ADDR).
 *
 * Input: the file's bytes, read through fmemopen(3). When they parse, the servers are written
 * out again with the real writer (bfs_addrfile_write, into a directory under $TMPDIR made at
 * start-up) and that file is parsed once more.
 *
 * Asserts: parsing answers 0 or -EINVAL (-ENOMEM only when memory runs out), leaks nothing on
 * any path (LeakSanitizer), and on success lists 1..BFS_ADDRFILE_MAX_SERVERS servers whose
 * addresses are readable for their whole length; the file written from it parses to the same
 * secret and addresses.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz.h"
#include "net/addrfile.h"

/* servers round-tripped through a file at most (the rest only parse) */
#define ROUNDTRIP_MAX 64

static char dir[256], file[300];

static void remove_dir(void)
{
	unlink(file);
	rmdir(dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *tmp = getenv("TMPDIR");

	(void)argc;
	(void)argv;
	snprintf(dir, sizeof(dir), "%s/bfs-fuzz-addrfile.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	FUZZ_CHECK(mkdtemp(dir) != NULL, "mkdtemp %s", dir);
	snprintf(file, sizeof(file), "%s/addr", dir);
	atexit(remove_dir);
	return 0;
}

/* roundtrip - write @af with the real writer and parse it again. */
static void roundtrip(const struct bfs_addrfile *af)
{
	struct bfs_addrfile back;
	FILE *f;
	int rc = bfs_addrfile_write(file, af->secret, af->nservers, af->addrs, af->lens, af->vnodes,
	                            af->seed);

	FUZZ_CHECK(rc == 0, "write: %d", rc);
	f = fopen(file, "r");
	FUZZ_CHECK(f != NULL, "open %s", file);
	rc = bfs_addrfile_parse(f, &back);
	fclose(f);
	FUZZ_CHECK(rc == 0, "parsing what was written: %d", rc);
	FUZZ_CHECK(back.secret == af->secret && back.nservers == af->nservers, "header differs");
	for (uint32_t i = 0; i < af->nservers; i++)
		FUZZ_CHECK(back.lens[i] == af->lens[i] &&
		               !memcmp(back.addrs[i], af->addrs[i], af->lens[i]),
		           "server %u differs", i);
	bfs_addrfile_free(&back);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bfs_addrfile af;
	volatile uint8_t sum = 0;
	FILE *f = size ? fmemopen((void *)data, size, "r") : fopen("/dev/null", "r");
	int rc;

	FUZZ_CHECK(f != NULL, "fmemopen of %zu bytes", size);
	rc = bfs_addrfile_parse(f, &af);
	fclose(f);
	FUZZ_CHECK(rc == 0 || rc == -EINVAL || rc == -ENOMEM, "parse: %d", rc);
	if (rc) {
		FUZZ_CHECK(af.addrs == NULL && af.lens == NULL, "a failed parse left memory");
		return 0;
	}
	FUZZ_CHECK(af.nservers >= 1 && af.nservers <= BFS_ADDRFILE_MAX_SERVERS, "%u servers",
	           af.nservers);
	for (uint32_t i = 0; i < af.nservers; i++)
		for (size_t b = 0; b < af.lens[i]; b++)
			sum ^= ((const uint8_t *)af.addrs[i])[b];
	(void)sum; /* read for AddressSanitizer's sake */
	if (af.nservers <= ROUNDTRIP_MAX)
		roundtrip(&af);
	bfs_addrfile_free(&af);
	return 0;
}
