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

#endif
