// SPDX-License-Identifier: GPL-2.0
/*
 * lazymm-hp benchmark: context switch and process exit costs, the two sides
 * of the lazy TLB mm series (a faster user <-> kernel thread switch, a
 * possibly slower __mmdrop()).
 *
 * Two ways to run it:
 *
 *  - As /init (PID 1) of a guest initramfs. It creates and mounts /proc and
 *    /sys, reads its parameters from /proc/cmdline, runs, prints its result
 *    lines on the console, then sync() and reboot(RB_AUTOBOOT) (run qemu
 *    with -no-reboot, so that this ends qemu). Kernel command line:
 *
 *	bench.runs=RUN[;RUN...]   what to run, in order (default:
 *	                          "cs-threads;cs-procs;fork-exit;fork-exec;exit-ipis")
 *	bench.secs=N              measured seconds per timed measurement (5)
 *	bench.warmup=N            unmeasured seconds before each one (1)
 *	bench.order=cores         core-first CPU list (see CPUs below)
 *	bench.profile=F[,F...]    count the calls of kernel functions F, and
 *	                          the time spent in them, during each
 *	                          measurement with irqs=1 (PROFILE below;
 *	                          needs CONFIG_FUNCTION_PROFILER; as PID 1
 *	                          only: it changes tracefs settings)
 *
 *    RUN is MODE[:ITEM[,ITEM...]]. An ITEM is a number, the run's count
 *    (one measurement per number, in order), or KEY=VALUE, an option for
 *    every measurement of that RUN. No spaces (or quote the whole value).
 *    Example:
 *
 *	bench.runs=cs-threads:1,2,4;cs-procs:1,2;fork-exit:touch=64;exit-ipis:200
 *
 *  - As a program on a host (not PID 1): it never mounts anything and never
 *    reboots.
 *
 *	bench [-c] [-s SECS] [-w WARMUP] MODE [ITEM...]
 *	                            one RUN; ITEMs as above, space or comma
 *	                            separated; -c: core-first CPU list
 *	bench [-c] [-s SECS] [-w WARMUP] -r 'RUN[;RUN...]'
 *	bench true                  exit 0 at once (fork-exec's child)
 *
 *    e.g. "bench -s 2 cs-threads 1", "bench fork-exit 2 touch=64",
 *    "bench exit-ipis 200". Exit status: 0, 1 if any measurement failed,
 *    2 for a usage error.
 *
 * CPUs: the CPU list is the process's affinity mask at start (all online
 * CPUs unless started under taskset), in ascending order; "CPU i" below
 * means the i-th CPU of that list modulo its length. Core-first order (-c,
 * bench.order=cores) sorts the list by the CPU's rank among its SMT
 * siblings (topology/thread_siblings_list), then by number: one thread of
 * every core first, as will-it-scale places tasks by default (hwloc, by
 * core). On x86 Linux usually numbers the first threads of all cores
 * first anyway; on POWER, siblings are numbered consecutively.
 *
 * Modes (N is the run's count; its default in brackets):
 *
 *  cs-threads N [1]  will-it-scale's context_switch1, threads: one process
 *  cs-procs N [1]    holds N task threads (cs-threads), or N task processes
 *                    are forked (cs-procs). Task i pins itself to CPU i,
 *                    makes two pipes and creates its helper the same way (a
 *                    thread, or a forked process), which inherits the pin,
 *                    so both ends of a pair run on one CPU. The task writes
 *                    a byte into pipe 1 and reads it back from pipe 2; the
 *                    helper reads pipe 1 and writes pipe 2. ops counts the
 *                    task's round trips (two context switches each); will-
 *                    it-scale's own counter may scale differently, so only
 *                    ratios compare. The sampling process is not pinned.
 *  fork-exit N [ncpus]
 *                    N worker processes each loop: fork(); the child
 *                    _exit(0)s; the worker waitpid()s it. ops counts forks.
 *                    Workers are not pinned unless pin=1 (worker i on CPU
 *                    i), so children start wherever the scheduler puts them.
 *  fork-exec N [ncpus]
 *                    the same, but the child execve()s this binary as
 *                    "bench true", which exits 0 at once.
 *  exit-ipis N [100] N times, one after the other: fork a process that
 *                    starts one thread per CPU, thread i pinned to CPU i;
 *                    each thread sleeps sleep_ms so that its CPU idles,
 *                    lazily on the process's mm, and exits; then the
 *                    process exits. The /proc/interrupts rows are printed
 *                    (IRQSUM) before and after: (after - before) / N is
 *                    the interrupts per exit (x86: row CAL/interrupts,
 *                    function call IPIs; ppc64 XIVE: the IPI row, e.g.
 *                    16/IPI-0). ops counts exits.
 *
 * The timed modes (cs-*, fork-*) start their tasks, wait until every task
 * is running, let them run for the warm-up, then sample the tasks' shared
 * counters once a second for secs seconds, then SIGKILL the tasks.
 *
 * Options (KEY=VALUE items):
 *	secs=N      measured seconds of this run (timed modes)
 *	warmup=N    warm-up seconds of this run (timed modes)
 *	touch=KB    fork-*: the worker maps and fills KB KiB once; every child
 *	            writes one byte to each of its pages (a COW fault each)
 *	            before it exits or execs (default 0)
 *	pin=0|1     fork-*: pin worker i to CPU i (default 0)
 *	sleep_ms=N  exit-ipis: how long each thread sleeps (default 10)
 *	irqs=0|1    print IRQSUM lines around the measurement (default 1 for
 *	            exit-ipis, 0 otherwise)
 *
 * Output (stdout; one line each, fields separated by one space, in this
 * order; parse fields as KEY=VALUE, later versions may append fields):
 *
 *	BENCH: start pid1=0|1 cpus=C kernel=RELEASE arch=MACHINE order=linux|cores
 *	SAMPLE mode=M tasks=N sec=I ops=K
 *	    timed modes, printed as they come: I = 1..secs, K = the task
 *	    counters' total growth during second I
 *	IRQSUM before|after ROW COUNT
 *	    when irqs=1: every /proc/interrupts row summed over the CPUs; ROW
 *	    is the row's label, "/" and the row's last word (CAL/interrupts,
 *	    TLB/shootdowns, 16/IPI-0), or the label alone for a row with no
 *	    text (ERR); the before block precedes the measurement, the after
 *	    block follows it, and both belong to the next BENCH line
 *	PROFILE FUNC HITS [NS]
 *	    with bench.profile: after the IRQSUM after block, one line per
 *	    function F, HITS = its calls on all CPUs during the measurement,
 *	    counted by the kernel's function profiler (absent: the kernel
 *	    has no traceable function of that name, or it is longer than
 *	    the 30 characters trace_stat shows); NS = the nanoseconds of
 *	    guest time spent in those calls, callees included, when the
 *	    kernel has the function graph tracer; belongs to the next
 *	    BENCH line
 *	BENCH mode=M tasks=N secs=T ops=TOTAL ops_per_sec=X
 *	    one per measurement: N = the run's count (pairs, workers, or exits),
 *	    T = measured seconds (%.3f), TOTAL = ops during them, X =
 *	    TOTAL / T (%.1f). fork-* append " bad=B" (children that did not
 *	    exit 0), then " pin=1" when the workers were pinned; exit-ipis
 *	    appends " threads=C bad=B"
 *	BENCH: error TEXT
 *	    a measurement or a RUN failed (no BENCH line for it)
 *	BENCH: done errors=E
 *	    the last line; E = number of error lines
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define __aligned(x)	__attribute__((aligned(x)))
#define __noreturn	__attribute__((noreturn))

#define MAX_ITEMS	64
#define STACK_SIZE	(1024 * 1024)
#define READY_TIMEOUT	60.0	/* seconds for every task to start */

