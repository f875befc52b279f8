/* export_bench.c: benchmark of the export stage: writes N synthetic events (default
 * 100,000; strikes and meetings over 2,000 places) to GeoJSON and to GeoPackage with
 * evm_layers_write and prints the wall-clock and CPU time and the size of each (medians
 * of RUNS runs).
 *   bench_export [N] [RUNS] [DIR] */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "batch.h"
#include "layers.h"

static evm_batch *synthetic(size_t n_events, size_t n_places)
{
    evm_batch *b = evm_batch_new("bench");
    unsigned seed = 12345;
    for (size_t i = 0; i < n_places; i++) {
        evm_place p = {0};
        char name[32];
        snprintf(name, sizeof name, "Place %zu", i);
        p.geonameid = (int64_t)(100000 + i);
        p.name = name;
        memcpy(p.country, i % 2 ? "UA" : "RU", 3);
        p.admin1 = "Some Oblast";
        p.feature = "PPL";
        seed = seed * 1103515245u + 12345u;
        p.lat = 44.0 + (seed >> 8) % 10000 / 1000.0;
        seed = seed * 1103515245u + 12345u;
        p.lon = 22.0 + (seed >> 8) % 20000 / 1000.0;
        p.population = (int64_t)(1000 + i * 37);
        int k = evm_batch_place(b, &p);
        b->store->places[k].mentions = 1 + (uint32_t)(i % 5);
        b->store->places[k].best_score = 0.5f;
    }
    static evm_participant people[] = {{"First Person", "minister"}, {"Second Person", ""}};
    for (size_t i = 0; i < n_events; i++) {
        evm_event *e = evm_doc_add_event(b->store);
        bool strike = i % 4 != 0;
        e->kind = strike ? EVM_EVENT_STRIKE : EVM_EVENT_MEETING;
        e->id = evm_doc_printf(b->store, "%s-%08zx", strike ? "s" : "m", i * 2654435761u);
        e->subtype = strike ? "drone strike" : "talks";
        e->date = (evm_date){2025, (int8_t)(1 + i % 12), (int8_t)(1 + i % 28), EVM_DATE_DAY};
        e->place = (int32_t)(i % n_places);
        e->mention = -1;
        e->place_mention = b->store->places[e->place].name;
        e->killed = strike && i % 3 ? (int32_t)(i % 50) : -1;
        e->injured = strike && i % 5 ? (int32_t)(i % 80) : -1;
        e->weapon = strike ? "drone" : NULL;
        e->actor = strike ? "Russia" : NULL;
        e->cameo = strike ? "195" : "043";
        e->acled_sub_event = strike ? "Air/drone strike" : NULL;
        if (!strike) {
            e->participants = people;
            e->n_participants = 2;
        }
        evm_source *s = evm_doc_alloc(b->store, sizeof *s);
        *s = (evm_source){"article", (uint32_t)(i % 40), (uint32_t)(i % 4000),
                          (uint32_t)(i % 4000 + 120)};
        e->sources = s;
        e->n_sources = 1;
        e->confidence = 0.75f;
    }
    b->events = b->store->events;
    b->n_events = b->store->n_events;
    return b;
}

static double clock_s(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Total size of the files in dir whose name ends with one of the suffixes. */
static long long size_of(const char *dir, const char *suffix)
{
    DIR *d = opendir(dir);
    long long total = 0;
    struct dirent *de;
    while (d && (de = readdir(d)) != NULL) {
        size_t n = strlen(de->d_name), m = strlen(suffix);
        if (n < m || strcmp(de->d_name + n - m, suffix) != 0)
            continue;
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
        struct stat st;
        if (stat(path, &st) == 0)
            total += st.st_size;
    }
    if (d)
        closedir(d);
    return total;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
    size_t n = argc > 1 ? strtoul(argv[1], NULL, 10) : 100000;
    int runs = argc > 2 ? atoi(argv[2]) : 3;
    const char *dir = argc > 3 ? argv[3] : "bench-export-out";
    if (runs < 1 || runs > 50)
        runs = 3;
    evm_batch *b = synthetic(n, 2000);
    printf("events: %zu (%zu strikes, %zu meetings), places: %zu\n", n,
           evm_batch_count(b, EVM_EVENT_STRIKE), evm_batch_count(b, EVM_EVENT_MEETING),
           b->n_places);
    const char *formats[] = {"GeoJSON", "GPKG"};
    const char *suffix[] = {".geojson", ".gpkg"};
    for (int f = 0; f < 2; f++) {
        double t[50], cpu[50];
        for (int r = 0; r < runs; r++) {
            evm_layers_opts o;
            evm_layers_opts_init(&o);
            o.format = formats[f];
            o.gpkg = false;
            o.styles = false;
            evm_diag diag = {{0}};
            double t0 = clock_s(CLOCK_MONOTONIC), c0 = clock_s(CLOCK_PROCESS_CPUTIME_ID);
            evm_err rc = evm_layers_write(b, dir, &o, &diag);
            t[r] = clock_s(CLOCK_MONOTONIC) - t0;
            cpu[r] = clock_s(CLOCK_PROCESS_CPUTIME_ID) - c0;
            if (rc != EVM_OK) {
                fprintf(stderr, "bench_export: %s\n", diag.msg);
                return 1;
            }
        }
        qsort(t, (size_t)runs, sizeof t[0], cmp_double);
        qsort(cpu, (size_t)runs, sizeof cpu[0], cmp_double);
        printf("%-8s median %.2f s (min %.2f, max %.2f, %d runs), CPU %.2f s, %.1f MB\n",
               formats[f], t[runs / 2], t[0], t[runs - 1], runs, cpu[runs / 2],
               (double)size_of(dir, suffix[f]) / 1e6);
    }
    evm_batch_free(b);
    return 0;
}
