/*
 * benchfs-job - the MPI rank of a program that is no MPI program under benchfs-run (see
 * run_as_child() in core.c): not run by hand.
 *
 *	benchfs-job PIPE-FD CHILD-PID
 *
 * The program waits, forked before its main, for one word on PIPE-FD: "R<address file>" (run,
 * attached through that file) or "X<status>" (exit with that status). This process initializes
 * MPI, learns whether it is a server (benchfs_mpi_server_index), and then
 *  - on a server rank: sends "X0" and serves until the clients stop the servers;
 *  - on a client rank: starts the file system with the others (benchfs_mpi_start), writes its
 *    address file, sends "R...", waits for the program, stops the servers with the other
 *    clients (benchfs_mpi_stop) and exits with the program's status (128 + signal when a
 *    signal ended it).
 * SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1 and SIGUSR2 that reach it while the program runs
 * are passed on to the program. Environment: BENCHFS_RUN_SERVERS, BENCHFS_RUN_DATA_DIR (as for
 * libbenchfs-run.so), TMPDIR (where the address file goes).
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "benchfs_mpi.h"
#include "run/addrfile.h"

static volatile sig_atomic_t child;

static void pass_on(int sig)
{
	if (child > 0)
		kill((pid_t)child, sig);
}

static void say(int fd, const char *word)
{
	size_t n = strlen(word), done = 0;

	while (done < n) {
		ssize_t w = write(fd, word + done, n - done);
		if (w <= 0)
			break;
		done += (size_t)w;
	}
	close(fd);
}

/* wait for the program; its exit status as a shell reports it */
static int wait_child(pid_t pid)
{
	int st;

	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return 1;
	if (WIFEXITED(st))
		return WEXITSTATUS(st);
	return 128 + WTERMSIG(st);
}

int main(int argc, char **argv)
{
	static const int sigs[] = {SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2};
	const char *ns = getenv("BENCHFS_RUN_SERVERS"), *dir = getenv("BENCHFS_RUN_DATA_DIR");
	char addr[4096], word[4200];
	int fd, nservers, rank, size, index, rc, status;
	MPI_Comm clients;
	pid_t pid;

	if (argc != 3 || !ns) {
		fprintf(stderr, "benchfs-job: run by benchfs-run only\n");
		return 2;
	}
	fd = atoi(argv[1]);
	pid = (pid_t)atoi(argv[2]);
	nservers = atoi(ns);
	if (dir && !*dir)
		dir = NULL;
	close(0); /* mpirun's stdin is the program's */
	MPI_Init(NULL, NULL);
	MPI_Comm_rank(MPI_COMM_WORLD, &rank);
	MPI_Comm_size(MPI_COMM_WORLD, &size);
	if (nservers >= size) {
		if (rank == 0)
			fprintf(
			    stderr,
			    "benchfs-run: --servers %d needs more than %d ranks (mpirun -n %d or "
			    "more)\n",
			    nservers, size, nservers + 1);
		say(fd, "X1");
		wait_child(pid);
		MPI_Finalize();
		return 1;
	}
	index = benchfs_mpi_server_index(MPI_COMM_WORLD, nservers);
	if (index >= 0) /* a server: the program does not run here */
		say(fd, "X0");
	rc = benchfs_mpi_start(MPI_COMM_WORLD, nservers, dir, &clients);
	if (rc == BENCHFS_MPI_SERVED) {
		wait_child(pid);
		MPI_Finalize();
		return 0;
	}
	if (rc < 0) {
		if (rank == 0)
			fprintf(stderr, "benchfs-run: cannot start %d BenchFS servers%s%s: %s\n",
			        nservers, dir ? " in " : "", dir ? dir : "", strerror(-rc));
		if (index < 0)
			say(fd, "X1");
		wait_child(pid);
		MPI_Abort(MPI_COMM_WORLD, 1);
		return 1;
	}
	rc = bfs_run_addrfile(addr, sizeof(addr));
	if (rc < 0) {
		fprintf(stderr, "benchfs-run: rank %d: cannot write %s: %s\n", rank, addr,
		        strerror(-rc));
		say(fd, "X1");
		status = 1;
	} else {
		child = pid;
		for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
			signal(sigs[i], pass_on);
		snprintf(word, sizeof(word), "R%s", addr);
		say(fd, word);
		status = wait_child(pid);
		child = 0;
		unlink(addr);
	}
	rc = benchfs_mpi_stop(&clients);
	if (rc < 0)
		fprintf(stderr, "benchfs-run: rank %d: stopping the BenchFS servers: %s\n", rank,
		        strerror(-rc));
	MPI_Finalize();
	return status;
}
