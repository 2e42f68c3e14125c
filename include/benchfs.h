/*
 * benchfs.h - client library of BenchFS, an ad-hoc parallel file system for HPC jobs.
 *
 * Conventions (apply to every call below unless its comment says otherwise):
 *
 *  - Errors: a call returns a negative errno value (-ENOENT, -EIO, ...) and never sets errno.
 *    Success is 0, or a non-negative count / descriptor where stated.
 *  - Paths are absolute BenchFS paths ("/a/b"). They are normalized: repeated '/' and "." are
 *    removed, ".." is resolved lexically, a trailing '/' is dropped. A path longer than
 *    BENCHFS_PATH_MAX bytes or with a component longer than BENCHFS_NAME_MAX bytes gives
 *    -ENAMETOOLONG; a relative or empty path gives -EINVAL.
 *  - Symbolic links are stored and returned (symlink, readlink, lstat) but never followed by the
 *    file system itself: open/stat of a symlink's path gives -ELOOP/the link's own attributes
 *    respectively, as with O_NOFOLLOW. Tools resolve links themselves.
 *  - Units: sizes, counts and offsets are bytes; times are struct timespec (seconds, nanoseconds).
 *  - Every call that talks to a server has a timeout (env BENCHFS_RPC_TIMEOUT, seconds, default
 *    30). A server that does not answer in time gives -ETIMEDOUT; a server whose connection
 *    failed or whose process is gone gives -EIO at once (within 0.2 s of its death on this
 *    host; at UCX's first failed send to another host); a server that is stopping
 *    (benchfs-shutdown, SIGTERM) answers new requests with -ESHUTDOWN. Such calls never hang.
 *  - Thread-safety: every call may be made from any thread; calls are serialized inside the
 *    library (one in flight per process), so threads gain no parallelism from it. A file
 *    descriptor may be shared by threads; its file offset is shared as with POSIX.
 *
 * Consistency model (close-to-open, like NFS and CHFS):
 *  - Bytes written by benchfs_pwrite()/benchfs_write() are on their servers when the call
 *    returns, and any client reading that range afterwards reads them.
 *  - A file's size and mtime, as seen by other clients' stat, are updated when the writer calls
 *    benchfs_fsync() or benchfs_close() (or releases a lock, benchfs_lock()). A client opening
 *    the file after that sees them. The writer always sees its own size. A read reaching past
 *    the size the reader knows asks the servers, and ends at the furthest byte any writer has
 *    written there: data is readable when its write returns, before the size is published.
 *  - Namespace operations (create, mkdir, unlink, rename, ...) are visible to every client when
 *    they return. rename of a file is not atomic with respect to concurrent lookups of the two
 *    paths (the record is copied, then the old one removed).
 *  - Unlinking a file that another client has open removes its data at once (no deferred
 *    deletion as POSIX has); later reads through the open descriptor return zeros or -ENOENT.
 *
 * Durability: data and metadata reach the servers' node-local storage when the servers are shut
 * down cleanly, or at benchfs_fsync() for one file's data. Metadata is written to LMDB without
 * a flush per operation unless the servers run with BENCHFS_SYNC=1.
 */
#ifndef BENCHFS_H
#define BENCHFS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>

#include "benchfs_stats.h" /* the server metrics (benchfs_server_stats()) */

