/*
 * bw - bandwidth of one transfer pattern through the native API and through MPI-IO, side by
 * side in one run, with in-job servers. Every client moves SIZE MiB in TRANSFER-byte pieces,
 * syncs, then reads it back; client 0 prints the aggregate MiB/s of each phase.
 *
 * Patterns:
 *   fpp     file per process, sequential transfers;
 *   shared  one shared file, records of TRANSFER bytes interleaved between the clients
 *           (record i of client r at offset (i * nclients + r) * TRANSFER, IO500's ior-hard
 *           shape): natively one list call per 64 records; through MPI-IO a vector file
 *           view, independent (MPI_File_write) and collective (MPI_File_write_all, direct
 *           and with ROMIO's two-phase collective buffering).
 * APIs: native (libbenchfs), mpiio (`benchfs:` names; run with
 * LD_PRELOAD=.../libbenchfs-romio.so so that MPI-IO goes through the BenchFS driver).
 *
 *   mpirun -n 4 [-x LD_PRELOAD=adio/libbenchfs-romio.so] benchmarks/bw --servers 2
 *       [--data-dir DIR] [--sync] [--new-fs] [--transfer BYTES] [--size MiB]
 *       [--chunk-size BYTES] [--pattern fpp|shared|all] [--api native|mpiio|all] [--verify]
 *
 * The file-system options are those of every BenchFS program (common/cli.h), long-only.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "benchfs_mpi.h"
#include "common/cli.h"

#define RECS_PER_CALL 64 /* shared pattern: records per write/read call */

struct cfg {
	size_t xfer, total, chunk;
	int verify, rank, n;
	MPI_Comm cl;
};

static void fill(char *b, size_t n, uint64_t off)
{
	for (size_t i = 0; i < n; i++)
		b[i] = (char)((off + i) * 31 + (off + i) / 4093);
}

static long check(const char *b, size_t n, uint64_t off)
{
	for (size_t i = 0; i < n; i++)
		if (b[i] != (char)((off + i) * 31 + (off + i) / 4093))
			return 1;
	return 0;
}

static double now(void)
{
	return MPI_Wtime();
}

static void report(const struct cfg *c, const char *name, double tw, double tr, long bad)
{
	double mib = (double)c->total * c->n / (1 << 20);

	MPI_Allreduce(MPI_IN_PLACE, &bad, 1, MPI_LONG, MPI_SUM, c->cl);
	if (c->rank == 0)
		printf("bw: %-34s write %7.0f MiB/s  read %7.0f MiB/s%s\n", name, mib / tw,
		       mib / tr,
		       bad         ? "  ERRORS"
		       : c->verify ? "  verified"
		                   : "");
}

/* Offset of the record @i of this client in the shared pattern. */
static uint64_t rec_off(const struct cfg *c, size_t i)
{
	return ((uint64_t)i * (uint64_t)c->n + (uint64_t)c->rank) * c->xfer;
}

/* ---- native ------------------------------------------------------------------------------- */

static void native_fpp(const struct cfg *c, char *buf)
{
	char path[64];
	double t, tw;
	long bad = 0;
	int fd;

	snprintf(path, sizeof(path), "/bw.%d", c->rank);
	fd = benchfs_create(path, O_RDWR | O_TRUNC, 0644, c->chunk);
	if (fd < 0) {
		fprintf(stderr, "bw: %s: %s\n", path, benchfs_strerror(fd));
		MPI_Abort(MPI_COMM_WORLD, 1);
	}
	MPI_Barrier(c->cl);
	t = now();
	for (size_t off = 0; off < c->total; off += c->xfer) {
		if (c->verify)
			fill(buf, c->xfer, off);
		bad += benchfs_pwrite(fd, buf, c->xfer, (off_t)off) != (ssize_t)c->xfer;
	}
	benchfs_fsync(fd);
	MPI_Barrier(c->cl);
	tw = now() - t;
	t = now();
	for (size_t off = 0; off < c->total; off += c->xfer) {
		bad += benchfs_pread(fd, buf, c->xfer, (off_t)off) != (ssize_t)c->xfer;
		if (c->verify)
			bad += check(buf, c->xfer, off);
	}
	MPI_Barrier(c->cl);
	report(c, "native fpp", tw, now() - t, bad);
	benchfs_close(fd);
	benchfs_unlink(path);
}

