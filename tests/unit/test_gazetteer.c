/* test_gazetteer.c: the gazetteer index (gazetteer.c): keys, variant keys, the issue's
 * lookup cases, demonyms, prefixes, and clear errors for broken index files. */
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

static evm_gaz *gaz;
static char gaz_path[4096];

static int setup(void **state)
{
    (void)state;
    snprintf(gaz_path, sizeof gaz_path, "%s/%s", EVM_BUILD_DIR, EVM_GAZ_FILE);
    evm_diag d = {{0}};
    if (evm_gazetteer_open(gaz_path, &gaz, &d) != EVM_OK) {
        fprintf(stderr, "%s\n", d.msg);
        return -1;
    }
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    evm_gazetteer_close(gaz);
    return 0;
}

static const char *key_of(const char *s)
{
    static char buf[EVM_GAZ_KEY_MAX];
    evm_gazetteer_key(s, strlen(s), buf, sizeof buf);
    return buf;
}

static void test_keys(void **state)
{
    (void)state;
    assert_string_equal(key_of("St. Petersburg"), "saint petersburg");
    assert_string_equal(key_of("Saint-Petersburg"), "saint petersburg");
    assert_string_equal(key_of("ST PETERSBURG"), "saint petersburg");
    assert_string_equal(key_of("Ste-Foy"), "saint foy");
    assert_string_equal(key_of("Dnipró"), "dnipro");
    assert_string_equal(key_of("Kyiv's"), "kyiv");
    assert_string_equal(key_of("Kyiv’s"), "kyiv");
    assert_string_equal(key_of("Côte d'Ivoire"), "cote divoire");
    assert_string_equal(key_of("U.S."), "us");
    assert_string_equal(key_of("the Hague"), "hague");
    assert_string_equal(key_of("Democratic Republic of the Congo"), "democratic republic of congo");
    assert_string_equal(key_of("The"), "the");
    assert_string_equal(key_of("Bay of the"), "bay of");
    assert_string_equal(key_of("Київ"), "киів");
    assert_string_equal(key_of("  Rapides   Parish, "), "rapides parish");
    assert_string_equal(key_of("Łódź"), "lodz");
    assert_string_equal(key_of("Loudon Co."), "loudon county");
    assert_string_equal(key_of("Madison Twp."), "madison township");
    assert_string_equal(key_of("Co."), "co");
    char small[4];
    assert_int_equal(evm_gazetteer_key("Petersburg", 10, small, sizeof small), 0);
    assert_int_equal(evm_gazetteer_key("--", 2, small, sizeof small), 0);
}

/* The key of w[0..n) with cap bytes, into out; its length. */
static size_t key_n(const char *w, size_t n, char *out, size_t cap)
{
    return evm_gazetteer_key(w, n, out, cap);
}

/* ASCII words of letters and digits (and what the key trims after them) take a fast path;
 * with a space before them (which the key drops) they take the general one. Both must
 * agree on every such name. */
static void check_fast_path(const char *w, size_t cap)
{
    size_t n = strlen(w);
    char padded[EVM_GAZ_KEY_MAX + 8];
    char fast[EVM_GAZ_KEY_MAX + 8], slow[EVM_GAZ_KEY_MAX + 8];
    assert_true(n + 2 <= sizeof padded && cap <= sizeof fast);
    size_t fn = key_n(w, n, fast, cap);
    memcpy(padded, w, n);
    padded[n] = ' ';
    size_t sn = key_n(padded, n + 1, slow, cap);
    assert_int_equal(fn, sn);
    assert_string_equal(fast, slow);
    padded[0] = ' ';
    memcpy(padded + 1, w, n);
    sn = key_n(padded, n + 1, slow, cap);
    assert_int_equal(fn, sn);
    assert_string_equal(fast, slow);
}

