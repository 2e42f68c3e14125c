/*
 * mpiio - what MPI-IO users rely on, checked through whatever MPI-IO implementation the job
 * links: ROMIO with the BenchFS driver (a `benchfs:` name, libbenchfs-romio.so preloaded),
 * ROMIO's ufs driver (`ufs:`), or Open MPI's ompio (a plain path). A plain MPI program: no
 * BenchFS headers or libraries, everything goes through MPI_File_*.
 *
 * Usage: mpiio -f BASE [-s SECTION,...] [-k]   run the sections (default: all but "shared")
 *        mpiio -f BASE -w                      cross-job test: write BASE.cross with this job
 *        mpiio -f BASE -r NWRITERS             read BASE.cross written by a job of NWRITERS ranks
 *
 * Files are named BASE.<what>. Every byte written is pat(seed, file offset), so any rank can
 * verify any byte. A failed check prints "rank R: FAIL [section] file:line: what (got, want)" on
 * stderr; rank 0 prints one PASS or FAIL line per section. Exit 0 if everything passed, 1 if
 * not, 2 on bad usage. File errors return (MPI_ERRORS_RETURN is set on MPI_FILE_NULL), and
 * every call's error code is checked.
 */
#include <mpi.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PATH_LEN 1024

/* pattern seeds */
#define SEED_DATA  1   /* data written by the test */
#define SEED_BG    2   /* background a strided write must leave alone */
#define SEED_OTHER 3   /* overwrites */
#define SEED_CROSS 100 /* cross-job file: SEED_CROSS + writer rank */

#define UNTOUCHED 0xEE /* fill of read buffers: bytes no read may change */

static int rank, nprocs;
static const char *base;
static int on_benchfs; /* the name has the benchfs: prefix */
static int is_romio;   /* MPI_File_get_info shows ROMIO's hints */
static int keep_files;
static const char *dir_name; /* -D: an existing directory, for the errors section */
static const char *cur_section = "setup";
static long section_fails;
static MPI_Datatype el3, el8; /* 3- and 8-byte elements (contiguous bytes) */

/* ---- checks --------------------------------------------------------------------------------- */

static void failf(const char *file, int line, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	fprintf(stderr, "rank %d: FAIL [%s] %s:%d: %s\n", rank, cur_section, file, line, msg);
	fflush(stderr);
	section_fails++;
}

#define FAILF(...) failf(__FILE__, __LINE__, __VA_ARGS__)
#define CHECK(cond, ...)                                                                           \
	do {                                                                                       \
		if (!(cond))                                                                       \
			FAILF(__VA_ARGS__);                                                        \
	} while (0)

static const char *class_name(int cls)
{
	static const struct {
		int cls;
		const char *name;
	} names[] = {
	    {MPI_SUCCESS, "MPI_SUCCESS"},
	    {MPI_ERR_FILE, "MPI_ERR_FILE"},
	    {MPI_ERR_NO_SUCH_FILE, "MPI_ERR_NO_SUCH_FILE"},
	    {MPI_ERR_FILE_EXISTS, "MPI_ERR_FILE_EXISTS"},
	    {MPI_ERR_AMODE, "MPI_ERR_AMODE"},
	    {MPI_ERR_READ_ONLY, "MPI_ERR_READ_ONLY"},
	    {MPI_ERR_ACCESS, "MPI_ERR_ACCESS"},
	    {MPI_ERR_ARG, "MPI_ERR_ARG"},
	    {MPI_ERR_COUNT, "MPI_ERR_COUNT"},
	    {MPI_ERR_TYPE, "MPI_ERR_TYPE"},
	    {MPI_ERR_IO, "MPI_ERR_IO"},
	    {MPI_ERR_BAD_FILE, "MPI_ERR_BAD_FILE"},
	    {MPI_ERR_NO_SPACE, "MPI_ERR_NO_SPACE"},
	    {MPI_ERR_QUOTA, "MPI_ERR_QUOTA"},
	    {MPI_ERR_FILE_IN_USE, "MPI_ERR_FILE_IN_USE"},
	    {MPI_ERR_NOT_SAME, "MPI_ERR_NOT_SAME"},
	    {MPI_ERR_UNSUPPORTED_OPERATION, "MPI_ERR_UNSUPPORTED_OPERATION"},
	    {MPI_ERR_UNSUPPORTED_DATAREP, "MPI_ERR_UNSUPPORTED_DATAREP"},
	    {MPI_ERR_CONVERSION, "MPI_ERR_CONVERSION"},
	    {MPI_ERR_INFO_KEY, "MPI_ERR_INFO_KEY"},
	    {MPI_ERR_INFO_VALUE, "MPI_ERR_INFO_VALUE"},
	    {MPI_ERR_REQUEST, "MPI_ERR_REQUEST"},
	    {MPI_ERR_NO_MEM, "MPI_ERR_NO_MEM"},
	    {MPI_ERR_INTERN, "MPI_ERR_INTERN"},
	    {MPI_ERR_OTHER, "MPI_ERR_OTHER"},
	};
	static char other[32];

	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (names[i].cls == cls)
			return names[i].name;
	snprintf(other, sizeof other, "error class %d", cls);
	return other;
}

static int error_class(int err)
{
	int cls = err;

	if (err != MPI_SUCCESS && MPI_Error_class(err, &cls) != MPI_SUCCESS)
		cls = -1;
	return cls;
}

/* ok_at: err is MPI_SUCCESS; otherwise report the call, its message and class. */
static int ok_at(int err, const char *call, const char *file, int line)
{
	char msg[MPI_MAX_ERROR_STRING] = "";
	int len = 0;

	if (err == MPI_SUCCESS)
		return 1;
	if (MPI_Error_string(err, msg, &len) != MPI_SUCCESS)
		snprintf(msg, sizeof msg, "(no error string)");
	failf(file, line, "%s failed: %s (%s)", call, msg, class_name(error_class(err)));
	return 0;
}
#define OK(call) ok_at((call), #call, __FILE__, __LINE__)

/* expect_class_at: the call failed with an error of class want. */
static void expect_class_at(int err, int want, const char *call, const char *file, int line)
{
	int cls = error_class(err);

	if (cls != want)
		failf(file, line, "%s: got %s, want %s", call, class_name(cls), class_name(want));
}
#define EXPECT_CLASS(call, want) expect_class_at((call), (want), #call, __FILE__, __LINE__)

static void count_is_at(MPI_Status *st, MPI_Datatype type, long long want, const char *what,
                        const char *file, int line)
{
	int got = -1;

	if (MPI_Get_count(st, type, &got) != MPI_SUCCESS)
		failf(file, line, "%s: MPI_Get_count failed", what);
	else if (got != want)
		failf(file, line, "%s: MPI_Get_count gives %d, want %lld", what, got, want);
}
#define COUNT_IS(st, type, want, what) count_is_at((st), (type), (want), (what), __FILE__, __LINE__)

static void size_is_at(MPI_File fh, MPI_Offset want, const char *what, const char *file, int line)
{
	MPI_Offset got = -1;

	if (ok_at(MPI_File_get_size(fh, &got), "MPI_File_get_size", file, line) && got != want)
		failf(file, line, "%s: MPI_File_get_size gives %lld, want %lld", what,
		      (long long)got, (long long)want);
}
#define SIZE_IS(fh, want, what) size_is_at((fh), (want), (what), __FILE__, __LINE__)

static void position_is_at(MPI_File fh, MPI_Offset want, const char *what, const char *file,
                           int line)
{
	MPI_Offset got = -1;

	if (ok_at(MPI_File_get_position(fh, &got), "MPI_File_get_position", file, line) &&
	    got != want)
		failf(file, line, "%s: MPI_File_get_position gives %lld, want %lld", what,
		      (long long)got, (long long)want);
}
#define POSITION_IS(fh, want, what) position_is_at((fh), (want), (what), __FILE__, __LINE__)

/* ---- the pattern ---------------------------------------------------------------------------- */

/* pat: the byte at file offset off of data written with seed (a 64-bit mix of both). */
static unsigned char pat(unsigned seed, MPI_Offset off)
{
	uint64_t x = (uint64_t)off * 0x9E3779B97F4A7C15ULL + (uint64_t)seed * 0xD6E8FEB86659FD93ULL;

	x ^= x >> 31;
	x *= 0xBF58476D1CE4E5B9ULL;
	x ^= x >> 29;
	x *= 0x94D049BB133111EBULL;
	x ^= x >> 32;
	return (unsigned char)x;
}

static void fill(unsigned char *buf, MPI_Offset n, unsigned seed, MPI_Offset off)
{
	for (MPI_Offset i = 0; i < n; i++)
		buf[i] = pat(seed, off + i);
}

/* pattern_is_at: buf[0..n) holds pat(seed, off + i); report the first difference and a count. */
static int pattern_is_at(const unsigned char *buf, MPI_Offset n, unsigned seed, MPI_Offset off,
                         const char *what, const char *file, int line)
{
	MPI_Offset bad = 0, first = 0;

	for (MPI_Offset i = 0; i < n; i++)
		if (buf[i] != pat(seed, off + i) && !bad++)
			first = i;
	if (bad)
		failf(file, line,
		      "%s: %lld of %lld bytes wrong, first at file offset %lld: got 0x%02x, want "
		      "0x%02x",
		      what, (long long)bad, (long long)n, (long long)(off + first), buf[first],
		      pat(seed, off + first));
	return bad == 0;
}
#define PATTERN_IS(buf, n, seed, off, what)                                                        \
	pattern_is_at((buf), (n), (seed), (off), (what), __FILE__, __LINE__)

/* same_at: got[0..n) equals want[0..n); off is the file offset of got[0] (for the message). */
static int same_at(const unsigned char *got, const unsigned char *want, MPI_Offset n,
                   MPI_Offset off, const char *what, const char *file, int line)
{
	MPI_Offset bad = 0, first = 0;

	for (MPI_Offset i = 0; i < n; i++)
		if (got[i] != want[i] && !bad++)
			first = i;
	if (bad)
		failf(file, line,
		      "%s: %lld of %lld bytes wrong, first at offset %lld: got 0x%02x, want 0x%02x",
		      what, (long long)bad, (long long)n, (long long)(off + first), got[first],
		      want[first]);
	return bad == 0;
}
#define SAME(got, want, n, off, what) same_at((got), (want), (n), (off), (what), __FILE__, __LINE__)

static int zeros_at(const unsigned char *buf, MPI_Offset n, MPI_Offset off, const char *what,
                    const char *file, int line)
{
	for (MPI_Offset i = 0; i < n; i++)
		if (buf[i]) {
			failf(file, line, "%s: byte at file offset %lld is 0x%02x, want 0", what,
			      (long long)(off + i), buf[i]);
			return 0;
		}
	return 1;
}
#define ZEROS(buf, n, off, what) zeros_at((buf), (n), (off), (what), __FILE__, __LINE__)

/* ---- helpers -------------------------------------------------------------------------------- */

static void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p) {
		fprintf(stderr, "rank %d: out of memory (%zu bytes)\n", rank, n);
		MPI_Abort(MPI_COMM_WORLD, 1);
	}
	return p;
}

static void path_of(char *buf, const char *what)
{
	snprintf(buf, PATH_LEN, "%s.%s", base, what);
}

/* remove_file: rank 0 of comm deletes name; a missing file is fine. Collective over comm. */
static void remove_file(const char *name, MPI_Comm comm)
{
	int r, err;

	MPI_Comm_rank(comm, &r);
	if (r == 0) {
		err = MPI_File_delete(name, MPI_INFO_NULL);
		if (err != MPI_SUCCESS && error_class(err) != MPI_ERR_NO_SUCH_FILE)
			OK(err);
	}
	MPI_Barrier(comm);
}

static void cleanup(const char *name, MPI_Comm comm)
{
	if (!keep_files)
		remove_file(name, comm);
}

/* sync_barrier_sync: the MPI-IO recipe to make every rank's writes visible to every rank. */
static void sync_barrier_sync(MPI_File fh, MPI_Comm comm)
{
	OK(MPI_File_sync(fh));
	MPI_Barrier(comm);
	OK(MPI_File_sync(fh));
}

static int open_file(MPI_Comm comm, const char *name, int amode, MPI_Info info, MPI_File *fh)
{
	*fh = MPI_FILE_NULL;
	return OK(MPI_File_open(comm, name, amode, info, fh));
}

/* info_value: the value of key in info ("" if absent). */
static int info_value(MPI_Info info, const char *key, char *val, int len)
{
	int flag = 0;

	val[0] = 0;
	if (info != MPI_INFO_NULL)
		MPI_Info_get(info, key, len - 1, val, &flag);
	return flag;
}

/* collective whole-file check of a file that must hold want[0..n). */
static void file_is(MPI_File fh, const unsigned char *want, MPI_Offset n, int collective,
                    const char *what)
{
	unsigned char *got = xmalloc((size_t)n);
	MPI_Status st;
	int err;

	memset(got, UNTOUCHED, (size_t)n);
	if (collective)
		err = MPI_File_read_at_all(fh, 0, got, (int)n, MPI_BYTE, &st);
	else
		err = MPI_File_read_at(fh, 0, got, (int)n, MPI_BYTE, &st);
	if (OK(err)) {
		COUNT_IS(&st, MPI_BYTE, n, what);
		SAME(got, want, n, 0, what);
	}
	free(got);
}

