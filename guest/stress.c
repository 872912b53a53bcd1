// SPDX-License-Identifier: GPL-2.0
/*
 * lazymm-hp guest stress: a static /init (PID 1) that loads every path that
 * takes, lends or drops a lazy TLB mm, all at once, for stress.secs seconds
 * (kernel command line, default 60), then prints one result line and
 * reboots (run qemu with -no-reboot).
 *
 * Each worker is its own forked process (and process group), so one crash
 * does not take the others down; they count into a MAP_SHARED page:
 *
 * - threads: processes whose threads ping-pong a byte through pipes with
 *   short sleeps between the hops (their CPUs idle, lazily on the mm), and
 *   which die through exit_group() from one thread while the others run.
 *   procs= processes, threads= threads started.
 * - fork/exec storm: fork + _exit(), and fork + execve() of this binary with
 *   "exec-child", which exits 0 at once. forks= every child of this worker,
 *   execs= the execve()d ones.
 * - exec from kernel threads: /proc/sys/kernel/modprobe is set to /init and
 *   request_module() is provoked with socket() of unregistered address
 *   families ("net-pf-N"), open() of char devices with unused majors 240-254
 *   ("char-major-M-N") and mount() of an unknown file system type ("fs-X");
 *   the kernel runs "/init -q -- <module>", which appends a byte to
 *   /tmp/modprobe and exits 1, as modprobe -q does for a module it cannot
 *   find. An execve() of a 4-byte garbage file exercises the failed
 *   exec path (kernels since 6.5 no longer ask for "binfmt-XXXX" there).
 *   Also children crash and the core_pattern pipe "|/init core" appends a
 *   byte to /tmp/umh. modprobe_execs= and umh_execs= are the sizes of those
 *   files (modprobe_execs=-1 without /proc/sys/kernel/modprobe).
 * - CPU hotplug: cpus 1..n-1 in turn go offline and online again.
 *   hotplug_cycles= full cycles, hotplug_errors= failed writes (not fatal).
 * - membarrier: threaded processes that register for and issue private
 *   expedited (and sync-core) membarriers in a loop, global expedited and
 *   global ones now and then, and exit after a few hundred calls while their
 *   threads run and sleep. membarriers= calls, membarrier_errors= failed
 *   calls; a command that gets EINVAL (or that MEMBARRIER_CMD_QUERY does not
 *   list) is reported and no longer issued.
 * - KUnit: with debugfs and the lazy_mm suite (kthread_use_mm() users), the
 *   suite is run again and again through /sys/kernel/debug/kunit/lazy_mm/run
 *   and its results checked. kunit_runs= (-1 without the suite),
 *   kunit_failures= (the results are printed on a failure). The suite takes
 *   a CPU offline itself, so it and the hotplug worker take turns on an
 *   flock() of /tmp/hotplug.lock.
 * - khugepaged: with THP, khugepaged scans without sleeping, and short-lived
 *   children map two aligned huge pages' worth of MADV_HUGEPAGE memory, touch
 *   a few pages and exit, so that khugepaged often holds the last reference
 *   to an mm. thp_children= (-1 without THP), thp_full_scans= and
 *   thp_collapsed= from /sys/kernel/mm/transparent_hugepage/khugepaged.
 *
 * Every 10 s a progress line "STRESS: t=..." is printed. At the end the
 * workers are told to stop, killed (with their process groups) if they have
 * not within STOP_GRACE seconds, everything is reaped, every CPU is put
 * online and one line is printed:
 *
 *   STRESS: done secs= procs= threads= forks= execs= modprobe_execs=
 *   umh_execs= hotplug_cycles= hotplug_errors= membarriers=
 *   membarrier_errors= kunit_runs= kunit_failures= thp_children=
 *   thp_full_scans= thp_collapsed= bad_exits=
 *
 * bad_exits= counts workers and their children that ended with an
 * unexpected status or signal (the SIGSEGV of the core_pattern children is
 * expected), and workers that had to be killed.
 *
 * With stress.selftests=1 every executable in /selftests/ is run first, one
 * at a time, with a 120 s limit; after each "SELFTEST: <name> rc=<rc>" is
 * printed (rc=-1 on a signal or the timeout). With stress.poweroff=1 the
 * guest powers off at the end instead of rebooting (sparc64 under qemu,
 * whose reboot through the firmware fails).
 *
 * Kernel configuration: PROC_FS, SYSFS, TMPFS, SMP, FUTEX; HOTPLUG_CPU for
 * the hotplug worker; MEMBARRIER; MODULES for the modprobe helper (NET for
 * its socket() trigger); COREDUMP for the core_pattern helper; DEBUG_FS,
 * KUNIT, KUNIT_DEBUGFS and HP_KUNIT_TEST=y for the KUnit worker, booted
 * without kunit.enable=0 (KUnit creates the debugfs files only of the
 * suites it ran at boot: kunit.filter_glob=lazy_mm keeps that run short);
 * TRANSPARENT_HUGEPAGE for the khugepaged worker. A worker whose feature is
 * missing is not started and reports -1.
 *
 * Run as anything but PID 1 this refuses to do anything, except in its
 * helper modes: "exec-child" (exit 0), "core" (read stdin, append a byte to
 * an existing /tmp/umh, exit 0) and "-q -- <module>" (append a byte to an
 * existing /tmp/modprobe, exit 1).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/membarrier.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define STOP_GRACE	10	/* s a worker gets to stop before SIGKILL */
