/*
 * wire.h - every BenchFS request and reply, as they travel in UCX active messages.
 *
 * A message is one UCX AM: its AM header is a fixed-size, little-endian BenchFS header
 * (BFS_WIRE_REQ_SIZE bytes for requests, BFS_WIRE_REP_SIZE for replies); its AM data is the
 * payload: up to three strings (paths, names, globs) back to back for namespace requests, the
 * bytes for WRITE requests and READ replies, packed entries for READDIR and FIND replies.
 * Requests go to AM id BFS_AM_REQ on a server, replies to AM id BFS_AM_REP on the client.
 *
 * Request header layout (all little-endian, offsets in bytes):
 *    0 u32 magic "BFS1" (0x31534642)   4 u8 version   5 u8 op   6 u16 flags
 *    8 u64 reqid                       16 u64 secret
 *   24 u64 ino                         32 u64 offset        40 u64 length
 *   48 u32 mode   52 u32 uid   56 u32 gid   60 u32 chunk_size
 *   64 u64 size                        72 s64 atime_ns      80 s64 mtime_ns
 *   88 u32 len[0]  92 u32 len[1]  96 u32 len[2]  100 u32 max   104 u32 client
 *   108..127 reserved (zero)
 * Reply header layout:
 *    0 u32 magic   4 u8 version   5 u8 op   6 u16 flags
 *    8 u64 reqid  16 s32 status (0 or -errno; >= 0 byte count for READ/WRITE)  20 u32 count
 *   24 u64 length (payload bytes)   32..95 inode record (bfs_inode, see below)  96..127 reserved
 *
 * Inode record (also the LMDB value, followed there by a symlink's target):
 *    0 u64 ino   8 u32 mode   12 u32 uid   16 u32 gid   20 u32 chunk_size   24 u64 size
 *   32 s64 atime_ns   40 s64 mtime_ns   48 s64 ctime_ns   56 u32 target_len   60 u32 flags
 * (flags: BFS_INODE_INCOMPLETE, BFS_INODE_INLINE; records written before version 2 hold 0
 * there). Version 3 added the inline ops (IWRITE, IREAD, MIGRATE) and BFS_INODE_INLINE.
 */
#ifndef BFS_WIRE_H
#define BFS_WIRE_H

#include <stddef.h>
#include <stdint.h>

#define BFS_WIRE_MAGIC      0x31534642u /* "BFS1" little-endian */
#define BFS_WIRE_VERSION    3
#define BFS_WIRE_REQ_SIZE   128
#define BFS_WIRE_REP_SIZE   128
#define BFS_WIRE_INODE_SIZE 64
#define BFS_WIRE_NSTR       3

/* UCX active message ids */
#define BFS_AM_REQ 11
#define BFS_AM_REP 12

/** Operations. Namespace ops go to the server of the path's record; data ops to the server of
 *  a chunk (or to every server that may hold chunks of the inode). */
