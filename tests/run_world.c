/*
 * run_world - a plain MPI program (no BenchFS headers or libraries) that prints what it sees of
 * MPI_COMM_WORLD, one line per check and rank. tests/run_world.sh runs it natively with M ranks
 * and under `benchfs-run --servers N` with N+M ranks: the sorted outputs must be equal.
 * Checks: name, group, dup and Fortran handle of the world; point-to-point; collectives; split;
 * a cartesian topology; predefined attributes; an intercommunicator between the two halves of
 * the world (MPI_COMM_WORLD as peer) and its merge; MPI_ERRORS_RETURN on the world (errors of
 * calls on the world and without a communicator come back as error classes); groups of the
 * world (translation, comparison, MPI_Comm_create_group, MPI_Comm_create); one-sided; MPI-IO.
 *
 * usage: run_world [-f FILE] [-s] [-m abort|exit|exit-after-finalize]
 *   -f FILE  also write FILE with MPI-IO (collective, one block per rank), read it back and
 *            verify; prints only a PASS line per rank, so a local path and "benchfs:/..." compare
 *   -s       also spawn one process of this program (MPI_Comm_spawn over the world, root 0):
 *            it sees the world's ranks as its parents and exchanges a value with them
 *   -m MODE  fail on purpose after the checks: rank 1 calls MPI_Abort(MPI_COMM_WORLD, 3) (abort),
 *            or exits with 4 without MPI_Finalize (exit), or with 5 after it
 *            (exit-after-finalize), while the others wait in MPI_Barrier / finish normally.
 * Exit: 0, or 1 after a failed check (reported as "FAIL" on stdout).
 */
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define BLOCK 4096

static int rank, size, failed;

#define CHECK(cond, ...)                                                                           \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			printf("rank %d: FAIL %s:%d: %s: ", rank, __FILE__, __LINE__, #cond);      \
			printf(__VA_ARGS__);                                                       \
			printf("\n");                                                              \
			failed = 1;                                                                \
		}                                                                                  \
	} while (0)

static void world(void)
{
	char name[MPI_MAX_OBJECT_NAME];
	int len, res, gsize, f;
	MPI_Group g;
	MPI_Comm dup;

	MPI_Comm_get_name(MPI_COMM_WORLD, name, &len);
	MPI_Comm_group(MPI_COMM_WORLD, &g);
	MPI_Group_size(g, &gsize);
	MPI_Group_free(&g);
	MPI_Comm_dup(MPI_COMM_WORLD, &dup);
	MPI_Comm_compare(MPI_COMM_WORLD, dup, &res);
	MPI_Comm_free(&dup);
	f = (int)MPI_Comm_c2f(MPI_COMM_WORLD);
	printf("rank %d/%d: world name=%s group=%d dup=%s f2c=%s\n", rank, size, name, gsize,
	       res == MPI_CONGRUENT ? "congruent" : "other",
	       MPI_Comm_f2c(f) == MPI_COMM_WORLD ? "world" : "other");
}

static void p2p(void)
{
	int token = rank * 10, left = (rank + size - 1) % size, right = (rank + 1) % size, in = -1;
	MPI_Status st;

	MPI_Sendrecv(&token, 1, MPI_INT, right, 7, &in, 1, MPI_INT, left, 7, MPI_COMM_WORLD, &st);
	CHECK(in == left * 10 && st.MPI_SOURCE == left, "ring got %d from %d", in, st.MPI_SOURCE);
	if (rank == 0) {
		long sources = 0, tags = 0, values = 0;
		for (int i = 1; i < size; i++) {
			int v;
			MPI_Recv(&v, 1, MPI_INT, MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD, &st);
			CHECK(v == st.MPI_SOURCE * 3 && st.MPI_TAG == 100 + st.MPI_SOURCE,
			      "value %d tag %d from %d", v, st.MPI_TAG, st.MPI_SOURCE);
			sources += st.MPI_SOURCE;
			tags += st.MPI_TAG;
			values += v;
		}
		printf("rank 0: any_source sources=%ld tags=%ld values=%ld\n", sources, tags,
		       values);
	} else {
		int v = rank * 3;
		MPI_Send(&v, 1, MPI_INT, 0, 100 + rank, MPI_COMM_WORLD);
		printf("rank %d: any_source sent\n", rank);
	}
}

