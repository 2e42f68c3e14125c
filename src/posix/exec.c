/*
 * exec.c - libbenchfs-posix.so: BenchFS descriptors and the BenchFS current directory across
 * exec (see posix.h).
 *
 * A shell runs "cmd > /benchfs/out" by opening the file, moving it onto descriptor 1 and
 * executing cmd. The reserved kernel descriptors of BenchFS descriptors that are not
 * close-on-exec survive the exec as they are; what the new program needs to use them is passed
 * in its environment, which the exec wrappers extend:
 *	BENCHFS_POSIX_FDS=FD:FLAGS:OFFSET:ISDIR:HEXPATH[,...]
 *	BENCHFS_POSIX_CWD=/path      (the BenchFS current directory, if any)
 * The new program's library (if it preloads one; a static program sees descriptors that fail
 * with EBADF) takes the descriptors over at start and reopens each file by path at first use,
 * at that offset. Before executing, the library closes its BenchFS files, so that the sizes
 * and times written so far are published; should the exec fail, they are reopened at first use
 * as after a fork. An exec that goes around these wrappers (glibc's system() and popen() call
 * posix_spawn internally) passes nothing: the descriptors it leaves fail with EBADF there.
 */
#undef _FORTIFY_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "posix/posix.h"

#define FDS_VAR "BENCHFS_POSIX_FDS="
#define CWD_VAR "BENCHFS_POSIX_CWD="

extern char **environ;

/* the BENCHFS_POSIX_FDS entry for the descriptors that survive the exec (malloc'd; NULL when
 * there are none). @close: close the BenchFS files too (an exec; not a spawn). */
static char *fds_entry(int close_files)
{
	BFSP_REAL(fcntl);
	struct bfsp_file *f;
	size_t cap = 256, len = 0;
	char *out = malloc(cap);
	int fd = -1, any = 0;

	if (!out)
		return NULL;
	len = (size_t)snprintf(out, cap, "%s", FDS_VAR);
	while ((fd = bfsp_fd_next(fd + 1, &f)) >= 0) {
		uint64_t pos = f->reopen_pos;
		int fdflags = real_fcntl(fd, F_GETFD);
		size_t need;
		char *n;

		bfsp_inside++;
		if (f->bfd >= 0 && !f->is_dir) {
			off_t p = benchfs_lseek(f->bfd, 0, SEEK_CUR);
			pos = p > 0 ? (uint64_t)p : 0;
		}
		if (close_files && f->bfd >= 0) {
			benchfs_close(f->bfd); /* publishes size and times */
			f->bfd = -1;
			f->reopen_pos = pos;
		}
		bfsp_inside--;
		if (fdflags < 0 || (fdflags & FD_CLOEXEC))
			continue;
		need = len + 64 + 2 * strlen(f->path);
		if (need > cap) {
			n = realloc(out, cap = 2 * need);
			if (!n)
				break;
			out = n;
		}
		len += (size_t)snprintf(out + len, cap - len, "%s%d:%d:%llu:%d:", any ? "," : "",
		                        fd, f->flags, (unsigned long long)pos, f->is_dir);
		for (const unsigned char *c = (const unsigned char *)f->path; *c; c++)
			len += (size_t)snprintf(out + len, cap - len, "%02x", *c);
		any = 1;
	}
	if (!any) {
		free(out);
		return NULL;
	}
	return out;
}

/* @envp without our variables, plus the current ones (malloc'd array; entries are @envp's,
 * and the two strings, which the caller frees) */
static char **exec_env(char *const envp[], int close_files, char **fds, char **cwd)
{
	size_t n = 0, k = 0;
	char **out;

	*fds = fds_entry(close_files);
	*cwd = NULL;
	if (bfsp_cwd[0]) {
		*cwd = malloc(strlen(CWD_VAR) + strlen(bfsp_cwd) + 1);
		if (*cwd)
			sprintf(*cwd, "%s%s", CWD_VAR, bfsp_cwd);
	}
	while (envp && envp[n])
		n++;
	out = malloc((n + 3) * sizeof(*out));
	if (!out)
		return NULL;
	for (size_t i = 0; i < n; i++)
		if (strncmp(envp[i], FDS_VAR, strlen(FDS_VAR)) &&
		    strncmp(envp[i], CWD_VAR, strlen(CWD_VAR)))
			out[k++] = envp[i];
	if (*fds)
		out[k++] = *fds;
	if (*cwd)
		out[k++] = *cwd;
	out[k] = NULL;
	return out;
}

static void env_free(char **env, char *fds, char *cwd)
{
	int e = errno;

	free(env);
	free(fds);
	free(cwd);
	errno = e;
}

BFSP_EXPORT int execve(const char *path, char *const argv[], char *const envp[])
{
	BFSP_REAL(execve);
	char *fds, *cwd, **env = exec_env(envp, 1, &fds, &cwd);
	int rc = real_execve(path, argv, env ? env : envp);

	env_free(env, fds, cwd);
	return rc;
}

BFSP_EXPORT int execveat(int dirfd, const char *path, char *const argv[], char *const envp[],
                         int flags)
{
	BFSP_REAL(execveat);
	char *fds, *cwd, **env = exec_env(envp, 1, &fds, &cwd);
	int rc = real_execveat(dirfd, path, argv, env ? env : envp, flags);

	env_free(env, fds, cwd);
	return rc;
}