static void test_key_fast_path(void **state)
{
    (void)state;
    static const char *const words[] = {
        "Paris",
        "PARIS",
        "paris",
        "St",
        "ST",
        "st",
        "sT",
        "Mt",
        "MT",
        "Ft",
        "ft",
        "Ste",
        "STE",
        "Sainte",
        "SAINTE",
        "Saint",
        "The",
        "the",
        "THE",
        "Co",
        "co",
        "Twp",
        "Cnty",
        "A",
        "a",
        "Z",
        "0",
        "2024",
        "B52",
        "Sts",
        "Mts",
        "Stes",
        "Saintes",
        "St1",
        "1st",
        "M",
        /* several words: "the", abbreviations and a final "Co." are rewritten */
        "New York",
        "NEW YORK CITY",
        "St Louis",
        "Mount St Helens",
        "Loudon Co",
        "Loudon Cnty",
        "Madison Twp",
        "Co Kerry",
        "Twp Road",
        "The Hague",
        "Bay of the",
        "Ste Foy",
        "Sainte Anne",
        "Ft Worth",
        "Mt Vernon",
        "Theodore Roosevelt",
        "Cole County",
        "a b c",
        "City of 42",
        "Port Au Prince",
        "Coco",
        "Twpx",
        "Mst",
        "Sto",
        /* what the key trims after a name */
        "Ukraine's",
        "UKRAINE'S",
        "Kyiv\xe2\x80\x99s",
        "Calif.",
        "Paris.",
        "Paris,",
        "Paris)",
        "Paris\"",
        "Paris.)",
        "St.",
        "U.S.",
        "Washington's.",
        "New York's",
        "it's",
        "'s",
        "s",
        "Co.",
        "Loudon Co.",
        "Loudon Co's",
        "a's",
        "Mt.'s",
        "Boss",
        "James's's",
        "O'Brien",
        "Cote d'Ivoire",
        "the.",
        "The Hague's",
        "x \xe2\x80\x99s",
        "\xe2\x80\x99s",
        "Paris ,",
        "Paris.,",
        "Paris\xe2\x80\x99S",
        "New York'S)",
        "New  York's",
        "Kyiv\xe2\x80\x98s",
    };
    for (size_t k = 0; k < sizeof words / sizeof words[0]; k++) {
        check_fast_path(words[k], EVM_GAZ_KEY_MAX);
        check_fast_path(words[k], strlen(words[k]) + 1);
        check_fast_path(words[k], strlen(words[k]));
    }
    /* every letter and digit alone, and random words of them, short and at the limits */
    static const char alnum[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    static const char *const parts[] = {"St",
                                        "the",
                                        "Co",
                                        "TWP",
                                        "cnty",
                                        "Ste",
                                        "sainte",
                                        "mt",
                                        "FT",
                                        "New",
                                        "York",
                                        "x",
                                        "9",
                                        "Saint",
                                        "York's",
                                        "Paris.",
                                        "s",
                                        "U.S.",
                                        "Kyiv\xe2\x80\x99s"};
    char w[EVM_GAZ_KEY_MAX + 16]; /* random words up to EVM_GAZ_KEY_MAX + 3 bytes */
    for (size_t k = 0; k < sizeof alnum - 1; k++) {
        w[0] = alnum[k];
        w[1] = '\0';
        check_fast_path(w, EVM_GAZ_KEY_MAX);
    }
    uint32_t seed = 12345;
    for (int round = 0; round < 3000; round++) {
        size_t n =
            round < 2990 ? (size_t)(1 + round % 12) : (size_t)(EVM_GAZ_KEY_MAX - 6 + round % 10);
        for (size_t k = 0; k < n; k++) {
            seed = seed * 1103515245u + 12345u;
            w[k] = alnum[(seed >> 16) % (sizeof alnum - 1)];
        }
        w[n] = '\0';
        check_fast_path(w, EVM_GAZ_KEY_MAX);
        check_fast_path(w, n + 1 <= EVM_GAZ_KEY_MAX ? n + 1 : EVM_GAZ_KEY_MAX);
    }
    /* random names of one to four words, from words the key rewrites and others */
    for (int round = 0; round < 3000; round++) {
        size_t n = 0;
        seed = seed * 1103515245u + 12345u;
        size_t nw = 1 + (seed >> 16) % 4;
        for (size_t k = 0; k < nw; k++) {
            seed = seed * 1103515245u + 12345u;
            const char *p = parts[(seed >> 16) % (sizeof parts / sizeof parts[0])];
            if (k)
                w[n++] = ' ';
            memcpy(w + n, p, strlen(p));
            n += strlen(p);
        }
        w[n] = '\0';
        check_fast_path(w, EVM_GAZ_KEY_MAX);
        check_fast_path(w, n + 1);
        check_fast_path(w, n);
    }
    /* spaces the fast path leaves to the general one */
    assert_string_equal(key_of("New  York"), "new york");
    assert_string_equal(key_of(" New York"), "new york");
    assert_string_equal(key_of("Loudon Co"), "loudon county");
    assert_string_equal(key_of("St Louis"), "saint louis");
    assert_string_equal(key_of("the"), "the");
    /* not one word of letters and digits: the general path ("U.S.", "Kyiv's", "Łódź") */
    assert_string_equal(key_of("Mt"), "mount");
    assert_string_equal(key_of("FT"), "fort");
    assert_string_equal(key_of("Stes"), "stes");
}

static const char *variant_of(const char *s)
{
    static char bufs[2][EVM_GAZ_KEY_MAX];
    static int which;
    char *buf = bufs[which ^= 1];
    const char *k = key_of(s);
    evm_gazetteer_variant_key(k, strlen(k), buf, EVM_GAZ_KEY_MAX);
    return buf;
}

static void test_variant_keys(void **state)
{
    (void)state;
    assert_string_equal(variant_of("Kryvyi Rig"), variant_of("Kryvyy Rih"));
    assert_string_equal(variant_of("Кривий Ріг"), variant_of("Kryvyi Rih"));
    assert_string_equal(variant_of("Kharkiv"), variant_of("Harkiv"));
    assert_string_equal(variant_of("Zaporizhzhia"), variant_of("Zaporizhia"));
    assert_string_not_equal(variant_of("Paris"), variant_of("Berlin"));
}

/* The first candidate for a name with variants and fuzzy matching on. */
static size_t look(const char *name, const char *cc, evm_candidate *c, size_t max)
{
    evm_lookup_opts o = {cc, true, true};
    return evm_gazetteer_lookup(gaz, name, strlen(name), &o, c, max);
}

static void expect_first(const char *name, int64_t geonameid, evm_match m)
{
    evm_candidate c[10];
    size_t n = look(name, NULL, c, 10);
    if (n == 0 || c[0].geonameid != geonameid)
        fail_msg("%s: expected %lld first, got %lld (%s)", name, (long long)geonameid,
                 n ? (long long)c[0].geonameid : -2LL, n ? c[0].name : "nothing");
    assert_int_equal(c[0].match, m);
}

static void test_issue_cases(void **state)
{
    (void)state;
    expect_first("Kryvyi Rig", 703845, EVM_MATCH_VARIANT);
    expect_first("Kiev", 703448, EVM_MATCH_ALTERNATE);
    expect_first("Київ", 703448, EVM_MATCH_ALTERNATE);
    expect_first("Kyiv", 703448, EVM_MATCH_EXACT);
    expect_first("Dnepropetrovsk", 709930, EVM_MATCH_ALTERNATE);
    expect_first("St. Petersburg", 498817, EVM_MATCH_EXACT);
    expect_first("Paris", 2988507, EVM_MATCH_EXACT);
    /* Other spellings in news, and a city whose oblast bears its other spelling. */
    expect_first("Krivoy Rog", 703845, EVM_MATCH_ALTERNATE);
    expect_first("Kharkov", 706483, EVM_MATCH_ALTERNATE);
    expect_first("Zaporizhzhia", 687700, EVM_MATCH_ALTERNATE);
    expect_first("Vinnitsa", 689558, EVM_MATCH_VARIANT);

    evm_candidate c[20];
    size_t n = look("Paris", NULL, c, 20);
    bool texas = false;
    for (size_t i = 0; i < n; i++)
        texas |= strcmp(c[i].country, "US") == 0 && strcmp(c[i].admin1, "Texas") == 0;
    assert_true(texas);
    for (size_t i = 1; i < n; i++)
        assert_true(c[i - 1].score >= c[i].score);
}

static void expect_country(const char *name, const char *cc)
{
    evm_candidate c[5];
    size_t n = look(name, NULL, c, 5);
    assert_true(n > 0);
    assert_string_equal(c[0].feature, "COUNTRY");
    assert_int_equal(c[0].level, EVM_GEO_COUNTRY);
    assert_string_equal(c[0].country, cc);
    assert_int_equal(c[0].geonameid, -1);
}

static void test_countries_and_regions(void **state)
{
    (void)state;
    expect_country("Britain", "GB");
    expect_country("UK", "GB");
    expect_country("United States", "US");
    expect_country("Ukraine", "UA");
    expect_country("Ivory Coast", "CI");

    evm_candidate c[5];
    const char *admin_forms[] = {"Donetsk Oblast", "Donetsk region", "Donetsk oblast"};
    for (size_t i = 0; i < 3; i++) {
        assert_true(look(admin_forms[i], NULL, c, 5) > 0);
        assert_string_equal(c[0].feature, "ADM1");
        assert_string_equal(c[0].country, "UA");
        assert_string_equal(c[0].admin1_code, "05");
        /* A point inside the oblast (48.0N 37.8E is Donetsk city). */
        assert_true(c[0].lat > 46.8 && c[0].lat < 49.3 && c[0].lon > 36.5 && c[0].lon < 39.0);
    }

    assert_true(look("Europe", NULL, c, 5) > 0);
    assert_string_equal(c[0].feature, "CONT");
    assert_int_equal(c[0].level, EVM_GEO_REGION);

    assert_true(look("Kremlin", NULL, c, 5) > 0);
    assert_string_equal(c[0].feature, "LANDMARK");
    assert_string_equal(c[0].city, "Moscow");
    assert_string_equal(c[0].country, "RU");
    assert_true(c[0].lat > 55.5 && c[0].lat < 56.0 && c[0].lon > 37.3 && c[0].lon < 37.9);

    /* A parish with and without its type word; the bare form ranks lower. */
    assert_true(look("Rapides Parish", NULL, c, 5) > 0);
    assert_string_equal(c[0].feature, "ADM2");
    assert_string_equal(c[0].admin1, "Louisiana");
    float exact = c[0].score;
    size_t n = look("Rapides", "US", c, 5);
    assert_true(n > 0);
    for (size_t i = 0; i < n; i++)
        if (strcmp(c[i].feature, "ADM2") == 0)
            assert_true(c[i].score < exact);
}

static void test_country_filter(void **state)
{
    (void)state;
    evm_candidate c[10];
    size_t n = look("Paris", "US", c, 10);
    assert_true(n > 0);
    for (size_t i = 0; i < n; i++)
        assert_string_equal(c[i].country, "US");
    assert_int_equal(look("Paris", "ZZ", c, 10), 0);
}

static void test_nothing_near(void **state)
{
    (void)state;
    evm_candidate c[5];
    assert_int_equal(look("Xqzvbrt Plonkwuff", NULL, c, 5), 0);
    assert_int_equal(look("Zzyzzyqqx", NULL, c, 5), 0);
    assert_int_equal(look("", NULL, c, 5), 0);
    assert_int_equal(look("!!!", NULL, c, 5), 0);
}

static void test_fuzzy(void **state)
{
    (void)state;
    evm_candidate c[5];
    /* One letter dropped from a long name. */
    assert_true(look("Dnipropetrovk", NULL, c, 5) > 0);
    assert_int_equal(c[0].match, EVM_MATCH_FUZZY);
    assert_int_equal(c[0].distance, 1);
    /* Short names never match fuzzily. */
    evm_lookup_opts o = {NULL, false, true};
    assert_int_equal(evm_gazetteer_lookup(gaz, "Kyv", 3, &o, c, 5), 0);
}

/* The longest match's probe answers as the two lookups it stands for. */
static void test_probe_key(void **state)
{
    (void)state;
    static const char *const keys[] = {"new",        "new york",       "new yor",       "kryvyy",
                                       "kryvyi rih", "donetsk oblast", "paris",         "qqqzzz",
                                       "saint",      "united",         "united states", "x"};
    for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++) {
        size_t n = strlen(keys[k]), nc = 99;
        bool prefix = evm_gazetteer_probe_key(gaz, keys[k], n, &nc);
        assert_int_equal(prefix, evm_gazetteer_has_prefix(gaz, keys[k], n));
        assert_int_equal(nc, evm_gazetteer_lookup_key(gaz, keys[k], n, NULL, 0));
        assert_int_equal(evm_gazetteer_probe_key(gaz, keys[k], n, NULL), prefix);
    }
    size_t nc = 99;
    assert_false(evm_gazetteer_probe_key(gaz, "", 0, &nc));
    assert_int_equal(nc, 0);
    assert_true(evm_gazetteer_probe_key(gaz, "new", 3, NULL));
}

