/*
 * core.c - hand-written core of libbenchfs-run.so, the library benchfs-run preloads into an
 * unmodified MPI application (see benchfs-run.c for the launcher).
 *
 * MPI_Init / MPI_Init_thread (and their PMPI_ names, which the Fortran bindings call): after the
 * real initialization, when BENCHFS_RUN_SERVERS=N is set, benchfs_mpi_start(MPI_COMM_WORLD, N,
 * $BENCHFS_RUN_DATA_DIR) picks the N server ranks (its own placement: highest local ranks,
 * nodes round-robin). Server ranks serve inside that call and never return to the application:
 * once the clients have stopped them they finalize MPI and _exit(0). Client ranks get the client
 * communicator, which every generated wrapper (wrappers.c) puts in place of MPI_COMM_WORLD, so
 * the application sees a world without the servers. MPI_Finalize on the clients first calls
 * benchfs_mpi_stop() (collective over the clients: the servers flush their data and stop).
 *
 * A few PMPI_ functions are interposed too, so that C and Fortran (whose bindings call PMPI_*
 * directly and turn handle 0 into a C communicator with PMPI_Comm_f2c) behave the same:
 * MPI_Abort on the world takes the whole job down, predefined attributes of the world still
 * answer, the world cannot be freed, and an error handler set on it also covers calls without a
 * communicator. The real functions are reached with dlsym(RTLD_NEXT).
 *
 * Spawned processes (MPI_Comm_get_parent non-null) are a world of their own: no servers there
 * (and mpirun starts them without this library anyway; MPI_Comm_spawn says so once, see below).
 */
#include <dlfcn.h>
#include <errno.h>
#include <link.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "benchfs_mpi.h"
#include "run/addrfile.h"
#include "run/run.h"

MPI_Comm bfsr_clients = MPI_COMM_NULL;
static int marker = MPI_KEYVAL_INVALID; /* on the client comm and its dups (copied by dup) */

