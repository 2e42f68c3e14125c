/*
 * benchfs-stagein - copy a local (or parallel file system) tree into BenchFS, in parallel.
 *
 *	mpirun -n 8 benchfs-stagein --servers 2 /scratch/input /input
 *
 * Semantics of "cp -a SRC DST" where DST does not exist yet. The ranks walk SRC's subtrees
 * (its names dealt out by rank 0) and every rank gets the whole list of entries; directories are
 *created level by level by all ranks; regular files are balanced over ranks by size, large ones cut
 *into chunk-aligned ranges copied by several ranks; then times and modes are set, directories last
 *and deepest first. Every file is created marked incomplete and loses the mark once its bytes and
 *times are in (a small file with its close, a split one after its last range), so a stage-in killed
 *half-way leaves files that say so (benchfs-ls -l, benchfs-find -incomplete; benchfs-stageout
 *refuses them). A failure of the file system itself (a server gone: EIO, ETIMEDOUT, ...) stops the
 *copy at the first one.
 */
#include "stagein.h"

#include <stdlib.h>
#include <string.h>

#include "common/extent.h"

static const struct tool_desc stagein_desc = {
    .name = "benchfs-stagein",
    .synopsis = "[-L] [-q] [--chunk-size BYTES] SRC DST",
    .about = "Copy the local file, directory tree or symlink SRC into BenchFS as DST, like\n"
             "'cp -a SRC DST'. DST is an absolute BenchFS path that must not exist; its parent\n"
             "must. All client ranks copy in parallel.",
    .options = "  -L, --dereference     follow symbolic links in SRC (like cp -L)\n"
               "      --chunk-size BYTES  chunk size of the files created (power of two,\n"
               "                        4 KiB .. 1 GiB; default: the file system's)\n"
               "  -q, --quiet           no summary line\n",
    .progress = 1,
};

enum { OPT_CHUNK_SIZE = 0x2000 };

/* ---- options ------------------------------------------------------------------------------- */

/* parse_chunk - value of --chunk-size (power of two, 4 KiB .. 1 GiB). */
static uint64_t parse_chunk(struct stagein *s, const char *arg)
{
	char *end;
	unsigned long long v = strtoull(arg, &end, 10);

	if (end != arg && (*end == 'k' || *end == 'K'))
		v <<= 10, end++;
	else if (end != arg && (*end == 'm' || *end == 'M'))
		v <<= 20, end++;
	else if (end != arg && (*end == 'g' || *end == 'G'))
		v <<= 30, end++;
	if (end == arg || *end || !bfs_chunk_size_valid(v))
		tool_usage_error(&s->t, "invalid chunk size '%s'", arg);
	return v;
}

/* parse_args - options, then SRC and DST; usage errors exit on every rank. */
static void parse_args(struct stagein *s, int argc, char **argv)
{
	static const struct option longopts[] = {
	    TOOL_COMMON_OPTIONS,
	    {"dereference", no_argument, NULL, 'L'},
	    {"quiet", no_argument, NULL, 'q'},
	    {"chunk-size", required_argument, NULL, OPT_CHUNK_SIZE},
	    {NULL, 0, NULL, 0},
	};
	int c;

	while ((c = getopt_long(argc, argv, ":hLq", longopts, NULL)) != -1) {
		switch (c) {
		case 'L':
			s->deref = 1;
			break;
		case 'q':
			s->cp.quiet = 1;
			break;
		case OPT_CHUNK_SIZE:
			s->chunk_opt = parse_chunk(s, optarg);
			break;
		default:
			tool_option(&s->t, c, argv);
		}
	}
	if (argc - optind < 2)
		tool_usage_error(&s->t, "missing operand");
	if (argc - optind > 2)
		tool_usage_error(&s->t, "extra operand '%s'", argv[optind + 2]);
	s->src = argv[optind];
	if (!*s->src)
		tool_usage_error(&s->t, "empty source path");
	s->dst = tool_normalize(argv[optind + 1]);
	if (!s->dst)
		tool_usage_error(&s->t, "%s: not an absolute BenchFS path", argv[optind + 1]);
}

/* main - parse, start the file system, scan, copy, report. */
int main(int argc, char **argv)
{
	struct stagein s;
	int status;

	memset(&s, 0, sizeof(s));
	tool_init(&s.t, &stagein_desc, &argc, &argv);
	parse_args(&s, argc, argv);
	tool_start(&s.t);
	status = stagein_run(&s);
	free(s.dst);
	return tool_finish(&s.t, status);
}
