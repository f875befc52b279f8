/* events_bench.c: benchmark of the event stage against geoparsing: reads JSONL articles,
 * times segment+spot+resolve and then extract on each, and prints both totals and their
 * ratio (the budget: extraction adds at most half of geoparsing time).
 *
 *     bench_events [-n REPEAT] FILE.jsonl...
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "article.h"
#include "event.h"
#include "gazetteer.h"
#include "geoparse.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

int main(int argc, char **argv)
{
    int repeat = 1, first = 1;
    if (argc > 2 && !strcmp(argv[1], "-n")) {
        repeat = atoi(argv[2]);
        first = 3;
    }
    if (first >= argc || repeat < 1) {
        fprintf(stderr, "usage: bench_events [-n REPEAT] FILE.jsonl...\n");
        return 2;
    }
    char buf[4096];
    const char *path = evm_gazetteer_find(buf, sizeof buf);
    evm_gaz *gaz = NULL;
    evm_diag dg;
    if (!path || evm_gazetteer_open(path, &gaz, &dg) != EVM_OK) {
        fprintf(stderr, "bench_events: no gazetteer index (%s)\n", path ? dg.msg : buf);
        return 1;
    }
    for (int a = first; a < argc; a++) {
        double t_geo = 0, t_ev = 0;
        size_t docs = 0, events = 0, bytes = 0;
        for (int r = 0; r < repeat; r++) {
            evm_read_opts ro;
            memset(&ro, 0, sizeof ro);
            ro.jsonl = true;
            evm_reader *rd;
            if (evm_article_open(argv[a], &ro, &rd, &dg) != EVM_OK) {
                fprintf(stderr, "bench_events: %s\n", dg.msg);
                return 1;
            }
            for (;;) {
                evm_doc *doc = NULL;
                evm_err e = evm_article_next(rd, &doc, &dg);
                if (e == EVM_ERR_INPUT)
                    continue;
                if (e || !doc)
                    break;
                double t0 = now();
                evm_geoparse_doc(gaz, doc, &dg);
                double t1 = now();
                evm_event_extract(doc, &dg);
                double t2 = now();
                t_geo += t1 - t0;
                t_ev += t2 - t1;
                docs++;
                bytes += doc->len;
                events += doc->n_events;
                evm_doc_free(doc);
            }
            evm_article_close(rd);
        }
        printf("%s: %zu articles, %.1f MB, geoparse %.3f s, extract %.3f s, extract/geoparse "
               "%.3f, %zu events\n",
               argv[a], docs, (double)bytes / 1e6, t_geo, t_ev, t_geo > 0 ? t_ev / t_geo : 0.0,
               events / (size_t)repeat);
    }
    evm_gazetteer_close(gaz);
    return 0;
}
