/*
 * benchfs-find - parallel find over a BenchFS tree.
 *
 *	mpirun -n 5 benchfs-find --servers 4 /out -name '*.h5' -size +1M
 *
 * Tool options come before the starting points; GNU find style predicates (-name, -type,
 * -size, -newer, -incomplete, -count, -print, -delete) come after them. The scan runs on the
 * servers: client rank r asks servers r, r + nranks, ... for the matching entries below each
 * starting point. Every rank sends its lines to rank 0, which alone writes standard output, so
 * lines never mix. -delete removes what was found once the scan is over: each rank its files
 * and links with a window of unlinks in flight, then the directories level by level, deepest
 * first, every rank done with a level before the next (a parallel rm -r).
 */
#include "tool.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const struct tool_desc find_desc = {
    .name = "benchfs-find",
    .synopsis = "[PATH...] [EXPRESSION]",
    .about = "List the BenchFS entries at and below each PATH (absolute BenchFS paths;\n"
             "default \"/\") that pass every test of EXPRESSION, one path per line, in no\n"
             "particular order. The servers are scanned in parallel by the client ranks.\n"
             "\n"
             "Expression (GNU find syntax; all tests must pass):\n"
             "  -name GLOB            last component matches the shell pattern GLOB\n"
             "  -type f|d|l           regular file, directory or symbolic link\n"
             "  -size [+-]N[bcwkMG]   size rounded up to units (default b = 512 bytes)\n"
             "                        is more than (+), less than (-) or exactly N\n"
             "  -newer FILE           modified later than FILE (a BenchFS path, else a local one)\n"
             "  -incomplete           a file an interrupted copy left (BenchFS's own test:\n"
             "                        benchfs-stagein marks each file until it is copied)\n"
             "  -count                print only the number of entries found\n"
             "  -print                print the paths (the default unless -delete)\n"
             "  -delete               remove the entries found (directories after what\n"
             "                        they hold; one not empty stays, with an error)",
    .options = NULL,
};

/* Tags of the messages carrying output lines to rank 0. */
enum { TAG_LINES = 1, TAG_DONE = 2 };

/* Buffered lines are sent (or written) when they reach this size. */
#define OUT_FLUSH (256 * 1024)

/* Unlinks one rank keeps in flight for -delete. */
#define DELETE_WINDOW 64

/* State of one run. */
struct find {
	struct tool t;
	char **paths; /* normal starting points */
	char **given; /* the same as typed, for messages */
	int *isdir;   /* per starting point: a directory to scan */
	int npaths;
	struct benchfs_find_filter filter;
	const char *newer; /* -newer FILE */
	int count_only;
	int print;        /* -print given */
	int remove_found; /* -delete given */
	int status;
	uint64_t count;
	MPI_Comm out_comm; /* for the lines, apart from every collective */
	struct tool_buf out;
	unsigned polls;
	struct tool_buf gone_files; /* -delete: files and links found, NUL-ended paths */
	struct tool_buf gone_dirs;  /* -delete: directories found, NUL-ended paths */
};

/* ---- expression ------------------------------------------------------------------------------ */

/* size_unit - bytes of a -size unit letter, 0 if unknown. */
static uint64_t size_unit(char c)
{
	switch (c) {
	case '\0':
	case 'b':
		return 512;
	case 'c':
		return 1;
	case 'w':
		return 2;
	case 'k':
		return 1024;
	case 'M':
		return 1 << 20;
	case 'G':
		return 1 << 30;
	default:
		return 0;
	}
}

/* parse_size - the argument of -size into the filter. */
static void parse_size(struct find *f, const char *arg)
{
	const char *p = arg;
	char *end;
	unsigned long long n;

	f->filter.size_cmp = 2;
	if (*p == '+' || *p == '-')
		f->filter.size_cmp = *p++ == '+' ? 1 : -1;
	if (*p < '0' || *p > '9')
		tool_usage_error(&f->t, "invalid argument '%s' to -size", arg);
	errno = 0;
	n = strtoull(p, &end, 10);
	if (errno || (*end && end[1]) || !size_unit(*end))
		tool_usage_error(&f->t, "invalid argument '%s' to -size", arg);
	f->filter.size_units = n;
	f->filter.size_unit = size_unit(*end);
}

/* parse_type - the argument of -type into the filter. */
static void parse_type(struct find *f, const char *arg)
{
	if (!strcmp(arg, "f"))
		f->filter.type = S_IFREG;
	else if (!strcmp(arg, "d"))
		f->filter.type = S_IFDIR;
	else if (!strcmp(arg, "l"))
		f->filter.type = S_IFLNK;
	else
		tool_usage_error(&f->t, "unknown argument to -type: %s (use f, d or l)", arg);
}

