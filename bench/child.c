/* The benchmark's child program.
 *
 *   child RECORD_FILE [--ignore-term] [--flood BYTES]
 *
 * On start it appends "<pid> <CLOCK_MONOTONIC ns>\n" to RECORD_FILE in one
 * O_APPEND write (atomic between concurrent children), so the driver knows
 * when each child was up by the child's own clock, not by polling.
 * Then, by default, it sleeps until SIGTERM and exits 0 at once; with
 * --ignore-term it ignores SIGTERM (only SIGKILL ends it); with --flood it
 * writes BYTES bytes to stdout in 64 KiB writes and exits 0.
 * RECORD_FILE "-" records nothing.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static void record(char const* path)
{
    if (strcmp(path, "-") == 0)
        return;
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    char line[64];
    int const len = snprintf(line, sizeof line, "%ld %lld\n", (long)getpid(),
                             (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec);
    int const fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0 || write(fd, line, (size_t)len) != len) {
        perror("child: record");
        _exit(111);
    }
    close(fd);
}

static int flood(long long total)
{
    static char chunk[65536];
    memset(chunk, 'x', sizeof chunk);
    for (size_t i = 79; i < sizeof chunk; i += 80)
        chunk[i] = '\n';
    while (total > 0) {
        size_t const want = total < (long long)sizeof chunk ? (size_t)total : sizeof chunk;
        ssize_t const n = write(1, chunk, want);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            perror("child: write");
            return 1;
        }
        total -= n;
    }
    return 0;
}

int main(int argc, char** argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: child RECORD_FILE [--ignore-term] [--flood BYTES]\n");
        return 2;
    }
    int ignore_term = 0;
    long long flood_bytes = -1;
    for (int i = 2; i < argc; ++i) {
        if (strcmp(argv[i], "--ignore-term") == 0)
            ignore_term = 1;
        else if (strcmp(argv[i], "--flood") == 0 && i + 1 < argc)
            flood_bytes = atoll(argv[++i]);
        else {
            fprintf(stderr, "child: unknown argument '%s'\n", argv[i]);
            return 2;
        }
    }
    /* Dispositions first, so a TERM sent right after the record is handled as asked. */
    signal(SIGTERM, ignore_term ? SIG_IGN : SIG_DFL);
    record(argv[1]);
    if (flood_bytes >= 0)
        return flood(flood_bytes);
    for (;;)
        pause(); /* SIGTERM (default action) or SIGKILL ends us */
}
