/*
 * ucx.c - UCX context, worker, endpoints and wake-up for BenchFS clients and servers.
 */
#include "net/ucx.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>

#include "common/util.h"

int bfs_ucs_errno(ucs_status_t st)
{
	switch (st) {
	case UCS_OK:
		return 0;
	case UCS_ERR_NO_MEMORY:
		return -ENOMEM;
	case UCS_ERR_TIMED_OUT:
	case UCS_ERR_ENDPOINT_TIMEOUT:
		return -ETIMEDOUT;
	case UCS_ERR_CANCELED:
		return -ECANCELED;
	case UCS_ERR_INVALID_PARAM:
		return -EINVAL;
	case UCS_ERR_MESSAGE_TRUNCATED:
		return -EMSGSIZE;
	default:
		return -EIO;
	}
}

/*
 * This host's id: a hash of the host name, the kernel's boot id and our pid namespace, so two
 * peers with the same id can see each other's processes (kill(pid, 0)) and share memory.
 */
static uint64_t host_id(void)
{
	char buf[512] = {0};
	struct stat st;
	size_t n;
	FILE *f;

	gethostname(buf, 256);
	n = strnlen(buf, 256);
	f = fopen("/proc/sys/kernel/random/boot_id", "r");
	if (f) {
		n += fread(buf + n, 1, 64, f);
		fclose(f);
	}
	if (stat("/proc/self/ns/pid", &st) == 0)
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, "/%llu",
		                      (unsigned long long)st.st_ino);
	return XXH3_64bits(buf, n);
}