/* One per task, on its own cache line (128 bytes: ppc64's line). */
struct slot {
	unsigned long long ops;
	unsigned long long bad;
	int ready;
	int err;
} __aligned(128);

enum mode { CS_THREADS, CS_PROCS, FORK_EXIT, FORK_EXEC, EXIT_IPIS, NR_MODES };

static const char *const mode_names[NR_MODES] = {
	"cs-threads", "cs-procs", "fork-exit", "fork-exec", "exit-ipis",
};

struct opts {
	long secs;
	long warmup;
	long touch_kb;
	long sleep_ms;
	int pin;
	int irqs;	/* -1: the mode's default */
};

static int pid1;
static int errors;
static int ncpus;
static int *cpus;		/* the CPU list, ascending */
static size_t setsize;		/* CPU_ALLOC_SIZE() of the sets below */
static int maxcpus;
static int core_first;
static char self_exe[PATH_MAX];
static char *profile;		/* bench.profile: functions to count */
static char **prof_funcs;	/* those that the kernel can trace */
static int nprof_funcs;

#define TRACEFS		"/sys/kernel/tracing"

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void sleep_until(double t)
{
	struct timespec ts;

	ts.tv_sec = (time_t)t;
	ts.tv_nsec = (long)((t - ts.tv_sec) * 1e9);
	if (ts.tv_nsec >= 1000000000L)
		ts.tv_nsec = 999999999L;
	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
		;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

static void report_error(const char *fmt, ...)
{
	va_list ap;

	printf("BENCH: error ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	errors++;
}

static int write_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = write(fd, s, strlen(s));
	close(fd);
	return n < 0 ? -1 : 0;
}

/* The value of KEY=... in /proc/cmdline, up to the next space, or NULL. */
static char *cmdline_str(const char *key)
{
	static char buf[4096];
	char *p;
	size_t klen = strlen(key);
	int fd = open("/proc/cmdline", O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return NULL;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return NULL;
	buf[n] = 0;
	for (p = buf; (p = strstr(p, key)); p += klen) {
		char *v, *end;

		if (p != buf && p[-1] != ' ')
			continue;
		v = p + klen;
		if (*v == '"') {	/* key="value" */
			v++;
			end = v + strcspn(v, "\"\n");
		} else {
			end = v + strcspn(v, " \n");
		}
		return strndup(v, end - v);
	}
	return NULL;
}

static long cmdline_long(const char *key, long def)
{
	char *s = cmdline_str(key);
	long v = def;

	if (s) {
		v = strtol(s, NULL, 10);
		free(s);
	}
	return v;
}

/* Sum every /proc/interrupts row over the CPUs (as guest/smoke.c does). */
static void irq_sums(const char *tag)
{
	FILE *f = fopen("/proc/interrupts", "r");
	char line[8192];

	if (!f) {
		report_error("cannot open /proc/interrupts: %s", strerror(errno));
		return;
	}
	if (!fgets(line, sizeof(line), f)) {	/* header: CPU0 CPU1 ... */
		fclose(f);
		return;
	}
	while (fgets(line, sizeof(line), f)) {
		char *p = line, *end;
		char label[64];
		unsigned long long sum = 0, v;
		int n;

		if (sscanf(p, " %63[^:]:%n", label, &n) != 1)
			continue;
		p += n;
		for (;;) {
			v = strtoull(p, &end, 10);
			if (end == p)
				break;
			sum += v;
			p = end;
		}
		/* Name a row by its label and its last word. */
		end = p + strlen(p);
		while (end > p && (end[-1] == '\n' || end[-1] == ' '))
			*--end = 0;
		while (end > p && end[-1] != ' ')
			end--;
		if (*end && strlen(label) + strlen(end) + 2 < sizeof(label)) {
			strcat(label, "/");
			strcat(label, end);
		}
		printf("IRQSUM %s %s %llu\n", tag, label, sum);
	}
	fclose(f);
}

/*
 * The function profiler: set_ftrace_filter selects the functions it counts;
 * writing 1 to function_profile_enabled resets and starts the counts, 0
 * stops them; trace_stat/function<CPU> lists "FUNC HITS ..." per CPU.
 */
static void profile_setup(void)
{
	char *buf, *f, *save;
	int fd;

	if (!profile)
		return;
	mount("tracefs", TRACEFS, "tracefs", 0, NULL);
	/* Opening without O_APPEND empties the filter. */
	fd = open(TRACEFS "/set_ftrace_filter", O_WRONLY | O_TRUNC);
	if (fd < 0) {
		report_error("profile: cannot open " TRACEFS "/set_ftrace_filter: %s "
			     "(CONFIG_FUNCTION_PROFILER?)", strerror(errno));
		profile = NULL;
		return;
	}
	close(fd);
	buf = strdup(profile);
	prof_funcs = calloc(strlen(profile) / 2 + 1, sizeof(*prof_funcs));
	if (!buf || !prof_funcs) {
		report_error("profile: out of memory");
		profile = NULL;
		return;
	}
	for (f = strtok_r(buf, ",", &save); f; f = strtok_r(NULL, ",", &save)) {
		char line[130];
		int len = snprintf(line, sizeof(line), "%s\n", f);

		/*
		 * The newline ends the name, so that the write itself fails
		 * (EINVAL) when it matches no traceable function. trace_stat
		 * cuts names to 30 characters: longer ones count as absent.
		 */
		if (strlen(f) > 30)
			continue;
		fd = open(TRACEFS "/set_ftrace_filter", O_WRONLY | O_APPEND);
		if (fd >= 0 && len < (int)sizeof(line) && write(fd, line, len) == len)
			prof_funcs[nprof_funcs++] = f;
		if (fd >= 0)
			close(fd);
	}
	if (!nprof_funcs) {
		/* An empty filter would count every function: never run that. */
		printf("BENCH: profile: none of %s is traceable\n", profile);
		profile = NULL;
	}
}

static void profile_start(void)
{
	if (profile && (write_file(TRACEFS "/function_profile_enabled", "0") ||
			write_file(TRACEFS "/function_profile_enabled", "1")))
		report_error("profile: cannot start the function profiler: %s", strerror(errno));
}

static void profile_stop(void)
{
	unsigned long long *hits;
	char path[64], line[512], name[128];
	unsigned long long h;
	double us, *ns;
	int cpu, i, timed = 0;
	char *buf, *f, *save;
	FILE *in;

	if (!profile)
		return;
	if (write_file(TRACEFS "/function_profile_enabled", "0")) {
		report_error("profile: cannot stop the function profiler: %s", strerror(errno));
		return;
	}
	hits = calloc(nprof_funcs, sizeof(*hits));
	ns = calloc(nprof_funcs, sizeof(*ns));
	if (!hits || !ns) {
		free(hits);
		free(ns);
		return;
	}
	/* One file per possible CPU, numbered from 0. */
	for (cpu = 0;; cpu++) {
		snprintf(path, sizeof(path), TRACEFS "/trace_stat/function%d", cpu);
		in = fopen(path, "r");
		if (!in)
			break;
		/* "  NAME  HITS" and, with the graph tracer, "  TIME us  AVG us  S^2 us". */
		while (fgets(line, sizeof(line), in)) {
			int n = sscanf(line, " %127s %llu %lf", name, &h, &us);

			if (n < 2)
				continue;
			for (i = 0; i < nprof_funcs; i++) {
				if (strcmp(name, prof_funcs[i]))
					continue;
				hits[i] += h;
				if (n == 3) {
					ns[i] += us * 1000;
					timed = 1;
				}
			}
		}
		fclose(in);
	}
	if (!cpu)
		report_error("profile: no " TRACEFS "/trace_stat/function0");
	buf = strdup(profile);
	for (f = buf ? strtok_r(buf, ",", &save) : NULL; f; f = strtok_r(NULL, ",", &save)) {
		for (i = 0; i < nprof_funcs; i++)
			if (!strcmp(f, prof_funcs[i]))
				break;
		if (i < nprof_funcs && timed)
			printf("PROFILE %s %llu %.0f\n", f, hits[i], ns[i]);
		else if (i < nprof_funcs)
			printf("PROFILE %s %llu\n", f, hits[i]);
		else
			printf("PROFILE %s absent\n", f);
	}
	free(buf);
	free(hits);
	free(ns);
}

/* The CPU list: the affinity mask we were started with. */
static int init_cpus(void)
{
	cpu_set_t *set;
	long conf = sysconf(_SC_NPROCESSORS_CONF);
	int i;

	maxcpus = conf > 1024 ? (int)conf : 1024;
	for (;;) {
		set = CPU_ALLOC(maxcpus);
		if (!set)
			return -1;
		setsize = CPU_ALLOC_SIZE(maxcpus);
		if (!sched_getaffinity(0, setsize, set))
			break;
		CPU_FREE(set);
		if (errno != EINVAL || maxcpus >= 1 << 20)
			return -1;
		maxcpus *= 2;
	}
	ncpus = CPU_COUNT_S(setsize, set);
	cpus = calloc(ncpus ? ncpus : 1, sizeof(*cpus));
	if (!ncpus || !cpus)
		return -1;
	ncpus = 0;
	for (i = 0; i < maxcpus; i++)
		if (CPU_ISSET_S(i, setsize, set))
			cpus[ncpus++] = i;
	CPU_FREE(set);
	return 0;
}

/* How many of cpu's SMT siblings have a lower number (0 if unknown). */
static int smt_rank(int cpu)
{
	char path[96], buf[1024], *p;
	int fd, rank = 0;
	ssize_t n;

	snprintf(path, sizeof(path), "/sys/devices/system/cpu/cpu%d/topology/thread_siblings_list", cpu);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = 0;
	for (p = buf; *p >= '0' && *p <= '9';) {	/* "0-1,8-9" */
		long a = strtol(p, &p, 10), b = a;

		if (*p == '-')
			b = strtol(p + 1, &p, 10);
		for (; a <= b && a < cpu; a++)
			rank++;
		if (*p == ',')
			p++;
	}
	return rank;
}

/* Core-first order: stable sort of the CPU list by SMT rank. */
static void order_core_first(void)
{
	int *rank = calloc(ncpus, sizeof(*rank)), i, j, c, r;

	if (!rank)
		return;
	for (i = 0; i < ncpus; i++)
		rank[i] = smt_rank(cpus[i]);
	for (i = 1; i < ncpus; i++) {	/* insertion sort: stable */
		c = cpus[i];
		r = rank[i];
		for (j = i; j > 0 && rank[j - 1] > r; j--) {
			cpus[j] = cpus[j - 1];
			rank[j] = rank[j - 1];
		}
		cpus[j] = c;
		rank[j] = r;
	}
	free(rank);
}

static cpu_set_t *cpu_set_of(int idx)
{
	cpu_set_t *set = CPU_ALLOC(maxcpus);

	if (!set)
		return NULL;
	CPU_ZERO_S(setsize, set);
	CPU_SET_S(cpus[idx % ncpus], setsize, set);
	return set;
}

/* Pin the calling thread to CPU idx. */
static int pin_self(int idx)
{
	cpu_set_t *set = cpu_set_of(idx);
	int ret;

	if (!set)
		return -1;
	ret = sched_setaffinity(0, setsize, set);
	CPU_FREE(set);
	return ret;
}

static int start_thread(void *(*fn)(void *), void *arg, int cpu_idx)
{
	pthread_attr_t attr;
	pthread_t t;
	cpu_set_t *set = NULL;
	int ret;

	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, STACK_SIZE);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	if (cpu_idx >= 0) {
		set = cpu_set_of(cpu_idx);
		if (!set)
			return -1;
		pthread_attr_setaffinity_np(&attr, setsize, set);
	}
	ret = pthread_create(&t, &attr, fn, arg);
	pthread_attr_destroy(&attr);
	if (set)
		CPU_FREE(set);
	return ret ? -1 : 0;
}

/* A task failed: say so in its slot and take its process down. */
static void __noreturn task_fail(struct slot *s)
{
	__atomic_store_n(&s->err, 1, __ATOMIC_RELAXED);
	_exit(1);
}

static void set_ready(struct slot *s)
{
	__atomic_store_n(&s->ready, 1, __ATOMIC_RELEASE);
}

/* ---- cs-threads, cs-procs: will-it-scale context_switch1 ---- */

struct cs_pair {
	struct slot *slot;
	int fd[4];	/* pipe 1: fd[0] <- fd[1]; pipe 2: fd[2] <- fd[3] */
	int idx;
	int threads;
};

static void *cs_helper(void *arg)
{
	struct cs_pair *p = arg;
	char c;

	for (;;) {
		if (read(p->fd[0], &c, 1) != 1 || write(p->fd[3], &c, 1) != 1)
			task_fail(p->slot);
	}
	return NULL;
}

static void *cs_task(void *arg)
{
	struct cs_pair *p = arg;
	unsigned long long n = 0;
	char c = 0;

	if (pin_self(p->idx) || pipe(p->fd) || pipe(p->fd + 2))
		task_fail(p->slot);
	if (p->threads) {
		/* A pthread inherits the creating thread's affinity. */
		if (start_thread(cs_helper, p, -1))
			task_fail(p->slot);
	} else {
		pid_t pid = fork();

		if (pid < 0)
			task_fail(p->slot);
		if (!pid) {	/* a forked child inherits the affinity too */
			prctl(PR_SET_PDEATHSIG, SIGKILL);
			cs_helper(p);
		}
	}
	set_ready(p->slot);
	for (;;) {
		if (write(p->fd[1], &c, 1) != 1 || read(p->fd[2], &c, 1) != 1)
			task_fail(p->slot);
		__atomic_store_n(&p->slot->ops, ++n, __ATOMIC_RELAXED);
	}
	return NULL;
}

/* ---- fork-exit, fork-exec ---- */

struct fork_worker {
	struct slot *slot;
	const struct opts *o;
	int idx;
	int exec;
};

static void fork_worker(struct fork_worker *w)
{
	static char arg_true[] = "true";
	char *argv[] = { self_exe, arg_true, NULL };
	char *envp[] = { NULL };
	unsigned long long n = 0, bad = 0;
	long pg = sysconf(_SC_PAGESIZE);
	size_t size = (size_t)w->o->touch_kb * 1024;
	volatile char *buf = NULL;

	if (w->o->pin && pin_self(w->idx))
		task_fail(w->slot);
	if (size) {
		void *m = mmap(NULL, size, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (m == MAP_FAILED)
			task_fail(w->slot);
		memset(m, 1, size);
		buf = m;
	}
	set_ready(w->slot);
	for (;;) {
		pid_t pid = fork();
		int st;

		if (pid < 0)
			task_fail(w->slot);
		if (!pid) {
			size_t off;

			for (off = 0; off < size; off += pg)
				buf[off]++;
			if (w->exec) {
				execve(self_exe, argv, envp);
				_exit(127);
			}
			_exit(0);
		}
		if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st)) {
			bad++;
			__atomic_store_n(&w->slot->bad, bad, __ATOMIC_RELAXED);
		}
		__atomic_store_n(&w->slot->ops, ++n, __ATOMIC_RELAXED);
	}
}