static void collectives(void)
{
	int sum, root = size - 1, b = rank == root ? 4242 : 0, scan, *all, *a2a, *a2a_in, rs;
	MPI_Request req;
	int isum = 0;

	all = malloc(sizeof(int) * (size_t)size);
	a2a = malloc(sizeof(int) * (size_t)size);
	a2a_in = malloc(sizeof(int) * (size_t)size);
	MPI_Allreduce(&rank, &sum, 1, MPI_INT, MPI_SUM, MPI_COMM_WORLD);
	MPI_Bcast(&b, 1, MPI_INT, root, MPI_COMM_WORLD);
	MPI_Scan(&rank, &scan, 1, MPI_INT, MPI_SUM, MPI_COMM_WORLD);
	MPI_Allgather(&rank, 1, MPI_INT, all, 1, MPI_INT, MPI_COMM_WORLD);
	for (int i = 0; i < size; i++) {
		CHECK(all[i] == i, "allgather[%d] = %d", i, all[i]);
		a2a[i] = rank * 100 + i;
	}
	MPI_Alltoall(a2a, 1, MPI_INT, a2a_in, 1, MPI_INT, MPI_COMM_WORLD);
	for (int i = 0; i < size; i++)
		CHECK(a2a_in[i] == i * 100 + rank, "alltoall[%d] = %d", i, a2a_in[i]);
	for (int i = 0; i < size; i++)
		a2a[i] = i;
	MPI_Reduce_scatter_block(a2a, &rs, 1, MPI_INT, MPI_SUM, MPI_COMM_WORLD);
	MPI_Iallreduce(&rank, &isum, 1, MPI_INT, MPI_SUM, MPI_COMM_WORLD, &req);
	MPI_Wait(&req, MPI_STATUS_IGNORE);
	MPI_Ibarrier(MPI_COMM_WORLD, &req);
	MPI_Wait(&req, MPI_STATUS_IGNORE);
	MPI_Barrier(MPI_COMM_WORLD);
	printf("rank %d: collectives sum=%d isum=%d bcast=%d scan=%d reduce_scatter=%d\n", rank,
	       sum, isum, b, scan, rs);
	free(all);
	free(a2a);
	free(a2a_in);
}

static void split(void)
{
	MPI_Comm half, node;
	int hrank, hsize, sum, nsize;

	MPI_Comm_split(MPI_COMM_WORLD, rank % 2, -rank, &half);
	MPI_Comm_rank(half, &hrank);
	MPI_Comm_size(half, &hsize);
	MPI_Allreduce(&rank, &sum, 1, MPI_INT, MPI_SUM, half);
	MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, rank, MPI_INFO_NULL, &node);
	MPI_Comm_size(node, &nsize);
	printf("rank %d: split color=%d rank=%d/%d sum=%d shared=%d\n", rank, rank % 2, hrank,
	       hsize, sum, nsize);
	MPI_Comm_free(&half);
	MPI_Comm_free(&node);
}

static void cart(void)
{
	int dims[2] = {0, 0}, periods[2] = {1, 0}, coords[2], src, dst, crank;
	MPI_Comm c;

	MPI_Dims_create(size, 2, dims);
	MPI_Cart_create(MPI_COMM_WORLD, 2, dims, periods, 0, &c);
	MPI_Comm_rank(c, &crank);
	MPI_Cart_coords(c, crank, 2, coords);
	MPI_Cart_shift(c, 0, 1, &src, &dst);
	printf("rank %d: cart dims=%dx%d rank=%d coords=(%d,%d) shift0=%d->%d\n", rank, dims[0],
	       dims[1], crank, coords[0], coords[1], src, dst);
	MPI_Comm_free(&c);
}

static void attributes(void)
{
	static const struct {
		int key;
		const char *name;
	} keys[] = {{MPI_TAG_UB, "tag_ub"},
	            {MPI_HOST, "host"},
	            {MPI_IO, "io"},
	            {MPI_WTIME_IS_GLOBAL, "wtime_is_global"},
	            {MPI_APPNUM, "appnum"}};
	MPI_Comm dup;
	int *v, flag, dflag;

	MPI_Comm_dup(MPI_COMM_WORLD, &dup);
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		MPI_Comm_get_attr(MPI_COMM_WORLD, keys[i].key, &v, &flag);
		MPI_Comm_get_attr(dup, keys[i].key, &v, &dflag);
		CHECK(dflag == flag, "%s: flag %d on the world, %d on a dup", keys[i].name, flag,
		      dflag);
		if (keys[i].key == MPI_TAG_UB) {
			CHECK(flag && *v >= 32767, "tag_ub flag %d", flag);
			printf("rank %d: attr tag_ub flag=%d value=%d\n", rank, flag,
			       flag ? *v : -1);
		} else if (keys[i].key == MPI_APPNUM) {
			printf("rank %d: attr appnum flag=%d value=%d\n", rank, flag,
			       flag ? *v : -1);
		} else {
			printf("rank %d: attr %s flag=%d\n", rank, keys[i].name, flag);
		}
	}
	MPI_Comm_free(&dup);
}