#ifdef __cplusplus
extern "C" {
#endif

#define BENCHFS_VERSION "0.1.0"

/** Longest path accepted, in bytes, without the terminating NUL. */
#define BENCHFS_PATH_MAX 4095
/** Longest path component accepted, in bytes. */
#define BENCHFS_NAME_MAX 255
/** Default chunk size, bytes; see docs/DESIGN.md for the measurement behind it. */
#define BENCHFS_CHUNK_SIZE_DEFAULT (1024 * 1024)
/** Largest file size, bytes: a write ending past it or a truncate beyond it gives -EFBIG.
 *  16 TiB - 4 KiB: a server keeps its chunks of a file at their file offsets in one local file,
 *  and ext4, the usual node-local file system, holds files up to that size. */
#define BENCHFS_FILE_MAX ((1LL << 44) - 4096)

/* ---------------------------------------------------------------------------------------------
 * Attaching and detaching
 */

/**
 * benchfs_init - attach this process to a running BenchFS.
 * @addrfile: path of the address file written by benchfsd (its --attach), or NULL to use the
 *            environment variable BENCHFS_ADDR.
 *
 * Reads the servers' UCX addresses and the file system's secret from @addrfile, and creates the
 * UCX context and worker used by every other call. Connections to servers are made lazily.
 * Processes started by benchfs_mpi_start() (benchfs_mpi.h) are attached already and must not
 * call this.
 *
 * Return: 0 on success, or
 *   -EINVAL     @addrfile is NULL and BENCHFS_ADDR is unset, or the file is not an address file;
 *   -EALREADY   this process is attached already;
 *   -ENOENT, -EACCES, ... the address file could not be opened (errno of open(2));
 *   -EIO        UCX could not be initialized.
 * Thread-safety: call once, before any other call, from one thread.
 */
int benchfs_init(const char *addrfile);

/**
 * benchfs_term - detach: close every open descriptor (as benchfs_close()) and free the library.
 *
 * Return: 0, or the first error of the implicit closes (the library is freed all the same);
 *   -ENOTCONN when not attached.
 * Thread-safety: call once, after every other call has returned.
 */
int benchfs_term(void);

/**
 * benchfs_server_count - number of servers of the attached file system.
 * Return: the count (>= 1), or -ENOTCONN when not attached.
 */
int benchfs_server_count(void);

/**
 * benchfs_shutdown_servers - ask every server to flush its data and metadata to storage and
 * stop (what benchfs-shutdown and benchfs_mpi_stop() do). Servers finish the requests they
 * hold first. The process stays attached but every later call fails with -EIO or -ETIMEDOUT.
 * Return: 0 when every server confirmed, else the first error (-ETIMEDOUT, -EIO, or a
 *   server's flush error such as -ENOSPC); -ENOTCONN when not attached.
 */
int benchfs_shutdown_servers(void);

/**
 * benchfs_write_addrfile - write an address file of the attached file system to @path (as
 * benchfsd --attach writes one), so that other processes of the nodes can attach to it with
 * benchfs_init(@path): what benchfs-run does for the children of a program whose servers run
 * in the job. Written atomically (temporary file, then rename), mode 0600: it holds the file
 * system's secret.
 * Return: 0, -EINVAL (@path NULL or empty), -ENOTCONN (not attached), or the errno of
 *   creating the file (-EACCES, -ENOENT, -ENOSPC, ...).
 */
int benchfs_write_addrfile(const char *path);

/**
 * benchfs_atfork_child - in the child of fork(2), forget the parent's attachment without
 * touching it: its connections, worker and descriptors belong to the parent (whose sockets the
 * child shares). Afterwards the child is detached and may call benchfs_init() (with the
 * address file benchfs_write_addrfile() wrote, or benchfsd's) to attach on its own. The memory
 * of the parent's state is not freed (a fork child usually executes another program soon).
 * Thread-safety: call in the child right after fork, before any other call (pthread_atfork's
 * child handler is the place: libbenchfs-posix.so registers it so).
 */
void benchfs_atfork_child(void);

/** Capacity and use of the file system, summed over its servers (benchfs_statfs()). */
struct benchfs_statfs {
	uint64_t bytes_total; /**< bytes of the storage under the servers' data directories */
	uint64_t bytes_free;  /**< bytes free there */
	uint64_t bytes_avail; /**< bytes free to unprivileged users */
	uint64_t files;       /**< inode records (files, directories, symlinks) */
	uint32_t servers;     /**< servers asked */
};

/**
 * benchfs_statfs - capacity and use of the file system: each server reports the storage its
 * data directory lives on (statvfs(3) of it; the node's memory for the memory store) and its
 * inode records, and the sums are returned. Servers sharing one storage (several servers of one
 * node on one disk) count it once. One STATFS request per server, all in flight together.
 * statfs(2) and df on the mount prefix of libbenchfs-posix.so come from it.
 * Return: 0, -EINVAL (@st NULL), -ENOTCONN, -ENOMEM, -EPROTO (a malformed answer), -ETIMEDOUT,
 *   -EIO.
 */
int benchfs_statfs(struct benchfs_statfs *st);

/* ---------------------------------------------------------------------------------------------
 * Files
 */

/**
 * benchfs_open - open (and possibly create) a regular file; POSIX open(2).
 * @path:  absolute path.
 * @flags: O_RDONLY, O_WRONLY or O_RDWR, or-ed with O_CREAT, O_EXCL, O_TRUNC, O_APPEND. Other
 *         flags (O_DIRECT, O_SYNC, O_CLOEXEC, ...) are accepted and ignored.
 * @mode:  permission bits for a file created by O_CREAT (the umask is not applied).
 *
 * A file created here gets the default chunk size (BENCHFS_CHUNK_SIZE_DEFAULT, or env
 * BENCHFS_CHUNK_SIZE in bytes); use benchfs_create() to choose one.
 *
 * Return: a descriptor >= 0, or
 *   -ENOENT       no such file and no O_CREAT, or a directory of the path does not exist;
 *   -EEXIST       O_CREAT|O_EXCL and the path exists;
 *   -EISDIR       the path is a directory and @flags asks to write or truncate;
 *   -ENOTDIR      a component of the path prefix is not a directory;
 *   -ELOOP        the path is a symbolic link;
 *   -EINVAL       bad path or bad access mode;
 *   -ENAMETOOLONG path or component too long;
 *   -EMFILE       the process has BENCHFS_OPEN_MAX (65536) descriptors open;
 *   -ETIMEDOUT, -EIO  a server did not answer / failed.
 */
int benchfs_open(const char *path, int flags, mode_t mode);

/**
 * benchfs_create - create and open a file with a chosen chunk size (O_CREAT implied).
 * @chunk_size: bytes per chunk, a power of two from 4 KiB to 1 GiB, or 0 for the default.
 *
 * As benchfs_open(@path, @flags | O_CREAT, @mode). If the file exists already (and no O_EXCL),
 * it keeps its own chunk size. Return and errors as benchfs_open(), plus -EINVAL for a bad
 * @chunk_size.
 */
int benchfs_create(const char *path, int flags, mode_t mode, size_t chunk_size);

/*
 * Incomplete files. A copy into BenchFS that may be interrupted (benchfs-stagein creates every
 * file this way) creates its files marked incomplete, and clears the mark once the last byte
 * and attribute are in. A copy killed half-way therefore leaves files that say so, instead of
 * files of the right size full of zeros that look whole: benchfs_lstat_flags() and
 * benchfs_find() entries report the mark, benchfs-ls -l and benchfs-find -incomplete show
 * it, benchfs-stageout refuses to copy such a file. The mark is BenchFS's own (POSIX has none;
 * Lustre's HSM states and CHFS's cached/dirty flags are its relatives) and lives in the inode
 * record: a rename keeps it, and it changes nothing else (reads, writes and stat work as on
 * any file).
 */
/** Flag of an incomplete file (benchfs_lstat_flags(), struct benchfs_find_entry). */
#define BENCHFS_FL_INCOMPLETE 0x1u
/** Flag of a file whose data is held inline in its metadata record (small files, up to the
 *  servers' BENCHFS_INLINE_MAX bytes; informational: such a file behaves as any other). */
#define BENCHFS_FL_INLINE 0x2u
/** Open flag: a file that benchfs_open()/benchfs_create() creates is marked incomplete (no
 *  effect on a file that exists). Outside the bits Linux uses for open(2) flags. */
#define BENCHFS_O_INCOMPLETE 0x40000000

/**
 * benchfs_create_file - create the new regular file @path holding the @count bytes of @buf,
 * with permissions @mode (no umask), chunk size @chunk_size bytes (0: the default; else a power
 * of two within the servers' limits) and access and modification times @times (utimensat(2)
 * style: NULL or UTIME_NOW for now, UTIME_OMIT for now too). What open(O_WRONLY | O_CREAT |
 * O_EXCL) + pwrite + futimens + close do, in one request when the bytes fit the inline limit
 * of the file's metadata server (BENCHFS_INLINE_MAX): the file then appears whole, with its
 * bytes and times, or not at all. A larger file is created marked incomplete
 * (BENCHFS_FL_INCOMPLETE), written, and unmarked once every byte and time is in. Stage-in
 * copies its small files with this call (CHFS's and GekkoFS's small-file cost is three
 * requests). Thread-safe (the client lock).
 * Return: 0, or -EEXIST (@path exists), -ENOENT / -ENOTDIR (parent missing / not a directory),
 *   -EINVAL (bad @chunk_size or @times, @buf NULL with @count > 0), -EFBIG (@count past
 *   BENCHFS_FILE_MAX), -ENAMETOOLONG, -ENOSPC, -ENOMEM, -ETIMEDOUT / -EIO (server failure;
 *   a larger file may then be left marked incomplete), -ENOTCONN.
 */
int benchfs_create_file(const char *path, mode_t mode, size_t chunk_size, const void *buf,
                        size_t count, const struct timespec times[2]);

/**
 * benchfs_read_file - read up to @count bytes from offset 0 of regular file @path into @buf,
 * and its attributes as of that read into *@st (may be NULL): what open(O_RDONLY) + pread +
 * fstat + close give, in one request for an inline file (BENCHFS_FL_INLINE: the record and its
 * bytes come together, one consistent snapshot), else those steps. Stage-out reads its small
 * files with it. Thread-safe (the client lock).
 * Return: bytes read (fewer than @count only at the end of file), or -ENOENT, -ENOTDIR (a
 *   missing or non-directory ancestor), -EISDIR, -ELOOP (@path is a symlink), -EINVAL (@buf
 *   NULL with @count > 0, a bad path), -ENAMETOOLONG, -ETIMEDOUT, -EIO, -ENOTCONN.
 */
ssize_t benchfs_read_file(const char *path, void *buf, size_t count, struct stat *st);

/**
 * benchfs_fcomplete - clear the incomplete mark of the file open on @fd at the descriptor's
 * next publication (benchfs_fsync() or benchfs_close(), which carry it with the size and times:
 * no request of its own). A no-op for a file without the mark.
 * Return: 0, or -EBADF (@fd not open for writing).
 */
int benchfs_fcomplete(int fd);

/**
 * benchfs_complete - clear the incomplete mark of @path now (one request).
 * Return: 0, -ENOENT, -ENOTDIR, -EPERM (the root), -EINVAL, -ENAMETOOLONG, -ETIMEDOUT, -EIO.
 */
int benchfs_complete(const char *path);

/**
 * benchfs_close - close a descriptor, publishing the file's size and mtime (close-to-open).
 * Return: 0, -EBADF for a descriptor that is not open, or a server error (-ETIMEDOUT, -EIO);
 *   the descriptor is freed even when an error is returned.
 */
int benchfs_close(int fd);

/**
 * benchfs_pwrite - write @count bytes from @buf at file offset @offset; POSIX pwrite(2).
 *
 * The range is cut at chunk boundaries and every chunk goes to its server at once (all in
 * flight together). Returns when every byte is on its server. O_APPEND is ignored here, as with
 * Linux pwrite. An inline file (BENCHFS_FL_INLINE) is written in its metadata record, one
 * request; a write past its limit first moves its data to its chunks (docs/DESIGN.md).
 * Return: @count, or
 *   -EBADF  not open for writing;   -EINVAL  @offset < 0;
 *   -EFBIG  @offset + @count > BENCHFS_FILE_MAX;
 *   -ENOSPC a server's storage (or, for an inline file, its metadata store) is full;
 *   -ETIMEDOUT, -EIO  server failure, or another client moving the file's data for longer than
 *   the RPC timeout. After an error some of the chunks may have been written.
 */
ssize_t benchfs_pwrite(int fd, const void *buf, size_t count, off_t offset);

/**
 * benchfs_pread - read up to @count bytes at @offset into @buf; POSIX pread(2).
 *
 * Holes (ranges never written, below the end of file) read as zeros. The read stops at the end
 * of file: the larger of the size this client knows (asked again when the read reaches past
 * it) and the end of the data the servers hold in the range (see the consistency model).
 * Return: bytes read (0 at or past end of file), or -EBADF (not open for reading), -EINVAL
 *   (@offset < 0), -ETIMEDOUT, -EIO.
 */
ssize_t benchfs_pread(int fd, void *buf, size_t count, off_t offset);

/** benchfs_write - as benchfs_pwrite() at the descriptor's offset (end of file with O_APPEND),
 *  which then advances by the count written. Same return and errors. */
ssize_t benchfs_write(int fd, const void *buf, size_t count);

/** benchfs_read - as benchfs_pread() at the descriptor's offset, which then advances.
 *  Same return and errors. */
ssize_t benchfs_read(int fd, void *buf, size_t count);

/* ---------------------------------------------------------------------------------------------
 * Sharing an open file between processes (scalable collective open, as MPI-IO drivers need)
 */

/**
 * benchfs_export - describe open descriptor @fd (its inode number, chunk size, mode, path and
 * the size this process knows) in @buf (@len bytes) so that other processes can open the same
 * file with benchfs_import() without asking any server. One process opens or creates the file,
 * exports it, and broadcasts the bytes (DAOS's dfs_obj_local2global does the same job).
 * Return: the number of bytes written to @buf (at most BENCHFS_EXPORT_MAX), or -EBADF,
 *   -ERANGE (@buf NULL or smaller than needed), -ENOTCONN.
 */
#define BENCHFS_EXPORT_MAX (32 + BENCHFS_PATH_MAX)
ssize_t benchfs_export(int fd, void *buf, size_t len);

/**
 * benchfs_import - open a descriptor from @buf (@len bytes, made by benchfs_export() in this
 * or another process of the same file system) with access mode and flags @flags (O_RDONLY,
 * O_WRONLY, O_RDWR, O_APPEND; O_CREAT, O_EXCL and O_TRUNC are ignored: the file exists).
 * No request is made (for an inline file, a first connection to its metadata server may be):
 * if the file was removed meanwhile, later calls on the descriptor fail as they do when a file
 * is removed while open.
 * Return: the new descriptor (>= 0), or -EINVAL (not an export, bad access mode), -EISDIR
 *   (a directory opened for writing), -EMFILE, -ENOMEM, -ENOTCONN.
 */
int benchfs_import(const void *buf, size_t len, int flags);

/**
 * benchfs_frefresh - read the file's record again and make the size this descriptor knows equal
 * to the published one, dropping a larger size it produced itself and has not published. For
 * use after another process set the size (MPI_File_set_size: one process truncates, the
 * others refresh). Waits for the descriptor's list I/O requests first.
 * Return: 0, or -EBADF, -ENOENT (removed), -ESTALE (the path now names another file),
 *   -ETIMEDOUT, -EIO.
 */
int benchfs_frefresh(int fd);

/**
 * benchfs_lock - take or release a byte-range lock on an open regular file, as fcntl(2)'s
 * F_SETLK/F_SETLKW do: @cmd F_SETLKW waits, F_SETLK fails at once with -EAGAIN; @type F_RDLCK
 * (shared), F_WRLCK (exclusive) or F_UNLCK; the range is [@start, @start + @len) bytes, @len 0
 * meaning to the end of the file (constants from <fcntl.h>).
 *
 * Locks are advisory and belong to the process (all its descriptors), like POSIX record locks;
 * a process's own locks never conflict with each other. They live on the server of the file's
 * first chunk and are granted in arrival order. Unlike POSIX, F_UNLCK releases every lock of the
 * process that overlaps the range, whole (no splitting), and also cancels a waiting request of
 * the process there. Locks of a process that dies are released when its server notices the
 * connection failed. Consistency: taking a lock refreshes the file size this process knows,
 * releasing one first publishes the size and mtime it produced, so data written under a lock
 * is seen whole by the next holder (what MPI-IO's atomic mode and shared file pointers need;
 * ROMIO's driver takes its locks here).
 * Return: 0, or -EBADF, -EINVAL (bad @cmd, @type or range, not a regular file), -EAGAIN
 *   (F_SETLK: held by another process), -ETIMEDOUT (F_SETLKW waited longer than the RPC
 *   timeout; the request is withdrawn), -ESHUTDOWN (the servers are stopping), -EIO.
 */
int benchfs_lock(int fd, int cmd, int type, off_t start, off_t len);

/* ---------------------------------------------------------------------------------------------
 * List I/O and non-blocking I/O
 *
 * A list operation moves several (memory buffer, file offset, length) segments of one file in
 * one call: every segment is cut at chunk boundaries and the pieces go to their servers as
 * concurrent requests (up to 128 in flight per operation, more started as replies come in), in
 * no particular order. This is the form MPI-IO's strided accesses take (ROMIO's "list I/O",
 * without data sieving and without locks). Segments may be given in any order; overlapping
 * segments of one write leave the overlap with bytes of either (as with POSIX lio_listio).
 */

/** One segment of a list operation. */
struct benchfs_ioseg {
	void *buf;     /* memory: source of a write, destination of a read */
	off_t offset;  /* file offset, bytes (>= 0) */
	size_t length; /* bytes; 0 is allowed and moves nothing */
};

/**
 * benchfs_pwritel - write the @nsegs segments of @segs to descriptor @fd.
 * Return: the total length written, or
 *   -EBADF  not open for writing;  -EINVAL  a negative offset, or the total overflows ssize_t;
 *   -EISDIR a directory;  -EFBIG a segment ends past BENCHFS_FILE_MAX (nothing is written);
 *   -ENOSPC, -ETIMEDOUT, -EIO as benchfs_pwrite() (some segments may have been written).
 * The size and mtime follow as for benchfs_pwrite().
 */
ssize_t benchfs_pwritel(int fd, const struct benchfs_ioseg *segs, size_t nsegs);

/**
 * benchfs_preadl - read the @nsegs segments of @segs from descriptor @fd.
 * Each segment is read as benchfs_pread() would read it: holes read as zeros, and bytes at or
 * past the end of file (the larger of the size this client knows and the end of the data the
 * servers hold) are not counted and their buffer bytes are left as they were.
 * Return: the number of bytes read (the segments' bytes below the end of file), or -EBADF,
 *   -EINVAL, -EISDIR, -ETIMEDOUT, -EIO.
 */
ssize_t benchfs_preadl(int fd, const struct benchfs_ioseg *segs, size_t nsegs);

/** A non-blocking list operation in flight (opaque). */
typedef struct benchfs_request benchfs_request_t;

/**
 * benchfs_ipwritel, benchfs_ipreadl - start benchfs_pwritel() / benchfs_preadl() and return
 * without waiting: *@req gets the request, which benchfs_test() or benchfs_wait() completes.
 * @segs is copied (the caller may reuse it at once); the buffers it points to must stay valid
 * and, for a read, untouched until the request completes. Requests progress whenever any call
 * of the library runs (benchfs_progress() being the cheapest), so several requests, and
 * computation between benchfs_progress() calls, overlap. benchfs_close() of @fd waits for its
 * requests first.
 * Return: 0 with *@req set, or the errors of the blocking form that are found before any
 *   request is sent (-EBADF, -EINVAL, -EISDIR, -EFBIG), or -ENOMEM; *@req is then NULL.
 */
int benchfs_ipwritel(int fd, const struct benchfs_ioseg *segs, size_t nsegs,
                     benchfs_request_t **req);
int benchfs_ipreadl(int fd, const struct benchfs_ioseg *segs, size_t nsegs,
                    benchfs_request_t **req);

/**
 * benchfs_test - progress, and complete @req if it has finished.
 * Return: 1 when finished: *@result (may be NULL) gets what the blocking form would have
 *   returned, and @req is freed; 0 when still in flight; -EINVAL for a NULL @req.
 * Thread-safety: a request is completed once, by one thread.
 */
int benchfs_test(benchfs_request_t *req, ssize_t *result);

/** benchfs_wait - wait for @req to finish, free it, and return the blocking form's result. */
ssize_t benchfs_wait(benchfs_request_t *req);

/**
 * benchfs_progress - move every request in flight along without blocking (reap replies, start
 * further pieces).
 * Return: 0, or -ENOTCONN when not attached. Cheap enough to call from an MPI progress hook.
 */
int benchfs_progress(void);

/**
 * benchfs_icreate_file - benchfs_create_file() without waiting: the request is in flight when
 * this returns 0, and benchfs_test()/benchfs_wait() give its result (0 or one of
 * benchfs_create_file's errors; -E2BIG when the metadata server's inline limit shrank since
 * it was learnt: call benchfs_create_file()). A file past the inline limit is created, written
 * and closed in this call (its errors are this call's), and its request is then finished
 * already. The @count bytes are
 * copied: @buf may be reused at once. Many in flight at once keep every metadata server busy
 * (stage-in does). Thread-safe (the client lock).
 * Return: 0 with *@req set, or -EINVAL (@req NULL, or as benchfs_create_file), -ENOENT,
 *   -ENOTDIR (the parent), -ENAMETOOLONG, -ENOMEM, -ENOTCONN at once (and, for a file past
 *   the limit, any error of benchfs_create_file).
 */
int benchfs_icreate_file(const char *path, mode_t mode, size_t chunk_size, const void *buf,
                         size_t count, const struct timespec times[2], benchfs_request_t **req);

/**
 * benchfs_istat, benchfs_ilstat, benchfs_iunlink, benchfs_imkdir, benchfs_iread_file - the
 * namespace calls benchfs_stat(), benchfs_lstat(), benchfs_unlink(), benchfs_mkdir() and
 * benchfs_read_file() without waiting: the call is in flight when this returns 0, and
 * benchfs_test()/benchfs_wait() give what the blocking form returns (0 or its negative errno;
 * for benchfs_iread_file the bytes read). *@st, and @buf's @count bytes, must stay valid until
 * then: they are filled in as the reply comes. Each is one request to the path's metadata
 * server, so a rank keeping many in flight (stage-out, benchfs-find -delete, a parallel scan)
 * has every server busy instead of one call at a time (as a batch of GekkoFS's or FINCHFS's
 * asynchronous calls would). The errors of each request are its own: an -EEXIST or -ENOENT is
 * delivered to the request of the path that had it. Work that only some calls need is done
 * when the request is completed (benchfs_test()/benchfs_wait() then make blocking requests):
 * the refinement of -ENOENT into -ENOTDIR, purging the chunks of an unlinked file whose bytes
 * were not inline, reading a file whose bytes are not inline. benchfs_imkdir() checks the
 * parent first (a blocking lookup unless this client knows it already). Thread-safe (the
 * client lock).
 * Return: 0 with *@req set; or, with *@req NULL, the errors found before any request is sent:
 *   -EINVAL (@req or @st NULL, a bad path, @buf NULL with @count > 0), -ENAMETOOLONG, -EEXIST
 *   (imkdir of the root), -EISDIR (iunlink and iread_file of the root), -ENOENT / -ENOTDIR
 *   (imkdir: the parent), -ENOMEM, -ENOTCONN.
 */
int benchfs_istat(const char *path, struct stat *st, benchfs_request_t **req);
int benchfs_ilstat(const char *path, struct stat *st, benchfs_request_t **req);
int benchfs_iunlink(const char *path, benchfs_request_t **req);
int benchfs_imkdir(const char *path, mode_t mode, benchfs_request_t **req);
int benchfs_iread_file(const char *path, void *buf, size_t count, struct stat *st,
                       benchfs_request_t **req);

/**
 * benchfs_lseek - move the descriptor's offset; POSIX lseek(2), whence SEEK_SET, SEEK_CUR,
 * SEEK_END. Return: the new offset, or -EBADF, or -EINVAL (bad @whence or negative result).
 */
off_t benchfs_lseek(int fd, off_t offset, int whence);

/**
 * benchfs_fsync - flush this file's data on every server to their storage and publish the
 * file's size and mtime to other clients. Return: 0, -EBADF, -EIO, -ETIMEDOUT.
 */
int benchfs_fsync(int fd);

/**
 * benchfs_ftruncate / benchfs_truncate - set a file's size; POSIX truncate(2).
 * Bytes past @length are discarded; growing leaves a hole that reads as zeros.
 * Return: 0, or -EBADF (ftruncate: not open for writing), -EINVAL (@length < 0),
 *   -EFBIG (@length > BENCHFS_FILE_MAX), -EISDIR, -ENOENT, -ENOTDIR, -ELOOP, -ETIMEDOUT, -EIO.
 */
int benchfs_ftruncate(int fd, off_t length);
int benchfs_truncate(const char *path, off_t length);

/* ---------------------------------------------------------------------------------------------
 * Attributes
 */

/**
 * benchfs_stat / benchfs_lstat / benchfs_fstat - file attributes; POSIX stat(2).
 *
 * Filled: st_ino, st_mode (type and permissions), st_nlink (1; 2 for directories), st_uid,
 * st_gid, st_size, st_blksize (the file's chunk size), st_blocks (size in 512-byte units,
 * rounded up), st_atim, st_mtim, st_ctim. st_dev is 0.
 * benchfs_stat() of a symbolic link gives -ELOOP (links are not followed); benchfs_lstat()
 * gives the link itself (S_IFLNK, st_size = length of the target).
 * Return: 0, or -ENOENT, -ENOTDIR, -ELOOP (stat only), -EINVAL, -ENAMETOOLONG, -EBADF (fstat),
 *   -ETIMEDOUT, -EIO.
 */
int benchfs_stat(const char *path, struct stat *st);
int benchfs_lstat(const char *path, struct stat *st);
int benchfs_fstat(int fd, struct stat *st);

/**
 * benchfs_fmode - the type and permission bits (st_mode) of the file open as @fd, as they were
 * when it was opened; no request (libbenchfs-posix.so tells directories from files with it).
 * Return: the mode (> 0), or -EBADF (@fd not open), -ENOTCONN.
 */
int benchfs_fmode(int fd);

/**
 * benchfs_lstat_flags - benchfs_lstat(), and the file's BenchFS flags (BENCHFS_FL_INCOMPLETE,
 * BENCHFS_FL_INLINE) in *@flags, from the same request.
 * Return: as benchfs_lstat(), and -EINVAL for a NULL @flags.
 */
int benchfs_lstat_flags(const char *path, struct stat *st, unsigned *flags);

/**
 * benchfs_utimens - set access and modification times of @path (not following a symlink);
 * POSIX utimensat(2) with AT_SYMLINK_NOFOLLOW. @times may be NULL (now), and either tv_nsec may
 * be UTIME_NOW or UTIME_OMIT. Return: 0, -ENOENT, -EINVAL, -ETIMEDOUT, -EIO.
 */
int benchfs_utimens(const char *path, const struct timespec times[2]);

/**
 * benchfs_futimens - set the access and modification times of the file open as @fd; POSIX
 * futimens(2). @times as for benchfs_utimens(). The times are published with the file's size at
 * its next benchfs_fsync() or benchfs_close() (one request for both, so a copy tool sets a
 * file's times at no extra cost); a write after this call sets the mtime to the time of the
 * write again, as POSIX says. This process's benchfs_fstat() sees them at once.
 * Return: 0, -EBADF, -EINVAL (a tv_nsec out of range).
 */
int benchfs_futimens(int fd, const struct timespec times[2]);

/**
 * benchfs_chmod - set the permission bits (07777) of @path; POSIX chmod(2) but not following
 * symlinks. Return: 0, -ENOENT, -EINVAL, -ETIMEDOUT, -EIO.
 */
int benchfs_chmod(const char *path, mode_t mode);

/* ---------------------------------------------------------------------------------------------
 * Namespace
 */

/**
 * benchfs_unlink - remove a file or symbolic link and its data; POSIX unlink(2).
 * Return: 0, or -ENOENT, -EISDIR (a directory: use benchfs_rmdir), -ENOTDIR, -EINVAL,
 *   -ETIMEDOUT, -EIO.
 */
int benchfs_unlink(const char *path);

/**
 * benchfs_mkdir - create a directory; POSIX mkdir(2). The parent must exist.
 * Return: 0, or -EEXIST, -ENOENT (parent missing), -ENOTDIR (parent not a directory), -EINVAL,
 *   -ENAMETOOLONG, -ETIMEDOUT, -EIO.
 */
int benchfs_mkdir(const char *path, mode_t mode);

/**
 * benchfs_rmdir - remove an empty directory; POSIX rmdir(2). Every server is asked whether it
 * holds an entry below @path.
 * Return: 0, or -ENOENT, -ENOTDIR, -ENOTEMPTY, -EBUSY (@path is "/"), -EINVAL, -ETIMEDOUT, -EIO.
 */
int benchfs_rmdir(const char *path);

/**
 * benchfs_rename - rename a file or symbolic link (not a directory); POSIX rename(2).
 * An existing file at @newpath is replaced and its data removed.
 * Return: 0, or -ENOENT (@oldpath missing, or @newpath's parent missing), -EISDIR (@newpath is a
 *   directory), -EXDEV (@oldpath is a directory: directory rename is not supported), -ENOTDIR,
 *   -EINVAL (@newpath is below @oldpath), -ETIMEDOUT, -EIO.
 */
int benchfs_rename(const char *oldpath, const char *newpath);

/**
 * benchfs_symlink - create a symbolic link @linkpath holding @target (any string of
 * 1..BENCHFS_PATH_MAX bytes; it is not checked or resolved); POSIX symlink(2).
 * Return: 0, or -EEXIST, -ENOENT (parent missing), -ENOTDIR, -EINVAL, -ENAMETOOLONG,
 *   -ETIMEDOUT, -EIO.
 */
int benchfs_symlink(const char *target, const char *linkpath);

/**
 * benchfs_readlink - copy the target of symbolic link @path into @buf (no NUL added; truncated
 * to @bufsize bytes); POSIX readlink(2).
 * Return: the number of bytes placed in @buf, or -ENOENT, -EINVAL (not a symlink), -ETIMEDOUT,
 *   -EIO.
 */
ssize_t benchfs_readlink(const char *path, char *buf, size_t bufsize);

/* ---------------------------------------------------------------------------------------------
 * Directories
 */

/** One directory entry, as benchfs_readdir() returns it. */
struct benchfs_dirent {
	uint64_t d_ino;                    /**< inode number */
	unsigned char d_type;              /**< DT_REG, DT_DIR or DT_LNK */
	char d_name[BENCHFS_NAME_MAX + 1]; /**< NUL-terminated name */
};

typedef struct benchfs_dir benchfs_dir_t;

/**
 * benchfs_opendir - open a directory stream; POSIX opendir(3).
 * The entries are fetched from every server (a directory's entries are spread over them) in
 * pages, as the stream is read. "." and ".." are not returned.
 * Return: 0 and *@dirp set, or -ENOENT, -ENOTDIR, -ENOMEM, -EINVAL, -ETIMEDOUT, -EIO.
 */
int benchfs_opendir(const char *path, benchfs_dir_t **dirp);

/**
 * benchfs_readdir - next entry of @dir; POSIX readdir(3).
 * Return: 1 and *@ent set (valid until the next call on @dir), 0 at the end, or -ETIMEDOUT,
 *   -EIO. Entries created or removed while the stream is read may or may not be returned.
 */
int benchfs_readdir(benchfs_dir_t *dir, struct benchfs_dirent **ent);

/** benchfs_opendir_flags() flag: fetch each entry's attributes with the names. */
#define BENCHFS_DIR_STAT 0x1

/**
 * benchfs_opendir_flags - benchfs_opendir() with @flags: 0, or BENCHFS_DIR_STAT, with which
 * each page of entries carries the entries' attributes (one request per server and page, as
 * for names only; pages hold fewer entries), so that benchfs_readdir_stat() needs no request of
 * its own (what `ls -l` and a copy of a tree want: a readdir with attributes, as NFSv3's
 * READDIRPLUS).
 * Return: as benchfs_opendir(), plus -EINVAL for an unknown flag.
 */
int benchfs_opendir_flags(const char *path, int flags, benchfs_dir_t **dirp);

/**
 * benchfs_readdir_stat - benchfs_readdir(), and the entry's attributes into *@st as
 * benchfs_lstat() gives them (a symlink's own), and its BENCHFS_FL_* flags into *@flags (may be
 * NULL). On a stream opened with BENCHFS_DIR_STAT the attributes are those the entry had when
 * its page was read (the size a descriptor of this process knows is taken in, as by
 * benchfs_lstat()); on another stream each entry costs a lookup, and an entry removed since
 * the page was read is skipped.
 * Return: 1, 0 at the end, or -EINVAL (@st NULL), -ETIMEDOUT, -EIO. Not thread-safe on one
 * @dir (as benchfs_readdir()).
 */
int benchfs_readdir_stat(benchfs_dir_t *dir, struct benchfs_dirent **ent, struct stat *st,
                         unsigned *flags);

/** benchfs_closedir - free @dir. Return: 0. */
int benchfs_closedir(benchfs_dir_t *dir);

/* ---------------------------------------------------------------------------------------------
 * Parallel find (server-side scan, as CHFS's and FINCHFS's find)
 */

/** Predicates of benchfs_find(); an entry is returned when it passes all that are set. */
struct benchfs_find_filter {
	const char *name;    /**< fnmatch(3) glob on the last component, or NULL */
	mode_t type;         /**< S_IFREG, S_IFDIR or S_IFLNK, or 0 for any */
	int size_cmp;        /**< 0: no size test; -1: less, 1: more, 2: exactly (GNU find -size) */
	uint64_t size_units; /**< N of -size: compared with ceil(st_size / size_unit) */
	uint64_t
	    size_unit; /**< bytes per unit: 1 (c), 512 (b, default), 1024 (k), 2^20 (M), 2^30 (G) */
	int newer;     /**< 1: only entries whose mtime is later than newer_than */
	struct timespec newer_than;
	int incomplete; /**< 1: only files marked incomplete (BENCHFS_FL_INCOMPLETE) */
};

/** One entry found; @path is the full path, valid during the callback only. */
struct benchfs_find_entry {
	const char *path;
	mode_t mode;
	uint64_t size;
	struct timespec mtime;
	unsigned flags; /**< BENCHFS_FL_INCOMPLETE */
};

/**
 * benchfs_find - list every entry strictly below @path held by server @server that passes
 * @filter, calling @cb for each (in the server's key order). @path itself is not reported.
 * The scan runs on the server; only matching entries cross the network, in pages.
 * Calling it for every server 0..benchfs_server_count()-1 (in parallel from several processes,
 * as benchfs-find does) lists the whole tree below @path.
 * @cb returns 0 to go on or non-zero to stop; that value is then returned.
 * Return: 0, @cb's stop value, or -EINVAL (bad path, bad @server), -ETIMEDOUT, -EIO.
 */
int benchfs_find(int server, const char *path, const struct benchfs_find_filter *filter,
                 int (*cb)(const struct benchfs_find_entry *entry, void *arg), void *arg);

/**
 * benchfs_find_match - whether one entry (mode, size, mtime, last component @name) passes
 * @filter; the same test the servers apply. Tools use it for the starting point of a find.
 * Return: 1 if it passes, 0 if not.
 */
int benchfs_find_match(const struct benchfs_find_filter *filter, const char *name, mode_t mode,
                       uint64_t size, const struct timespec *mtime);

/* ---------------------------------------------------------------------------------------------
 * Server metrics: benchfs_server_stats() and its helpers are declared in benchfs_stats.h,
 * which this header includes.
 */

/**
 * benchfs_strerror - text for a BenchFS return value (a negative errno): strerror(-err).
 */
const char *benchfs_strerror(int err);

#ifdef __cplusplus
}
#endif
#endif /* BENCHFS_H */
