/*
 * wire.c - encoding and checked decoding of BenchFS request/reply headers, inode records and
 * the packed entries of READDIR and FIND replies. Layouts are documented in wire.h; every
 * multi-byte field is little-endian and written byte by byte, so the code is independent of
 * the host's byte order and alignment.
 */
#include "net/wire.h"

#include <errno.h>
#include <string.h>

#include "benchfs.h"
#include "common/util.h"

/* byte offsets of the request header fields */
#define REQ_MAGIC    0
#define REQ_VERSION  4
#define REQ_OP       5
#define REQ_FLAGS    6
#define REQ_REQID    8
#define REQ_SECRET   16
#define REQ_INO      24
#define REQ_OFFSET   32
#define REQ_LENGTH   40
#define REQ_MODE     48
#define REQ_UID      52
#define REQ_GID      56
#define REQ_CHUNK    60
#define REQ_SIZE     64
#define REQ_ATIME    72
#define REQ_MTIME    80
#define REQ_LEN0     88
#define REQ_MAX      100
#define REQ_CLIENT   104
#define REQ_RESERVED 108

/* byte offsets of the reply header fields */
#define REP_MAGIC    0
#define REP_VERSION  4
#define REP_OP       5
#define REP_FLAGS    6
#define REP_REQID    8
#define REP_STATUS   16
#define REP_COUNT    20
#define REP_LENGTH   24
#define REP_INODE    32
#define REP_RESERVED 96

/* byte offsets of the inode record fields */
#define INO_INO   0
#define INO_MODE  8
#define INO_UID   12
#define INO_GID   16
#define INO_CHUNK 20
#define INO_SIZE  24
#define INO_ATIME 32
#define INO_MTIME 40
#define INO_CTIME 48
#define INO_TLEN  56
#define INO_FLAGS 60

/* put_u16 - store @v little-endian at @p. */
static inline void put_u16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

/* put_u32 - store @v little-endian at @p. */
static inline void put_u32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* put_u64 - store @v little-endian at @p. */
static inline void put_u64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* get_u16 - load a little-endian u16 from @p. */
static inline uint16_t get_u16(const uint8_t *p)
{
	return (uint16_t)(p[0] | (uint16_t)p[1] << 8);
}

