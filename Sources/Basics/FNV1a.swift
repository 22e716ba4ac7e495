// FNV-1a, 64 bits: a fast, stable fingerprint of bytes for spotting damage or disagreement
// (a journal line cut short, ranks that loaded different files); not a security measure.

/// FNV-1a of `bytes`: h = (h ⊕ byte) · 1099511628211 from the offset basis 14695981039346656037.
public func fnv1a64(_ bytes: some Sequence<UInt8>) -> UInt64 {
  var hash: UInt64 = 0xcbf2_9ce4_8422_2325
  for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
  return hash
}