/* The keys of a text's prefixes from evm_gazetteer_keys_next, asked in the order given by
 * `step` (1: shortest first; else a scrambled order), equal evm_gazetteer_key's. */
static void check_prefix_keys(const char *s, size_t n, size_t step)
{
    evm_gaz_keys ks;
    evm_gazetteer_keys_start(&ks, s);
    for (size_t k = 0; k <= n; k++) {
        size_t m = step == 1 ? k : (k * step) % (n + 1);
        char want[EVM_GAZ_KEY_MAX];
        size_t wn = evm_gazetteer_key(s, m, want, sizeof want);
        const char *got;
        uint64_t h;
        size_t gn = evm_gazetteer_keys_next(&ks, m, &got, &h);
        if (gn != wn || strcmp(got, want) != 0)
            fail_msg("prefix %zu of \"%.*s\": \"%s\" (%zu), want \"%s\" (%zu)", m, (int)n, s, got,
                     gn, want, wn);
        if (wn)
            assert_true(h == evm_gazetteer_key_hash(want, wn));
    }
}

/* The longest match builds the keys of growing n-grams one from the other: every prefix
 * of names with UTF-8, possessives, hyphens, periods, rewritten words and odd spacing. */
static void test_prefix_keys(void **state)
{
    (void)state;
    static const char *const texts[] = {
        "New York City",
        "St. Petersburg's mayor",
        "Kyiv's",
        "Kyiv’s region",
        "Kyiv'S",
        "Côte d'Ivoire",
        "U.S.-Mexico border",
        "Saint-Petersburg",
        "The Hague",
        "the Hague",
        "Loudon Co.",
        "Loudon Co. Schools",
        "Madison Twp. fire",
        "Cnty Cnty",
        "Democratic Republic of the Congo",
        "Bay of the",
        "  Rapides   Parish, ",
        "Київ and Lviv",
        "Paris,  Texas",
        "Mt Everest",
        "ST PETERSBURG",
        "Ste Foy",
        "Sainte Foy",
        "Fort Worth (Texas)",
        "\"Lviv\"",
        "Kryvyi Rih.",
        "A B C D E",
        "Ft. Worth",
        "new york's times",
        "The",
        "THE.",
        "In the",
        "co the",
        "Loudon co the",
        "the the",
        "St the",
        "The Hague's",
    };
    for (size_t t = 0; t < sizeof texts / sizeof texts[0]; t++) {
        size_t n = strlen(texts[t]);
        check_prefix_keys(texts[t], n, 1);
        check_prefix_keys(texts[t], n, 7);
    }
    /* past the fast path's length: 300 bytes of words */
    char long_text[301];
    for (size_t i = 0; i < 300; i++)
        long_text[i] = (i % 6 == 5) ? ' ' : (char)('a' + i % 7);
    long_text[300] = '\0';
    check_prefix_keys(long_text, 300, 1);
    /* random names from pieces the key treats specially */
    static const char *const pieces[] = {"new", " ",   "york", "'s",   "’s",   ".",  "-",  "St",
                                         "the", "co",  "twp",  "Co",   "é",    ",",  ")",  "\"",
                                         "A",   "Ste", "x",    "  ",   "U.S",  "Mt", "ft", "sainte",
                                         "S",   "'",   "THE",  "cnty", "Київ", "1",  "ß",  "9th"};
    unsigned seed = 12345;
    for (int k = 0; k < 3000; k++) {
        char text[128];
        size_t n = 0;
        seed = seed * 1103515245u + 12345u;
        int parts = 1 + (int)((seed >> 16) % 7);
        for (int p = 0; p < parts; p++) {
            seed = seed * 1103515245u + 12345u;
            const char *piece = pieces[(seed >> 16) % (sizeof pieces / sizeof pieces[0])];
            size_t pl = strlen(piece);
            if (n + pl >= sizeof text)
                break;
            memcpy(text + n, piece, pl);
            n += pl;
        }
        text[n] = '\0';
        check_prefix_keys(text, n, 1);
        check_prefix_keys(text, n, 5);
    }
}