enum bfs_op {
	BFS_OP_NONE = 0,
	/* namespace: str[0] = normalized path */
	BFS_OP_CREATE = 1,   /* create a record: mode (type + perms), uid, gid, chunk_size,
	                        str[1] = symlink target; flags BFS_F_EXCL, BFS_F_INCOMPLETE (a
	                        new record gets BFS_INODE_INCOMPLETE), BFS_F_WITH_DATA (a new
	                        inline file holding the length bytes after the strings, with
	                        atime_ns and mtime_ns (0: now); -E2BIG past its inline limit).
	                        Reply: the inode (existing one when it existed and no EXCL). */
	BFS_OP_LOOKUP = 2,   /* reply: the inode, payload = symlink target; flag
	                        BFS_F_WITH_DATA: an inline file's bytes, at most max of them
	                        (reply count = 1 when they are the payload) */
	BFS_OP_REMOVE = 3,   /* remove a record; flags BFS_F_DIR (must be a directory) or
	                        BFS_F_NOTDIR (must not be); ino != 0: only if it still has that
	                        ino. Reply: the removed inode */
	BFS_OP_SETATTR = 4,  /* flags BFS_F_SIZE_MAX | BFS_F_SIZE | BFS_F_ATIME | BFS_F_MTIME |
	                        BFS_F_MODE | BFS_F_COMPLETE (clear BFS_INODE_INCOMPLETE); size,
	                        atime_ns, mtime_ns, mode. Reply: new inode */
	BFS_OP_PUT = 5,      /* rename's insert: write the record carried in the request (ino,
	                        mode, ..., length = inode flags; str[1] target) at str[0],
	                        replacing a non-directory.
	                        Reply: the replaced inode (ino 0 when none) */
	BFS_OP_READDIR = 6,  /* str[0] = directory, str[1] = resume after this name ("" = start),
	                        max = payload byte budget, flag BFS_F_ATTRS: each entry carries
	                        its inode record. Reply: count entries, flag BFS_F_MORE */
	BFS_OP_FIND = 7,     /* str[0] = top, str[1] = resume after the key of this path (""
	                        = start), str[2] = name glob;
	                        mode = S_IFMT type or 0, flags BFS_F_SIZE_LT/GT/EQ with size =
	                        units and offset = unit bytes, BFS_F_NEWER with mtime_ns,
	                        BFS_F_ONLY_INCOMPLETE. Reply: count entries, flag BFS_F_MORE */
	BFS_OP_HASCHILD = 8, /* str[0] = directory; reply status 0 and count = 1 when this
	                        server holds an entry below it */
	/* inline data (a file whose record is marked BFS_INODE_INLINE): str[0] = path, ino =
	   the file's (another inode there: -ENOENT). A reply with BFS_F_CHUNKED says the file
	   is not inline (any more): its data is on the chunk servers. -EAGAIN: a migration of
	   the file is in progress, ask again. Every reply carries the record. */
	BFS_OP_IWRITE = 9,   /* offset, length = bytes following the strings in the payload,
	                        mtime_ns. Reply status = bytes written; -E2BIG when the write
	                        ends past the file's inline limit (migrate first) */
	BFS_OP_IREAD = 10,   /* offset, length. Reply status = bytes (short only at the end of
	                        file; zeros where nothing was written), payload */
	BFS_OP_MIGRATE = 11, /* begin moving the data to the chunk servers: reply status = bytes
	                        held, payload = them (the client drops what chunk 0's server
	                        holds of the inode, writes them to chunk 0, then
	                        sends flag BFS_F_DONE); with nothing held, the record is
	                        unmarked at once (BFS_F_CHUNKED). Until BFS_F_DONE, BFS_F_ABORT
	                        or the client's end, IWRITE and truncates get -EAGAIN */
	/* data: ino, offset = file offset, length = bytes */
	BFS_OP_WRITE = 16,    /* payload = bytes. Reply status = bytes written */
	BFS_OP_READ = 17,     /* reply status = bytes read (short at the object's end), payload */
	BFS_OP_TRUNCATE = 18, /* size = new file size: drop this server's bytes past it */
	BFS_OP_PURGE = 19,    /* remove this server's object of ino */
	BFS_OP_FSYNC = 20,    /* flush this server's object of ino */
	BFS_OP_LOCK = 21,     /* byte-range lock of ino [offset, offset + length) for this client
	                         (length 0: to the end of file); flags BFS_F_WRLOCK (exclusive,
	                         else shared), BFS_F_NOWAIT (-EAGAIN instead of queueing). Sent to
	                         the server of the file's chunk 0; the reply waits for the grant */
	BFS_OP_UNLOCK = 22,   /* release this client's locks of ino within the range, and cancel
	                         its queued ones there (they get -ECANCELED) */
	/* control */
	BFS_OP_PING = 32,     /* reply: count = server index, size = server count */
	BFS_OP_SHUTDOWN = 33, /* flush everything, reply, stop serving */
	BFS_OP_HELLO = 34,    /* payload = the client's UCX worker address: the server makes its
	                         own endpoint to it (replies never use UCX's internal reply
	                         endpoint, which UCX frees when the client dies). Reply: count =
	                         the client id to put in every later request, inode.size = the
	                         server's inline limit (bytes, 0: none). Flag BFS_F_REPLACE:
	                         ino = the client's earlier id on this server, released first */
	BFS_OP_STATS = 35,    /* flags BFS_F_RESET. Reply: payload = the server's metrics
	                         (common/stats.h) */
	BFS_OP_BYE = 36,      /* the client (id in the header) detaches: the server closes its
	                         endpoint to it and may hand the id to a later client */
	BFS_OP_STATFS = 37,   /* reply payload: BFS_WIRE_STATFS_SIZE bytes, 5 u64 LE: bytes total,
	                         free and available to users of the storage under the data
	                         directory (the memory store: the node's memory), inode records
	                         held, and a key of that storage (host and file system) */
	BFS_OP_MAX = 38
};

