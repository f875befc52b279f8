/* test_gazbuild.c: building an index (gazbuild.c) from a tiny source folder written at run
 * time: entries, derived region points and names, ranking rules, and source errors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gazbuild.h"
#include "gazetteer.h"

static char dir[256];
static char index_path[300];

static void put(const char *name, const char *text)
{
    char p[512];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    FILE *f = fopen(p, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

/* A small but complete source folder (plain text: the reader takes .gz and plain alike). */
static void write_sources(void)
{
    put("geonames-places.tsv.gz",
        "1\tAlphaville\tAlfaville,Альфавиль\t10.0\t20.0\tPPLC\tXA\t01\t001\t500000\n"
        "2\tBetatown\t\t10.0\t22.0\tPPLA\tXA\t02\t002\t80000\n"
        "3\tGamma\t\t12.0\t22.0\tPPL\tXA\t02\t002\t3000\n"
        "4\tDelta\t\t10.0\t24.0\tPPL\tXA\t02\t003\t2000\n"
        "5\tBetatown\t\t40.0\t-80.0\tPPL\tXB\t01\t\t900\n");
    put("geonames-admin1.tsv.gz", "XA.01\tAlphaville\nXA.02\tBeta\nXA.09\tEmpty Land\n");
    put("geonames-admin2.tsv.gz", "XA.02.002\tGamma County\nXA.02.003\tDelta Parish\n");
    put("countries.tsv", "# header\nXA\t999\tXaland\t11.0\t21.0\tcentroid\n");
    put("country-aliases.tsv", "XA\tXaland Republic\nXB\tXbland\tname\n");
    put("admin-types.tsv", "*\t1\t-\tregion\n*\t2\t-\t\nXA\t1\tProvince\tprovince\n");
    put("admin-aliases.tsv", "XA.02\tBe.\tabbr\n");
    put("regions.tsv", "Xontinent\tCONT\t-\t0\t0\tBig Land\nXstrip\tREGION\tXA\t1\t1\t\t2100000\n");
    put("landmarks.tsv", "Alpha Palace\tAlphaville\tXA\tthe Palace\n");
    put("place-aliases.tsv", "A.V.\tAlphaville\tXA\n");
    put("demonyms.tsv", "Xalandian\tXA\n");
}

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/evm_gazbuild_XXXXXX");
    if (!mkdtemp(dir))
        return -1;
    snprintf(index_path, sizeof index_path, "%s/index.bin", dir);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    const char *files[] = {"geonames-places.tsv.gz", "geonames-admin1.tsv.gz",
                           "geonames-admin2.tsv.gz", "countries.tsv",
                           "country-aliases.tsv",    "admin-types.tsv",
                           "admin-aliases.tsv",      "regions.tsv",
                           "landmarks.tsv",          "place-aliases.tsv",
                           "demonyms.tsv",           "index.bin"};
    char p[512];
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        snprintf(p, sizeof p, "%s/%s", dir, files[i]);
        unlink(p);
    }
    rmdir(dir);
    return 0;
}

static size_t look(evm_gaz *g, const char *name, evm_candidate *c, size_t max)
{
    evm_lookup_opts o = {NULL, true, true};
    return evm_gazetteer_lookup(g, name, strlen(name), &o, c, max);
}

