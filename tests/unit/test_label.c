/* test_label.c: label placement: no two placed labels overlap, none covers an obstacle or
 * leaves the image, the important label wins a conflict, and the second line is dropped
 * before the label is. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>

#include "label.h"

static void test_dense_cluster_no_overlap(void **state)
{
    (void)state;
    evm_labeler *lb = evm_label_new(400, 300, 2, 3);
    evm_box legend = {0, 200, 120, 300};
    evm_label_obstacle(lb, legend);
    srand(7);
    enum { N = 120 };
    evm_box symbols[N];
    for (int i = 0; i < N; i++) {
        evm_label_item it = {.x = 20 + rand() % 360,
                             .y = 20 + rand() % 260,
                             .r = 4,
                             .w = 30 + rand() % 50,
                             .h = 14,
                             .w2 = 60,
                             .h2 = 12,
                             .priority = rand() % 100};
        symbols[i] = (evm_box){it.x - it.r, it.y - it.r, it.x + it.r, it.y + it.r};
        evm_label_obstacle(lb, symbols[i]);
        evm_label_add(lb, &it);
    }
    evm_label_place(lb);
    size_t n;
    const evm_box *boxes = evm_label_boxes(lb, &n);
    assert_true(n > 5); /* some fit */
    assert_true(n < N); /* and the crowd forced drops */
    for (size_t i = 0; i < n; i++) {
        assert_true(boxes[i].x0 >= 2 && boxes[i].y0 >= 2 && boxes[i].x1 <= 398 &&
                    boxes[i].y1 <= 298);
        assert_false(evm_box_intersects(boxes[i], legend));
        for (int k = 0; k < N; k++)
            assert_false(evm_box_intersects(boxes[i], symbols[k]));
        for (size_t j = i + 1; j < n; j++)
            assert_false(evm_box_intersects(boxes[i], boxes[j]));
    }
    evm_label_free(lb);
}

static void test_priority_wins(void **state)
{
    (void)state;
    /* two symbols so close that only one label fits in a narrow strip */
    evm_labeler *lb = evm_label_new(200, 30, 0, 2);
    evm_label_item low = {.x = 10, .y = 15, .r = 3, .w = 80, .h = 14, .priority = 1};
    evm_label_item high = {.x = 14, .y = 15, .r = 3, .w = 80, .h = 14, .priority = 9};
    size_t il = evm_label_add(lb, &low);
    size_t ih = evm_label_add(lb, &high);
    evm_label_place(lb);
    assert_int_equal(evm_label_get(lb, ih).lines, 1);
    assert_int_equal(evm_label_get(lb, il).lines, 0); /* dropped, though queued first */
    evm_label_free(lb);
}

static void test_second_line_dropped_first(void **state)
{
    (void)state;
    /* 20 px of height: the name (14) fits, name + date (26) does not */
    evm_labeler *lb = evm_label_new(300, 20, 0, 2);
    evm_label_item it = {
        .x = 50, .y = 10, .r = 3, .w = 60, .h = 14, .w2 = 90, .h2 = 12, .priority = 1};
    size_t i = evm_label_add(lb, &it);
    evm_label_place(lb);
    evm_label_pos p = evm_label_get(lb, i);
    assert_int_equal(p.lines, 1);
    assert_int_equal(p.align, 0); /* east of the symbol, the first choice */
    assert_true(p.box.x0 >= 50 + 3);
    evm_label_free(lb);

    lb = evm_label_new(300, 100, 0, 2);
    i = evm_label_add(lb, &it);
    evm_label_place(lb);
    assert_int_equal(evm_label_get(lb, i).lines, 2);
    evm_label_free(lb);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dense_cluster_no_overlap),
        cmocka_unit_test(test_priority_wins),
        cmocka_unit_test(test_second_line_dropped_first),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