/* an intercommunicator between the lower and the upper half of the world (MPI_COMM_WORLD as the
 * peer communicator: the remote leader is a world rank), then merged back into one */
static void intercomm(void)
{
	int low = rank < size / 2, lsize, rsize, inter, sum = -1, mrank, msize, remote_first;
	MPI_Comm local, ic, merged;
	MPI_Group rg, wg;
	int r0 = 0, w0 = -1;

	if (size < 2)
		return; /* no two halves */
	MPI_Comm_split(MPI_COMM_WORLD, low, rank, &local);
	remote_first = low ? size / 2 : 0;
	MPI_Intercomm_create(local, 0, MPI_COMM_WORLD, remote_first, 21, &ic);
	MPI_Comm_test_inter(ic, &inter);
	MPI_Comm_size(ic, &lsize);
	MPI_Comm_remote_size(ic, &rsize);
	CHECK(inter, "not an intercommunicator");
	CHECK(lsize + rsize == size, "local %d + remote %d != %d", lsize, rsize, size);
	/* on an intercommunicator, each side gets the reduction of the other side */
	MPI_Allreduce(&rank, &sum, 1, MPI_INT, MPI_SUM, ic);
	MPI_Comm_remote_group(ic, &rg);
	MPI_Comm_group(MPI_COMM_WORLD, &wg);
	MPI_Group_translate_ranks(rg, 1, &r0, wg, &w0);
	CHECK(w0 == remote_first, "remote rank 0 is world rank %d, expected %d", w0, remote_first);
	MPI_Group_free(&rg);
	MPI_Group_free(&wg);
	/* the lower half first: merged ranks are the world ranks again */
	MPI_Intercomm_merge(ic, !low, &merged);
	MPI_Comm_rank(merged, &mrank);
	MPI_Comm_size(merged, &msize);
	CHECK(mrank == rank && msize == size, "merged rank %d/%d", mrank, msize);
	printf("rank %d: intercomm low=%d local=%d remote=%d remote_sum=%d remote_leader=%d "
	       "merged=%d/%d\n",
	       rank, low, lsize, rsize, sum, w0, mrank, msize);
	MPI_Comm_free(&merged);
	MPI_Comm_free(&ic);
	MPI_Comm_free(&local);
}

/* MPI_ERRORS_RETURN set on the world: an erroneous call on the world, and one without a
 * communicator, return an error class instead of aborting */
static void errors(void)
{
	MPI_Errhandler eh;
	MPI_Datatype t;
	int v = 0, rc, cls = -1, tcls = -1;

	MPI_Comm_get_errhandler(MPI_COMM_WORLD, &eh);
	CHECK(eh == MPI_ERRORS_ARE_FATAL, "the world's default error handler is not fatal");
	MPI_Errhandler_free(&eh);
	MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
	MPI_Comm_get_errhandler(MPI_COMM_WORLD, &eh);
	CHECK(eh == MPI_ERRORS_RETURN, "MPI_Comm_get_errhandler: not MPI_ERRORS_RETURN");
	MPI_Errhandler_free(&eh);
	rc = MPI_Send(&v, 1, MPI_INT, size, 0, MPI_COMM_WORLD); /* no such rank */
	if (rc != MPI_SUCCESS)
		MPI_Error_class(rc, &cls);
	CHECK(cls == MPI_ERR_RANK, "MPI_Send to rank %d: error class %d", size, cls);
	rc = MPI_Type_contiguous(-1, MPI_INT, &t); /* no communicator: the world's handler */
	if (rc != MPI_SUCCESS)
		MPI_Error_class(rc, &tcls);
	CHECK(rc != MPI_SUCCESS, "MPI_Type_contiguous(-1) succeeded");
	MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_ARE_FATAL);
	printf("rank %d: errors send_to_size=%s type_class=%d\n", rank,
	       cls == MPI_ERR_RANK ? "MPI_ERR_RANK" : "other", tcls);
}

