/* test_when.c: unit tests for dates: ISO parsing, arithmetic, and date expressions in text. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "when.h"

static const evm_date pub = {2025, 4, 17, EVM_DATE_DAY}; /* a Thursday */

/* The first expression found in s, formatted, with its precision. */
static const char *first(const char *s, evm_date p, bool future, evm_date_precision *prec)
{
    static char buf[11];
    evm_when_expr e[8];
    size_t n = evm_when_scan(s, strlen(s), p, future, e, 8);
    if (n == 0) {
        *prec = EVM_DATE_UNKNOWN;
        return "none";
    }
    *prec = e[0].date.precision;
    return evm_when_format(e[0].date, buf);
}

#define EXPECT(text, iso, precision)                                                               \
    do {                                                                                           \
        evm_date_precision p_;                                                                     \
        assert_string_equal(first(text, pub, false, &p_), iso);                                    \
        assert_int_equal(p_, precision);                                                           \
    } while (0)

static void test_iso_and_arith(void **state)
{
    (void)state;
    evm_date d;
    assert_true(evm_when_parse_iso("2024-02-29", 10, &d));
    assert_false(evm_when_parse_iso("2025-02-29", 10, &d));
    assert_int_equal(evm_when_weekday(2025, 4, 17), 3);
    evm_date n = evm_when_add_days(d, 1);
    char buf[11];
    assert_string_equal(evm_when_format(n, buf), "2024-03-01");
    evm_date m = {2025, 4, 0, EVM_DATE_MONTH};
    assert_true(evm_when_compatible(m, pub));
    evm_date other = {2025, 4, 16, EVM_DATE_DAY};
    assert_false(evm_when_compatible(other, pub));
    evm_date unk = {0, 0, 0, EVM_DATE_UNKNOWN};
    assert_true(evm_when_compatible(unk, pub));
    evm_date wk = {2025, 4, 14, EVM_DATE_WEEK};
    assert_true(evm_when_compatible(wk, pub));
    assert_false(evm_when_compatible(wk, (evm_date){2025, 4, 21, EVM_DATE_DAY}));
}

static void test_absolute(void **state)
{
    (void)state;
    EXPECT("On April 13, a missile hit the city.", "2025-04-13", EVM_DATE_DAY);
    EXPECT("Late on April 16, drones attacked.", "2025-04-16", EVM_DATE_DAY);
    EXPECT("It happened on 13 April.", "2025-04-13", EVM_DATE_DAY);
    EXPECT("It happened on Jan. 5.", "2025-01-05", EVM_DATE_DAY);
    EXPECT("It happened on the 5th of March 2023.", "2023-03-05", EVM_DATE_DAY);
    EXPECT("on April 17, 2025 in Paris", "2025-04-17", EVM_DATE_DAY);
    EXPECT("dated 2024-12-30 in the log", "2024-12-30", EVM_DATE_DAY);
    EXPECT("since March 2022", "2022-03", EVM_DATE_MONTH);
    EXPECT("talks held in March", "2025-03", EVM_DATE_MONTH);
    /* a day after publication without a year is last year's */
    EXPECT("the attack on December 30", "2024-12-30", EVM_DATE_DAY);
    EXPECT("fighting in 2024", "2024", EVM_DATE_YEAR);
    EXPECT("talks in the spring of 2022 collapsed", "2022", EVM_DATE_YEAR);
    /* "may" the verb and lowercase "mar" are not months */
    EXPECT("they may 5 times say so", "none", EVM_DATE_UNKNOWN);
    /* 31 April does not exist */
    EXPECT("on April 31", "none", EVM_DATE_UNKNOWN);
}

static void test_relative(void **state)
{
    (void)state;
    EXPECT("Talks were held on Thursday.", "2025-04-17", EVM_DATE_DAY);
    EXPECT("A strike on Monday killed two.", "2025-04-14", EVM_DATE_DAY);
    EXPECT("A strike on Friday killed two.", "2025-04-11", EVM_DATE_DAY);
    EXPECT("last Thursday", "2025-04-10", EVM_DATE_DAY);
    EXPECT("on Thursday morning", "2025-04-17", EVM_DATE_DAY);
    EXPECT("Yesterday a drone hit", "2025-04-16", EVM_DATE_DAY);
    EXPECT("Drones attacked overnight.", "2025-04-17", EVM_DATE_DAY);
    EXPECT("shelling last night", "2025-04-16", EVM_DATE_DAY);
    EXPECT("three days ago", "2025-04-14", EVM_DATE_DAY);
    EXPECT("last week", "2025-04-07", EVM_DATE_WEEK);
    EXPECT("earlier this week", "2025-04-14", EVM_DATE_WEEK);
    EXPECT("last month", "2025-03", EVM_DATE_MONTH);
    EXPECT("earlier this month", "2025-04", EVM_DATE_MONTH);
    EXPECT("earlier this year", "2025", EVM_DATE_YEAR);
    EXPECT("last year", "2024", EVM_DATE_YEAR);
    EXPECT("on Thursday, April 10", "2025-04-10", EVM_DATE_DAY);
    EXPECT("over the weekend", "2025-04-07", EVM_DATE_WEEK);
    EXPECT("the toll from Sunday's strike", "2025-04-13", EVM_DATE_DAY);
    EXPECT("the toll from Sunday\xe2\x80\x99s strike", "2025-04-13", EVM_DATE_DAY);
    EXPECT("a week ago", "2025-04-07", EVM_DATE_WEEK);
    EXPECT("in early April", "2025-04", EVM_DATE_MONTH);
    EXPECT("a summit on June 24-25", "2024-06-24", EVM_DATE_DAY);
    EXPECT("strikes on April 13\xe2\x80\x93"
           "14",
           "2025-04-13", EVM_DATE_DAY);
    EXPECT("\xe2\x80\x9cOn Monday\xe2\x80\x9d, he said", "2025-04-14", EVM_DATE_DAY);
}