/* Does candidate a rank strictly before b by prior, then population? */
static bool ranks_before(const evm_candidate *a, const evm_candidate *b)
{
    return a->prior > b->prior || (a->prior == b->prior && a->population > b->population);
}

/* The spotter's ranking: by prior then population, the best `max` of all the postings. */
static void test_by_prior(void **state)
{
    (void)state;
    static const char *const keys[] = {"springfield", "washington", "paris",   "london",
                                       "georgia",     "kyiv",       "new york"};
    static evm_candidate all[512], best[48];
    for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++) {
        size_t kn = strlen(keys[k]);
        size_t total = evm_gazetteer_lookup_key(gaz, keys[k], kn, all, 512);
        assert_true(total > 0 && total <= 512);
        for (size_t max = 1; max <= 48; max += 47) {
            size_t nb = evm_gazetteer_lookup_key_by_prior(gaz, keys[k], kn, 256, best, max);
            assert_int_equal(nb, total < max ? total : max);
            for (size_t i = 1; i < nb; i++)
                assert_false(ranks_before(&best[i], &best[i - 1]));
            /* every candidate left out ranks no better than the last one kept */
            for (size_t a = 0; a < total; a++) {
                bool kept = false;
                for (size_t b = 0; b < nb; b++)
                    kept |= best[b].entry == all[a].entry;
                if (!kept)
                    assert_false(ranks_before(&all[a], &best[nb - 1]));
            }
        }
    }
    evm_candidate c[4];
    assert_int_equal(evm_gazetteer_lookup_key_by_prior(gaz, "qqqzzz", 6, 256, c, 4), 0);
    assert_int_equal(evm_gazetteer_lookup_key_by_prior(gaz, "paris", 5, 256, c, 0), 0);
}

