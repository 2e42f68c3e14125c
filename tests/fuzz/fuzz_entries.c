/*
 * fuzz_entries.c - libFuzzer harness of the READDIR and FIND reply payload walkers, as the
 * client runs them (src/client/ns.c: benchfs_readdir, benchfs_find).
 *
 * Input: a reply payload. It is walked three times, as READDIR entries (bfs_wire_get_dirent until
 * the end of the buffer, each name copied into a struct benchfs_dirent), as READDIR entries with
 * inode records (BFS_F_ATTRS, bfs_wire_get_dirent_rec) and as FIND entries
 * (bfs_wire_get_findent until the end; each key turned into the path the client reports and
 * sends back as the next page's resume point, bfs_path_from_key, and that path turned into the
 * key the server resumes after, bfs_path_key, as src/server/server.c does).
 *
 * Asserts: the walkers answer 0 or -EBADMSG; an entry read lies inside the buffer, moves the
 * position forward by exactly its size, has a name of 1..NAME_MAX bytes (a key of
 * 1..PATH_MAX + 1 bytes) and encodes back to the same bytes (bfs_wire_put_dirent/_findent);
 * a key's path fits the client's buffer, NUL-terminated; a path that is normal gives back the
 * same key (unless the key's name part holds a '/', which no stored key has).
 */
#include <errno.h>
#include <string.h>

#include "benchfs.h"
#include "common/path.h"
#include "fuzz.h"
#include "net/wire.h"

/* entry_read - the checks of one entry read at @start of @buf (@len bytes) with answer @rc, now
 * at @pos: its @fixed-byte head and @dlen bytes of name or key at @data, of at most @max bytes.
 * 1 when an entry was read, 0 at a malformed one (where the walk stops). */
static int entry_read(int rc, const uint8_t *buf, size_t len, size_t start, size_t pos,
                      size_t fixed, const char *data, size_t dlen, size_t max)
{
	FUZZ_CHECK(rc == 0 || rc == -EBADMSG, "entry at %zu: %d", start, rc);
	if (rc) {
		FUZZ_CHECK(pos == start, "a failed read moved to %zu", pos);
		return 0;
	}
	FUZZ_CHECK(dlen >= 1 && dlen <= max, "name or key of %zu bytes", dlen);
	FUZZ_CHECK(pos == start + fixed + dlen && pos <= len, "entry at %zu ends at %zu", start,
	           pos);
	FUZZ_CHECK((const uint8_t *)data == buf + start + fixed, "name or key outside its entry");
	return 1;
}

/* same_bytes - an entry at @start..@pos of @buf encoded again (answer @rc, @alen bytes at @again)
 * gives the same bytes. */
static void same_bytes(int rc, const uint8_t *again, size_t alen, const uint8_t *buf, size_t start,
                       size_t pos)
{
	FUZZ_CHECK(rc == 0 && alen == pos - start && !memcmp(again, buf + start, alen),
	           "entry at %zu encodes to other bytes (%d)", start, rc);
}

/* walk_dirents - READDIR entries of @buf (@len bytes) until its end or a malformed one. */
static void walk_dirents(const uint8_t *buf, size_t len)
{
	struct benchfs_dirent ent;
	uint8_t again[BFS_WIRE_DIRENT_FIXED + BENCHFS_NAME_MAX];
	size_t pos = 0;

	while (pos < len) {
		size_t start = pos, nlen, apos = 0;
		const char *name;
		uint64_t ino;
		uint8_t type;
		int rc = bfs_wire_get_dirent(buf, len, &pos, &ino, &type, &name, &nlen);

		if (!entry_read(rc, buf, len, start, pos, BFS_WIRE_DIRENT_FIXED, name, nlen,
		                BENCHFS_NAME_MAX))
			return;
		ent.d_ino = ino;
		ent.d_type = type;
		memcpy(ent.d_name, name, nlen);
		ent.d_name[nlen] = '\0';
		rc = bfs_wire_put_dirent(again, sizeof(again), &apos, ino, type, name, nlen);
		same_bytes(rc, again, apos, buf, start, pos);
	}
}