/* Block distribution of g items over d parts: part c gets [*start, *start + *len). */
static void block_range(int g, int d, int c, int *start, int *len)
{
	int b = g / d, r = g % d;

	*len = b + (c < r);
	*start = c * b + (c < r ? c : r);
}

/* ---- contiguous, independent ---------------------------------------------------------------- */

#define BLOCK (262144 + 1237) /* bytes per rank in the contiguous sections */
static const int pieces[] = {1, 4095, 65536, 7, 100000, 3, 8192};
#define NPIECES ((int)(sizeof pieces / sizeof pieces[0]))

/* N-1, explicit offsets: each rank writes its block in odd pieces, reads it back, then reads its
 * neighbour's block, the whole file, and short reads at the end. */
static void sec_contig_at(void)
{
	const MPI_Offset B = BLOCK, mine = rank * B, end = nprocs * B;
	unsigned char *buf = xmalloc((size_t)end), *rd = xmalloc((size_t)end);
	char name[PATH_LEN];
	MPI_Group g1, g2;
	MPI_Status st;
	MPI_File fh;
	int amode = -1, cmp = -1, k = 0;

	path_of(name, "contig_at");
	remove_file(name, MPI_COMM_WORLD);
	if (!open_file(MPI_COMM_WORLD, name, MPI_MODE_CREATE | MPI_MODE_RDWR, MPI_INFO_NULL, &fh))
		goto out;
	if (OK(MPI_File_get_amode(fh, &amode)))
		CHECK(amode == (MPI_MODE_CREATE | MPI_MODE_RDWR),
		      "MPI_File_get_amode gives 0x%x, want 0x%x", amode,
		      MPI_MODE_CREATE | MPI_MODE_RDWR);
	if (OK(MPI_File_get_group(fh, &g1))) {
		MPI_Comm_group(MPI_COMM_WORLD, &g2);
		MPI_Group_compare(g1, g2, &cmp);
		CHECK(cmp == MPI_IDENT, "MPI_File_get_group is not the group of the open");
		MPI_Group_free(&g1);
		MPI_Group_free(&g2);
	}
	SIZE_IS(fh, 0, "new file");
	MPI_Barrier(MPI_COMM_WORLD); /* every rank saw the empty file before anyone writes */

	fill(buf, B, SEED_DATA, mine);
	for (MPI_Offset done = 0; done < B;) {
		int n = pieces[k++ % NPIECES];

		if (n > B - done)
			n = (int)(B - done);
		if (OK(MPI_File_write_at(fh, mine + done, buf + done, n, MPI_BYTE, &st)))
			COUNT_IS(&st, MPI_BYTE, n, "write_at of a piece");
		done += n;
	}
	if (OK(MPI_File_write_at(fh, mine, buf, 0, MPI_BYTE, &st)))
		COUNT_IS(&st, MPI_BYTE, 0, "write_at of 0 bytes");
	/* the same bytes again as 1000 ints: counts in elements and in bytes */
	if (OK(MPI_File_write_at(fh, mine, buf, 1000, MPI_INT, &st))) {
		COUNT_IS(&st, MPI_INT, 1000, "write_at of 1000 MPI_INT");
		COUNT_IS(&st, MPI_BYTE, 1000 * sizeof(int), "write_at of 1000 MPI_INT, in bytes");
	}
	memset(rd, 0, (size_t)B);
	if (OK(MPI_File_read_at(fh, mine, rd, (int)B, MPI_BYTE, &st))) {
		COUNT_IS(&st, MPI_BYTE, B, "read_at of the own block");
		PATTERN_IS(rd, B, SEED_DATA, mine, "own block read back before any sync");
	}

	sync_barrier_sync(fh, MPI_COMM_WORLD);
	SIZE_IS(fh, end, "after every rank wrote its block");
	MPI_Offset nb = ((rank + 1) % nprocs) * B;
	memset(rd, 0, (size_t)B);
	if (OK(MPI_File_read_at(fh, nb, rd, (int)B, MPI_BYTE, &st))) {
		COUNT_IS(&st, MPI_BYTE, B, "read_at of the neighbour's block");
		PATTERN_IS(rd, B, SEED_DATA, nb, "neighbour's block");
	}
	memset(rd, 0, (size_t)end);
	if (OK(MPI_File_read_at(fh, 0, rd, (int)end, MPI_BYTE, &st))) {
		COUNT_IS(&st, MPI_BYTE, end, "read_at of the whole file");
		PATTERN_IS(rd, end, SEED_DATA, 0, "whole file in one read_at");
	}
	/* reads that reach the end are short; at or past it they read 0 bytes */
	if (OK(MPI_File_read_at(fh, end - 10, rd, 100, MPI_BYTE, &st))) {
		COUNT_IS(&st, MPI_BYTE, 10, "read_at of 100 bytes 10 before the end");
		PATTERN_IS(rd, 10, SEED_DATA, end - 10, "last 10 bytes");
	}
	if (OK(MPI_File_read_at(fh, end, rd, 100, MPI_BYTE, &st)))
		COUNT_IS(&st, MPI_BYTE, 0, "read_at at the end");
	if (OK(MPI_File_read_at(fh, end + 12345, rd, 100, MPI_BYTE, &st)))
		COUNT_IS(&st, MPI_BYTE, 0, "read_at past the end");
	OK(MPI_File_close(&fh));
	CHECK(fh == MPI_FILE_NULL, "MPI_File_close did not set the handle to MPI_FILE_NULL");
	cleanup(name, MPI_COMM_WORLD);
out:
	free(buf);
	free(rd);
}

/* N-1 through individual file pointers: seek, write and read advance the pointer; SEEK_CUR,
 * SEEK_END; pointers of different ranks are independent; MPI_MODE_APPEND starts at the end. */
static void sec_contig_fp(void)
{
	const MPI_Offset B = BLOCK, mine = rank * B, end = nprocs * B;
	unsigned char *buf = xmalloc((size_t)B), *rd = xmalloc((size_t)B);
	char name[PATH_LEN];
	MPI_Offset byte = -1;
	MPI_Status st;
	MPI_File fh;
	int k = 0;

	path_of(name, "contig_fp");
	remove_file(name, MPI_COMM_WORLD);
	if (!open_file(MPI_COMM_WORLD, name, MPI_MODE_CREATE | MPI_MODE_RDWR, MPI_INFO_NULL, &fh))
		goto out;
	POSITION_IS(fh, 0, "after open");
	OK(MPI_File_seek(fh, mine, MPI_SEEK_SET));
	POSITION_IS(fh, mine, "after seek to the own block");
	if (OK(MPI_File_get_byte_offset(fh, mine, &byte)))
		CHECK(byte == mine, "get_byte_offset(%lld) gives %lld under the default view",
		      (long long)mine, (long long)byte);

	fill(buf, B, SEED_DATA, mine);
	for (MPI_Offset done = 0; done < B;) {
		int n = pieces[k++ % NPIECES];

		if (n > B - done)
			n = (int)(B - done);
		if (OK(MPI_File_write(fh, buf + done, n, MPI_BYTE, &st)))
			COUNT_IS(&st, MPI_BYTE, n, "write of a piece");
		done += n;
		POSITION_IS(fh, mine + done, "after a write");
	}
	OK(MPI_File_seek(fh, -B, MPI_SEEK_CUR));
	POSITION_IS(fh, mine, "after seek -BLOCK from the current position");
	memset(rd, 0, (size_t)B);
	if (OK(MPI_File_read(fh, rd, (int)B, MPI_BYTE, &st))) {
		COUNT_IS(&st, MPI_BYTE, B, "read of the own block");
		PATTERN_IS(rd, B, SEED_DATA, mine, "own block through the file pointer");
	}
	POSITION_IS(fh, mine + B, "after reading the own block");

	sync_barrier_sync(fh, MPI_COMM_WORLD);
	OK(MPI_File_seek(fh, 0, MPI_SEEK_END));
	POSITION_IS(fh, end, "after seek to SEEK_END");
	/* (where the pointer is after a read at the end differs: ROMIO adds the bytes read, ompio
	 * the bytes asked for) */
	if (OK(MPI_File_read(fh, rd, 100, MPI_BYTE, &st)))
		COUNT_IS(&st, MPI_BYTE, 0, "read at the end");
	OK(MPI_File_seek(fh, -B, MPI_SEEK_END));
	memset(rd, 0, (size_t)B);
	if (OK(MPI_File_read(fh, rd, (int)B, MPI_BYTE, &st))) {
		COUNT_IS(&st, MPI_BYTE, B, "read of the last block");
		PATTERN_IS(rd, B, SEED_DATA, end - B, "last block after seek -BLOCK from SEEK_END");
	}
	/* the neighbour's block in pieces of 50000 through the own pointer */
	MPI_Offset nb = ((rank + 1) % nprocs) * B;
	OK(MPI_File_seek(fh, nb, MPI_SEEK_SET));
	memset(rd, 0, (size_t)B);
	for (MPI_Offset done = 0; done < B;) {
		int n = B - done < 50000 ? (int)(B - done) : 50000;

		if (!OK(MPI_File_read(fh, rd + done, n, MPI_BYTE, &st)))
			break;
		COUNT_IS(&st, MPI_BYTE, n, "read of a piece of the neighbour's block");
		done += n;
	}
	PATTERN_IS(rd, B, SEED_DATA, nb, "neighbour's block read in pieces");
	OK(MPI_File_close(&fh));

	/* MPI_MODE_APPEND: every file pointer starts at the end of the file */
	if (!open_file(MPI_COMM_WORLD, name, MPI_MODE_WRONLY | MPI_MODE_APPEND, MPI_INFO_NULL, &fh))
		goto out;
	POSITION_IS(fh, end, "after open with MPI_MODE_APPEND");
	if (rank == 0) {
		fill(buf, 1000, SEED_DATA, end);
		if (OK(MPI_File_write(fh, buf, 1000, MPI_BYTE, &st)))
			COUNT_IS(&st, MPI_BYTE, 1000, "write in MPI_MODE_APPEND");
		POSITION_IS(fh, end + 1000, "after the appending write");
	}
	OK(MPI_File_close(&fh));
	if (!open_file(MPI_COMM_WORLD, name, MPI_MODE_RDONLY, MPI_INFO_NULL, &fh))
		goto out;
	SIZE_IS(fh, end + 1000, "after the appending write");
	memset(rd, 0, 1000);
	if (OK(MPI_File_read_at(fh, end, rd, 1000, MPI_BYTE, &st))) {
		COUNT_IS(&st, MPI_BYTE, 1000, "read of the appended bytes");
		PATTERN_IS(rd, 1000, SEED_DATA, end, "appended bytes");
	}
	OK(MPI_File_close(&fh));
	cleanup(name, MPI_COMM_WORLD);
out:
	free(buf);
	free(rd);
}

/* N-N: a file per rank opened on MPI_COMM_SELF, written sequentially, read back by the next
 * rank after close, then deleted by its owner. */
static MPI_Offset nn_size(int r)
{
	return 100000 + 7919 * (MPI_Offset)r;
}

static void sec_nn(void)
{
	const int nb = (rank + 1) % nprocs;
	const MPI_Offset n = nn_size(rank), nbn = nn_size(nb);
	unsigned char *buf = xmalloc((size_t)nn_size(nprocs));
	char name[PATH_LEN], what[64];
	MPI_Status st;
	MPI_File fh;

	snprintf(what, sizeof what, "nn.%d", rank);
	path_of(name, what);
	remove_file(name, MPI_COMM_SELF);
	MPI_Barrier(MPI_COMM_WORLD);
	if (open_file(MPI_COMM_SELF, name, MPI_MODE_CREATE | MPI_MODE_WRONLY, MPI_INFO_NULL, &fh)) {
		fill(buf, n, SEED_DATA + (unsigned)rank, 0);
		for (MPI_Offset done = 0; done < n;) {
			int c = n - done < 32768 ? (int)(n - done) : 32768;

			if (!OK(MPI_File_write(fh, buf + done, c, MPI_BYTE, &st)))
				break;
			COUNT_IS(&st, MPI_BYTE, c, "write to the own file");
			done += c;
		}
		SIZE_IS(fh, n, "own file after writing");
		OK(MPI_File_close(&fh));
	}
	MPI_Barrier(MPI_COMM_WORLD);

	snprintf(what, sizeof what, "nn.%d", nb);
	path_of(name, what);
	if (open_file(MPI_COMM_SELF, name, MPI_MODE_RDONLY, MPI_INFO_NULL, &fh)) {
		SIZE_IS(fh, nbn, "neighbour's file");
		memset(buf, 0, (size_t)nbn);
		for (MPI_Offset done = 0; done < nbn;) {
			int c = nbn - done < 50000 ? (int)(nbn - done) : 50000;

			if (!OK(MPI_File_read(fh, buf + done, c, MPI_BYTE, &st)))
				break;
			COUNT_IS(&st, MPI_BYTE, c, "read of the neighbour's file");
			done += c;
		}
		PATTERN_IS(buf, nbn, SEED_DATA + (unsigned)nb, 0, "neighbour's file");
		if (OK(MPI_File_read(fh, buf, 10, MPI_BYTE, &st)))
			COUNT_IS(&st, MPI_BYTE, 0, "read at the end of the neighbour's file");
		OK(MPI_File_close(&fh));
	}
	MPI_Barrier(MPI_COMM_WORLD);

	/* every rank deletes its own file; then it is gone */
	snprintf(what, sizeof what, "nn.%d", rank);
	path_of(name, what);
	OK(MPI_File_delete(name, MPI_INFO_NULL));
	MPI_Barrier(MPI_COMM_WORLD);
	snprintf(what, sizeof what, "nn.%d", nb);
	path_of(name, what);
	EXPECT_CLASS(MPI_File_open(MPI_COMM_SELF, name, MPI_MODE_RDONLY, MPI_INFO_NULL, &fh),
	             MPI_ERR_NO_SUCH_FILE);
	free(buf);
}

