/* png.c: the renderer's last step: Cairo's premultiplied ARGB pixels to a PNG file (sRGB,
 * pHYs, text chunks) through libpng; also the reader the tests use to check pictures. */
#include "png.h"

#include <errno.h>
/* src/ is on the include path and holds this module's own png.h: name libpng's by its
 * versioned folder where it has one. */
#if defined(__has_include)
#if __has_include(<libpng16/png.h>)
#include <libpng16/png.h>
#else
#include <png.h>
#endif
#else
#include <png.h>
#endif
#include <libdeflate.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef struct png_err_ctx {
    char msg[256];
} png_err_ctx;

static void on_png_error(png_structp png, png_const_charp msg)
{
    png_err_ctx *ctx = png_get_error_ptr(png);
    if (ctx)
        snprintf(ctx->msg, sizeof ctx->msg, "%s", msg);
    png_longjmp(png, 1);
}

static void on_png_warning(png_structp png, png_const_charp msg)
{
    (void)png;
    (void)msg;
}

static int is_ascii(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s >= 0x80)
            return 0;
    return 1;
}

/* Un-premultiplies one Cairo pixel into 8-bit RGB(A), rounding to nearest. */
static inline void unpremultiply(uint32_t px, unsigned char *out, int alpha)
{
    unsigned a = px >> 24, r = (px >> 16) & 0xff, g = (px >> 8) & 0xff, b = px & 0xff;
    if (a != 0xff && a != 0) {
        r = (r * 255 + a / 2) / a;
        g = (g * 255 + a / 2) / a;
        b = (b * 255 + a / 2) / a;
    }
    out[0] = (unsigned char)(r > 255 ? 255 : r);
    out[1] = (unsigned char)(g > 255 ? 255 : g);
    out[2] = (unsigned char)(b > 255 ? 255 : b);
    if (alpha)
        out[3] = (unsigned char)a;
}

/* ---- image data ---------------------------------------------------------------------
 * The image data (IDAT) is compressed here rather than by libpng's zlib: deflate is most
 * of the time a map takes to write, and libdeflate at its fastest level does it in about
 * 60 % of zlib's instructions (level 1) with a 10 % smaller result. Rows use filter type 0
 * ("none": maps are mostly flat colour, so filters make the data larger and slower to
 * compress). libpng writes every chunk, the compressed stream as one IDAT. */

/* Cairo pixels of one row to PNG's bytes after the filter byte: RGB(A), straight alpha.
 * Every pixel is read before a byte is written at or past it (see compress_image). */
static void convert_row(const uint32_t *row, int width, int alpha, unsigned char *o)
{
    int x = 0;
    if (alpha) {
        for (; x < width; x++, o += 4)
            unpremultiply(row[x], o, alpha);
        return;
    }
    /* opaque: premultiplied and straight colours are the same */
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    /* four pixels (0xAARRGGBB) as three words of R G B bytes: bswap(p) >> 8 is R G B 0 in
     * memory */
    for (; x + 4 <= width; x += 4, o += 12) {
        uint32_t p0 = __builtin_bswap32(row[x]) >> 8, p1 = __builtin_bswap32(row[x + 1]) >> 8;
        uint32_t p2 = __builtin_bswap32(row[x + 2]) >> 8, p3 = __builtin_bswap32(row[x + 3]) >> 8;
        uint32_t w[3] = {p0 | p1 << 24, p1 >> 8 | p2 << 16, p2 >> 16 | p3 << 8};
        memcpy(o, w, 12);
    }
#endif
    for (; x < width; x++, o += 3) {
        uint32_t px = row[x];
        o[0] = (unsigned char)(px >> 16);
        o[1] = (unsigned char)(px >> 8);
        o[2] = (unsigned char)px;
    }
}

/* Whether a pixel is not opaque: rows ANDed four pixels at a time, no branch per pixel. */
static int has_alpha(const unsigned char *argb, int width, int height, int stride)
{
    for (int y = 0; y < height; y++) {
        const uint32_t *row = (const uint32_t *)(argb + (size_t)y * stride);
        uint32_t all = 0xffffffffu;
        int x = 0;
        for (; x + 4 <= width; x += 4)
            all &= row[x] & row[x + 1] & row[x + 2] & row[x + 3];
        for (; x < width; x++)
            all &= row[x];
        if (all >> 24 != 0xff)
            return 1;
    }
    return 0;
}

