#ifndef SOUK_CALLOCATOR_H
#define SOUK_CALLOCATOR_H

/// Asks glibc's malloc to keep freed memory for reuse: blocks up to `mmap_threshold` bytes come from
/// the heap instead of fresh mappings, and the heap top is trimmed only past `trim_threshold`.
/// Returns 1 when applied, 0 where the allocator is not glibc's.
int souk_allocator_retain(int mmap_threshold, int trim_threshold);

/// Starts loading the cache line at `address` (a hint: no fault, no effect on results), so that a
/// batch of random reads overlaps its cache misses.
static inline void souk_prefetch(const void *address) { __builtin_prefetch(address); }

#endif