/* walk_dirents_rec - READDIR entries with inode records (BFS_F_ATTRS) of @buf (@len bytes). */
static void walk_dirents_rec(const uint8_t *buf, size_t len)
{
	size_t pos = 0;

	while (pos < len) {
		size_t start = pos, nlen = 0;
		const char *name = NULL;
		struct bfs_inode rec;
		uint8_t type;
		int rc = bfs_wire_get_dirent_rec(buf, len, &pos, &rec, &type, &name, &nlen);

		FUZZ_CHECK(rc == 0 || rc == -EBADMSG, "entry at %zu: %d", start, rc);
		if (rc) {
			FUZZ_CHECK(pos == start, "a failed read moved to %zu", pos);
			return;
		}
		FUZZ_CHECK(nlen >= 1 && nlen <= BENCHFS_NAME_MAX, "name of %zu bytes", nlen);
		FUZZ_CHECK(pos == start + BFS_WIRE_DIRENT_FIXED + nlen + BFS_WIRE_INODE_SIZE &&
		               pos <= len,
		           "entry at %zu ends at %zu", start, pos);
		FUZZ_CHECK((const uint8_t *)name == buf + start + BFS_WIRE_DIRENT_FIXED,
		           "name outside its entry");
	}
}

/* check_resume - the key of @path (@n bytes and a NUL, made of key @key of @klen bytes) as the
 * server makes it. */
static void check_resume(const char *path, int n, const char *key, size_t klen)
{
	char norm[BENCHFS_PATH_MAX + 1], back[BENCHFS_PATH_MAX + 2];
	const char *nul = memchr(key, '\0', klen);
	int kn;

	if (n > BENCHFS_PATH_MAX || memchr(path, '\0', (size_t)n) ||
	    bfs_path_normalize(path, norm, sizeof(norm)) != n || memcmp(norm, path, (size_t)n) ||
	    n < 2)
		return; /* the server refuses it: not a normal path (or the root) */
	kn = bfs_path_key(path, (size_t)n, back, sizeof(back));
	FUZZ_CHECK(kn > 0, "key of a normal path: %d", kn);
	if (nul && !memchr(nul + 1, '/', klen - (size_t)(nul + 1 - key)))
		FUZZ_CHECK((size_t)kn == klen && !memcmp(back, key, klen),
		           "key -> path -> key differs (%d, %zu bytes)", kn, klen);
}

/* walk_findents - FIND entries of @buf (@len bytes) until its end or a malformed one. */
static void walk_findents(const uint8_t *buf, size_t len)
{
	static uint8_t again[BFS_WIRE_FINDENT_FIXED + BENCHFS_PATH_MAX + 1];
	char full[BENCHFS_PATH_MAX + 2], after[BENCHFS_PATH_MAX + 2];
	size_t pos = 0;

	while (pos < len) {
		size_t start = pos, klen, apos = 0;
		const char *key;
		int64_t mtime;
		uint32_t mode;
		uint64_t fsize;
		int rc = bfs_wire_get_findent(buf, len, &pos, &mode, &fsize, &mtime, &key, &klen);
		int n;

		if (!entry_read(rc, buf, len, start, pos, BFS_WIRE_FINDENT_FIXED, key, klen,
		                BENCHFS_PATH_MAX + 1))
			return;
		rc = bfs_wire_put_findent(again, sizeof(again), &apos, mode, fsize, mtime, key,
		                          klen);
		same_bytes(rc, again, apos, buf, start, pos);
		n = bfs_path_from_key(key, klen, full, sizeof(full));
		FUZZ_CHECK(n >= 0 || n == -EINVAL || n == -ENAMETOOLONG, "from_key: %d", n);
		if (n < 0)
			continue; /* the client stops with -EIO */
		FUZZ_CHECK((size_t)n < sizeof(full) && full[n] == '\0', "path of %d bytes", n);
		memcpy(after, full, (size_t)n); /* the client's resume point */
		check_resume(full, n, key, klen);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	walk_dirents(data, size);
	walk_dirents_rec(data, size);
	walk_findents(data, size);
	return 0;
}