static void test_spotter_api(void **state)
{
    (void)state;
    assert_true(evm_gazetteer_has_prefix(gaz, "new", 3));
    assert_true(evm_gazetteer_has_prefix(gaz, "kryvyy", 6));
    assert_false(evm_gazetteer_has_prefix(gaz, "donetsk oblast", 14));
    assert_false(evm_gazetteer_has_prefix(gaz, "qqqzzz", 6));
    evm_candidate c[4];
    assert_true(evm_gazetteer_lookup_key(gaz, "new york", 8, c, 4) > 0);
    assert_int_equal(evm_gazetteer_lookup_key(gaz, "new yor", 7, NULL, 0), 0);

    const char *cc = evm_gazetteer_demonym(gaz, "Ukrainian", 9);
    assert_non_null(cc);
    assert_string_equal(cc, "UA");
    assert_string_equal(evm_gazetteer_demonym(gaz, "RUSSIAN", 7), "RU");
    assert_null(evm_gazetteer_demonym(gaz, "Table", 5));

    /* Nationality words find their country, flagged as such. */
    assert_true(look("Ukrainians", NULL, c, 4) > 0);
    assert_string_equal(c[0].feature, "COUNTRY");
    assert_string_equal(c[0].country, "UA");
    assert_true(c[0].demonym);
    assert_true(look("Ukraine", NULL, c, 4) > 0);
    assert_false(c[0].demonym);

    /* A dotted state abbreviation prefers the abbreviation table. */
    assert_true(look("Tenn.", NULL, c, 4) > 0);
    assert_string_equal(c[0].feature, "ADM1");
    assert_string_equal(c[0].name, "Tennessee");
    assert_true(c[0].abbrev);

    /* Countries and admin regions by GeoNames code, for context in resolution. */
    assert_true(evm_gazetteer_code(gaz, "UA", &c[0]));
    assert_string_equal(c[0].feature, "COUNTRY");
    assert_true(evm_gazetteer_code(gaz, "UA.05", &c[0]));
    assert_string_equal(c[0].name, "Donetsk Oblast");
    assert_true(evm_gazetteer_code(gaz, "US.LA.079", &c[0]));
    assert_string_equal(c[0].name, "Rapides Parish");
    assert_false(evm_gazetteer_code(gaz, "ZZ.99", &c[0]));
    assert_int_equal(evm_gazetteer_lookup_key(gaz, "ua", 2, NULL, 0), 0);

    evm_place p;
    assert_true(look("Kyiv", NULL, c, 1) == 1);
    evm_gazetteer_to_place(&c[0], &p);
    assert_int_equal(p.geonameid, 703448);
    assert_string_equal(p.country, "UA");
    assert_true(p.capital);
    assert_string_equal(p.feature, "PPLC");
}

