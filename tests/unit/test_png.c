/* test_png.c: PNG encoding: un-premultiplied colours, size, DPI and text chunks survive a
 * write/read round trip; failures are reported, not printed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "png.h"

static char *tmp_path(const char *name)
{
    static char buf[256];
    snprintf(buf, sizeof buf, "/tmp/evm_test_png_%d_%s", (int)getpid(), name);
    return buf;
}

static int same_file(const char *a, const char *b)
{
    FILE *fa = fopen(a, "rb"), *fb = fopen(b, "rb");
    int same = fa && fb;
    while (same) {
        int ca = getc(fa), cb = getc(fb);
        if (ca == EOF && cb == EOF)
            break;
        same = ca == cb;
    }
    if (fa)
        fclose(fa);
    if (fb)
        fclose(fb);
    return same;
}

static void test_roundtrip_opaque(void **state)
{
    (void)state;
    enum { W = 7, H = 5 };
    uint32_t px[W * H];
    for (int i = 0; i < W * H; i++)
        px[i] = 0xff000000u | (uint32_t)(i * 7) << 16 | (uint32_t)(255 - i) << 8 | 0x40;
    const char *path = tmp_path("opaque.png");
    FILE *fp = fopen(path, "wb");
    assert_non_null(fp);
    evm_png_text texts[] = {{"Title", "Frapp\xC3\xA9 map"}, {"CRS", "EPSG:3857"}};
    evm_diag d = {{0}};
    assert_int_equal(evm_png_write(fp, (unsigned char *)px, W, H, W * 4, 300, texts, 2, &d),
                     EVM_OK);
    fclose(fp);
    evm_png_image img;
    assert_int_equal(evm_png_read(path, &img, &d), EVM_OK);
    assert_int_equal(img.width, W);
    assert_int_equal(img.height, H);
    assert_true(img.dpi > 299.9 && img.dpi < 300.1);
    assert_string_equal(img.title, "Frapp\xC3\xA9 map");
    assert_string_equal(img.crs, "EPSG:3857");
    for (int i = 0; i < W * H; i++) {
        assert_int_equal(img.rgba[4 * i], (i * 7) & 0xff);
        assert_int_equal(img.rgba[4 * i + 1], 255 - i);
        assert_int_equal(img.rgba[4 * i + 2], 0x40);
        assert_int_equal(img.rgba[4 * i + 3], 255);
    }
    evm_png_image_clear(&img);
    unlink(path);
}

static void test_unpremultiply(void **state)
{
    (void)state;
    /* 50% red premultiplied is (128, 128, 0, 0): straight it is (255, 0, 0) at alpha 128 */
    uint32_t px[2] = {0x80800000u, 0x00000000u};
    const char *path = tmp_path("alpha.png");
    FILE *fp = fopen(path, "wb");
    evm_diag d = {{0}};
    assert_int_equal(evm_png_write(fp, (unsigned char *)px, 2, 1, 8, 0, NULL, 0, &d), EVM_OK);
    fclose(fp);
    evm_png_image img;
    assert_int_equal(evm_png_read(path, &img, &d), EVM_OK);
    assert_int_equal(img.rgba[0], 255);
    assert_int_equal(img.rgba[1], 0);
    assert_int_equal(img.rgba[3], 128);
    assert_int_equal(img.rgba[7], 0);
    assert_true(img.dpi == 0);
    evm_png_image_clear(&img);
    unlink(path);
}

/* Larger pictures, half noise that does not compress (the stream's worst case), with and
 * without alpha, rows padded: every pixel comes back (libpng checks the chunks' CRCs and
 * zlib the stream's Adler-32). */
static void test_roundtrip_large(void **state)
{
    (void)state;
    enum { W = 701, H = 603, STRIDE = 4 * W + 12 };
    unsigned char *buf = malloc((size_t)STRIDE * H);
    assert_non_null(buf);
    for (int alpha = 0; alpha < 2; alpha++) {
        uint32_t seed = 12345;
        for (int y = 0; y < H; y++) {
            uint32_t *row = (uint32_t *)(buf + (size_t)y * STRIDE);
            for (int x = 0; x < W; x++) {
                seed = seed * 1103515245u + 12345u;
                uint32_t a = alpha && (x + y) % 3 == 0 ? 0 : 0xff;
                uint32_t rgb = x < W / 2 ? (seed >> 8) & 0xffffff : 0x3366cc;
                row[x] = a ? (a << 24) | rgb : 0;
            }
        }
        char path[256], path2[256]; /* tmp_path reuses its buffer */
        snprintf(path, sizeof path, "%s", tmp_path("large.png"));
        snprintf(path2, sizeof path2, "%s", tmp_path("large2.png"));
        FILE *fp = fopen(path, "wb");
        assert_non_null(fp);
        evm_diag d = {{0}};
        assert_int_equal(evm_png_write(fp, buf, W, H, STRIDE, 96, NULL, 0, &d), EVM_OK);
        fclose(fp);
        /* converting over a copy of the pixels gives the same file */
        unsigned char *copy = malloc((size_t)STRIDE * H);
        assert_non_null(copy);
        memcpy(copy, buf, (size_t)STRIDE * H);
        fp = fopen(path2, "wb");
        assert_non_null(fp);
        assert_int_equal(evm_png_write_consume(fp, copy, W, H, STRIDE, 96, NULL, 0, &d), EVM_OK);
        fclose(fp);
        free(copy);
        assert_true(same_file(path, path2));
        unlink(path2);
        evm_png_image img;
        assert_int_equal(evm_png_read(path, &img, &d), EVM_OK);
        assert_int_equal(img.width, W);
        assert_int_equal(img.height, H);
        for (int y = 0; y < H; y++) {
            const uint32_t *row = (const uint32_t *)(buf + (size_t)y * STRIDE);
            for (int x = 0; x < W; x++) {
                const unsigned char *o = img.rgba + 4 * ((size_t)y * W + x);
                uint32_t px = row[x];
                assert_int_equal(o[3], px >> 24);
                if (px >> 24) {
                    assert_int_equal(o[0], (px >> 16) & 0xff);
                    assert_int_equal(o[1], (px >> 8) & 0xff);
                    assert_int_equal(o[2], px & 0xff);
                }
            }
        }
        evm_png_image_clear(&img);
        unlink(path);
    }
    free(buf);
}

static void test_read_errors(void **state)
{
    (void)state;
    evm_png_image img;
    evm_diag d = {{0}};
    assert_int_equal(evm_png_read("/nonexistent/x.png", &img, &d), EVM_ERR_IO);
    assert_non_null(strstr(d.msg, "/nonexistent/x.png"));
    const char *path = tmp_path("text.png");
    FILE *fp = fopen(path, "wb");
    fputs("not a png at all", fp);
    fclose(fp);
    assert_int_equal(evm_png_read(path, &img, &d), EVM_ERR_INPUT);
    unlink(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_roundtrip_opaque),
        cmocka_unit_test(test_unpremultiply),
        cmocka_unit_test(test_roundtrip_large),
        cmocka_unit_test(test_read_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