/* groups of the world: translation, comparison, and communicators made from a group */
static void groups(void)
{
	MPI_Group wg, dg, eg;
	MPI_Comm dup, even, all;
	int range[1][3] = {{0, size - 1, 2}}, neven = (size + 1) / 2, *in, *out, gcmp, ccmp;
	int erank = -1, esize = -1, sum = -1, arank, asize;

	in = malloc(sizeof(int) * (size_t)size);
	out = malloc(sizeof(int) * (size_t)size);
	MPI_Comm_group(MPI_COMM_WORLD, &wg);
	MPI_Comm_dup(MPI_COMM_WORLD, &dup);
	MPI_Comm_group(dup, &dg);
	MPI_Group_compare(wg, dg, &gcmp);
	MPI_Comm_compare(MPI_COMM_WORLD, dup, &ccmp);
	CHECK(gcmp == MPI_IDENT && ccmp == MPI_CONGRUENT, "group %d, comm %d", gcmp, ccmp);
	MPI_Group_range_incl(wg, 1, range, &eg);
	for (int i = 0; i < neven; i++)
		in[i] = i;
	MPI_Group_translate_ranks(eg, neven, in, wg, out);
	for (int i = 0; i < neven; i++)
		CHECK(out[i] == 2 * i, "even group rank %d is world rank %d", i, out[i]);
	/* collective over the even ranks only */
	if (rank % 2 == 0) {
		MPI_Comm_create_group(MPI_COMM_WORLD, eg, 33, &even);
		MPI_Comm_rank(even, &erank);
		MPI_Comm_size(even, &esize);
		MPI_Allreduce(&rank, &sum, 1, MPI_INT, MPI_SUM, even);
		MPI_Comm_free(&even);
	}
	/* collective over the world: MPI_COMM_NULL on the odd ranks */
	MPI_Comm_create(MPI_COMM_WORLD, eg, &all);
	arank = asize = -1;
	if (all != MPI_COMM_NULL) {
		MPI_Comm_rank(all, &arank);
		MPI_Comm_size(all, &asize);
		MPI_Comm_free(&all);
	}
	CHECK((rank % 2 == 0) == (arank == rank / 2), "MPI_Comm_create: rank %d", arank);
	printf("rank %d: groups compare=%s create_group=%d/%d sum=%d create=%d/%d\n", rank,
	       gcmp == MPI_IDENT ? "ident" : "other", erank, esize, sum, arank, asize);
	MPI_Group_free(&eg);
	MPI_Group_free(&dg);
	MPI_Group_free(&wg);
	MPI_Comm_free(&dup);
	free(in);
	free(out);
}

static void onesided(void)
{
	int buf = -1, val = rank + 1000, right = (rank + 1) % size, left = (rank + size - 1) % size;
	int acc = 0, one = 1;
	MPI_Win win, wacc;

	MPI_Win_create(&buf, sizeof(int), sizeof(int), MPI_INFO_NULL, MPI_COMM_WORLD, &win);
	MPI_Win_fence(0, win);
	MPI_Put(&val, 1, MPI_INT, right, 0, 1, MPI_INT, win);
	MPI_Win_fence(0, win);
	MPI_Win_free(&win);
	CHECK(buf == left + 1000, "put from %d gave %d", left, buf);
	MPI_Win_create(&acc, sizeof(int), sizeof(int), MPI_INFO_NULL, MPI_COMM_WORLD, &wacc);
	MPI_Win_fence(0, wacc);
	MPI_Accumulate(&one, 1, MPI_INT, 0, 0, 1, MPI_INT, MPI_SUM, wacc);
	MPI_Win_fence(0, wacc);
	MPI_Win_free(&wacc);
	printf("rank %d: onesided put=%d accumulate=%d\n", rank, buf, rank == 0 ? acc : -1);
}

