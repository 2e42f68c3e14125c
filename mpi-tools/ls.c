/*
 * benchfs-ls - list BenchFS directories and files, like ls(1).
 *
 *	mpirun -n 2 benchfs-ls --servers 1 -lR /input
 *
 * Only client rank 0 works; the other ranks wait for it. Names are sorted in strcmp order
 * (the C locale), one per line; -l gives the long format and -R lists subdirectories too.
 */
#include "tool.h"

#include <dirent.h>
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

static const struct tool_desc ls_desc = {
    .name = "benchfs-ls",
    .synopsis = "[-alR] [PATH...]",
    .about = "List each BenchFS PATH (absolute; default \"/\"): a directory lists its entries,\n"
             "anything else lists itself. Names are sorted by strcmp, one per line.",
    .options = "  -a, --all             show names starting with '.' too\n"
               "  -l                    long format: mode, links, owner, group, size, time, name\n"
               "  -R, --recursive       list subdirectories recursively\n"
               "  -1                    one name per line (always so)\n",
};

/* Half a Gregorian year, in seconds, as ls(1) uses to tell recent times from old ones. */
#define SIX_MONTHS (31556952 / 2)

/* One name to print. */
struct item {
	char *name; /* as shown */
	char *path; /* normal BenchFS path */
	struct stat st;
	unsigned flags;     /* BENCHFS_FL_* */
	int have_st;        /* st (and flags) is filled */
	unsigned char type; /* DT_DIR etc. when only the directory entry is known */
};

/* State of one run. */
struct ls {
	struct tool t;
	int all, longfmt, recursive;
	char **operands;
	int noperands;
	int status;
	int printed; /* something was printed: a blank line separates the next section */
	time_t now;
	uid_t last_uid;
	gid_t last_gid;
	char user[64];
	char group[64];
};

/* parse_args - ls flags (anywhere, as GNU ls permits) and operands. */
static void parse_args(struct ls *l, int argc, char **argv)
{
	static const struct option longopts[] = {
	    TOOL_COMMON_OPTIONS,
	    {"all", no_argument, NULL, 'a'},
	    {"recursive", no_argument, NULL, 'R'},
	    {NULL, 0, NULL, 0},
	};
	int c, i;

	while ((c = getopt_long(argc, argv, ":halR1", longopts, NULL)) != -1) {
		switch (c) {
		case 'a':
			l->all = 1;
			break;
		case 'l':
			l->longfmt = 1;
			break;
		case 'R':
			l->recursive = 1;
			break;
		case '1':
			break;
		default:
			tool_option(&l->t, c, argv);
		}
	}
	l->noperands = argc - optind;
	l->operands = argv + optind;
	for (i = 0; i < l->noperands; i++)
		if (l->operands[i][0] != '/')
			tool_usage_error(&l->t, "%s: not an absolute BenchFS path", l->operands[i]);
}

/* ---- long format ----------------------------------------------------------------------------- */

/* mode_string - "drwxr-xr-x" for @mode into @s (11 bytes). */
static void mode_string(mode_t mode, char *s)
{
	static const char rwx[] = "rwxrwxrwx";
	int i;

	s[0] = S_ISDIR(mode) ? 'd' : S_ISLNK(mode) ? 'l' : S_ISREG(mode) ? '-' : '?';
	for (i = 0; i < 9; i++)
		s[i + 1] = mode & (0400 >> i) ? rwx[i] : '-';
	if (mode & S_ISUID)
		s[3] = s[3] == 'x' ? 's' : 'S';
	if (mode & S_ISGID)
		s[6] = s[6] == 'x' ? 's' : 'S';
	if (mode & S_ISVTX)
		s[9] = s[9] == 'x' ? 't' : 'T';
	s[10] = '\0';
}

/* user_name - name of @uid, or its number; valid until the next call. */
static const char *user_name(struct ls *l, uid_t uid)
{
	struct passwd *pw;

	if (l->user[0] && uid == l->last_uid)
		return l->user;
	pw = getpwuid(uid);
	if (pw)
		snprintf(l->user, sizeof(l->user), "%s", pw->pw_name);
	else
		snprintf(l->user, sizeof(l->user), "%lu", (unsigned long)uid);
	l->last_uid = uid;
	return l->user;
}

/* group_name - name of @gid, or its number; valid until the next call. */
static const char *group_name(struct ls *l, gid_t gid)
{
	struct group *gr;

	if (l->group[0] && gid == l->last_gid)
		return l->group;
	gr = getgrgid(gid);
	if (gr)
		snprintf(l->group, sizeof(l->group), "%s", gr->gr_name);
	else
		snprintf(l->group, sizeof(l->group), "%lu", (unsigned long)gid);
	l->last_gid = gid;
	return l->group;
}