/* ---- collective, contiguous ----------------------------------------------------------------- */

#define CA_T      10007 /* bytes per block */
#define CA_ROUNDS 5

/* Expected byte of the coll_at file: in round k rank q writes block k*P+q, except rank 0 in the
 * last round (it takes part with 0 bytes), which leaves a hole of zeros (or the end of the
 * file with 1 rank). */
static int ca_written(MPI_Offset off)
{
	MPI_Offset b = off / CA_T;

	return !(b / nprocs == CA_ROUNDS - 1 && b % nprocs == 0);
}

static void sec_coll_at(void)
{
	const MPI_Offset size =
	    nprocs > 1 ? (MPI_Offset)CA_ROUNDS * nprocs * CA_T : (MPI_Offset)(CA_ROUNDS - 1) * CA_T;
	unsigned char *buf = xmalloc(CA_T), *want = xmalloc((size_t)size);
	unsigned char *rd = xmalloc((size_t)size);
	const int nb = (rank + 1) % nprocs;
	char name[PATH_LEN];
	MPI_Status st;
	MPI_File fh;

	path_of(name, "coll_at");
	remove_file(name, MPI_COMM_WORLD);
	if (!open_file(MPI_COMM_WORLD, name, MPI_MODE_CREATE | MPI_MODE_RDWR, MPI_INFO_NULL, &fh))
		goto out;
	for (int k = 0; k < CA_ROUNDS; k++) {
		MPI_Offset off = ((MPI_Offset)k * nprocs + rank) * CA_T;
		int n = ca_written(off) ? CA_T : 0;

		fill(buf, n, SEED_DATA, off);
		if (OK(MPI_File_write_at_all(fh, off, buf, n, MPI_BYTE, &st)))
			COUNT_IS(&st, MPI_BYTE, n, "write_at_all of a block");
	}
	sync_barrier_sync(fh, MPI_COMM_WORLD);
	SIZE_IS(fh, size, "after the collective writes");

	/* the neighbour's blocks, collectively */
	for (int k = 0; k < CA_ROUNDS; k++) {
		MPI_Offset off = ((MPI_Offset)k * nprocs + nb) * CA_T;
		int n = off < size ? CA_T : 0; /* a block past the end reads 0 bytes */

		memset(buf, UNTOUCHED, CA_T);
		if (!OK(MPI_File_read_at_all(fh, off, buf, CA_T, MPI_BYTE, &st)))
			continue;
		COUNT_IS(&st, MPI_BYTE, n, "read_at_all of a neighbour's block");
		if (n == 0)
			continue;
		if (ca_written(off))
			PATTERN_IS(buf, CA_T, SEED_DATA, off, "neighbour's block");
		else
			ZEROS(buf, CA_T, off, "block no rank wrote (a hole)");
	}
	for (MPI_Offset i = 0; i < size; i++)
		want[i] = ca_written(i) ? pat(SEED_DATA, i) : 0;
	memset(rd, UNTOUCHED, (size_t)size);
	if (OK(MPI_File_read_at_all(fh, 0, rd, (int)size, MPI_BYTE, &st))) {
		COUNT_IS(&st, MPI_BYTE, size, "read_at_all of the whole file");
		SAME(rd, want, size, 0, "whole file by read_at_all");
	}
	OK(MPI_File_close(&fh));
	cleanup(name, MPI_COMM_WORLD);
out:
	free(buf);
	free(want);
	free(rd);
}

/* interleaved view: blocks of bl bytes, rank q's blocks at q*bl + j*P*bl */
static MPI_Offset il_offset(int q, MPI_Offset bl, MPI_Offset i)
{
	return q * bl + (i / bl) * nprocs * bl + i % bl;
}

static void il_fill(unsigned char *buf, MPI_Offset n, unsigned seed, int q, MPI_Offset bl,
                    MPI_Offset from)
{
	for (MPI_Offset i = 0; i < n; i++)
		buf[i] = pat(seed, il_offset(q, bl, from + i));
}

static int il_check_at(const unsigned char *buf, MPI_Offset n, unsigned seed, int q, MPI_Offset bl,
                       MPI_Offset from, const char *what, const char *file, int line)
{
	for (MPI_Offset i = 0; i < n; i++) {
		MPI_Offset off = il_offset(q, bl, from + i);

		if (buf[i] != pat(seed, off)) {
			failf(file, line,
			      "%s: byte %lld of the view (file offset %lld): got 0x%02x, "
			      "want 0x%02x",
			      what, (long long)(from + i), (long long)off, buf[i], pat(seed, off));
			return 0;
		}
	}
	return 1;
}
#define IL_CHECK(buf, n, seed, q, bl, from, what)                                                  \
	il_check_at((buf), (n), (seed), (q), (bl), (from), (what), __FILE__, __LINE__)

/* the interleaving file type: bl bytes of etype data, then room for the other ranks' blocks */
static MPI_Datatype il_type(int bl_etypes, MPI_Datatype etype)
{
	MPI_Datatype c, t;
	int esize;

	MPI_Type_size(etype, &esize);
	MPI_Type_contiguous(bl_etypes, etype, &c);
	MPI_Type_create_resized(c, 0, (MPI_Aint)nprocs * bl_etypes * esize, &t);
	MPI_Type_commit(&t);
	MPI_Type_free(&c);
	return t;
}

#define CV_BL 4099 /* bytes per block */
#define CV_NB 12   /* blocks per rank */

/* write_all/read_all through file views (a resized contiguous type), positions and byte offsets
 * in the view; then an MPI_INT etype with explicit offsets counted in etypes. */
static void sec_coll_view(void)
{
	const MPI_Offset n = (MPI_Offset)CV_NB * CV_BL, half = n / 2, total = n * nprocs;
	unsigned char *buf = xmalloc((size_t)n), *rd = xmalloc((size_t)total);
	const int nb = (rank + 1) % nprocs;
	char name[PATH_LEN];
	MPI_Datatype ft;
	MPI_Status st;
	MPI_File fh;

	path_of(name, "coll_view");
	remove_file(name, MPI_COMM_WORLD);
	if (!open_file(MPI_COMM_WORLD, name, MPI_MODE_CREATE | MPI_MODE_RDWR, MPI_INFO_NULL, &fh))
		goto out;
	ft = il_type(CV_BL, MPI_BYTE);
	OK(MPI_File_set_view(fh, (MPI_Offset)rank * CV_BL, MPI_BYTE, ft, "native", MPI_INFO_NULL));
	POSITION_IS(fh, 0, "after set_view");
	il_fill(buf, n, SEED_DATA, rank, CV_BL, 0);
	if (OK(MPI_File_write_all(fh, buf, (int)half, MPI_BYTE, &st)))
		COUNT_IS(&st, MPI_BYTE, half, "write_all of the first half");
	POSITION_IS(fh, half, "after the first write_all");
	if (OK(MPI_File_write_all(fh, buf + half, (int)(n - half), MPI_BYTE, &st)))
		COUNT_IS(&st, MPI_BYTE, n - half, "write_all of the second half");
	POSITION_IS(fh, n, "after the second write_all");
	const MPI_Offset probes[] = {0, 1, CV_BL - 1, CV_BL, 5 * CV_BL + 17, n - 1, n};
	for (size_t i = 0; i < sizeof probes / sizeof probes[0]; i++) {
		MPI_Offset got = -1, want = il_offset(rank, CV_BL, probes[i]);

		if (OK(MPI_File_get_byte_offset(fh, probes[i], &got)))
			CHECK(got == want, "get_byte_offset(%lld) gives %lld, want %lld",
			      (long long)probes[i], (long long)got, (long long)want);
	}
	sync_barrier_sync(fh, MPI_COMM_WORLD);

	/* the neighbour's blocks through its view, with the individual pointer */
	OK(MPI_File_set_view(fh, (MPI_Offset)nb * CV_BL, MPI_BYTE, ft, "native", MPI_INFO_NULL));
	memset(rd, UNTOUCHED, (size_t)n);
	if (OK(MPI_File_read_all(fh, rd, (int)n, MPI_BYTE, &st))) {
		COUNT_IS(&st, MPI_BYTE, n, "read_all of the neighbour's view");
		IL_CHECK(rd, n, SEED_DATA, nb, CV_BL, 0, "neighbour's view");
	}
	/* the whole file under the default view */
	OK(MPI_File_set_view(fh, 0, MPI_BYTE, MPI_BYTE, "native", MPI_INFO_NULL));
	memset(rd, UNTOUCHED, (size_t)total);
	if (OK(MPI_File_read_at_all(fh, 0, rd, (int)total, MPI_BYTE, &st))) {
		COUNT_IS(&st, MPI_BYTE, total, "read_at_all of the whole file");
		PATTERN_IS(rd, total, SEED_DATA, 0, "whole file under the default view");
	}
	OK(MPI_File_close(&fh));
	MPI_Type_free(&ft);
	cleanup(name, MPI_COMM_WORLD);

	/* etype MPI_INT: 3 ints per block, explicit offsets in etypes relative to the view */
	const int bli = 3, nints = 3000, hi = nints / 2;
	const MPI_Offset bl = bli * (MPI_Offset)sizeof(int),
	                 nbytes = nints * (MPI_Offset)sizeof(int);
	path_of(name, "coll_view_int");
	remove_file(name, MPI_COMM_WORLD);
	if (!open_file(MPI_COMM_WORLD, name, MPI_MODE_CREATE | MPI_MODE_RDWR, MPI_INFO_NULL, &fh))
		goto out;
	ft = il_type(bli, MPI_INT);
	OK(MPI_File_set_view(fh, rank * bl, MPI_INT, ft, "native", MPI_INFO_NULL));
	il_fill(buf, nbytes, SEED_DATA, rank, bl, 0);
	if (OK(MPI_File_write_at_all(fh, hi, buf + hi * sizeof(int), nints - hi, MPI_INT, &st)))
		COUNT_IS(&st, MPI_INT, nints - hi, "write_at_all of the second half, in ints");
	if (OK(MPI_File_write_at_all(fh, 0, buf, hi, MPI_INT, &st)))
		COUNT_IS(&st, MPI_INT, hi, "write_at_all of the first half, in ints");
	POSITION_IS(fh, 0, "after write_at_all (explicit offsets leave the pointer)");
	sync_barrier_sync(fh, MPI_COMM_WORLD);
	memset(rd, UNTOUCHED, 40);
	if (OK(MPI_File_read_at_all(fh, hi - 5, rd, 10, MPI_INT, &st))) {
		COUNT_IS(&st, MPI_INT, 10, "read_at_all of 10 ints across the halves");
		IL_CHECK(rd, 40, SEED_DATA, rank, bl, (hi - 5) * (MPI_Offset)sizeof(int),
		         "10 ints read at an etype offset");
	}
	OK(MPI_File_set_view(fh, 0, MPI_BYTE, MPI_BYTE, "native", MPI_INFO_NULL));
	memset(rd, UNTOUCHED, (size_t)(nbytes * nprocs));
	if (OK(MPI_File_read_at_all(fh, 0, rd, (int)(nbytes * nprocs), MPI_BYTE, &st))) {
		COUNT_IS(&st, MPI_BYTE, nbytes * nprocs, "read_at_all of the whole int file");
		PATTERN_IS(rd, nbytes * nprocs, SEED_DATA, 0, "whole int file");
	}
	OK(MPI_File_close(&fh));
	MPI_Type_free(&ft);
	cleanup(name, MPI_COMM_WORLD);
out:
	free(buf);
	free(rd);
}

/* ---- strided views and memory types --------------------------------------------------------- */

struct seg {
	MPI_Offset off, len;
};
struct seglist {
	struct seg *v;
	size_t n, cap;
	MPI_Offset total;
};

