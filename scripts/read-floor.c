/* The cost of the files alone: open, one read and close of every path given on stdin, the way a
 * warm `list -m all` reads the same go.mod and .info files (README "Module graph"), on 1 or more
 * threads, 9 passes, each timed (wall and CPU time of the whole process).
 *
 *   read-floor THREADS [ROOT]
 *
 * THREADS threads split the list the same way every time: thread k takes files k, k + THREADS,
 * k + 2*THREADS, ... (so 1 and 2 threads read the same files, and two threads get equal shares of
 * go.mod and .info files). With ROOT, every path must start with ROOT/ and is opened relative to a
 * descriptor of ROOT kept open, as modscope opens module cache files; without it, by its whole
 * path. Each file gets one read into a 64 KiB buffer.
 *
 * A module cache primed for the bench's universe (the README's gen_universe.py command):
 *
 *   mkdir /tmp/floor && cp -r /tmp/gx/big3000/main /tmp/gx/big3000/local /tmp/floor/ &&
 *   (cd /tmp/floor/main && GOMODCACHE=/tmp/floor-mc GOPROXY=file:///tmp/gx/big3000/proxy \
 *     GOFLAGS=-mod=mod GOSUMDB=off GOWORK=off go list -m all >/dev/null)
 *
 * then:
 *
 *   cc -O2 -pthread -o /tmp/read-floor scripts/read-floor.c
 *   D=/tmp/floor-mc/cache/download
 *   find $D -name '*.mod' -o -name '*.info' | sort > /tmp/floor-files.txt
 *   /tmp/read-floor 1 $D < /tmp/floor-files.txt
 *   /tmp/read-floor 2 $D < /tmp/floor-files.txt
 *
 * The first pass also pays for cold directory caches; the later ones are the warm floor. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#define MAX_THREADS 16

static char **paths;
static size_t n;
static int nthreads;
static int root = AT_FDCWD;

struct share {
  int k;
  long bytes, failed;
};

static void *work(void *arg) {
  struct share *s = arg;
  static __thread char buf[1 << 16];
  for (size_t i = s->k; i < n; i += nthreads) {
    int fd = openat(root, paths[i], O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      s->failed++;
      continue;
    }
    ssize_t got = read(fd, buf, sizeof buf);
    if (got > 0) s->bytes += got;
    close(fd);
  }
  return NULL;
}

static double ms(struct timeval t) { return t.tv_sec * 1e3 + t.tv_usec / 1e3; }

int main(int argc, char **argv) {
  nthreads = argc > 1 ? atoi(argv[1]) : 0;
  if (nthreads < 1 || nthreads > MAX_THREADS || argc > 3) {
    fprintf(stderr, "usage: read-floor THREADS [ROOT] < paths (THREADS 1..%d)\n", MAX_THREADS);
    return 2;
  }
  const char *prefix = NULL;
  size_t plen = 0;
  if (argc == 3) {
    prefix = argv[2];
    plen = strlen(prefix);
    while (plen > 1 && prefix[plen - 1] == '/') plen--;
    root = open(prefix, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (root < 0) {
      perror(prefix);
      return 2;
    }
  }
  size_t cap = 1024;
  paths = malloc(cap * sizeof *paths);
  char line[4096];
  while (paths && fgets(line, sizeof line, stdin)) {
    line[strcspn(line, "\n")] = 0;
    const char *p = line;
    if (prefix) {
      if (strncmp(line, prefix, plen) != 0 || line[plen] != '/') {
        fprintf(stderr, "read-floor: %s is not under %s\n", line, prefix);
        return 2;
      }
      p = line + plen + 1;
    }
    if (n == cap) {
      cap *= 2;
      char **grown = realloc(paths, cap * sizeof *paths);
      if (!grown) break;
      paths = grown;
    }
    paths[n++] = strdup(p);
  }
  if (!paths || n == 0) {
    fprintf(stderr, "read-floor: no paths on stdin\n");
    return 2;
  }
  for (int pass = 0; pass < 9; pass++) {
    struct share shares[MAX_THREADS];
    pthread_t ids[MAX_THREADS];
    struct timespec a, b;
    struct rusage r0, r1;
    getrusage(RUSAGE_SELF, &r0);
    clock_gettime(CLOCK_MONOTONIC, &a);
    for (int k = 0; k < nthreads; k++) {
      shares[k] = (struct share){.k = k};
      if (nthreads == 1) {
        work(&shares[k]);
      } else if (pthread_create(&ids[k], NULL, work, &shares[k]) != 0) {
        fprintf(stderr, "read-floor: cannot start a thread\n");
        return 1;
      }
    }
    for (int k = 0; nthreads > 1 && k < nthreads; k++) pthread_join(ids[k], NULL);
    clock_gettime(CLOCK_MONOTONIC, &b);
    getrusage(RUSAGE_SELF, &r1);
    long bytes = 0, failed = 0;
    for (int k = 0; k < nthreads; k++) {
      bytes += shares[k].bytes;
      failed += shares[k].failed;
    }
    double wall = (b.tv_sec - a.tv_sec) * 1e3 + (b.tv_nsec - a.tv_nsec) / 1e6;
    double user = ms(r1.ru_utime) - ms(r0.ru_utime);
    double sys = ms(r1.ru_stime) - ms(r0.ru_stime);
    printf("pass %d, %d thread%s: %zu files (%ld failed), %ld bytes, wall %.1f ms, cpu %.1f ms "
           "(user %.1f, sys %.1f), %.2f us a file\n",
           pass + 1, nthreads, nthreads == 1 ? "" : "s", n, failed, bytes, wall, user + sys, user,
           sys, wall * 1e3 / n);
  }
  return 0;
}
