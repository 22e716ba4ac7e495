// Checkpoints: a directory holding
//   model.safetensors      parameters by dotted path (PyTorch/numpy-readable)
//   optimizer.safetensors  optimiser moments + training state in the metadata (optional)
//   config.json            the model's configuration, the SHA-256 of each file, parameter count
// Each file is written atomically, config.json last: it names the checksums of the files it
// belongs to, so a set left half-written (or mixed from two runs) is refused on load.

import Basics
import Foundation

/// Errors saving or loading checkpoints; each says what is wrong and with which file.
public enum CheckpointError: Error, CustomStringConvertible, Equatable {
  /// A file is missing or unreadable.
  case io(String)
  /// A file is malformed, corrupted or does not belong with the others.
  case invalid(String)
  /// The checkpoint is for a different model (names or shapes differ).
  case mismatch(String)

  /// A one-line explanation.
  public var description: String {
    switch self {
    case .io(let m): return "checkpoint: \(m)"
    case .invalid(let m): return "checkpoint is invalid: \(m)"
    case .mismatch(let m): return "checkpoint does not fit this model: \(m)"
    }
  }
}

/// What `Checkpoint.load` returns besides the parameters.
public struct LoadedCheckpoint {
  /// The model configuration JSON as saved.
  public var modelConfiguration: Data
  /// The optimiser, when one was saved.
  public var optimizer: AdamW?
  /// Free-form training state (step, RNG state, data position...) saved with the optimiser.
  public var trainingState: [String: String]
  /// SHA-256 of model.safetensors: the model's identity in every output cfx writes.
  public var modelChecksum: String
}

/// What `Checkpoint.warmStart` copied.
public struct WarmStartReport: Sendable, Equatable {
  /// SHA-256 of the source model.safetensors.
  public var sourceChecksum: String
  /// Parameter paths copied from the source (same path and shape).
  public var copied: [String]
  /// Parameter paths of the model left at their fresh values (absent or shaped differently).
  public var fresh: [String]
}

/// Saving and loading checkpoint directories.
public enum Checkpoint {
  /// Format tag written into config.json.
  public static let formatVersion = "cfx-checkpoint-1"

  /// Saves `model` (and optionally the optimiser and training state) into `directory`.
  /// Returns the SHA-256 of model.safetensors.
  @discardableResult
  public static func save<P: ParameterTree, C: Encodable>(
    model: P, configuration: C, optimizer: AdamW? = nil, trainingState: [String: String] = [:],
    to directory: URL
  ) throws(CheckpointError) -> String {
    var tensors: [String: Tensor] = [:]
    for (name, t) in model.namedParameters {
      precondition(tensors[name] == nil, "Checkpoint: duplicate parameter path '\(name)'")
      tensors[name] = t.detached
    }
    let modelBytes = SafeTensorsFile(tensors: tensors, metadata: ["format": formatVersion]).encoded()
    var files: [String: String] = ["model.safetensors": SHA256.hex(modelBytes)]
    do {
      try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
      try AtomicFile.write(Data(modelBytes), to: directory.appendingPathComponent("model.safetensors"))
      if let optimizer {
        var meta = optimizer.stateMetadata
        for (k, v) in trainingState { meta["train." + k] = v }
        let bytes = SafeTensorsFile(tensors: optimizer.stateTensors, metadata: meta).encoded()
        try AtomicFile.write(Data(bytes), to: directory.appendingPathComponent("optimizer.safetensors"))
        files["optimizer.safetensors"] = SHA256.hex(bytes)
      } else {
        try? FileManager.default.removeItem(at: directory.appendingPathComponent("optimizer.safetensors"))
      }
      let configJSON = try JSONEncoder().encode(configuration)
      let modelConfig = try JSONSerialization.jsonObject(with: configJSON)
      let document: [String: Any] = [
        "format": formatVersion, "model": modelConfig, "files": files,
        "parameter_count": model.parameterCount,
      ]
      let data = try JSONSerialization.data(withJSONObject: document, options: [.prettyPrinted, .sortedKeys])
      try AtomicFile.write(data, to: directory.appendingPathComponent("config.json"))
    } catch {
      throw .io("cannot write \(directory.path): \(error)")
    }
    return files["model.safetensors"]!
  }

  /// Copies the inference part of a checkpoint (model.safetensors and config.json without the
  /// optimiser entry) to `destination`, with `notes` added to config.json (e.g. how it was
  /// trained). The weights file is copied byte for byte, so its SHA-256 (the model's identity)
  /// is unchanged. Returns that checksum.
  @discardableResult
  public static func exportForInference(from source: URL, to destination: URL, notes: [String: String] = [:]) throws(CheckpointError) -> String {
    let configURL = source.appendingPathComponent("config.json")
    guard let configData = try? Data(contentsOf: configURL),
      var document = (try? JSONSerialization.jsonObject(with: configData)) as? [String: Any],
      let files = document["files"] as? [String: String], let modelSum = files["model.safetensors"]
    else { throw .invalid("\(configURL.path) is missing or not a cfx checkpoint config") }
    let weightsURL = source.appendingPathComponent("model.safetensors")
    guard let weights = try? Data(contentsOf: weightsURL) else { throw .io("\(weightsURL.path) is missing") }
    guard SHA256.hex([UInt8](weights)) == modelSum else {
      throw .invalid("\(weightsURL.path) does not match the checksum in config.json (copy a complete checkpoint)")
    }
    document["files"] = ["model.safetensors": modelSum]
    var merged = (document["notes"] as? [String: String]) ?? [:]
    for (k, v) in notes { merged[k] = v }
    document["notes"] = merged
    do {
      try AtomicFile.write(weights, to: destination.appendingPathComponent("model.safetensors"))
      let data = try JSONSerialization.data(withJSONObject: document, options: [.prettyPrinted, .sortedKeys])
      try AtomicFile.write(data, to: destination.appendingPathComponent("config.json"))
    } catch {
      throw .io("cannot write \(destination.path): \(error)")
    }
    return modelSum
  }