static void seg_add(struct seglist *l, MPI_Offset off, MPI_Offset len)
{
	if (len <= 0)
		return;
	l->total += len;
	if (l->n && l->v[l->n - 1].off + l->v[l->n - 1].len == off) {
		l->v[l->n - 1].len += len;
		return;
	}
	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 64;
		l->v = realloc(l->v, l->cap * sizeof *l->v);
		if (!l->v)
			MPI_Abort(MPI_COMM_WORLD, 1);
	}
	l->v[l->n].off = off;
	l->v[l->n].len = len;
	l->n++;
}

/* A rank's access: view (disp, etype, filetype) and memory (count items of memtype in a buffer
 * of memsize bytes); file and mem list, in stream order, the bytes they touch. */
struct layout {
	MPI_Offset disp;
	MPI_Datatype etype, filetype, memtype;
	int count;
	MPI_Offset memsize;
	struct seglist file, mem;
};

/* build(q, L, types): fill L for rank q; build and commit filetype and memtype only if types. */
typedef void (*layout_fn)(int q, struct layout *L, int types);

static void layout_free(struct layout *L)
{
	if (L->filetype != MPI_DATATYPE_NULL)
		MPI_Type_free(&L->filetype);
	if (L->memtype != MPI_DATATYPE_NULL && L->memtype != L->etype)
		MPI_Type_free(&L->memtype);
	free(L->file.v);
	free(L->mem.v);
	memset(L, 0, sizeof *L);
}

static void layout_init(struct layout *L)
{
	memset(L, 0, sizeof *L);
	L->filetype = MPI_DATATYPE_NULL;
	L->memtype = MPI_DATATYPE_NULL;
}

/* memory is count contiguous etypes */
static void mem_contig(struct layout *L, MPI_Offset nbytes, int esize)
{
	L->memsize = nbytes;
	L->count = (int)(nbytes / esize);
	L->memtype = L->etype;
	seg_add(&L->mem, 0, nbytes);
}

static void commit(MPI_Datatype *t)
{
	MPI_Type_commit(t);
}

/* vector of ints (a resized vector: 16 blocks of 257 ints, one block per rank and a gap block
 * per row), two tiles of it; memory contiguous */
#define VEC_NB 16
#define VEC_BL 257
static void vector_file(int q, struct layout *L, int types)
{
	const MPI_Offset bl = VEC_BL * 4, stride = (nprocs + 1) * bl, tile = VEC_NB * stride;

	L->disp = q * bl;
	L->etype = MPI_INT;
	for (int t = 0; t < 2; t++)
		for (int j = 0; j < VEC_NB; j++)
			seg_add(&L->file, L->disp + t * tile + j * stride, bl);
	if (types) {
		MPI_Datatype v;

		MPI_Type_vector(VEC_NB, VEC_BL, (nprocs + 1) * VEC_BL, MPI_INT, &v);
		MPI_Type_create_resized(v, 0, (MPI_Aint)tile, &L->filetype);
		commit(&L->filetype);
		MPI_Type_free(&v);
	}
}

static void lay_vector(int q, struct layout *L, int types)
{
	vector_file(q, L, types);
	mem_contig(L, 2 * VEC_NB * VEC_BL * 4, 4);
}

/* the same file view; memory: 2 items of a vector of 257 blocks of 16 ints with stride 19 */
static void lay_vector_memstrided(int q, struct layout *L, int types)
{
	const int m = 257, k = 16, stride = 19;
	const MPI_Offset ext = ((MPI_Offset)(m - 1) * stride + k) * 4;

	vector_file(q, L, types);
	L->count = 2;
	L->memsize = 2 * ext;
	for (int c = 0; c < 2; c++)
		for (int i = 0; i < m; i++)
			seg_add(&L->mem, c * ext + (MPI_Offset)i * stride * 4, k * 4);
	if (types) {
		MPI_Type_vector(m, k, stride, MPI_INT, &L->memtype);
		commit(&L->memtype);
	}
}

/* 2-D block decomposition of a 37 x 53 array of 3-byte elements after a 100-byte header */
#define SA_R    37
#define SA_C    53
#define SA_DISP 100
static void sub2d_file(int q, struct layout *L, int types, int *l0, int *l1)
{
	int dims[2] = {0, 0}, s0, s1;

	MPI_Dims_create(nprocs, 2, dims);
	block_range(SA_R, dims[0], q / dims[1], &s0, l0);
	block_range(SA_C, dims[1], q % dims[1], &s1, l1);
	L->disp = SA_DISP;
	L->etype = el3;
	for (int i = 0; i < *l0; i++)
		seg_add(&L->file, SA_DISP + ((MPI_Offset)(s0 + i) * SA_C + s1) * 3, *l1 * 3);
	if (types) {
		int g[2] = {SA_R, SA_C}, l[2] = {*l0, *l1}, s[2] = {s0, s1};

		MPI_Type_create_subarray(2, g, l, s, MPI_ORDER_C, el3, &L->filetype);
		commit(&L->filetype);
	}
}

static void lay_subarray2d(int q, struct layout *L, int types)
{
	int l0, l1;

	sub2d_file(q, L, types, &l0, &l1);
	mem_contig(L, (MPI_Offset)l0 * l1 * 3, 3);
}

/* the same view; memory: the local block inside a one-element ghost border */
static void lay_subarray2d_ghost(int q, struct layout *L, int types)
{
	int l0, l1;

	sub2d_file(q, L, types, &l0, &l1);
	L->count = 1;
	L->memsize = (MPI_Offset)(l0 + 2) * (l1 + 2) * 3;
	for (int i = 0; i < l0; i++)
		seg_add(&L->mem, ((MPI_Offset)(i + 1) * (l1 + 2) + 1) * 3, l1 * 3);
	if (types) {
		int g[2] = {l0 + 2, l1 + 2}, l[2] = {l0, l1}, s[2] = {1, 1};

		MPI_Type_create_subarray(2, g, l, s, MPI_ORDER_C, el3, &L->memtype);
		commit(&L->memtype);
	}
}

/* 3-D block decomposition, Fortran order, of a 13 x 11 x 7 array of 8-byte elements */
static void lay_subarray3d(int q, struct layout *L, int types)
{
	const int g[3] = {13, 11, 7};
	int dims[3] = {0, 0, 0}, s[3], l[3], c[3];

	MPI_Dims_create(nprocs, 3, dims);
	c[0] = q % dims[0];
	c[1] = (q / dims[0]) % dims[1];
	c[2] = q / (dims[0] * dims[1]);
	for (int d = 0; d < 3; d++)
		block_range(g[d], dims[d], c[d], &s[d], &l[d]);
	L->disp = 0;
	L->etype = el8;
	for (int k = 0; k < l[2]; k++)
		for (int j = 0; j < l[1]; j++)
			seg_add(&L->file,
			        (((MPI_Offset)(s[2] + k) * g[1] + (s[1] + j)) * g[0] + s[0]) * 8,
			        l[0] * 8);
	mem_contig(L, (MPI_Offset)l[0] * l[1] * l[2] * 8, 8);
	if (types) {
		MPI_Type_create_subarray(3, g, l, s, MPI_ORDER_FORTRAN, el8, &L->filetype);
		commit(&L->filetype);
	}
}

/* indexed, in ints: 40 blocks of irregular lengths; block k of every rank in rank order, then a
 * gap of 2 ints */
#define IX_K 40
static int ix_len(int k, int q)
{
	return 1 + (k * 5 + q * 3) % 17;
}

static void lay_indexed(int q, struct layout *L, int types)
{
	int lens[IX_K], displs[IX_K], pos = 0, n = 0;

	for (int k = 0; k < IX_K; k++) {
		for (int p = 0; p < nprocs; p++) {
			if (p == q) {
				lens[k] = ix_len(k, q);
				displs[k] = pos;
				n += lens[k];
			}
			pos += ix_len(k, p);
		}
		pos += 2;
	}
	L->disp = 0;
	L->etype = MPI_INT;
	for (int k = 0; k < IX_K; k++)
		seg_add(&L->file, displs[k] * 4, lens[k] * 4);
	mem_contig(L, n * 4, 4);
	if (types) {
		MPI_Type_indexed(IX_K, lens, displs, MPI_INT, &L->filetype);
		commit(&L->filetype);
	}
}

/* hindexed, in bytes, after a 5-byte displacement: 60 blocks of irregular lengths, gap of 3
 * bytes after each row; memory: the stream cut in 64-byte blocks stored in reverse order */
#define HX_K 60
static int hx_len(int k, int q)
{
	return 1 + (k * 7 + q * 11) % 97;
}

static void lay_hindexed(int q, struct layout *L, int types)
{
	int lens[HX_K], n = 0;
	MPI_Aint displs[HX_K], pos = 0;

	for (int k = 0; k < HX_K; k++) {
		for (int p = 0; p < nprocs; p++) {
			if (p == q) {
				lens[k] = hx_len(k, q);
				displs[k] = pos;
				n += lens[k];
			}
			pos += hx_len(k, p);
		}
		pos += 3;
	}
	L->disp = 5;
	L->etype = MPI_BYTE;
	for (int k = 0; k < HX_K; k++)
		seg_add(&L->file, 5 + displs[k], lens[k]);
	const int nblk = (n + 63) / 64;
	int *mlens = xmalloc(nblk * sizeof(int));
	MPI_Aint *mdispls = xmalloc(nblk * sizeof(MPI_Aint));
	for (int i = 0; i < nblk; i++) {
		mlens[i] = n - 64 * i < 64 ? n - 64 * i : 64;
		mdispls[i] = n - 64 * i - mlens[i];
		seg_add(&L->mem, mdispls[i], mlens[i]);
	}
	L->memsize = n;
	L->count = 1;
	if (types) {
		MPI_Type_create_hindexed(HX_K, lens, displs, MPI_BYTE, &L->filetype);
		commit(&L->filetype);
		MPI_Type_create_hindexed(nblk, mlens, mdispls, MPI_BYTE, &L->memtype);
		commit(&L->memtype);
	}
	free(mlens);
	free(mdispls);
}

/* darray, block-cyclic (3 rows, 2 columns) over a process grid, of a 29 x 23 int array */
#define DA_R 29
#define DA_C 23
static void lay_darray(int q, struct layout *L, int types)
{
	int dims[2] = {0, 0}, c0, c1, n = 0;

	MPI_Dims_create(nprocs, 2, dims);
	c0 = q / dims[1];
	c1 = q % dims[1];
	L->disp = 0;
	L->etype = MPI_INT;
	for (int i = 0; i < DA_R; i++) {
		if ((i / 3) % dims[0] != c0)
			continue;
		for (int j = 0; j < DA_C; j++)
			if ((j / 2) % dims[1] == c1) {
				seg_add(&L->file, ((MPI_Offset)i * DA_C + j) * 4, 4);
				n++;
			}
	}
	mem_contig(L, n * 4, 4);
	if (types) {
		int g[2] = {DA_R, DA_C}, dist[2] = {MPI_DISTRIBUTE_CYCLIC, MPI_DISTRIBUTE_CYCLIC};
		int darg[2] = {3, 2};

		MPI_Type_create_darray(nprocs, q, 2, g, dist, darg, dims, MPI_ORDER_C, MPI_INT,
		                       &L->filetype);
		commit(&L->filetype);
	}
}

/* walk the stream: byte i is at mem position m and file offset f */
static void stream_fill(unsigned char *buf, const struct layout *L, unsigned seed)
{
	size_t fi = 0, mi = 0;
	MPI_Offset fo = 0, mo = 0;

	while (fi < L->file.n && mi < L->mem.n) {
		MPI_Offset n = L->file.v[fi].len - fo;

		if (L->mem.v[mi].len - mo < n)
			n = L->mem.v[mi].len - mo;
		for (MPI_Offset k = 0; k < n; k++)
			buf[L->mem.v[mi].off + mo + k] = pat(seed, L->file.v[fi].off + fo + k);
		fo += n;
		mo += n;
		if (fo == L->file.v[fi].len) {
			fi++;
			fo = 0;
		}
		if (mo == L->mem.v[mi].len) {
			mi++;
			mo = 0;
		}
	}
}

/* buf holds what stream_fill would write, and UNTOUCHED everywhere else */
static void stream_check_at(const unsigned char *buf, const struct layout *L, unsigned seed,
                            const char *what, const char *file, int line)
{
	unsigned char *want = xmalloc((size_t)L->memsize);

	memset(want, UNTOUCHED, (size_t)L->memsize);
	stream_fill(want, L, seed);
	same_at(buf, want, L->memsize, 0, what, file, line);
	free(want);
}

/* run_layout: the file holds background bytes; every rank writes its view (independent or
 * collective), which must change exactly the bytes of the views; each rank then reads its view
 * back into a buffer whose other bytes must stay untouched. */
