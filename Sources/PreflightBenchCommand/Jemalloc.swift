import AllocationCounter

/// Whether jemalloc is this process's allocator (the interposer asks it).
enum Jemalloc {
    static var isLoaded: Bool { preflight_jemalloc_loaded() != 0 }
}
