// libjpeg's default error handler prints and calls exit(). KerasLens decodes from memory and must never print or
// exit, so this shim installs an error manager that records the message and longjmps back here, treats a premature
// end of data as an error (libjpeg would pad the image with gray and go on; PIL refuses such a file), and checks the
// size before the pixels are allocated.
#include <stdio.h>
#include <jpeglib.h>
#include <jerror.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

enum { KL_JPEG_OK = 0, KL_JPEG_FAILED = 1, KL_JPEG_TOO_LARGE = 2 };

typedef struct {
    unsigned char *pixels;  // rows of width * channels bytes, malloc'd; the caller frees it with kl_jpeg_free
    uint32_t width;
    uint32_t height;
    int channels;           // 1 gray, 3 RGB, 4 CMYK as stored (PIL reads every 4-component JPEG as Adobe's inverted CMYK)
    char message[JMSG_LENGTH_MAX];
} kl_jpeg_result;

typedef struct {
    struct jpeg_error_mgr manager;
    jmp_buf jump;
    kl_jpeg_result *result;
} kl_jpeg_errors;

static void kl_jpeg_error_exit(j_common_ptr info) {
    kl_jpeg_errors *errors = (kl_jpeg_errors *)info->err;
    (*info->err->format_message)(info, errors->result->message);
    longjmp(errors->jump, 1);
}

/// Warnings pass silently, except running out of data, which is an error here.
static void kl_jpeg_emit_message(j_common_ptr info, int level) {
    if (level < 0 && info->err->msg_code == JWRN_JPEG_EOF) {
        kl_jpeg_errors *errors = (kl_jpeg_errors *)info->err;
        snprintf(errors->result->message, sizeof errors->result->message, "the file ends early (truncated)");
        longjmp(errors->jump, 1);
    }
}

static void kl_jpeg_output_message(j_common_ptr info) {
    (void)info;
}

/// Decodes a whole JPEG held in memory to 8-bit gray or RGB with libjpeg's defaults (islow DCT, fancy upsampling),
/// as PIL decodes it; a 4-component file (CMYK or YCCK) to libjpeg's CMYK, as PIL asks for it. Refuses, before
/// allocating the pixels, an image of more than max_pixels pixels (KL_JPEG_TOO_LARGE, width and height set).
static int kl_jpeg_decode(const unsigned char *data, size_t size, uint64_t max_pixels, kl_jpeg_result *result) {
    memset(result, 0, sizeof *result);
    struct jpeg_decompress_struct info;
    kl_jpeg_errors errors;
    unsigned char *volatile pixels = NULL;
    info.err = jpeg_std_error(&errors.manager);
    errors.manager.error_exit = kl_jpeg_error_exit;
    errors.manager.emit_message = kl_jpeg_emit_message;
    errors.manager.output_message = kl_jpeg_output_message;
    errors.result = result;
    if (setjmp(errors.jump)) {
        free(pixels);
        jpeg_destroy_decompress(&info);
        return KL_JPEG_FAILED;
    }
    jpeg_create_decompress(&info);
    jpeg_mem_src(&info, data, (unsigned long)size);
    jpeg_read_header(&info, TRUE);
    result->width = info.image_width;
    result->height = info.image_height;
    if ((uint64_t)info.image_width * info.image_height > max_pixels) {
        jpeg_destroy_decompress(&info);
        return KL_JPEG_TOO_LARGE;
    }
    int cmyk = info.jpeg_color_space == JCS_CMYK || info.jpeg_color_space == JCS_YCCK;
    info.out_color_space = cmyk ? JCS_CMYK : info.num_components == 1 ? JCS_GRAYSCALE : JCS_RGB;
    jpeg_start_decompress(&info);
    size_t row_bytes = (size_t)info.output_width * info.output_components;
    pixels = (unsigned char *)malloc(row_bytes * info.output_height);
    if (!pixels) {
        snprintf(result->message, sizeof result->message, "out of memory");
        longjmp(errors.jump, 1);
    }
    while (info.output_scanline < info.output_height) {
        JSAMPROW row = pixels + (size_t)info.output_scanline * row_bytes;
        jpeg_read_scanlines(&info, &row, 1);
    }
    result->width = info.output_width;
    result->height = info.output_height;
    result->channels = info.output_components;
    result->pixels = pixels;
    jpeg_destroy_decompress(&info);
    return KL_JPEG_OK;
}

static void kl_jpeg_free(kl_jpeg_result *result) {
    free(result->pixels);
    result->pixels = NULL;
}
