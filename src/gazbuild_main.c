/* gazbuild_main.c: evmap-gazbuild, the build-time tool that compiles gazetteer/ into the
 * memory-mapped index (gazetteer.bin) that evmap opens, and (with --basemap) parses the
 * Natural Earth basemap once into the files evmap reads next to itself. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "basemap.h"
#include "gazbuild.h"

static void usage(FILE *f)
{
    fprintf(f, "Usage: evmap-gazbuild [-q] SOURCE_DIR OUTPUT\n"
               "       evmap-gazbuild --basemap OUTPUT_DIR\n"
               "Builds the gazetteer index OUTPUT from the sources in SOURCE_DIR (gazetteer/),\n"
               "or the parsed basemap files basemap-*.bin in OUTPUT_DIR.\n");
}

int main(int argc, char **argv)
{
    int quiet = 0, argi = 1;
    if (argi < argc && strcmp(argv[argi], "--help") == 0) {
        usage(stdout);
        return 0;
    }
    if (argc == 3 && strcmp(argv[1], "--basemap") == 0) {
        evm_diag diag = {{0}};
        evm_err err = evm_basemap_write_cache(argv[2], &diag);
        if (err) {
            fprintf(stderr, "evmap-gazbuild: %s\n", diag.msg[0] ? diag.msg : evm_strerror(err));
            return 1;
        }
        return 0;
    }
    if (argi < argc && strcmp(argv[argi], "-q") == 0) {
        quiet = 1;
        argi++;
    }
    if (argc - argi != 2) {
        usage(stderr);
        return 2;
    }
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    evm_gazbuild_stats st;
    evm_diag diag = {{0}};
    evm_err err = evm_gazbuild_run(argv[argi], argv[argi + 1], &st, &diag);
    if (err) {
        fprintf(stderr, "evmap-gazbuild: %s\n", diag.msg[0] ? diag.msg : evm_strerror(err));
        return 1;
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    if (!quiet)
        fprintf(stderr,
                "evmap-gazbuild: %s: %zu entries (%zu places, %zu countries, %zu admin1, %zu "
                "admin2, %zu regions, %zu landmarks; %zu admin codes without places skipped), "
                "%zu names, %zu keys, %zu variant keys, %zu fuzzy neighbours, %.1f MB in %.2f s\n",
                argv[argi + 1], st.n_entries, st.n_places, st.n_countries, st.n_admin1, st.n_admin2,
                st.n_regions, st.n_landmarks, st.n_dropped_admin, st.n_names, st.n_keys,
                st.n_variant_keys, st.n_fuzzy, st.file_size / 1e6,
                (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9);
    return 0;
}
