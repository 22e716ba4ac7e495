// CMPIShim over Open MPI: see include/CMPIShim.h.

#include <limits.h>
#include <mpi.h>
#include <stdlib.h>
#include <string.h>

#include "CMPIShim.h"

/// The largest element count one MPI call takes.
static const int64_t piece = INT_MAX;

int cmpi_initialize(void) {
  int initialized = 0;
  MPI_Initialized(&initialized);
  if (!initialized) {
    int status = MPI_Init(NULL, NULL);
    if (status != MPI_SUCCESS) return status;
  }
  return MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
}

int cmpi_is_initialized(void) {
  int initialized = 0, finalized = 0;
  MPI_Initialized(&initialized);
  MPI_Finalized(&finalized);
  return initialized && !finalized;
}

int cmpi_finalize(void) { return MPI_Finalize(); }

void cmpi_abort(int code) { MPI_Abort(MPI_COMM_WORLD, code); }

int cmpi_rank(void) {
  int rank = -1;
  return MPI_Comm_rank(MPI_COMM_WORLD, &rank) == MPI_SUCCESS ? rank : -1;
}

int cmpi_size(void) {
  int size = -1;
  return MPI_Comm_size(MPI_COMM_WORLD, &size) == MPI_SUCCESS ? size : -1;
}

int cmpi_local_size(void) {
  MPI_Comm local;
  if (MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &local) != MPI_SUCCESS) return -1;
  int size = -1;
  if (MPI_Comm_size(local, &size) != MPI_SUCCESS) size = -1;
  MPI_Comm_free(&local);
  return size;
}

static int allreduce(void *values, int64_t count, MPI_Datatype type, size_t width, MPI_Op op) {
  char *bytes = values;
  for (int64_t start = 0; start < count; start += piece) {
    int n = (int)(count - start < piece ? count - start : piece);
    int status = MPI_Allreduce(MPI_IN_PLACE, bytes + (size_t)start * width, n, type, op, MPI_COMM_WORLD);
    if (status != MPI_SUCCESS) return status;
  }
  return MPI_SUCCESS;
}

int cmpi_allreduce_sum_float(float *values, int64_t count) {
  return allreduce(values, count, MPI_FLOAT, sizeof(float), MPI_SUM);
}

int cmpi_allreduce_sum_double(double *values, int64_t count) {
  return allreduce(values, count, MPI_DOUBLE, sizeof(double), MPI_SUM);
}

int cmpi_broadcast_bytes(void *bytes, int64_t count, int root) {
  char *p = bytes;
  for (int64_t start = 0; start < count; start += piece) {
    int n = (int)(count - start < piece ? count - start : piece);
    int status = MPI_Bcast(p + start, n, MPI_BYTE, root, MPI_COMM_WORLD);
    if (status != MPI_SUCCESS) return status;
  }
  return MPI_SUCCESS;
}

int cmpi_allgather_uint64(uint64_t value, uint64_t *out) {
  return MPI_Allgather(&value, 1, MPI_UINT64_T, out, 1, MPI_UINT64_T, MPI_COMM_WORLD);
}

int cmpi_gather_int64(int64_t value, int root, int64_t *out) {
  return MPI_Gather(&value, 1, MPI_INT64_T, out, 1, MPI_INT64_T, root, MPI_COMM_WORLD);
}

int cmpi_gather_bytes(const void *bytes, int64_t count, int root, const int64_t *counts, void *out) {
  if (count > INT_MAX) return MPI_ERR_COUNT;
  int rank = cmpi_rank(), size = cmpi_size();
  if (rank < 0 || size < 1) return MPI_ERR_COMM;
  int *receive = NULL, *offsets = NULL;
  if (rank == root) {
    receive = malloc(sizeof(int) * (size_t)size);
    offsets = malloc(sizeof(int) * (size_t)size);
    if (!receive || !offsets) { free(receive); free(offsets); return MPI_ERR_NO_MEM; }
    int64_t total = 0;
    for (int r = 0; r < size; r++) {
      if (counts[r] < 0 || counts[r] > INT_MAX - total) { free(receive); free(offsets); return MPI_ERR_COUNT; }
      receive[r] = (int)counts[r];
      offsets[r] = (int)total;
      total += counts[r];
    }
  }
  int status = MPI_Gatherv(bytes, (int)count, MPI_BYTE, out, receive, offsets, MPI_BYTE, root, MPI_COMM_WORLD);
  free(receive);
  free(offsets);
  return status;
}

void cmpi_error_text(int status, char *buffer, int length) {
  if (length <= 0) return;
  char text[MPI_MAX_ERROR_STRING];
  int n = 0;
  if (MPI_Error_string(status, text, &n) != MPI_SUCCESS) n = 0;
  if (n >= length) n = length - 1;
  memcpy(buffer, text, (size_t)n);
  buffer[n] = '\0';
}
