/*
 * ad_benchfs_io.c - reads and writes: contiguous, strided (list I/O), and non-blocking.
 *
 * Every access becomes a list of segments (memory address, file offset, length): the memory
 * type and the file view are flattened and walked side by side, each segment ending where a
 * memory block or a file block ends, and neighbouring segments that are contiguous in both
 * are merged. libbenchfs sends the segments' pieces to their servers concurrently.
 */
#include "ad_benchfs.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>

#include <benchfs.h>

#include "adio_extern.h"
#include "adioi.h"

/* ---- flattening an access into segments -------------------------------------------------- */

struct seglist {
	struct benchfs_ioseg *v;
	size_t n, cap;
};

static int seg_add(struct seglist *sl, char *mem, ADIO_Offset off, ADIO_Offset len)
{
	struct benchfs_ioseg *last = sl->n ? &sl->v[sl->n - 1] : NULL;

	if (last && (char *)last->buf + last->length == mem &&
	    last->offset + (ADIO_Offset)last->length == off) {
		last->length += (size_t)len;
		return 0;
	}
	if (sl->n == sl->cap) {
		size_t cap = sl->cap ? sl->cap * 2 : 16;
		struct benchfs_ioseg *v = ADIOI_Realloc(sl->v, cap * sizeof(*v));
		if (!v)
			return -ENOMEM;
		sl->v = v;
		sl->cap = cap;
	}
	sl->v[sl->n++] = (struct benchfs_ioseg){mem, (off_t)off, (size_t)len};
	return 0;
}

static void free_segs(struct seglist *sl)
{
	if (sl->v) /* ADIOI_Free refuses NULL */
		ADIOI_Free(sl->v);
	sl->v = NULL;
}

/* A walk over the blocks of a flattened type tiled @count times (or without end). */
struct walk {
	ADIOI_Flatlist_node *flat; /* NULL: one block [base, base + len) */
	ADIO_Offset base, extent;  /* tile n starts at base + n * extent */
	ADIO_Offset tile, idx;     /* current block: flat->indices[idx] of tile @tile ... */
	ADIO_Offset skip;          /* ... from this many bytes into it */
	ADIO_Offset len;           /* the single block's length when flat is NULL */
};

/* Current block of @w: *@off (absolute) and *@len bytes left in it; 0 at the end. */
static int walk_block(struct walk *w, ADIO_Offset *off, ADIO_Offset *len)
{
	if (!w->flat) {
		if (w->skip >= w->len)
			return 0;
		*off = w->base + w->skip;
		*len = w->len - w->skip;
		return 1;
	}
	while (w->flat->blocklens[w->idx] == 0) {
		if (++w->idx == w->flat->count)
			w->idx = 0, w->tile++;
	}
	*off = w->base + w->tile * w->extent + w->flat->indices[w->idx] + w->skip;
	*len = w->flat->blocklens[w->idx] - w->skip;
	return 1;
}

static void walk_advance(struct walk *w, ADIO_Offset n)
{
	w->skip += n;
	if (w->flat && w->skip == w->flat->blocklens[w->idx]) {
		w->skip = 0;
		if (++w->idx == w->flat->count)
			w->idx = 0, w->tile++;
	}
}

/* Does the flattened type have any data at all? (A file type must, MPI says.) */
static int flat_has_data(const ADIOI_Flatlist_node *flat)
{
	for (MPI_Count i = 0; i < flat->count; i++)
		if (flat->blocklens[i])
			return 1;
	return 0;
}

/*
 * Position the file walk @w at the start of an access: @offset in etypes of the view
 * (ADIO_EXPLICIT_OFFSET), or the individual file pointer (a byte offset in the file).
 */
