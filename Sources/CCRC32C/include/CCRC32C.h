#ifndef SOUK_CCRC32C_H
#define SOUK_CCRC32C_H

#include <stddef.h>
#include <stdint.h>

/// 1 when this CPU has CRC-32C instructions (SSE4.2 on x86-64, the CRC extension on arm64), else 0.
int souk_crc32c_hardware_available(void);

/// Continues a CRC-32C over `length` bytes with the CPU's instructions. `crc` is a finished
/// CRC (0 for a new one) and so is the result. Only call when souk_crc32c_hardware_available().
uint32_t souk_crc32c_hardware(uint32_t crc, const void *data, size_t length);

#endif