#define REAP_LIMIT	60	/* s to wait for killed processes to go */
#define SELFTEST_SECS	120
#define MAX_CPUS	256
#define MAX_MSGS	20	/* error messages printed, all workers together */

#define THP		"/sys/kernel/mm/transparent_hugepage"
#define KUNIT_DIR	"/sys/kernel/debug/kunit/lazy_mm"
#define HOTPLUG_LOCK	"/tmp/hotplug.lock"

/* The membarrier commands the membarrier worker uses. */
#define MB_PRIV		MEMBARRIER_CMD_PRIVATE_EXPEDITED
#define MB_REG_PRIV	MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED
#define MB_SYNC		MEMBARRIER_CMD_PRIVATE_EXPEDITED_SYNC_CORE
#define MB_REG_SYNC	MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED_SYNC_CORE
#define MB_GLOBAL	MEMBARRIER_CMD_GLOBAL
#define MB_GEXP		MEMBARRIER_CMD_GLOBAL_EXPEDITED
#define MB_REG_GEXP	MEMBARRIER_CMD_REGISTER_GLOBAL_EXPEDITED
#define MB_ALL		(MB_PRIV | MB_REG_PRIV | MB_SYNC | MB_REG_SYNC | MB_GLOBAL | \
			 MB_GEXP | MB_REG_GEXP)

/* Shared by every process of the stress: MAP_SHARED | MAP_ANONYMOUS. */
struct shared {
	long procs, threads, forks, execs, crashes;
	long hotplug_cycles, hotplug_errors;
	long membarriers, membarrier_errors;
	long kunit_runs, kunit_failures;
	long thp_children;
	long bad_exits;
	long msgs;
	int stop;
	int mb_cmds;		/* membarrier commands still in use */
};

static struct shared *sh;
static unsigned long rnd_state;

/* Which workers run: the kernel has what they need. */
static int modprobe, hotplug, membarrier, kunit, thp;

static void add(long *p, long v)
{
	__atomic_fetch_add(p, v, __ATOMIC_RELAXED);
}

static long get(long *p)
{
	return __atomic_load_n(p, __ATOMIC_RELAXED);
}

static int stopping(void)
{
	return __atomic_load_n(&sh->stop, __ATOMIC_RELAXED);
}

/* Print at most MAX_MSGS error messages in all, so a storm cannot flood. */
static int may_print(void)
{
	return __atomic_fetch_add(&sh->msgs, 1, __ATOMIC_RELAXED) < MAX_MSGS;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void sleep_us(long us)
{
	struct timespec ts = { us / 1000000, (us % 1000000) * 1000 };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

static unsigned long rnd(void)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 7;
	rnd_state ^= rnd_state << 17;
	return rnd_state;
}

static void rnd_seed(void)
{
	rnd_state = ((unsigned long)getpid() << 32) ^ (unsigned long)(now() * 1e9) ^ 0x9e3779b97f4a7c15UL;
	if (!rnd_state)
		rnd_state = 1;
}

static int write_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = write(fd, s, strlen(s));
	if (n < 0) {
		int e = errno;

		close(fd);
		errno = e;
		return -1;
	}
	close(fd);
	return 0;
}