static void walk_file_start(ADIO_File fd, struct walk *w, int file_ptr_type, ADIO_Offset offset,
                            MPI_Count ft_size, MPI_Aint lb)
{
	ADIOI_Flatlist_node *flat = w->flat;

	if (file_ptr_type == ADIO_EXPLICIT_OFFSET) {
		ADIO_Offset pos = offset * fd->etype_size; /* data bytes into the view */
		w->tile = pos / ft_size;
		pos %= ft_size;
		for (w->idx = 0; pos >= flat->blocklens[w->idx]; w->idx++)
			pos -= flat->blocklens[w->idx];
		w->skip = pos;
		return;
	}
	/* the first block that ends after the file pointer; the tile holding it starts about
	 * (at - disp - lb) / extent tiles in (the type's blocks lie from its lower bound on) */
	ADIO_Offset at = fd->fp_ind, n = w->extent ? (at - w->base - lb) / w->extent : 0;
	w->tile = n > 0 ? n - 1 : 0;
	w->idx = w->skip = 0;
	for (;;) {
		ADIO_Offset start = w->base + w->tile * w->extent + flat->indices[w->idx];
		ADIO_Offset len = flat->blocklens[w->idx];
		if (len && start + len > at) {
			w->skip = at > start ? at - start : 0;
			return;
		}
		if (++w->idx == flat->count)
			w->idx = 0, w->tile++;
	}
}

/*
 * The segments of an access of @count items of @datatype at @buf, through fd's file view at
 * (@file_ptr_type, @offset). *@total gets the bytes of the access. Return 0 or -ENOMEM.
 */
static int make_segs(ADIO_File fd, const void *buf, int count, MPI_Datatype datatype,
                     int file_ptr_type, ADIO_Offset offset, int contig_file, struct seglist *sl,
                     MPI_Count *total)
{
	struct walk mem = {0}, file = {0};
	MPI_Count type_size, ft_size;
	MPI_Aint lb, extent;
	int mem_contig;

	sl->v = NULL;
	sl->n = sl->cap = 0;
	MPI_Type_size_x(datatype, &type_size);
	*total = type_size * count;
	if (*total == 0)
		return 0;

	ADIOI_Datatype_iscontig(datatype, &mem_contig);
	if (mem_contig) {
		mem.base = (ADIO_Offset)(uintptr_t)buf;
		mem.len = *total;
	} else {
		MPI_Type_get_extent(datatype, &lb, &extent);
		mem.flat = ADIOI_Flatten_and_find(datatype);
		mem.base = (ADIO_Offset)(uintptr_t)buf;
		mem.extent = extent;
	}

	if (contig_file) {
		file.base = file_ptr_type == ADIO_EXPLICIT_OFFSET ? offset : fd->fp_ind;
		file.len = *total;
	} else {
		MPI_Type_size_x(fd->filetype, &ft_size);
		MPI_Type_get_extent(fd->filetype, &lb, &extent);
		file.flat = ADIOI_Flatten_and_find(fd->filetype);
		file.base = fd->disp;
		file.extent = extent;
		if (ft_size == 0 || !flat_has_data(file.flat))
			return -EINVAL;
		walk_file_start(fd, &file, file_ptr_type, offset, ft_size, lb);
	}

	for (MPI_Count left = *total; left > 0;) {
		ADIO_Offset moff, mlen, foff, flen, n;
		if (!walk_block(&mem, &moff, &mlen) || !walk_block(&file, &foff, &flen))
			break;
		n = mlen < flen ? mlen : flen;
		n = n < left ? n : left;
		if (seg_add(sl, (char *)(uintptr_t)moff, foff, n))
			return -ENOMEM;
		walk_advance(&mem, n);
		walk_advance(&file, n);
		left -= n;
	}
	return 0;
}

/* An access through the individual file pointer leaves it after its last byte. */
static void advance_fp(ADIO_File fd, int file_ptr_type, const struct seglist *sl)
{
	if (file_ptr_type == ADIO_INDIVIDUAL && sl->n)
		fd->fp_ind = sl->v[sl->n - 1].offset + (ADIO_Offset)sl->v[sl->n - 1].length;
	fd->fp_sys_posn = -1;
}

/* ---- blocking ------------------------------------------------------------------------------- */

static void set_status(ADIO_Status *status, MPI_Datatype datatype, MPI_Count bytes)
{
#ifdef HAVE_STATUS_SET_BYTES
	if (status)
		MPIR_Status_set_bytes(status, datatype, bytes);
#else
	(void)status;
	(void)datatype;
	(void)bytes;
#endif
}