static void run_layout(const char *lname, layout_fn build, int collective)
{
	char name[PATH_LEN], what[128];
	MPI_Offset fsize = 0, pos_want;
	unsigned char *cover, *want, *buf;
	struct layout L;
	MPI_Status st;
	MPI_File fh;
	int esize;

	snprintf(what, sizeof what, "strided_%s_%s", lname, collective ? "coll" : "ind");
	path_of(name, what);
	/* every rank's bytes; the file extends 17 background bytes past the last one */
	for (int q = 0; q < nprocs; q++) {
		layout_init(&L);
		build(q, &L, 0);
		if (L.file.total != L.mem.total)
			FAILF("%s: layout of rank %d moves %lld file bytes but %lld memory bytes",
			      what, q, (long long)L.file.total, (long long)L.mem.total);
		for (size_t i = 0; i < L.file.n; i++)
			if (L.file.v[i].off + L.file.v[i].len > fsize)
				fsize = L.file.v[i].off + L.file.v[i].len;
		layout_free(&L);
	}
	fsize += 17;
	cover = xmalloc((size_t)fsize);
	want = xmalloc((size_t)fsize);
	memset(cover, 0, (size_t)fsize);
	for (int q = 0; q < nprocs; q++) {
		layout_init(&L);
		build(q, &L, 0);
		for (size_t i = 0; i < L.file.n; i++)
			memset(cover + L.file.v[i].off, 1, (size_t)L.file.v[i].len);
		layout_free(&L);
	}
	for (MPI_Offset i = 0; i < fsize; i++)
		want[i] = pat(cover[i] ? SEED_DATA : SEED_BG, i);

	remove_file(name, MPI_COMM_WORLD);
	if (!open_file(MPI_COMM_WORLD, name, MPI_MODE_CREATE | MPI_MODE_RDWR, MPI_INFO_NULL, &fh))
		goto out;
	if (rank == 0) {
		buf = xmalloc((size_t)fsize);
		fill(buf, fsize, SEED_BG, 0);
		OK(MPI_File_write_at(fh, 0, buf, (int)fsize, MPI_BYTE, &st));
		free(buf);
	}
	sync_barrier_sync(fh, MPI_COMM_WORLD);

	layout_init(&L);
	build(rank, &L, 1);
	MPI_Type_size(L.etype, &esize);
	pos_want = L.file.total / esize;
	buf = xmalloc((size_t)L.memsize);
	memset(buf, UNTOUCHED, (size_t)L.memsize);
	stream_fill(buf, &L, SEED_DATA);
	OK(MPI_File_set_view(fh, L.disp, L.etype, L.filetype, "native", MPI_INFO_NULL));
	if (collective) {
		if (OK(MPI_File_write_all(fh, buf, L.count, L.memtype, &st)))
			COUNT_IS(&st, L.memtype, L.count, "write_all through the view");
	} else {
		if (OK(MPI_File_write(fh, buf, L.count, L.memtype, &st)))
			COUNT_IS(&st, L.memtype, L.count, "write through the view");
	}
	POSITION_IS(fh, pos_want, "after writing the view (etypes)");
	sync_barrier_sync(fh, MPI_COMM_WORLD);

	/* the whole file, plainly: the views' bytes changed, the others did not */
	OK(MPI_File_set_view(fh, 0, MPI_BYTE, MPI_BYTE, "native", MPI_INFO_NULL));
	SIZE_IS(fh, fsize, "after the strided writes");
	snprintf(what, sizeof what, "%s, %s: the whole file", lname,
	         collective ? "collective" : "independent");
	file_is(fh, want, fsize, collective, what);

	/* the own view back into a buffer of UNTOUCHED bytes */
	OK(MPI_File_set_view(fh, L.disp, L.etype, L.filetype, "native", MPI_INFO_NULL));
	memset(buf, UNTOUCHED, (size_t)L.memsize);
	snprintf(what, sizeof what, "%s, %s: the own view read back", lname,
	         collective ? "collective" : "independent");
	if (collective) {
		if (OK(MPI_File_read_at_all(fh, 0, buf, L.count, L.memtype, &st)))
			COUNT_IS(&st, L.memtype, L.count, "read_at_all through the view");
	} else {
		if (OK(MPI_File_read(fh, buf, L.count, L.memtype, &st)))
			COUNT_IS(&st, L.memtype, L.count, "read through the view");
	}
	stream_check_at(buf, &L, SEED_DATA, what, __FILE__, __LINE__);
	free(buf);
	layout_free(&L);
	OK(MPI_File_close(&fh));
	cleanup(name, MPI_COMM_WORLD);
out:
	free(cover);
	free(want);
}

static const struct {
	const char *name;
	layout_fn build;
} layouts[] = {
    {"vector", lay_vector},
    {"vector_memstrided", lay_vector_memstrided},
    {"subarray2d", lay_subarray2d},
    {"subarray2d_ghost", lay_subarray2d_ghost},
    {"subarray3d_fortran", lay_subarray3d},
    {"indexed", lay_indexed},
    {"hindexed_memreversed", lay_hindexed},
    {"darray_cyclic", lay_darray},
};

static void sec_strided(void)
{
	for (size_t i = 0; i < sizeof layouts / sizeof layouts[0]; i++) {
		run_layout(layouts[i].name, layouts[i].build, 0);
		run_layout(layouts[i].name, layouts[i].build, 1);
	}
}

/* ---- non-blocking --------------------------------------------------------------------------- */

#define NBK_PIECE 20011
#define NBK_N     8

/* complete every request with MPI_Test, round robin; each must have moved want bytes */
static void test_loop(MPI_Request *req, int n, MPI_Offset want, const char *what)
{
	int left = n;
	MPI_Status st;

	while (left) {
		for (int i = 0; i < n; i++) {
			int flag = 0;

			if (req[i] == MPI_REQUEST_NULL)
				continue;
			if (!OK(MPI_Test(&req[i], &flag, &st))) {
				req[i] = MPI_REQUEST_NULL;
				left--;
				continue;
			}
			if (flag) {
				COUNT_IS(&st, MPI_BYTE, want, what);
				CHECK(req[i] == MPI_REQUEST_NULL,
				      "%s: MPI_Test did not free a completed request", what);
				left--;
			}
		}
	}
}

static void sec_nonblocking(void)
{
	const MPI_Offset R = (MPI_Offset)NBK_N * NBK_PIECE, mine = rank * R;
	unsigned char *buf = xmalloc((size_t)R), *rd = xmalloc((size_t)R);
	const int nb = (rank + 1) % nprocs;
	MPI_Request req[NBK_N];
	MPI_Status st[NBK_N];
	char name[PATH_LEN];
	MPI_Datatype ft;
	MPI_File fh;

	/* explicit offsets: 8 writes outstanding, MPI_Waitall; 8 reads, MPI_Test */
	path_of(name, "nonblocking");
	remove_file(name, MPI_COMM_WORLD);
	if (!open_file(MPI_COMM_WORLD, name, MPI_MODE_CREATE | MPI_MODE_RDWR, MPI_INFO_NULL, &fh))
		goto out;
	fill(buf, R, SEED_DATA, mine);
	for (int i = 0; i < NBK_N; i++)
		if (!OK(MPI_File_iwrite_at(fh, mine + i * NBK_PIECE, buf + i * NBK_PIECE, NBK_PIECE,
		                           MPI_BYTE, &req[i])))
			req[i] = MPI_REQUEST_NULL;
	if (OK(MPI_Waitall(NBK_N, req, st)))
		for (int i = 0; i < NBK_N; i++) {
			COUNT_IS(&st[i], MPI_BYTE, NBK_PIECE, "iwrite_at, MPI_Waitall");
			CHECK(req[i] == MPI_REQUEST_NULL, "MPI_Waitall did not free request %d", i);
		}
	memset(rd, UNTOUCHED, (size_t)R);
	for (int i = 0; i < NBK_N; i++)
		if (!OK(MPI_File_iread_at(fh, mine + i * NBK_PIECE, rd + i * NBK_PIECE, NBK_PIECE,
		                          MPI_BYTE, &req[i])))
			req[i] = MPI_REQUEST_NULL;
	test_loop(req, NBK_N, NBK_PIECE, "iread_at, MPI_Test");
	PATTERN_IS(rd, R, SEED_DATA, mine, "own region by iread_at");
	sync_barrier_sync(fh, MPI_COMM_WORLD);
	memset(rd, UNTOUCHED, (size_t)R);
	if (OK(MPI_File_iread_at(fh, nb * R, rd, (int)R, MPI_BYTE, &req[0])) &&
	    OK(MPI_Wait(&req[0], &st[0]))) {
		COUNT_IS(&st[0], MPI_BYTE, R, "iread_at of the neighbour's region, MPI_Wait");
		PATTERN_IS(rd, R, SEED_DATA, nb * R, "neighbour's region by iread_at");
	}
	/* a read of 2 pieces reaching 1 piece past the end moves 1 piece (not with ompio: in Open
	 * MPI 4.1 a short non-blocking read never completes) */
	if (is_romio &&
	    OK(MPI_File_iread_at(fh, (nprocs * R) - NBK_PIECE, rd, 2 * NBK_PIECE, MPI_BYTE,
	                         &req[0])) &&
	    OK(MPI_Wait(&req[0], &st[0])))
		COUNT_IS(&st[0], MPI_BYTE, NBK_PIECE, "iread_at reaching past the end");
	OK(MPI_File_close(&fh));
	cleanup(name, MPI_COMM_WORLD);

	/* individual pointers: the pointer moves when the operation starts */
	path_of(name, "nonblocking_fp");
	remove_file(name, MPI_COMM_WORLD);
	if (!open_file(MPI_COMM_WORLD, name, MPI_MODE_CREATE | MPI_MODE_RDWR, MPI_INFO_NULL, &fh))
		goto out;
	OK(MPI_File_seek(fh, mine, MPI_SEEK_SET));
	for (int i = 0; i < 4; i++)
		if (!OK(MPI_File_iwrite(fh, buf + i * NBK_PIECE, NBK_PIECE, MPI_BYTE, &req[i])))
			req[i] = MPI_REQUEST_NULL;
	POSITION_IS(fh, mine + 4 * NBK_PIECE, "after starting 4 iwrites");
	for (int i = 3; i >= 0; i--)
		if (OK(MPI_Wait(&req[i], &st[i])))
			COUNT_IS(&st[i], MPI_BYTE, NBK_PIECE, "iwrite, MPI_Wait");
	OK(MPI_File_seek(fh, mine, MPI_SEEK_SET));
	memset(rd, UNTOUCHED, (size_t)R);
	for (int i = 0; i < 4; i++)
		if (!OK(MPI_File_iread(fh, rd + i * NBK_PIECE, NBK_PIECE, MPI_BYTE, &req[i])))
			req[i] = MPI_REQUEST_NULL;
	POSITION_IS(fh, mine + 4 * NBK_PIECE, "after starting 4 ireads");
	if (OK(MPI_Waitall(4, req, st)))
		for (int i = 0; i < 4; i++)
			COUNT_IS(&st[i], MPI_BYTE, NBK_PIECE, "iread, MPI_Waitall");
	PATTERN_IS(rd, 4 * NBK_PIECE, SEED_DATA, mine, "own region by iread");
	OK(MPI_File_close(&fh));
	cleanup(name, MPI_COMM_WORLD);

	/* non-blocking collectives through an interleaved view */
	const int bl = 5003;
	const MPI_Offset n = 8 * (MPI_Offset)bl, half = n / 2;
	path_of(name, "nonblocking_coll");
	remove_file(name, MPI_COMM_WORLD);
	if (!open_file(MPI_COMM_WORLD, name, MPI_MODE_CREATE | MPI_MODE_RDWR, MPI_INFO_NULL, &fh))
		goto out;
	ft = il_type(bl, MPI_BYTE);
	OK(MPI_File_set_view(fh, (MPI_Offset)rank * bl, MPI_BYTE, ft, "native", MPI_INFO_NULL));
	il_fill(buf, n, SEED_DATA, rank, bl, 0);
	if (OK(MPI_File_iwrite_all(fh, buf, (int)n, MPI_BYTE, &req[0])))
		test_loop(req, 1, n, "iwrite_all, MPI_Test");
	POSITION_IS(fh, n, "after iwrite_all");
	sync_barrier_sync(fh, MPI_COMM_WORLD);
	memset(rd, UNTOUCHED, (size_t)n);
	/* one collective outstanding at a time: ROMIO mixes up the messages of two non-blocking
	 * collectives through a non-contiguous view on one file (on ufs: too) */
	if (OK(MPI_File_iread_at_all(fh, 0, rd, (int)half, MPI_BYTE, &req[0])) &&
	    OK(MPI_Wait(&req[0], &st[0])))
		COUNT_IS(&st[0], MPI_BYTE, half, "iread_at_all of the first half, MPI_Wait");
	if (OK(MPI_File_iread_at_all(fh, half, rd + half, (int)(n - half), MPI_BYTE, &req[0])))
		test_loop(req, 1, n - half, "iread_at_all of the second half, MPI_Test");
	IL_CHECK(rd, n, SEED_DATA, rank, bl, 0, "own view by iread_at_all");
	/* overwrite the second half with iwrite_at_all, read everything with iread_all */
	il_fill(buf, n - half, SEED_OTHER, rank, bl, half);
	if (OK(MPI_File_iwrite_at_all(fh, half, buf, (int)(n - half), MPI_BYTE, &req[0])) &&
	    OK(MPI_Wait(&req[0], &st[0])))
		COUNT_IS(&st[0], MPI_BYTE, n - half, "iwrite_at_all, MPI_Wait");
	sync_barrier_sync(fh, MPI_COMM_WORLD);
	OK(MPI_File_seek(fh, 0, MPI_SEEK_SET));
	memset(rd, UNTOUCHED, (size_t)n);
	if (OK(MPI_File_iread_all(fh, rd, (int)n, MPI_BYTE, &req[0])) &&
	    OK(MPI_Wait(&req[0], &st[0])))
		COUNT_IS(&st[0], MPI_BYTE, n, "iread_all, MPI_Wait");
	IL_CHECK(rd, half, SEED_DATA, rank, bl, 0, "first half after iwrite_at_all");
	IL_CHECK(rd + half, n - half, SEED_OTHER, rank, bl, half,
	         "second half, rewritten by iwrite_at_all");
	POSITION_IS(fh, n, "after iread_all");
	OK(MPI_File_close(&fh));
	MPI_Type_free(&ft);
	cleanup(name, MPI_COMM_WORLD);
out:
	free(buf);
	free(rd);
}