/* time_string - "Mon DD HH:MM" when recent, "Mon DD  YYYY" when not, as ls shows times. */
static void time_string(struct ls *l, time_t t, char *s, size_t cap)
{
	struct tm tm;
	int recent = t > l->now - SIX_MONTHS && t <= l->now;

	if (!localtime_r(&t, &tm)) {
		snprintf(s, cap, "%lld", (long long)t);
		return;
	}
	strftime(s, cap, recent ? "%b %e %H:%M" : "%b %e  %Y", &tm);
}

/* Column widths of one long listing. */
struct widths {
	int nlink, user, group, size;
};

/* digits - printed width of @v. */
static int digits(unsigned long long v)
{
	int n = 1;

	while (v >= 10) {
		v /= 10;
		n++;
	}
	return n;
}

/* measure - widths for the items of one listing. */
static void measure(struct ls *l, const struct item *it, size_t n, struct widths *w)
{
	size_t i;
	int k;

	memset(w, 0, sizeof(*w));
	for (i = 0; i < n; i++) {
		if (!it[i].have_st)
			continue;
		if ((k = digits((unsigned long long)it[i].st.st_nlink)) > w->nlink)
			w->nlink = k;
		if ((k = (int)strlen(user_name(l, it[i].st.st_uid))) > w->user)
			w->user = k;
		if ((k = (int)strlen(group_name(l, it[i].st.st_gid))) > w->group)
			w->group = k;
		if ((k = digits((unsigned long long)it[i].st.st_size)) > w->size)
			w->size = k;
	}
}

/* print_long - one line of the long format. */
static void print_long(struct ls *l, const struct item *it, const struct widths *w)
{
	char mode[11], when[64], target[BENCHFS_PATH_MAX + 1];
	ssize_t n;

	mode_string(it->st.st_mode, mode);
	time_string(l, it->st.st_mtim.tv_sec, when, sizeof(when));
	printf("%s %*lu ", mode, w->nlink, (unsigned long)it->st.st_nlink);
	printf("%-*s ", w->user, user_name(l, it->st.st_uid));
	printf("%-*s ", w->group, group_name(l, it->st.st_gid));
	printf("%*lld %s %s", w->size, (long long)it->st.st_size, when, it->name);
	if (S_ISLNK(it->st.st_mode)) {
		n = benchfs_readlink(it->path, target, sizeof(target) - 1);
		if (n >= 0) {
			target[n] = '\0';
			printf(" -> %s", target);
		} else {
			tool_error(&l->t, it->path, (int)n);
			l->status = l->status > 1 ? l->status : 1;
		}
	}
	if (it->flags & BENCHFS_FL_INCOMPLETE)
		printf("  (incomplete)"); /* an interrupted copy left it */
	putchar('\n');
}

/* print_items - one listing: names, or long lines with aligned columns. */
static void print_items(struct ls *l, const struct item *it, size_t n, int total)
{
	unsigned long long blocks = 0;
	struct widths w;
	size_t i;

	if (l->longfmt) {
		measure(l, it, n, &w);
		if (total) {
			for (i = 0; i < n; i++)
				if (it[i].have_st)
					blocks += ((unsigned long long)it[i].st.st_blocks + 1) / 2;
			printf("total %llu\n", blocks);
		}
	}
	for (i = 0; i < n; i++) {
		if (l->longfmt && it[i].have_st)
			print_long(l, &it[i], &w);
		else if (!l->longfmt)
			printf("%s\n", it[i].name);
	}
	if (n)
		l->printed = 1;
}

/* ---- directories ----------------------------------------------------------------------------- */

/* item_cmp - strcmp order of shown names. */
static int item_cmp(const void *a, const void *b)
{
	return strcmp(((const struct item *)a)->name, ((const struct item *)b)->name);
}

/* free_items - release @n items. */
static void free_items(struct item *it, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(it[i].name);
		free(it[i].path);
	}
	free(it);
}