/* ---- broken index files ------------------------------------------------------------- */

static char tmpdir[4096];

static void write_bytes(const char *path, const void *p, size_t n)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(p, 1, n, f), n);
    fclose(f);
}

static unsigned char *read_all(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    *n = (size_t)ftell(f);
    fseek(f, 0, SEEK_SET);
    unsigned char *p = malloc(*n);
    assert_int_equal(fread(p, 1, *n, f), *n);
    fclose(f);
    return p;
}

/* Opens path, expects EVM_ERR_GAZ and a message naming the file, the problem and a fix. */
static void expect_open_error(const char *path, const char *what)
{
    evm_gaz *g = NULL;
    evm_diag d = {{0}};
    assert_int_equal(evm_gazetteer_open(path, &g, &d), EVM_ERR_GAZ);
    assert_null(g);
    if (!strstr(d.msg, path) || !strstr(d.msg, what) || !strstr(d.msg, "evmap-gazbuild"))
        fail_msg("unclear message for %s: %s", what, d.msg);
}

static void test_broken_files(void **state)
{
    (void)state;
    snprintf(tmpdir, sizeof tmpdir, "/tmp/evm_gaz_XXXXXX");
    assert_non_null(mkdtemp(tmpdir));
    char path[4200];
    size_t n;
    unsigned char *good = read_all(gaz_path, &n);

    snprintf(path, sizeof path, "%s/missing.bin", tmpdir);
    expect_open_error(path, "no such file");

    snprintf(path, sizeof path, "%s/tiny.bin", tmpdir);
    write_bytes(path, good, 10);
    expect_open_error(path, "truncated");

    snprintf(path, sizeof path, "%s/half.bin", tmpdir);
    write_bytes(path, good, n / 2);
    expect_open_error(path, "truncated");

    snprintf(path, sizeof path, "%s/magic.bin", tmpdir);
    unsigned char *bad = malloc(n);
    memcpy(bad, good, n);
    memcpy(bad, "NOTEVMAP", 8);
    write_bytes(path, bad, n);
    expect_open_error(path, "corrupt");

    snprintf(path, sizeof path, "%s/header.bin", tmpdir);
    memcpy(bad, good, n);
    bad[offsetof(evm_gaz_header, sec) + 3] ^= 0x40;
    write_bytes(path, bad, n);
    expect_open_error(path, "corrupt");

    snprintf(path, sizeof path, "%s/version.bin", tmpdir);
    memcpy(bad, good, n);
    uint32_t v = EVM_GAZ_VERSION + 1;
    memcpy(bad + offsetof(evm_gaz_header, version), &v, sizeof v);
    write_bytes(path, bad, n);
    expect_open_error(path, "wrong version");

    /* A flipped byte in the body: the header is fine, verify finds it. */
    snprintf(path, sizeof path, "%s/body.bin", tmpdir);
    memcpy(bad, good, n);
    bad[n - 100] ^= 0x01;
    write_bytes(path, bad, n);
    evm_gaz *g = NULL;
    evm_diag d = {{0}};
    assert_int_equal(evm_gazetteer_open(path, &g, &d), EVM_OK);
    assert_int_equal(evm_gazetteer_verify(g, &d), EVM_ERR_GAZ);
    assert_non_null(strstr(d.msg, "corrupt"));
    assert_non_null(strstr(d.msg, path));
    evm_gazetteer_close(g);
    assert_int_equal(evm_gazetteer_verify(gaz, &d), EVM_OK);

    const char *names[] = {"tiny", "half", "magic", "header", "version", "body"};
    for (size_t i = 0; i < 6; i++) {
        snprintf(path, sizeof path, "%s/%s.bin", tmpdir, names[i]);
        unlink(path);
    }
    rmdir(tmpdir);
    free(bad);
    free(good);
}