static void mpiio(const char *path)
{
	char *out = malloc(BLOCK), *in = malloc((size_t)BLOCK * (size_t)size);
	MPI_Offset fsize = -1;
	MPI_File fh;
	int rc, ok = 1;

	for (int i = 0; i < BLOCK; i++)
		out[i] = (char)(rank * 31 + i * 7);
	rc = MPI_File_open(MPI_COMM_WORLD, path, MPI_MODE_CREATE | MPI_MODE_WRONLY, MPI_INFO_NULL,
	                   &fh);
	CHECK(rc == MPI_SUCCESS, "open for writing: error %d", rc);
	if (rc != MPI_SUCCESS)
		goto out;
	rc = MPI_File_write_at_all(fh, (MPI_Offset)rank * BLOCK, out, BLOCK, MPI_CHAR,
	                           MPI_STATUS_IGNORE);
	CHECK(rc == MPI_SUCCESS, "write_at_all: error %d", rc);
	MPI_File_close(&fh);
	rc = MPI_File_open(MPI_COMM_WORLD, path, MPI_MODE_RDONLY, MPI_INFO_NULL, &fh);
	CHECK(rc == MPI_SUCCESS, "open for reading: error %d", rc);
	if (rc != MPI_SUCCESS)
		goto out;
	MPI_File_get_size(fh, &fsize);
	CHECK(fsize == (MPI_Offset)size * BLOCK, "size %lld", (long long)fsize);
	rc = MPI_File_read_at_all(fh, 0, in, BLOCK * size, MPI_CHAR, MPI_STATUS_IGNORE);
	CHECK(rc == MPI_SUCCESS, "read_at_all: error %d", rc);
	MPI_File_close(&fh);
	for (int r = 0; r < size && ok; r++)
		for (int i = 0; i < BLOCK && ok; i++)
			if (in[(size_t)r * BLOCK + (size_t)i] != (char)(r * 31 + i * 7)) {
				CHECK(0, "byte %d of rank %d's block differs", i, r);
				ok = 0;
			}
	MPI_Barrier(MPI_COMM_WORLD);
	if (rank == 0)
		MPI_File_delete(path, MPI_INFO_NULL);
	if (ok && fsize == (MPI_Offset)size * BLOCK && rc == MPI_SUCCESS)
		printf("rank %d: mpiio PASS\n", rank);
out:
	free(out);
	free(in);
}

/* -s: one child of this program, spawned over the world, exchanges a value with its parents */
static void spawn(const char *self)
{
	MPI_Comm ic;
	int err = -1, lsize, rsize, mine = 1000 + rank, got = -1;

	MPI_Comm_spawn(self, MPI_ARGV_NULL, 1, MPI_INFO_NULL, 0, MPI_COMM_WORLD, &ic, &err);
	MPI_Comm_size(ic, &lsize);
	MPI_Comm_remote_size(ic, &rsize);
	CHECK(err == MPI_SUCCESS && lsize == size && rsize == 1, "spawn: error %d, sizes %d/%d",
	      err, lsize, rsize);
	MPI_Allreduce(&mine, &got, 1, MPI_INT, MPI_SUM, ic); /* the child's value */
	printf("rank %d: spawn children=%d child_value=%d\n", rank, rsize, got);
	MPI_Comm_disconnect(&ic);
}

/* the spawned child: its world is its own, its parents are the spawning world */
static int child(MPI_Comm parent)
{
	int psize, sum = -1, mine = 7;

	MPI_Comm_remote_size(parent, &psize);
	MPI_Allreduce(&mine, &sum, 1, MPI_INT, MPI_SUM, parent); /* the parents' values */
	printf("spawned %d/%d: parents=%d parent_sum=%d\n", rank, size, psize, sum);
	fflush(stdout);
	MPI_Comm_disconnect(&parent);
	MPI_Finalize();
	return 0;
}

int main(int argc, char **argv)
{
	const char *file = NULL, *mode = NULL;
	int c, all_failed, spawning = 0;
	MPI_Comm parent;

	while ((c = getopt(argc, argv, "f:m:s")) != -1) {
		if (c == 'f')
			file = optarg;
		else if (c == 'm')
			mode = optarg;
		else if (c == 's')
			spawning = 1;
		else
			return 2;
	}
	MPI_Init(&argc, &argv);
	MPI_Comm_rank(MPI_COMM_WORLD, &rank);
	MPI_Comm_size(MPI_COMM_WORLD, &size);
	MPI_Comm_get_parent(&parent);
	if (parent != MPI_COMM_NULL)
		return child(parent);
	world();
	p2p();
	collectives();
	split();
	cart();
	attributes();
	intercomm();
	errors();
	groups();
	onesided();
	if (file)
		mpiio(file);
	if (spawning)
		spawn(argv[0]);
	fflush(stdout);
	if (mode && strcmp(mode, "abort") == 0 && rank == 1)
		MPI_Abort(MPI_COMM_WORLD, 3);
	if (mode && strcmp(mode, "exit") == 0 && rank == 1)
		exit(4);
	if (mode && strcmp(mode, "exit-after-finalize") != 0)
		MPI_Barrier(
		    MPI_COMM_WORLD); /* the others wait here for rank 1, which never comes */
	MPI_Allreduce(&failed, &all_failed, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
	MPI_Finalize();
	if (mode && strcmp(mode, "exit-after-finalize") == 0 && rank == 1)
		return 5;
	return all_failed ? 1 : 0;
}