/* read_dir - entries of directory @path, sorted, with attributes when -l. */
static int read_dir(struct ls *l, const char *path, struct item **out, size_t *n)
{
	struct benchfs_dirent *de;
	benchfs_dir_t *d;
	struct item *it = NULL;
	size_t cap = 0;
	int rc;

	struct stat st;
	unsigned flags = 0;

	*n = 0;
	/* -l: the attributes come with the names, one request per server and page */
	rc = benchfs_opendir_flags(path, l->longfmt ? BENCHFS_DIR_STAT : 0, &d);
	if (rc < 0)
		return rc;
	while ((rc = l->longfmt ? benchfs_readdir_stat(d, &de, &st, &flags)
	                        : benchfs_readdir(d, &de)) == 1) {
		if (!l->all && de->d_name[0] == '.')
			continue;
		if (*n == cap) {
			struct item *g = realloc(it, sizeof(*it) * (cap = cap ? cap * 2 : 64));

			if (!g) {
				rc = -ENOMEM;
				break;
			}
			it = g;
		}
		memset(&it[*n], 0, sizeof(*it));
		it[*n].name = strdup(de->d_name);
		it[*n].path = tool_join(path, de->d_name);
		it[*n].type = de->d_type;
		if (l->longfmt) {
			it[*n].st = st;
			it[*n].flags = flags;
			it[*n].have_st = 1;
		}
		if (!it[(*n)++].name) {
			rc = -ENOMEM;
			break;
		}
	}
	benchfs_closedir(d);
	if (rc < 0) {
		free_items(it, *n);
		return rc;
	}
	if (*n > 1)
		qsort(it, *n, sizeof(*it), item_cmp);
	*out = it;
	return 0;
}

/* is_dir_item - whether an entry is a directory (from its attributes or its dirent type). */
static int is_dir_item(const struct item *it)
{
	return it->have_st ? S_ISDIR(it->st.st_mode) : it->type == DT_DIR;
}

/* list_dir - one directory section (header when @header), then its subdirectories with -R.
 * @shown is the name used in headers. */
static void list_dir(struct ls *l, const char *path, const char *shown, int header, int operand)
{
	struct item *it;
	size_t n, i;
	int rc;

	if (l->printed)
		putchar('\n');
	if (header)
		printf("%s:\n", shown);
	l->printed = 1;
	rc = read_dir(l, path, &it, &n);
	if (rc < 0) {
		fflush(stdout);
		fprintf(stderr, "%s: cannot open directory '%s': %s\n", ls_desc.name, shown,
		        strerror(-rc));
		l->status = operand ? 2 : (l->status > 1 ? l->status : 1);
		return;
	}
	print_items(l, it, n, 1);
	for (i = 0; l->recursive && i < n; i++) {
		char *sub;

		if (!is_dir_item(&it[i]))
			continue;
		sub = tool_join(shown, it[i].name);
		list_dir(l, it[i].path, sub, 1, 0);
		free(sub);
	}
	free_items(it, n);
}

/* ---- operands -------------------------------------------------------------------------------- */

/* stat_operands - lstat every operand; missing ones are reported (status 2) and dropped.
 * Directories go to @dirs, the rest to @files. */
static void stat_operands(struct ls *l, struct item *files, size_t *nf, struct item *dirs,
                          size_t *nd)
{
	int i;

	*nf = *nd = 0;
	for (i = 0; i < l->noperands; i++) {
		struct item it = {0};
		int rc;

		it.path = tool_normalize(l->operands[i]);
		rc = it.path ? benchfs_lstat_flags(it.path, &it.st, &it.flags) : -errno;
		if (rc < 0) {
			fflush(stdout);
			fprintf(stderr, "%s: cannot access '%s': %s\n", ls_desc.name,
			        l->operands[i], strerror(-rc));
			l->status = 2;
			free(it.path);
			continue;
		}
		it.name = strdup(l->operands[i]);
		it.have_st = 1;
		if (S_ISDIR(it.st.st_mode))
			dirs[(*nd)++] = it;
		else
			files[(*nf)++] = it;
	}
	qsort(files, *nf, sizeof(*files), item_cmp);
	qsort(dirs, *nd, sizeof(*dirs), item_cmp);
}

/* run - rank 0's whole listing. */
static void run(struct ls *l)
{
	static char *root[] = {"/"};
	struct item *files, *dirs;
	size_t nf, nd, i;
	int many;

	if (l->noperands == 0) {
		l->operands = root;
		l->noperands = 1;
	}
	files = calloc((size_t)l->noperands, sizeof(*files));
	dirs = calloc((size_t)l->noperands, sizeof(*dirs));
	if (!files || !dirs) {
		tool_error(&l->t, l->operands[0], ENOMEM);
		l->status = 2;
		free(files);
		free(dirs);
		return;
	}
	l->now = time(NULL);
	many = l->noperands > 1;
	stat_operands(l, files, &nf, dirs, &nd);
	print_items(l, files, nf, 0);
	for (i = 0; i < nd; i++)
		list_dir(l, dirs[i].path, dirs[i].name, many || l->recursive, 1);
	free_items(files, nf);
	free_items(dirs, nd);
	fflush(stdout);
}

/* main - parse, start the file system, list on rank 0, report. */
int main(int argc, char **argv)
{
	struct ls l;

	memset(&l, 0, sizeof(l));
	tool_init(&l.t, &ls_desc, &argc, &argv);
	parse_args(&l, argc, argv);
	tool_start(&l.t);
	if (l.t.rank == 0)
		run(&l);
	return tool_finish(&l.t, l.status);
}
