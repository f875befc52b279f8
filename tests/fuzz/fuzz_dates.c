/* fuzz_dates.c: libFuzzer harness for date and number parsing: date expressions resolved
 * against a publication date (the first byte picks past or future reading), ISO dates,
 * numbers and casualty counts. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "count.h"
#include "when.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    bool future = data[0] & 1;
    const char *s = (const char *)data + 1;
    size_t n = size - 1;
    evm_date pub = {2025, 4, 17, EVM_DATE_DAY};
    if (data[0] & 2)
        pub = (evm_date){2024, 12, 31, EVM_DATE_DAY};
    if (data[0] & 4)
        pub = (evm_date){0, 0, 0, EVM_DATE_UNKNOWN};
    evm_when_expr ex[16];
    size_t k = evm_when_scan(s, n, pub, future, ex, 16);
    for (size_t i = 0; i < k && i < 16; i++) {
        if (ex[i].start > ex[i].end || ex[i].end > n)
            abort();
        char buf[11];
        evm_when_format(ex[i].date, buf);
    }
    evm_date d;
    evm_when_parse_iso(s, n, &d);
    int64_t v;
    size_t used = evm_count_number(s, n, &v);
    if (used > n)
        abort();
    evm_casualties c;
    evm_count_casualties(s, n, &c);
    if ((c.killed >= 0 && c.killed_at > n) || (c.injured >= 0 && c.injured_at > n))
        abort();
    return 0;
}