/* The zlib stream of the image's filtered rows, in a heap buffer of *len bytes; NULL when
 * out of memory. With `in_place`, opaque rows are converted over the pixels themselves
 * (each row's 1 + 3 * width bytes start no later than its 4 * width input bytes, and every
 * pixel is read before its bytes are written), which spares a second image-sized buffer
 * and the page faults of filling it. */
static unsigned char *compress_image(unsigned char *argb, int width, int height, int stride,
                                     int alpha, int in_place, size_t *len)
{
    size_t row_bytes = 1 + (size_t)width * (alpha ? 4 : 3);
    size_t raw_len = row_bytes * (size_t)height;
    int reuse = in_place && !alpha;
    unsigned char *raw = reuse ? argb : malloc(raw_len), *out = NULL;
    struct libdeflate_compressor *c = libdeflate_alloc_compressor(1);
    *len = 0;
    if (raw && c) {
        for (int y = 0; y < height; y++) {
            unsigned char *o = raw + (size_t)y * row_bytes;
            convert_row((const uint32_t *)(argb + (size_t)y * stride), width, alpha, o + 1);
            o[0] = 0; /* filter type: none; written last, over input already read */
        }
        size_t cap = libdeflate_zlib_compress_bound(c, raw_len);
        out = malloc(cap);
        if (out)
            *len = libdeflate_zlib_compress(c, raw, raw_len, out, cap);
        if (*len == 0) {
            free(out);
            out = NULL;
        }
    }
    libdeflate_free_compressor(c);
    if (!reuse)
        free(raw);
    return out;
}

/* Writes the PNG around the compressed image data (`data`, `idat` bytes; freed here). */
static evm_err write_chunks(FILE *fp, int width, int height, int alpha, double dpi,
                            const evm_png_text *texts, size_t n_texts, unsigned char *data,
                            size_t idat, evm_diag *diag)
{
    png_err_ctx ectx = {{0}};
    png_structp png =
        png_create_write_struct(PNG_LIBPNG_VER_STRING, &ectx, on_png_error, on_png_warning);
    if (!png || idat > PNG_UINT_31_MAX) {
        png_destroy_write_struct(&png, NULL);
        free(data);
        return evm_diag_set(diag, EVM_ERR_RENDER, "png: cannot create the encoder");
    }
    png_infop info = png_create_info_struct(png);
    png_text *volatile chunks = NULL;
    if (!info || setjmp(png_jmpbuf(png))) {
        png_destroy_write_struct(&png, &info);
        free(chunks);
        free(data);
        if (ferror(fp))
            return evm_diag_set(diag, EVM_ERR_IO, "png: write failed: %s", strerror(errno));
        return evm_diag_set(diag, EVM_ERR_RENDER, "png: %s", ectx.msg[0] ? ectx.msg : "failed");
    }
    png_init_io(png, fp);
    png_set_IHDR(png, info, (png_uint_32)width, (png_uint_32)height, 8,
                 alpha ? PNG_COLOR_TYPE_RGB_ALPHA : PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE,
                 PNG_COMPRESSION_TYPE_BASE, PNG_FILTER_TYPE_BASE);
    png_set_sRGB_gAMA_and_cHRM(png, info, PNG_sRGB_INTENT_PERCEPTUAL);
    if (dpi > 0) {
        png_uint_32 ppm = (png_uint_32)(dpi / 0.0254 + 0.5);
        png_set_pHYs(png, info, ppm, ppm, PNG_RESOLUTION_METER);
    }
    if (n_texts) {
        chunks = calloc(n_texts, sizeof *chunks);
        if (!chunks)
            png_error(png, "out of memory");
        size_t k = 0;
        for (size_t i = 0; i < n_texts; i++) {
            if (!texts[i].text || !texts[i].text[0])
                continue;
            chunks[k].key = (png_charp)texts[i].key;
            chunks[k].text = (png_charp)texts[i].text;
            chunks[k].compression =
                is_ascii(texts[i].text) ? PNG_TEXT_COMPRESSION_NONE : PNG_ITXT_COMPRESSION_NONE;
            k++;
        }
        if (k)
            png_set_text(png, info, chunks, (int)k);
    }
    png_write_info(png, info); /* signature, IHDR and every chunk before the image data */
    png_write_chunk(png, (png_const_bytep) "IDAT", data, idat);
    png_write_chunk(png, (png_const_bytep) "IEND", NULL, 0);
    png_write_flush(png);
    png_destroy_write_struct(&png, &info);
    free(chunks);
    free(data);
    if (fflush(fp) != 0 || ferror(fp))
        return evm_diag_set(diag, EVM_ERR_IO, "png: write failed: %s", strerror(errno));
    return EVM_OK;
}

