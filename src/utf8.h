/* utf8.h: UTF-8 decoding, repair, folding and byte/code-point offsets (used by every stage
 * that touches text). Internally evmap keeps byte offsets; output converts them here. */
#ifndef EVM_UTF8_H
#define EVM_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Decodes one code point at s[0..n). Returns its length in bytes (1..4) and stores the
 * code point in *cp; an invalid or truncated sequence returns 1 with *cp = -1. */
size_t evm_utf8_decode(const char *s, size_t n, int32_t *cp);

/* Encodes cp into buf (at least 4 bytes); returns the byte length. */
size_t evm_utf8_encode(int32_t cp, char *buf);

/* Copies s[0..n) into a new NUL-terminated heap string (caller frees) in which every
 * invalid sequence and every NUL byte is replaced by U+FFFD. Stores the new length in
 * *out_len and returns how many replacements were made. */
size_t evm_utf8_repair(const char *s, size_t n, char **out, size_t *out_len);

/* Is s[0..n) valid UTF-8 without a NUL byte (what evm_utf8_repair leaves as it is)? */
bool evm_utf8_valid(const char *s, size_t n);

/* Number of code points in the valid UTF-8 s[0..n). */
size_t evm_utf8_count(const char *s, size_t n);

/* A byte -> code point offset converter for one text: built once (O(n)), then each
 * conversion is O(log n). Converting an offset that is not on a character boundary
 * gives the index of the character that contains it. */
typedef struct evm_utf8_index evm_utf8_index;
evm_utf8_index *evm_utf8_index_new(const char *s, size_t n);
size_t evm_utf8_index_cp(const evm_utf8_index *ix, size_t byte_offset);
void evm_utf8_index_free(evm_utf8_index *ix);

/* A byte -> code point converter with no table, for offsets taken in increasing order
 * (the mentions of a document): each conversion counts forward from the offset before;
 * an offset below it starts again from 0. Answers exactly as evm_utf8_index_cp does,
 * offsets inside a character included. Set it up with evm_utf8_cursor_init. */
typedef struct evm_utf8_cursor {
    const char *s;
    size_t n;
    size_t byte; /* the offset last converted */
    size_t lead; /* characters that start in s[0..byte) */
} evm_utf8_cursor;
void evm_utf8_cursor_init(evm_utf8_cursor *c, const char *s, size_t n);
size_t evm_utf8_cursor_cp(evm_utf8_cursor *c, size_t byte_offset);

/* Folds s[0..n) for comparison: Unicode case folding, compatibility decomposition,
 * combining marks removed ("Dnipró" -> "dnipro", "Київ" -> "київ"). Returns a new heap
 * string (caller frees) and its length in *out_len. Invalid UTF-8 is folded byte-wise. */
char *evm_utf8_fold(const char *s, size_t n, size_t *out_len);

/* Character classes on a code point (Unicode-aware, via utf8proc). */
int evm_utf8_is_letter(int32_t cp);
int evm_utf8_is_upper(int32_t cp);
int evm_utf8_is_lower(int32_t cp);
int evm_utf8_is_digit(int32_t cp);
int evm_utf8_is_space(int32_t cp); /* includes NBSP and other Zs */
int evm_utf8_is_mark(int32_t cp);

#endif