/* ---- the timed modes' driver ---- */

static unsigned long long sum_of(struct slot *s, long n, int bad)
{
	unsigned long long sum = 0;
	long i;

	for (i = 0; i < n; i++)
		sum += __atomic_load_n(bad ? &s[i].bad : &s[i].ops, __ATOMIC_RELAXED);
	return sum;
}

static int any_err(struct slot *s, long n)
{
	long i;

	for (i = 0; i < n; i++)
		if (__atomic_load_n(&s[i].err, __ATOMIC_RELAXED))
			return 1;
	return 0;
}

/* Kill the task group led by pid and reap it, reparented descendants too. */
static void stop_group(pid_t pid)
{
	kill(-pid, SIGKILL);
	kill(pid, SIGKILL);
	/* We are a child subreaper: every descendant comes back to us. */
	while (waitpid(-1, NULL, 0) > 0 || errno == EINTR)
		;
}

/* The task group: a child in a process group of its own. */
static void __noreturn run_group(enum mode m, long tasks,
						struct slot *slots, const struct opts *o)
{
	pid_t pid;
	long i;

	setpgid(0, 0);
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	for (i = 0; i < tasks; i++) {
		if (m == CS_THREADS) {
			struct cs_pair *p = calloc(1, sizeof(*p));

			if (!p)
				task_fail(&slots[i]);
			p->slot = &slots[i];
			p->idx = i;
			p->threads = 1;
			if (start_thread(cs_task, p, -1))
				task_fail(&slots[i]);
			continue;
		}
		pid = fork();
		if (pid < 0)
			task_fail(&slots[i]);
		if (pid)
			continue;
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (m == CS_PROCS) {
			struct cs_pair p = { .slot = &slots[i], .idx = i, .threads = 0 };

			cs_task(&p);
		} else {
			struct fork_worker w = {
				.slot = &slots[i], .o = o, .idx = i, .exec = m == FORK_EXEC,
			};

			fork_worker(&w);
		}
		_exit(1);
	}
	for (;;)
		pause();
}

