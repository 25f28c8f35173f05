#ifndef SOUK_CODEC_BASELINE_H
#define SOUK_CODEC_BASELINE_H

#include <stddef.h>

/// Each function calls its library once, the plainest way, into a caller-sized buffer, and
/// returns the bytes written (0 on failure). They are the baseline for Souk's codec wrappers.
size_t baseline_zstd_compress(void *dst, size_t capacity, const void *src, size_t size, int level);
size_t baseline_zstd_decompress(void *dst, size_t capacity, const void *src, size_t size);
size_t baseline_snappy_compress(void *dst, size_t capacity, const void *src, size_t size);
size_t baseline_snappy_decompress(void *dst, size_t capacity, const void *src, size_t size);
size_t baseline_lz4_compress(void *dst, size_t capacity, const void *src, size_t size);
size_t baseline_lz4_decompress(void *dst, size_t capacity, const void *src, size_t size);
size_t baseline_gzip_compress(void *dst, size_t capacity, const void *src, size_t size, int level);
size_t baseline_gzip_decompress(void *dst, size_t capacity, const void *src, size_t size);

#endif
