/* utf8.c: UTF-8 decoding, repair, folding (through utf8proc) and offset conversion. */
#include "utf8.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "evmap.h"
#include "swar.h"

size_t evm_utf8_decode(const char *s, size_t n, int32_t *cp)
{
    if (n > 0 && (unsigned char)s[0] < 0x80) {
        *cp = (unsigned char)s[0];
        return 1;
    }
    utf8proc_int32_t c;
    utf8proc_ssize_t k =
        utf8proc_iterate((const utf8proc_uint8_t *)s, n > 4 ? 4 : (utf8proc_ssize_t)n, &c);
    if (k <= 0) {
        *cp = -1;
        return 1;
    }
    *cp = c;
    return (size_t)k;
}

size_t evm_utf8_encode(int32_t cp, char *buf)
{
    utf8proc_ssize_t k = utf8proc_encode_char(cp, (utf8proc_uint8_t *)buf);
    return k > 0 ? (size_t)k : 0;
}

/* Eight bytes at s (any alignment). */
static uint64_t word_at(const char *s)
{
    uint64_t w;
    memcpy(&w, s, 8);
    return w;
}

/* The UTF-8 continuation bytes (10xxxxxx) among the eight of w, as their high bits. */
static uint64_t continuation_bytes(uint64_t w)
{
    return w & ~(w << 1) & EVM_HIGHS8;
}

/* How many bytes of m have their high bit set (m has no other bits): the bits moved to
 * the bottom of each byte are summed into the top byte by one multiplication (a plain
 * popcount is a library call on CPUs without the instruction). */
static size_t count_highs(uint64_t m)
{
    return (size_t)(((m >> 7) * EVM_ONES8) >> 56);
}

/* The length of the valid prefix of s[0..n) without NUL bytes. */
static size_t valid_prefix(const char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        /* sixteen ASCII bytes at a time, none of them NUL, then eight */
        while (i + 16 <= n) {
            uint64_t a = word_at(s + i), b = word_at(s + i + 8);
            if (((a | (a - EVM_ONES8) | b | (b - EVM_ONES8)) & EVM_HIGHS8) != 0)
                break;
            i += 16;
        }
        if (i == n)
            break;
        if (i + 8 <= n) {
            uint64_t w = word_at(s + i);
            if (((w | (w - EVM_ONES8)) & EVM_HIGHS8) == 0) {
                i += 8;
                continue;
            }
        }
        unsigned char c = (unsigned char)s[i];
        if (c - 1u < 0x7Fu) { /* 0x01..0x7F */
            i++;
            continue;
        }
        if (c == 0)
            break;
        int32_t cp;
        size_t k = evm_utf8_decode(s + i, n - i, &cp);
        if (cp < 0)
            break;
        i += k;
    }
    return i;
}

bool evm_utf8_valid(const char *s, size_t n)
{
    return valid_prefix(s, n) == n;
}

size_t evm_utf8_repair(const char *s, size_t n, char **out, size_t *out_len)
{
    /* Most texts need no repair: one copy. */
    size_t valid = valid_prefix(s, n);
    if (valid == n) {
        char *p = evm_xmalloc(n + 1);
        memcpy(p, s, n);
        p[n] = '\0';
        *out = p;
        *out_len = n;
        return 0;
    }
    /* Worst case: every byte becomes U+FFFD (3 bytes). */
    char *buf = evm_xmalloc(n * 3 + 1);
    memcpy(buf, s, valid);
    size_t o = valid, replaced = 0;
    for (size_t i = valid; i < n;) {
        int32_t cp;
        size_t k = evm_utf8_decode(s + i, n - i, &cp);
        if (cp < 0 || cp == 0) {
            o += evm_utf8_encode(0xFFFD, buf + o);
            replaced++;
        } else {
            memcpy(buf + o, s + i, k);
            o += k;
        }
        i += k;
    }
    buf[o] = '\0';
    *out = evm_xrealloc(buf, o + 1);
    *out_len = o;
    return replaced;
}

size_t evm_utf8_count(const char *s, size_t n)
{
    size_t c = 0;
    for (size_t i = 0; i < n; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80)
            c++;
    return c;
}

/* Checkpoints every 64 bytes: cp count at that byte offset. */
#define IX_STEP 64
struct evm_utf8_index {
    const char *s;
    size_t n, nchk;
    size_t chk[];
};

evm_utf8_index *evm_utf8_index_new(const char *s, size_t n)
{
    size_t nchk = n / IX_STEP + 1;
    evm_utf8_index *ix = evm_xmalloc(sizeof *ix + nchk * sizeof(size_t));
    ix->s = s;
    ix->n = n;
    ix->nchk = nchk;
    size_t c = 0, i = 0;
    /* whole blocks a word at a time: continuation bytes are the 10xxxxxx ones */
    for (; i + IX_STEP <= n; i += IX_STEP) {
        ix->chk[i / IX_STEP] = c;
        size_t cont = 0;
        for (size_t j = 0; j < IX_STEP; j += 8)
            cont += count_highs(continuation_bytes(word_at(s + i + j)));
        c += IX_STEP - cont;
    }
    ix->chk[i / IX_STEP] = c; /* the last, partial block (or the end) */
    for (; i < n; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80)
            c++;
    return ix;
}

size_t evm_utf8_index_cp(const evm_utf8_index *ix, size_t off)
{
    if (off > ix->n)
        off = ix->n;
    size_t base = off / IX_STEP * IX_STEP;
    size_t c = ix->chk[off / IX_STEP];
    size_t lead = 0, i = base;
    for (; i + 8 <= off; i += 8)
        lead += 8 - count_highs(continuation_bytes(word_at(ix->s + i)));
    for (; i < off; i++)
        if (((unsigned char)ix->s[i] & 0xC0) != 0x80)
            lead++;
    /* Inside a multi-byte character: count it as the character that contains `off`. */
    if (off < ix->n && ((unsigned char)ix->s[off] & 0xC0) == 0x80 && lead > 0)
        lead--;
    return c + lead;
}

