// gunzip with zlib's inflate in gzip mode (window bits 15 + 16), member after member.

#include "cfx_gzip.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

int cfx_gunzip(const uint8_t *data, size_t size, size_t max_size, uint8_t **out, size_t *out_size, char *error, size_t error_size) {
  *out = NULL;
  *out_size = 0;
  if (size < 18 || data[0] != 0x1f || data[1] != 0x8b) {
    snprintf(error, error_size, "not gzip data (no gzip signature)");
    return 0;
  }
  size_t capacity = size * 4 + 1024, length = 0;
  uint8_t *buffer = malloc(capacity);
  if (!buffer) { snprintf(error, error_size, "out of memory"); return 0; }
  z_stream stream;
  memset(&stream, 0, sizeof(stream));
  if (inflateInit2(&stream, 15 + 16) != Z_OK) { free(buffer); snprintf(error, error_size, "zlib cannot start"); return 0; }
  stream.next_in = (Bytef *)data;
  stream.avail_in = (uInt)(size > 0x7fffffff ? 0x7fffffff : size);
  size_t consumed = 0;
  for (;;) {
    if (length == capacity) {
      if (capacity >= max_size) {
        snprintf(error, error_size, "decompresses to more than %zu bytes", max_size);
        inflateEnd(&stream); free(buffer); return 0;
      }
      capacity = capacity * 2 > max_size ? max_size : capacity * 2;
      uint8_t *grown = realloc(buffer, capacity);
      if (!grown) { snprintf(error, error_size, "out of memory"); inflateEnd(&stream); free(buffer); return 0; }
      buffer = grown;
    }
    stream.next_out = buffer + length;
    stream.avail_out = (uInt)(capacity - length > 0x7fffffff ? 0x7fffffff : capacity - length);
    int status = inflate(&stream, Z_NO_FLUSH);
    length = (size_t)(stream.next_out - buffer);
    if (status == Z_STREAM_END) {
      consumed = (size_t)(stream.next_in - data);
      if (consumed >= size) break;
      // Another member follows.
      if (inflateReset(&stream) != Z_OK) { snprintf(error, error_size, "zlib cannot continue"); inflateEnd(&stream); free(buffer); return 0; }
      continue;
    }
    if (status == Z_BUF_ERROR && stream.avail_in == 0) {
      snprintf(error, error_size, "gzip data ends early (truncated file)");
      inflateEnd(&stream); free(buffer); return 0;
    }
    if (status != Z_OK && status != Z_BUF_ERROR) {
      snprintf(error, error_size, "damaged gzip data (%s)", stream.msg ? stream.msg : "zlib error");
      inflateEnd(&stream); free(buffer); return 0;
    }
  }
  inflateEnd(&stream);
  *out = buffer;
  *out_size = length;
  return 1;
}

void cfx_gzip_free(uint8_t *buffer) { free(buffer); }
