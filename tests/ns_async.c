/*
 * ns_async - the non-blocking namespace calls (benchfs_imkdir, benchfs_istat, benchfs_ilstat,
 * benchfs_iunlink, benchfs_iread_file): many in flight at once, completed out of order, each
 * giving what its blocking form gives, each error (EEXIST, ENOENT, ENOTDIR, EISDIR, ELOOP)
 * delivered to the request of the path that had it and the errors found before any request
 * at once (with no request); files inline and chunked; a window of hundreds of unlinks.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

#define N      12
#define MANY   300
#define CHUNKY (150 * 1024) /* past the default inline limit: its bytes are in chunks */

static uint8_t buf[N][CHUNKY + 1], ref[CHUNKY];

/* Complete @req: by benchfs_test() polling when @poll, else benchfs_wait(). */
static ssize_t complete(benchfs_request_t *req, int poll)
{
	ssize_t res = -12345;

	if (!poll)
		return benchfs_wait(req);
	while (benchfs_test(req, &res) == 0)
		;
	return res;
}

int main(int argc, char **argv)
{
	char dir[64], p[N][96], many[96];
	benchfs_request_t *req[N], *none;
	ssize_t want[N];
	struct stat sb[N];
	uint64_t seed;

	bt_start(&argc, &argv);
	seed = 900 + (uint64_t)bt_rank;
	snprintf(dir, sizeof(dir), "/a%d", bt_rank);
	CHECK_RC(benchfs_mkdir(dir, 0755), 0);
	for (int k = 0; k < N; k++)
		snprintf(p[k], sizeof(p[k]), "%s/d%d", dir, k);
	CHECK_RC(benchfs_mkdir(p[4], 0700), 0); /* will exist */

	/* 1. imkdir: one exists (EEXIST through its request), the rest made */
	for (int k = 0; k < N; k++) {
		CHECK_RC(benchfs_imkdir(p[k], 0750, &req[k]), 0);
		want[k] = k == 4 ? -EEXIST : 0;
	}
	for (int k = N - 1; k >= 0; k--) /* out of order */
		CHECK_RC(complete(req[k], k % 2), want[k]);
	for (int k = 0; k < N; k++) {
		CHECK_RC(benchfs_stat(p[k], &sb[0]), 0);
		CHECK(S_ISDIR(sb[0].st_mode));
		CHECK_EQ(sb[0].st_mode & 07777, k == 4 ? 0700u : 0750u);
	}
	/* errors found before a request: at once, no request */
	CHECK_RC(benchfs_imkdir("/no-such-dir/x", 0755, &none), -ENOENT);
	CHECK(none == NULL);
	CHECK_RC(benchfs_imkdir("/", 0755, &none), -EEXIST);
	CHECK(none == NULL);
	CHECK_RC(benchfs_imkdir(p[0], 0755, NULL), -EINVAL);
	CHECK_RC(benchfs_imkdir("relative", 0755, &none), -EINVAL);
	CHECK(none == NULL);

	/* 2. files for the rest: small (inline where the servers keep it), chunked, a link */
	for (int k = 0; k < N; k++)
		snprintf(p[k], sizeof(p[k]), "%s/f%d", dir, k);
	bt_fill(ref, CHUNKY, 0, seed);
	for (int k = 0; k < 6; k++)
		CHECK_RC(benchfs_create_file(p[k], 0640, 0, ref, k == 5 ? CHUNKY : 1000u * k, NULL),
		         0);
	CHECK_RC(benchfs_symlink("f0", p[6]), 0);
	/* p[7] missing; p[8] below a file (ENOTDIR); p[9] the directory; p[10], p[11] missing */
	snprintf(p[8], sizeof(p[8]), "%s/plain", dir);
	CHECK_RC(benchfs_create_file(p[8], 0600, 0, ref, 1, NULL), 0);
	snprintf(p[8], sizeof(p[8]), "%s/plain/x", dir);
	snprintf(p[9], sizeof(p[9]), "%s/d0", dir);

	/* 3. istat and ilstat: attributes, or each path's own error */
	for (int pass = 0; pass < 2; pass++) {
		for (int k = 0; k < N; k++) {
			memset(&sb[k], 0xee, sizeof(sb[k]));
			CHECK_RC(pass ? benchfs_ilstat(p[k], &sb[k], &req[k])
			              : benchfs_istat(p[k], &sb[k], &req[k]),
			         0);
		}
		for (int k = N - 1; k >= 0; k--) {
			want[k] = k < 6 || k == 9 ? 0
			          : k == 6        ? (pass ? 0 : -ELOOP)
			          : k == 8        ? -ENOTDIR
			                          : -ENOENT;
			CHECK_RC(complete(req[k], k % 2 == pass), want[k]);
		}
		for (int k = 0; k < 6; k++) {
			struct stat st;

			CHECK_RC(benchfs_lstat(p[k], &st), 0);
			CHECK_EQ(sb[k].st_size, k == 5 ? CHUNKY : 1000 * k);
			CHECK_EQ(sb[k].st_ino, st.st_ino);
			CHECK_EQ(sb[k].st_mode, S_IFREG | 0640);
			CHECK_EQ(sb[k].st_mtim.tv_sec, st.st_mtim.tv_sec);
		}
		CHECK(S_ISDIR(sb[9].st_mode));
		if (pass) {
			CHECK(S_ISLNK(sb[6].st_mode));
			CHECK_EQ(sb[6].st_size, 2);
		}
	}
	CHECK_RC(benchfs_istat(p[0], NULL, &none), -EINVAL);
	CHECK(none == NULL);
	CHECK_RC(benchfs_istat(p[0], &sb[0], NULL), -EINVAL);
	CHECK_RC(benchfs_istat("/", &sb[0], &none), 0); /* the root: finished at once */
	CHECK_RC(benchfs_wait(none), 0);
	CHECK(S_ISDIR(sb[0].st_mode));

	/* 4. iread_file: inline and chunked bytes, stat with them, each path's own error */
	for (int k = 0; k < N; k++) {
		memset(buf[k], 0xa5, sizeof(buf[k]));
		CHECK_RC(benchfs_iread_file(p[k], buf[k], sizeof(buf[k]), &sb[k], &req[k]), 0);
	}
	for (int k = 0; k < N; k++) {
		want[k] = k < 5    ? 1000 * k
		          : k == 5 ? CHUNKY
		          : k == 6 ? -ELOOP
		          : k == 8 ? -ENOTDIR
		          : k == 9 ? -EISDIR
		                   : -ENOENT;
		CHECK_RC(complete(req[k], k % 2), want[k]);
		if (want[k] >= 0) {
			CHECK_BYTES(buf[k], ref, (size_t)want[k], 0);
			CHECK_EQ(buf[k][want[k]], 0xa5); /* nothing past the end of file */
			CHECK_EQ(sb[k].st_size, want[k]);
		}
	}
	CHECK_RC(benchfs_iread_file(p[0], NULL, 10, NULL, &none), -EINVAL);
	CHECK(none == NULL);
	CHECK_RC(benchfs_iread_file("/", buf[0], 10, NULL, &none), -EISDIR);
	CHECK(none == NULL);

	/* 5. iunlink: files and the link go (chunked data purged), errors to their own paths */
	for (int k = 0; k < N; k++)
		CHECK_RC(benchfs_iunlink(p[k], &req[k]), 0);
	for (int k = N - 1; k >= 0; k--) {
		want[k] = k <= 6 ? 0 : k == 8 ? -ENOTDIR : k == 9 ? -EISDIR : -ENOENT;
		CHECK_RC(complete(req[k], k % 2), want[k]);
	}
	for (int k = 0; k <= 6; k++)
		CHECK_RC(benchfs_lstat(p[k], &sb[0]), -ENOENT);
	CHECK_RC(benchfs_iunlink("/", &none), -EISDIR);
	CHECK(none == NULL);
	/* the chunked name again: a new file, none of the old bytes */
	CHECK_RC(benchfs_create_file(p[5], 0600, 0, ref, 10, NULL), 0);
	CHECK_RC(benchfs_truncate(p[5], CHUNKY), 0);
	memset(buf[0], 0xa5, CHUNKY);
	CHECK_RC(benchfs_read_file(p[5], buf[0], CHUNKY, NULL), CHUNKY);
	CHECK_BYTES(buf[0], ref, 10, 0);
	memset(ref, 0, CHUNKY);
	CHECK_BYTES(buf[0] + 10, ref, CHUNKY - 10, 0);
	CHECK_RC(benchfs_unlink(p[5]), 0);

	/* 6. a window: MANY creates then MANY unlinks in flight */
	{
		benchfs_request_t **r = calloc(MANY, sizeof(*r));
		struct benchfs_dirent *ent;
		benchfs_dir_t *d;
		int left = 0;

		CHECK(r != NULL);
		for (int k = 0; k < MANY; k++) {
			snprintf(many, sizeof(many), "%s/m%d", dir, k);
			CHECK_RC(benchfs_icreate_file(many, 0644, 0, &k, sizeof(k), NULL, &r[k]),
			         0);
		}
		for (int k = 0; k < MANY; k++)
			CHECK_RC(benchfs_wait(r[k]), 0);
		for (int k = 0; k < MANY; k++) {
			snprintf(many, sizeof(many), "%s/m%d", dir, k);
			CHECK_RC(benchfs_iunlink(many, &r[k]), 0);
		}
		for (int k = MANY - 1; k >= 0; k--)
			CHECK_RC(benchfs_wait(r[k]), 0);
		free(r);
		CHECK_RC(benchfs_opendir(dir, &d), 0);
		while (benchfs_readdir(d, &ent) == 1)
			left += ent->d_name[0] == 'm';
		CHECK_RC(benchfs_closedir(d), 0);
		CHECK_EQ(left, 0);
	}
	return bt_finish();
}
