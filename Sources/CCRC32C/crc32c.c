// CRC-32C (Castagnoli) with the CPU's CRC instructions.
//
// One crc32 instruction has a latency of three cycles but a throughput of one per cycle, so a
// single dependent chain runs at a third of the hardware's speed. Long inputs are cut into three
// equal blocks processed as three independent chains, then joined: the register after A||B is
// shift(reg(A), |B|) ^ reg_from_zero(B), where shift is linear in the 32-bit register and is
// applied with four 256-entry tables built once from the instruction itself.

#include "CCRC32C.h"

#include <stdatomic.h>
#include <string.h>

#if defined(__x86_64__)
#include <cpuid.h>
#include <nmmintrin.h>
#define SOUK_CRC_TARGET __attribute__((target("sse4.2")))
#elif defined(__aarch64__)
#include <sys/auxv.h>
#ifndef HWCAP_CRC32
#define HWCAP_CRC32 (1 << 7)
#endif
#define SOUK_CRC_TARGET __attribute__((target("crc")))
#endif

#if defined(__x86_64__) || defined(__aarch64__)

enum { LONG_BLOCK = 8192, SHORT_BLOCK = 256 };

static uint32_t long_shift[4][256];
static uint32_t short_shift[4][256];
static atomic_int tables_state; // 0 none, 1 building, 2 ready

SOUK_CRC_TARGET static inline uint32_t step8(uint32_t reg, uint64_t word) {
#if defined(__x86_64__)
    return (uint32_t)_mm_crc32_u64(reg, word);
#else
    return __builtin_arm_crc32cd(reg, word);
#endif
}

SOUK_CRC_TARGET static inline uint32_t step1(uint32_t reg, uint8_t byte) {
#if defined(__x86_64__)
    return _mm_crc32_u8(reg, byte);
#else
    return __builtin_arm_crc32cb(reg, byte);
#endif
}

static inline uint64_t load64(const unsigned char *p) {
    uint64_t word;
    memcpy(&word, p, sizeof word);
    return word;
}

/// Runs the raw register (no inversions) over `length` bytes in one chain.
SOUK_CRC_TARGET static uint32_t chain(uint32_t reg, const unsigned char *p, size_t length) {
    while (length > 0 && ((uintptr_t)p & 7) != 0) {
        reg = step1(reg, *p++);
        length--;
    }
    while (length >= 8) {
        reg = step8(reg, load64(p));
        p += 8;
        length -= 8;
    }
    while (length > 0) {
        reg = step1(reg, *p++);
        length--;
    }
    return reg;
}

/// Register `reg` moved through `length` zero bytes: the linear map the tables encode.
SOUK_CRC_TARGET static uint32_t through_zeros(uint32_t reg, size_t length) {
    while (length >= 8) {
        reg = step8(reg, 0);
        length -= 8;
    }
    while (length > 0) {
        reg = step1(reg, 0);
        length--;
    }
    return reg;
}

static void build_shift(uint32_t table[4][256], size_t length) {
    uint32_t basis[32];
    for (int bit = 0; bit < 32; bit++) {
        basis[bit] = through_zeros((uint32_t)1 << bit, length);
    }
    for (int part = 0; part < 4; part++) {
        for (int byte = 0; byte < 256; byte++) {
            uint32_t value = 0;
            for (int bit = 0; bit < 8; bit++) {
                if (byte & (1 << bit)) value ^= basis[part * 8 + bit];
            }
            table[part][byte] = value;
        }
    }
}

static inline uint32_t shift(const uint32_t table[4][256], uint32_t reg) {
    return table[0][reg & 0xff] ^ table[1][(reg >> 8) & 0xff] ^ table[2][(reg >> 16) & 0xff] ^ table[3][reg >> 24];
}

static void ensure_tables(void) {
    if (atomic_load_explicit(&tables_state, memory_order_acquire) == 2) return;
    int expected = 0;
    if (atomic_compare_exchange_strong(&tables_state, &expected, 1)) {
        build_shift(long_shift, LONG_BLOCK);
        build_shift(short_shift, SHORT_BLOCK);
        atomic_store_explicit(&tables_state, 2, memory_order_release);
        return;
    }
    while (atomic_load_explicit(&tables_state, memory_order_acquire) != 2) {
    }
}

/// Three interleaved chains over blocks of `block` bytes while 3 * block bytes remain.
SOUK_CRC_TARGET static uint32_t interleaved(uint32_t reg, const unsigned char **pp, size_t *lengthp, size_t block,
                                            const uint32_t table[4][256]) {
    const unsigned char *p = *pp;
    size_t length = *lengthp;
    while (length >= 3 * block) {
        uint32_t a = reg, b = 0, c = 0;
        const unsigned char *end = p + block;
        do {
            a = step8(a, load64(p));
            b = step8(b, load64(p + block));
            c = step8(c, load64(p + 2 * block));
            p += 8;
        } while (p < end);
        reg = shift(table, shift(table, a) ^ b) ^ c;
        p += 2 * block;
        length -= 3 * block;
    }
    *pp = p;
    *lengthp = length;
    return reg;
}

int souk_crc32c_hardware_available(void) {
#if defined(__x86_64__)
    unsigned int eax, ebx, ecx, edx;
    if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx)) return 0;
    return (ecx & bit_SSE4_2) != 0;
#else
    return (getauxval(AT_HWCAP) & HWCAP_CRC32) != 0;
#endif
}

uint32_t souk_crc32c_hardware(uint32_t crc, const void *data, size_t length) {
    const unsigned char *p = data;
    uint32_t reg = ~crc;
    if (length >= 3 * SHORT_BLOCK) {
        ensure_tables();
        while (length > 0 && ((uintptr_t)p & 7) != 0) {
            reg = chain(reg, p, 1);
            p++;
            length--;
        }
        reg = interleaved(reg, &p, &length, LONG_BLOCK, (const uint32_t(*)[256])long_shift);
        reg = interleaved(reg, &p, &length, SHORT_BLOCK, (const uint32_t(*)[256])short_shift);
    }
    reg = chain(reg, p, length);
    return ~reg;
}

#else

int souk_crc32c_hardware_available(void) { return 0; }

uint32_t souk_crc32c_hardware(uint32_t crc, const void *data, size_t length) {
    (void)data;
    (void)length;
    return crc;
}

#endif
