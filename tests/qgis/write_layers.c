/* write_layers.c: writes the export tests' sample batch (or an empty one) with
 * evm_layers_write, for the PyQGIS test to load: write_layers DIR [empty|FORMAT]. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "layers.h"
#include "layers_sample.h"

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: write_layers DIR [empty|FORMAT]\n");
        return 2;
    }
    bool empty = argc > 2 && strcmp(argv[2], "empty") == 0;
    evm_batch *b = empty ? evm_batch_new("empty") : sample_batch();
    evm_layers_opts opts;
    evm_layers_opts_init(&opts);
    if (argc > 2 && !empty) {
        opts.format = argv[2];
        opts.gpkg = false;
    }
    evm_diag diag = {{0}};
    evm_err rc = evm_layers_write(b, argv[1], &opts, &diag);
    if (rc != EVM_OK)
        fprintf(stderr, "write_layers: %s: %s\n", evm_strerror(rc), diag.msg);
    evm_batch_free(b);
    return rc == EVM_OK ? 0 : 1;
}
