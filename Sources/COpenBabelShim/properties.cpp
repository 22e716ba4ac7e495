// COpenBabelShim: descriptors, fingerprints, 2D coordinates and the multi-record reader.
// Pointer ownership: a cob_reader owns its OBConversion and the copied input text; descriptor,
// fingerprint and op plugins are borrowed from Open Babel's registry.
#include "common.h"

#include <exception>
#include <sstream>

using namespace cobshim;

struct cob_reader {
  std::istringstream stream;
  OpenBabel::OBConversion conv;
};

extern "C" {

cob_status cob_mol_descriptor(const cob_mol *mol, const char *name, double *value, char *message,
                              size_t message_len) {
  copyMessage("", message, message_len);
  try {
    OpenBabel::OBDescriptor *d = OpenBabel::OBDescriptor::FindType(name);
    if (d == nullptr) {
      copyMessage(std::string("Open Babel descriptor '") + name +
                      "' not found (plugin_descriptors.so missing? check BABEL_LIBDIR)",
                  message, message_len);
      return COB_MISSING_DATA;
    }
    beginLog();
    *value = d->Predict(const_cast<OpenBabel::OBMol *>(&mol->mol));
    std::string log = endLog();
    if (log.find("Could not find") != std::string::npos ||
        log.find("Cannot open") != std::string::npos) {
      copyMessage(std::string("Open Babel's data file for '") + name + "' is missing: " + log +
                      " (set BABEL_DATADIR to the directory holding logp.txt/psa.txt)",
                  message, message_len);
      return COB_MISSING_DATA;
    }
    return COB_OK;
  } catch (...) {
    cobshim::reportCurrentException(message, message_len, nullptr);
  }
  return COB_INTERNAL_ERROR;
}

cob_status cob_mol_fingerprint(const cob_mol *mol, const char *name, uint32_t *words,
                               int capacity, int *word_count, char *message, size_t message_len) {
  copyMessage("", message, message_len);
  try {
    OpenBabel::OBFingerprint *fp = OpenBabel::OBFingerprint::FindFingerprint(name);
    if (fp == nullptr) {
      copyMessage(std::string("Open Babel fingerprint '") + name +
                      "' not found (plugin_fingerprints.so missing? check BABEL_LIBDIR)",
                  message, message_len);
      return COB_MISSING_DATA;
    }
    std::vector<unsigned int> bits;
    beginLog();
    bool ok = fp->GetFingerprint(const_cast<OpenBabel::OBMol *>(&mol->mol), bits);
    std::string log = endLog();
    if (!ok) {
      copyMessage(log.empty() ? "fingerprint failed" : log, message, message_len);
      return COB_INTERNAL_ERROR;
    }
    if (static_cast<int>(bits.size()) > capacity) {
      copyMessage("fingerprint has " + std::to_string(bits.size()) + " words, buffer holds " +
                      std::to_string(capacity),
                  message, message_len);
      return COB_NOT_FOUND;
    }
    for (size_t i = 0; i < bits.size(); ++i) words[i] = static_cast<uint32_t>(bits[i]);
    *word_count = static_cast<int>(bits.size());
    return COB_OK;
  } catch (...) {
    cobshim::reportCurrentException(message, message_len, nullptr);
  }
  return COB_INTERNAL_ERROR;
}

cob_status cob_mol_generate_2d(cob_mol *mol, char *message, size_t message_len) {
  copyMessage("", message, message_len);
  try {
    OpenBabel::OBOp *op = OpenBabel::OBOp::FindType("gen2D");
    if (op == nullptr) {
      copyMessage("Open Babel's gen2D operation was not found (check BABEL_LIBDIR)", message,
                  message_len);
      return COB_MISSING_DATA;
    }
    beginLog();
    bool ok = op->Do(&mol->mol);
    std::string log = endLog();
    if (!ok) {
      copyMessage(log.empty() ? "gen2D failed" : log, message, message_len);
      return COB_INTERNAL_ERROR;
    }
    return COB_OK;
  } catch (...) {
    cobshim::reportCurrentException(message, message_len, nullptr);
  }
  return COB_INTERNAL_ERROR;
}

cob_reader *cob_reader_open(const char *text, size_t length, const char *format, char *message,
                            size_t message_len, cob_status *status) {
  copyMessage("", message, message_len);
  try {
    auto *r = new cob_reader();
    if (!r->conv.SetInFormat(format)) {
      delete r;
      copyMessage(std::string("Open Babel has no reader for format '") + format +
                      "' (check the format name with `obabel -L formats`)",
                  message, message_len);
      if (status) *status = COB_MISSING_DATA;
      return nullptr;
    }
    r->stream.str(std::string(text, length));
    r->conv.SetInStream(&r->stream, false);
    if (status) *status = COB_OK;
    return r;
  } catch (...) {
    cobshim::reportCurrentException(message, message_len, status);
  }
  return nullptr;
}

cob_mol *cob_reader_next(cob_reader *reader, char *message, size_t message_len,
                         cob_status *status) {
  copyMessage("", message, message_len);
  try {
    std::istream &in = reader->stream;
    in >> std::ws;
    if (!in.good() || in.peek() == std::char_traits<char>::eof()) {
      if (status) *status = COB_END;
      return nullptr;
    }
    std::streampos before = in.tellg();
    cob_mol *m = new cob_mol();
    beginLog();
    bool ok = reader->conv.Read(&m->mol, &in);
    std::string log = endLog();
    if (ok) {
      copyMessage(log, message, message_len);
      if (status) *status = COB_OK;
      return m;
    }
    delete m;
    const bool progressed = in.good() && in.tellg() != before;
    if (!progressed) in.setstate(std::ios::eofbit);  // no progress: end the input, never loop
    if (log.empty() && !progressed) {
      if (status) *status = COB_END;  // trailing text Open Babel silently ignores
      return nullptr;
    }
    copyMessage(log.empty() ? "Open Babel could not read the record" : log, message, message_len);
    if (status) *status = COB_PARSE_ERROR;
    return nullptr;
  } catch (...) {
    cobshim::reportCurrentException(message, message_len, status);
  }
  return nullptr;
}

void cob_reader_free(cob_reader *reader) { delete reader; }

}  // extern "C"
