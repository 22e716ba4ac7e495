// A plain C API over libpng's simplified API: decode a PNG held in memory to 8-bit samples in
// the file's own channel layout, and encode 8-bit samples to PNG bytes. Every failure returns
// 0 with a message; nothing longjmps into the caller.
#ifndef CFX_PNG_H
#define CFX_PNG_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// A decoded image: height rows of width pixels of `channels` interleaved samples (1 gray,
/// 2 gray + alpha, 3 RGB, 4 RGBA), top row first; samples are 8-bit, or 16-bit in native byte
/// order when the file stores 16 bits (bytes_per_sample 2), exactly as stored.
typedef struct {
  uint32_t width;
  uint32_t height;
  uint32_t channels;
  uint32_t bytes_per_sample;
  uint8_t *pixels;
} cfx_png_image;

/// Decodes `size` bytes; refuses images of more than `max_pixels` pixels before allocating
/// them. Returns 1 on success (free with cfx_png_image_free), 0 with `error` filled otherwise.
int cfx_png_decode(const uint8_t *data, size_t size, uint64_t max_pixels, cfx_png_image *out, char *error, size_t error_size);

/// Frees the pixels of a decoded image.
void cfx_png_image_free(cfx_png_image *image);

/// Encodes width × height pixels of `channels` (1–4) interleaved 8-bit samples. Returns 1 and
/// a malloc'ed buffer in *out / *out_size (free with cfx_png_buffer_free), or 0 with `error`.
int cfx_png_encode(const uint8_t *pixels, uint32_t width, uint32_t height, uint32_t channels, uint8_t **out, size_t *out_size,
                   char *error, size_t error_size);

/// Frees a buffer from cfx_png_encode.
void cfx_png_buffer_free(uint8_t *buffer);

/// The libpng version the library was built with ("1.6.39").
const char *cfx_png_version(void);

#ifdef __cplusplus
}
#endif

#endif
