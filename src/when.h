/* when.h: dates: ISO parsing and formatting, calendar arithmetic, and (for the event
 * stage) resolving date expressions in text against the publication date. */
#ifndef EVM_WHEN_H
#define EVM_WHEN_H

#include <stdbool.h>
#include <stddef.h>

#include "doc.h"

/* Parses exactly "YYYY-MM-DD" (a real calendar day, years 1..9999) from s[0..n).
 * Returns false and leaves *out untouched otherwise. */
bool evm_when_parse_iso(const char *s, size_t n, evm_date *out);

/* Writes the date as ISO 8601 for its precision: "2025-04-13" (day, week), "2025-04"
 * (month), "2025" (year), "" (unknown). buf needs 11 bytes. Returns buf. */
char *evm_when_format(evm_date d, char buf[11]);

/* Days in a month of a year (Gregorian). */
int evm_when_days_in_month(int year, int month);

/* Day of the week, 0 = Monday .. 6 = Sunday. */
int evm_when_weekday(int year, int month, int day);

/* The day `delta` days after d (negative for before); precision becomes DAY. */
evm_date evm_when_add_days(evm_date d, int delta);

/* Orders two dates by year, month, day (unknown parts count as 0): <0, 0, >0. */
int evm_when_cmp(evm_date a, evm_date b);

/* True when a and b can name the same day: equal, either unknown, or one contains the
 * other (a month contains its days, a week its seven days, a year its months). */
bool evm_when_compatible(evm_date a, evm_date b);

/* A date expression found in text, resolved against the publication date. */
typedef struct evm_when_expr {
    size_t start, end; /* byte offsets of the expression in the scanned text */
    evm_date date;     /* precision UNKNOWN when it cannot be resolved (no publication date) */
    bool relative;     /* resolved from the publication date ("yesterday", "on Thursday") */
} evm_when_expr;

/* Finds the date expressions of s[0..n) and resolves them against `published`:
 * absolute dates ("April 13", "13 April 2025", "Jan. 5", "2025-04-13", "March 2024",
 * "in March"), weekdays ("on Thursday", "last Monday"), "yesterday", "today", "overnight",
 * "last night", "N days ago", "last/this/next week|month|year", "earlier this year".
 * A day or month given without a year, and a bare weekday, resolve to the latest such
 * date not after publication, or with `future` (a planned event) the earliest not before
 * it. Reads the first 8192 words of s at most (callers pass a sentence). Writes at most
 * `max` expressions, in text order, and returns how many it found. */
size_t evm_when_scan(const char *s, size_t n, evm_date published, bool future, evm_when_expr *out,
                     size_t max);

#endif