static void native_shared(const struct cfg *c, char *buf)
{
	size_t nrec = c->total / c->xfer;
	struct benchfs_ioseg v[RECS_PER_CALL];
	double t, tw;
	long bad = 0;
	int fd;

	if (c->rank == 0)
		benchfs_close(benchfs_create("/bw.shared", O_RDWR | O_TRUNC, 0644, c->chunk));
	MPI_Barrier(c->cl);
	fd = benchfs_open("/bw.shared", O_RDWR, 0);
	t = now();
	for (size_t i = 0; i < nrec; i += RECS_PER_CALL) {
		size_t k = 0;
		for (; k < RECS_PER_CALL && i + k < nrec; k++) {
			v[k] = (struct benchfs_ioseg){buf + k * c->xfer, (off_t)rec_off(c, i + k),
			                              c->xfer};
			if (c->verify)
				fill(v[k].buf, c->xfer, (uint64_t)v[k].offset);
		}
		bad += benchfs_pwritel(fd, v, k) != (ssize_t)(k * c->xfer);
	}
	benchfs_fsync(fd);
	MPI_Barrier(c->cl);
	tw = now() - t;
	t = now();
	for (size_t i = 0; i < nrec; i += RECS_PER_CALL) {
		size_t k = 0;
		for (; k < RECS_PER_CALL && i + k < nrec; k++)
			v[k] = (struct benchfs_ioseg){buf + k * c->xfer, (off_t)rec_off(c, i + k),
			                              c->xfer};
		bad += benchfs_preadl(fd, v, k) != (ssize_t)(k * c->xfer);
		for (size_t j = 0; c->verify && j < k; j++)
			bad += check(v[j].buf, c->xfer, (uint64_t)v[j].offset);
	}
	MPI_Barrier(c->cl);
	report(c, "native shared (list I/O)", tw, now() - t, bad);
	benchfs_close(fd);
	MPI_Barrier(c->cl);
	if (c->rank == 0)
		benchfs_unlink("/bw.shared");
}

/* ---- MPI-IO ------------------------------------------------------------------------------- */

/* Does MPI-IO on @fh go through the BenchFS ROMIO driver? */
static int through_driver(MPI_File fh)
{
	char value[MPI_MAX_INFO_VAL + 1];
	MPI_Info info;
	int flag = 0;

	if (MPI_File_get_info(fh, &info) != MPI_SUCCESS)
		return 0;
	MPI_Info_get(info, "romio_filesystem_type", MPI_MAX_INFO_VAL, value, &flag);
	MPI_Info_free(&info);
	return flag && strstr(value, "BENCHFS") != NULL;
}

static MPI_File mpiio_open(const struct cfg *c, MPI_Comm comm, const char *name, const char *cb)
{
	char chunk[32];
	MPI_Info info;
	MPI_File fh;
	int rc;

	MPI_Info_create(&info);
	if (c->chunk) {
		snprintf(chunk, sizeof(chunk), "%zu", c->chunk);
		MPI_Info_set(info, "benchfs_chunk_size", chunk);
	}
	if (cb) {
		MPI_Info_set(info, "romio_cb_write", cb);
		MPI_Info_set(info, "romio_cb_read", cb);
	}
	rc = MPI_File_open(comm, name, MPI_MODE_CREATE | MPI_MODE_RDWR, info, &fh);
	MPI_Info_free(&info);
	if (rc != MPI_SUCCESS) {
		char msg[MPI_MAX_ERROR_STRING];
		int len;
		MPI_Error_string(rc, msg, &len);
		fprintf(stderr, "bw: MPI_File_open %s: %s\n", name, msg);
		MPI_Abort(MPI_COMM_WORLD, 1);
	}
	return fh;
}

static void mpiio_fpp(const struct cfg *c, char *buf)
{
	char name[64];
	MPI_Status st;
	double t, tw;
	long bad = 0;
	MPI_File fh;

	snprintf(name, sizeof(name), "benchfs:/bw.mpiio.%d", c->rank);
	fh = mpiio_open(c, MPI_COMM_SELF, name, NULL);
	MPI_Barrier(c->cl);
	t = now();
	for (size_t off = 0; off < c->total; off += c->xfer) {
		if (c->verify)
			fill(buf, c->xfer, off);
		bad += MPI_File_write_at(fh, (MPI_Offset)off, buf, (int)c->xfer, MPI_BYTE, &st) !=
		       MPI_SUCCESS;
	}
	MPI_File_sync(fh);
	MPI_Barrier(c->cl);
	tw = now() - t;
	t = now();
	for (size_t off = 0; off < c->total; off += c->xfer) {
		bad += MPI_File_read_at(fh, (MPI_Offset)off, buf, (int)c->xfer, MPI_BYTE, &st) !=
		       MPI_SUCCESS;
		if (c->verify)
			bad += check(buf, c->xfer, off);
	}
	MPI_Barrier(c->cl);
	report(c, "MPI-IO fpp (write_at/read_at)", tw, now() - t, bad);
	MPI_File_close(&fh);
	MPI_File_delete(name, MPI_INFO_NULL);
}