/* ---- size, preallocate, positions ----------------------------------------------------------- */

#define SZ_S1 70001

/* set_size or preallocate, with barriers: no rank still reads the old size when it changes,
 * and every rank sees the new one */
static int resize(MPI_File fh, MPI_Offset size, int prealloc)
{
	int ok;

	MPI_Barrier(MPI_COMM_WORLD);
	ok = prealloc ? OK(MPI_File_preallocate(fh, size)) : OK(MPI_File_set_size(fh, size));
	MPI_Barrier(MPI_COMM_WORLD);
	return ok;
}

static void sec_size(void)
{
	const MPI_Offset s1 = SZ_S1, end = nprocs * s1, grown = end + 500000;
	const MPI_Offset s2 = end / 2 + 3, pre = end + 123457;
	unsigned char *buf = xmalloc((size_t)pre), *want = xmalloc((size_t)end);
	char name[PATH_LEN];
	MPI_Status st;
	MPI_File fh;

	path_of(name, "size");
	remove_file(name, MPI_COMM_WORLD);
	if (!open_file(MPI_COMM_WORLD, name, MPI_MODE_CREATE | MPI_MODE_RDWR, MPI_INFO_NULL, &fh))
		goto out;
	SIZE_IS(fh, 0, "new file");
	MPI_Barrier(MPI_COMM_WORLD);
	fill(buf, s1, SEED_DATA, rank * s1);
	OK(MPI_File_write_at(fh, rank * s1, buf, (int)s1, MPI_BYTE, &st));
	sync_barrier_sync(fh, MPI_COMM_WORLD);
	SIZE_IS(fh, end, "after every rank wrote");

	/* grow: the new bytes read as zeros (POSIX truncate; MPI leaves their value open) */
	resize(fh, grown, 0);
	SIZE_IS(fh, grown, "after set_size to grow");
	memset(buf, UNTOUCHED, 1000);
	if (OK(MPI_File_read_at(fh, end - 10, buf, 1000, MPI_BYTE, &st))) {
		COUNT_IS(&st, MPI_BYTE, 1000, "read across the old end after growing");
		PATTERN_IS(buf, 10, SEED_DATA, end - 10, "last bytes written before growing");
		ZEROS(buf + 10, 990, end, "bytes added by set_size");
	}
	if (OK(MPI_File_read_at(fh, grown - 100, buf, 1000, MPI_BYTE, &st))) {
		COUNT_IS(&st, MPI_BYTE, 100, "read reaching the new end");
		ZEROS(buf, 100, grown - 100, "end of the grown file");
	}

	/* shrink: reads stop at the new end */
	resize(fh, s2, 0);
	SIZE_IS(fh, s2, "after set_size to shrink");
	if (OK(MPI_File_read_at(fh, s2 - 5, buf, 100, MPI_BYTE, &st))) {
		COUNT_IS(&st, MPI_BYTE, 5, "read reaching the end after shrinking");
		PATTERN_IS(buf, 5, SEED_DATA, s2 - 5, "last bytes kept by shrinking");
	}
	if (OK(MPI_File_read_at(fh, s2, buf, 100, MPI_BYTE, &st)))
		COUNT_IS(&st, MPI_BYTE, 0, "read at the new end");
	if (OK(MPI_File_read_at(fh, s2 + 1000, buf, 10, MPI_BYTE, &st)))
		COUNT_IS(&st, MPI_BYTE, 0, "read past the new end");
	OK(MPI_File_seek(fh, s2 - 3, MPI_SEEK_SET));
	if (OK(MPI_File_read(fh, buf, 10, MPI_BYTE, &st)))
		COUNT_IS(&st, MPI_BYTE, 3, "read through the file pointer reaching the new end");

	/* grow again: the cut bytes do not come back */
	resize(fh, end, 0);
	SIZE_IS(fh, end, "after growing again");
	for (MPI_Offset i = 0; i < end; i++)
		want[i] = i < s2 ? pat(SEED_DATA, i) : 0;
	file_is(fh, want, end, 0, "file after shrink and grow: data, then zeros");

	/* preallocate: the size grows to at least the given size, never shrinks, data stays (not
	 * with ompio and several ranks: Open MPI 4.1 fails it on all but rank 0) */
	if (is_romio || nprocs == 1) {
		resize(fh, pre, 1);
		SIZE_IS(fh, pre, "after preallocate beyond the end");
		resize(fh, 10, 1);
		SIZE_IS(fh, pre, "after preallocate of 10 bytes (no shrink)");
		file_is(fh, want, s2, 1, "written bytes after preallocate");
	}
	OK(MPI_File_sync(fh));
	OK(MPI_File_close(&fh));
	cleanup(name, MPI_COMM_WORLD);

	/* positions in etypes and byte offsets under a view: disp 13, etype int, filetype 2 blocks
	 * of 3 ints with a stride of 5, extent 10 ints */
	path_of(name, "size_view");
	remove_file(name, MPI_COMM_WORLD);
	if (!open_file(MPI_COMM_WORLD, name, MPI_MODE_CREATE | MPI_MODE_RDWR, MPI_INFO_NULL, &fh))
		goto out;
	MPI_Datatype v, ft;
	MPI_Type_vector(2, 3, 5, MPI_INT, &v);
	MPI_Type_create_resized(v, 0, 40, &ft);
	MPI_Type_commit(&ft);
	MPI_Type_free(&v);
	OK(MPI_File_set_view(fh, 13, MPI_INT, ft, "native", MPI_INFO_NULL));
	for (MPI_Offset k = 0; k < 24; k++) {
		MPI_Offset got = -1, want_b = 13 + (k / 6) * 40 + ((k % 6) / 3) * 20 + (k % 3) * 4;

		OK(MPI_File_seek(fh, k, MPI_SEEK_SET));
		POSITION_IS(fh, k, "after seek under a view (etypes)");
		if (OK(MPI_File_get_byte_offset(fh, k, &got)))
			CHECK(got == want_b, "get_byte_offset(%lld) gives %lld, want %lld",
			      (long long)k, (long long)got, (long long)want_b);
	}
	OK(MPI_File_seek(fh, 7, MPI_SEEK_SET));
	OK(MPI_File_seek(fh, 5, MPI_SEEK_CUR));
	POSITION_IS(fh, 12, "after seek 7 then +5 under a view");
	int w[4] = {11, 22, 33, 44}, r[4] = {0, 0, 0, 0};
	if (rank == 0) {
		if (OK(MPI_File_write(fh, w, 4, MPI_INT, &st)))
			COUNT_IS(&st, MPI_INT, 4, "write of 4 ints under a view");
		POSITION_IS(fh, 16, "after writing 4 ints");
		if (OK(MPI_File_read_at(fh, 12, r, 4, MPI_INT, &st)))
			COUNT_IS(&st, MPI_INT, 4, "read_at of 4 ints under a view");
		CHECK(!memcmp(w, r, sizeof w), "4 ints read back under the view differ");
	}
	/* the same ints at their byte offsets: 13+2*40 (3 ints) and 13+2*40+20 */
	OK(MPI_File_set_view(fh, 0, MPI_BYTE, MPI_BYTE, "native", MPI_INFO_NULL));
	if (rank == 0) {
		memset(r, 0, sizeof r);
		OK(MPI_File_read_at(fh, 93, r, 3, MPI_INT, &st));
		OK(MPI_File_read_at(fh, 113, r + 3, 1, MPI_INT, &st));
		CHECK(!memcmp(w, r, sizeof w), "4 ints at their byte offsets differ");
	}
	OK(MPI_File_close(&fh));
	MPI_Type_free(&ft);
	cleanup(name, MPI_COMM_WORLD);
out:
	free(buf);
	free(want);
}

/* ---- delete --------------------------------------------------------------------------------- */

static void sec_delete(void)
{
	unsigned char buf[5000];
	char name[PATH_LEN];
	MPI_Status st;
	MPI_File fh;

	path_of(name, "delete");
	remove_file(name, MPI_COMM_WORLD);
	if (!open_file(MPI_COMM_WORLD, name, MPI_MODE_CREATE | MPI_MODE_WRONLY, MPI_INFO_NULL, &fh))
		return;
	if (rank == 0) {
		fill(buf, sizeof buf, SEED_DATA, 0);
		OK(MPI_File_write_at(fh, 0, buf, sizeof buf, MPI_BYTE, &st));
	}
	OK(MPI_File_close(&fh));
	if (rank == 0)
		OK(MPI_File_delete(name, MPI_INFO_NULL));
	MPI_Barrier(MPI_COMM_WORLD);
	EXPECT_CLASS(MPI_File_open(MPI_COMM_WORLD, name, MPI_MODE_RDONLY, MPI_INFO_NULL, &fh),
	             MPI_ERR_NO_SUCH_FILE);
	CHECK(fh == MPI_FILE_NULL, "a failed open set the handle to %p, not MPI_FILE_NULL (%p)",
	      (void *)fh, (void *)MPI_FILE_NULL);
	EXPECT_CLASS(MPI_File_open(MPI_COMM_WORLD, name, MPI_MODE_RDWR, MPI_INFO_NULL, &fh),
	             MPI_ERR_NO_SUCH_FILE);
	if (rank == 0)
		EXPECT_CLASS(MPI_File_delete(name, MPI_INFO_NULL), MPI_ERR_NO_SUCH_FILE);
	MPI_Barrier(MPI_COMM_WORLD);

	/* created again, it starts empty */
	if (open_file(MPI_COMM_WORLD, name, MPI_MODE_CREATE | MPI_MODE_RDWR, MPI_INFO_NULL, &fh)) {
		SIZE_IS(fh, 0, "file created again after delete");
		OK(MPI_File_close(&fh));
	}
	remove_file(name, MPI_COMM_WORLD);

	/* MPI_MODE_DELETE_ON_CLOSE */
	if (open_file(MPI_COMM_WORLD, name,
	              MPI_MODE_CREATE | MPI_MODE_RDWR | MPI_MODE_DELETE_ON_CLOSE, MPI_INFO_NULL,
	              &fh)) {
		fill(buf, 100, SEED_DATA, rank * 100);
		OK(MPI_File_write_at(fh, rank * 100, buf, 100, MPI_BYTE, &st));
		OK(MPI_File_close(&fh));
	}
	MPI_Barrier(MPI_COMM_WORLD);
	EXPECT_CLASS(MPI_File_open(MPI_COMM_WORLD, name, MPI_MODE_RDONLY, MPI_INFO_NULL, &fh),
	             MPI_ERR_NO_SUCH_FILE);
}

/* ---- error classes -------------------------------------------------------------------------- */

/*
 * A collective open of directory @dir_name ends the same way on every process (it did not:
 * the process that opened a directory waited forever in the close's barrier for one that had
 * failed to open it): read-only it opens, as ufs: opens it, reads fail and the close works;
 * read-write it fails with one error class everywhere.
 */
