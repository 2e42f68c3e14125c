/*
 * find.c - the entry test of benchfs_find() (GNU find's -name, -type, -size, -newer), shared
 * by the servers' scans and the tools, and benchfs_strerror().
 */
#include "benchfs.h"

#include <fnmatch.h>
#include <string.h>

/* size_units - @size in units of @unit bytes, rounded up as GNU find's -size does. */
static uint64_t size_units(uint64_t size, uint64_t unit)
{
	if (unit <= 1)
		return size;
	return size / unit + (size % unit != 0);
}

/* benchfs_find_match - 1 if the entry passes every predicate set in @filter. */
__attribute__((visibility("default"))) int
benchfs_find_match(const struct benchfs_find_filter *filter, const char *name, mode_t mode,
                   uint64_t size, const struct timespec *mtime)
{
	if (!filter)
		return 1;
	if (filter->type && (mode & S_IFMT) != filter->type)
		return 0;
	if (filter->name && fnmatch(filter->name, name ? name : "", 0) != 0)
		return 0;
	if (filter->size_cmp) {
		uint64_t u = size_units(size, filter->size_unit);

		switch (filter->size_cmp) {
		case -1:
			if (!(u < filter->size_units))
				return 0;
			break;
		case 1:
			if (!(u > filter->size_units))
				return 0;
			break;
		default:
			if (u != filter->size_units)
				return 0;
			break;
		}
	}
	if (filter->newer) {
		if (!mtime)
			return 0;
		if (mtime->tv_sec < filter->newer_than.tv_sec)
			return 0;
		if (mtime->tv_sec == filter->newer_than.tv_sec &&
		    mtime->tv_nsec <= filter->newer_than.tv_nsec)
			return 0;
	}
	return 1;
}

/* benchfs_strerror - text of a BenchFS return value: strerror(-err), "Success" for 0. */
__attribute__((visibility("default"))) const char *benchfs_strerror(int err)
{
	if (err == 0)
		return "Success";
	/* a positive errno value is accepted too, as callers sometimes pass one */
	return strerror(err < 0 ? -err : err);
}