BFSP_EXPORT int fexecve(int fd, char *const argv[], char *const envp[])
{
	BFSP_REAL(fexecve);
	char *fds, *cwd, **env = exec_env(envp, 1, &fds, &cwd);
	int rc = real_fexecve(fd, argv, env ? env : envp);

	env_free(env, fds, cwd);
	return rc;
}

BFSP_EXPORT int execv(const char *path, char *const argv[])
{
	return execve(path, argv, environ);
}

BFSP_EXPORT int execvpe(const char *file, char *const argv[], char *const envp[])
{
	BFSP_REAL(execvpe);
	char *fds, *cwd, **env = exec_env(envp, 1, &fds, &cwd);
	int rc = real_execvpe(file, argv, env ? env : envp);

	env_free(env, fds, cwd);
	return rc;
}

BFSP_EXPORT int execvp(const char *file, char *const argv[])
{
	return execvpe(file, argv, environ);
}

/* the variadic argument list of execl and its relatives as an argv (malloc'd) */
static char **va_argv(const char *arg0, va_list ap, char ***envp)
{
	size_t n = 1, cap = 16;
	char **v = malloc(cap * sizeof(*v)), *a;

	if (!v)
		return NULL;
	v[0] = (char *)arg0;
	do {
		a = va_arg(ap, char *);
		if (n == cap) {
			char **nv = realloc(v, (cap *= 2) * sizeof(*v));
			if (!nv) {
				free(v);
				return NULL;
			}
			v = nv;
		}
		v[n++] = a;
	} while (a);
	if (envp)
		*envp = va_arg(ap, char **);
	return v;
}

#define EXECL(name, call, with_env)                                                                \
	BFSP_EXPORT int name(const char *p, const char *arg0, ...)                                 \
	{                                                                                          \
		char **envp = environ, **argv;                                                     \
		va_list ap;                                                                        \
		int rc;                                                                            \
		va_start(ap, arg0);                                                                \
		argv = va_argv(arg0, ap, with_env ? &envp : NULL);                                 \
		va_end(ap);                                                                        \
		if (!argv) {                                                                       \
			errno = ENOMEM;                                                            \
			return -1;                                                                 \
		}                                                                                  \
		rc = call;                                                                         \
		free(argv);                                                                        \
		return rc;                                                                         \
	}

EXECL(execl, execve(p, argv, environ), 0)
EXECL(execlp, execvpe(p, argv, environ), 0)
EXECL(execle, execve(p, argv, envp), 1)

BFSP_EXPORT int posix_spawn(pid_t *pid, const char *path, const posix_spawn_file_actions_t *fa,
                            const posix_spawnattr_t *attr, char *const argv[], char *const envp[])
{
	BFSP_REAL(posix_spawn);
	char *fds, *cwd, **env = exec_env(envp, 0, &fds, &cwd);
	int rc = real_posix_spawn(pid, path, fa, attr, argv, env ? env : envp);

	env_free(env, fds, cwd);
	return rc;
}

BFSP_EXPORT int posix_spawnp(pid_t *pid, const char *file, const posix_spawn_file_actions_t *fa,
                             const posix_spawnattr_t *attr, char *const argv[], char *const envp[])
{
	BFSP_REAL(posix_spawnp);
	char *fds, *cwd, **env = exec_env(envp, 0, &fds, &cwd);
	int rc = real_posix_spawnp(pid, file, fa, attr, argv, env ? env : envp);

	env_free(env, fds, cwd);
	return rc;
}

/* ---- the receiving side ---- */

static int unhex(const char *s, size_t n, char *out, size_t cap)
{
	if (n % 2 || n / 2 + 1 > cap)
		return -1;
	for (size_t i = 0; i < n / 2; i++) {
		unsigned v;

		if (sscanf(s + 2 * i, "%2x", &v) != 1)
			return -1;
		out[i] = (char)v;
	}
	out[n / 2] = '\0';
	return (int)(n / 2);
}

void bfsp_exec_adopt(void)
{
	BFSP_REAL(fcntl);
	const char *v = getenv("BENCHFS_POSIX_FDS");

	while (v && *v) {
		const char *end = strchr(v, ','), *hex;
		size_t len = end ? (size_t)(end - v) : strlen(v);
		unsigned long long pos;
		int fd, flags, is_dir, n = 0, fl;
		struct bfsp_path p;
		struct bfsp_file *f;

		if (sscanf(v, "%d:%d:%llu:%d:%n", &fd, &flags, &pos, &is_dir, &n) == 4 && n > 0 &&
		    (size_t)n <= len) {
			hex = v + n;
			p.len = unhex(hex, len - (size_t)n, p.p, sizeof(p.p));
			fl = real_fcntl(fd, F_GETFL);
			/* still the O_PATH descriptor the program before reserved */
			if (p.len > 0 && p.p[0] == '/' && fl >= 0 && (fl & O_PATH) &&
			    (f = bfsp_file_new(&p, -1, flags, is_dir != 0))) {
				f->reopen_pos = pos;
				if (bfsp_fd_adopt(fd, f) < 0)
					free(f);
				else
					bfsp_std_attach(fd); /* printf to an inherited stdout */
			}
		}
		v = end ? end + 1 : NULL;
	}
}
