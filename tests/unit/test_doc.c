/* test_doc.c: the document's arena (zeroed allocation, copies) and its arrays. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "doc.h"

/* Copies keep every byte, sit aligned for any type, and do not disturb what the arena
 * gave out before or hands out zeroed after. */
static void test_memdup(void **state)
{
    (void)state;
    evm_doc *doc = evm_doc_new();
    unsigned char src[300];
    for (size_t i = 0; i < sizeof src; i++)
        src[i] = (unsigned char)(i * 7 + 1);
    char *s = evm_doc_strdup(doc, "Kyiv");
    for (size_t n = 1; n < sizeof src; n += 37) {
        unsigned char *p = evm_doc_memdup(doc, src, n);
        assert_int_equal((uintptr_t)p % _Alignof(max_align_t), 0);
        assert_memory_equal(p, src, n);
        unsigned char *z = evm_doc_alloc(doc, n);
        for (size_t i = 0; i < n; i++)
            assert_int_equal(z[i], 0);
    }
    assert_string_equal(s, "Kyiv");
    /* a copy larger than a block gets one of its own */
    static unsigned char big[40000];
    memset(big, 0xAB, sizeof big);
    unsigned char *b = evm_doc_memdup(doc, big, sizeof big);
    assert_memory_equal(b, big, sizeof big);
    assert_non_null(evm_doc_memdup(doc, src, 0));
    evm_doc_free(doc);
}

/* strndup and printf write their whole string, the NUL included. */
static void test_strings(void **state)
{
    (void)state;
    evm_doc *doc = evm_doc_new();
    for (int i = 0; i < 2000; i++) {
        char *a = evm_doc_strndup(doc, "Saint-Denis, France", 11);
        assert_string_equal(a, "Saint-Denis");
        char *b = evm_doc_printf(doc, "%s:%d", "b.jsonl", i);
        assert_int_equal(strncmp(b, "b.jsonl:", 8), 0);
        assert_int_equal(b[strlen(b) - 1], '0' + i % 10);
    }
    evm_doc_free(doc);
}

/* A document freed and the next one made on the same thread (which may reuse its room):
 * the new one is empty, its arena gives zeroed memory, and growing its arrays works. */
static void test_reuse(void **state)
{
    (void)state;
    evm_doc *doc = evm_doc_new();
    doc->text = strdup("Some text");
    doc->len = 9;
    for (int i = 0; i < 100; i++)
        evm_doc_add_token(doc)->end = 7;
    evm_doc_add_mention(doc)->place = 3;
    doc->demonyms = calloc(101, sizeof *doc->demonyms);
    doc->title = evm_doc_strdup(doc, "A title");
    doc->dateline = "PARIS";
    memset(evm_doc_alloc(doc, 20000), 0xAB, 20000); /* a block of its own */
    memset(evm_doc_alloc(doc, 100), 0xCD, 100);
    evm_doc_free(doc);

    evm_doc *next = evm_doc_new();
    assert_null(next->text);
    assert_int_equal(next->len, 0);
    assert_int_equal(next->n_tokens, 0);
    assert_int_equal(next->n_mentions, 0);
    assert_int_equal(next->n_sentences, 0);
    assert_int_equal(next->n_places, 0);
    assert_null(next->demonyms);
    assert_null(next->dateline);
    assert_string_equal(next->title, "");
    assert_string_equal(next->id, "");
    unsigned char *z = evm_doc_alloc(next, 100);
    for (size_t i = 0; i < 100; i++)
        assert_int_equal(z[i], 0);
    evm_token *t = evm_doc_add_token(next);
    assert_int_equal(t->end, 0);
    assert_int_equal(next->n_tokens, 1);
    for (int i = 0; i < 1000; i++)
        evm_doc_add_token(next)->start = (uint32_t)i;
    assert_int_equal(next->tokens[1000].start, 999);
    /* two documents at once: the second is a new one */
    evm_doc *other = evm_doc_new();
    assert_ptr_not_equal(other, next);
    assert_int_equal(other->n_tokens, 0);
    evm_doc_free(other);
    evm_doc_free(next);
    evm_doc_free(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_memdup),
        cmocka_unit_test(test_strings),
        cmocka_unit_test(test_reuse),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
