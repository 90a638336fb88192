/* The cost of the files alone: open, one read and close of every path given on stdin, single
 * threaded, 5 passes, each timed. It is the floor under a warm `list -m all`, which must read the
 * same go.mod and .info files (README "Module graph").
 *
 * A module cache primed for the bench's universe (the README's gen_universe.py command):
 *
 *   mkdir /tmp/floor && cp -r /tmp/gx/big3000/main /tmp/gx/big3000/local /tmp/floor/ &&
 *   (cd /tmp/floor/main && GOMODCACHE=/tmp/floor-mc GOPROXY=file:///tmp/gx/big3000/proxy \
 *     GOFLAGS=-mod=mod GOSUMDB=off GOWORK=off go list -m all >/dev/null)
 *
 * then, with GOMODCACHE=/tmp/floor-mc:
 *
 *   cc -O2 -o /tmp/read-floor scripts/read-floor.c
 *   find "$GOMODCACHE/cache/download" -name '*.mod' -o -name '*.info' | /tmp/read-floor
 *
 * The first pass also pays for cold directory caches; the later ones are the warm floor. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

int main(void) {
  size_t n = 0, cap = 1024;
  char **paths = malloc(cap * sizeof *paths);
  char line[4096];
  while (paths && fgets(line, sizeof line, stdin)) {
    line[strcspn(line, "\n")] = 0;
    if (n == cap) {
      cap *= 2;
      char **grown = realloc(paths, cap * sizeof *paths);
      if (!grown) break;
      paths = grown;
    }
    paths[n++] = strdup(line);
  }
  if (!paths || n == 0) {
    fprintf(stderr, "read-floor: no paths on stdin\n");
    return 2;
  }
  static char buf[1 << 16];
  for (int pass = 0; pass < 5; pass++) {
    struct timespec a, b;
    long bytes = 0, failed = 0;
    clock_gettime(CLOCK_MONOTONIC, &a);
    for (size_t i = 0; i < n; i++) {
      int fd = open(paths[i], O_RDONLY);
      if (fd < 0) { failed++; continue; }
      ssize_t k = read(fd, buf, sizeof buf);
      if (k > 0) bytes += k;
      close(fd);
    }
    clock_gettime(CLOCK_MONOTONIC, &b);
    double ms = (b.tv_sec - a.tv_sec) * 1e3 + (b.tv_nsec - a.tv_nsec) / 1e6;
    printf("pass %d: %zu files (%ld failed), %ld bytes, %.1f ms, %.2f us a file\n", pass + 1, n, failed,
           bytes, ms, ms * 1e3 / n);
  }
  return 0;
}
