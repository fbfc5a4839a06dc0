// Counts heap allocations per thread by defining the malloc family in the
// executable, which the dynamic linker then binds every library's calls to,
// and forwarding to glibc's implementation. Per-thread counters: no shared
// cache line is written on the hot path, so counting does not distort the
// multi-worker measurements it serves.
#include "AllocationCounter.h"
#include <errno.h>
#include <stddef.h>

#if defined(__has_feature)
#  if __has_feature(thread_sanitizer) || __has_feature(address_sanitizer) || __has_feature(memory_sanitizer)
#    define PREFLIGHT_NO_INTERPOSER 1
#  endif
#endif
#if defined(__SANITIZE_THREAD__) || defined(__SANITIZE_ADDRESS__)
#  define PREFLIGHT_NO_INTERPOSER 1
#endif

#if defined(__linux__) && defined(__GLIBC__) && !defined(PREFLIGHT_NO_INTERPOSER)

extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void __libc_free(void *);
extern void *__libc_memalign(size_t, size_t);

static __thread uint64_t allocations __attribute__((tls_model("initial-exec")));

void *malloc(size_t size) { allocations++; return __libc_malloc(size); }
void *calloc(size_t count, size_t size) { allocations++; return __libc_calloc(count, size); }
void *realloc(void *pointer, size_t size) { allocations++; return __libc_realloc(pointer, size); }
void free(void *pointer) { __libc_free(pointer); }
void *memalign(size_t alignment, size_t size) { allocations++; return __libc_memalign(alignment, size); }
void *aligned_alloc(size_t alignment, size_t size) { allocations++; return __libc_memalign(alignment, size); }
int posix_memalign(void **out, size_t alignment, size_t size) {
    allocations++;
    if (alignment < sizeof(void *) || (alignment & (alignment - 1)) != 0) return EINVAL;
    void *pointer = __libc_memalign(alignment, size);
    if (pointer == NULL) return ENOMEM;
    *out = pointer;
    return 0;
}

uint64_t preflight_thread_allocations(void) { return allocations; }
int preflight_allocation_counting_active(void) { return 1; }

#else

uint64_t preflight_thread_allocations(void) { return 0; }
int preflight_allocation_counting_active(void) { return 0; }

#endif