  /// Warm start: copies every parameter of the checkpoint in `directory` whose path and shape
  /// match one of `model`'s into `model`; the others keep their current (fresh) values. Used to
  /// start a model whose condition differs (e.g. a continuous logP condition) from a trained one.
  /// The weights file must match the checksum its config.json records.
  public static func warmStart<P: ParameterTree>(into model: inout P, from directory: URL) throws(CheckpointError)
    -> WarmStartReport
  {
    let (files, _) = try readConfig(directory)
    let stored = try readChecked("model.safetensors", in: directory, files: files)
    var copied: [String] = [], fresh: [String] = []
    model.forEachParameter { name, t in
      if let s = stored.tensors[name], s.shape == t.shape {
        t = s
        copied.append(name)
      } else {
        fresh.append(name)
      }
    }
    guard !copied.isEmpty else {
      throw .mismatch("\(directory.path) shares no parameter (same path and shape) with this model")
    }
    return WarmStartReport(sourceChecksum: files["model.safetensors"]!, copied: copied, fresh: fresh)
  }

  /// config.json of a checkpoint directory: the file checksums and the model configuration.
  private static func readConfig(_ directory: URL) throws(CheckpointError) -> (files: [String: String], model: Any) {
    let configURL = directory.appendingPathComponent("config.json")
    guard let configData = try? Data(contentsOf: configURL) else {
      throw .io("\(configURL.path) is missing or unreadable (is \(directory.path) a cfx checkpoint directory?)")
    }
    guard let document = try? JSONSerialization.jsonObject(with: configData) as? [String: Any],
      let files = document["files"] as? [String: String], let modelConfig = document["model"]
    else { throw .invalid("\(configURL.path) is not a cfx checkpoint config (no 'model' or 'files')") }
    guard document["format"] as? String == formatVersion else {
      throw .invalid("\(configURL.path) has format \(document["format"] ?? "none"), expected \(formatVersion)")
    }
    return (files, modelConfig)
  }

  /// Reads one safetensors file of a checkpoint after checking its SHA-256 against config.json.
  private static func readChecked(_ name: String, in directory: URL, files: [String: String]) throws(CheckpointError) -> SafeTensorsFile {
    let url = directory.appendingPathComponent(name)
    guard let data = try? Data(contentsOf: url) else { throw .io("\(url.path) is missing or unreadable") }
    let bytes = [UInt8](data)
    let actual = SHA256.hex(bytes)
    guard actual == files[name] else {
      throw .invalid("\(url.path) has SHA-256 \(actual) but config.json records \(files[name] ?? "none") (file replaced, corrupted or from another run)")
    }
    do { return try SafeTensorsFile.decode(bytes, path: url.path) } catch { throw .invalid(error.description) }
  }

  /// The model configuration recorded in the checkpoint in `directory`, decoded as `C`.
  public static func configuration<C: Decodable>(_ type: C.Type, in directory: URL) throws(CheckpointError) -> C {
    let (_, modelConfig) = try readConfig(directory)
    guard let data = try? JSONSerialization.data(withJSONObject: modelConfig), let decoded = try? JSONDecoder().decode(C.self, from: data) else {
      throw .invalid("\(directory.appendingPathComponent("config.json").path) does not describe a \(C.self) (a checkpoint of another kind of model?)")
    }
    return decoded
  }

  /// Loads the checkpoint in `directory` into `model`, whose structure (names and shapes) must
  /// match exactly.
  public static func load<P: ParameterTree>(into model: inout P, from directory: URL) throws(CheckpointError)
    -> LoadedCheckpoint
  {
    let (files, modelConfig) = try readConfig(directory)
    let stored = try readChecked("model.safetensors", in: directory, files: files)
    var seen = Set<String>()
    var problems: [String] = []
    model.forEachParameter { name, t in
      seen.insert(name)
      guard let s = stored.tensors[name] else { problems.append("missing tensor '\(name)'"); return }
      guard s.shape == t.shape else {
        problems.append("'\(name)' has shape \(s.shape) in the file, \(t.shape) in the model")
        return
      }
      t = s
    }
    let extra = Set(stored.tensors.keys).subtracting(seen)
    if !extra.isEmpty { problems.append("unexpected tensors \(extra.sorted().prefix(5))") }
    if !problems.isEmpty { throw .mismatch(problems.prefix(5).joined(separator: "; ")) }
    var optimizer: AdamW? = nil
    var trainingState: [String: String] = [:]
    if files["optimizer.safetensors"] != nil {
      let opt = try readChecked("optimizer.safetensors", in: directory, files: files)
      var meta: [String: String] = [:]
      for (k, v) in opt.metadata {
        if k.hasPrefix("train.") { trainingState[String(k.dropFirst(6))] = v } else { meta[k] = v }
      }
      optimizer = try AdamW(stateTensors: opt.tensors, metadata: meta)
    }
    let modelConfigData = (try? JSONSerialization.data(withJSONObject: modelConfig, options: [.sortedKeys])) ?? Data()
    return LoadedCheckpoint(
      modelConfiguration: modelConfigData, optimizer: optimizer, trainingState: trainingState,
      modelChecksum: files["model.safetensors"]!)
  }
}