static void test_boundaries(void **state)
{
    (void)state;
    evm_date jan2 = {2025, 1, 2, EVM_DATE_DAY}; /* a Thursday */
    evm_date_precision p;
    assert_string_equal(first("yesterday", (evm_date){2025, 3, 1, EVM_DATE_DAY}, false, &p),
                        "2025-02-28");
    assert_string_equal(first("yesterday", (evm_date){2024, 3, 1, EVM_DATE_DAY}, false, &p),
                        "2024-02-29");
    assert_string_equal(first("on Saturday", jan2, false, &p), "2024-12-28");
    assert_string_equal(first("on Dec. 31", jan2, false, &p), "2024-12-31");
    assert_string_equal(first("last month", jan2, false, &p), "2024-12");
    assert_string_equal(first("last week", jan2, false, &p), "2024-12-23");
    assert_int_equal(p, EVM_DATE_WEEK);
    /* planned events look forward */
    assert_string_equal(first("will meet on Monday", pub, true, &p), "2025-04-21");
    assert_string_equal(
        first("to meet on Jan. 5", (evm_date){2024, 12, 20, EVM_DATE_DAY}, true, &p), "2025-01-05");
    assert_string_equal(first("next month", (evm_date){2024, 12, 20, EVM_DATE_DAY}, true, &p),
                        "2025-01");
    /* without a publication date, relative expressions stay unknown */
    evm_date none = {0, 0, 0, EVM_DATE_UNKNOWN};
    assert_string_equal(first("on Thursday", none, false, &p), "");
    assert_int_equal(p, EVM_DATE_UNKNOWN);
    assert_string_equal(first("on April 13, 2025", none, false, &p), "2025-04-13");
}

static void test_offsets_and_order(void **state)
{
    (void)state;
    const char *s = "Witkoff said this week that talks in the city on April 11 went well.";
    evm_when_expr e[4];
    size_t n = evm_when_scan(s, strlen(s), pub, false, e, 4);
    assert_int_equal(n, 2);
    assert_int_equal(e[0].date.precision, EVM_DATE_WEEK);
    assert_true(e[0].relative);
    assert_int_equal(e[1].start, (size_t)(strstr(s, "April") - s));
    assert_int_equal(e[1].end, (size_t)(strstr(s, " went") - s));
    assert_int_equal(e[1].date.day, 11);
    /* counts are not dates */
    const char *c = "at least 35 people and 30 countries";
    assert_int_equal(evm_when_scan(c, strlen(c), pub, false, e, 4), 0);
}

/* Random text made of date words, digits and punctuation: every expression found lies inside
 * the text and is a real calendar date. */
static void test_random_text(void **state)
{
    (void)state;
    static const char *const parts[] = {
        "April ",       "13 ",         "Jan. ",     "5, ",      "2025 ",       "on ",  "Thursday ",
        "last ",        "week ",       "month ",    "ago ",     "three days ", "31 ",  "-",
        "\xe2\x80\x93", "yesterday ",  "over the ", "weekend ", "of ",         "May ", "0 ",
        "99 ",          "2025-02-30 ", "Sept ",     ",",        "'s "};
    unsigned seed = 12345;
    char buf[256];
    for (int round = 0; round < 2000; round++) {
        size_t n = 0;
        int words = 1 + round % 12;
        for (int k = 0; k < words; k++) {
            seed = seed * 1103515245u + 12345u;
            const char *p = parts[(seed >> 16) % (sizeof parts / sizeof *parts)];
            size_t l = strlen(p);
            if (n + l >= sizeof buf)
                break;
            memcpy(buf + n, p, l);
            n += l;
        }
        evm_when_expr e[8];
        size_t found = evm_when_scan(buf, n, pub, round % 2 == 1, e, 8);
        for (size_t i = 0; i < found && i < 8; i++) {
            assert_true(e[i].start < e[i].end && e[i].end <= n);
            evm_date d = e[i].date;
            if (d.precision == EVM_DATE_DAY)
                assert_true(d.month >= 1 && d.month <= 12 && d.day >= 1 &&
                            d.day <= evm_when_days_in_month(d.year, d.month));
            if (d.precision == EVM_DATE_MONTH)
                assert_true(d.month >= 1 && d.month <= 12 && d.day == 0);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_iso_and_arith),     cmocka_unit_test(test_absolute),
        cmocka_unit_test(test_relative),          cmocka_unit_test(test_boundaries),
        cmocka_unit_test(test_offsets_and_order), cmocka_unit_test(test_random_text),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