/* Read a whole (small or seq_file) file; the caller frees it. */
static char *read_all(const char *path)
{
	size_t size = 4096, len = 0;
	char *buf = malloc(size), *nbuf;
	int fd = open(path, O_RDONLY);
	ssize_t n;

	if (fd < 0 || !buf) {
		if (fd >= 0)
			close(fd);
		free(buf);
		return NULL;
	}
	for (;;) {
		if (len + 1 >= size) {
			if (size >= (1 << 20))
				break;
			nbuf = realloc(buf, size * 2);
			if (!nbuf)
				break;
			buf = nbuf;
			size *= 2;
		}
		n = read(fd, buf + len, size - len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += n;
	}
	close(fd);
	buf[len] = 0;
	return buf;
}

static long read_long(const char *path, long def)
{
	char *s = read_all(path);
	long v = def;

	if (s && *s)
		v = strtol(s, NULL, 10);
	free(s);
	return v;
}

static long file_size(const char *path)
{
	struct stat st;

	return stat(path, &st) ? 0 : st.st_size;
}

static long cmdline_long(const char *key, long def)
{
	char *buf = read_all("/proc/cmdline"), *p;
	long v = def;

	if (!buf)
		return def;
	for (p = buf; (p = strstr(p, key)); p++) {
		if (p == buf || p[-1] == ' ') {
			v = strtol(p + strlen(key), NULL, 10);
			break;
		}
	}
	free(buf);
	return v;
}

/* A write whose failure there is nothing to do about. */
static void write_quiet(int fd, const void *buf, size_t len)
{
	ssize_t n = write(fd, buf, len);

	(void)n;
}

/* Append one byte to an existing counter file: harmless outside the guest. */
static void count_in(const char *path)
{
	int fd = open(path, O_WRONLY | O_APPEND);

	if (fd >= 0) {
		write_quiet(fd, "x", 1);
		close(fd);
	}
}

static void report_status(const char *who, pid_t pid, int st)
{
	if (!may_print())
		return;
	if (WIFSIGNALED(st))
		printf("STRESS: %s: pid %d killed by signal %d\n", who, pid, WTERMSIG(st));
	else
		printf("STRESS: %s: pid %d exited with %d\n", who, pid, WEXITSTATUS(st));
}

/*
 * Reap one child of this worker (@pid, or any with -1); count a bad exit
 * unless it exited 0 or, with @sig, died of @sig. Returns the pid or -1.
 */
static pid_t reap(pid_t pid, const char *who, int sig)
{
	int st;
	pid_t r;

	do
		r = waitpid(pid, &st, 0);
	while (r < 0 && errno == EINTR);
	if (r < 0)
		return -1;
	if (sig ? !(WIFSIGNALED(st) && WTERMSIG(st) == sig) :
		  !(WIFEXITED(st) && WEXITSTATUS(st) == 0)) {
		add(&sh->bad_exits, 1);
		report_status(who, r, st);
	}
	return r;
}

static pid_t fork_counted(const char *who)
{
	pid_t pid = fork();

	if (pid < 0) {
		if (may_print())
			printf("STRESS: %s: fork: %s\n", who, strerror(errno));
		sleep_us(10000);
	}
	return pid;
}

static pthread_attr_t small_stack;

/* Start a thread that nobody joins: exit_group() ends it. */
static int start_thread(void *(*fn)(void *), void *arg, long *counter)
{
	pthread_t t;

	if (pthread_create(&t, &small_stack, fn, arg))
		return -1;
	if (counter)
		add(counter, 1);
	return 0;
}

/* ---- threads: ping-pong through idle, then exit_group() from a thread ---- */

struct pingpong {
	int to[2], from[2];	/* pipes: ping -> pong, pong -> ping */
	long sleep_us;
};

static void *ping(void *arg)
{
	struct pingpong *pp = arg;
	char c = 0;

	for (;;) {
		if (write(pp->to[1], &c, 1) != 1 || read(pp->from[0], &c, 1) != 1)
			_exit(5);
		sleep_us(pp->sleep_us);	/* the CPU idles, lazily on our mm */
	}
	return NULL;
}

static void *pong(void *arg)
{
	struct pingpong *pp = arg;
	char c;

	for (;;) {
		if (read(pp->to[0], &c, 1) != 1)
			_exit(6);
		sleep_us(pp->sleep_us);
		if (write(pp->from[1], &c, 1) != 1)
			_exit(7);
	}
	return NULL;
}

static void *exiter(void *arg)
{
	sleep_us((long)arg);
	syscall(SYS_exit_group, 0);	/* while the other threads run */
	return NULL;
}

static void threaded_child(void)
{
	struct pingpong pp[2];
	int i;

	rnd_seed();
	for (i = 0; i < 2; i++) {
		if (pipe(pp[i].to) || pipe(pp[i].from))
			_exit(2);
		pp[i].sleep_us = 100 + rnd() % 400;
		if (start_thread(ping, &pp[i], &sh->threads) ||
		    start_thread(pong, &pp[i], &sh->threads))
			_exit(3);
	}
	if (start_thread(exiter, (void *)(long)(2000 + rnd() % 8000), &sh->threads))
		_exit(4);
	for (;;)
		pause();
}

static void threads_worker(void)
{
	pid_t pid[2];
	int i;

	while (!stopping()) {
		for (i = 0; i < 2; i++) {
			pid[i] = fork_counted("threads");
			if (!pid[i])
				threaded_child();
		}
		for (i = 0; i < 2; i++)
			if (pid[i] > 0 && reap(pid[i], "threads child", 0) > 0)
				add(&sh->procs, 1);
	}
}

/* ---- fork and exec storm ---- */

static void fork_worker(void)
{
	char *argv[] = { "/init", "exec-child", NULL };
	char *envp[] = { NULL };
	pid_t pid[2];
	int i;

	while (!stopping()) {
		for (i = 0; i < 2; i++) {
			pid[i] = fork_counted("fork");
			if (!pid[i])
				_exit(0);
		}
		for (i = 0; i < 2; i++)
			if (pid[i] > 0 && reap(pid[i], "fork child", 0) > 0)
				add(&sh->forks, 1);

		pid[0] = fork_counted("exec");
		if (!pid[0]) {
			execve(argv[0], argv, envp);
			_exit(3);
		}
		if (pid[0] > 0 && reap(pid[0], "exec child", 0) > 0) {
			add(&sh->forks, 1);
			add(&sh->execs, 1);
		}
	}
}

/* ---- exec from kernel threads: modprobe and core_pattern helpers ---- */

static void umh_worker(void)
{
	static const unsigned char garbage[4] = { 0x01, 0xfe, 0x7f, 0x00 };
	char *gargv[] = { "/tmp/garbage", NULL };
	char *envp[] = { NULL };
	char path[64], fstype[32];
	long n;
	int fd;

	if (modprobe) {
		for (n = 240; n <= 254; n++) {
			snprintf(path, sizeof(path), "/tmp/cdev-%ld", n);
			mknod(path, S_IFCHR | 0600, makedev(n, 0));
		}
		mkdir("/tmp/mnt", 0755);
		fd = open("/tmp/garbage", O_WRONLY | O_CREAT | O_TRUNC, 0755);
		if (fd >= 0) {
			write_quiet(fd, garbage, sizeof(garbage));
			close(fd);
		}
		chmod("/tmp/garbage", 0755);
	}

	for (n = 0; !stopping(); n++) {
		pid_t pid;

		if (modprobe) {
			/* request_module("net-pf-N"); EAFNOSUPPORT is fine. */
			fd = socket(30 + n % 16, SOCK_STREAM, 0);
			if (fd >= 0)
				close(fd);
			/* request_module("char-major-M-N"): ENXIO. */
			snprintf(path, sizeof(path), "/tmp/cdev-%ld", 240 + n % 15);
			fd = open(path, O_RDONLY | O_NONBLOCK);
			if (fd >= 0)
				close(fd);
			/* request_module("fs-stressN"): ENODEV. */
			snprintf(fstype, sizeof(fstype), "stress%ld", n);
			mount("none", "/tmp/mnt", fstype, 0, NULL);
			/* A failed exec: ENOEXEC. */
			execve(gargv[0], gargv, envp);
		}

		/* A crash: the kernel runs the core_pattern pipe helper. */
		pid = fork_counted("crash");
		if (!pid) {
			struct rlimit rl = { RLIM_INFINITY, RLIM_INFINITY };

			setrlimit(RLIMIT_CORE, &rl);
			raise(SIGSEGV);
			_exit(4);
		}
		if (pid > 0 && reap(pid, "crash child", SIGSEGV) > 0)
			add(&sh->crashes, 1);
	}
}

/* ---- CPU hotplug ---- */

static int ncpus_hotplug;
static int hotplug_cpu[MAX_CPUS];

static void find_hotplug_cpus(void)
{
	char path[64];
	int cpu;

	for (cpu = 1; cpu < MAX_CPUS; cpu++) {
		snprintf(path, sizeof(path), "/sys/devices/system/cpu/cpu%d/online", cpu);
		if (!access(path, W_OK))
			hotplug_cpu[ncpus_hotplug++] = cpu;
	}
}

static int set_online(int cpu, int on, int tries)
{
	char path[64];

	snprintf(path, sizeof(path), "/sys/devices/system/cpu/cpu%d/online", cpu);
	while (tries--) {
		if (!write_file(path, on ? "1" : "0"))
			return 0;
		add(&sh->hotplug_errors, 1);
		if (may_print())
			printf("STRESS: hotplug: cpu%d online=%d: %s\n", cpu, on, strerror(errno));
		if (tries)
			sleep_us(100000);
	}
	return -1;
}

static int lock_fd(void)
{
	return open(HOTPLUG_LOCK, O_RDWR | O_CREAT, 0600);
}

static void lock(int fd)
{
	while (flock(fd, LOCK_EX) && errno == EINTR)
		;
}

static void unlock(int fd)
{
	flock(fd, LOCK_UN);
}

static void hotplug_worker(void)
{
	int fd = lock_fd(), i;

	while (!stopping()) {
		for (i = 0; i < ncpus_hotplug && !stopping(); i++) {
			int cpu = hotplug_cpu[i];

			lock(fd);
			if (!set_online(cpu, 0, 1)) {
				/* Whatever happens, it must come back. */
				if (!set_online(cpu, 1, 50))
					add(&sh->hotplug_cycles, 1);
			}
			unlock(fd);
			sleep_us(10000 + rnd() % 40000);
		}
	}
}

/* ---- membarrier ---- */

static int mb_cmd(int cmd)
{
	int cmds = __atomic_load_n(&sh->mb_cmds, __ATOMIC_RELAXED);

	if (!(cmds & cmd))
		return -1;
	if (!syscall(__NR_membarrier, cmd, 0, 0)) {
		add(&sh->membarriers, 1);
		return 0;
	}
	if (errno == EINVAL) {
		if (__atomic_fetch_and(&sh->mb_cmds, ~cmd, __ATOMIC_RELAXED) & cmd)
			printf("STRESS: membarrier: command %d: EINVAL, no longer used\n", cmd);
		return -1;
	}
	add(&sh->membarrier_errors, 1);
	if (may_print())
		printf("STRESS: membarrier: command %d: %s\n", cmd, strerror(errno));
	return -1;
}

static void *mb_runner(void *arg)
{
	volatile unsigned long spin;
	long us = (long)arg;

	for (;;) {
		for (spin = 0; spin < 20000; spin++)
			;
		sleep_us(us);
	}
	return NULL;
}

static void membarrier_child(void)
{
	int priv, sync, i, n;

	rnd_seed();
	priv = !mb_cmd(MB_REG_PRIV);
	sync = !mb_cmd(MB_REG_SYNC);
	mb_cmd(MB_REG_GEXP);
	for (i = 0; i < 3; i++)
		if (start_thread(mb_runner, (void *)(long)(100 + rnd() % 900), NULL))
			_exit(2);
	n = 200 + rnd() % 200;
	for (i = 1; i <= n && !stopping(); i++) {
		if (priv)
			mb_cmd(MB_PRIV);
		if (sync && i % 8 == 0)
			mb_cmd(MB_SYNC);
		if (i % 16 == 0)
			mb_cmd(MB_GEXP);
		if (i % 64 == 0)
			mb_cmd(MB_GLOBAL);
		if (!priv)
			sleep_us(500);	/* nothing cheap left to issue */
	}
	_exit(0);	/* exit_group() while the threads run */
}

static void membarrier_worker(void)
{
	int running = 0;

	while (!stopping() || running) {
		while (running < 2 && !stopping()) {
			pid_t pid = fork_counted("membarrier");

			if (!pid)
				membarrier_child();
			if (pid < 0)
				break;
			running++;
		}
		if (!running)
			continue;
		if (reap(-1, "membarrier child", 0) > 0)
			running--;
		else
			running = 0;
	}
}

/* ---- KUnit lazy_mm suite ---- */

/* The suite's own line says "ok", and no line anywhere says "not ok". */
static int kunit_passed(const char *buf)
{
	const char *line, *p, *end;
	int ok = 0;

	for (line = buf; *line; line = *end ? end + 1 : end) {
		end = strchrnul(line, '\n');
		for (p = line; p < end && (*p == ' ' || *p == '\t'); p++)
			;
		if (end - p >= 6 && !strncmp(p, "not ok", 6))
			return 0;
		if (end - line > 3 && !strncmp(line, "ok ", 3) &&
		    memmem(line, end - line, " lazy_mm", 8))
			ok = 1;
	}
	return ok;
}

/* Print @text with @prefix on each line (the kernel's console lines interleave). */
static void print_prefixed(const char *prefix, const char *text)
{
	size_t plen = strlen(prefix), len = 0;
	const char *line, *end;
	char *out = malloc(strlen(text) + 64 * (plen + 1));
	int lines = 0;

	if (!out)
		return;
	for (line = text; *line; line = *end ? end + 1 : end) {
		end = strchrnul(line, '\n');
		if (lines++ >= 64)
			break;		/* the results of the last run: a few dozen lines */
		memcpy(out + len, prefix, plen);
		len += plen;
		memcpy(out + len, line, end - line);
		len += end - line;
		out[len++] = '\n';
	}
	write_quiet(1, out, len);
	free(out);
}

static void kunit_worker(void)
{
	int fd = lock_fd();

	while (!stopping()) {
		char *res;
		int r;

		lock(fd);
		r = write_file(KUNIT_DIR "/run", "1");
		unlock(fd);
		res = read_all(KUNIT_DIR "/results");
		add(&sh->kunit_runs, 1);
		if (r || !res || !kunit_passed(res)) {
			int e = errno;

			if (get(&sh->kunit_failures) < 3) {
				printf("STRESS: kunit lazy_mm run %ld failed%s%s\n", get(&sh->kunit_runs),
				       r ? ": " : "", r ? strerror(e) : "");
				print_prefixed("STRESS: kunit| ", res ? res : "(unreadable)");
			}
			add(&sh->kunit_failures, 1);
		}
		free(res);
		sleep_us(50000);	/* let the hotplug worker have a turn */
	}
}

/* ---- khugepaged on short-lived processes ---- */

static long thp_size;

static void thp_child(long n)
{
	size_t len = 2 * thp_size;
	char *p, *a;
	int i;

	rnd_seed();
	p = mmap(NULL, len + thp_size, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		_exit(2);
	a = (char *)(((uintptr_t)p + thp_size - 1) & ~((uintptr_t)thp_size - 1));
	/* Odd children may fault huge pages in; even ones leave khugepaged work. */
	if (n & 1)
		madvise(a, len, MADV_HUGEPAGE);
	for (i = 0; i < 8; i++)
		a[i * (len / 8)] = 1;
	if (!(n & 1))
		madvise(a, len, MADV_HUGEPAGE);
	sleep_us(2000 + rnd() % 30000);
	_exit(0);
}

static void thp_worker(void)
{
	int running = 0;
	long n = 0;

	while (!stopping() || running) {
		while (running < 2 && !stopping()) {
			pid_t pid = fork_counted("thp");

			if (!pid)
				thp_child(n);
			if (pid < 0)
				break;
			running++;
			n++;
		}
		if (!running)
			continue;
		if (reap(-1, "thp child", 0) > 0) {
			running--;
			add(&sh->thp_children, 1);
		} else {
			running = 0;
		}
	}
}

static int thp_setup(void)
{
	thp_size = read_long(THP "/hpage_pmd_size", 0);
	if (thp_size <= 0 || (thp_size & (thp_size - 1)))
		return -1;
	write_file(THP "/enabled", "madvise");
	write_file(THP "/defrag", "madvise");
	write_file(THP "/khugepaged/defrag", "1");
	write_file(THP "/khugepaged/scan_sleep_millisecs", "0");
	write_file(THP "/khugepaged/alloc_sleep_millisecs", "0");
	write_file(THP "/khugepaged/pages_to_scan", "4096");
	write_file(THP "/khugepaged/max_ptes_none", "511");
	return 0;
}

/* ---- selftests ---- */

static int is_executable(const struct dirent *d)
{
	char path[512];
	struct stat st;

	if (d->d_name[0] == '.')
		return 0;
	snprintf(path, sizeof(path), "/selftests/%s", d->d_name);
	return !stat(path, &st) && S_ISREG(st.st_mode) && (st.st_mode & 0111);
}

static void run_selftests(void)
{
	struct dirent **list;
	int n, i;

	n = scandir("/selftests", &list, is_executable, alphasort);
	if (n < 0) {
		printf("STRESS: no /selftests: %s\n", strerror(errno));
		return;
	}
	for (i = 0; i < n; i++) {
		char path[512];
		char *argv[] = { path, NULL };
		char *envp[] = { "PATH=/selftests:/", NULL };
		double deadline = now() + SELFTEST_SECS + 5;
		int st, rc = -1;
		pid_t pid, r;

		snprintf(path, sizeof(path), "/selftests/%s", list[i]->d_name);
		printf("STRESS: selftest %s starts\n", list[i]->d_name);
		pid = fork();
		if (!pid) {
			setpgid(0, 0);
			alarm(SELFTEST_SECS);
			execve(path, argv, envp);
			printf("STRESS: cannot run %s: %s\n", path, strerror(errno));
			_exit(127);
		}
		if (pid < 0) {
			printf("SELFTEST: %s rc=-1\n", list[i]->d_name);
			free(list[i]);
			continue;
		}
		setpgid(pid, pid);
		/* Reap orphans too (PID 1), until our child is done. */
		for (;;) {
			r = waitpid(-1, &st, WNOHANG);
			if (r == pid)
				break;
			if (r > 0)
				continue;
			if (now() > deadline) {
				printf("STRESS: selftest %s: no end after %d s, killing it\n",
				       list[i]->d_name, SELFTEST_SECS);
				kill(-pid, SIGKILL);
				kill(pid, SIGKILL);
				waitpid(pid, &st, 0);
				break;
			}
			sleep_us(20000);
		}
		if (WIFEXITED(st))
			rc = WEXITSTATUS(st);
		printf("SELFTEST: %s rc=%d\n", list[i]->d_name, rc);
		free(list[i]);
	}
	free(list);
}

/* ---- PID 1 ---- */

struct worker {
	const char *name;
	void (*fn)(void);
	pid_t pid;
	int live;
};

static struct worker workers[] = {
	{ .name = "threads", .fn = threads_worker },
	{ .name = "fork", .fn = fork_worker },
	{ .name = "umh", .fn = umh_worker },
	{ .name = "hotplug", .fn = hotplug_worker },
	{ .name = "membarrier", .fn = membarrier_worker },
	{ .name = "kunit", .fn = kunit_worker },
	{ .name = "thp", .fn = thp_worker },
};

#define NWORKERS ((int)(sizeof(workers) / sizeof(workers[0])))

static int live_workers(void)
{
	int i, n = 0;

	for (i = 0; i < NWORKERS; i++)
		n += workers[i].live;
	return n;
}

/* Reap whatever is there (workers and orphans); true if anything was. */
static int reap_some(int stopped)
{
	int st, i, any = 0;
	pid_t r;

	while ((r = waitpid(-1, &st, WNOHANG)) > 0) {
		any = 1;
		for (i = 0; i < NWORKERS; i++) {
			if (!workers[i].live || workers[i].pid != r)
				continue;
			workers[i].live = 0;
			if (!(WIFEXITED(st) && WEXITSTATUS(st) == 0)) {
				add(&sh->bad_exits, 1);
				report_status(workers[i].name, r, st);
			} else if (!stopped) {
				printf("STRESS: worker %s ended early\n", workers[i].name);
				add(&sh->bad_exits, 1);
			}
		}
	}
	return any;
}

/* One line in one write(), so that nothing lands in the middle of it. */
static void print_counts(const char *head, long t, const char *tail)
{
	char line[1024];

	snprintf(line, sizeof(line),
		 "STRESS: %s=%ld procs=%ld threads=%ld forks=%ld execs=%ld modprobe_execs=%ld umh_execs=%ld hotplug_cycles=%ld hotplug_errors=%ld membarriers=%ld membarrier_errors=%ld kunit_runs=%ld kunit_failures=%ld thp_children=%ld%s bad_exits=%ld\n",
		 head, t, get(&sh->procs), get(&sh->threads), get(&sh->forks), get(&sh->execs),
		 modprobe ? file_size("/tmp/modprobe") : -1, file_size("/tmp/umh"),
		 hotplug ? get(&sh->hotplug_cycles) : -1, get(&sh->hotplug_errors),
		 membarrier ? get(&sh->membarriers) : -1, get(&sh->membarrier_errors),
		 kunit ? get(&sh->kunit_runs) : -1, get(&sh->kunit_failures),
		 thp ? get(&sh->thp_children) : -1, tail, get(&sh->bad_exits));
	write_quiet(1, line, strlen(line));
}

int main(int argc, char **argv)
{
	int i, mb;
	long secs, full_scans = -1, collapsed = -1;
	double start, end, next;
	char buf[256];

	/* The helper modes: harmless anywhere. */
	if (argc > 1 && !strcmp(argv[1], "exec-child"))
		return 0;
	if (argc > 1 && !strcmp(argv[1], "core")) {
		/* The core_pattern pipe helper: swallow the core, count ourselves. */
		while (read(0, buf, sizeof(buf)) > 0)
			;
		count_in("/tmp/umh");
		return 0;
	}
	if (argc == 4 && !strcmp(argv[1], "-q") && !strcmp(argv[2], "--")) {
		/*
		 * The kernel's modprobe call: "/init -q -- <module>". Fail like
		 * modprobe -q does for a module it cannot find: a success would
		 * make get_fs_type() warn that the file system is still missing.
		 */
		count_in("/tmp/modprobe");
		return 1;
	}

	/* This mounts, reconfigures and reboots: only ever as a guest's init. */
	if (getpid() != 1) {
		fprintf(stderr, "%s: not PID 1; this is a guest /init, refusing to run\n", argv[0]);
		return 1;
	}
	mkdir("/proc", 0755);
	mkdir("/sys", 0755);
	mkdir("/tmp", 01777);
	mount("proc", "/proc", "proc", 0, NULL);
	mount("sysfs", "/sys", "sysfs", 0, NULL);
	mount("tmpfs", "/tmp", "tmpfs", 0, NULL);
	mount("debugfs", "/sys/kernel/debug", "debugfs", 0, NULL);
	setvbuf(stdout, NULL, _IONBF, 0);

	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED) {
		printf("STRESS: cannot map the shared page: %s\n", strerror(errno));
		reboot(RB_AUTOBOOT);
		return 0;
	}
	memset(sh, 0, sizeof(*sh));
	pthread_attr_init(&small_stack);
	pthread_attr_setstacksize(&small_stack, 128 * 1024);
	rnd_seed();

	if (cmdline_long("stress.selftests=", 0) == 1)
		run_selftests();

	secs = cmdline_long("stress.secs=", 60);
	if (secs < 0)
		secs = 0;

	/* Counter files for the helpers (which never create them). */
	close(open("/tmp/umh", O_WRONLY | O_CREAT | O_TRUNC, 0600));
	close(open("/tmp/modprobe", O_WRONLY | O_CREAT | O_TRUNC, 0600));
	close(open(HOTPLUG_LOCK, O_WRONLY | O_CREAT, 0600));

	if (write_file("/proc/sys/kernel/core_pattern", "|/init core"))
		printf("STRESS: cannot set core_pattern: %s\n", strerror(errno));
	modprobe = !access("/proc/sys/kernel/modprobe", F_OK);
	if (modprobe && write_file("/proc/sys/kernel/modprobe", "/init")) {
		printf("STRESS: cannot set modprobe: %s\n", strerror(errno));
		modprobe = 0;
	}
	find_hotplug_cpus();
	hotplug = ncpus_hotplug > 0;
	kunit = !access(KUNIT_DIR "/run", W_OK);
	thp = !thp_setup();

	mb = syscall(__NR_membarrier, MEMBARRIER_CMD_QUERY, 0, 0);
	membarrier = mb >= 0;
	if (membarrier) {
		sh->mb_cmds = mb & MB_ALL;
		for (i = 1; i <= MB_ALL; i <<= 1)
			if ((MB_ALL & i) && !(mb & i))
				printf("STRESS: membarrier: command %d not supported, not used\n", i);
	} else {
		printf("STRESS: no membarrier(): %s\n", strerror(errno));
	}

	printf("STRESS: start, %ld s on %ld CPUs: modprobe=%d hotplug_cpus=%d kunit=%d thp=%ld membarrier=%#x\n",
	       secs, sysconf(_SC_NPROCESSORS_ONLN), modprobe, ncpus_hotplug, kunit,
	       thp ? thp_size : 0, membarrier ? mb : 0);

	start = now();
	end = start + secs;
	next = start + 10;
	for (i = 0; i < NWORKERS; i++) {
		struct worker *w = &workers[i];
		pid_t pid;

		if ((w->fn == hotplug_worker && !hotplug) || (w->fn == kunit_worker && !kunit) ||
		    (w->fn == thp_worker && !thp) || (w->fn == membarrier_worker && !membarrier))
			continue;
		pid = fork();
		if (pid < 0) {
			printf("STRESS: cannot start worker %s: %s\n", w->name, strerror(errno));
			add(&sh->bad_exits, 1);
			continue;
		}
		if (!pid) {
			setpgid(0, 0);
			rnd_seed();
			w->fn();
			_exit(0);
		}
		setpgid(pid, pid);
		w->pid = pid;
		w->live = 1;
	}

	while (now() < end) {
		reap_some(0);
		if (now() >= next) {
			print_counts("t", (long)(now() - start + 0.5), "");
			next += 10;
		}
		sleep_us(100000);
	}

	/* Stop, then kill what has not stopped, then reap everything. */
	__atomic_store_n(&sh->stop, 1, __ATOMIC_RELAXED);
	end = now() + STOP_GRACE;
	while (live_workers() && now() < end) {
		if (!reap_some(1))
			sleep_us(20000);
	}
	for (i = 0; i < NWORKERS; i++) {
		if (!workers[i].live)
			continue;
		printf("STRESS: worker %s did not stop within %d s, killing it\n",
		       workers[i].name, STOP_GRACE);
		add(&sh->bad_exits, 1);
		workers[i].live = 0;
		kill(-workers[i].pid, SIGKILL);
		kill(workers[i].pid, SIGKILL);
	}
	end = now() + REAP_LIMIT;
	for (;;) {
		pid_t r = waitpid(-1, NULL, WNOHANG);

		if (r < 0 && errno == ECHILD)
			break;
		if (r > 0)
			continue;
		if (now() > end) {
			printf("STRESS: processes still left after %d s\n", REAP_LIMIT);
			add(&sh->bad_exits, 1);
			break;
		}
		sleep_us(20000);
	}

	/* Every CPU online again (the KUnit suite or a killed worker may have left one off). */
	for (i = 0; i < ncpus_hotplug; i++) {
		snprintf(buf, sizeof(buf), "/sys/devices/system/cpu/cpu%d/online", hotplug_cpu[i]);
		if (read_long(buf, 1) != 1 && set_online(hotplug_cpu[i], 1, 50))
			printf("STRESS: cpu%d stays offline\n", hotplug_cpu[i]);
	}

	/* The helpers count before their caller goes on; this is for stragglers. */
	sleep(1);
	if (thp) {
		full_scans = read_long(THP "/khugepaged/full_scans", -1);
		collapsed = read_long(THP "/khugepaged/pages_collapsed", -1);
	}
	snprintf(buf, sizeof(buf), " thp_full_scans=%ld thp_collapsed=%ld", full_scans, collapsed);
	print_counts("done secs", secs, buf);
	sync();
	reboot(cmdline_long("stress.poweroff=", 0) == 1 ? RB_POWER_OFF : RB_AUTOBOOT);
	return 0;
}
