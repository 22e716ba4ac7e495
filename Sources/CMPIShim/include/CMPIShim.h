// CMPIShim: a plain C API over the few MPI calls data-parallel training and sharded batch runs
// need (Open MPI from Debian's libopenmpi-dev). Every call works on MPI_COMM_WORLD and returns
// an MPI status (0 = success); `cmpi_error_text` turns a status into words. Buffers larger than
// an MPI count (2^31 - 1 elements) are sent in pieces.
#ifndef CMPISHIM_H
#define CMPISHIM_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Initialises MPI (single-threaded use: only the calling thread talks to MPI) and makes MPI
/// errors return a status instead of aborting. Returns 0 or an MPI error code.
int cmpi_initialize(void);
/// 1 when MPI is initialised and not yet finalised, else 0.
int cmpi_is_initialized(void);
/// Finalises MPI (after every rank has stopped communicating).
int cmpi_finalize(void);
/// Ends every process of the job with `code` (after an error only one rank knows about).
void cmpi_abort(int code);
/// This process's rank in MPI_COMM_WORLD, or -1 when the call fails.
int cmpi_rank(void);
/// The number of processes in MPI_COMM_WORLD, or -1 when the call fails.
int cmpi_size(void);
/// The number of ranks on this rank's machine (sharing its memory), or -1 when the call fails.
int cmpi_local_size(void);
/// Element-wise sum over all ranks, in place on every rank: `count` floats.
int cmpi_allreduce_sum_float(float *values, int64_t count);
/// Element-wise sum over all ranks, in place on every rank: `count` doubles.
int cmpi_allreduce_sum_double(double *values, int64_t count);
/// Copies `count` bytes from `root`'s buffer into every other rank's buffer.
int cmpi_broadcast_bytes(void *bytes, int64_t count, int root);
/// Every rank's `value`, in rank order, into `out` (size ranks) on every rank.
int cmpi_allgather_uint64(uint64_t value, uint64_t *out);
/// Every rank's `value` at `root`, in rank order, into `out` (size ranks; NULL on other ranks).
int cmpi_gather_int64(int64_t value, int root, int64_t *out);
/// Gathers `count` bytes from every rank at `root`, in rank order, into `out`; `counts` (size
/// ranks) holds every rank's byte count as `cmpi_gather_int64` gave it. Other ranks pass NULL
/// for both. Each count, and their total, must fit an int.
int cmpi_gather_bytes(const void *bytes, int64_t count, int root, const int64_t *counts, void *out);
/// The error text of an MPI status into `buffer` (capacity `length`, NUL-terminated).
void cmpi_error_text(int status, char *buffer, int length);

#ifdef __cplusplus
}
#endif

#endif
