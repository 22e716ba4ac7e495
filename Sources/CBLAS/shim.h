// CBLAS: OpenBLAS's cblas plus the LAPACK routines we use (symmetric eigensolvers, single and
// double precision). Debian's OpenBLAS is built NO_LAPACKE, so the Fortran-ABI symbols are
// declared here.
#include <cblas.h>

/// LAPACK ssyevd (Fortran ABI): eigenvalues (ascending) and eigenvectors of a symmetric matrix.
/// `a` is n×n column-major; on exit it holds the eigenvectors as columns.
void ssyevd_(const char *jobz, const char *uplo, const int *n, float *a, const int *lda,
             float *w, float *work, const int *lwork, int *iwork, const int *liwork, int *info);

/// LAPACK dsyevd (Fortran ABI): the same in double precision.
void dsyevd_(const char *jobz, const char *uplo, const int *n, double *a, const int *lda,
             double *w, double *work, const int *lwork, int *iwork, const int *liwork, int *info);

/// OpenBLAS identification and threading (declared in openblas_config.h, repeated for clarity).
char *openblas_get_config(void);
char *openblas_get_corename(void);
void openblas_set_num_threads(int num_threads);
int openblas_get_num_threads(void);