static void timed(enum mode m, long tasks, const struct opts *o)
{
	const char *name = mode_names[m];
	unsigned long long start, prev, cur, bad0;
	struct slot *slots;
	double t0, t, deadline;
	size_t size = tasks * sizeof(*slots);
	pid_t pid;
	long i, ready;
	int st;

	slots = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (slots == MAP_FAILED) {
		report_error("mode=%s tasks=%ld: mmap: %s", name, tasks, strerror(errno));
		return;
	}
	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		report_error("mode=%s tasks=%ld: fork: %s", name, tasks, strerror(errno));
		munmap(slots, size);
		return;
	}
	if (!pid)
		run_group(m, tasks, slots, o);
	setpgid(pid, pid);

	deadline = now() + READY_TIMEOUT;
	do {
		sleep_ms(10);
		for (ready = 0, i = 0; i < tasks; i++)
			ready += __atomic_load_n(&slots[i].ready, __ATOMIC_ACQUIRE);
	} while (ready < tasks && !any_err(slots, tasks) &&
		 waitpid(pid, &st, WNOHANG) == 0 && now() < deadline);
	if (ready < tasks) {
		report_error("mode=%s tasks=%ld: only %ld tasks started%s", name, tasks, ready,
		      any_err(slots, tasks) ? " (a task failed)" : "");
		goto out;
	}

	sleep_until(now() + o->warmup);
	if (o->irqs > 0) {
		irq_sums("before");
		profile_start();
	}
	t0 = now();
	start = prev = sum_of(slots, tasks, 0);
	bad0 = sum_of(slots, tasks, 1);
	t = t0;
	for (i = 1; i <= o->secs; i++) {
		sleep_until(t0 + i);
		cur = sum_of(slots, tasks, 0);
		t = now();
		printf("SAMPLE mode=%s tasks=%ld sec=%ld ops=%llu\n", name, tasks, i, cur - prev);
		prev = cur;
	}
	if (o->irqs > 0) {
		irq_sums("after");
		profile_stop();
	}
	if (any_err(slots, tasks) || waitpid(pid, &st, WNOHANG) != 0) {
		report_error("mode=%s tasks=%ld: a task failed during the measurement", name, tasks);
		goto out;
	}
	printf("BENCH mode=%s tasks=%ld secs=%.3f ops=%llu ops_per_sec=%.1f",
	       name, tasks, t - t0, prev - start, t > t0 ? (prev - start) / (t - t0) : 0.0);
	if (m == FORK_EXIT || m == FORK_EXEC) {
		printf(" bad=%llu", sum_of(slots, tasks, 1) - bad0);
		if (o->pin)
			printf(" pin=1");
	}
	printf("\n");