static void dir_open(void)
{
	int err, cls, lo, hi;
	MPI_Status st;
	MPI_File fh;
	char b[8];

	err = MPI_File_open(MPI_COMM_WORLD, dir_name, MPI_MODE_RDONLY, MPI_INFO_NULL, &fh);
	cls = error_class(err);
	MPI_Allreduce(&cls, &lo, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
	MPI_Allreduce(&cls, &hi, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
	if (lo != hi)
		FAILF(
		    "read-only open of directory %s: outcomes differ between processes (%s .. %s)",
		    dir_name, class_name(lo), class_name(hi));
	if (err == MPI_SUCCESS) {
		if (MPI_File_read_at(fh, 0, b, sizeof b, MPI_BYTE, &st) == MPI_SUCCESS)
			FAILF("reading directory %s through MPI-IO succeeded", dir_name);
		OK(MPI_File_close(&fh));
	} else {
		FAILF("read-only open of directory %s: %s, want success (as ufs:)", dir_name,
		      class_name(cls));
	}
	err = MPI_File_open(MPI_COMM_WORLD, dir_name, MPI_MODE_RDWR, MPI_INFO_NULL, &fh);
	cls = error_class(err);
	MPI_Allreduce(&cls, &lo, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
	MPI_Allreduce(&cls, &hi, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
	if (lo != hi || err == MPI_SUCCESS)
		FAILF("read-write open of directory %s: %s on this process, classes %s .. %s",
		      dir_name, class_name(cls), class_name(lo), class_name(hi));
	if (err == MPI_SUCCESS)
		MPI_File_close(&fh);
}

static void sec_errors(void)
{
	unsigned char buf[1000], rd[1000];
	char name[PATH_LEN], other[PATH_LEN];
	MPI_Request req;
	MPI_Status st;
	MPI_File fh;

	path_of(name, "errors");
	remove_file(name, MPI_COMM_WORLD);
	if (!open_file(MPI_COMM_WORLD, name, MPI_MODE_CREATE | MPI_MODE_RDWR, MPI_INFO_NULL, &fh))
		return;
	fill(buf, sizeof buf, SEED_DATA, 0);
	if (rank == 0)
		OK(MPI_File_write_at(fh, 0, buf, sizeof buf, MPI_BYTE, &st));
	OK(MPI_File_close(&fh));

	if (dir_name)
		dir_open();
	/* missing files and directories */
	path_of(other, "errors.missing");
	EXPECT_CLASS(MPI_File_open(MPI_COMM_WORLD, other, MPI_MODE_RDONLY, MPI_INFO_NULL, &fh),
	             MPI_ERR_NO_SUCH_FILE);
	EXPECT_CLASS(MPI_File_open(MPI_COMM_WORLD, other, MPI_MODE_WRONLY, MPI_INFO_NULL, &fh),
	             MPI_ERR_NO_SUCH_FILE);
	path_of(other, "errors.nodir/f");
	EXPECT_CLASS(MPI_File_open(MPI_COMM_WORLD, other, MPI_MODE_CREATE | MPI_MODE_RDWR,
	                           MPI_INFO_NULL, &fh),
	             MPI_ERR_NO_SUCH_FILE);

	/* bad access modes, on an existing file */
	static const struct {
		int amode;
		const char *what;
	} bad[] = {
	    {MPI_MODE_RDONLY | MPI_MODE_CREATE, "RDONLY|CREATE"},
	    {MPI_MODE_RDONLY | MPI_MODE_EXCL, "RDONLY|EXCL"},
	    {MPI_MODE_RDWR | MPI_MODE_RDONLY, "RDWR|RDONLY"},
	    {MPI_MODE_RDWR | MPI_MODE_WRONLY, "RDWR|WRONLY"},
	    {MPI_MODE_RDWR | MPI_MODE_SEQUENTIAL, "RDWR|SEQUENTIAL"},
	    {MPI_MODE_CREATE, "CREATE alone (no access mode)"},
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		int err = MPI_File_open(MPI_COMM_WORLD, name, bad[i].amode, MPI_INFO_NULL, &fh);

		if (error_class(err) != MPI_ERR_AMODE)
			FAILF("open with %s: got %s, want MPI_ERR_AMODE", bad[i].what,
			      class_name(error_class(err)));
		if (err == MPI_SUCCESS)
			MPI_File_close(&fh);
	}

	/* CREATE|EXCL: refused on an existing file, works on a new one */
	EXPECT_CLASS(MPI_File_open(MPI_COMM_WORLD, name,
	                           MPI_MODE_CREATE | MPI_MODE_EXCL | MPI_MODE_RDWR, MPI_INFO_NULL,
	                           &fh),
	             MPI_ERR_FILE_EXISTS);
	path_of(other, "errors.excl");
	remove_file(other, MPI_COMM_WORLD);
	if (open_file(MPI_COMM_WORLD, other, MPI_MODE_CREATE | MPI_MODE_EXCL | MPI_MODE_RDWR,
	              MPI_INFO_NULL, &fh))
		OK(MPI_File_close(&fh));
	remove_file(other, MPI_COMM_WORLD);

	/* writes through a read-only handle fail and change nothing */
	if (open_file(MPI_COMM_WORLD, name, MPI_MODE_RDONLY, MPI_INFO_NULL, &fh)) {
		unsigned char x[10] = {0};

		EXPECT_CLASS(MPI_File_write_at(fh, 0, x, 10, MPI_BYTE, &st), MPI_ERR_READ_ONLY);
		EXPECT_CLASS(MPI_File_write(fh, x, 10, MPI_BYTE, &st), MPI_ERR_READ_ONLY);
		/* (Open MPI 4.1's ompio with more than 2 ranks lets collective writes through to
		 * a failing pwritev and returns success) */
		if (is_romio || nprocs <= 2) {
			EXPECT_CLASS(MPI_File_write_at_all(fh, 0, x, 10, MPI_BYTE, &st),
			             MPI_ERR_READ_ONLY);
			EXPECT_CLASS(MPI_File_write_all(fh, x, 10, MPI_BYTE, &st),
			             MPI_ERR_READ_ONLY);
		}
		req = MPI_REQUEST_NULL;
		EXPECT_CLASS(MPI_File_iwrite_at(fh, 0, x, 10, MPI_BYTE, &req), MPI_ERR_READ_ONLY);
		if (req != MPI_REQUEST_NULL)
			MPI_Wait(&req, &st);
		/* the handle still reads */
		memset(rd, 0, sizeof rd);
		if (OK(MPI_File_read_at(fh, 0, rd, sizeof rd, MPI_BYTE, &st)))
			PATTERN_IS(rd, sizeof rd, SEED_DATA, 0,
			           "file after refused writes on a read-only handle");
		SIZE_IS(fh, sizeof buf, "file after refused writes");
		OK(MPI_File_close(&fh));
	}
	/* reads through a write-only handle fail */
	if (open_file(MPI_COMM_WORLD, name, MPI_MODE_WRONLY, MPI_INFO_NULL, &fh)) {
		EXPECT_CLASS(MPI_File_read_at(fh, 0, rd, 10, MPI_BYTE, &st), MPI_ERR_ACCESS);
		EXPECT_CLASS(MPI_File_read(fh, rd, 10, MPI_BYTE, &st), MPI_ERR_ACCESS);
		if (is_romio || nprocs <= 2)
			EXPECT_CLASS(MPI_File_read_at_all(fh, 0, rd, 10, MPI_BYTE, &st),
			             MPI_ERR_ACCESS);
		OK(MPI_File_close(&fh));
	}
	/* bad arguments: ROMIO refuses them before any I/O (ompio passes a negative offset on to
	 * pread/pwrite) */
	if (is_romio && open_file(MPI_COMM_WORLD, name, MPI_MODE_RDWR, MPI_INFO_NULL, &fh)) {
		EXPECT_CLASS(MPI_File_read_at(fh, -1, rd, 10, MPI_BYTE, &st), MPI_ERR_ARG);
		EXPECT_CLASS(MPI_File_write_at(fh, -1, rd, 10, MPI_BYTE, &st), MPI_ERR_ARG);
		EXPECT_CLASS(MPI_File_read_at(fh, 0, rd, -1, MPI_BYTE, &st), MPI_ERR_COUNT);
		EXPECT_CLASS(MPI_File_seek(fh, -1, MPI_SEEK_SET), MPI_ERR_ARG);
		POSITION_IS(fh, 0, "after a refused seek");
		OK(MPI_File_close(&fh));
	}
	EXPECT_CLASS(MPI_File_read_at(MPI_FILE_NULL, 0, rd, 10, MPI_BYTE, &st), MPI_ERR_FILE);
	cleanup(name, MPI_COMM_WORLD);
}

/* ---- hints ---------------------------------------------------------------------------------- */

static void info_is_at(MPI_File fh, const char *key, const char *want, const char *file, int line)
{
	char val[MPI_MAX_INFO_VAL + 1];
	MPI_Info info = MPI_INFO_NULL;

	if (!ok_at(MPI_File_get_info(fh, &info), "MPI_File_get_info", file, line))
		return;
	if (!info_value(info, key, val, sizeof val))
		failf(file, line, "MPI_File_get_info has no \"%s\", want \"%s\"", key, want);
	else if (strcmp(val, want))
		failf(file, line, "MPI_File_get_info gives %s=\"%s\", want \"%s\"", key, val, want);
	MPI_Info_free(&info);
}
#define INFO_IS(fh, key, want) info_is_at((fh), (key), (want), __FILE__, __LINE__)

static void sec_hints(void)
{
	char name[PATH_LEN], name2[PATH_LEN];
	MPI_Info info;
	MPI_File fh;

	path_of(name, "hints");
	remove_file(name, MPI_COMM_WORLD);
	MPI_Info_create(&info);
	MPI_Info_set(info, "cb_buffer_size", "4194304");
	if (on_benchfs)
		MPI_Info_set(info, "benchfs_chunk_size", "65536");
	if (!open_file(MPI_COMM_WORLD, name, MPI_MODE_CREATE | MPI_MODE_RDWR, info, &fh)) {
		MPI_Info_free(&info);
		return;
	}
	MPI_Info_free(&info);
	INFO_IS(fh, "cb_buffer_size", "4194304");
	if (on_benchfs) {
		INFO_IS(fh, "benchfs_chunk_size", "65536");
		INFO_IS(fh, "striping_unit", "65536");
	}
	/* data across many 64 KiB chunks at odd offsets */
	const MPI_Offset n = 300007, off = 7 + rank * n;
	unsigned char *buf = xmalloc((size_t)n);
	MPI_Status st;
	fill(buf, n, SEED_DATA, off);
	if (OK(MPI_File_write_at_all(fh, off, buf, (int)n, MPI_BYTE, &st)))
		COUNT_IS(&st, MPI_BYTE, n, "write_at_all with hints");
	sync_barrier_sync(fh, MPI_COMM_WORLD);
	const MPI_Offset nboff = 7 + ((rank + 1) % nprocs) * n;
	memset(buf, 0, (size_t)n);
	if (OK(MPI_File_read_at_all(fh, nboff, buf, (int)n, MPI_BYTE, &st)))
		PATTERN_IS(buf, n, SEED_DATA, nboff,
		           "neighbour's bytes in a file opened with hints");
	OK(MPI_File_close(&fh));
	free(buf);

	if (on_benchfs) {
		/* reopened without hints: the file's own chunk size */
		if (open_file(MPI_COMM_WORLD, name, MPI_MODE_RDONLY, MPI_INFO_NULL, &fh)) {
			INFO_IS(fh, "benchfs_chunk_size", "65536");
			OK(MPI_File_close(&fh));
		}
		/* striping_unit at create sets the chunk size */
		path_of(name2, "hints_su");
		remove_file(name2, MPI_COMM_WORLD);
		MPI_Info_create(&info);
		MPI_Info_set(info, "striping_unit", "131072");
		if (open_file(MPI_COMM_WORLD, name2, MPI_MODE_CREATE | MPI_MODE_RDWR, info, &fh)) {
			INFO_IS(fh, "benchfs_chunk_size", "131072");
			INFO_IS(fh, "striping_unit", "131072");
			OK(MPI_File_close(&fh));
		}
		MPI_Info_free(&info);
		cleanup(name2, MPI_COMM_WORLD);
	}
	cleanup(name, MPI_COMM_WORLD);
}

/* ---- shared file pointers (not in the default list) ----------------------------------------- */

static MPI_Offset sh_len(int q)
{
	return 1000 + 17 * (MPI_Offset)q;
}

static void sec_shared(void)
{
	MPI_Offset before = 0, total = 0;
	unsigned char *buf = xmalloc((size_t)sh_len(nprocs) * nprocs + 100 * nprocs);
	char name[PATH_LEN];
	MPI_Status st;
	MPI_File fh;

	for (int q = 0; q < nprocs; q++) {
		if (q < rank)
			before += sh_len(q);
		total += sh_len(q);
	}
	path_of(name, "shared");
	remove_file(name, MPI_COMM_WORLD);
	if (!open_file(MPI_COMM_WORLD, name, MPI_MODE_CREATE | MPI_MODE_RDWR, MPI_INFO_NULL, &fh))
		goto out;
	/* write_ordered: rank order */
	fill(buf, sh_len(rank), SEED_DATA, before);
	if (OK(MPI_File_write_ordered(fh, buf, (int)sh_len(rank), MPI_BYTE, &st)))
		COUNT_IS(&st, MPI_BYTE, sh_len(rank), "write_ordered");
	MPI_Offset pos = -1;
	if (OK(MPI_File_get_position_shared(fh, &pos)))
		CHECK(pos == total, "shared position after write_ordered is %lld, want %lld",
		      (long long)pos, (long long)total);
	sync_barrier_sync(fh, MPI_COMM_WORLD);
	memset(buf, 0, (size_t)total);
	if (OK(MPI_File_read_at(fh, 0, buf, (int)total, MPI_BYTE, &st)))
		PATTERN_IS(buf, total, SEED_DATA, 0, "file written by write_ordered");
	OK(MPI_File_seek_shared(fh, 0, MPI_SEEK_SET));
	memset(buf, 0, (size_t)total);
	if (OK(MPI_File_read_ordered(fh, buf, (int)sh_len(rank), MPI_BYTE, &st)))
		PATTERN_IS(buf, sh_len(rank), SEED_DATA, before, "read_ordered");
	/* write_shared: one 100-byte record per rank after the ordered part, in some order */
	OK(MPI_File_seek_shared(fh, total, MPI_SEEK_SET));
	fill(buf, 100, SEED_CROSS + (unsigned)rank, 0);
	if (OK(MPI_File_write_shared(fh, buf, 100, MPI_BYTE, &st)))
		COUNT_IS(&st, MPI_BYTE, 100, "write_shared");
	sync_barrier_sync(fh, MPI_COMM_WORLD);
	SIZE_IS(fh, total + 100 * nprocs, "after write_shared");
	int *seen = calloc((size_t)nprocs, sizeof(int));
	memset(buf, 0, 100 * (size_t)nprocs);
	if (seen && OK(MPI_File_read_at(fh, total, buf, 100 * nprocs, MPI_BYTE, &st))) {
		for (int i = 0; i < nprocs; i++) {
			int who = -1;

			for (int q = 0; q < nprocs && who < 0; q++) {
				unsigned char rec[100];

				fill(rec, 100, SEED_CROSS + (unsigned)q, 0);
				if (!memcmp(rec, buf + 100 * i, 100))
					who = q;
			}
			CHECK(who >= 0, "record %d after write_shared is no rank's record", i);
			if (who >= 0)
				seen[who]++;
		}
		for (int q = 0; q < nprocs; q++)
			CHECK(seen[q] == 1, "rank %d's write_shared record is there %d times", q,
			      seen[q]);
	}
	free(seen);
	OK(MPI_File_close(&fh));
	cleanup(name, MPI_COMM_WORLD);
out:
	free(buf);
}

/* ---- two jobs: one writes, another with another rank count reads ---------------------------- */

#define CR_SIZE  (3 * 1048576 + 4321)
#define CR_BLOCK 65537

static int cr_writers; /* ranks of the writing job (-r) */

static unsigned char cr_byte(MPI_Offset off)
{
	return pat(SEED_CROSS + (unsigned)((off / CR_BLOCK) % cr_writers), off);
}

static void sec_cross_write(void)
{
	const MPI_Offset nblocks = (CR_SIZE + CR_BLOCK - 1) / CR_BLOCK;
	const MPI_Offset rounds = (nblocks + nprocs - 1) / nprocs;
	unsigned char *buf = xmalloc(CR_BLOCK);
	char name[PATH_LEN];
	MPI_Status st;
	MPI_File fh;

	path_of(name, "cross");
	remove_file(name, MPI_COMM_WORLD);
	if (!open_file(MPI_COMM_WORLD, name, MPI_MODE_CREATE | MPI_MODE_WRONLY, MPI_INFO_NULL, &fh))
		goto out;
	cr_writers = nprocs;
	for (MPI_Offset k = 0; k < rounds; k++) {
		MPI_Offset b = k * nprocs + rank, off = b * CR_BLOCK, n = 0;

		if (b < nblocks)
			n = CR_SIZE - off < CR_BLOCK ? CR_SIZE - off : CR_BLOCK;
		for (MPI_Offset i = 0; i < n; i++)
			buf[i] = cr_byte(off + i);
		if (OK(MPI_File_write_at_all(fh, b < nblocks ? off : 0, buf, (int)n, MPI_BYTE,
		                             &st)))
			COUNT_IS(&st, MPI_BYTE, n, "write_at_all of a block");
	}
	OK(MPI_File_close(&fh));
out:
	free(buf);
}

static void sec_cross_read(void)
{
	const MPI_Offset lo = CR_SIZE * (MPI_Offset)rank / nprocs;
	const MPI_Offset hi = CR_SIZE * (MPI_Offset)(rank + 1) / nprocs;
	const MPI_Offset piece = 1048576, maxshare = CR_SIZE / nprocs + 1;
	const MPI_Offset calls = (maxshare + piece - 1) / piece;
	unsigned char *buf = xmalloc((size_t)CR_SIZE);
	char name[PATH_LEN];
	MPI_Status st;
	MPI_File fh;

	path_of(name, "cross");
	if (!open_file(MPI_COMM_WORLD, name, MPI_MODE_RDONLY, MPI_INFO_NULL, &fh))
		goto out;
	SIZE_IS(fh, CR_SIZE, "file of the other job");
	/* a contiguous share per rank, in collective pieces */
	for (MPI_Offset c = 0; c < calls; c++) {
		MPI_Offset off = lo + c * piece, n = 0;

		if (off < hi)
			n = hi - off < piece ? hi - off : piece;
		if (!OK(MPI_File_read_at_all(fh, off < hi ? off : 0, buf, (int)n, MPI_BYTE, &st)))
			continue;
		COUNT_IS(&st, MPI_BYTE, n, "read_at_all of the other job's file");
		for (MPI_Offset i = 0; i < n; i++)
			if (buf[i] != cr_byte(off + i)) {
				FAILF("byte at %lld (written by rank %lld of %d): got 0x%02x, want "
				      "0x%02x",
				      (long long)(off + i),
				      (long long)(((off + i) / CR_BLOCK) % cr_writers), cr_writers,
				      buf[i], cr_byte(off + i));
				break;
			}
	}
	/* through a view: the blocks one writer wrote */
	const int w = rank % cr_writers;
	MPI_Offset n = 0;
	for (MPI_Offset off = (MPI_Offset)w * CR_BLOCK; off < CR_SIZE;
	     off += (MPI_Offset)cr_writers * CR_BLOCK)
		n += CR_SIZE - off < CR_BLOCK ? CR_SIZE - off : CR_BLOCK;
	MPI_Datatype ft;
	MPI_Datatype c;
	MPI_Type_contiguous(CR_BLOCK, MPI_BYTE, &c);
	MPI_Type_create_resized(c, 0, (MPI_Aint)cr_writers * CR_BLOCK, &ft);
	MPI_Type_commit(&ft);
	MPI_Type_free(&c);
	OK(MPI_File_set_view(fh, (MPI_Offset)w * CR_BLOCK, MPI_BYTE, ft, "native", MPI_INFO_NULL));
	memset(buf, UNTOUCHED, (size_t)CR_SIZE);
	if (OK(MPI_File_read_all(fh, buf, (int)n, MPI_BYTE, &st))) {
		COUNT_IS(&st, MPI_BYTE, n, "read_all of one writer's blocks");
		for (MPI_Offset i = 0; i < n; i++) {
			MPI_Offset off = (MPI_Offset)w * CR_BLOCK +
			                 (i / CR_BLOCK) * cr_writers * CR_BLOCK + i % CR_BLOCK;

			if (buf[i] != pat(SEED_CROSS + (unsigned)w, off)) {
				FAILF("writer %d's view, byte at %lld: got 0x%02x, want 0x%02x", w,
				      (long long)off, buf[i], pat(SEED_CROSS + (unsigned)w, off));
				break;
			}
		}
	}
	/* (no read reaching the end here: through a non-contiguous view, ROMIO's status counts the
	 * bytes asked for, on ufs: too; ompio does the same for collective reads) */
	OK(MPI_File_close(&fh));
	MPI_Type_free(&ft);
out:
	free(buf);
}

/* ---- main ----------------------------------------------------------------------------------- */

static const struct {
	const char *name;
	void (*fn)(void);
	int by_default;
} sections[] = {
    {"contig_at", sec_contig_at, 1},
    {"contig_fp", sec_contig_fp, 1},
    {"nn", sec_nn, 1},
    {"coll_at", sec_coll_at, 1},
    {"coll_view", sec_coll_view, 1},
    {"strided", sec_strided, 1},
    {"nonblocking", sec_nonblocking, 1},
    {"size", sec_size, 1},
    {"delete", sec_delete, 1},
    {"errors", sec_errors, 1},
    {"hints", sec_hints, 1},
    {"shared", sec_shared, 0},
};
#define NSECTIONS ((int)(sizeof sections / sizeof sections[0]))

static int failed_sections;

static void run_section(const char *name, void (*fn)(void))
{
	long all = 0;
	double t0;

	cur_section = name;
	section_fails = 0;
	MPI_Barrier(MPI_COMM_WORLD);
	t0 = MPI_Wtime();
	fn();
	MPI_Allreduce(&section_fails, &all, 1, MPI_LONG, MPI_SUM, MPI_COMM_WORLD);
	if (all)
		failed_sections++;
	if (rank == 0) {
		if (all)
			printf("FAIL %s: %ld failed checks (%d ranks)\n", name, all, nprocs);
		else
			printf("PASS %s (%d ranks, %.2f s)\n", name, nprocs, MPI_Wtime() - t0);
		fflush(stdout);
	}
}

/* ROMIO lists its own hints (romio_*) in every file's info; ompio does not. */
static int detect_romio(void)
{
	char name[PATH_LEN], val[MPI_MAX_INFO_VAL + 1];
	MPI_Info info = MPI_INFO_NULL;
	MPI_File fh;
	int found = 0;

	path_of(name, "probe");
	remove_file(name, MPI_COMM_WORLD);
	if (!open_file(MPI_COMM_WORLD, name, MPI_MODE_CREATE | MPI_MODE_RDWR, MPI_INFO_NULL, &fh))
		return 0;
	if (OK(MPI_File_get_info(fh, &info))) {
		found = info_value(info, "romio_cb_read", val, sizeof val);
		MPI_Info_free(&info);
	}
	OK(MPI_File_close(&fh));
	remove_file(name, MPI_COMM_WORLD);
	return found;
}

/* listed: name is one of the comma-separated names in list */
static int listed(const char *list, const char *name)
{
	size_t len = strlen(name);

	for (const char *p = list; *p;) {
		size_t n = strcspn(p, ",");

		if (n == len && !strncmp(p, name, len))
			return 1;
		p += n;
		if (*p == ',')
			p++;
	}
	return 0;
}

static void usage(void)
{
	if (rank == 0) {
		fprintf(stderr, "usage: mpiio -f BASE [-s SECTION,...] [-k] | -f BASE -w | -f BASE "
		                "-r NWRITERS\nsections:");
		for (int i = 0; i < NSECTIONS; i++)
			fprintf(stderr, " %s%s", sections[i].name,
			        sections[i].by_default ? "" : " (not by default)");
		fprintf(stderr, "\n");
	}
	MPI_Finalize();
	exit(2);
}

int main(int argc, char **argv)
{
	const char *only = NULL;
	int opt, cross_write = 0, cross_read = 0;

	MPI_Init(&argc, &argv);
	MPI_Comm_rank(MPI_COMM_WORLD, &rank);
	MPI_Comm_size(MPI_COMM_WORLD, &nprocs);
	while ((opt = getopt(argc, argv, "f:s:kwr:D:")) != -1) {
		switch (opt) {
		case 'f':
			base = optarg;
			break;
		case 'D':
			dir_name = optarg;
			break;
		case 's':
			only = optarg;
			break;
		case 'k':
			keep_files = 1;
			break;
		case 'w':
			cross_write = 1;
			break;
		case 'r':
			cross_read = 1;
			cr_writers = atoi(optarg);
			if (cr_writers < 1)
				usage();
			break;
		default:
			usage();
		}
	}
	if (!base || optind != argc || (cross_write && cross_read))
		usage();
	for (const char *p = only; p && *p;) {
		size_t n = strcspn(p, ",");
		int known = 0;

		for (int i = 0; i < NSECTIONS; i++)
			known |= strlen(sections[i].name) == n && !strncmp(p, sections[i].name, n);
		if (!known) {
			if (rank == 0)
				fprintf(stderr, "mpiio: unknown section \"%.*s\"\n", (int)n, p);
			usage();
		}
		p += n;
		if (*p == ',')
			p++;
	}
	on_benchfs = !strncmp(base, "benchfs:", 8);

	/* errors on files return codes instead of aborting (the standard's default, made sure) */
	MPI_File_set_errhandler(MPI_FILE_NULL, MPI_ERRORS_RETURN);
	MPI_Type_contiguous(3, MPI_BYTE, &el3);
	MPI_Type_commit(&el3);
	MPI_Type_contiguous(8, MPI_BYTE, &el8);
	MPI_Type_commit(&el8);
	is_romio = detect_romio();
	if (rank == 0) {
		printf("mpiio: %s, %d ranks, MPI-IO by %s\n", base, nprocs,
		       is_romio ? "ROMIO" : "a non-ROMIO implementation");
		fflush(stdout);
	}
	if (section_fails)
		failed_sections++;

	if (cross_write) {
		run_section("cross_write", sec_cross_write);
	} else if (cross_read) {
		run_section("cross_read", sec_cross_read);
	} else {
		for (int i = 0; i < NSECTIONS; i++) {
			if (only ? listed(only, sections[i].name) : sections[i].by_default)
				run_section(sections[i].name, sections[i].fn);
		}
	}
	MPI_Type_free(&el3);
	MPI_Type_free(&el8);
	if (rank == 0)
		printf("mpiio: %s (%d ranks)\n", failed_sections ? "FAILED" : "all passed", nprocs);
	MPI_Finalize();
	return failed_sections ? 1 : 0;
}
