// The floor for a cache hit at a run's own size: a plain C open-addressing
// table holding the same number of entries, with the same key bytes, as a
// `run` point, probed in the stream's order. Like ../shared/tools/floor.c
// (hash 8 bytes at a time, probe, compare once), but its keys and order come
// from a trace that `preflight-bench trace --format csv` wrote of the scenario.
//
// Usage: same-size-floor TRACE.csv CAPACITY
//   The first CAPACITY distinct keys of the trace are inserted (as a full
//   cache holds CAPACITY of them); the requests for them, in trace order,
//   are the hit stream, timed in five passes. Prints the best pass's ns per
//   hit, then (on stderr) entries, hits and the table's bytes.
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct { uint64_t h; uint32_t len; int decision; char key[112]; } Slot; // 128 bytes, as a record
static inline uint64_t mix(uint64_t a, uint64_t b) { __uint128_t r = (__uint128_t)a * b; return (uint64_t)r ^ (uint64_t)(r >> 64); }
static inline uint64_t hashb(const char *p, size_t n) {
  uint64_t h = 0x9E3779B97F4A7C15ull ^ n; size_t i = 0;
  for (; i + 8 <= n; i += 8) { uint64_t w; memcpy(&w, p + i, 8); h = mix(h ^ w, 0xa0761d6478bd642full); }
  uint64_t w = 0; memcpy(&w, p + i, n - i); return mix(h ^ w, 0xe7037ed1a0b428dbull);
}
// One CSV field from *p (quoted or not); returns its length, copied to out.
static size_t field(char **p, char *out, size_t cap) {
  char *s = *p; size_t n = 0;
  if (*s == '"') { s++; while (*s && *s != '"') { if (n < cap) out[n++] = *s; s++; } if (*s == '"') s++; }
  else { while (*s && *s != ',' && *s != '\n') { if (n < cap) out[n++] = *s; s++; } }
  if (*s == ',') s++;
  *p = s; return n;
}
int main(int argc, char **argv) {
  if (argc != 3) { fprintf(stderr, "usage: %s TRACE.csv CAPACITY\n", argv[0]); return 2; }
  FILE *f = fopen(argv[1], "r"); if (!f) { perror(argv[1]); return 1; }
  long capacity = atol(argv[2]); if (capacity < 1) { fprintf(stderr, "CAPACITY must be at least 1\n"); return 2; }
  size_t tbl = 1; while (tbl < (size_t)capacity * 2) tbl <<= 1; // load at most 1/2
  Slot *table = calloc(tbl, sizeof(Slot));
  size_t cap = 1 << 20, n = 0; char *stream = malloc(cap * 112); uint32_t *lens = malloc(cap * 4);
  char line[4096], key[112]; long entries = 0;
  if (!fgets(line, sizeof line, f)) { fprintf(stderr, "%s: empty\n", argv[1]); return 1; }
  while (fgets(line, sizeof line, f)) {
    char *p = line, skip[256]; size_t k = 0;
    field(&p, skip, sizeof skip);                              // time
    k += field(&p, key + k, 112 - k); if (k < 112) key[k++] = '\n'; // origin
    k += field(&p, key + k, 112 - k); if (k < 112) key[k++] = '\n'; // method
    k += field(&p, key + k, 112 - k);                          // headers
    uint64_t h = hashb(key, k); size_t s = h & (tbl - 1); int found = 0;
    while (table[s].len) { if (table[s].h == h && table[s].len == k && !memcmp(table[s].key, key, k)) { found = 1; break; } s = (s + 1) & (tbl - 1); }
    if (!found) {
      if (entries >= capacity) continue; // not cached: not part of the hit stream
      table[s].h = h; table[s].len = (uint32_t)k; memcpy(table[s].key, key, k); table[s].decision = (int)entries++;
    }
    if (n == cap) { cap *= 2; stream = realloc(stream, cap * 112); lens = realloc(lens, cap * 4); }
    memcpy(stream + n * 112, key, k); lens[n++] = (uint32_t)k;
  }
  fclose(f);
  double best = 1e18; long sum = 0;
  for (int rep = 0; rep < 5; rep++) {
    struct timespec a, b; clock_gettime(CLOCK_MONOTONIC, &a);
    for (size_t i = 0; i < n; i++) {
      const char *k = stream + i * 112; uint32_t len = lens[i]; uint64_t h = hashb(k, len); size_t s = h & (tbl - 1);
      for (;;) { Slot *sl = &table[s]; if (sl->h == h && sl->len == len && memcmp(sl->key, k, len) == 0) { sum += sl->decision; break; } s = (s + 1) & (tbl - 1); }
    }
    clock_gettime(CLOCK_MONOTONIC, &b);
    double ns = ((b.tv_sec - a.tv_sec) * 1e9 + (b.tv_nsec - a.tv_nsec)) / (double)n; if (ns < best) best = ns;
  }
  printf("%.3f\n", best);
  fprintf(stderr, "entries %ld, hits timed %zu, table %zu bytes, checksum %ld\n", entries, n, tbl * sizeof(Slot), sum);
  return 0;
}
