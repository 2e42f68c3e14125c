/*
 * tool.h - code shared by the BenchFS MPI tools (benchfs-stagein, benchfs-stageout,
 * benchfs-find, benchfs-ls).
 *
 * Life of a tool:
 *
 *	struct tool t;
 *	tool_init(&t, &desc, &argc, &argv);            // MPI_Init, getopt set-up
 *	while ((c = getopt_long(...)) != -1)
 *		switch (c) { case 'x': ...; default: tool_option(&t, c, argv); }
 *	tool_start(&t);                                 // servers / attach; servers never return
 *	... work on t.comm (t.rank, t.size) ...
 *	return tool_finish(&t, status);                 // agree, stop, MPI_Finalize
 *
 * Every rank parses the same argv, so option errors are found by every rank alike and are
 * reported (by rank 0) before any server starts. Errors found later by one rank are agreed with
 * tool_any() before the ranks act on them, and tool_finish() makes every rank return the same
 * exit status.
 */
#ifndef BENCHFS_TOOL_H
#define BENCHFS_TOOL_H

#include <getopt.h>
#include <mpi.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "benchfs.h"
#include "benchfs_mpi.h"
#include "common/cli.h"

/** Exit status for a bad command line (as ls and find use). */
#define TOOL_EXIT_USAGE BFS_CLI_EXIT_USAGE

/** getopt_long values of the options every tool takes besides those of common/cli.h. */
enum tool_opt {
	TOOL_OPT_PROGRESS = 0x1100,
	TOOL_OPT_HELP = 'h',
};

/** Entries of struct option for the common options; put them first in a tool's table. */
/* clang-format off */
#define TOOL_COMMON_OPTIONS                                                                        \
	BFS_CLI_OPT_SERVERS, BFS_CLI_OPT_DATA_DIR, BFS_CLI_OPT_ATTACH, BFS_CLI_OPT_SYNC,           \
	BFS_CLI_OPT_NEW_FS, BFS_CLI_OPT_VERSION, BFS_CLI_OPT_HELP,                                 \
	{"progress", no_argument, NULL, TOOL_OPT_PROGRESS}
/* clang-format on */

/** What a tool tells tool.c about itself (texts for --help and usage errors). */
struct tool_desc {
	const char *name;     /**< program name, "benchfs-stagein" */
	const char *synopsis; /**< after the name: "[OPTION]... SRC DST" */
	const char *about;    /**< one or more lines describing the tool */
	const char *options;  /**< the tool's own option lines for --help, or NULL */
	int progress;         /**< the tool shows a progress line (--progress is listed) */
};

/** State of a running tool. */
struct tool {
	const struct tool_desc *desc;
	MPI_Comm comm;    /**< the ranks doing the work (a private duplicate) */
	MPI_Comm clients; /**< from benchfs_mpi_start(), MPI_COMM_NULL when attached */
	int rank;         /**< rank in comm (in MPI_COMM_WORLD before tool_start()) */
	int size;         /**< size of comm */
	/** --servers, --data-dir, --attach, --sync, --new-fs (common/cli.h) */
	struct bfs_cli_fs fs;
	int nfs_servers; /**< benchfs_server_count() after tool_start() */
	int progress;    /**< --progress (1): show the progress line even when stderr is no tty; -1
	                    never */
	int preattached; /**< attached before tool_start() (the tool runs under benchfs-run) */
	double t0;       /**< MPI_Wtime() when the file system was ready */
};

/** Counters of a staging tool, summed over ranks by tool_summary(). */
struct tool_counts {
	uint64_t files;
	uint64_t dirs;
	uint64_t links;
	uint64_t bytes;
	uint64_t skipped;
};

/** Progress line state; see tool_progress_begin(). */
struct tool_progress {
	struct tool *t;
	MPI_Comm comm; /**< own communicator: its reductions never meet other collectives */
	int on;        /**< the same on every rank */
	double last;   /**< when the last reduction was started */
	int pending;   /**< a reduction is in flight */
	uint64_t issued;
	MPI_Request req;
	uint64_t mine[2];
	uint64_t sum[2];
};

/* ---- set-up and tear-down -------------------------------------------------------------- */

/** tool_init - MPI_Init and defaults; makes getopt quiet (tool_option() reports errors). */
void tool_init(struct tool *t, const struct tool_desc *desc, int *argc, char ***argv);

/**
 * tool_option - handle option @c of getopt_long that the tool did not handle itself: the common
 * options, --help, --version, and getopt's errors ('?', ':'). Does not return for --help,
 * --version or errors (every rank exits).
 */