/* get_u32 - load a little-endian u32 from @p. */
static inline uint32_t get_u32(const uint8_t *p)
{
	uint32_t v = 0;

	for (int i = 3; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

/* get_u64 - load a little-endian u64 from @p. */
static inline uint64_t get_u64(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

/* get_s64 - load a little-endian two's complement s64 from @p (no implementation-defined
 * conversion: negative values are rebuilt explicitly). */
static inline int64_t get_s64(const uint8_t *p)
{
	uint64_t v = get_u64(p);

	if (v <= (uint64_t)INT64_MAX)
		return (int64_t)v;
	return -(int64_t)(~v) - 1;
}

/* get_s32 - load a little-endian two's complement s32 from @p. */
static inline int32_t get_s32(const uint8_t *p)
{
	uint32_t v = get_u32(p);

	if (v <= (uint32_t)INT32_MAX)
		return (int32_t)v;
	return -(int32_t)(~v) - 1;
}

/* all_zero - 1 when the @n bytes at @p are all zero. */
static int all_zero(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return 0;
	return 1;
}

/* op_known - 1 when @op is an operation of this protocol version. */
static int op_known(unsigned op)
{
	return (op >= BFS_OP_CREATE && op <= BFS_OP_MIGRATE) ||
	       (op >= BFS_OP_WRITE && op <= BFS_OP_UNLOCK) ||
	       (op >= BFS_OP_PING && op <= BFS_OP_STATFS);
}

/* check_head - common checks of a request or reply header: magic, version, op (a reply may
 * carry BFS_OP_NONE: the answer to a request that did not decode). Return 0, -EBADMSG or
 * -EPROTO. */
static int check_head(const uint8_t *p, int reply)
{
	if (get_u32(p) != BFS_WIRE_MAGIC)
		return -EBADMSG;
	if (p[4] != BFS_WIRE_VERSION)
		return -EPROTO;
	if (!op_known(p[5]) && !(reply && p[5] == BFS_OP_NONE))
		return -EBADMSG;
	return 0;
}

/* encode_inode_at - write inode record @ino at @p (BFS_WIRE_INODE_SIZE bytes). */
static void encode_inode_at(uint8_t *p, const struct bfs_inode *ino)
{
	put_u64(p + INO_INO, ino->ino);
	put_u32(p + INO_MODE, ino->mode);
	put_u32(p + INO_UID, ino->uid);
	put_u32(p + INO_GID, ino->gid);
	put_u32(p + INO_CHUNK, ino->chunk_size);
	put_u64(p + INO_SIZE, ino->size);
	put_u64(p + INO_ATIME, (uint64_t)ino->atime_ns);
	put_u64(p + INO_MTIME, (uint64_t)ino->mtime_ns);
	put_u64(p + INO_CTIME, (uint64_t)ino->ctime_ns);
	put_u32(p + INO_TLEN, ino->target_len);
	put_u32(p + INO_FLAGS, ino->flags);
}

/* decode_inode_at - read the inode record at @p (BFS_WIRE_INODE_SIZE bytes) into @ino. */
static void decode_inode_at(const uint8_t *p, struct bfs_inode *ino)
{
	ino->ino = get_u64(p + INO_INO);
	ino->mode = get_u32(p + INO_MODE);
	ino->uid = get_u32(p + INO_UID);
	ino->gid = get_u32(p + INO_GID);
	ino->chunk_size = get_u32(p + INO_CHUNK);
	ino->size = get_u64(p + INO_SIZE);
	ino->atime_ns = get_s64(p + INO_ATIME);
	ino->mtime_ns = get_s64(p + INO_MTIME);
	ino->ctime_ns = get_s64(p + INO_CTIME);
	ino->target_len = get_u32(p + INO_TLEN);
	ino->flags = get_u32(p + INO_FLAGS);
}

/* bfs_wire_encode_req - serialize request header @r into @buf (BFS_WIRE_REQ_SIZE bytes). */
void bfs_wire_encode_req(const struct bfs_req *r, void *buf)
{
	uint8_t *p = buf;

	put_u32(p + REQ_MAGIC, BFS_WIRE_MAGIC);
	p[REQ_VERSION] = BFS_WIRE_VERSION;
	p[REQ_OP] = r->op;
	put_u16(p + REQ_FLAGS, r->flags);
	put_u64(p + REQ_REQID, r->reqid);
	put_u64(p + REQ_SECRET, r->secret);
	put_u64(p + REQ_INO, r->ino);
	put_u64(p + REQ_OFFSET, r->offset);
	put_u64(p + REQ_LENGTH, r->length);
	put_u32(p + REQ_MODE, r->mode);
	put_u32(p + REQ_UID, r->uid);
	put_u32(p + REQ_GID, r->gid);
	put_u32(p + REQ_CHUNK, r->chunk_size);
	put_u64(p + REQ_SIZE, r->size);
	put_u64(p + REQ_ATIME, (uint64_t)r->atime_ns);
	put_u64(p + REQ_MTIME, (uint64_t)r->mtime_ns);
	for (int i = 0; i < BFS_WIRE_NSTR; i++)
		put_u32(p + REQ_LEN0 + 4 * i, r->len[i]);
	put_u32(p + REQ_MAX, r->max);
	put_u32(p + REQ_CLIENT, r->client);
	memset(p + REQ_RESERVED, 0, BFS_WIRE_REQ_SIZE - REQ_RESERVED);
}

/* bfs_wire_decode_req - check and deserialize a request header (see wire.h). */
int bfs_wire_decode_req(const void *buf, size_t len, struct bfs_req *r)
{
	const uint8_t *p = buf;
	int ret;

	if (!p || len != BFS_WIRE_REQ_SIZE)
		return -EBADMSG;
	ret = check_head(p, 0);
	if (ret)
		return ret;
	if (!all_zero(p + REQ_RESERVED, BFS_WIRE_REQ_SIZE - REQ_RESERVED))
		return -EBADMSG;
	r->version = p[REQ_VERSION];
	r->op = p[REQ_OP];
	r->flags = get_u16(p + REQ_FLAGS);
	r->reqid = get_u64(p + REQ_REQID);
	r->secret = get_u64(p + REQ_SECRET);
	r->ino = get_u64(p + REQ_INO);
	r->offset = get_u64(p + REQ_OFFSET);
	r->length = get_u64(p + REQ_LENGTH);
	r->mode = get_u32(p + REQ_MODE);
	r->uid = get_u32(p + REQ_UID);
	r->gid = get_u32(p + REQ_GID);
	r->chunk_size = get_u32(p + REQ_CHUNK);
	r->size = get_u64(p + REQ_SIZE);
	r->atime_ns = get_s64(p + REQ_ATIME);
	r->mtime_ns = get_s64(p + REQ_MTIME);
	for (int i = 0; i < BFS_WIRE_NSTR; i++)
		r->len[i] = get_u32(p + REQ_LEN0 + 4 * i);
	r->max = get_u32(p + REQ_MAX);
	r->client = get_u32(p + REQ_CLIENT);
	return 0;
}

/* bfs_wire_encode_rep - serialize reply header @r into @buf (BFS_WIRE_REP_SIZE bytes). */
void bfs_wire_encode_rep(const struct bfs_rep *r, void *buf)
{
	uint8_t *p = buf;

	put_u32(p + REP_MAGIC, BFS_WIRE_MAGIC);
	p[REP_VERSION] = BFS_WIRE_VERSION;
	p[REP_OP] = r->op;
	put_u16(p + REP_FLAGS, r->flags);
	put_u64(p + REP_REQID, r->reqid);
	put_u32(p + REP_STATUS, (uint32_t)r->status);
	put_u32(p + REP_COUNT, r->count);
	put_u64(p + REP_LENGTH, r->length);
	encode_inode_at(p + REP_INODE, &r->inode);
	memset(p + REP_RESERVED, 0, BFS_WIRE_REP_SIZE - REP_RESERVED);
}

/* bfs_wire_decode_rep - check and deserialize a reply header; inode flags unknown to this
 * version are refused. */
int bfs_wire_decode_rep(const void *buf, size_t len, struct bfs_rep *r)
{
	const uint8_t *p = buf;
	int ret;

	if (!p || len != BFS_WIRE_REP_SIZE)
		return -EBADMSG;
	ret = check_head(p, 1);
	if (ret)
		return ret;
	if ((get_u32(p + REP_INODE + INO_FLAGS) & ~BFS_INODE_FLAGS) ||
	    !all_zero(p + REP_RESERVED, BFS_WIRE_REP_SIZE - REP_RESERVED))
		return -EBADMSG;
	r->version = p[REP_VERSION];
	r->op = p[REP_OP];
	r->flags = get_u16(p + REP_FLAGS);
	r->reqid = get_u64(p + REP_REQID);
	r->status = get_s32(p + REP_STATUS);
	r->count = get_u32(p + REP_COUNT);
	r->length = get_u64(p + REP_LENGTH);
	decode_inode_at(p + REP_INODE, &r->inode);
	return 0;
}

/* bfs_wire_encode_inode - serialize @ino into @buf (BFS_WIRE_INODE_SIZE bytes). */
void bfs_wire_encode_inode(const struct bfs_inode *ino, void *buf)
{
	encode_inode_at(buf, ino);
}

/* bfs_wire_decode_inode - deserialize the inode record at the start of @buf (@len bytes). */
int bfs_wire_decode_inode(const void *buf, size_t len, struct bfs_inode *ino)
{
	if (!buf || len < BFS_WIRE_INODE_SIZE)
		return -EBADMSG;
	decode_inode_at(buf, ino);
	return 0;
}

/* bfs_wire_strings - split and check the strings of a request payload (see wire.h). */
int bfs_wire_strings(const struct bfs_req *r, const void *payload, size_t len,
                     const char *str[BFS_WIRE_NSTR], size_t slen[BFS_WIRE_NSTR])
{
	const char *p = payload;
	uint64_t total = 0;
	size_t off = 0;

	for (int i = 0; i < BFS_WIRE_NSTR; i++)
		total += r->len[i]; /* at most 3 * (2^32 - 1): no overflow */
	if (bfs_wire_tail(r) > (uint64_t)len || total != (uint64_t)len - bfs_wire_tail(r) ||
	    (len && !p))
		return -EBADMSG;
	for (int i = 0; i < BFS_WIRE_NSTR; i++) {
		slen[i] = r->len[i];
		str[i] = p ? p + off : "";
		if (slen[i] && memchr(str[i], '\0', slen[i]))
			return -EBADMSG;
		off += slen[i];
	}
	if (r->op >= BFS_OP_CREATE && r->op <= BFS_OP_MIGRATE && (slen[0] == 0 || str[0][0] != '/'))
		return -EBADMSG;
	return 0;
}

/* bfs_wire_put_dirent - append one READDIR entry (see wire.h). Names must be 1..NAME_MAX
 * bytes (-EINVAL otherwise). */
int bfs_wire_put_dirent(void *buf, size_t cap, size_t *pos, uint64_t ino, uint8_t type,
                        const char *name, size_t name_len)
{
	uint8_t *p = buf;

	if (name_len == 0 || name_len > BENCHFS_NAME_MAX)
		return -EINVAL;
	if (*pos > cap || cap - *pos < BFS_WIRE_DIRENT_FIXED + name_len)
		return -ENOSPC;
	p += *pos;
	put_u64(p, ino);
	p[8] = type;
	put_u16(p + 9, (uint16_t)name_len);
	memcpy(p + BFS_WIRE_DIRENT_FIXED, name, name_len);
	*pos += BFS_WIRE_DIRENT_FIXED + name_len;
	return 0;
}

/* bfs_wire_get_dirent - read one READDIR entry (see wire.h); also -EBADMSG for a name length
 * of 0 or above NAME_MAX, so callers may copy the name into a NAME_MAX + 1 buffer. */
int bfs_wire_get_dirent(const void *buf, size_t len, size_t *pos, uint64_t *ino, uint8_t *type,
                        const char **name, size_t *name_len)
{
	const uint8_t *p = buf;
	size_t nl;

	if (!p || *pos > len || len - *pos < BFS_WIRE_DIRENT_FIXED)
		return -EBADMSG;
	p += *pos;
	nl = get_u16(p + 9);
	if (nl == 0 || nl > BENCHFS_NAME_MAX || len - *pos - BFS_WIRE_DIRENT_FIXED < nl)
		return -EBADMSG;
	*ino = get_u64(p);
	*type = p[8];
	*name = (const char *)p + BFS_WIRE_DIRENT_FIXED;
	*name_len = nl;
	*pos += BFS_WIRE_DIRENT_FIXED + nl;
	return 0;
}

/* bfs_wire_put_dirent_rec - append one READDIR entry and its inode record (BFS_F_ATTRS). */
int bfs_wire_put_dirent_rec(void *buf, size_t cap, size_t *pos, const struct bfs_inode *rec,
                            uint8_t type, const char *name, size_t name_len)
{
	int rc;

	if (*pos > cap || cap - *pos < BFS_WIRE_DIRENT_FIXED + name_len + BFS_WIRE_INODE_SIZE)
		return name_len == 0 || name_len > BENCHFS_NAME_MAX ? -EINVAL : -ENOSPC;
	rc = bfs_wire_put_dirent(buf, cap, pos, rec->ino, type, name, name_len);
	if (rc)
		return rc;
	encode_inode_at((uint8_t *)buf + *pos, rec);
	*pos += BFS_WIRE_INODE_SIZE;
	return 0;
}

/* bfs_wire_get_dirent_rec - read one READDIR entry and the inode record after it. */
int bfs_wire_get_dirent_rec(const void *buf, size_t len, size_t *pos, struct bfs_inode *rec,
                            uint8_t *type, const char **name, size_t *name_len)
{
	size_t at = *pos;
	uint64_t ino;
	int rc = bfs_wire_get_dirent(buf, len, &at, &ino, type, name, name_len);

	if (rc)
		return rc;
	if (len - at < BFS_WIRE_INODE_SIZE)
		return -EBADMSG;
	decode_inode_at((const uint8_t *)buf + at, rec);
	if (rec->ino != ino)
		return -EBADMSG;
	*pos = at + BFS_WIRE_INODE_SIZE;
	return 0;
}

/* bfs_wire_put_findent - append one FIND entry (see wire.h). Keys must be 1..PATH_MAX + 1 bytes
 * (-EINVAL otherwise). */
int bfs_wire_put_findent(void *buf, size_t cap, size_t *pos, uint32_t mode, uint64_t size,
                         int64_t mtime_ns, const char *key, size_t key_len)
{
	uint8_t *p = buf;

	if (key_len == 0 || key_len > BENCHFS_PATH_MAX + 1)
		return -EINVAL;
	if (*pos > cap || cap - *pos < BFS_WIRE_FINDENT_FIXED + key_len)
		return -ENOSPC;
	p += *pos;
	put_u32(p, mode);
	put_u64(p + 4, size);
	put_u64(p + 12, (uint64_t)mtime_ns);
	put_u16(p + 20, (uint16_t)key_len);
	memcpy(p + BFS_WIRE_FINDENT_FIXED, key, key_len);
	*pos += BFS_WIRE_FINDENT_FIXED + key_len;
	return 0;
}

/* bfs_wire_get_findent - read one FIND entry (see wire.h); also -EBADMSG for a key length of 0
 * or above PATH_MAX + 1 (see path.h). */
int bfs_wire_get_findent(const void *buf, size_t len, size_t *pos, uint32_t *mode, uint64_t *size,
                         int64_t *mtime_ns, const char **key, size_t *key_len)
{
	const uint8_t *p = buf;
	size_t kl;

	if (!p || *pos > len || len - *pos < BFS_WIRE_FINDENT_FIXED)
		return -EBADMSG;
	p += *pos;
	kl = get_u16(p + 20);
	if (kl == 0 || kl > BENCHFS_PATH_MAX + 1 || len - *pos - BFS_WIRE_FINDENT_FIXED < kl)
		return -EBADMSG;
	*mode = get_u32(p);
	*size = get_u64(p + 4);
	*mtime_ns = get_s64(p + 12);
	*key = (const char *)p + BFS_WIRE_FINDENT_FIXED;
	*key_len = kl;
	*pos += BFS_WIRE_FINDENT_FIXED + kl;
	return 0;
}

/* bfs_wire_encode_statfs - see wire.h. */
void bfs_wire_encode_statfs(const struct bfs_statfs *st, void *buf)
{
	const uint64_t v[5] = {st->total, st->free, st->avail, st->files, st->key};

	for (int i = 0; i < 5; i++)
		put_u64((uint8_t *)buf + 8 * i, v[i]);
}

/* bfs_wire_decode_statfs - see wire.h. */
void bfs_wire_decode_statfs(const void *buf, struct bfs_statfs *st)
{
	const uint8_t *p = buf;

	st->total = get_u64(p);
	st->free = get_u64(p + 8);
	st->avail = get_u64(p + 16);
	st->files = get_u64(p + 24);
	st->key = get_u64(p + 32);
}

/* bfs_wire_op_name - printable name of @op for logs and error messages. */
const char *bfs_wire_op_name(unsigned op)
{
	static const char *const names[BFS_OP_MAX] = {
	    [BFS_OP_CREATE] = "create",     [BFS_OP_LOOKUP] = "lookup",
	    [BFS_OP_REMOVE] = "remove",     [BFS_OP_SETATTR] = "setattr",
	    [BFS_OP_PUT] = "put",           [BFS_OP_READDIR] = "readdir",
	    [BFS_OP_FIND] = "find",         [BFS_OP_HASCHILD] = "haschild",
	    [BFS_OP_IWRITE] = "iwrite",     [BFS_OP_IREAD] = "iread",
	    [BFS_OP_MIGRATE] = "migrate",   [BFS_OP_WRITE] = "write",
	    [BFS_OP_READ] = "read",         [BFS_OP_TRUNCATE] = "truncate",
	    [BFS_OP_PURGE] = "purge",       [BFS_OP_FSYNC] = "fsync",
	    [BFS_OP_LOCK] = "lock",         [BFS_OP_UNLOCK] = "unlock",
	    [BFS_OP_PING] = "ping",         [BFS_OP_HELLO] = "hello",
	    [BFS_OP_SHUTDOWN] = "shutdown", [BFS_OP_STATS] = "stats",
	    [BFS_OP_BYE] = "bye",           [BFS_OP_STATFS] = "statfs",
	};

	if (op >= BFS_OP_MAX || !names[op])
		return "?";
	return names[op];
}

/* benchfs_stats_op_name (benchfs_stats.h) - the ops of the metrics are the wire ops: here, beside
 * their names, so that common/stats.c needs nothing of net/ */
BFS_API const char *benchfs_stats_op_name(int op)
{
	const char *n;

	if (op < 0 || op >= BENCHFS_STATS_OPS)
		return NULL;
	n = bfs_wire_op_name((unsigned)op);
	return strcmp(n, "?") == 0 ? NULL : n;
}
