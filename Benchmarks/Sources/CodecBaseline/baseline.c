#include "CodecBaseline.h"

#include <lz4frame.h>
#include <snappy-c.h>
#include <string.h>
#include <zlib.h>
#include <zstd.h>

size_t baseline_zstd_compress(void *dst, size_t capacity, const void *src, size_t size, int level) {
    size_t written = ZSTD_compress(dst, capacity, src, size, level);
    return ZSTD_isError(written) ? 0 : written;
}

size_t baseline_zstd_decompress(void *dst, size_t capacity, const void *src, size_t size) {
    size_t written = ZSTD_decompress(dst, capacity, src, size);
    return ZSTD_isError(written) ? 0 : written;
}

size_t baseline_snappy_compress(void *dst, size_t capacity, const void *src, size_t size) {
    size_t length = capacity;
    return snappy_compress(src, size, dst, &length) == SNAPPY_OK ? length : 0;
}

size_t baseline_snappy_decompress(void *dst, size_t capacity, const void *src, size_t size) {
    size_t length = capacity;
    return snappy_uncompress(src, size, dst, &length) == SNAPPY_OK ? length : 0;
}

size_t baseline_lz4_compress(void *dst, size_t capacity, const void *src, size_t size) {
    LZ4F_preferences_t preferences;
    memset(&preferences, 0, sizeof preferences);
    preferences.frameInfo.blockSizeID = LZ4F_max64KB;
    preferences.frameInfo.blockMode = LZ4F_blockIndependent;
    size_t written = LZ4F_compressFrame(dst, capacity, src, size, &preferences);
    return LZ4F_isError(written) ? 0 : written;
}

size_t baseline_lz4_decompress(void *dst, size_t capacity, const void *src, size_t size) {
    LZ4F_dctx *context;
    if (LZ4F_isError(LZ4F_createDecompressionContext(&context, LZ4F_VERSION))) return 0;
    size_t out = capacity, in = size;
    size_t result = LZ4F_decompress(context, dst, &out, src, &in, NULL);
    LZ4F_freeDecompressionContext(context);
    return LZ4F_isError(result) ? 0 : out;
}

size_t baseline_gzip_compress(void *dst, size_t capacity, const void *src, size_t size, int level) {
    z_stream stream;
    memset(&stream, 0, sizeof stream);
    if (deflateInit2(&stream, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) return 0;
    stream.next_in = (Bytef *)src;
    stream.avail_in = (uInt)size;
    stream.next_out = dst;
    stream.avail_out = (uInt)capacity;
    int result = deflate(&stream, Z_FINISH);
    size_t written = stream.total_out;
    deflateEnd(&stream);
    return result == Z_STREAM_END ? written : 0;
}

size_t baseline_gzip_decompress(void *dst, size_t capacity, const void *src, size_t size) {
    z_stream stream;
    memset(&stream, 0, sizeof stream);
    if (inflateInit2(&stream, 15 + 32) != Z_OK) return 0;
    stream.next_in = (Bytef *)src;
    stream.avail_in = (uInt)size;
    stream.next_out = dst;
    stream.avail_out = (uInt)capacity;
    int result = inflate(&stream, Z_FINISH);
    size_t written = stream.total_out;
    inflateEnd(&stream);
    return result == Z_STREAM_END ? written : 0;
}