static void test_build_and_lookup(void **state)
{
    (void)state;
    write_sources();
    evm_gazbuild_stats st;
    evm_diag d = {{0}};
    if (evm_gazbuild_run(dir, index_path, &st, &d) != EVM_OK)
        fail_msg("%s", d.msg);
    assert_int_equal(st.n_places, 5);
    assert_int_equal(st.n_countries, 2); /* XA from countries.tsv, XB from its display name */
    assert_int_equal(st.n_admin1, 2);    /* XA.09 has no member place */
    assert_int_equal(st.n_admin2, 2);
    assert_int_equal(st.n_dropped_admin, 1);

    evm_gaz *g;
    assert_int_equal(evm_gazetteer_open(index_path, &g, &d), EVM_OK);
    assert_int_equal(evm_gazetteer_verify(g, &d), EVM_OK);
    evm_candidate c[8];

    /* Alternate names, Cyrillic included, and the place alias. */
    assert_true(look(g, "Альфавиль", c, 8) > 0);
    assert_int_equal(c[0].geonameid, 1);
    assert_int_equal(c[0].match, EVM_MATCH_ALTERNATE);
    assert_true(c[0].capital);
    assert_true(look(g, "A.V.", c, 8) > 0);
    assert_int_equal(c[0].geonameid, 1);

    /* The admin1 named like the capital yields the bare name to the city; its display
     * name gets the country's suffix, and the type-word forms find it. */
    assert_true(look(g, "Alphaville", c, 8) >= 2);
    assert_int_equal(c[0].geonameid, 1);
    assert_true(look(g, "Beta Province", c, 8) > 0);
    assert_string_equal(c[0].feature, "ADM1");
    assert_string_equal(c[0].admin1_code, "02");
    assert_true(look(g, "Beta region", c, 8) > 0);
    assert_string_equal(c[0].name, "Beta Province");
    /* Its point is one of its member places (the hull centroid snapped). */
    assert_true((c[0].lat == 10.0f || c[0].lat == 12.0f) && c[0].lon >= 22.0f);
    assert_true(look(g, "Be.", c, 8) > 0);
    assert_string_equal(c[0].name, "Beta Province");
    assert_true(c[0].abbrev);

    /* A parish with and without its type word. */
    assert_true(look(g, "Delta Parish", c, 8) > 0);
    assert_string_equal(c[0].feature, "ADM2");
    assert_string_equal(c[0].admin1, "Beta Province");
    size_t n = look(g, "Delta", c, 8);
    assert_int_equal(n, 2);
    assert_int_equal(c[0].geonameid, 4); /* the place, before the suffix-less parish */

    /* Countries, a continent, a landmark, a demonym. */
    assert_true(look(g, "Xaland Republic", c, 8) > 0);
    assert_string_equal(c[0].feature, "COUNTRY");
    assert_true(c[0].lat == 11.0f && c[0].lon == 21.0f);
    assert_true(look(g, "Xbland", c, 8) > 0);
    assert_string_equal(c[0].country, "XB");
    assert_true(c[0].lat == 40.0f);
    assert_true(look(g, "Big Land", c, 8) > 0);
    assert_string_equal(c[0].feature, "CONT");
    assert_int_equal(c[0].population, 0);
    assert_true(look(g, "Xstrip", c, 8) > 0);
    assert_int_equal(c[0].population, 2100000);
    assert_true(look(g, "the Palace", c, 8) > 0);
    assert_string_equal(c[0].feature, "LANDMARK");
    assert_string_equal(c[0].city, "Alphaville");
    assert_string_equal(evm_gazetteer_demonym(g, "Xalandians", 10) ? "?" : "none", "none");
    assert_string_equal(evm_gazetteer_demonym(g, "Xalandian", 9), "XA");
    assert_true(look(g, "Xalandians", c, 8) > 0);
    assert_true(c[0].demonym);

    /* Two places of one name in two countries, ranked by prior; the filter keeps one. */
    assert_int_equal(look(g, "Betatown", c, 8), 2);
    assert_string_equal(c[0].country, "XA");
    evm_lookup_opts only_xb = {"XB", false, false};
    assert_int_equal(evm_gazetteer_lookup(g, "Betatown", 8, &only_xb, c, 8), 1);
    assert_int_equal(c[0].geonameid, 5);
    evm_gazetteer_close(g);
}

static void test_source_errors(void **state)
{
    (void)state;
    write_sources();
    evm_diag d = {{0}};
    put("regions.tsv", "Xontinent\tCONTINENT\t-\t0\t0\n");
    assert_int_equal(evm_gazbuild_run(dir, index_path, NULL, &d), EVM_ERR_INPUT);
    assert_non_null(strstr(d.msg, "regions.tsv:1:"));

    write_sources();
    put("regions.tsv", "Xontinent\tCONT\t-\t0\t0\t\tmany\n");
    assert_int_equal(evm_gazbuild_run(dir, index_path, NULL, &d), EVM_ERR_INPUT);
    assert_non_null(strstr(d.msg, "regions.tsv:1: population"));

    write_sources();
    put("landmarks.tsv", "# c\nNowhere Palace\tNowhere\tXA\n");
    assert_int_equal(evm_gazbuild_run(dir, index_path, NULL, &d), EVM_ERR_INPUT);
    assert_non_null(strstr(d.msg, "landmarks.tsv:2: no such city"));

    write_sources();
    put("geonames-places.tsv.gz", "1\tAlphaville\t\t10.0\n");
    assert_int_equal(evm_gazbuild_run(dir, index_path, NULL, &d), EVM_ERR_INPUT);
    assert_non_null(strstr(d.msg, "geonames-places.tsv.gz:1: expected 10"));

    write_sources();
    char p[512];
    snprintf(p, sizeof p, "%s/demonyms.tsv", dir);
    unlink(p);
    assert_int_equal(evm_gazbuild_run(dir, index_path, NULL, &d), EVM_ERR_IO);
    assert_non_null(strstr(d.msg, "demonyms.tsv"));
    write_sources();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_build_and_lookup),
        cmocka_unit_test(test_source_errors),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