/* request and reply flags */
#define BFS_F_EXCL       0x0001
#define BFS_F_DIR        0x0002
#define BFS_F_NOTDIR     0x0004
#define BFS_F_SIZE_MAX   0x0008
#define BFS_F_SIZE       0x0010
#define BFS_F_ATIME      0x0020
#define BFS_F_MTIME      0x0040
#define BFS_F_MODE       0x0080
#define BFS_F_SIZE_LT    0x0100
#define BFS_F_SIZE_GT    0x0200
#define BFS_F_SIZE_EQ    0x0400
#define BFS_F_NEWER      0x0800
#define BFS_F_MORE       0x1000 /* reply: more entries follow in another page */
#define BFS_F_WRLOCK     0x2000
#define BFS_F_NOWAIT     0x4000
#define BFS_F_RESET      0x8000 /* STATS: zero the counters after reading them */
#define BFS_F_REPLACE    0x0001 /* HELLO: ino holds the id this client had before */
#define BFS_F_INCOMPLETE 0x0100 /* CREATE: the new record is marked BFS_INODE_INCOMPLETE */
#define BFS_F_COMPLETE   0x0100 /* SETATTR: the file is complete (clear BFS_INODE_INCOMPLETE) */
#define BFS_F_WITH_DATA                                                                            \
	0x0200                       /* CREATE: the file's bytes follow the strings; LOOKUP: an    \
	                                inline file's bytes come with the record */
#define BFS_F_ONLY_INCOMPLETE 0x0001 /* FIND: only records marked BFS_INODE_INCOMPLETE */
#define BFS_F_ATTRS           0x0001 /* READDIR: entries with their inode records */
#define BFS_F_DONE            0x0001 /* MIGRATE: the data is on the chunk servers */
#define BFS_F_CHUNKED         0x0002 /* reply of IWRITE/IREAD/MIGRATE: not an inline file */
#define BFS_F_ABORT           0x0004 /* MIGRATE: the move failed, the record stays inline */

/* inode record flags (struct bfs_inode.flags, the public BENCHFS_FL_*) */
#define BFS_INODE_INCOMPLETE 0x1u /* a copy into this file has not finished */
#define BFS_INODE_INLINE     0x2u /* the file's data is in its record (target_len bytes) */
#define BFS_INODE_FLAGS      0x3u /* every flag this version knows */

/* the most data a record may hold (a server's BENCHFS_INLINE_MAX is capped here), bytes */
#define BFS_INLINE_LIMIT   (1u << 20)
#define BFS_INLINE_DEFAULT (64u << 10)

/** An inode record, host order. */
struct bfs_inode {
	uint64_t ino;
	uint32_t mode;
	uint32_t uid;
	uint32_t gid;
	uint32_t chunk_size;
	uint64_t size;
	int64_t atime_ns;
	int64_t mtime_ns;
	int64_t ctime_ns;
	uint32_t target_len; /* bytes that follow the record in LMDB: a symlink's target, an
	                        inline file's data (BFS_INODE_INLINE; zeros from there to size) */
	uint32_t flags;      /* BFS_INODE_* */
};

/** A request header, host order. */
struct bfs_req {
	uint8_t version;
	uint8_t op;
	uint16_t flags;
	uint64_t reqid;
	uint64_t secret;
	uint64_t ino;
	uint64_t offset;
	uint64_t length;
	uint32_t mode;
	uint32_t uid;
	uint32_t gid;
	uint32_t chunk_size;
	uint64_t size;
	int64_t atime_ns;
	int64_t mtime_ns;
	uint32_t len[BFS_WIRE_NSTR]; /* bytes of each payload string, no NUL on the wire */
	uint32_t max;
	uint32_t client; /* the id HELLO gave this client on this server */
};

/** A reply header, host order. */
struct bfs_rep {
	uint8_t version;
	uint8_t op;
	uint16_t flags;
	uint64_t reqid;
	int32_t status;
	uint32_t count;
	uint64_t length;
	struct bfs_inode inode;
};

/** Encode @r into @buf (BFS_WIRE_REQ_SIZE bytes). Sets magic and version. */
void bfs_wire_encode_req(const struct bfs_req *r, void *buf);
/**
 * bfs_wire_decode_req - check and decode a request header of @len bytes.
 * Return 0, or -EBADMSG (length not BFS_WIRE_REQ_SIZE, bad magic, op unknown, reserved bytes not
 * zero), -EPROTO (version differs).
 */
int bfs_wire_decode_req(const void *buf, size_t len, struct bfs_req *r);