#define REAL(name)                                                                                 \
	static __typeof__(&name) real_##name;                                                      \
	if (!real_##name) {                                                                        \
		real_##name = (__typeof__(&name))dlsym(RTLD_NEXT, #name);                          \
		if (!real_##name) {                                                                \
			fprintf(stderr, "benchfs-run: %s not found in the MPI library\n", #name);  \
			abort();                                                                   \
		}                                                                                  \
	}

static int real_finalize(void)
{
	REAL(PMPI_Finalize);
	return real_PMPI_Finalize();
}

/* BENCHFS_RUN_SERVERS: 0 when unset (no servers: attached to standalone ones, or plain MPI) */
static int servers_wanted(void)
{
	const char *env = getenv("BENCHFS_RUN_SERVERS");
	char *end;
	long n;

	if (!env || !*env)
		return 0;
	errno = 0;
	n = strtol(env, &end, 10);
	if (errno || *end || n < 1 || n > 1 << 20) {
		fprintf(stderr, "benchfs-run: BENCHFS_RUN_SERVERS=%s is not a server count\n", env);
		PMPI_Abort(MPI_COMM_WORLD, 1);
	}
	return (int)n;
}

/* the address file this client wrote for the processes it starts (benchfs_write_addrfile) */
static char addrfile[4096];

/*
 * With libbenchfs-posix.so (BENCHFS_RUN_POSIX=1), the processes this client starts (a shell's
 * commands, system(), Python's subprocess) reach the same servers: they attach through an
 * address file written here, named in BENCHFS_ADDR, and BENCHFS_RUN_SERVERS is taken out of the
 * environment so that none of them starts servers of its own.
 */
static void share_servers(int rank)
{
	int rc;

	unsetenv("BENCHFS_RUN_SERVERS");
	if (!getenv("BENCHFS_RUN_POSIX"))
		return;
	rc = bfs_run_addrfile(addrfile, sizeof(addrfile));
	if (rc < 0) {
		fprintf(stderr,
		        "benchfs-run: rank %d: cannot write %s: %s; processes this program starts "
		        "will not reach BenchFS\n",
		        rank, addrfile, strerror(-rc));
		addrfile[0] = '\0';
		return;
	}
	setenv("BENCHFS_ADDR", addrfile, 1);
}

static void after_init(void)
{
	const char *dir = getenv("BENCHFS_RUN_DATA_DIR");
	int nservers = servers_wanted(), size, rank, rc;
	MPI_Comm parent, clients;

	if (nservers == 0)
		return;
	PMPI_Comm_get_parent(&parent);
	if (parent != MPI_COMM_NULL)
		return;
	PMPI_Comm_size(MPI_COMM_WORLD, &size);
	PMPI_Comm_rank(MPI_COMM_WORLD, &rank);
	if (nservers >= size) {
		if (rank == 0)
			fprintf(
			    stderr,
			    "benchfs-run: --servers %d needs more than %d ranks (mpirun -n %d or "
			    "more)\n",
			    nservers, size, nservers + 1);
		PMPI_Abort(MPI_COMM_WORLD, 1);
	}
	/* the server placement and start-up of libbenchfs; its MPI calls pass through the
	 * wrappers unchanged, as bfsr_clients is not set yet */
	rc = benchfs_mpi_start(MPI_COMM_WORLD, nservers, dir && *dir ? dir : NULL, &clients);
	if (rc == BENCHFS_MPI_SERVED) {
		real_finalize();
		fflush(NULL);
		_exit(0); /* not exit(): the application's atexit handlers belong to its clients */
	}
	if (rc < 0) {
		/* every rank gets the same error from the start-up */
		if (rank == 0)
			fprintf(stderr, "benchfs-run: cannot start %d BenchFS servers%s%s: %s\n",
			        nservers, dir && *dir ? " in " : "", dir && *dir ? dir : "",
			        strerror(-rc));
		PMPI_Abort(MPI_COMM_WORLD, 1);
	}
	share_servers(rank);
	PMPI_Comm_set_name(clients, "MPI_COMM_WORLD");
	PMPI_Comm_create_keyval(MPI_COMM_DUP_FN, MPI_COMM_NULL_DELETE_FN, &marker, NULL);
	PMPI_Comm_set_attr(clients, marker, NULL);
	bfsr_clients = clients;
}

/* ---- init / finalize: both MPI_ (C) and PMPI_ (Fortran bindings) entry points ---- */

static int do_init(int *argc, char ***argv)
{
	REAL(PMPI_Init);
	int rc = real_PMPI_Init(argc, argv);
	if (rc == MPI_SUCCESS)
		after_init();
	return rc;
}

static int do_init_thread(int *argc, char ***argv, int required, int *provided)
{
	REAL(PMPI_Init_thread);
	int rc = real_PMPI_Init_thread(argc, argv, required, provided);
	if (rc == MPI_SUCCESS)
		after_init();
	return rc;
}

static int do_finalize(void)
{
	if (bfsr_clients != MPI_COMM_NULL) {
		MPI_Comm c = bfsr_clients;
		int rank, rc;

		PMPI_Comm_rank(c, &rank);
		bfsr_clients = MPI_COMM_NULL; /* no mapping from here: the world is the real one */
		rc = benchfs_mpi_stop(&c);    /* collective over the clients; frees c */
		if (rc < 0 && rank == 0)
			fprintf(stderr, "benchfs-run: stopping the BenchFS servers: %s\n",
			        strerror(-rc));
		if (addrfile[0])
			unlink(addrfile);
		addrfile[0] = '\0';
	}
	return real_finalize();
}

int MPI_Init(int *argc, char ***argv)
{
	return do_init(argc, argv);
}

int PMPI_Init(int *argc, char ***argv)
{
	return do_init(argc, argv);
}

int MPI_Init_thread(int *argc, char ***argv, int required, int *provided)
{
	return do_init_thread(argc, argv, required, provided);
}

int PMPI_Init_thread(int *argc, char ***argv, int required, int *provided)
{
	return do_init_thread(argc, argv, required, provided);
}

int MPI_Finalize(void)
{
	return do_finalize();
}

int PMPI_Finalize(void)
{
	return do_finalize();
}

/* ---- special semantics, at the PMPI level so that C and Fortran both get them ---- */

/* MPI_Abort on the (mapped) world takes the whole job down, servers included */
int PMPI_Abort(MPI_Comm comm, int errorcode)
{
	REAL(PMPI_Abort);
	if (comm == bfsr_clients && comm != MPI_COMM_NULL)
		comm = MPI_COMM_WORLD;
	return real_PMPI_Abort(comm, errorcode);
}

/* Fortran's MPI_COMM_WORLD (handle 0) is the client communicator */
MPI_Comm PMPI_Comm_f2c(MPI_Fint f)
{
	REAL(PMPI_Comm_f2c);
	if (f == 0 && bfsr_clients != MPI_COMM_NULL)
		return bfsr_clients;
	return real_PMPI_Comm_f2c(f);
}

/* predefined attributes live on the real world only (split does not copy attributes) */
int bfsr_predefined(int keyval)
{
	return keyval == MPI_TAG_UB || keyval == MPI_HOST || keyval == MPI_IO ||
	       keyval == MPI_WTIME_IS_GLOBAL || keyval == MPI_APPNUM ||
	       keyval == MPI_UNIVERSE_SIZE || keyval == MPI_LASTUSEDCODE;
}

int bfsr_world_like(MPI_Comm comm)
{
	REAL(PMPI_Comm_get_attr);
	void *v;
	int f = 0;

	if (marker == MPI_KEYVAL_INVALID || comm == MPI_COMM_NULL || comm == MPI_COMM_WORLD)
		return 0;
	return comm == bfsr_clients ||
	       (real_PMPI_Comm_get_attr(comm, marker, &v, &f) == MPI_SUCCESS && f);
}

int PMPI_Comm_get_attr(MPI_Comm comm, int keyval, void *val, int *flag)
{
	REAL(PMPI_Comm_get_attr);
	if (bfsr_predefined(keyval) && bfsr_world_like(comm))
		comm = MPI_COMM_WORLD;
	return real_PMPI_Comm_get_attr(comm, keyval, val, flag);
}

/* the MPI-1 name, deprecated but still in Open MPI 4 */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
int PMPI_Attr_get(MPI_Comm comm, int keyval, void *val, int *flag)
{
	REAL(PMPI_Attr_get);
	if (bfsr_predefined(keyval) && bfsr_world_like(comm))
		comm = MPI_COMM_WORLD;
	return real_PMPI_Attr_get(comm, keyval, val, flag);
}
#pragma GCC diagnostic pop

/* the client communicator is the application's world: it cannot be freed */
int PMPI_Comm_free(MPI_Comm *comm)
{
	REAL(PMPI_Comm_free);
	if (comm && *comm == bfsr_clients && *comm != MPI_COMM_NULL) {
		PMPI_Comm_call_errhandler(*comm, MPI_ERR_COMM);
		return MPI_ERR_COMM;
	}
	return real_PMPI_Comm_free(comm);
}

int PMPI_Comm_disconnect(MPI_Comm *comm)
{
	REAL(PMPI_Comm_disconnect);
	if (comm && *comm == bfsr_clients && *comm != MPI_COMM_NULL) {
		PMPI_Comm_call_errhandler(*comm, MPI_ERR_COMM);
		return MPI_ERR_COMM;
	}
	return real_PMPI_Comm_disconnect(comm);
}

/* an error handler set on the world also governs errors Open MPI raises on the real world
 * (calls without a communicator: MPI_Info_*, MPI_Type_*, ...) */
int PMPI_Comm_set_errhandler(MPI_Comm comm, MPI_Errhandler eh)
{
	REAL(PMPI_Comm_set_errhandler);
	if (comm == bfsr_clients && comm != MPI_COMM_NULL)
		real_PMPI_Comm_set_errhandler(MPI_COMM_WORLD, eh);
	return real_PMPI_Comm_set_errhandler(comm, eh);
}

/* Spawned processes are started by mpirun with its environment, not the parent's: they run
 * without this library and without libbenchfs-romio.so, as a plain MPI job with a world of its
 * own. Spawning works; say once, at the root, that BenchFS is not there. */
static void spawn_note(int root, MPI_Comm comm)
{
	static int said;
	int rank = -1;

	if (said || PMPI_Comm_rank(comm, &rank) != MPI_SUCCESS || rank != root)
		return;
	said = 1;
	fprintf(stderr, "benchfs-run: note: MPI_Comm_spawn: the spawned processes run without "
	                "benchfs-run's libraries: \"benchfs:\" MPI-IO names do not open there\n");
}

int PMPI_Comm_spawn(const char *command, char *argv[], int maxprocs, MPI_Info info, int root,
                    MPI_Comm comm, MPI_Comm *intercomm, int errcodes[])
{
	REAL(PMPI_Comm_spawn);
	spawn_note(root, comm);
	return real_PMPI_Comm_spawn(command, argv, maxprocs, info, root, comm, intercomm, errcodes);
}

int PMPI_Comm_spawn_multiple(int count, char *commands[], char **argvs[], const int maxprocs[],
                             const MPI_Info infos[], int root, MPI_Comm comm, MPI_Comm *intercomm,
                             int errcodes[])
{
	REAL(PMPI_Comm_spawn_multiple);
	spawn_note(root, comm);
	return real_PMPI_Comm_spawn_multiple(count, commands, argvs, maxprocs, infos, root, comm,
	                                     intercomm, errcodes);
}

/* ---- programs that are no MPI programs ---- */

/*
 * needs_mpi - whether the program links the MPI library itself: libmpi* among the DT_NEEDED
 * entries of the executable or of the libraries it needs (transitively), not counting our own
 * libraries (which need it but are only preloaded). BENCHFS_RUN_MPI=0 or 1 says it instead
 * (a program linked with libmpi that never calls MPI_Init is no MPI program).
 */
static int needs_mpi(void)
{
	const char *force = getenv("BENCHFS_RUN_MPI");
	struct link_map *maps[512];
	unsigned char app[512] = {0};
	struct link_map *lm = _r_debug.r_map;
	int n = 0, changed = 1;

	if (force && (!strcmp(force, "0") || !strcmp(force, "1")))
		return force[0] == '1'; /* the user knows better */
	for (; lm && n < 512; lm = lm->l_next)
		maps[n++] = lm;
	if (!n)
		return 0;
	app[0] = 1; /* the executable */
	while (changed) {
		changed = 0;
		for (int i = 0; i < n; i++) {
			const ElfW(Dyn) * d;
			const char *strtab = NULL;

			if (!app[i] || app[i] == 2 || !maps[i]->l_ld)
				continue;
			app[i] = 2; /* its needs are looked at now */
			for (d = maps[i]->l_ld; d->d_tag != DT_NULL; d++)
				if (d->d_tag == DT_STRTAB)
					strtab = (const char *)d->d_un.d_ptr;
			if (!strtab)
				continue;
			if ((ElfW(Addr))strtab < maps[i]->l_addr)
				strtab += maps[i]->l_addr; /* not relocated in place (some ports) */
			for (d = maps[i]->l_ld; d->d_tag != DT_NULL; d++) {
				const char *need;

				if (d->d_tag != DT_NEEDED)
					continue;
				need = strtab + d->d_un.d_val;
				if (strncmp(need, "libmpi", 6) == 0)
					return 1;
				if (strncmp(need, "libbenchfs", 10) == 0)
					continue;
				for (int j = 1; j < n; j++) {
					const char *name = maps[j]->l_name, *base;

					if (app[j] || !name || !*name)
						continue;
					base = strrchr(name, '/');
					base = base ? base + 1 : name;
					if (strcmp(base, need) == 0) {
						app[j] = 1;
						changed = 1;
					}
				}
			}
		}
	}
	return 0;
}

/*
 * A program that is no MPI program (cat, rm, tar, bash, python), run with servers wanted
 * (BENCHFS_RUN_SERVERS) and libbenchfs-posix.so: MPI does not run in its process (bash, for
 * one, brings its own getenv and setenv, under which Open MPI cannot start). Before its main,
 * this constructor forks. The parent, which keeps the pid mpirun started, becomes the MPI
 * rank: it executes benchfs-job (BENCHFS_RUN_JOB), which takes part in the job's servers and
 * tells the child over a pipe either to run the program, attached through the address file it
 * wrote (a client rank), or to exit at once (a server rank, or a failed start). It waits for
 * the child, stops the servers with the other clients and exits with the child's status. The
 * child waits for that word and then goes on into the program's main, with BENCHFS_ADDR in
 * place of BENCHFS_RUN_SERVERS in its environment (in the very array main gets).
 */
static void run_as_child(char **envp)
{
	const char *job = getenv("BENCHFS_RUN_JOB");
	static char addr_env[4300];
	char word[4200], fdarg[16], pidarg[16];
	int p[2];
	pid_t pid;
	ssize_t n = 0, r;

	if (!job || !*job) {
		fprintf(stderr, "benchfs-run: BENCHFS_RUN_JOB is not set: cannot start servers "
		                "for a program that is no MPI program\n");
		_exit(1);
	}
	if (pipe(p) < 0 || (pid = fork()) < 0) {
		fprintf(stderr, "benchfs-run: cannot fork: %s\n", strerror(errno));
		_exit(1);
	}
	if (pid > 0) { /* the MPI rank: benchfs-job, without our libraries */
		char *argv[] = {(char *)job, fdarg, pidarg, NULL}, **env;
		extern char **environ;
		size_t n = 0, k = 0;

		close(p[0]);
		snprintf(fdarg, sizeof(fdarg), "%d", p[1]);
		snprintf(pidarg, sizeof(pidarg), "%d", (int)pid);
		/* environ without LD_PRELOAD, by hand: the program may bring its own setenv (bash
		 * does), which would not touch environ */
		while (environ[n])
			n++;
		env = calloc(n + 1, sizeof(*env));
		for (size_t i = 0; env && i < n; i++)
			if (strncmp(environ[i], "LD_PRELOAD=", 11) != 0)
				env[k++] = environ[i];
		execve(job, argv, env ? env : environ);
		fprintf(stderr, "benchfs-run: %s: %s\n", job, strerror(errno));
		kill(pid, SIGKILL);
		_exit(127);
	}
	close(p[1]);
	while ((size_t)n < sizeof(word) - 1 &&
	       (r = read(p[0], word + n, sizeof(word) - 1 - (size_t)n)) > 0)
		n += r;
	close(p[0]);
	word[n] = '\0';
	if (n < 1 || word[0] != 'R')
		_exit(n >= 2 && word[0] == 'X' ? atoi(word + 1) : 1);
	/* the program's environment: BENCHFS_ADDR instead of BENCHFS_RUN_SERVERS */
	snprintf(addr_env, sizeof(addr_env), "BENCHFS_ADDR=%s", word + 1);
	{
		extern char **environ;
		for (char **e = envp; e && *e; e++)
			if (strncmp(*e, "BENCHFS_RUN_SERVERS=", 20) == 0)
				*e = addr_env;
		if (environ != envp) /* someone's setenv copied it before us */
			for (char **e = environ; e && *e; e++)
				if (strncmp(*e, "BENCHFS_RUN_SERVERS=", 20) == 0)
					*e = addr_env;
	}
}

/* glibc calls the constructors with main's arguments */
__attribute__((constructor)) static void bfsr_start(int argc, char **argv, char **envp)
{
	(void)argc;
	(void)argv;
	if (!servers_wanted() || !getenv("BENCHFS_RUN_POSIX") || needs_mpi())
		return;
	run_as_child(envp);
}