/* One access, contiguous in the file (@contig_file, @offset a byte offset) or through the view. */
static void access_sync(ADIO_File fd, int write, void *buf, int count, MPI_Datatype datatype,
                        int file_ptr_type, ADIO_Offset offset, int contig_file, ADIO_Status *status,
                        int *error_code)
{
	static const char myname[] = "ADIOI_BENCHFS_IO";
	struct seglist sl;
	MPI_Count total;
	ssize_t rc;

	rc = make_segs(fd, buf, count, datatype, file_ptr_type, offset, contig_file, &sl, &total);
	if (rc == 0 && sl.n) {
		/* atomic mode: a strided access holds a lock over its whole extent (ROMIO itself
		 * locks around contiguous ones) */
		int lock = fd->atomicity && !contig_file;
		off_t lo = 0, hi = 0;
		for (size_t i = 0; lock && i < sl.n; i++) {
			off_t end = sl.v[i].offset + (off_t)sl.v[i].length;
			lo = i == 0 || sl.v[i].offset < lo ? sl.v[i].offset : lo;
			hi = end > hi ? end : hi;
		}
		if (lock)
			rc = benchfs_lock(ADIOI_BENCHFS_Fd(fd), F_SETLKW, write ? F_WRLCK : F_RDLCK,
			                  lo, hi - lo);
		if (rc == 0)
			rc = write ? benchfs_pwritel(ADIOI_BENCHFS_Fd(fd), sl.v, sl.n)
			           : benchfs_preadl(ADIOI_BENCHFS_Fd(fd), sl.v, sl.n);
		if (lock)
			benchfs_lock(ADIOI_BENCHFS_Fd(fd), F_SETLKW, F_UNLCK, lo, hi - lo);
	}
	if (rc < 0) {
		free_segs(&sl);
		*error_code = ADIOI_BENCHFS_Errcode(myname, fd->filename, (int)rc);
		return;
	}
	advance_fp(fd, file_ptr_type, &sl);
	free_segs(&sl);
	set_status(status, datatype, rc);
	*error_code = MPI_SUCCESS;
}

void ADIOI_BENCHFS_ReadContig(ADIO_File fd, void *buf, int count, MPI_Datatype datatype,
                              int file_ptr_type, ADIO_Offset offset, ADIO_Status *status,
                              int *error_code)
{
	access_sync(fd, 0, buf, count, datatype, file_ptr_type, offset, 1, status, error_code);
}

void ADIOI_BENCHFS_WriteContig(ADIO_File fd, const void *buf, int count, MPI_Datatype datatype,
                               int file_ptr_type, ADIO_Offset offset, ADIO_Status *status,
                               int *error_code)
{
	access_sync(fd, 1, (void *)buf, count, datatype, file_ptr_type, offset, 1, status,
	            error_code);
}

/*
 * ROMIO's strided entry points get @offset in etypes of the view. With a contiguous view the
 * access is contiguous in the file: return 1 and turn an explicit *@offset into bytes.
 */
static int view_contig(ADIO_File fd, int file_ptr_type, ADIO_Offset *offset)
{
	int contig;

	ADIOI_Datatype_iscontig(fd->filetype, &contig);
	if (contig && file_ptr_type == ADIO_EXPLICIT_OFFSET)
		*offset = fd->disp + fd->etype_size * *offset;
	return contig;
}

void ADIOI_BENCHFS_ReadStrided(ADIO_File fd, void *buf, int count, MPI_Datatype datatype,
                               int file_ptr_type, ADIO_Offset offset, ADIO_Status *status,
                               int *error_code)
{
	int contig = view_contig(fd, file_ptr_type, &offset);

	access_sync(fd, 0, buf, count, datatype, file_ptr_type, offset, contig, status, error_code);
}

void ADIOI_BENCHFS_WriteStrided(ADIO_File fd, const void *buf, int count, MPI_Datatype datatype,
                                int file_ptr_type, ADIO_Offset offset, ADIO_Status *status,
                                int *error_code)
{
	int contig = view_contig(fd, file_ptr_type, &offset);

	access_sync(fd, 1, (void *)buf, count, datatype, file_ptr_type, offset, contig, status,
	            error_code);
}

/* ---- non-blocking: generalized requests driven by the MPI library's progress ---------------- */

struct greq {
	benchfs_request_t *req; /* NULL once completed */
	MPI_Request mpi_req;
	ssize_t result;
	char *filename;
};

static int greq_poll(void *extra, MPI_Status *status)
{
	struct greq *g = extra;

	(void)status;
	if (g->req && benchfs_test(g->req, &g->result) == 1) {
		g->req = NULL;
		MPI_Grequest_complete(g->mpi_req);
	}
	return MPI_SUCCESS;
}