/* once - a test may be given once only (the filter holds one of each). */
static void once(struct find *f, int given, const char *name)
{
	if (given)
		tool_usage_error(&f->t, "%s given twice: not supported", name);
}

/* parse_expression - the predicates from argv[i] on. */
static void parse_expression(struct find *f, int i, int argc, char **argv)
{
	for (; i < argc; i++) {
		const char *p = argv[i], *arg = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(p, "-count")) {
			f->count_only = 1;
			continue;
		}
		if (!strcmp(p, "-print")) {
			f->print = 1;
			continue;
		}
		if (!strcmp(p, "-delete")) {
			f->remove_found = 1;
			continue;
		}
		if (!strcmp(p, "-incomplete")) {
			f->filter.incomplete = 1;
			continue;
		}
		if (strcmp(p, "-name") && strcmp(p, "-type") && strcmp(p, "-size") &&
		    strcmp(p, "-newer"))
			tool_usage_error(&f->t,
			                 p[0] == '-' ? "unknown predicate '%s'"
			                             : "paths must precede expression: '%s'",
			                 p);
		if (!arg)
			tool_usage_error(&f->t, "missing argument to '%s'", p);
		i++;
		if (!strcmp(p, "-name")) {
			once(f, f->filter.name != NULL, p);
			f->filter.name = arg;
		} else if (!strcmp(p, "-type")) {
			once(f, f->filter.type != 0, p);
			parse_type(f, arg);
		} else if (!strcmp(p, "-size")) {
			once(f, f->filter.size_cmp != 0, p);
			parse_size(f, arg);
		} else {
			once(f, f->newer != NULL, p);
			f->newer = arg;
		}
	}
}

/* is_predicate - whether @arg starts the expression (a '-' word that is not a lone "-"). */
static int is_predicate(const char *arg)
{
	return arg[0] == '-' && arg[1] && arg[1] != '-';
}

/* parse_args - tool options, starting points, expression. */
static void parse_args(struct find *f, int argc, char **argv)
{
	static const struct option longopts[] = {TOOL_COMMON_OPTIONS, {NULL, 0, NULL, 0}};
	int c, i, first, end;

	/* getopt only sees what comes before the first predicate. */
	for (end = 1; end < argc; end++)
		if (is_predicate(argv[end]) && strcmp(argv[end], "-h") != 0)
			break;
	while ((c = getopt_long(end, argv, "+:h", longopts, NULL)) != -1)
		tool_option(&f->t, c, argv);
	if (optind < argc && !strcmp(argv[optind], "--"))
		optind++;
	for (first = optind; optind < argc && !is_predicate(argv[optind]); optind++)
		;
	f->npaths = optind - first ? optind - first : 1;
	f->paths = calloc((size_t)f->npaths, sizeof(*f->paths));
	f->given = calloc((size_t)f->npaths, sizeof(*f->given));
	f->isdir = calloc((size_t)f->npaths, sizeof(*f->isdir));
	if (!f->paths || !f->given || !f->isdir)
		tool_usage_error(&f->t, "out of memory");
	for (i = 0; i < f->npaths; i++) {
		f->given[i] = optind > first ? argv[first + i] : "/";
		f->paths[i] = tool_normalize(f->given[i]);
		if (!f->paths[i])
			tool_usage_error(&f->t, "%s: not an absolute BenchFS path", f->given[i]);
	}
	parse_expression(f, optind, argc, argv);
}

/* ---- output ---------------------------------------------------------------------------------- */

/* out_write - rank 0 writes the lines buffered in @b and empties it. */
static void out_write(struct tool_buf *b)
{
	if (b->len)
		fwrite(b->data, 1, b->len, stdout);
	b->len = 0;
}

/* out_receive - rank 0 takes one message; returns 1 for a DONE message. */
static int out_receive(struct find *f, const MPI_Status *st)
{
	struct tool_buf *b = &f->out;
	int n;

	MPI_Get_count(st, MPI_CHAR, &n);
	tool_buf_reserve(b, (size_t)n + 1);
	MPI_Recv(b->data + b->len, n, MPI_CHAR, st->MPI_SOURCE, st->MPI_TAG, f->out_comm,
	         MPI_STATUS_IGNORE);
	b->len += (size_t)n;
	out_write(b);
	return st->MPI_TAG == TAG_DONE;
}

