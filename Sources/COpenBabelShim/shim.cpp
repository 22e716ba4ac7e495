// COpenBabelShim implementation. Pointer ownership: every OBMol is owned by a cob_mol and deleted
// in cob_mol_free. Plugin objects (formats, descriptors, fingerprints) are owned by Open Babel's
// registry and only borrowed here.
#pragma clang diagnostic push
#pragma clang diagnostic ignored "-Wdeprecated-declarations"
#include <openbabel/atom.h>
#include <openbabel/babelconfig.h>
#include <openbabel/bond.h>
#include <openbabel/mol.h>
#include <openbabel/obconversion.h>
#include <openbabel/oberror.h>
#pragma clang diagnostic pop

#include <cstdlib>
#include <cstring>
#include <exception>
#include <sstream>
#include <string>
#include <vector>

#include "COpenBabelShim.h"

struct cob_mol {
  OpenBabel::OBMol mol;
};

namespace {

void copyMessage(const std::string &text, char *message, size_t len) {
  if (message == nullptr || len == 0) return;
  size_t n = text.size() < len - 1 ? text.size() : len - 1;
  std::memcpy(message, text.data(), n);
  message[n] = '\0';
}

/// Starts capturing Open Babel's global log (warnings and errors) for one call.
void beginLog() {
  OpenBabel::obErrorLog.ClearLog();
  OpenBabel::obErrorLog.StartLogging();
  OpenBabel::obErrorLog.SetOutputLevel(OpenBabel::obWarning);
}

/// Collects the messages logged since beginLog, joined by "; ".
std::string endLog() {
  std::string joined;
  for (auto level : {OpenBabel::obError, OpenBabel::obWarning}) {
    std::vector<std::string> msgs = OpenBabel::obErrorLog.GetMessagesOfLevel(level);
    for (const std::string &raw : msgs) {
      // Messages come as multi-line "==============\n*** Open Babel Warning in X\n  text\n".
      std::istringstream lines(raw);
      std::string line, clean;
      while (std::getline(lines, line)) {
        size_t a = line.find_first_not_of(" \t=*");
        if (a == std::string::npos) continue;
        if (!clean.empty()) clean += " ";
        clean += line.substr(a);
      }
      if (clean.empty()) continue;
      if (!joined.empty()) joined += "; ";
      joined += clean;
    }
  }
  OpenBabel::obErrorLog.ClearLog();
  OpenBabel::obErrorLog.StopLogging();
  return joined;
}

}  // namespace

extern "C" {

const char *cob_version(void) { return BABEL_VERSION; }

cob_mol *cob_mol_from_smiles(const char *smiles, char *message, size_t message_len,
                             cob_status *status) {
  copyMessage("", message, message_len);
  try {
    beginLog();
    OpenBabel::OBConversion conv;
    if (!conv.SetInFormat("smi")) {
      endLog();
      copyMessage("Open Babel's SMILES format plugin was not found (check BABEL_LIBDIR)", message,
                  message_len);
      if (status) *status = COB_MISSING_DATA;
      return nullptr;
    }
    cob_mol *m = new cob_mol();
    bool ok = conv.ReadString(&m->mol, smiles);
    std::string log = endLog();
    if (!ok) {
      delete m;
      copyMessage(log.empty() ? "Open Babel could not parse the SMILES" : log, message,
                  message_len);
      if (status) *status = COB_PARSE_ERROR;
      return nullptr;
    }
    copyMessage(log, message, message_len);
    if (status) *status = COB_OK;
    return m;
  } catch (const std::exception &e) {
    copyMessage(std::string("Open Babel raised: ") + e.what(), message, message_len);
  } catch (...) {
    copyMessage("Open Babel raised an unknown exception", message, message_len);
  }
  if (status) *status = COB_INTERNAL_ERROR;
  return nullptr;
}

void cob_mol_free(cob_mol *mol) { delete mol; }

int cob_mol_num_atoms(const cob_mol *mol) {
  return static_cast<int>(const_cast<OpenBabel::OBMol &>(mol->mol).NumAtoms());
}

int cob_mol_num_bonds(const cob_mol *mol) {
  return static_cast<int>(const_cast<OpenBabel::OBMol &>(mol->mol).NumBonds());
}

cob_status cob_mol_atom(const cob_mol *mol, int index, cob_atom *out) {
  auto &m = const_cast<OpenBabel::OBMol &>(mol->mol);
  if (index < 0 || index >= static_cast<int>(m.NumAtoms())) return COB_NOT_FOUND;
  OpenBabel::OBAtom *a = m.GetAtom(index + 1);  // Open Babel atoms are 1-based
  out->atomic_number = static_cast<int>(a->GetAtomicNum());
  out->formal_charge = a->GetFormalCharge();
  out->aromatic = a->IsAromatic() ? 1 : 0;
  out->implicit_h = static_cast<int>(a->GetImplicitHCount());
  out->total_valence = static_cast<int>(a->GetTotalValence());
  return COB_OK;
}

cob_status cob_mol_bond(const cob_mol *mol, int index, cob_bond *out) {
  auto &m = const_cast<OpenBabel::OBMol &>(mol->mol);
  if (index < 0 || index >= static_cast<int>(m.NumBonds())) return COB_NOT_FOUND;
  OpenBabel::OBBond *b = m.GetBond(index);  // bonds are 0-based
  out->begin = static_cast<int>(b->GetBeginAtomIdx()) - 1;
  out->end = static_cast<int>(b->GetEndAtomIdx()) - 1;
  out->order = static_cast<int>(b->GetBondOrder());
  out->aromatic = b->IsAromatic() ? 1 : 0;
  return COB_OK;
}

char *cob_mol_canonical_smiles(const cob_mol *mol, char *message, size_t message_len,
                               cob_status *status) {
  copyMessage("", message, message_len);
  try {
    beginLog();
    OpenBabel::OBConversion conv;
    if (!conv.SetOutFormat("can")) {
      endLog();
      copyMessage("Open Babel's canonical SMILES format was not found", message, message_len);
      if (status) *status = COB_MISSING_DATA;
      return nullptr;
    }
    conv.AddOption("n", OpenBabel::OBConversion::OUTOPTIONS);
    std::string out = conv.WriteString(const_cast<OpenBabel::OBMol *>(&mol->mol), true);
    endLog();
    while (!out.empty() && (out.back() == '\n' || out.back() == '\r' || out.back() == '\t'))
      out.pop_back();
    char *s = static_cast<char *>(std::malloc(out.size() + 1));
    if (s == nullptr) {
      if (status) *status = COB_INTERNAL_ERROR;
      return nullptr;
    }
    std::memcpy(s, out.c_str(), out.size() + 1);
    if (status) *status = COB_OK;
    return s;
  } catch (const std::exception &e) {
    copyMessage(std::string("Open Babel raised: ") + e.what(), message, message_len);
  } catch (...) {
    copyMessage("Open Babel raised an unknown exception", message, message_len);
  }
  if (status) *status = COB_INTERNAL_ERROR;
  return nullptr;
}

void cob_free_string(char *s) { std::free(s); }

}  // extern "C"