static int greq_query(void *extra, MPI_Status *status)
{
	struct greq *g = extra;

	MPI_Status_set_elements_x(status, MPI_BYTE, g->result > 0 ? g->result : 0);
	MPI_Status_set_cancelled(status, 0);
	status->MPI_SOURCE = MPI_UNDEFINED;
	status->MPI_TAG = MPI_UNDEFINED;
	if (g->result < 0)
		return ADIOI_BENCHFS_Errcode("ADIOI_BENCHFS_IO", g->filename, (int)g->result);
	return MPI_SUCCESS;
}

static int greq_free(void *extra)
{
	struct greq *g = extra;

	if (g->req) /* freed before completion (MPI_Request_free): finish it first */
		benchfs_wait(g->req);
	ADIOI_Free(g->filename);
	ADIOI_Free(g);
	return MPI_SUCCESS;
}

static int greq_cancel(void *extra, int complete)
{
	(void)extra;
	(void)complete;
	return MPI_SUCCESS; /* pieces already sent cannot be called back: the request completes */
}

static void access_async(ADIO_File fd, int write, void *buf, int count, MPI_Datatype datatype,
                         int file_ptr_type, ADIO_Offset offset, int contig_file,
                         MPI_Request *request, int *error_code)
{
	static const char myname[] = "ADIOI_BENCHFS_IIO";
	struct greq *g;
	struct seglist sl;
	MPI_Count total;
	int rc;

	rc = make_segs(fd, buf, count, datatype, file_ptr_type, offset, contig_file, &sl, &total);
	if (rc) {
		free_segs(&sl);
		*error_code = ADIOI_BENCHFS_Errcode(myname, fd->filename, rc);
		return;
	}
	g = ADIOI_Calloc(1, sizeof(*g));
	g->filename = ADIOI_Strdup(fd->filename);
	rc = write ? benchfs_ipwritel(ADIOI_BENCHFS_Fd(fd), sl.v, sl.n, &g->req)
	           : benchfs_ipreadl(ADIOI_BENCHFS_Fd(fd), sl.v, sl.n, &g->req);
	if (rc < 0) {
		free_segs(&sl);
		ADIOI_Free(g->filename);
		ADIOI_Free(g);
		*error_code = ADIOI_BENCHFS_Errcode(myname, fd->filename, rc);
		return;
	}
	advance_fp(fd, file_ptr_type, &sl);
	free_segs(&sl); /* libbenchfs copied the list */
	MPIX_Grequest_start(greq_query, greq_free, greq_cancel, greq_poll, NULL, g, request);
	g->mpi_req = *request;
	*error_code = MPI_SUCCESS;
}

void ADIOI_BENCHFS_IreadContig(ADIO_File fd, void *buf, int count, MPI_Datatype datatype,
                               int file_ptr_type, ADIO_Offset offset, ADIO_Request *request,
                               int *error_code)
{
	access_async(fd, 0, buf, count, datatype, file_ptr_type, offset, 1, request, error_code);
}

void ADIOI_BENCHFS_IwriteContig(ADIO_File fd, const void *buf, int count, MPI_Datatype datatype,
                                int file_ptr_type, ADIO_Offset offset, ADIO_Request *request,
                                int *error_code)
{
	access_async(fd, 1, (void *)buf, count, datatype, file_ptr_type, offset, 1, request,
	             error_code);
}

void ADIOI_BENCHFS_IreadStrided(ADIO_File fd, void *buf, int count, MPI_Datatype datatype,
                                int file_ptr_type, ADIO_Offset offset, ADIO_Request *request,
                                int *error_code)
{
	int contig = view_contig(fd, file_ptr_type, &offset);

	access_async(fd, 0, buf, count, datatype, file_ptr_type, offset, contig, request,
	             error_code);
}

void ADIOI_BENCHFS_IwriteStrided(ADIO_File fd, const void *buf, int count, MPI_Datatype datatype,
                                 int file_ptr_type, ADIO_Offset offset, ADIO_Request *request,
                                 int *error_code)
{
	int contig = view_contig(fd, file_ptr_type, &offset);

	access_async(fd, 1, (void *)buf, count, datatype, file_ptr_type, offset, contig, request,
	             error_code);
}
