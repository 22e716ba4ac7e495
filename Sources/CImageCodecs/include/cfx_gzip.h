// gunzip through zlib: the data sets cfx reads arrive gzipped (Fashion-MNIST's IDX files).
#ifndef CFX_GZIP_H
#define CFX_GZIP_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Decompresses gzip data (concatenated members included), refusing more than `max_size`
/// output bytes. Returns 1 and a malloc'ed buffer in *out / *out_size (free with
/// cfx_gzip_free), or 0 with `error` filled.
int cfx_gunzip(const uint8_t *data, size_t size, size_t max_size, uint8_t **out, size_t *out_size, char *error, size_t error_size);

/// Frees a buffer from cfx_gunzip.
void cfx_gzip_free(uint8_t *buffer);

#ifdef __cplusplus
}
#endif

#endif
