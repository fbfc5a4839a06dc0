// Counts heap allocations per thread by defining the malloc family in the
// executable, which the dynamic linker binds every library's calls to, and
// forwarding to the next definition in load order: jemalloc when it is
// preloaded, glibc otherwise. Per-thread counters: no shared cache line is
// written on the hot path, so counting does not distort the multi-worker
// measurements it serves.
#define _GNU_SOURCE
#include "AllocationCounter.h"
#include <dlfcn.h>
#include <malloc.h>
#include <errno.h>
#include <stddef.h>
#include <string.h>

#if defined(__has_feature)
#  if __has_feature(thread_sanitizer) || __has_feature(address_sanitizer) || __has_feature(memory_sanitizer)
#    define PREFLIGHT_NO_INTERPOSER 1
#  endif
#endif
#if defined(__SANITIZE_THREAD__) || defined(__SANITIZE_ADDRESS__)
#  define PREFLIGHT_NO_INTERPOSER 1
#endif

#if defined(__linux__) && defined(__GLIBC__) && !defined(PREFLIGHT_NO_INTERPOSER)

static __thread uint64_t allocations __attribute__((tls_model("initial-exec")));

static void *(*next_malloc)(size_t);
static void *(*next_calloc)(size_t, size_t);
static void *(*next_realloc)(void *, size_t);
static void (*next_free)(void *);
static void *(*next_memalign)(size_t, size_t);
static int (*next_posix_memalign)(void **, size_t, size_t);
static void *(*next_aligned_alloc)(size_t, size_t);
static int (*jemalloc_mallctl)(const char *, void *, size_t *, void *, size_t);

// dlsym allocates while it resolves; those few requests come from here.
static char bootstrap[8192] __attribute__((aligned(64)));
static size_t bootstrap_used;
static int resolving;

static void *bootstrap_alloc(size_t size) {
    size = (size + 63) & ~(size_t)63;
    if (bootstrap_used + size > sizeof bootstrap) return NULL;
    void *p = bootstrap + bootstrap_used;
    bootstrap_used += size;
    return p;
}

static int is_bootstrap(void *p) {
    return (char *)p >= bootstrap && (char *)p < bootstrap + sizeof bootstrap;
}

static void resolve(void) {
    if (next_malloc || resolving) return;
    resolving = 1;
    next_calloc = dlsym(RTLD_NEXT, "calloc");
    next_realloc = dlsym(RTLD_NEXT, "realloc");
    next_free = dlsym(RTLD_NEXT, "free");
    next_memalign = dlsym(RTLD_NEXT, "memalign");
    next_posix_memalign = dlsym(RTLD_NEXT, "posix_memalign");
    next_aligned_alloc = dlsym(RTLD_NEXT, "aligned_alloc");
    jemalloc_mallctl = dlsym(RTLD_NEXT, "mallctl");
    next_malloc = dlsym(RTLD_NEXT, "malloc");
    resolving = 0;
}

__attribute__((constructor)) static void preflight_resolve_early(void) { resolve(); }

void *malloc(size_t size) {
    allocations++;
    if (!next_malloc) { if (resolving) return bootstrap_alloc(size); resolve(); }
    return next_malloc(size);
}

void *calloc(size_t count, size_t size) {
    allocations++;
    if (!next_calloc) {
        if (resolving) { void *p = bootstrap_alloc(count * size); if (p) memset(p, 0, count * size); return p; }
        resolve();
    }
    return next_calloc(count, size);
}

void *realloc(void *pointer, size_t size) {
    allocations++;
    if (!next_realloc) resolve();
    if (is_bootstrap(pointer)) {
        void *p = next_malloc(size);
        if (p) memcpy(p, pointer, size);
        return p;
    }
    return next_realloc(pointer, size);
}

void free(void *pointer) {
    if (pointer == NULL || is_bootstrap(pointer)) return;
    if (!next_free) resolve();
    next_free(pointer);
}

void *memalign(size_t alignment, size_t size) {
    allocations++;
    if (!next_memalign) resolve();
    return next_memalign(alignment, size);
}

void *aligned_alloc(size_t alignment, size_t size) {
    allocations++;
    if (!next_aligned_alloc) resolve();
    return next_aligned_alloc(alignment, size);
}

int posix_memalign(void **out, size_t alignment, size_t size) {
    allocations++;
    if (!next_posix_memalign) resolve();
    return next_posix_memalign(out, alignment, size);
}

uint64_t preflight_thread_allocations(void) { return allocations; }
int preflight_allocation_counting_active(void) { return 1; }
int preflight_jemalloc_loaded(void) { resolve(); return jemalloc_mallctl != NULL; }

int64_t preflight_jemalloc_allocated_bytes(void) {
    resolve();
    if (!jemalloc_mallctl) return -1;
    uint64_t epoch = 1;
    size_t size = sizeof epoch;
    jemalloc_mallctl("epoch", &epoch, &size, &epoch, size);
    size_t allocated = 0;
    size = sizeof allocated;
    if (jemalloc_mallctl("stats.allocated", &allocated, &size, NULL, 0) != 0) return -1;
    return (int64_t)allocated;
}

int64_t preflight_heap_bytes(void) {
    int64_t jemalloc = preflight_jemalloc_allocated_bytes();
    if (jemalloc >= 0) return jemalloc;
    struct mallinfo2 info = mallinfo2();
    return (int64_t)(info.uordblks + info.hblkhd);
}

#else

int64_t preflight_heap_bytes(void) { return -1; }
uint64_t preflight_thread_allocations(void) { return 0; }
int preflight_allocation_counting_active(void) { return 0; }
int preflight_jemalloc_loaded(void) { return 0; }
int64_t preflight_jemalloc_allocated_bytes(void) { return -1; }

#endif
