// COpenBabelShim: a plain C API over Open Babel 3 (C++). Every C++ exception and every Open Babel
// log message is caught inside the shim and returned as a status plus a message; nothing here
// aborts the process. Open Babel is not thread-safe: callers serialise all calls (Chemistry does
// this with one process-wide lock).
//
// Ownership: `cob_mol` handles are created by the shim and released with `cob_mol_free`. Strings
// returned as `char *` are malloc'd by the shim and released with `cob_free_string`.
#ifndef COPENBABELSHIM_H
#define COPENBABELSHIM_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Result of a shim call: 0 = ok, otherwise an error (message in the caller's buffer).
typedef enum {
  COB_OK = 0,
  COB_PARSE_ERROR = 1,
  COB_NOT_FOUND = 2,
  COB_INTERNAL_ERROR = 3,
  COB_MISSING_DATA = 4
} cob_status;

/// An owned Open Babel molecule.
typedef struct cob_mol cob_mol;

/// One atom as the shim reports it.
typedef struct {
  int atomic_number;
  int formal_charge;
  int aromatic;          ///< 1 if Open Babel flags the atom aromatic
  int implicit_h;        ///< implicit hydrogen count
  int total_valence;     ///< sum of bond orders incl. implicit H
} cob_atom;

/// One bond: 0-based atom indices and Kekulé order (1, 2, 3); `aromatic` flags aromatic bonds.
typedef struct {
  int begin;
  int end;
  int order;
  int aromatic;
} cob_bond;

/// Open Babel's release string, e.g. "3.1.1".
const char *cob_version(void);

/// Parses a SMILES string. On failure returns NULL and writes Open Babel's messages into
/// `message` (NUL-terminated, at most `message_len` bytes). Warnings (e.g. "Failed to kekulize")
/// are also written there on success, so the caller can treat them as errors.
cob_mol *cob_mol_from_smiles(const char *smiles, char *message, size_t message_len,
                             cob_status *status);

/// Releases a molecule.
void cob_mol_free(cob_mol *mol);

/// Number of heavy atoms (explicit atoms) and bonds.
int cob_mol_num_atoms(const cob_mol *mol);
int cob_mol_num_bonds(const cob_mol *mol);

/// Fills `out` with atom `index` (0-based); returns COB_NOT_FOUND when out of range.
cob_status cob_mol_atom(const cob_mol *mol, int index, cob_atom *out);

/// Fills `out` with bond `index` (0-based); returns COB_NOT_FOUND when out of range.
cob_status cob_mol_bond(const cob_mol *mol, int index, cob_bond *out);

/// Canonical SMILES (Open Babel "can" format, no title). Release with cob_free_string.
char *cob_mol_canonical_smiles(const cob_mol *mol, char *message, size_t message_len,
                               cob_status *status);

/// Releases a string returned by the shim.
void cob_free_string(char *s);

#ifdef __cplusplus
}
#endif

#endif
