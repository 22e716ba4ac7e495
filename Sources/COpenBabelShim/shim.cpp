// COpenBabelShim implementation: parsing, building and reading back molecules.
// Pointer ownership: every OBMol is owned by a cob_mol and deleted in cob_mol_free. Plugin objects
// (formats, descriptors, fingerprints, ops) are owned by Open Babel's registry and only borrowed.
#include "common.h"

#include <cstdlib>
#include <map>
#include <memory>
#include <exception>
#include <ostream>
#include <sstream>

using namespace cobshim;

namespace cobshim {

void beginLog() {
  // Messages are collected and returned to the caller, never printed: Open Babel's own output
  // stream is pointed at a stream without a buffer, which discards everything.
  static std::ostream discard(nullptr);
  OpenBabel::obErrorLog.ClearLog();
  OpenBabel::obErrorLog.StartLogging();
  OpenBabel::obErrorLog.SetOutputStream(&discard);
  OpenBabel::obErrorLog.SetOutputLevel(OpenBabel::obWarning);
}

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

char *mallocCopy(const std::string &text) {
  char *s = static_cast<char *>(std::malloc(text.size() + 1));
  if (s == nullptr) return nullptr;
  std::memcpy(s, text.c_str(), text.size() + 1);
  return s;
}

}  // namespace cobshim

namespace {

void fillAtom(OpenBabel::OBAtom *a, cob_atom *out) {
  out->atomic_number = static_cast<int>(a->GetAtomicNum());
  out->formal_charge = a->GetFormalCharge();
  out->aromatic = a->IsAromatic() ? 1 : 0;
  out->implicit_h = static_cast<int>(a->GetImplicitHCount());
  out->total_valence = static_cast<int>(a->GetTotalValence());
  out->isotope = static_cast<int>(a->GetIsotope());
}

void fillBond(OpenBabel::OBBond *b, cob_bond *out) {
  out->begin = static_cast<int>(b->GetBeginAtomIdx()) - 1;
  out->end = static_cast<int>(b->GetEndAtomIdx()) - 1;
  out->order = static_cast<int>(b->GetBondOrder());
  out->aromatic = b->IsAromatic() ? 1 : 0;
}

}  // namespace

