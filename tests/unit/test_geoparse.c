/* test_geoparse.c: unit tests of geoparse.c's JSON writer: the string escaper and the
 * fixed-point numbers against json-c and printf, and a whole line read back by json-c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <float.h>
#include <json-c/json.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "geoparse.h"

/* Escapes s[0..n) with evm_geoparse_json_escape and checks it against json-c's own
 * serialisation, byte for byte, and that json-c parses it back to s. */
static void check_escape(const char *s, size_t n)
{
    char *out = malloc(n * 6 + 2);
    size_t k = evm_geoparse_json_escape(out, s, n);
    assert_true(k >= 2 && k <= n * 6 + 2);
    json_object *o = json_object_new_string_len(s, (int)n);
    const char *ref = json_object_to_json_string_ext(o, JSON_C_TO_STRING_NOSLASHESCAPE);
    assert_int_equal(k, strlen(ref));
    assert_memory_equal(out, ref, k);
    json_object_put(o);

    json_tokener *tok = json_tokener_new();
    json_object *back = json_tokener_parse_ex(tok, out, (int)k);
    assert_int_equal(json_tokener_get_error(tok), json_tokener_success);
    assert_true(json_object_is_type(back, json_type_string));
    assert_int_equal(json_object_get_string_len(back), n);
    assert_memory_equal(json_object_get_string(back), s, n);
    json_object_put(back);
    json_tokener_free(tok);
    free(out);
}

static void test_escape(void **state)
{
    (void)state;
    /* every control character, alone and between letters */
    for (int c = 1; c < 0x20; c++) {
        char one[1] = {(char)c};
        check_escape(one, 1);
        char mid[3] = {'a', (char)c, 'b'};
        check_escape(mid, 3);
    }
    /* quotes, backslash, slash (not escaped), DEL */
    check_escape("say \"no\"", 8);
    check_escape("C:\\dir\\", 7);
    check_escape("a/b </script>", 13);
    check_escape("\x7f", 1);
    check_escape("", 0);
    /* non-ASCII is copied as it is */
    const char *utf8 = "Київ, Dnipró, 北京, \xF0\x9F\x8C\x8D, \xEF\xBF\xBD";
    check_escape(utf8, strlen(utf8));
    char out[64];
    size_t k = evm_geoparse_json_escape(out, "é\n", 3);
    assert_int_equal(k, 6);
    assert_memory_equal(out, "\"é\\n\"", 6);
    /* every printable ASCII character in one string */
    char all[96];
    for (int c = 0x20; c < 0x80; c++)
        all[c - 0x20] = (char)c;
    check_escape(all, sizeof all);
}

static void check_fixed(double v, int decimals)
{
    char got[EVM_GEOPARSE_FIXED_MAX], want[EVM_GEOPARSE_FIXED_MAX];
    size_t k = evm_geoparse_fixed(got, v, decimals);
    snprintf(want, sizeof want, "%.*f", decimals, v);
    assert_string_equal(got, want);
    assert_int_equal(k, strlen(want));
}

static void test_fixed(void **state)
{
    (void)state;
    const double odd[] = {0,         -0.0,     0.5,     1,      -1,         0.0005,        0.00049,
                          -0.000001, 0.125,    0.375,   2.5,    179.999996, -179.99999999, 46.6201,
                          2.4527,    -99.1437, 0.6625,  0.9995, 1e-9,       123456.5,      1e12,
                          -1e12,     NAN,      INFINITY};
    for (size_t i = 0; i < sizeof odd / sizeof odd[0]; i++)
        for (int d = 0; d <= 6; d++)
            check_fixed(odd[i], d);
    /* coordinates and scores as the geoparser writes them, including float scores */
    srand(42);
    for (int i = 0; i < 200000; i++) {
        double u = rand() / (double)RAND_MAX;
        check_fixed(u * 360 - 180, 5);
        check_fixed((float)u, 3);
        /* values on or next to a decimal tie */
        double t = (double)(rand() % 2000000) / 10000 + 0.000005;
        check_fixed(t, 5);
        check_fixed(nextafter(t, 0), 5);
        check_fixed(-nextafter(t, 1e9), 5);
        check_fixed((rand() % 2000) / 1000.0 + 0.0005, 3);
    }
}

/* A document made by hand (no gazetteer): the line parses, and its fields are the
 * mention's and the place's, with offsets in code points. */
