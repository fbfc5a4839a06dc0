#ifndef PREFLIGHT_ALLOCATION_COUNTER_H
#define PREFLIGHT_ALLOCATION_COUNTER_H
#include <stdint.h>

/// Heap allocations (malloc, calloc, realloc, posix_memalign, aligned_alloc,
/// memalign) made by the calling thread so far. Reading it costs a thread-local load.
uint64_t preflight_thread_allocations(void);

/// 1 when the counting interposer is linked and active; 0 in sanitizer builds,
/// where the sanitizer owns malloc and allocations cannot be counted this way.
int preflight_allocation_counting_active(void);

/// 1 when jemalloc is the allocator behind the interposer (preloaded).
int preflight_jemalloc_loaded(void);

/// jemalloc's `stats.allocated` (bytes in live allocations) after refreshing its
/// statistics epoch, or -1 without jemalloc.
int64_t preflight_jemalloc_allocated_bytes(void);

/// Bytes in live heap allocations of the whole process: jemalloc's
/// `stats.allocated` when jemalloc is the allocator, else glibc's `mallinfo2`
/// (arena bytes in use plus mmapped chunks); -1 when neither can say.
int64_t preflight_heap_bytes(void);

#endif