/* The body checksum sees every bit of every length: a flip in a 32-byte block's lanes, in
 * the words after the last block or in the last bytes changes it, and so does the length. */
static void test_checksum(void **state)
{
    (void)state;
    unsigned char buf[200];
    for (size_t i = 0; i < sizeof buf; i++)
        buf[i] = (unsigned char)(i * 37 + 11);
    for (size_t n = 0; n <= 100; n++) {
        uint64_t sum = evm_gaz_checksum(buf, n);
        assert_int_equal(evm_gaz_checksum(buf, n), sum);
        if (n > 0)
            assert_true(evm_gaz_checksum(buf, n - 1) != sum);
        for (size_t i = 0; i < n; i++)
            for (int bit = 0; bit < 8; bit++) {
                buf[i] ^= (unsigned char)(1u << bit);
                if (evm_gaz_checksum(buf, n) == sum)
                    fail_msg("flipping bit %d of byte %zu of %zu leaves the checksum", bit, i, n);
                buf[i] ^= (unsigned char)(1u << bit);
            }
    }
    /* two words swapped between lanes are not the same body */
    unsigned char a[64], b[64];
    memset(a, 0, sizeof a);
    memcpy(a, "EVMGAZ-1", 8);
    memcpy(b, a, sizeof a);
    memcpy(b, a + 8, 8);
    memcpy(b + 8, a, 8);
    assert_true(evm_gaz_checksum(a, sizeof a) != evm_gaz_checksum(b, sizeof b));

    /* nor are two words of one lane swapped between blocks */
    memcpy(b, a, sizeof a);
    memcpy(b, a + 32, 8);
    memcpy(b + 32, a, 8);
    assert_true(evm_gaz_checksum(a, sizeof a) != evm_gaz_checksum(b, sizeof b));

    /* The function is part of the index format (version 6: Fletcher-style lane sums): its
     * values stay what they are (lengths around a block and a few blocks). */
    static const struct {
        size_t n;
        uint64_t sum;
    } known[] = {
        {0, 0x41acd08980c2af33ull},   {7, 0xf6890368fa590948ull},   {8, 0xce6a674372bf92ceull},
        {33, 0x5981c6dcf2a065bdull},  {255, 0x3234f033b2e139ddull}, {256, 0x008d499969bd1839ull},
        {257, 0xe108ad412998939cull}, {520, 0x8b0e70e8702b60aeull}, {600, 0x2ba3b980fe7a8030ull}};
    unsigned char big[600];
    for (size_t i = 0; i < sizeof big; i++)
        big[i] = (unsigned char)(i * 37 + 11);
    for (size_t k = 0; k < sizeof known / sizeof known[0]; k++)
        if (evm_gaz_checksum(big, known[k].n) != known[k].sum)
            fail_msg("checksum of %zu bytes changed", known[k].n);
}

