// libpng's default error handler prints to stderr and its default reader reads a FILE. KerasLens decodes from memory
// and must never print or abort, so this shim gives libpng an error handler that records the message and longjmps
// back here, a reader that refuses to run past the end of the bytes, and a size check before the pixels are
// allocated.
#include <png.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

enum { KL_PNG_OK = 0, KL_PNG_FAILED = 1, KL_PNG_TOO_LARGE = 2 };

typedef struct {
    unsigned char *pixels;  // rows of width * channels bytes, malloc'd; the caller frees it with kl_png_free
    uint32_t width;
    uint32_t height;
    int channels;           // 1 gray, 2 gray+alpha, 3 RGB, 4 RGBA
    int sixteen_bit_gray;   // the file held 16-bit gray samples, clipped to 255 (PIL's convert("RGB") of mode I;16)
    char message[200];      // why decoding failed
} kl_png_result;

typedef struct {
    const unsigned char *data;
    size_t size;
    size_t offset;
    kl_png_result *result;
} kl_png_source;

static void kl_png_error(png_structp png, png_const_charp message) {
    kl_png_source *source = (kl_png_source *)png_get_error_ptr(png);
    snprintf(source->result->message, sizeof source->result->message, "%s", message);
    png_longjmp(png, 1);
}

static void kl_png_warning(png_structp png, png_const_charp message) {
    (void)png;
    (void)message;
}

static void kl_png_read(png_structp png, png_bytep out, size_t length) {
    kl_png_source *source = (kl_png_source *)png_get_io_ptr(png);
    if (length > source->size - source->offset) {
        png_error(png, "the file ends early (truncated)");
    }
    memcpy(out, source->data + source->offset, length);
    source->offset += length;
}

/// Decodes a whole PNG held in memory to 8-bit gray, gray+alpha, RGB or RGBA (palettes and 1/2/4-bit gray expanded,
/// as PIL expands them; gamma chunks ignored, as PIL ignores them). 16-bit samples become 8-bit as PIL makes them:
/// the high byte (its RGB;16B, RGBA;16B, LA;16B raw modes), except plain gray, which PIL keeps 16-bit (mode I;16)
/// and converts to RGB by clipping at 255. Refuses, before allocating the pixels, an image of more than max_pixels
/// pixels (KL_PNG_TOO_LARGE, width and height set).
static int kl_png_decode(const unsigned char *data, size_t size, uint64_t max_pixels, kl_png_result *result) {
    memset(result, 0, sizeof *result);
    kl_png_source source = {data, size, 0, result};
    png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &source, kl_png_error, kl_png_warning);
    if (!png) {
        snprintf(result->message, sizeof result->message, "libpng could not start");
        return KL_PNG_FAILED;
    }
    png_infop info = png_create_info_struct(png);
    if (!info) {
        png_destroy_read_struct(&png, NULL, NULL);
        snprintf(result->message, sizeof result->message, "libpng could not start");
        return KL_PNG_FAILED;
    }
    unsigned char *volatile pixels = NULL;
    png_bytep *volatile rows = NULL;
    if (setjmp(png_jmpbuf(png))) {
        free(pixels);
        free(rows);
        png_destroy_read_struct(&png, &info, NULL);
        return KL_PNG_FAILED;
    }
    png_set_read_fn(png, &source, kl_png_read);
    png_read_info(png, info);
    uint32_t width = png_get_image_width(png, info), height = png_get_image_height(png, info);
    int depth = png_get_bit_depth(png, info), type = png_get_color_type(png, info);
    result->width = width;
    result->height = height;
    if ((uint64_t)width * height > max_pixels) {
        png_destroy_read_struct(&png, &info, NULL);
        return KL_PNG_TOO_LARGE;
    }
    int gray16 = depth == 16 && type == PNG_COLOR_TYPE_GRAY;
    if (depth == 16 && !gray16) png_set_strip_16(png);
    if (type == PNG_COLOR_TYPE_PALETTE) png_set_palette_to_rgb(png);
    if (type == PNG_COLOR_TYPE_GRAY && depth < 8) png_set_expand_gray_1_2_4_to_8(png);
    png_set_interlace_handling(png);
    png_read_update_info(png, info);
    size_t row_bytes = png_get_rowbytes(png, info);
    result->channels = png_get_channels(png, info);
    pixels = (unsigned char *)malloc(row_bytes * height);
    rows = (png_bytep *)malloc(sizeof(png_bytep) * height);
    if (!pixels || !rows) png_error(png, "out of memory");
    for (uint32_t y = 0; y < height; y++) rows[y] = pixels + y * row_bytes;
    png_read_image(png, rows);
    free(rows);
    png_destroy_read_struct(&png, &info, NULL);
    if (gray16) {
        // Big-endian samples, rows contiguous: compacted in place, each written at or before where it was read.
        for (size_t i = 0; i < (size_t)width * height; i++) {
            unsigned value = (unsigned)pixels[2 * i] << 8 | pixels[2 * i + 1];
            pixels[i] = value > 255 ? 255 : (unsigned char)value;
        }
        result->sixteen_bit_gray = 1;
    }
    result->pixels = pixels;
    return KL_PNG_OK;
}

static void kl_png_free(kl_png_result *result) {
    free(result->pixels);
    result->pixels = NULL;
}
