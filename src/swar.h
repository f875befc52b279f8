/* swar.h: word-at-a-time helpers, eight bytes of text in a uint64_t with the first byte
 * lowest, shared by the tokenizer (segment.c), the UTF-8 code (utf8.c) and the spotter
 * (spot.c). */
#ifndef EVM_SWAR_H
#define EVM_SWAR_H

#include <stdint.h>

#define EVM_ONES8 0x0101010101010101ull  /* 0x01 in every byte */
#define EVM_HIGHS8 0x8080808080808080ull /* the top bit of every byte */

/* The eight bytes at p (any alignment) as a number, p[0] lowest whatever the machine's
 * byte order; compilers make it one load. */
static inline uint64_t evm_load_le64(const void *p)
{
    const unsigned char *b = p;
    return (uint64_t)b[0] | (uint64_t)b[1] << 8 | (uint64_t)b[2] << 16 | (uint64_t)b[3] << 24 |
           (uint64_t)b[4] << 32 | (uint64_t)b[5] << 40 | (uint64_t)b[6] << 48 |
           (uint64_t)b[7] << 56;
}

/* c with the ASCII capitals of its eight bytes lowercased at once: with each byte's top
 * bit cleared, two additions set it again where the byte is >= 'A' and where it is > 'Z',
 * without a carry into the next byte; bytes of 0x80 and more (UTF-8) stay as they are. */
static inline uint64_t evm_lower8(uint64_t c)
{
    uint64_t low7 = c & ~EVM_HIGHS8;
    uint64_t from_a = low7 + (0x80 - 'A') * EVM_ONES8;
    uint64_t past_z = low7 + (0x80 - 'Z' - 1) * EVM_ONES8;
    uint64_t upper = (from_a ^ past_z) & ~c & EVM_HIGHS8;
    return c | upper >> 2; /* 0x80 >> 2 is 0x20, 'a' - 'A' */
}

#endif