out:
	stop_group(pid);
	munmap(slots, size);
}

/* ---- exit-ipis ---- */

static void *ipi_thread(void *arg)
{
	sleep_ms((long)arg);	/* this CPU idles, lazily on our mm */
	return NULL;
}

static void __noreturn exit_ipis_child(const struct opts *o)
{
	pthread_t *t = calloc(ncpus, sizeof(*t));
	pthread_attr_t attr;
	int i;

	if (!t)
		_exit(2);
	for (i = 0; i < ncpus; i++) {
		cpu_set_t *set = cpu_set_of(i);

		if (!set)
			_exit(2);
		pthread_attr_init(&attr);
		pthread_attr_setstacksize(&attr, STACK_SIZE);
		pthread_attr_setaffinity_np(&attr, setsize, set);
		if (pthread_create(&t[i], &attr, ipi_thread, (void *)o->sleep_ms))
			_exit(3);
		pthread_attr_destroy(&attr);
		CPU_FREE(set);
	}
	for (i = 0; i < ncpus; i++)
		pthread_join(t[i], NULL);
	_exit(0);
}

static void exit_ipis(long n, const struct opts *o)
{
	long i, bad = 0;
	double t0, t;
	int st;

	if (o->irqs) {
		irq_sums("before");
		profile_start();
	}
	fflush(stdout);
	t0 = now();
	for (i = 0; i < n; i++) {
		pid_t pid = fork();

		if (pid < 0) {
			report_error("mode=exit-ipis tasks=%ld: fork: %s", n, strerror(errno));
			if (o->irqs)
				profile_stop();
			return;
		}
		if (!pid)
			exit_ipis_child(o);
		if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st))
			bad++;
	}
	t = now();
	if (o->irqs) {
		irq_sums("after");
		profile_stop();
	}
	printf("BENCH mode=exit-ipis tasks=%ld secs=%.3f ops=%ld ops_per_sec=%.1f threads=%d bad=%ld\n",
	       n, t - t0, n, t > t0 ? n / (t - t0) : 0.0, ncpus, bad);
}

