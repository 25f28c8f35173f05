#include "CAllocator.h"

#include <stdlib.h>  // defines __GLIBC__ on glibc systems

#if defined(__GLIBC__)
#include <malloc.h>

int souk_allocator_retain(int mmap_threshold, int trim_threshold) {
    // The top pad grows the heap in large steps, so repeated big allocations do not each move `brk`.
    return mallopt(M_MMAP_THRESHOLD, mmap_threshold) == 1 && mallopt(M_TRIM_THRESHOLD, trim_threshold) == 1
        && mallopt(M_TOP_PAD, trim_threshold / 4) == 1;
}
#else
int souk_allocator_retain(int mmap_threshold, int trim_threshold) {
    (void)mmap_threshold;
    (void)trim_threshold;
    return 0;
}
#endif