/* out_poll - rank 0 writes what other ranks sent so far, without waiting. */
static void out_poll(struct find *f)
{
	MPI_Status st;
	int flag;

	for (;;) {
		MPI_Iprobe(MPI_ANY_SOURCE, TAG_LINES, f->out_comm, &flag, &st);
		if (!flag)
			return;
		out_receive(f, &st);
	}
}

/* out_flush - send (or on rank 0 write) the buffered lines. */
static void out_flush(struct find *f)
{
	if (f->t.rank == 0) {
		out_write(&f->out);
		return;
	}
	if (f->out.len)
		MPI_Send(f->out.data, (int)f->out.len, MPI_CHAR, 0, TAG_LINES, f->out_comm);
	f->out.len = 0;
}

/* emit - one entry found, of type @mode. */
static void emit(struct find *f, const char *path, mode_t mode)
{
	f->count++;
	if (f->remove_found)
		tool_buf_put(S_ISDIR(mode) ? &f->gone_dirs : &f->gone_files, path,
		             strlen(path) + 1);
	if (f->count_only || (f->remove_found && !f->print))
		return;
	tool_buf_put(&f->out, path, strlen(path));
	tool_buf_put(&f->out, "\n", 1);
	if (f->out.len >= OUT_FLUSH)
		out_flush(f);
	if (f->t.rank == 0 && (++f->polls & 63) == 0)
		out_poll(f);
}

/* out_finish - the last lines: others send theirs and DONE; rank 0 writes until all are done. */
static void out_finish(struct find *f)
{
	MPI_Status st;
	int done = 0;

	out_flush(f);
	if (f->t.rank != 0) {
		MPI_Send(NULL, 0, MPI_CHAR, 0, TAG_DONE, f->out_comm);
		return;
	}
	while (done < f->t.size - 1) {
		MPI_Probe(MPI_ANY_SOURCE, MPI_ANY_TAG, f->out_comm, &st);
		done += out_receive(f, &st);
	}
	fflush(stdout);
}

/* ---- the search ------------------------------------------------------------------------------ */

/* found - benchfs_find() callback. */
static int found(const struct benchfs_find_entry *e, void *arg)
{
	emit(arg, e->path, e->mode);
	return 0;
}

/* resolve_newer - rank 0: mtime of -newer FILE, a BenchFS path or else a local one. */
static int resolve_newer(struct find *f)
{
	struct stat st;
	char *p = f->newer[0] == '/' ? tool_normalize(f->newer) : NULL;
	int rc = p ? benchfs_lstat(p, &st) : -ENOENT;

	free(p);
	if (rc == -ENOENT)
		rc = lstat(f->newer, &st) < 0 ? -errno : 0;
	if (rc < 0) {
		tool_error(&f->t, f->newer, rc);
		return -1;
	}
	f->filter.newer = 1;
	f->filter.newer_than = st.st_mtim;
	return 0;
}

/* share_newer - rank 0 resolves -newer, every rank gets the time. 0 or -1 (agreed). */
static int share_newer(struct find *f)
{
	int64_t v[2];
	int fatal = 0;

	if (!f->newer)
		return 0;
	if (f->t.rank == 0)
		fatal = resolve_newer(f) < 0;
	tool_bcast_int(&f->t, &fatal);
	if (fatal)
		return -1;
	v[0] = f->filter.newer_than.tv_sec;
	v[1] = f->filter.newer_than.tv_nsec;
	MPI_Bcast(v, 2, MPI_INT64_T, 0, f->t.comm);
	f->filter.newer = 1;
	f->filter.newer_than.tv_sec = (time_t)v[0];
	f->filter.newer_than.tv_nsec = (long)v[1];
	return 0;
}

/* check_start - rank 0: test and print starting point @i; note whether it is a directory. */
static void check_start(struct find *f, int i)
{
	struct stat st;
	unsigned flags;
	int rc = benchfs_lstat_flags(f->paths[i], &st, &flags);

	if (rc < 0) {
		tool_error(&f->t, f->given[i], rc);
		f->status = 1;
		return;
	}
	if (benchfs_find_match(&f->filter, tool_basename(f->paths[i]), st.st_mode,
	                       (uint64_t)st.st_size, &st.st_mtim) &&
	    (!f->filter.incomplete || (flags & BENCHFS_FL_INCOMPLETE)))
		emit(f, f->paths[i], st.st_mode);
	f->isdir[i] = S_ISDIR(st.st_mode);
}