void bfs_wire_encode_rep(const struct bfs_rep *r, void *buf);
/** As bfs_wire_decode_req() for replies. */
int bfs_wire_decode_rep(const void *buf, size_t len, struct bfs_rep *r);

void bfs_wire_encode_inode(const struct bfs_inode *ino, void *buf);
/** Decode an inode record; -EBADMSG when @len < BFS_WIRE_INODE_SIZE. */
int bfs_wire_decode_inode(const void *buf, size_t len, struct bfs_inode *ino);

/**
 * bfs_wire_strings - split a request payload of @len bytes into the strings the header
 * announces: str[i] points into @payload, slen[i] = r->len[i]. Checks that the lengths and the
 * tail (bfs_wire_tail) add up to @len exactly, that str[0] (when the op needs a path) is non-empty
 * and starts with '/', and that no string holds a NUL byte. Return 0 or -EBADMSG.
 */
int bfs_wire_strings(const struct bfs_req *r, const void *payload, size_t len,
                     const char *str[BFS_WIRE_NSTR], size_t slen[BFS_WIRE_NSTR]);

/*
 * Entries of READDIR reply payloads: u64 ino, u8 d_type, u16 name_len, name bytes; with
 * BFS_F_ATTRS, the entry's inode record (BFS_WIRE_INODE_SIZE bytes) follows each.
 * Entries of FIND reply payloads: u32 mode (bits 0-15 the st_mode, bits 16-31 the inode's
 * flags), u64 size, s64 mtime_ns, u16 key_len, key bytes (the metadata key, see path.h). The
 * last FIND entry's key is the resume point.
 */
#define BFS_WIRE_STATFS_SIZE   40
#define BFS_WIRE_DIRENT_FIXED  11
#define BFS_WIRE_FINDENT_FIXED 22

/** Append a READDIR entry at @buf + *@pos (capacity @cap). Return 0 or -ENOSPC (no room). */
int bfs_wire_put_dirent(void *buf, size_t cap, size_t *pos, uint64_t ino, uint8_t type,
                        const char *name, size_t name_len);
/** Read the READDIR entry at *@pos of @buf (@len bytes); *@name points into @buf.
 *  Return 0, or -EBADMSG when it runs past @len. */
int bfs_wire_get_dirent(const void *buf, size_t len, size_t *pos, uint64_t *ino, uint8_t *type,
                        const char **name, size_t *name_len);
/** Append a READDIR entry with its inode record @rec (BFS_F_ATTRS): as bfs_wire_put_dirent. */
int bfs_wire_put_dirent_rec(void *buf, size_t cap, size_t *pos, const struct bfs_inode *rec,
                            uint8_t type, const char *name, size_t name_len);
/** Read a READDIR entry with its inode record into *@rec: as bfs_wire_get_dirent (the entry's
 *  ino is rec->ino). */
int bfs_wire_get_dirent_rec(const void *buf, size_t len, size_t *pos, struct bfs_inode *rec,
                            uint8_t *type, const char **name, size_t *name_len);
int bfs_wire_put_findent(void *buf, size_t cap, size_t *pos, uint32_t mode, uint64_t size,
                         int64_t mtime_ns, const char *key, size_t key_len);
int bfs_wire_get_findent(const void *buf, size_t len, size_t *pos, uint32_t *mode, uint64_t *size,
                         int64_t *mtime_ns, const char **key, size_t *key_len);

/** STATFS reply payload, host order (BFS_WIRE_STATFS_SIZE bytes on the wire). */
struct bfs_statfs {
	uint64_t total; /* bytes of the storage under the data directory */
	uint64_t free;  /* bytes free there */
	uint64_t avail; /* bytes free to unprivileged users */
	uint64_t files; /* inode records this server holds */
	uint64_t key;   /* equal for servers sharing that storage (same host and file system) */
};
void bfs_wire_encode_statfs(const struct bfs_statfs *st, void *buf);
void bfs_wire_decode_statfs(const void *buf, struct bfs_statfs *st);

/** bfs_wire_tail - bytes of request @r's payload that follow its strings (IWRITE's data, a
 *  CREATE's with BFS_F_WITH_DATA). */
static inline uint64_t bfs_wire_tail(const struct bfs_req *r)
{
	if (r->op == BFS_OP_IWRITE || (r->op == BFS_OP_CREATE && (r->flags & BFS_F_WITH_DATA)))
		return r->length;
	return 0;
}

/** bfs_wire_op_name - printable name of an op ("write", ...), "?" when unknown. */
const char *bfs_wire_op_name(unsigned op);

#endif