/* ---- RUN parsing ---- */

static int parse_long(const char *s, long min, long *v)
{
	char *end;

	errno = 0;
	*v = strtol(s, &end, 10);
	return !*s || *end || errno || *v < min ? -1 : 0;
}

static void run_one(const char *spec, const struct opts *defaults)
{
	char *buf = strdup(spec), *mode_s, *items, *item, *save;
	long counts[MAX_ITEMS], v;
	int ncounts = 0, i;
	struct opts o = *defaults;
	enum mode m;

	if (!buf)
		return;
	mode_s = buf;
	items = strchr(buf, ':');
	if (items)
		*items++ = 0;
	for (m = 0; m < NR_MODES; m++)
		if (!strcmp(mode_s, mode_names[m]))
			break;
	if (m == NR_MODES) {
		report_error("unknown mode '%s' in '%s'", mode_s, spec);
		goto out;
	}
	for (item = items ? strtok_r(items, ",", &save) : NULL; item;
	     item = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(item, '=');
		long *dst = NULL;
		long min = 0;

		if (!eq) {
			if (parse_long(item, 1, &v) || ncounts == MAX_ITEMS) {
				report_error("bad count '%s' in '%s'", item, spec);
				goto out;
			}
			counts[ncounts++] = v;
			continue;
		}
		*eq++ = 0;
		if (!strcmp(item, "secs")) {
			dst = &o.secs;
			min = 1;
		} else if (!strcmp(item, "warmup")) {
			dst = &o.warmup;
		} else if (!strcmp(item, "touch")) {
			dst = &o.touch_kb;
		} else if (!strcmp(item, "sleep_ms")) {
			dst = &o.sleep_ms;
		} else if (!strcmp(item, "pin") || !strcmp(item, "irqs")) {
			if (parse_long(eq, 0, &v) || v > 1) {
				report_error("bad value '%s=%s' in '%s'", item, eq, spec);
				goto out;
			}
			*(item[0] == 'p' ? &o.pin : &o.irqs) = v;
			continue;
		} else {
			report_error("unknown option '%s' in '%s'", item, spec);
			goto out;
		}
		if (parse_long(eq, min, dst)) {
			report_error("bad value '%s=%s' in '%s'", item, eq, spec);
			goto out;
		}
	}
	if (o.irqs < 0)
		o.irqs = m == EXIT_IPIS;
	if (!ncounts)
		counts[ncounts++] = m == EXIT_IPIS ? 100 : m <= CS_PROCS ? 1 : ncpus;
	for (i = 0; i < ncounts; i++) {
		if (m == EXIT_IPIS)
			exit_ipis(counts[i], &o);
		else
			timed(m, counts[i], &o);
	}
out:
	free(buf);
}

