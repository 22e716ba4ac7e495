// Internal helpers shared by the shim's C++ files (not part of the C API).
// Pointer ownership: `cob_mol` owns its OBMol and the cached title/property strings; nothing here
// allocates memory that outlives a call except through the types below.
#ifndef COPENBABELSHIM_COMMON_H
#define COPENBABELSHIM_COMMON_H

#pragma clang diagnostic push
#pragma clang diagnostic ignored "-Wdeprecated-declarations"
#include <openbabel/atom.h>
#include <openbabel/babelconfig.h>
#include <openbabel/bond.h>
#include <openbabel/descriptor.h>
#include <openbabel/fingerprint.h>
#include <openbabel/generic.h>
#include <openbabel/mol.h>
#include <openbabel/obconversion.h>
#include <openbabel/oberror.h>
#include <openbabel/op.h>
#pragma clang diagnostic pop

#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include "COpenBabelShim.h"

struct cob_mol {
  OpenBabel::OBMol mol;
  std::string title;                                      ///< cache for cob_mol_title
  std::vector<std::pair<std::string, std::string>> props; ///< cache for cob_mol_property
};

namespace cobshim {

/// Copies `text` into a caller buffer of `len` bytes, truncated and NUL-terminated.
inline void copyMessage(const std::string &text, char *message, size_t len) {
  if (message == nullptr || len == 0) return;
  size_t n = text.size() < len - 1 ? text.size() : len - 1;
  std::memcpy(message, text.data(), n);
  message[n] = '\0';
}

/// Called from a `catch (...)` block: writes what was thrown into the caller's message buffer
/// and sets COB_INTERNAL_ERROR (one place for every entry point's exception handling).
inline void reportCurrentException(char *message, size_t len, cob_status *status) {
  try {
    throw;
  } catch (const std::exception &e) {
    copyMessage(std::string("Open Babel raised: ") + e.what(), message, len);
  } catch (...) {
    copyMessage("Open Babel raised an unknown exception", message, len);
  }
  if (status) *status = COB_INTERNAL_ERROR;
}

/// Starts capturing Open Babel's global log (warnings and errors) for one call.
void beginLog();

/// Collects the messages logged since beginLog, joined by "; ", and stops logging.
std::string endLog();

/// A malloc'd copy of `text` (released with cob_free_string), or NULL when out of memory.
char *mallocCopy(const std::string &text);

}  // namespace cobshim

#endif
