// libpng's simplified API (png_image_*) does its own setjmp/longjmp error handling and reports
// failures in png_image.message, so this file never installs a jump buffer of its own.

#include "cfx_png.h"

#include <png.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void set_error(char *error, size_t error_size, const char *message) {
  if (error && error_size > 0) snprintf(error, error_size, "%s", message);
}

static uint32_t format_for_channels(uint32_t channels) {
  switch (channels) {
  case 1: return PNG_FORMAT_GRAY;
  case 2: return PNG_FORMAT_GA;
  case 3: return PNG_FORMAT_RGB;
  case 4: return PNG_FORMAT_RGBA;
  default: return 0xFFFFFFFFu;
  }
}

int cfx_png_decode(const uint8_t *data, size_t size, uint64_t max_pixels, cfx_png_image *out, char *error, size_t error_size) {
  memset(out, 0, sizeof(*out));
  if (size < 8 || png_sig_cmp(data, 0, 8) != 0) {
    set_error(error, error_size, "not a PNG file (no PNG signature)");
    return 0;
  }
  png_image image;
  memset(&image, 0, sizeof(image));
  image.version = PNG_IMAGE_VERSION;
  if (!png_image_begin_read_from_memory(&image, data, size)) {
    set_error(error, error_size, image.message[0] ? image.message : "cannot read the PNG header");
    png_image_free(&image);
    return 0;
  }
  if (image.width == 0 || image.height == 0 || (uint64_t)image.width * image.height > max_pixels) {
    char message[160];
    snprintf(message, sizeof(message), "%u × %u pixels is outside what cfx reads (1 to %llu pixels)", image.width, image.height,
             (unsigned long long)max_pixels);
    set_error(error, error_size, message);
    png_image_free(&image);
    return 0;
  }
  // Keep the file's own layout: gray or colour, with or without alpha (palettes expand to it),
  // and its sample size: 16-bit files are read as 16-bit ("linear" in libpng's words, which for
  // a 16-bit file without gamma chunks is the stored values unchanged), everything else as 8-bit.
  uint32_t channels = (image.format & PNG_FORMAT_FLAG_COLOR ? 3 : 1) + (image.format & PNG_FORMAT_FLAG_ALPHA ? 1 : 0);
  uint32_t bytes = (image.format & PNG_FORMAT_FLAG_LINEAR) ? 2 : 1;
  image.format = format_for_channels(channels) | (bytes == 2 ? PNG_FORMAT_FLAG_LINEAR : 0);
  size_t stride = (size_t)image.width * channels;
  uint8_t *pixels = malloc(stride * image.height * bytes);
  if (!pixels) {
    set_error(error, error_size, "out of memory");
    png_image_free(&image);
    return 0;
  }
  if (!png_image_finish_read(&image, NULL, pixels, (png_int_32)stride, NULL)) {
    set_error(error, error_size, image.message[0] ? image.message : "cannot decode the PNG data");
    free(pixels);
    png_image_free(&image);
    return 0;
  }
  out->width = image.width;
  out->height = image.height;
  out->channels = channels;
  out->bytes_per_sample = bytes;
  out->pixels = pixels;
  return 1;
}

void cfx_png_image_free(cfx_png_image *image) {
  free(image->pixels);
  image->pixels = NULL;
}

int cfx_png_encode(const uint8_t *pixels, uint32_t width, uint32_t height, uint32_t channels, uint8_t **out, size_t *out_size,
                   char *error, size_t error_size) {
  *out = NULL;
  *out_size = 0;
  if (channels < 1 || channels > 4 || width == 0 || height == 0) {
    set_error(error, error_size, "an image needs 1 to 4 channels and at least one pixel");
    return 0;
  }
  png_image image;
  memset(&image, 0, sizeof(image));
  image.version = PNG_IMAGE_VERSION;
  image.width = width;
  image.height = height;
  image.format = format_for_channels(channels);
  png_alloc_size_t size = 0;
  // First call measures, second writes.
  if (!png_image_write_to_memory(&image, NULL, &size, 0, pixels, (png_int_32)(width * channels), NULL)) {
    set_error(error, error_size, image.message[0] ? image.message : "cannot encode the PNG");
    png_image_free(&image);
    return 0;
  }
  uint8_t *buffer = malloc(size);
  if (!buffer) {
    set_error(error, error_size, "out of memory");
    return 0;
  }
  if (!png_image_write_to_memory(&image, buffer, &size, 0, pixels, (png_int_32)(width * channels), NULL)) {
    set_error(error, error_size, image.message[0] ? image.message : "cannot encode the PNG");
    free(buffer);
    png_image_free(&image);
    return 0;
  }
  *out = buffer;
  *out_size = size;
  return 1;
}

void cfx_png_buffer_free(uint8_t *buffer) { free(buffer); }

const char *cfx_png_version(void) { return PNG_LIBPNG_VER_STRING; }