void tool_option(struct tool *t, int c, char **argv);

/** tool_usage_error - rank 0 prints "NAME: MESSAGE" and the usage line; all ranks exit 2. */
void tool_usage_error(struct tool *t, const char *fmt, ...)
    __attribute__((format(printf, 2, 3), noreturn));

/**
 * tool_start - bring up the file system: start in-job servers (--servers, in the environment
 * --sync and --new-fs ask for: bfs_cli_fs_env()), or attach (--attach or env BENCHFS_ADDR), or,
 * without either, use the servers the process is attached to already (a tool run under
 * `benchfs-run --servers N`). Server ranks finalize MPI and exit 0 inside this
 * call; on any failure every rank exits 1 (or 2 for a usage problem). On return t->comm, t->rank,
 * t->size describe the client ranks.
 */
void tool_start(struct tool *t);

/**
 * tool_finish - collective end: every rank takes the largest @status of all ranks, stops the
 * servers or detaches, and finalizes MPI. Return: that status, for main() to return.
 */
int tool_finish(struct tool *t, int status);

/* ---- agreement and data movement ----------------------------------------------------------- */

/** tool_any - collective: non-zero on every rank if @flag is non-zero on any rank. */
int tool_any(struct tool *t, int flag);

/** tool_max - collective: the largest @v of all ranks. */
int tool_max(struct tool *t, int v);

/** tool_bcast_int - collective: rank 0's *@v to every rank. */
void tool_bcast_int(struct tool *t, int *v);

/**
 * tool_bcast_buf - collective: rank 0's buffer (*@buf, *@len bytes) to every rank; other ranks
 * get a malloc'ed copy in *@buf. Any length (sent in pieces). Return 0 or -ENOMEM (agreed).
 */
int tool_bcast_buf(struct tool *t, char **buf, size_t *len);

/**
 * tool_allgather_buf - collective: concatenate every rank's @len bytes at @buf, in rank order,
 * into a malloc'ed *@out of *@outlen bytes on every rank. Return 0 or -ENOMEM (agreed).
 */
int tool_allgather_buf(struct tool *t, const char *buf, size_t len, char **out, size_t *outlen);

/* ---- messages ------------------------------------------------------------------------------ */

/** tool_error - "NAME: PATH: cause" on stderr; @err is an errno value of either sign. */
void tool_error(struct tool *t, const char *path, int err);