static void test_line(void **state)
{
    (void)state;
    evm_doc *doc = evm_doc_new();
    const char *text = "Über \"Kyiv\\\" and\tTexas\x01 rain.";
    doc->text = strdup(text);
    doc->len = strlen(text);
    doc->id = "q\"1";
    evm_place p = {.geonameid = 703448,
                   .name = "Kyiv",
                   .country = "UA",
                   .admin1 = "Kyiv City",
                   .feature = "PPLC",
                   .lat = 50.45466,
                   .lon = 30.5238};
    evm_place q = {.geonameid = -1,
                   .name = "Tex\"as",
                   .country = "US",
                   .admin1 = "",
                   .feature = "ADM1",
                   .lat = 31.25044,
                   .lon = -99.25061};
    const char *kyiv = strstr(text, "Kyiv");
    const char *texas = strstr(text, "Texas");
    evm_mention *m = evm_doc_add_mention(doc);
    m->start = (uint32_t)(kyiv - text);
    m->end = m->start + 6; /* Kyiv\" */
    m->place = evm_doc_place_intern(doc, &p);
    m->score = 0.8125f;
    m = evm_doc_add_mention(doc);
    m->place = -1; /* unresolved: not written */
    m = evm_doc_add_mention(doc);
    m->start = (uint32_t)(texas - text);
    m->end = m->start + 6; /* Texas\x01 */
    m->place = evm_doc_place_intern(doc, &q);
    m->score = 0.5f;
    m->metonymy = true;

    char *line = evm_geoparse_json(doc);
    assert_null(strchr(line, '\n'));
    json_object *o = json_tokener_parse(line);
    assert_non_null(o);
    json_object *v, *arr;
    assert_true(json_object_object_get_ex(o, "id", &v));
    assert_string_equal(json_object_get_string(v), "q\"1");
    assert_true(json_object_object_get_ex(o, "toponyms", &arr));
    assert_int_equal(json_object_array_length(arr), 2);

    json_object *t = json_object_array_get_idx(arr, 0);
    assert_true(json_object_object_get_ex(t, "start", &v));
    assert_int_equal(json_object_get_int(v), 6); /* "Über \"" is 6 code points, 7 bytes */
    assert_true(json_object_object_get_ex(t, "end", &v));
    assert_int_equal(json_object_get_int(v), 12);
    assert_true(json_object_object_get_ex(t, "text", &v));
    assert_string_equal(json_object_get_string(v), "Kyiv\\\"");
    assert_true(json_object_object_get_ex(t, "geonameid", &v));
    assert_int_equal(json_object_get_int64(v), 703448);
    assert_true(json_object_object_get_ex(t, "admin1", &v));
    assert_string_equal(json_object_get_string(v), "Kyiv City");
    assert_true(json_object_object_get_ex(t, "lat", &v));
    assert_true(fabs(json_object_get_double(v) - 50.45466) < 1e-9);
    assert_true(json_object_object_get_ex(t, "score", &v));
    assert_true(fabs(json_object_get_double(v) - 0.812) < 1e-9); /* %.3f of 0.8125 */
    assert_true(json_object_object_get_ex(t, "metonymy", &v));
    assert_false(json_object_get_boolean(v));

    t = json_object_array_get_idx(arr, 1);
    assert_true(json_object_object_get_ex(t, "text", &v));
    assert_string_equal(json_object_get_string(v), "Texas\x01");
    assert_true(json_object_object_get_ex(t, "name", &v));
    assert_string_equal(json_object_get_string(v), "Tex\"as");
    assert_true(json_object_object_get_ex(t, "geonameid", &v));
    assert_null(v);
    assert_true(json_object_object_get_ex(t, "lon", &v));
    assert_true(fabs(json_object_get_double(v) + 99.25061) < 1e-9);
    assert_true(json_object_object_get_ex(t, "metonymy", &v));
    assert_true(json_object_get_boolean(v));
    assert_non_null(strstr(line, "\"lon\": -99.25061, \"score\": 0.500, \"metonymy\": true }"));
    json_object_put(o);
    free(line);

    /* no toponyms: json-c's empty array */
    doc->n_mentions = 0;
    line = evm_geoparse_json(doc);
    assert_string_equal(line, "{ \"id\": \"q\\\"1\", \"toponyms\": [ ] }");
    free(line);
    evm_doc_free(doc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_escape),
        cmocka_unit_test(test_fixed),
        cmocka_unit_test(test_line),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
