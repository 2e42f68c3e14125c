/*
 * addrfile.h - the address file through which the processes a benchfs-run program starts reach
 * its in-job servers (libbenchfs-run.so's share_servers, benchfs-job). Header-only: both link
 * libbenchfs.
 */
#ifndef BFS_RUN_ADDRFILE_H
#define BFS_RUN_ADDRFILE_H

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "benchfs.h"

/*
 * bfs_run_addrfile - name this process's address file ($TMPDIR, else /tmp, then
 * "benchfs-run.<host>.<pid>.addr") into @out (@len bytes) and write the servers' addresses
 * there (benchfs_write_addrfile). Returns 0, or its negative errno (@out holds the name then
 * too, for the message). The caller unlinks the file when its program is done.
 */
static inline int bfs_run_addrfile(char *out, size_t len)
{
	const char *tmp = getenv("TMPDIR");
	char host[64] = "";

	gethostname(host, sizeof(host) - 1);
	snprintf(out, len, "%s/benchfs-run.%s.%d.addr", tmp && *tmp ? tmp : "/tmp", host,
	         (int)getpid());
	return benchfs_write_addrfile(out);
}

#endif /* BFS_RUN_ADDRFILE_H */
