// COpenBabelShim: a plain C API over Open Babel 3 (C++). Every C++ exception and every Open Babel
// log message is caught inside the shim and returned as a status plus a message; nothing here
// aborts the process. Open Babel is not thread-safe: callers serialise all calls (Chemistry does
// this with one process-wide lock).
//
// Ownership: `cob_mol` and `cob_reader` handles are created by the shim and released with
// `cob_mol_free` / `cob_reader_free`. Strings returned as `char *` are malloc'd by the shim and
// released with `cob_free_string`. `const char *` results are borrowed from the handle they came
// from and stay valid until that handle is changed or freed.
#ifndef COPENBABELSHIM_H
#define COPENBABELSHIM_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Result of a shim call: 0 = ok, otherwise an error (message in the caller's buffer).
typedef enum {
  COB_OK = 0,
  COB_PARSE_ERROR = 1,
  COB_NOT_FOUND = 2,
  COB_INTERNAL_ERROR = 3,
  COB_MISSING_DATA = 4,
  COB_END = 5
} cob_status;

/// An owned Open Babel molecule.
typedef struct cob_mol cob_mol;

/// An owned multi-record reader over an in-memory text.
typedef struct cob_reader cob_reader;

/// One atom as the shim reports it (and as cob_mol_build accepts it).
typedef struct {
  int atomic_number;
  int formal_charge;
  int aromatic;          ///< 1 if the atom is flagged aromatic
  int implicit_h;        ///< implicit hydrogen count (explicit H atoms are separate atoms)
  int total_valence;     ///< sum of bond orders incl. implicit H (ignored by cob_mol_build)
  int isotope;           ///< mass number, 0 when unspecified
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

/// Whether Open Babel can read (`direction` 0) or write (1) the format with this id ("smi", "sdf").
int cob_has_format(const char *format, int direction);

/// Parses a SMILES string. On failure returns NULL and writes Open Babel's messages into
/// `message` (NUL-terminated, at most `message_len` bytes). Warnings (e.g. "Failed to kekulize")
/// are also written there on success, so the caller can treat them as errors.
cob_mol *cob_mol_from_smiles(const char *smiles, char *message, size_t message_len,
                             cob_status *status);

/// Parses one record of any format Open Babel reads (format id as in `obabel -L formats`).
/// Messages as for cob_mol_from_smiles.
cob_mol *cob_mol_from_string(const char *text, const char *format, char *message,
                             size_t message_len, cob_status *status);

/// Builds a molecule from atoms and Kekulé bonds. When `perceived_aromaticity` is 1 the aromatic
/// flags given are kept (Open Babel does not re-perceive); otherwise Open Babel perceives its own.
cob_mol *cob_mol_build(int atom_count, const cob_atom *atoms, int bond_count,
                       const cob_bond *bonds, int perceived_aromaticity, char *message,
                       size_t message_len, cob_status *status);

/// Releases a molecule.
void cob_mol_free(cob_mol *mol);

/// Number of atoms (explicit atoms) and bonds.
int cob_mol_num_atoms(const cob_mol *mol);
int cob_mol_num_bonds(const cob_mol *mol);

/// Fills `out` with atom `index` (0-based); returns COB_NOT_FOUND when out of range.
cob_status cob_mol_atom(const cob_mol *mol, int index, cob_atom *out);

/// Fills `out` with bond `index` (0-based); returns COB_NOT_FOUND when out of range.
cob_status cob_mol_bond(const cob_mol *mol, int index, cob_bond *out);

/// Fills `out[0..<num_atoms]` with all atoms; `capacity` must be at least cob_mol_num_atoms.
cob_status cob_mol_atoms(const cob_mol *mol, cob_atom *out, int capacity);

/// Fills `out[0..<num_bonds]` with all bonds; `capacity` must be at least cob_mol_num_bonds.
cob_status cob_mol_bonds(const cob_mol *mol, cob_bond *out, int capacity);

/// The molecule's title (name), borrowed from `mol`.
const char *cob_mol_title(const cob_mol *mol);

/// Sets the molecule's title.
void cob_mol_set_title(cob_mol *mol, const char *title);

/// Attaches a key/value property (written as an SDF tag).
void cob_mol_set_property(cob_mol *mol, const char *key, const char *value);

/// Number of key/value properties the molecule carries (e.g. SDF tags read from a file).
int cob_mol_num_properties(const cob_mol *mol);

/// Property `index`: key and value, borrowed from `mol`. Returns COB_NOT_FOUND when out of range.
cob_status cob_mol_property(const cob_mol *mol, int index, const char **key, const char **value);

/// Canonical SMILES (Open Babel "can" format, no title). Release with cob_free_string.
char *cob_mol_canonical_smiles(const cob_mol *mol, char *message, size_t message_len,
                               cob_status *status);

/// Writes the molecule in `format` with Open Babel output options (`options`: space separated
/// single letters, e.g. "n i"; may be NULL). Release with cob_free_string.
char *cob_mol_write(const cob_mol *mol, const char *format, const char *options, char *message,
                    size_t message_len, cob_status *status);

/// Generates 2D coordinates (Open Babel's gen2D operation) for depiction and SDF output.
cob_status cob_mol_generate_2d(cob_mol *mol, char *message, size_t message_len);

/// Evaluates an Open Babel descriptor ("logP", "TPSA", "MW") into `value`.
/// Returns COB_MISSING_DATA when the descriptor plugin or its data file is missing.
cob_status cob_mol_descriptor(const cob_mol *mol, const char *name, double *value, char *message,
                              size_t message_len);

/// Computes an Open Babel fingerprint ("ECFP4", "FP2") into `words` (32-bit words, LSB first).
/// Writes the number of words into `*word_count` (at most `capacity`).
cob_status cob_mol_fingerprint(const cob_mol *mol, const char *name, uint32_t *words,
                               int capacity, int *word_count, char *message, size_t message_len);

/// Opens a reader over `text` in `format`, for multi-record inputs Open Babel splits itself.
/// The text is copied; the reader owns the copy.
cob_reader *cob_reader_open(const char *text, size_t length, const char *format, char *message,
                            size_t message_len, cob_status *status);

/// Reads the next record. Returns NULL with COB_END at the end, NULL with COB_PARSE_ERROR for a
/// record Open Babel rejects (the reader moves on to the next record).
cob_mol *cob_reader_next(cob_reader *reader, char *message, size_t message_len,
                         cob_status *status);

/// Releases a reader.
void cob_reader_free(cob_reader *reader);

/// Releases a string returned by the shim.
void cob_free_string(char *s);

#ifdef __cplusplus
}
#endif

#endif