void evm_utf8_index_free(evm_utf8_index *ix)
{
    free(ix);
}

void evm_utf8_cursor_init(evm_utf8_cursor *c, const char *s, size_t n)
{
    c->s = s;
    c->n = n;
    c->byte = 0;
    c->lead = 0;
}

size_t evm_utf8_cursor_cp(evm_utf8_cursor *c, size_t off)
{
    if (off > c->n)
        off = c->n;
    if (off < c->byte) {
        c->byte = 0;
        c->lead = 0;
    }
    size_t i = c->byte, lead = c->lead;
    /* sixteen bytes a step: ASCII (no high bit) all leads; otherwise the two words'
     * marks, one bit a byte, add without a carry */
    for (; i + 16 <= off; i += 16) {
        uint64_t a = word_at(c->s + i), b = word_at(c->s + i + 8);
        if (((a | b) & EVM_HIGHS8) == 0) {
            lead += 16;
            continue;
        }
        uint64_t m = (continuation_bytes(a) >> 7) + (continuation_bytes(b) >> 7);
        lead += 16 - (size_t)((m * EVM_ONES8) >> 56);
    }
    for (; i + 8 <= off; i += 8)
        lead += 8 - count_highs(continuation_bytes(word_at(c->s + i)));
    if (i + 8 <= c->n) {
        /* the last 0..7 bytes from one word inside the text, the bytes from off on masked
         * off: no branch on how many they are */
        size_t r = off - i;
        uint64_t below = ((uint64_t)1 << (8 * r)) - 1;
        lead += r - count_highs(continuation_bytes(evm_load_le64(c->s + i)) & below);
        i = off;
    }
    for (; i < off; i++)
        if (((unsigned char)c->s[i] & 0xC0) != 0x80)
            lead++;
    c->byte = off;
    c->lead = lead;
    /* Inside a multi-byte character: the index counts it as the character that contains
     * `off` when that character starts in the same 64-byte block as `off`. */
    if (off < c->n && ((unsigned char)c->s[off] & 0xC0) == 0x80) {
        for (size_t j = off; j > off / IX_STEP * IX_STEP; j--)
            if (((unsigned char)c->s[j - 1] & 0xC0) != 0x80)
                return lead - 1;
    }
    return lead;
}

char *evm_utf8_fold(const char *s, size_t n, size_t *out_len)
{
    utf8proc_uint8_t *dst = NULL;
    utf8proc_ssize_t k = utf8proc_map((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)n, &dst,
                                      UTF8PROC_CASEFOLD | UTF8PROC_COMPAT | UTF8PROC_DECOMPOSE |
                                          UTF8PROC_STRIPMARK | UTF8PROC_STABLE);
    if (k < 0) {
        /* Invalid UTF-8: fold ASCII letters and keep the other bytes. */
        char *p = evm_xmalloc(n + 1);
        for (size_t i = 0; i < n; i++) {
            unsigned char c = (unsigned char)s[i];
            p[i] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
        }
        p[n] = '\0';
        *out_len = n;
        return p;
    }
    *out_len = (size_t)k;
    return (char *)dst;
}

/* The classes of ASCII code points are answered without utf8proc (they are most of the
 * text); the answers agree with utf8proc's categories. */
static bool ascii(int32_t cp)
{
    return cp >= 0 && cp < 0x80;
}

static bool ascii_upper(int32_t cp)
{
    return cp >= 'A' && cp <= 'Z';
}

static bool ascii_lower(int32_t cp)
{
    return cp >= 'a' && cp <= 'z';
}

int evm_utf8_is_letter(int32_t cp)
{
    if (ascii(cp))
        return ascii_upper(cp) || ascii_lower(cp);
    utf8proc_category_t c = utf8proc_category(cp);
    return c >= UTF8PROC_CATEGORY_LU && c <= UTF8PROC_CATEGORY_LO;
}

int evm_utf8_is_upper(int32_t cp)
{
    if (ascii(cp))
        return ascii_upper(cp);
    utf8proc_category_t c = utf8proc_category(cp);
    return c == UTF8PROC_CATEGORY_LU || c == UTF8PROC_CATEGORY_LT;
}

int evm_utf8_is_lower(int32_t cp)
{
    if (ascii(cp))
        return ascii_lower(cp);
    return utf8proc_category(cp) == UTF8PROC_CATEGORY_LL;
}

int evm_utf8_is_digit(int32_t cp)
{
    if (ascii(cp))
        return cp >= '0' && cp <= '9';
    return utf8proc_category(cp) == UTF8PROC_CATEGORY_ND;
}

int evm_utf8_is_space(int32_t cp)
{
    if (cp == '\t' || cp == '\n' || cp == '\r' || cp == '\v' || cp == '\f')
        return 1;
    if (ascii(cp))
        return cp == ' ';
    utf8proc_category_t c = utf8proc_category(cp);
    return c == UTF8PROC_CATEGORY_ZS || c == UTF8PROC_CATEGORY_ZL || c == UTF8PROC_CATEGORY_ZP;
}

int evm_utf8_is_mark(int32_t cp)
{
    if (ascii(cp))
        return 0;
    utf8proc_category_t c = utf8proc_category(cp);
    return c == UTF8PROC_CATEGORY_MN || c == UTF8PROC_CATEGORY_MC || c == UTF8PROC_CATEGORY_ME;
}