static void run_all(const char *runs, const struct opts *defaults)
{
	char *buf = strdup(runs), *run, *save;

	if (!buf)
		return;
	for (run = strtok_r(buf, ";", &save); run; run = strtok_r(NULL, ";", &save))
		run_one(run, defaults);
	free(buf);
}

static void __noreturn usage(const char *prog, int status)
{
	fprintf(status ? stderr : stdout,
		"usage: %s [-c] [-s SECS] [-w WARMUP] MODE [ITEM...]\n"
		"       %s [-c] [-s SECS] [-w WARMUP] -r 'MODE[:ITEM,...][;...]'\n"
		"       %s true\n"
		"MODE: cs-threads cs-procs fork-exit fork-exec exit-ipis\n"
		"ITEM: a count (one measurement each), or secs= warmup= touch= pin= sleep_ms= irqs=\n"
		"-c: core-first CPU order (one SMT thread of every core first)\n"
		"See the comment at the top of guest/bench.c.\n", prog, prog, prog);
	exit(status);
}

static char *join_args(int argc, char **argv, int first)
{
	size_t len = 1;
	char *s;
	int i;

	for (i = first; i < argc; i++)
		len += strlen(argv[i]) + 1;
	s = calloc(1, len);
	if (!s)
		return NULL;
	for (i = first; i < argc; i++) {
		if (i > first)
			strcat(s, i == first + 1 && !strchr(argv[first], ':') ? ":" : ",");
		strcat(s, argv[i]);
	}
	return s;
}

