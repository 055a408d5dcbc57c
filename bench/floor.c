/* The benchmark's floor: the least a supervisor can do.
 *
 *   floor [-k SECONDS] [-w] N PROGRAM [ARGS...]
 *
 * fork/execs N copies of PROGRAM, reaps each one that exits and starts it
 * again at once, and on SIGTERM (or SIGINT) forwards SIGTERM to every child,
 * waits up to SECONDS (default 10, like stopwaitsecs), SIGKILLs what is
 * left, reaps everything and exits 0. A second SIGTERM kills at once.
 * All signals are taken synchronously with sigwaitinfo(): no handler, no
 * race between a check and a blocking wait, no timer while nothing is due.
 * Children get PR_SET_PDEATHSIG so a killed floor leaves nothing behind.
 * -w (an experiment, not the floor): wait after each fork until the child
 * has exec'd (EOF on a close-on-exec pipe), as a spawn that reports exec
 * errors synchronously must.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

static pid_t* pids;
static int count;
static int running;
static char** program;
static sigset_t handled;
static int wait_exec;

static void noop(int sig) { (void)sig; }

static pid_t start_one(void)
{
    int report[2] = {-1, -1};
    if (wait_exec && pipe2(report, O_CLOEXEC) != 0)
        perror("floor: pipe2");
    pid_t const pid = fork();
    if (pid == 0) {
        sigset_t none;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, NULL);
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        execvp(program[0], program);
        perror("floor: exec");
        _exit(127);
    }
    if (pid < 0)
        perror("floor: fork");
    if (wait_exec) {
        char c;
        close(report[1]);
        while (read(report[0], &c, 1) < 0 && errno == EINTR) {
        }
        close(report[0]);
    }
    return pid;
}

static void signal_all(int sig)
{
    for (int i = 0; i < count; ++i)
        if (pids[i] > 0)
            kill(pids[i], sig);
}

int main(int argc, char** argv)
{
    double kill_after = 10;
    int arg = 1;
    for (;;) {
        if (arg + 1 < argc && strcmp(argv[arg], "-k") == 0) {
            kill_after = atof(argv[arg + 1]);
            arg += 2;
        } else if (arg < argc && strcmp(argv[arg], "-w") == 0) {
            wait_exec = 1;
            arg += 1;
        } else {
            break;
        }
    }
    if (argc - arg < 2) {
        fprintf(stderr, "usage: floor [-k SECONDS] [-w] N PROGRAM [ARGS...]\n");
        return 2;
    }
    count = atoi(argv[arg]);
    program = argv + arg + 1;
    pids = calloc((size_t)count, sizeof *pids);

    /* SIGCHLD's default action is to ignore it; a handler makes sure it is queued. */
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = noop;
    sigaction(SIGCHLD, &sa, NULL);
    sigemptyset(&handled);
    sigaddset(&handled, SIGCHLD);
    sigaddset(&handled, SIGTERM);
    sigaddset(&handled, SIGINT);
    sigaddset(&handled, SIGALRM);
    sigprocmask(SIG_BLOCK, &handled, NULL);

    for (int i = 0; i < count; ++i)
        if ((pids[i] = start_one()) > 0)
            ++running;

    int stopping = 0;
    while (!stopping || running > 0) {
        siginfo_t info;
        int const sig = sigwaitinfo(&handled, &info);
        if (sig < 0)
            continue; /* EINTR */
        if (sig == SIGCHLD) {
            int status;
            pid_t pid;
            while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
                for (int i = 0; i < count; ++i) {
                    if (pids[i] != pid)
                        continue;
                    pids[i] = stopping ? 0 : start_one();
                    if (pids[i] <= 0)
                        --running;
                    break;
                }
            }
        } else if (sig == SIGALRM || stopping) {
            signal_all(SIGKILL); /* the stop timeout, or a second stop request */
        } else {
            stopping = 1;
            signal_all(SIGTERM);
            if (kill_after > 0) {
                struct itimerval t;
                memset(&t, 0, sizeof t);
                t.it_value.tv_sec = (time_t)kill_after;
                t.it_value.tv_usec = (suseconds_t)((kill_after - (double)(time_t)kill_after) * 1e6);
                setitimer(ITIMER_REAL, &t, NULL);
            }
        }
    }
    return 0;
}
