/*
 * unit_tmp.h - removing the temporary directories of the unit tests (header only).
 */
#ifndef BFS_UNIT_TMP_H
#define BFS_UNIT_TMP_H

#include <ftw.h>
#include <stdio.h>
#include <sys/stat.h>

/* nftw callback removing one file or (emptied) directory. */
static inline int unit_rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

/* unit_rmtree - remove @dir and everything below it (best effort). */
static inline void unit_rmtree(const char *dir)
{
	nftw(dir, unit_rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

#endif
