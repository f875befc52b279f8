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
#include <pthread.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

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
 * The image data (IDAT) is compressed here rather than by libpng, in two halves on two
 * threads: deflate is most of the time a map takes to write. Each half is raw deflate at
 * the fastest level over rows with filter type 0 ("none": maps are mostly flat colour, so
 * filters make the data larger and slower to compress); the first half ends with a sync
 * flush, the second with the final block, so that the two make one zlib stream after a
 * zlib header, closed by the Adler-32 of both (adler32_combine). libpng writes the chunks. */

/* One band of rows compressed: the input, then the output buffer and its checksum. */
typedef struct band {
    const unsigned char *argb;
    int width, stride, y0, y1, alpha, last;
    unsigned char *out;
    size_t len, cap;
    uLong adler, raw;
    int ok;
} band;

/* Cairo pixels of one row to PNG's bytes after the filter byte: RGB(A), straight alpha. */
static void convert_row(const uint32_t *row, int width, int alpha, unsigned char *o)
{
    if (!alpha) {
        /* opaque: premultiplied and straight colours are the same */
        for (int x = 0; x < width; x++, o += 3) {
            uint32_t px = row[x];
            o[0] = (unsigned char)(px >> 16);
            o[1] = (unsigned char)(px >> 8);
            o[2] = (unsigned char)px;
        }
    } else {
        for (int x = 0; x < width; x++, o += 4)
            unpremultiply(row[x], o, alpha);
    }
}

