// SPDX-License-Identifier: GPL-2.0
/*
 * verbs-errors: what its files share.  The program's constants, the
 * devices and sides (struct dev, struct side, struct qpopt), requests'
 * targets, streams (struct flow), the case tables and steps that cross
 * files, the globals (declared here, defined in the file named beside
 * them) and the prototypes of every function used outside its own file.
 * Each .c file includes this first (it defines _GNU_SOURCE).
 */
#ifndef VERBS_ERRORS_H
#define VERBS_ERRORS_H

#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <infiniband/verbs.h>

#define PAGE		4096
#define MR_OFF		PAGE	/* each MR has a guard page on both sides */
#define SMALL		PAGE	/* MR size of the single-operation cases */
#define BIG		(1 << 20)	/* MR size of the streaming cases */
#define CHUNK		(64 << 10)	/* one WRITE of a stream */
#define NSLOTS		(BIG / CHUNK)
#define DEPTH		4	/* WRITEs of a stream in flight */
#define WAIT_MS		5000	/* for a completion that must come */
#define QUIET_MS	150	/* for one that must not */
#define BOUND_S		5.0	/* RETRY_EXC_ERR at most this long after */

#define ACC_ALL		(IBV_ACCESS_LOCAL_WRITE | IBV_ACCESS_REMOTE_WRITE | \
			 IBV_ACCESS_REMOTE_READ | IBV_ACCESS_REMOTE_ATOMIC)
#define ACC_REMOTE	(IBV_ACCESS_REMOTE_WRITE | IBV_ACCESS_REMOTE_READ | \
			 IBV_ACCESS_REMOTE_ATOMIC)

#define die(...) do { printf("FAIL: setup: " __VA_ARGS__); \
		      printf(" (%s)\n", strerror(errno)); exit(2); } while (0)

#define ARRAY_SIZE(x)	(sizeof(x) / sizeof((x)[0]))

/* ---- common.c: settings, case bookkeeping -------------------------------- */

extern const char *name_a, *name_b;
extern int verbose;

extern const char *cur;
extern char cur_why[512];
extern int cur_bad, n_pass, n_fail;

double now_s(void);
void case_begin(const char *name);
void __attribute__((format(printf, 2, 3))) expect(bool ok, const char *fmt, ...);
void case_end(void);

/* ---- common.c: devices and sides ----------------------------------------- */

struct dev {
	const char *name;
	struct ibv_context *ctx;
	struct ibv_pd *pd, *pd2;
	uint16_t lid;
	enum ibv_mtu mtu;
};

extern struct dev da, db;

/*
 * One end of a connection.  buf holds a guard page, the MR (mr_len bytes),
 * a guard page; want is what buf must hold, dontcare marks the bytes a
 * failed operation may have changed.
 */
struct side {
	struct dev *d;
	struct ibv_cq *cq, *rcq;	/* send, receive completions */
	struct ibv_qp *qp;
	uint8_t *buf, *want, *dontcare;
	size_t mr_len, buf_len;
	struct ibv_mr *mr;
	struct ibv_mr *mr2;	/* the same memory in the second PD */
	bool ext;		/* buf is not ours to free */
};

struct qpopt {
	int qp_access;		/* of the responder */
	uint8_t timeout, retry, rnr_retry, min_rnr_timer;
};

extern const struct qpopt opt_std, opt_slow, opt_short;

#define A_RECV_ID	0x200

void dev_open(struct dev *d, const char *name);
uint8_t pat(unsigned int seed, size_t i);
void fill(uint8_t *p, size_t len, unsigned int seed);
uint8_t *mrp(struct side *s, size_t off);
uint64_t mra(struct side *s, size_t off);
void side_open(struct side *s, struct dev *d, int access,
	       size_t mr_len, unsigned int seed, uint8_t *ext);
void side_qp(struct side *s);
void side_qp_type(struct side *s, enum ibv_qp_type t);
void side_close(struct side *s);
void qp_connect(struct side *s, uint32_t rqpn, uint16_t rlid,
		const struct qpopt *o);
void pair_open_ex(struct side *a, struct side *b, int b_access,
		  size_t mr_len, const struct qpopt *o,
		  struct ibv_comp_channel *ch, struct ibv_srq *srq);
void pair_open(struct side *a, struct side *b, int b_access,
	       size_t mr_len, const struct qpopt *o);
void expect_state(struct ibv_qp *qp, enum ibv_qp_state st, int ms,
		  const char *who);
void async_drain(struct dev *d);
void expect_qp_event(struct dev *d, struct ibv_qp *qp,
		     enum ibv_event_type ev, int ms, const char *who);

/* ---- common.c: posting and polling --------------------------------------- */

/* Receive WRs have ids from RECV_ID on: their completions go to rcq. */
#define RECV_ID		0x100

enum effect {
	APPLIED,	/* must have been executed */
	MAYBE,		/* may have been executed */
	NOT_RUN,	/* must not have been executed */
};

/* What A's requests address: B's MR, in this process or on another host. */
struct target {
	uint64_t addr;
	uint32_t rkey;
};

int post_rdma(struct side *s, uint64_t id, enum ibv_wr_opcode op,
	      uint64_t laddr, uint32_t len, uint32_t lkey,
	      uint64_t raddr, uint32_t rkey);
int post_recv(struct side *s, uint64_t id, uint64_t addr,
	      uint32_t len, uint32_t lkey);
const char *st(enum ibv_wc_status s);
bool expect_wc(struct side *s, uint64_t id, enum ibv_wc_status status,
	       const char *who, struct ibv_wc *out);