/* The shared pattern through a vector file view: @coll 0 independent, 1 collective. */
static void mpiio_shared(const struct cfg *c, char *buf, int coll, const char *cb, const char *name)
{
	size_t nrec = c->total / c->xfer, per = RECS_PER_CALL;
	MPI_Datatype rec, view;
	MPI_Status st;
	double t, tw;
	long bad = 0;
	MPI_File fh;

	fh = mpiio_open(c, c->cl, "benchfs:/bw.mpiio.shared", cb);
	MPI_Type_contiguous((int)c->xfer, MPI_BYTE, &rec);
	MPI_Type_create_resized(rec, 0, (MPI_Aint)(c->xfer * (size_t)c->n), &view);
	MPI_Type_commit(&view);
	MPI_File_set_view(fh, (MPI_Offset)((size_t)c->rank * c->xfer), MPI_BYTE, view, "native",
	                  MPI_INFO_NULL);
	MPI_Barrier(c->cl);
	t = now();
	for (size_t i = 0; i < nrec; i += per) {
		int bytes = (int)(per * c->xfer);
		for (size_t k = 0; c->verify && k < per; k++)
			fill(buf + k * c->xfer, c->xfer, rec_off(c, i + k));
		bad += (coll ? MPI_File_write_all(fh, buf, bytes, MPI_BYTE, &st)
		             : MPI_File_write(fh, buf, bytes, MPI_BYTE, &st)) != MPI_SUCCESS;
	}
	MPI_File_sync(fh);
	MPI_Barrier(c->cl);
	tw = now() - t;
	MPI_File_seek(fh, 0, MPI_SEEK_SET);
	t = now();
	for (size_t i = 0; i < nrec; i += per) {
		int bytes = (int)(per * c->xfer);
		bad += (coll ? MPI_File_read_all(fh, buf, bytes, MPI_BYTE, &st)
		             : MPI_File_read(fh, buf, bytes, MPI_BYTE, &st)) != MPI_SUCCESS;
		for (size_t k = 0; c->verify && k < per; k++)
			bad += check(buf + k * c->xfer, c->xfer, rec_off(c, i + k));
	}
	MPI_Barrier(c->cl);
	report(c, name, tw, now() - t, bad);
	MPI_Type_free(&view);
	MPI_Type_free(&rec);
	MPI_File_close(&fh);
	if (c->rank == 0)
		MPI_File_delete("benchfs:/bw.mpiio.shared", MPI_INFO_NULL);
	MPI_Barrier(c->cl);
}

/* Untimed: connect to every server, fault in buffers and registration caches, so that the
 * first measured phase does not pay for what the others get for free. */
static void warm_up(const struct cfg *c, char *buf)
{
	char path[64];
	int fd;

	snprintf(path, sizeof(path), "/bw.warm.%d", c->rank);
	fd = benchfs_create(path, O_RDWR | O_TRUNC, 0644, c->chunk);
	for (size_t off = 0; fd >= 0 && off < (64u << 20); off += c->xfer * RECS_PER_CALL / 8) {
		benchfs_pwrite(fd, buf, c->xfer * RECS_PER_CALL / 8, (off_t)off);
		benchfs_pread(fd, buf, c->xfer * RECS_PER_CALL / 8, (off_t)off);
	}
	if (fd >= 0)
		benchfs_close(fd);
	benchfs_unlink(path);
	MPI_Barrier(c->cl);
}

static int mpiio_available(const struct cfg *c)
{
	MPI_File fh;
	int ok = MPI_File_open(c->cl, "benchfs:/bw.probe", MPI_MODE_CREATE | MPI_MODE_RDWR,
	                       MPI_INFO_NULL, &fh) == MPI_SUCCESS;

	if (ok) {
		ok = through_driver(fh);
		MPI_File_close(&fh);
	}
	MPI_Allreduce(MPI_IN_PLACE, &ok, 1, MPI_INT, MPI_MIN, c->cl);
	if (c->rank == 0) {
		if (ok)
			MPI_File_delete("benchfs:/bw.probe", MPI_INFO_NULL);
		else
			fprintf(stderr,
			        "bw: MPI-IO does not go through the BenchFS driver: run with "
			        "LD_PRELOAD=<libdir>/libbenchfs-romio.so; skipping MPI-IO\n");
	}
	return ok;
}