static void test_find(void **state)
{
    (void)state;
    char buf[4096];
    setenv("EVMAP_GAZETTEER", gaz_path, 1);
    assert_non_null(evm_gazetteer_find(buf, sizeof buf));
    assert_string_equal(buf, gaz_path);
    setenv("EVMAP_GAZETTEER", "/nonexistent/gazetteer.bin", 1);
    assert_null(evm_gazetteer_find(buf, sizeof buf));
    assert_string_equal(buf, "/nonexistent/gazetteer.bin");
    unsetenv("EVMAP_GAZETTEER");
    assert_non_null(evm_gazetteer_find(buf, sizeof buf));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_keys),
        cmocka_unit_test(test_key_fast_path),
        cmocka_unit_test(test_variant_keys),
        cmocka_unit_test(test_issue_cases),
        cmocka_unit_test(test_countries_and_regions),
        cmocka_unit_test(test_country_filter),
        cmocka_unit_test(test_nothing_near),
        cmocka_unit_test(test_fuzzy),
        cmocka_unit_test(test_spotter_api),
        cmocka_unit_test(test_by_prior),
        cmocka_unit_test(test_probe_key),
        cmocka_unit_test(test_prefix_keys),
        cmocka_unit_test(test_broken_files),
        cmocka_unit_test(test_find),
        cmocka_unit_test(test_checksum),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
