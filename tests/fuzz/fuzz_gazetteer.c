/* fuzz_gazetteer.c: libFuzzer harness for opening a gazetteer index from arbitrary bytes:
 * open, verify, and look a few names up in whatever opened. Must never crash, whatever
 * the file holds. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "gazetteer.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char path[64];
    snprintf(path, sizeof path, "/tmp/evm_fuzz_gaz_%ld.bin", (long)getpid());
    FILE *f = fopen(path, "wb");
    if (!f)
        return 0;
    fwrite(data, 1, size, f);
    fclose(f);
    evm_gaz *g = NULL;
    evm_diag d;
    if (evm_gazetteer_open(path, &g, &d) == EVM_OK) {
        evm_gazetteer_verify(g, &d);
        evm_lookup_opts lo = {NULL, true, true};
        evm_candidate c[8];
        static const char *names[] = {"Paris", "Kryvyi Rig", "Київ", "UK", "x"};
        for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
            evm_gazetteer_lookup(g, names[i], __builtin_strlen(names[i]), &lo, c, 8);
        evm_gazetteer_demonym(g, "Ukrainian", 9);
        evm_gazetteer_close(g);
    }
    unlink(path);
    return 0;
}