static void *compress_band(void *arg)
{
    band *b = arg;
    size_t row_bytes = 1 + (size_t)b->width * (b->alpha ? 4 : 3);
    unsigned char *row = malloc(row_bytes);
    z_stream z;
    memset(&z, 0, sizeof z);
    b->ok = 0;
    b->adler = adler32(0L, Z_NULL, 0);
    b->raw = 0;
    b->cap = row_bytes * (size_t)(b->y1 - b->y0) / 8 + 1024;
    b->out = malloc(b->cap);
    b->len = 0;
    if (!row || !b->out || deflateInit2(&z, 1, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
        free(row);
        return NULL;
    }
    int rc = Z_OK;
    row[0] = 0; /* filter type: none */
    for (int y = b->y0; y < b->y1 && rc != Z_STREAM_ERROR; y++) {
        convert_row((const uint32_t *)(b->argb + (size_t)y * b->stride), b->width, b->alpha,
                    row + 1);
        b->adler = adler32(b->adler, row, (uInt)row_bytes);
        b->raw += row_bytes;
        int flush = y + 1 < b->y1 ? Z_NO_FLUSH : b->last ? Z_FINISH : Z_SYNC_FLUSH;
        z.next_in = row;
        z.avail_in = (uInt)row_bytes;
        do {
            if (b->len == b->cap) {
                size_t cap = 2 * b->cap;
                unsigned char *grown = realloc(b->out, cap);
                if (!grown) {
                    rc = Z_STREAM_ERROR;
                    break;
                }
                b->out = grown;
                b->cap = cap;
            }
            z.next_out = b->out + b->len;
            z.avail_out = (uInt)(b->cap - b->len);
            rc = deflate(&z, flush);
            b->len = b->cap - z.avail_out;
        } while (rc != Z_STREAM_ERROR && rc != Z_STREAM_END &&
                 (z.avail_in > 0 || z.avail_out == 0));
    }
    deflateEnd(&z);
    free(row);
    b->ok = rc != Z_STREAM_ERROR && (!b->last || rc == Z_STREAM_END);
    return NULL;
}

static void put_u32(unsigned char *p, uLong v)
{
    p[0] = (unsigned char)(v >> 24);
    p[1] = (unsigned char)(v >> 16);
    p[2] = (unsigned char)(v >> 8);
    p[3] = (unsigned char)v;
}

/* Compresses the image into bands[0..n) (bands[1] on a second thread when n is 2). */
static int compress_image(const unsigned char *argb, int width, int height, int stride, int alpha,
                          band *bands, int n)
{
    for (int i = 0; i < n; i++) {
        bands[i] = (band){.argb = argb, .width = width, .stride = stride, .alpha = alpha};
        bands[i].y0 = (int)((long)height * i / n);
        bands[i].y1 = (int)((long)height * (i + 1) / n);
        bands[i].last = i == n - 1;
    }
    pthread_t th;
    int threaded = n == 2 && pthread_create(&th, NULL, compress_band, &bands[1]) == 0;
    compress_band(&bands[0]);
    if (threaded)
        pthread_join(th, NULL);
    else if (n == 2)
        compress_band(&bands[1]);
    for (int i = 0; i < n; i++)
        if (!bands[i].ok)
            return 0;
    return 1;
}

evm_err evm_png_write(FILE *fp, const unsigned char *argb, int width, int height, int stride,
                      double dpi, const evm_png_text *texts, size_t n_texts, evm_diag *diag)
{
    if (width <= 0 || height <= 0 || stride < 4 * width)
        return evm_diag_set(diag, EVM_ERR_INTERNAL, "png: bad image geometry %dx%d", width, height);
    int alpha = 0;
    for (int y = 0; y < height && !alpha; y++) {
        const uint32_t *row = (const uint32_t *)(argb + (size_t)y * stride);
        for (int x = 0; x < width; x++)
            if ((row[x] >> 24) != 0xff) {
                alpha = 1;
                break;
            }
    }
    /* two bands from 1 MiB of pixels on: below that a thread costs more than it saves */
    int n_bands = (size_t)width * height * (alpha ? 4 : 3) >= (1u << 20) && height >= 2 ? 2 : 1;
    band bands[2] = {{0}};
    if (!compress_image(argb, width, height, stride, alpha, bands, n_bands)) {
        for (int i = 0; i < n_bands; i++)
            free(bands[i].out);
        return evm_diag_set(diag, EVM_ERR_RENDER, "png: compression failed");
    }
    uLong adler = bands[0].adler;
    size_t idat = 2 + 4;
    for (int i = 0; i < n_bands; i++)
        idat += bands[i].len;
    for (int i = 1; i < n_bands; i++)
        adler = adler32_combine(adler, bands[i].adler, (z_off_t)bands[i].raw);

    png_err_ctx ectx = {{0}};
    png_structp png =
        png_create_write_struct(PNG_LIBPNG_VER_STRING, &ectx, on_png_error, on_png_warning);
    if (!png || idat > PNG_UINT_31_MAX) {
        png_destroy_write_struct(&png, NULL);
        for (int i = 0; i < n_bands; i++)
            free(bands[i].out);
        return evm_diag_set(diag, EVM_ERR_RENDER, "png: cannot create the encoder");
    }
    png_infop info = png_create_info_struct(png);
    png_text *volatile chunks = NULL;
    if (!info || setjmp(png_jmpbuf(png))) {
        png_destroy_write_struct(&png, &info);
        free(chunks);
        for (int i = 0; i < n_bands; i++)
            free(bands[i].out);
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
    /* zlib header: deflate with a 32 KiB window, fastest level; (0x78 0x01) % 31 == 0 */
    static const unsigned char zhead[2] = {0x78, 0x01};
    unsigned char ztail[4];
    put_u32(ztail, adler);
    png_write_chunk_start(png, (png_const_bytep) "IDAT", (png_uint_32)idat);
    png_write_chunk_data(png, zhead, 2);
    for (int i = 0; i < n_bands; i++)
        png_write_chunk_data(png, bands[i].out, bands[i].len);
    png_write_chunk_data(png, ztail, 4);
    png_write_chunk_end(png);
    png_write_chunk(png, (png_const_bytep) "IEND", NULL, 0);
    png_write_flush(png);
    png_destroy_write_struct(&png, &info);
    free(chunks);
    for (int i = 0; i < n_bands; i++)
        free(bands[i].out);
    if (fflush(fp) != 0 || ferror(fp))
        return evm_diag_set(diag, EVM_ERR_IO, "png: write failed: %s", strerror(errno));
    return EVM_OK;
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
