// SPDX-License-Identifier: GPL-2.0
/*
 * lazymm-hp guest smoke: a static /init that stresses the lazy TLB mm paths
 * for a short time and reboots.
 *
 * - threaded children whose threads sleep and wake (their CPUs go lazy on the
 *   process's mm through idle) and then leave through exit_group() from a
 *   thread while the others still run;
 * - fork + execve of this binary;
 * - exec from a kernel thread: a child crashes and the kernel's usermode
 *   helper runs this binary as the core_pattern pipe (kernel_execve() from a
 *   kworker, exec_mmap() with no old mm);
 * - the kernel itself exec'd this /init from a kernel thread at boot.
 *
 * Kernel command line: smoke.secs=N (default 10). Prints one result line,
 * "SMOKE: done ...", then reboots (run qemu with -no-reboot).
 *
 * With smoke.exits=N it instead measures process exits: N times, a process
 * starts one thread bound to each CPU, each thread sleeps so that its CPU
 * goes idle (lazy on the process's mm) and exits, then the process exits.
 * It prints the sum over CPUs of every /proc/interrupts row before and after
 * ("IRQSUM before|after <row> <count>") and "EXITS: done n=N".
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
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

static long cmdline_long(const char *key, long def)
{
	char buf[4096], *p;
	int fd = open("/proc/cmdline", O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return def;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return def;
	buf[n] = 0;
	p = strstr(buf, key);
	return p ? strtol(p + strlen(key), NULL, 10) : def;
}

static void *sleeper(void *arg)
{
	struct timespec ts = { 0, 200 * 1000 };
	long i;

	(void)arg;
	for (i = 0; i < 20; i++) {
		nanosleep(&ts, NULL);	/* this CPU goes idle: lazy on our mm */
		sched_yield();
	}
	return NULL;
}

/* A process with threads that leaves abruptly through exit_group(). */
static void threaded_child(void)
{
	pthread_t t[4];
	struct timespec ts = { 0, 1000 * 1000 };
	int i;

	for (i = 0; i < 4; i++)
		if (pthread_create(&t[i], NULL, sleeper, NULL))
			_exit(2);
	nanosleep(&ts, NULL);
	_exit(0);	/* exit_group() while the threads still run */
}

static void *lazy_thread(void *arg)
{
	struct timespec ts = { 0, 2 * 1000 * 1000 };
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET((long)arg, &set);
	sched_setaffinity(0, sizeof(set), &set);
	nanosleep(&ts, NULL);	/* the CPU idles, lazily on our mm */
	return NULL;
}

/* One process whose mm is left lazily on every CPU, then exits. */
static void exit_child(long ncpus)
{
	pthread_t t[64];
	long i;

	if (ncpus > 64)
		ncpus = 64;
	for (i = 0; i < ncpus; i++)
		pthread_create(&t[i], NULL, lazy_thread, (void *)i);
	for (i = 0; i < ncpus; i++)
		pthread_join(t[i], NULL);
	_exit(0);
}

/* Sum every /proc/interrupts row over the CPUs. */
static void irq_sums(const char *tag)
{
	FILE *f = fopen("/proc/interrupts", "r");
	char line[4096];

	if (!f)
		return;
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
		/* Numbered rows: name them by their action, the last word. */
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

static int wait_ok(pid_t pid)
{
	int st;

	if (pid < 0 || waitpid(pid, &st, 0) != pid)
		return 0;
	return WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

int main(int argc, char **argv)
{
	long secs, forks = 0, threads = 0, execs = 0, crashes = 0, umh = 0, bad = 0;
	char buf[64];
	double end;

	if (argc > 1 && !strcmp(argv[1], "exec-child"))
		return 0;
	if (argc > 1 && !strcmp(argv[1], "core")) {
		/* The usermode helper: swallow the core and count ourselves. */
		int fd = open("/tmp/umh", O_WRONLY | O_CREAT | O_APPEND, 0600);

		while (read(0, buf, sizeof(buf)) > 0)
			;
		if (fd >= 0) {
			write(fd, "x", 1);
			close(fd);
		}
		return 0;
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
	setvbuf(stdout, NULL, _IONBF, 0);

	secs = cmdline_long("smoke.secs=", 10);
	if (cmdline_long("smoke.exits=", 0) > 0) {
		long n = cmdline_long("smoke.exits=", 0), ncpus = sysconf(_SC_NPROCESSORS_ONLN), i;

		irq_sums("before");
		for (i = 0; i < n; i++) {
			pid_t pid = fork();

			if (!pid)
				exit_child(ncpus);
			bad += !wait_ok(pid);
		}
		irq_sums("after");
		printf("EXITS: done n=%ld cpus=%ld bad_exits=%ld\n", n, ncpus, bad);
		sync();
		reboot(RB_AUTOBOOT);
		return 0;
	}
	if (write_file("/proc/sys/kernel/core_pattern", "|/init core"))
		printf("SMOKE: cannot set core_pattern: %s\n", strerror(errno));
	printf("SMOKE: start, %ld s on %ld CPUs\n", secs, sysconf(_SC_NPROCESSORS_ONLN));

	end = now() + secs;
	while (now() < end) {
		pid_t pid[4];
		int i;

		for (i = 0; i < 4; i++) {
			pid[i] = fork();
			if (!pid[i])
				threaded_child();
		}
		for (i = 0; i < 4; i++) {
			forks++;
			threads += 4;
			bad += !wait_ok(pid[i]);
		}

		pid[0] = fork();
		if (!pid[0]) {
			execl("/init", "/init", "exec-child", (char *)NULL);
			_exit(3);
		}
		forks++;
		execs++;
		bad += !wait_ok(pid[0]);

		if (crashes < secs * 4) {
			pid[0] = fork();
			if (!pid[0]) {
				struct rlimit rl = { RLIM_INFINITY, RLIM_INFINITY };

				setrlimit(RLIMIT_CORE, &rl);
				raise(SIGSEGV);
				_exit(4);
			}
			forks++;
			crashes++;
			waitpid(pid[0], NULL, 0);
		}
	}

	/* Let the last usermode helpers finish. */
	sleep(1);
	{
		struct stat st;

		if (!stat("/tmp/umh", &st))
			umh = st.st_size;
	}
	printf("SMOKE: done forks=%ld threads=%ld execs=%ld crashes=%ld umh_execs=%ld bad_exits=%ld\n",
	       forks, threads, execs, crashes, umh, bad);
	sync();
	reboot(RB_AUTOBOOT);
	return 0;
}
