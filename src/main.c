/* main.c: the evmap command line (placeholder until the CLI lands). */
#include <stdio.h>
#include "evmap.h"
int main(void)
{
    printf("%s %s\n", EVM_NAME, EVM_VERSION);
    return 0;
}
