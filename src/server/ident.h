/*
 * ident.h - which file system a server's data directory belongs to, and who serves it.
 *
 * Every server directory (DATA_DIR/server-i) holds an identity file, benchfs.id (text):
 *
 *	benchfs-data 2
 *	fsid <16 hex digits>     drawn when the file system was made; the same in every server dir
 *	server <i>
 *	servers <n>
 *	vnodes <v>               the placement ring's parameters (ring.h)
 *	seed <hex>
 *
 * Directories written before file-system ids existed hold "benchfs-data 1" without the fsid line
 * (read as fsid 0: adopted, and rewritten as version 2, when every server agrees on the rest).
 *
 * A start is decided from what every server finds, before any server creates or changes
 * anything (bfs_ident_decide, pure, the same on every rank): all directories missing (a first
 * start) or a new file system asked for (BENCHFS_NEW_FS=1, --new-fs) make a new file system;
 * all present with one fsid and the layout asked for serve it; anything else (a missing
 * directory beside present ones, another file system's directory, another layout, a directory
 * in use) is refused, with one line per directory at fault naming it and the cause.
 *
 * A serving server holds an exclusive flock(2) on DATA_DIR/server-i/benchfs.lock for its whole
 * life (the kernel drops it when the process ends, however it ends); the file holds the holder's
 * host name and pid, which a refused second server names.
 */
#ifndef BFS_SERVER_IDENT_H
#define BFS_SERVER_IDENT_H

#include <stddef.h>
#include <stdint.h>

/** What a server found in its directory. */
enum bfs_ident_state {
	BFS_IDENT_NONE = 0, /* not a server (a client rank's entry in the collective) */
	BFS_IDENT_MISSING,  /* no directory, or one without BenchFS data or identity file */
	BFS_IDENT_PRESENT,  /* an identity file, read into the other fields */
	BFS_IDENT_BAD,      /* unusable: unreadable identity, data without identity, in use */
};

/** A directory's identity as found (and as exchanged between ranks: plain integers). */
struct bfs_ident {
	uint32_t state; /* enum bfs_ident_state */
	uint32_t index; /* server index the directory was written for */
	uint32_t count; /* servers of its file system */
	uint32_t vnodes;
	uint64_t seed;
	uint64_t fsid; /* 0: written before file-system ids (version 1) */
	int32_t err;   /* BFS_IDENT_BAD: why, as a negative errno (-EBUSY: in use) */
	uint32_t pad;
};

/** The decision of a start (bfs_ident_decide). */
enum bfs_ident_verdict {
	BFS_IDENT_SERVE = 0, /* every directory holds the file system: serve it */
	BFS_IDENT_CREATE,    /* make a new file system in every directory (erasing old data) */
	BFS_IDENT_ADOPT,     /* version-1 directories agreeing with each other: give them @fsid */
	BFS_IDENT_REFUSE,    /* refused; *@err says why */
};

/**
 * bfs_ident_probe - look at server directory @dir without creating anything in it: when it
 * exists, take its lock (*@lock_fd, -1 when not taken) and read its identity into *@id.
 * A lock held by another process makes *@id BFS_IDENT_BAD with err -EBUSY, and a message naming
 * @dir and the holder (host, pid) goes to stderr; so does one for an unreadable identity file
 * (-EINVAL) or for BenchFS data without one (-ENOENT).
 */
void bfs_ident_probe(const char *dir, struct bfs_ident *id, int *lock_fd);

/**
 * bfs_ident_decide - the verdict of a start of @n servers (entries of @all in server order,
 * server i at @all[i]) with ring parameters @vnodes, @seed, @new_fs set when a new file system
 * was asked for. *@fsid gets the file system's id (for SERVE), or is left as given (CREATE,
 * ADOPT: the caller's fresh id). On REFUSE, *@err is the errno every rank returns and, when
 * @me is a server index (not -1) and that server's directory @dir is at fault, one line
 * naming @dir and the cause goes to stderr. Pure but for that message.
 */
enum bfs_ident_verdict bfs_ident_decide(const struct bfs_ident *all, uint32_t n, uint32_t vnodes,
                                        uint64_t seed, int new_fs, int me, const char *dir,
                                        uint64_t *fsid, int *err);

/**
 * bfs_ident_make - prepare server directory @dir for file system @fsid as server @index of
 * @count (ring @vnodes, @seed): create it when missing and take its lock if *@lock_fd is -1;
 * with @erase, remove the BenchFS data in it first (meta/, obj/, benchfs.id, stats.json; other
 * files stay); write the identity file (a temporary file, fsync, rename).
 * Return 0, or -EBUSY (in use, message on stderr) or another -errno (message on stderr).
 */
int bfs_ident_make(const char *dir, uint64_t fsid, uint32_t index, uint32_t count, uint32_t vnodes,
                   uint64_t seed, int erase, int *lock_fd);

#endif