static void put_le(uint8_t *p, uint64_t v, int bytes)
{
	for (int i = 0; i < bytes; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static uint64_t get_le(const uint8_t *p, int bytes)
{
	uint64_t v = 0;

	for (int i = bytes - 1; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

static void ucx_req_init(void *request)
{
	bfs_ucx_req_own(request, NULL);
}

int bfs_ucx_init(struct bfs_ucx *u)
{
	const char *pc = getenv("BENCHFS_PEER_CHECK");

	ucp_params_t params = {0};
	ucp_worker_params_t wparams = {0};
	ucp_config_t *config;
	ucs_status_t st;

	memset(u, 0, sizeof(*u));
	u->efd = -1;
	u->rndv_thresh = bfs_env_u64("BENCHFS_RNDV_THRESH", BFS_RNDV_THRESH_DEFAULT);
	u->host = host_id();
	u->peer_check = pc && *pc ? (atoi(pc) != 0) : -1;
	st = ucp_config_read(NULL, NULL, &config);
	if (st != UCS_OK)
		goto fail;
	params.field_mask = UCP_PARAM_FIELD_FEATURES | UCP_PARAM_FIELD_NAME |
	                    UCP_PARAM_FIELD_REQUEST_SIZE | UCP_PARAM_FIELD_REQUEST_INIT;
	params.features = UCP_FEATURE_AM | UCP_FEATURE_WAKEUP;
	params.request_size = sizeof(struct bfs_ucx_req);
	params.request_init = ucx_req_init;
	params.name = "benchfs";
	st = ucp_init(&params, config, &u->context);
	ucp_config_release(config);
	if (st != UCS_OK)
		goto fail;
	wparams.field_mask = UCP_WORKER_PARAM_FIELD_THREAD_MODE;
	wparams.thread_mode = UCS_THREAD_MODE_SINGLE;
	st = ucp_worker_create(u->context, &wparams, &u->worker);
	if (st != UCS_OK)
		goto fail_ctx;
	st = ucp_worker_get_efd(u->worker, &u->efd);
	if (st != UCS_OK)
		goto fail_worker;
	return 0;
fail_worker:
	ucp_worker_destroy(u->worker);
fail_ctx:
	ucp_cleanup(u->context);
fail:
	bfs_warn("UCX initialization failed: %s", ucs_status_string(st));
	memset(u, 0, sizeof(*u));
	return -EIO;
}

void bfs_ucx_fini(struct bfs_ucx *u)
{
	if (u->worker)
		ucp_worker_destroy(u->worker);
	if (u->context)
		ucp_cleanup(u->context);
	memset(u, 0, sizeof(*u));
	u->efd = -1;
}

int bfs_ucx_set_am(struct bfs_ucx *u, uint16_t id, ucp_am_recv_callback_t cb, void *arg)
{
	ucp_am_handler_param_t p = {0};

	p.field_mask = UCP_AM_HANDLER_PARAM_FIELD_ID | UCP_AM_HANDLER_PARAM_FIELD_FLAGS |
	               UCP_AM_HANDLER_PARAM_FIELD_CB | UCP_AM_HANDLER_PARAM_FIELD_ARG;
	p.id = id;
	p.flags = UCP_AM_FLAG_WHOLE_MSG | UCP_AM_FLAG_PERSISTENT_DATA;
	p.cb = cb;
	p.arg = arg;
	return bfs_ucs_errno(ucp_worker_set_am_recv_handler(u->worker, &p));
}

int bfs_ucx_address(struct bfs_ucx *u, void **addr, size_t *len)
{
	ucp_address_t *a;
	size_t n;

	uint8_t *p;

	if (ucp_worker_get_address(u->worker, &a, &n) != UCS_OK)
		return -EIO;
	p = malloc(BFS_LOCATOR_SIZE + n);
	if (!p) {
		ucp_worker_release_address(u->worker, a);
		return -ENOMEM;
	}
	put_le(p, u->host, 8);
	put_le(p + 8, (uint64_t)getpid(), 4);
	put_le(p + 12, 0, 4);
	memcpy(p + BFS_LOCATOR_SIZE, a, n);
	*addr = p;
	*len = BFS_LOCATOR_SIZE + n;
	ucp_worker_release_address(u->worker, a);
	return 0;
}

int bfs_ucx_connect(struct bfs_ucx *u, const void *addr, size_t len, ucp_ep_h *ep,
                    ucp_err_handler_cb_t err_cb, void *arg, uint32_t *pid)
{
	ucp_ep_params_t p = {0};
	ucs_status_t st;
	int local, check;

	*pid = 0;
	if (len <= BFS_LOCATOR_SIZE)
		return -EINVAL;
	local = get_le(addr, 8) == u->host;
	check = u->peer_check >= 0 ? u->peer_check : !local;
	if (local && !check)
		*pid = (uint32_t)get_le((const uint8_t *)addr + 8, 4);
	p.field_mask = UCP_EP_PARAM_FIELD_REMOTE_ADDRESS | UCP_EP_PARAM_FIELD_ERR_HANDLING_MODE |
	               UCP_EP_PARAM_FIELD_ERR_HANDLER;
	p.address = (const ucp_address_t *)((const uint8_t *)addr + BFS_LOCATOR_SIZE);
	p.err_mode = check ? UCP_ERR_HANDLING_MODE_PEER : UCP_ERR_HANDLING_MODE_NONE;
	p.err_handler.cb = err_cb;
	p.err_handler.arg = arg;
	st = ucp_ep_create(u->worker, &p, ep);
	if (st != UCS_OK) {
		bfs_warn("cannot connect to a server: %s", ucs_status_string(st));
		return -EIO;
	}
	return 0;
}

void bfs_ucx_close_ep(struct bfs_ucx *u, ucp_ep_h ep, int force)
{
	ucp_request_param_t p = {0};
	ucs_status_ptr_t req;
	int64_t deadline = bfs_mono_ns() + 2 * BFS_NSEC;

	p.op_attr_mask = UCP_OP_ATTR_FIELD_FLAGS;
	p.flags = force ? UCP_EP_CLOSE_FLAG_FORCE : 0;
	req = ucp_ep_close_nbx(ep, &p);
	if (!UCS_PTR_IS_PTR(req))
		return;
	while (ucp_request_check_status(req) == UCS_INPROGRESS) {
		if (!ucp_worker_progress(u->worker) && bfs_mono_ns() > deadline && !force) {
			/* a peer that does not answer the close handshake: force it */
			ucp_request_free(req);
			bfs_ucx_close_ep(u, ep, 1);
			return;
		}
	}
	ucp_request_free(req);
}

static void closed_nb(void *request, ucs_status_t st, void *user)
{
	(void)st;
	(void)user;
	ucp_request_free(request);
}

void bfs_ucx_close_ep_nb(ucp_ep_h ep)
{
	ucp_request_param_t p = {0};
	ucs_status_ptr_t req;

	p.op_attr_mask = UCP_OP_ATTR_FIELD_FLAGS | UCP_OP_ATTR_FIELD_CALLBACK;
	p.flags = UCP_EP_CLOSE_FLAG_FORCE;
	p.cb.send = closed_nb;
	req = ucp_ep_close_nbx(ep, &p);
	(void)req; /* NULL (done), an error, or a request freed by closed_nb */
}

int bfs_peer_alive(uint32_t pid)
{
	char path[32], buf[64];
	const char *state;
	ssize_t n;
	int fd;

	if (pid == 0)
		return 1;
	if (kill((pid_t)pid, 0) != 0)
		return errno != ESRCH;
	/* a killed process its parent has not reaped yet is a zombie: gone too */
	snprintf(path, sizeof(path), "/proc/%u/stat", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno != ENOENT;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 1;
	buf[n] = '\0';
	state = strrchr(buf, ')'); /* "pid (comm) S ...": comm may hold anything */
	return !(state && state[1] == ' ' && (state[2] == 'Z' || state[2] == 'X'));
}

void bfs_ucx_wait_fd(struct bfs_ucx *u, int timeout_ms)
{
	struct pollfd pfd = {.fd = u->efd, .events = POLLIN};

	if (ucp_worker_arm(u->worker) == UCS_ERR_BUSY)
		return;
	poll(&pfd, 1, timeout_ms);
}

void bfs_hex_encode(const void *in, size_t len, char *out)
{
	static const char digits[] = "0123456789abcdef";
	const unsigned char *p = in;

	for (size_t i = 0; i < len; i++) {
		out[2 * i] = digits[p[i] >> 4];
		out[2 * i + 1] = digits[p[i] & 15];
	}
	out[2 * len] = '\0';
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int bfs_hex_decode(const char *in, void *out, size_t cap)
{
	size_t n = strlen(in);
	unsigned char *p = out;

	if (n % 2 || n / 2 > cap)
		return -EINVAL;
	for (size_t i = 0; i < n / 2; i++) {
		int hi = hexval(in[2 * i]), lo = hexval(in[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return -EINVAL;
		p[i] = (unsigned char)(hi << 4 | lo);
	}
	return (int)(n / 2);
}
