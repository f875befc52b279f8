/* test_count.c: unit tests for numbers and casualty counts. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "count.h"

static int64_t num(const char *s, size_t *used)
{
    int64_t v = -1;
    *used = evm_count_number(s, strlen(s), &v);
    return v;
}

static void test_numbers(void **state)
{
    (void)state;
    size_t u;
    assert_int_equal(num("35 people", &u), 35);
    assert_int_equal(u, 2);
    assert_int_equal(num("1,200 homes", &u), 1200);
    assert_int_equal(num("three people", &u), 3);
    assert_int_equal(num("twenty-five", &u), 25);
    assert_int_equal(num("a dozen people", &u), 12);
    assert_int_equal(u, 7);
    assert_int_equal(num("two hundred and twelve", &u), 212);
    assert_int_equal(num("one hundred", &u), 100);
    assert_int_equal(num("1.5 million", &u), 1500000);
    num("people", &u);
    assert_int_equal(u, 0);
    num("a young girl", &u);
    assert_int_equal(u, 0);
}

typedef struct cas_case {
    const char *text;
    int killed, injured;
    bool killed_at_least, injured_at_least;
} cas_case;

static void test_casualties(void **state)
{
    (void)state;
    static const cas_case cases[] = {
        {"The missile strike killed at least 35 civilians in the town.", 35, -1, true, false},
        {"A drone attack killed three people, including a young girl, officials said.", 3, -1,
         false, false},
        {"Two civilians were killed and 12 others were wounded.", 2, 12, false, false},
        {"The strike left 5 dead and 20 injured.", 5, 20, false, false},
        {"Shelling killed two and injured 10 overnight.", 2, 10, false, false},
        {"The death toll rose to 21 on Monday.", 21, -1, false, false},
        {"Missiles killed 10 to 15 people.", 10, -1, true, false},
        {"Missiles killed 10-15 people.", 10, -1, true, false},
        {"The attack wounded more than 100 people, including 15 children.", -1, 100, false, true},
        {"A dozen people were injured.", -1, 12, false, false},
        {"One person died and four were hurt.", 1, 4, false, false},
        {"The strike killed a 12-year-old boy.", -1, -1, false, false},
        {"A 45-year-old man was injured.", -1, -1, false, false},
        {"Russia launched 40 drones and 3 missiles at the city.", -1, -1, false, false},
        {"A coalition of 30 countries met in 2025.", -1, -1, false, false},
        {"Russia fired 120 drones overnight, killing 4 and injuring 19 people.", 4, 19, false,
         false},
        {"Three people were killed.", 3, -1, false, false},
        {"35 Ukrainians were killed.", 35, -1, false, false},
        {"It damaged 12 buildings and injured nobody.", -1, -1, false, false},
        {"No casualties were reported.", -1, -1, false, false},
        {"No one was hurt.", -1, -1, false, false},
        {"The number of dead rose to 18 and the number of injured reached 40.", 18, 40, false,
         false},
        {"The strike killed 5 people on April 3, aged 4 to 80.", 5, -1, false, false},
        {"Officials said 18 people died, 9 of them children.", 18, -1, false, false},
        {"Three people, including a child, were killed and 12 were injured.", 3, 12, false, false},
        {"The death toll from Sunday's strike has risen to 35.", 35, -1, false, false},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        evm_casualties c;
        evm_count_casualties(cases[i].text, strlen(cases[i].text), &c);
        print_message("%s\n", cases[i].text);
        assert_int_equal(c.killed, cases[i].killed);
        assert_int_equal(c.injured, cases[i].injured);
        assert_int_equal(c.killed_at_least, cases[i].killed_at_least);
        assert_int_equal(c.injured_at_least, cases[i].injured_at_least);
    }
}

static void test_offsets(void **state)
{
    (void)state;
    const char *s = "Late on Monday a drone killed three people.";
    evm_casualties c;
    evm_count_casualties(s, strlen(s), &c);
    assert_int_equal(c.killed_at, (size_t)(strstr(s, "three") - s));
}

/* Random sentences from casualty words and numbers: counts are positive and lie inside. */
static void test_random_text(void **state)
{
    (void)state;
    static const char *const parts[] = {
        "killed ", "at least ", "35 ",      "people ",         "were ",      "injured ",
        "three ",  "and ",      "wounded ", "a dozen ",        "including ", "children ",
        ", ",      "10-15 ",    "to ",      "the death toll ", "rose ",      "no one ",
        "1,200 ",  "dead ",     "aged ",    "15-year-old ",    "more than ", "twenty-five "};
    unsigned seed = 777;
    char buf[256];
    for (int round = 0; round < 2000; round++) {
        size_t n = 0;
        int words = 1 + round % 14;
        for (int k = 0; k < words; k++) {
            seed = seed * 1103515245u + 12345u;
            const char *p = parts[(seed >> 16) % (sizeof parts / sizeof *parts)];
            size_t l = strlen(p);
            if (n + l >= sizeof buf)
                break;
            memcpy(buf + n, p, l);
            n += l;
        }
        evm_casualties c;
        evm_count_casualties(buf, n, &c);
        assert_true(c.killed == -1 || (c.killed > 0 && c.killed_at < n));
        assert_true(c.injured == -1 || (c.injured > 0 && c.injured_at < n));
        assert_true(c.killed >= 0 || !c.killed_at_least);
        assert_true(c.injured >= 0 || !c.injured_at_least);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_numbers),
        cmocka_unit_test(test_casualties),
        cmocka_unit_test(test_offsets),
        cmocka_unit_test(test_random_text),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