void expect_none(struct side *s, int ms, const char *who);
void expect_buf(struct side *s, const char *who);
void allow(struct side *s, size_t mr_off, size_t len);
struct target tgt(struct side *b);
void post_write(struct side *a, struct target t, uint64_t id,
		size_t off, uint32_t len);
void written(struct side *b, size_t off, uint32_t len);
void good_write(struct side *a, struct side *b, uint64_t id,
		size_t off, uint32_t len, enum effect eff);
void expect_flushes_later(struct side *a, struct target t);

/* ---- remote.c: remote errors --------------------------------------------- */

enum key { K_OK, K_FLIP, K_NONE, K_PD2, K_OTHERDEV };

struct rcase {
	const char *name;
	enum ibv_wr_opcode op;
	int b_access;			/* B's MR */
	int b_qp_access;		/* B's QP (0: all remote) */
	enum key key;
	int64_t roff;			/* remote address - B's MR start */
	bool wrap;			/* remote address near 2^64 instead */
	uint32_t len;
	enum ibv_wc_status want;
	size_t mr;			/* MR size (0: SMALL) */
	bool partial;			/* READ: part of the data may land */
	bool revoke;			/* b_qp_access set later, in RTS */
};

extern const struct rcase rcases[];
extern const size_t n_rcases;

void case_zero_length(void);
void case_read_then_error(const char *name, uint32_t rlen);

/* ---- local.c: local errors ----------------------------------------------- */

enum lkind { L_LKEY_FLIP, L_PAST_END, L_BEFORE_START, L_NO_LOCAL_WRITE };

struct lcase {
	const char *name;
	enum ibv_wr_opcode op;
	enum lkind kind;
	uint32_t len;
};

extern const struct lcase lcases[];
extern const size_t n_lcases;

void run_lcase(const struct lcase *lc);

/* ---- recv.c: SEND, RNR ---------------------------------------------------- */

int post_send_op(struct side *a, uint64_t id, enum ibv_wr_opcode op,
		 size_t off, uint32_t len, unsigned int flags,
		 uint32_t inv);
int post_send_msg(struct side *a, uint64_t id, size_t off, uint32_t len);
void case_rnr_late_recv(const char *name, uint32_t len, bool imm);
void case_rnr_then_peer_gone(void);

/* ---- uc.c, ud.c: errors that cost one message, never the QP ------------- */

void case_uc_bad_rkey(const char *name, uint32_t bad_len, bool write_next);
void case_ud_too_big(void);

/* ---- notify.c: notification, SRQ limit, CQ resize ------------------------ */

void case_notify_solicited(void);
void case_srq_limit(void);
void case_resize_cq(void);

/* ---- inval.c: invalidation from userspace -------------------------------- */

void case_send_inv(const char *name, bool unknown);
void case_local_inv(void);

/* ---- streams.c: WRITE streams (peer gone) -------------------------------- */

struct flow {
	struct side *a;
	enum ibv_wr_opcode op;		/* WRITE, or READ the other way */
	uint64_t raddr;
	uint32_t rkey;
	uint64_t posted, done;		/* WR ids are 0, 1, ... */
	uint64_t ok;
	uint8_t slot_ok[NSLOTS], slot_tried[NSLOTS];
	bool failed;			/* saw the first error */
	enum ibv_wc_status err;
	double t_err;
};

enum fault {
	F_DESTROY,		/* the peer QP destroyed */
	F_PEER_ERR,		/* the peer QP moved to ERROR */
	F_DEREG,		/* the target MR deregistered */
};

void flow_init(struct flow *f, struct side *a, uint64_t raddr,
	       uint32_t rkey);
void flow_post(struct flow *f);
void flow_poll(struct flow *f);
void flow_drain(struct flow *f, int ms);
void flow_expect_retry_exc(struct flow *f, double t0, const char *what);
void flow_set_want(struct flow *f, struct side *b);
void flow_until_ok(struct flow *f, uint64_t n);
void flow_until_error(struct flow *f, int secs);
void case_stream_fault(const char *name, enum ibv_wr_opcode op,
		       enum fault fault);

/* ---- destroy.c: destroy in use ------------------------------------------- */

void case_busy(void);

/* ---- twohost.c: cases that also run across two hosts --------------------- */

/* What one end of a shared case needs of the other (twohost.c). */
struct ends {
	uint32_t qpn, rkey, rkey_pd2;
	uint16_t lid;
	uint64_t addr;			/* the MR's start */
};

struct recv_err;

struct xcase {
	const char *name;
	const struct rcase *rc;		/* a remote access error, or */
	const struct recv_err *re;	/* a bad receive, or neither: RNR */
};

bool xcase_get(uint32_t i, struct xcase *x);
void x_b_open(const struct xcase *x, struct side *b, struct dev *d,
	      struct ends *e);
void x_b_ready(const struct xcase *x, struct side *b,
	       const struct ends *ea);
void x_b_check(const struct xcase *x, struct side *b);
void x_a_open(const struct xcase *x, struct side *a, struct dev *d,
	      struct ends *e);
void x_a_connect(const struct xcase *x, struct side *a,
		 const struct ends *eb);
void x_a_run(const struct xcase *x, struct side *a,
	     const struct ends *eb);
void run_xcase(const struct xcase *x);

/* ---- procs.c: processes --------------------------------------------------- */

void on_usr1(int sig);
bool wait_usr1(const char *what);
void mode_rail_del(void);

/* ---- pair.c: two processes, two hosts ------------------------------------ */

extern int xport;

void mode_remote(const char *host);
void mode_kill_peer(void);
void mode_lost_ack(void);
void mode_lost_nak(void);
void mode_buf_change(void);
void mode_exit_open(void);
void mode_hold(void);

#endif /* VERBS_ERRORS_H */
