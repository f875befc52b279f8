/* gazetteer_bench.c: benchmark of the gazetteer index (gazetteer.c): open time, exact
 * lookups per second, fuzzy lookup latency, resident memory after open. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "gazetteer.h"

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + t.tv_nsec / 1e9;
}

static long rss_kb(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long kb = -1;
    while (f && fgets(line, sizeof line, f))
        if (strncmp(line, "VmRSS:", 6) == 0)
            kb = atol(line + 6);
    if (f)
        fclose(f);
    return kb;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* A deterministic generator, so runs are comparable. */
static unsigned long long rng = 88172645463325252ull;
static unsigned next_rand(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (unsigned)rng;
}

int main(int argc, char **argv)
{
    char found[4096];
    const char *path = argc > 1 ? argv[1] : evm_gazetteer_find(found, sizeof found);
    if (!path) {
        fprintf(stderr, "gazetteer_bench: no index found (%s)\n", found);
        return 1;
    }
    long rss0 = rss_kb();
    evm_gaz *g;
    evm_diag d = {{0}};
    double t0 = now();
    if (evm_gazetteer_open(path, &g, &d)) {
        fprintf(stderr, "gazetteer_bench: %s\n", d.msg);
        return 1;
    }
    double t_open = now() - t0;
    long rss1 = rss_kb();
    /* Median open time over repeated opens (page cache warm). */
    double opens[51];
    for (int i = 0; i < 51; i++) {
        evm_gaz *h;
        t0 = now();
        evm_gazetteer_open(path, &h, &d);
        opens[i] = now() - t0;
        evm_gazetteer_close(h);
    }
    qsort(opens, 51, sizeof opens[0], cmp_double);
    /* Opening as the CLI does: header checks and the body checksum. */
    evm_gaz *vg;
    t0 = now();
    if (evm_gazetteer_open_default(path, &vg, &d)) {
        fprintf(stderr, "gazetteer_bench: %s\n", d.msg);
        return 1;
    }
    double t_verified = now() - t0;
    evm_gazetteer_close(vg);

    /* Names: every 7th entry's preferred name, as written. */
    size_t n_entries = evm_gazetteer_size(g), n_names = 0;
    char **names = malloc(sizeof *names * (n_entries / 7 + 1));
    char **keys = malloc(sizeof *keys * (n_entries / 7 + 1));
    for (size_t i = 0; i < n_entries; i += 7) {
        evm_candidate c;
        evm_gazetteer_entry(g, (uint32_t)i, &c);
        char key[EVM_GAZ_KEY_MAX];
        if (!evm_gazetteer_key(c.name, strlen(c.name), key, sizeof key))
            continue;
        names[n_names] = strdup(c.name);
        keys[n_names++] = strdup(key);
    }
    evm_candidate out[10];
    size_t hits = 0;
    int rounds = 10;
    t0 = now();
    for (int r = 0; r < rounds; r++)
        for (size_t i = 0; i < n_names; i++)
            hits += evm_gazetteer_lookup_key(g, keys[i], strlen(keys[i]), NULL, 0) > 0;
    double t_key = now() - t0;
    /* Keys that are not names (the spotter's usual case): each key with a letter added. */
    char miss[EVM_GAZ_KEY_MAX + 2];
    t0 = now();
    for (int r = 0; r < rounds; r++)
        for (size_t i = 0; i < n_names; i++) {
            size_t kn = strlen(keys[i]);
            memcpy(miss, keys[i], kn);
            miss[kn] = 'q';
            hits += evm_gazetteer_lookup_key(g, miss, kn + 1, NULL, 0) > 0;
        }
    double t_absent = now() - t0;
    t0 = now();
    for (size_t i = 0; i < n_names; i++)
        hits += evm_gazetteer_lookup(g, names[i], strlen(names[i]), NULL, out, 1) > 0;
    double t_exact = now() - t0;

    /* Fuzzy: names of 8+ bytes with one letter replaced, variants and fuzzy on. */
    size_t n_fuzzy = 0, fuzzy_found = 0;
    double *lat = malloc(sizeof *lat * 5000);
    evm_lookup_opts fo = {NULL, true, true};
    for (size_t i = 0; i < n_names && n_fuzzy < 5000; i += 3) {
        size_t n = strlen(names[i]);
        if (n < 8)
            continue;
        char buf[512];
        snprintf(buf, sizeof buf, "%s", names[i]);
        size_t at = 1 + next_rand() % (n - 2);
        if ((unsigned char)buf[at] >= 0x80 || buf[at] == ' ')
            continue;
        buf[at] = (char)('a' + next_rand() % 26);
        t0 = now();
        fuzzy_found += evm_gazetteer_lookup(g, buf, n, &fo, out, 10) > 0;
        lat[n_fuzzy++] = now() - t0;
    }
    qsort(lat, n_fuzzy, sizeof *lat, cmp_double);
    long rss2 = rss_kb();

    printf("index: %s (%zu entries)\n", path, n_entries);
    printf("open: first %.3f ms, median of 51 %.3f ms; with the body checksum "
           "(evm_gazetteer_open_default) %.1f ms\n",
           t_open * 1e3, opens[25] * 1e3, t_verified * 1e3);
    printf("rss: %ld kB before open, %ld kB after open, %ld kB after the lookups below\n", rss0,
           rss1, rss2);
    printf("exact key probes (evm_gazetteer_lookup_key): %.2f million/s (%zu keys x %d)\n",
           n_names * rounds / t_key / 1e6, n_names, rounds);
    printf("absent key probes (not a name): %.2f million/s\n", n_names * rounds / t_absent / 1e6);
    printf("exact lookups from names (evm_gazetteer_lookup: key, rank, best candidate): %.2f "
           "million/s\n",
           n_names / t_exact / 1e6);
    printf("fuzzy lookups (one letter changed, %zu names, %zu found): median %.1f us, p90 %.1f "
           "us\n",
           n_fuzzy, fuzzy_found, lat[n_fuzzy / 2] * 1e6, lat[n_fuzzy * 9 / 10] * 1e6);
    fprintf(stderr, "(%zu hits)\n", hits);
    for (size_t i = 0; i < n_names; i++) {
        free(names[i]);
        free(keys[i]);
    }
    free(names);
    free(keys);
    free(lat);
    evm_gazetteer_close(g);
    return 0;
}