/** tool_warn - "NAME: message" on stderr (printf format). */
void tool_warn(struct tool *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/**
 * tool_progress_begin - collective: set up a progress line, shown on rank 0 when its stderr is
 * a terminal or --progress was given (mpirun usually hands ranks a pipe, not a terminal). Every
 * rank then calls tool_progress_update() as often as it likes (it is cheap) and tool_progress_end()
 * once.
 */
void tool_progress_begin(struct tool *t, struct tool_progress *p);

/** tool_progress_update - report this rank's @items and @bytes done so far (not collective). */
void tool_progress_update(struct tool_progress *p, uint64_t items, uint64_t bytes);

/** tool_progress_end - collective: finish the reductions in flight and erase the line. */
void tool_progress_end(struct tool_progress *p);

/**
 * tool_summary - collective: sum @c over ranks; rank 0 prints "NAME: N files, D directories,
 * L symlinks, B bytes in S s (X MiB/s)" (", K skipped" when K > 0) on stdout. When @status is
 * non-zero on any rank the copy failed, and the line says so instead: "NAME: FAILED: DST is
 * incomplete; copied N files, ..." (a summary after errors must not read as success).
 */
void tool_summary(struct tool *t, const struct tool_counts *c, int status, const char *dst);

/* ---- paths --------------------------------------------------------------------------------- */

/**
 * tool_normalize - lexical normal form of absolute path @path ("//a/./b/../c/" -> "/a/c").
 * Return: a malloc'ed string, or NULL with errno EINVAL (relative or empty) or ENOMEM.
 */
char *tool_normalize(const char *path);

/** tool_join - "@dir/@rel" (just @dir when @rel is empty), malloc'ed; aborts without memory. */
char *tool_join(const char *dir, const char *rel);

/** tool_basename - last component of a normal BenchFS path ("/" for "/"). */
const char *tool_basename(const char *path);

/** tool_parent - malloc'ed parent of normal BenchFS path @path ("/" for "/a" and "/"). */
char *tool_parent(const char *path);

/** tool_depth - number of components of relative path @rel (0 for ""). */
int tool_depth(const char *rel);

/* ---- work distribution of the staging tools ------------------------------------------------- */

/** One byte range of a large file, copied by one rank. */
struct tool_range {
	size_t file;  /**< index into the size array given to tool_plan_make() */
	uint64_t off; /**< offset, a multiple of the chunk size */
	uint64_t len;
	int rank;
};

/** Who copies what; the same on every rank. */
struct tool_plan {
	int *owner;         /**< per file: the rank that creates it (and copies it unless big) */
	unsigned char *big; /**< per file: 1 when copied in ranges */
	struct tool_range *ranges;
	size_t nranges;
};

/**
 * tool_plan_make - balance @n files of sizes @sizes over @nranks ranks. Files of at least
 * TOOL_BIG_CHUNKS chunks of @chunk bytes are cut into chunk-aligned ranges (when @nranks > 1).
 * Deterministic: every rank computes the same plan from the same input.
 * Return: 0, or -ENOMEM.
 */
int tool_plan_make(struct tool_plan *p, const uint64_t *sizes, size_t n, uint64_t chunk,
                   int nranks);

/** tool_plan_free - free the arrays of @p. */
void tool_plan_free(struct tool_plan *p);

/** Files of at least this many chunks are split over ranks. */
#define TOOL_BIG_CHUNKS 8

/** tool_copy_buffer - page-aligned buffer for copying, a multiple of @chunk of at least
 *  4 MiB; its size in *@len. NULL without memory. */
void *tool_copy_buffer(uint64_t chunk, size_t *len);

/** tool_chunk_size - chunk size of files BenchFS creates by default (env BENCHFS_CHUNK_SIZE,
 *  else BENCHFS_CHUNK_SIZE_DEFAULT). */
uint64_t tool_chunk_size(void);

/* ---- packing of entry lists ---------------------------------------------------------------- */

/** A growable byte buffer. */
struct tool_buf {
	char *data;
	size_t len;
	size_t cap;
};

/** tool_buf_reserve - room for @n more bytes after b->len; aborts without memory. */
void tool_buf_reserve(struct tool_buf *b, size_t n);

/** tool_buf_put - append @n bytes; aborts without memory. */
void tool_buf_put(struct tool_buf *b, const void *p, size_t n);

/** One file-tree entry as the staging tools exchange them. */
struct tool_entry {
	const char *rel;    /**< path relative to the tree's root, "" for the root */
	const char *target; /**< symlink target, "" for others */
	mode_t mode;        /**< type and permission bits */
	uint64_t size;
	struct timespec atime;
	struct timespec mtime;
	int depth; /**< tool_depth(rel) */
};

/** tool_entry_pack - append @e to @b. */
void tool_entry_pack(struct tool_buf *b, const struct tool_entry *e);

/**
 * tool_entry_unpack - parse the entries packed in @data (@len bytes) into a malloc'ed array
 * (*@out, *@n); strings point into @data, which must stay alive. Return 0, -ENOMEM or -EINVAL.
 */
int tool_entry_unpack(const char *data, size_t len, struct tool_entry **out, size_t *n);

/**
 * tool_dirs_by_depth - indices of the directories among @n entries, shallowest first (entries
 * of equal depth keep their order). Return a malloc'ed array (count in *@ndirs), or NULL.
 */
size_t *tool_dirs_by_depth(const struct tool_entry *ent, size_t n, size_t *ndirs);

/** The regular files of an entry list and who copies them. */
struct tool_files {
	size_t *idx;    /**< entry index of each file */
	uint64_t *size; /**< its size */
	size_t n;
	struct tool_plan plan;
	unsigned char *failed; /**< per file: not created (agreed by tool_files_share_failures) */
};

/**
 * tool_files_plan - collective: collect the regular files of @ent and balance them over the
 * ranks (tool_plan_make() with @chunk). Return 0, or -ENOMEM on every rank.
 */
int tool_files_plan(struct tool *t, const struct tool_entry *ent, size_t n, uint64_t chunk,
                    struct tool_files *f);

/**
 * tool_files_share_failures - collective: or the failed flags of all ranks, so every rank
 * skips the ranges of split files that their creator could not create (and nobody sets the
 * times of a file that is not there).
 */
void tool_files_share_failures(struct tool *t, struct tool_files *f);

/** tool_files_free - release @f. */
void tool_files_free(struct tool_files *f);

#endif /* BENCHFS_TOOL_H */