extern "C" {

const char *cob_version(void) { return BABEL_VERSION; }

int cob_has_format(const char *format, int direction) {
  try {
    OpenBabel::OBConversion conv;
    return direction == 0 ? (conv.SetInFormat(format) ? 1 : 0)
                          : (conv.SetOutFormat(format) ? 1 : 0);
  } catch (...) {
    return 0;
  }
}

cob_mol *cob_mol_from_string(const char *text, const char *format, char *message,
                             size_t message_len, cob_status *status) {
  copyMessage("", message, message_len);
  try {
    beginLog();
    // One reader conversion per format is kept and reused (callers hold the process-wide lock,
    // so the cache is never used concurrently); it holds no per-molecule state between reads.
    static std::map<std::string, std::unique_ptr<OpenBabel::OBConversion>> readers;
    auto &slot = readers[format];
    if (!slot) {
      slot.reset(new OpenBabel::OBConversion());
      if (!slot->SetInFormat(format)) slot.reset();
    }
    if (!slot) {
      endLog();
      copyMessage(std::string("Open Babel has no reader for format '") + format +
                      "' (check the format name with `obabel -L formats`, or BABEL_LIBDIR)",
                  message, message_len);
      if (status) *status = COB_MISSING_DATA;
      return nullptr;
    }
    cob_mol *m = new cob_mol();
    bool ok = slot->ReadString(&m->mol, text);
    std::string log = endLog();
    if (!ok) {
      delete m;
      copyMessage(log.empty() ? "Open Babel could not parse the record" : log, message,
                  message_len);
      if (status) *status = COB_PARSE_ERROR;
      return nullptr;
    }
    copyMessage(log, message, message_len);
    if (status) *status = COB_OK;
    return m;
  } catch (...) {
    cobshim::reportCurrentException(message, message_len, status);
  }
  return nullptr;
}

cob_mol *cob_mol_from_smiles(const char *smiles, char *message, size_t message_len,
                             cob_status *status) {
  return cob_mol_from_string(smiles, "smi", message, message_len, status);
}

cob_mol *cob_mol_build(int atom_count, const cob_atom *atoms, int bond_count,
                       const cob_bond *bonds, int perceived_aromaticity, char *message,
                       size_t message_len, cob_status *status) {
  copyMessage("", message, message_len);
  try {
    cob_mol *m = new cob_mol();
    OpenBabel::OBMol &mol = m->mol;
    mol.BeginModify();
    for (int i = 0; i < atom_count; ++i) {
      OpenBabel::OBAtom *a = mol.NewAtom();
      a->SetAtomicNum(atoms[i].atomic_number);
      a->SetFormalCharge(atoms[i].formal_charge);
      a->SetImplicitHCount(static_cast<unsigned int>(atoms[i].implicit_h));
      if (atoms[i].isotope > 0) a->SetIsotope(static_cast<unsigned int>(atoms[i].isotope));
    }
    for (int i = 0; i < bond_count; ++i) {
      const cob_bond &b = bonds[i];
      if (b.begin < 0 || b.end < 0 || b.begin >= atom_count || b.end >= atom_count ||
          b.begin == b.end || !mol.AddBond(b.begin + 1, b.end + 1, b.order)) {
        delete m;
        copyMessage("bond " + std::to_string(i) + " joins invalid atoms", message, message_len);
        if (status) *status = COB_PARSE_ERROR;
        return nullptr;
      }
    }
    mol.EndModify();
    if (perceived_aromaticity) {
      for (int i = 0; i < atom_count; ++i) mol.GetAtom(i + 1)->SetAromatic(atoms[i].aromatic != 0);
      for (int i = 0; i < bond_count; ++i) mol.GetBond(i)->SetAromatic(bonds[i].aromatic != 0);
      mol.SetAromaticPerceived();
    }
    if (status) *status = COB_OK;
    return m;
  } catch (...) {
    cobshim::reportCurrentException(message, message_len, status);
  }
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
  fillAtom(m.GetAtom(index + 1), out);  // Open Babel atoms are 1-based
  return COB_OK;
}

cob_status cob_mol_bond(const cob_mol *mol, int index, cob_bond *out) {
  auto &m = const_cast<OpenBabel::OBMol &>(mol->mol);
  if (index < 0 || index >= static_cast<int>(m.NumBonds())) return COB_NOT_FOUND;
  fillBond(m.GetBond(index), out);  // bonds are 0-based
  return COB_OK;
}

cob_status cob_mol_atoms(const cob_mol *mol, cob_atom *out, int capacity) {
  auto &m = const_cast<OpenBabel::OBMol &>(mol->mol);
  int n = static_cast<int>(m.NumAtoms());
  if (capacity < n) return COB_NOT_FOUND;
  for (int i = 0; i < n; ++i) fillAtom(m.GetAtom(i + 1), &out[i]);
  return COB_OK;
}

cob_status cob_mol_bonds(const cob_mol *mol, cob_bond *out, int capacity) {
  auto &m = const_cast<OpenBabel::OBMol &>(mol->mol);
  int n = static_cast<int>(m.NumBonds());
  if (capacity < n) return COB_NOT_FOUND;
  for (int i = 0; i < n; ++i) fillBond(m.GetBond(i), &out[i]);
  return COB_OK;
}

const char *cob_mol_title(const cob_mol *mol) {
  auto *m = const_cast<cob_mol *>(mol);
  m->title = m->mol.GetTitle();
  return m->title.c_str();
}

void cob_mol_set_title(cob_mol *mol, const char *title) { mol->mol.SetTitle(title); }

void cob_mol_set_property(cob_mol *mol, const char *key, const char *value) {
  OpenBabel::OBPairData *existing =
      dynamic_cast<OpenBabel::OBPairData *>(mol->mol.GetData(key));
  if (existing != nullptr) {
    existing->SetValue(value);
    return;
  }
  auto *data = new OpenBabel::OBPairData();  // owned by the OBMol from here on
  data->SetAttribute(key);
  data->SetValue(value);
  data->SetOrigin(OpenBabel::userInput);
  mol->mol.SetData(data);
}

int cob_mol_num_properties(const cob_mol *mol) {
  auto *m = const_cast<cob_mol *>(mol);
  m->props.clear();
  for (OpenBabel::OBGenericData *d : m->mol.GetAllData(OpenBabel::OBGenericDataType::PairData)) {
    m->props.emplace_back(d->GetAttribute(), d->GetValue());
  }
  return static_cast<int>(m->props.size());
}

cob_status cob_mol_property(const cob_mol *mol, int index, const char **key, const char **value) {
  if (index < 0 || index >= static_cast<int>(mol->props.size())) return COB_NOT_FOUND;
  *key = mol->props[index].first.c_str();
  *value = mol->props[index].second.c_str();
  return COB_OK;
}

char *cob_mol_write(const cob_mol *mol, const char *format, const char *options, char *message,
                    size_t message_len, cob_status *status) {
  copyMessage("", message, message_len);
  try {
    beginLog();
    OpenBabel::OBConversion conv;
    if (!conv.SetOutFormat(format)) {
      endLog();
      copyMessage(std::string("Open Babel has no writer for format '") + format + "'", message,
                  message_len);
      if (status) *status = COB_MISSING_DATA;
      return nullptr;
    }
    if (options != nullptr) {
      std::istringstream words(options);
      std::string word;
      while (words >> word) conv.AddOption(word.c_str(), OpenBabel::OBConversion::OUTOPTIONS);
    }
    std::string out = conv.WriteString(const_cast<OpenBabel::OBMol *>(&mol->mol), true);
    std::string log = endLog();
    if (out.empty()) {
      copyMessage(log.empty() ? "Open Babel wrote nothing" : log, message, message_len);
      if (status) *status = COB_INTERNAL_ERROR;
      return nullptr;
    }
    char *s = mallocCopy(out);
    if (status) *status = s ? COB_OK : COB_INTERNAL_ERROR;
    return s;
  } catch (...) {
    cobshim::reportCurrentException(message, message_len, status);
  }
  return nullptr;
}

char *cob_mol_canonical_smiles(const cob_mol *mol, char *message, size_t message_len,
                               cob_status *status) {
  char *s = cob_mol_write(mol, "can", "n", message, message_len, status);
  if (s == nullptr) return nullptr;
  size_t n = std::strlen(s);
  while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == '\r' || s[n - 1] == '\t')) s[--n] = '\0';
  return s;
}

void cob_free_string(char *s) { std::free(s); }

}  // extern "C"