static evm_err write_png(FILE *fp, unsigned char *argb, int width, int height, int stride,
                         double dpi, const evm_png_text *texts, size_t n_texts, int in_place,
                         evm_diag *diag)
{
    if (width <= 0 || height <= 0 || stride < 4 * width)
        return evm_diag_set(diag, EVM_ERR_INTERNAL, "png: bad image geometry %dx%d", width, height);
    int alpha = has_alpha(argb, width, height, stride);
    size_t idat = 0;
    unsigned char *data = compress_image(argb, width, height, stride, alpha, in_place, &idat);
    if (!data)
        return evm_diag_set(diag, EVM_ERR_RENDER, "png: out of memory compressing %dx%d pixels",
                            width, height);
    return write_chunks(fp, width, height, alpha, dpi, texts, n_texts, data, idat, diag);
}

evm_err evm_png_write(FILE *fp, const unsigned char *argb, int width, int height, int stride,
                      double dpi, const evm_png_text *texts, size_t n_texts, evm_diag *diag)
{
    /* not in place: the pixels are only read */
    return write_png(fp, (unsigned char *)argb, width, height, stride, dpi, texts, n_texts, 0,
                     diag);
}

evm_err evm_png_write_consume(FILE *fp, unsigned char *argb, int width, int height, int stride,
                              double dpi, const evm_png_text *texts, size_t n_texts, evm_diag *diag)
{
    return write_png(fp, argb, width, height, stride, dpi, texts, n_texts, 1, diag);
}

evm_err evm_png_read(const char *path, evm_png_image *img, evm_diag *diag)
{
    memset(img, 0, sizeof *img);
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return evm_diag_set(diag, EVM_ERR_IO, "%s: %s", path, strerror(errno));
    unsigned char sig[8];
    if (fread(sig, 1, 8, fp) != 8 || png_sig_cmp(sig, 0, 8)) {
        fclose(fp);
        return evm_diag_set(diag, EVM_ERR_INPUT, "%s: not a PNG file", path);
    }
    png_err_ctx ectx = {{0}};
    png_structp png =
        png_create_read_struct(PNG_LIBPNG_VER_STRING, &ectx, on_png_error, on_png_warning);
    png_infop info = png ? png_create_info_struct(png) : NULL;
    unsigned char *volatile pixels = NULL;
    png_bytep *volatile rows = NULL;
    if (!png || !info || setjmp(png_jmpbuf(png))) {
        png_destroy_read_struct(&png, &info, NULL);
        free(pixels);
        free(rows);
        fclose(fp);
        return evm_diag_set(diag, EVM_ERR_INPUT, "%s: %s", path,
                            ectx.msg[0] ? ectx.msg : "corrupt PNG");
    }
    png_init_io(png, fp);
    png_set_sig_bytes(png, 8);
    png_read_info(png, info);
    png_uint_32 w = png_get_image_width(png, info), h = png_get_image_height(png, info);
    png_set_expand(png);
    png_set_strip_16(png);
    png_set_gray_to_rgb(png);
    png_set_add_alpha(png, 0xff, PNG_FILLER_AFTER);
    png_read_update_info(png, info);
    pixels = malloc((size_t)w * h * 4);
    rows = malloc(h * sizeof *rows);
    if (!pixels || !rows)
        png_error(png, "out of memory");
    for (png_uint_32 y = 0; y < h; y++)
        rows[y] = pixels + (size_t)y * w * 4;
    png_read_image(png, rows);
    png_read_end(png, info);
    png_uint_32 rx, ry;
    int unit;
    if (png_get_pHYs(png, info, &rx, &ry, &unit) && unit == PNG_RESOLUTION_METER)
        img->dpi = rx * 0.0254;
    png_textp text;
    int n_text = 0;
    if (png_get_text(png, info, &text, &n_text))
        for (int i = 0; i < n_text; i++) {
            if (strcmp(text[i].key, "Title") == 0 && !img->title)
                img->title = evm_xstrdup(text[i].text);
            else if (strcmp(text[i].key, "CRS") == 0 && !img->crs)
                img->crs = evm_xstrdup(text[i].text);
        }
    png_destroy_read_struct(&png, &info, NULL);
    free(rows);
    fclose(fp);
    img->width = (int)w;
    img->height = (int)h;
    img->rgba = pixels;
    return EVM_OK;
}

void evm_png_image_clear(evm_png_image *img)
{
    if (!img)
        return;
    free(img->rgba);
    free(img->title);
    free(img->crs);
    memset(img, 0, sizeof *img);
}
