/* count.h: numbers in text ("35", "1,200", "three", "twenty-five", "a dozen") and the
 * casualty counts of a sentence (killed and injured), for the event stage. */
#ifndef EVM_COUNT_H
#define EVM_COUNT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Reads a number at the start of s[0..n): digits with thousands separators ("1,200"),
 * number words up to the millions ("three", "twenty-five", "two hundred", "a dozen",
 * "one hundred and twelve"), or digits followed by a scale word ("1.5 million" is not a
 * casualty count and reads as 1500000). Returns the bytes consumed (0 when s does not
 * start with a number) and stores the value in *value. */
size_t evm_count_number(const char *s, size_t n, int64_t *value);

/* The casualty counts stated in one sentence; -1 when not stated. */
typedef struct evm_casualties {
    int32_t killed, injured;
    bool killed_at_least, injured_at_least;
    size_t killed_at, injured_at; /* byte offsets of the numbers, when stated */
} evm_casualties;

/* Finds how many were killed and how many injured in the sentence s[0..n): "killed at least
 * 35 people", "three people were killed", "5 dead and 12 wounded", "the death toll rose to
 * 20", "killing two and injuring 10". "At least", "more than", "over" set the lower-bound
 * flag; a range ("10 to 15", "10-15") gives its lower end with the flag; a count after
 * "including" ("including two children") is a part of the figure already given, not a new
 * one. Numbers that are not casualties (ages, years, "30 countries", "40 drones") are
 * ignored. The first figure of each kind wins. Reads the first 8192 words of s at most. */
void evm_count_casualties(const char *s, size_t n, evm_casualties *out);

#endif