int main(int argc, char **argv)
{
	struct opts o = { .secs = 5, .warmup = 1, .sleep_ms = 10, .irqs = -1 };
	struct utsname u;
	char *runs = NULL;
	ssize_t n;
	int c;

	/* fork-exec's child: nothing else, not even stdio setup. */
	if (argc > 1 && !strcmp(argv[1], "true"))
		return 0;

	pid1 = getpid() == 1;
	if (pid1) {
		/* Only ever as a guest's init: mount what we read. */
		mkdir("/proc", 0755);
		mkdir("/sys", 0755);
		mount("proc", "/proc", "proc", 0, NULL);
		mount("sysfs", "/sys", "sysfs", 0, NULL);
		setvbuf(stdout, NULL, _IONBF, 0);
		runs = cmdline_str("bench.runs=");
		if (!runs)
			runs = strdup("cs-threads;cs-procs;fork-exit;fork-exec;exit-ipis");
		o.secs = cmdline_long("bench.secs=", o.secs);
		o.warmup = cmdline_long("bench.warmup=", o.warmup);
		profile = cmdline_str("bench.profile=");
		{
			char *order = cmdline_str("bench.order=");

			core_first = order && !strcmp(order, "cores");
			free(order);
		}
	} else {
		setvbuf(stdout, NULL, _IOLBF, 0);
		while ((c = getopt(argc, argv, "+cs:w:r:h")) != -1) {
			switch (c) {
			case 'c':
				core_first = 1;
				break;
			case 's':
				if (parse_long(optarg, 1, &o.secs))
					usage(argv[0], 2);
				break;
			case 'w':
				if (parse_long(optarg, 0, &o.warmup))
					usage(argv[0], 2);
				break;
			case 'r':
				runs = strdup(optarg);
				break;
			case 'h':
				usage(argv[0], 0);
			default:
				usage(argv[0], 2);
			}
		}
		if (!runs && optind < argc)
			runs = join_args(argc, argv, optind);
		else if (optind < argc)
			usage(argv[0], 2);
		if (!runs)
			usage(argv[0], 2);
	}
	if (o.secs < 1)
		o.secs = 1;
	if (o.warmup < 0)
		o.warmup = 0;

	n = readlink("/proc/self/exe", self_exe, sizeof(self_exe) - 1);
	if (n > 0)
		self_exe[n] = 0;
	else
		snprintf(self_exe, sizeof(self_exe), "%s", argv[0]);
	/* Orphaned tasks come back to us, so that we reap them (as PID 1 too). */
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	signal(SIGPIPE, SIG_IGN);

	if (uname(&u))
		memset(&u, 0, sizeof(u));
	if (init_cpus()) {
		printf("BENCH: start pid1=%d cpus=0 kernel=%s arch=%s order=%s\n",
		       pid1, u.release, u.machine, core_first ? "cores" : "linux");
		report_error("cannot read the CPU affinity mask: %s", strerror(errno));
	} else {
		if (core_first)
			order_core_first();
		printf("BENCH: start pid1=%d cpus=%d kernel=%s arch=%s order=%s\n",
		       pid1, ncpus, u.release, u.machine, core_first ? "cores" : "linux");
		profile_setup();
		run_all(runs, &o);
	}
	free(runs);
	printf("BENCH: done errors=%d\n", errors);

	if (pid1) {
		sync();
		reboot(RB_AUTOBOOT);
		/* Still here (no permission?): do not return, PID 1 must not exit. */
		write_file("/proc/sysrq-trigger", "b");
		for (;;)
			pause();
	}
	return errors ? 1 : 0;
}