/* search - every rank scans its servers below every directory starting point. */
static void search(struct find *f)
{
	int i, server, rc;

	for (i = 0; i < f->npaths; i++) {
		if (!f->isdir[i])
			continue;
		for (server = f->t.rank; server < f->t.nfs_servers; server += f->t.size) {
			rc = benchfs_find(server, f->paths[i], &f->filter, found, f);
			if (rc < 0) {
				tool_error(&f->t, f->given[i], rc);
				f->status = 1;
			}
		}
	}
}

/* ---- -delete ----------------------------------------------------------------------------------
 */

/* gone_fail - report a failed removal of @path. */
static void gone_fail(struct find *f, const char *path, int rc)
{
	tool_error(&f->t, path, rc);
	f->status = 1;
}

/* delete_files - unlink this rank's files and links, DELETE_WINDOW in flight. */
static void delete_files(struct find *f)
{
	benchfs_request_t *req[DELETE_WINDOW];
	const char *path[DELETE_WINDOW];
	const char *p = f->gone_files.data, *end = p + f->gone_files.len;
	unsigned head = 0, n = 0;

	while (p < end || n) {
		if (n == DELETE_WINDOW || (p >= end && n)) { /* end the oldest */
			int rc = (int)benchfs_wait(req[head]);
			if (rc < 0 && rc != -ENOENT) /* (gone already: as rm -f) */
				gone_fail(f, path[head], rc);
			head = (head + 1) % DELETE_WINDOW;
			n--;
			continue;
		}
		unsigned k = (head + n) % DELETE_WINDOW;
		int rc = benchfs_iunlink(p, &req[k]);
		if (rc < 0) {
			if (rc != -ENOENT)
				gone_fail(f, p, rc);
		} else {
			path[k] = p;
			n++;
		}
		p += strlen(p) + 1;
	}
}

/* depth - components of normal path @p ("/" is 0). */
static int depth(const char *p)
{
	int d = 0;

	if (!p[1])
		return 0;
	for (; *p; p++)
		d += *p == '/';
	return d;
}

/* delete_dirs - collective: remove the directories found, deepest level first, every rank done
 * with a level before any starts the next. */
static void delete_dirs(struct find *f)
{
	const char *end = f->gone_dirs.data + f->gone_dirs.len, *p;
	int deepest = 0, d;

	for (p = f->gone_dirs.data; p < end; p += strlen(p) + 1)
		deepest = depth(p) > deepest ? depth(p) : deepest;
	MPI_Allreduce(MPI_IN_PLACE, &deepest, 1, MPI_INT, MPI_MAX, f->t.comm);
	for (d = deepest; d >= 0; d--) {
		for (p = f->gone_dirs.data; p < end; p += strlen(p) + 1) {
			int rc = depth(p) == d ? benchfs_rmdir(p) : 0;
			if (rc < 0 && rc != -ENOENT)
				gone_fail(f, p, rc);
		}
		MPI_Barrier(f->t.comm);
	}
}

/* run - the whole find once the file system is up. Return the exit status of this rank. */
static int run(struct find *f)
{
	uint64_t total = 0;
	int i;

	if (share_newer(f) < 0)
		return 1;
	MPI_Comm_dup(f->t.comm, &f->out_comm);
	if (f->t.rank == 0)
		for (i = 0; i < f->npaths; i++)
			check_start(f, i);
	MPI_Bcast(f->isdir, f->npaths, MPI_INT, 0, f->t.comm);
	search(f);
	out_finish(f);
	MPI_Comm_free(&f->out_comm);
	if (f->remove_found) {
		delete_files(f);
		MPI_Barrier(f->t.comm); /* every file gone before any directory goes */
		delete_dirs(f);
	}
	MPI_Reduce(&f->count, &total, 1, MPI_UINT64_T, MPI_SUM, 0, f->t.comm);
	if (f->count_only && f->t.rank == 0)
		printf("%llu\n", (unsigned long long)total);
	return f->status;
}

/* main - parse, start the file system, find, report. */
int main(int argc, char **argv)
{
	struct find f;
	int status, i;

	memset(&f, 0, sizeof(f));
	tool_init(&f.t, &find_desc, &argc, &argv);
	parse_args(&f, argc, argv);
	tool_start(&f.t);
	status = run(&f);
	for (i = 0; i < f.npaths; i++)
		free(f.paths[i]);
	free(f.paths);
	free(f.given);
	free(f.isdir);
	free(f.out.data);
	free(f.gone_files.data);
	free(f.gone_dirs.data);
	return tool_finish(&f.t, status);
}