int main(int argc, char **argv)
{
	enum { OPT_API = 0x100 };
	static const struct option opts[] = {BFS_CLI_OPT_SERVERS,
	                                     BFS_CLI_OPT_DATA_DIR,
	                                     BFS_CLI_OPT_SYNC,
	                                     BFS_CLI_OPT_NEW_FS,
	                                     {"transfer", required_argument, 0, 't'},
	                                     {"size", required_argument, 0, 'b'},
	                                     {"chunk-size", required_argument, 0, 'c'},
	                                     {"pattern", required_argument, 0, 'p'},
	                                     {"api", required_argument, 0, OPT_API},
	                                     {"verify", no_argument, 0, 'v'},
	                                     {0, 0, 0, 0}};
	const char *pattern = "fpp", *api = "native";
	struct bfs_cli_fs fs = {.servers = 1};
	char msg[512];
	struct cfg c = {.xfer = 1 << 20};
	int o, rc, fpp, shared, native, mpiio;
	long mib = 256;
	char *buf;

	MPI_Init(&argc, &argv);
	while ((o = getopt_long(argc, argv, "t:b:c:p:v", opts, NULL)) != -1) {
		if (bfs_cli_fs_option(&fs, o, optarg))
			continue;
		switch (o) {
		case 't':
			c.xfer = strtoull(optarg, NULL, 0);
			break;
		case 'b':
			mib = atol(optarg);
			break;
		case 'c':
			c.chunk = strtoull(optarg, NULL, 0);
			break;
		case 'p':
			pattern = optarg;
			break;
		case OPT_API:
			api = optarg;
			break;
		case 'v':
			c.verify = 1;
			break;
		default:
			MPI_Finalize();
			return 2;
		}
	}
	fpp = !strcmp(pattern, "fpp") || !strcmp(pattern, "all");
	shared = !strcmp(pattern, "shared") || !strcmp(pattern, "all");
	native = !strcmp(api, "native") || !strcmp(api, "all");
	mpiio = !strcmp(api, "mpiio") || !strcmp(api, "all");
	c.total = (size_t)mib << 20;
	if (c.xfer) /* whole calls of 64 transfers */
		c.total -= c.total % (c.xfer * RECS_PER_CALL);
	if (c.xfer == 0 || c.total == 0 || (!fpp && !shared) || (!native && !mpiio))
		snprintf(msg, sizeof(msg),
		         "--size must hold 64 transfers; --pattern fpp|shared|all; --api "
		         "native|mpiio|all");
	else if (bfs_cli_fs_check(&fs, 1, msg, sizeof(msg)) == 0)
		msg[0] = '\0';
	if (msg[0]) {
		fprintf(stderr, "bw: %s\n", msg);
		MPI_Finalize();
		return 2;
	}
	rc = bfs_cli_fs_env(&fs);
	if (!rc)
		rc = benchfs_mpi_start(MPI_COMM_WORLD, fs.servers, fs.data_dir, &c.cl);
	if (rc == BENCHFS_MPI_SERVED || rc < 0) {
		if (rc < 0)
			fprintf(stderr, "bw: cannot start servers: %s\n", benchfs_strerror(rc));
		MPI_Finalize();
		return rc < 0;
	}
	MPI_Comm_rank(c.cl, &c.rank);
	MPI_Comm_size(c.cl, &c.n);
	buf = malloc(c.xfer * RECS_PER_CALL);
	if (!buf)
		MPI_Abort(MPI_COMM_WORLD, 1);
	if (c.rank == 0)
		printf(
		    "bw: %d clients, %d servers, transfer %zu B, %zu B per client, chunk %zu B\n",
		    c.n, fs.servers, c.xfer, c.total,
		    c.chunk ? c.chunk : BENCHFS_CHUNK_SIZE_DEFAULT);
	memset(buf, 0, c.xfer * RECS_PER_CALL);
	warm_up(&c, buf);
	if (mpiio)
		mpiio = mpiio_available(&c);
	if (fpp && native)
		native_fpp(&c, buf);
	if (fpp && mpiio)
		mpiio_fpp(&c, buf);
	if (shared && native)
		native_shared(&c, buf);
	if (shared && mpiio) {
		mpiio_shared(&c, buf, 0, NULL, "MPI-IO shared, independent");
		mpiio_shared(&c, buf, 1, NULL, "MPI-IO shared, collective direct");
		mpiio_shared(&c, buf, 1, "enable", "MPI-IO shared, collective two-phase");
	}
	free(buf);
	benchfs_mpi_stop(&c.cl);
	MPI_Finalize();
	return 0;
}
