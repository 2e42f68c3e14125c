/*
 * io.h - descriptors of the client (io.c): what others need of it. Under the client lock.
 */
#ifndef BFS_CLIENT_IO_H
#define BFS_CLIENT_IO_H

/** bfs_close_all - close every descriptor (at detach, and benchfs_mpi_stop). Return the first
 *  error. */
int bfs_close_all(void);

#endif /* BFS_CLIENT_IO_H */
