// A user's model as a property: a command cfx starts once and talks to over standard input and
// output, so any predictor or classifier (a Python script around scikit-learn, PyTorch, RDKit…)
// can be the target of an explanation.
//
// The line protocol (documented for users in `cfx explain molecules --help` and the README):
//  * cfx writes one batch: one SMILES per line, then an empty line;
//  * the oracle answers with exactly one line per SMILES, in order, then an empty line. A line
//    is a number ("0.83") or a JSON object of numbers ({"p_active": 0.83, "p_inactive": 0.17});
//    with objects, `field` names the number that is the property (without it an object must
//    have exactly one number);
//  * at the end cfx closes the oracle's standard input; the oracle should then exit.
// Standard error is the oracle's own: its last lines are quoted when it fails. A missing
// answer within `timeout` seconds, an exit, a wrong number of lines, NaN, infinities and
// anything that is not a number are errors naming the oracle, the molecule and the line.

import Foundation

/// An external property model driven over the line protocol above.
public final class ExternalOracle: @unchecked Sendable {
  /// How to start and read an oracle.
  public struct Configuration: Codable, Sendable, Equatable {
    /// A short name for messages and outputs ("toxicity"; default: the command).
    public var name: String
    /// The command, run by `/bin/sh -c`.
    public var command: String
    /// The JSON field that is the property (nil: answers are numbers, or one-number objects).
    public var field: String?
    /// Seconds to wait for one batch's answers.
    public var timeout: Double
    /// Most SMILES sent in one batch.
    public var batchSize: Int

    /// A configuration; `timeout` > 0, `batchSize` ≥ 1.
    public init(name: String? = nil, command: String, field: String? = nil, timeout: Double = 120, batchSize: Int = 256) {
      precondition(timeout > 0 && batchSize >= 1, "ExternalOracle: timeout \(timeout) must be > 0 and batch size \(batchSize) ≥ 1")
      (self.name, self.command, self.field, self.timeout, self.batchSize) = (name ?? command, command, field, timeout, batchSize)
    }

    enum CodingKeys: String, CodingKey { case name, command, field, timeout, batchSize = "batch_size" }

    /// Reads an entry of an oracle file; missing fields take their defaults.
    public init(from decoder: any Decoder) throws {
      let c = try decoder.container(keyedBy: CodingKeys.self)
      let command = try c.decode(String.self, forKey: .command)
      let timeout = try c.decodeIfPresent(Double.self, forKey: .timeout) ?? 120
      let batch = try c.decodeIfPresent(Int.self, forKey: .batchSize) ?? 256
      guard timeout > 0, batch >= 1 else {
        throw DecodingError.dataCorrupted(.init(codingPath: c.codingPath, debugDescription: "timeout must be > 0 and batch_size ≥ 1"))
      }
      self.init(name: try c.decodeIfPresent(String.self, forKey: .name), command: command,
                field: try c.decodeIfPresent(String.self, forKey: .field), timeout: timeout, batchSize: batch)
    }
  }

  /// The configuration.
  public let configuration: Configuration
  private let process = Process()
  private let input = Pipe(), output = Pipe(), errors = Pipe()
  private let lines = LineQueue()
  private let stderrTail = LineQueue()
  private var batches = 0
  private var failure: OracleError?

  /// Starts the oracle. Throws when the command cannot be started.
  public init(_ configuration: Configuration) throws(OracleError) {
    self.configuration = configuration
    // A write to an oracle that has exited must fail with EPIPE, not end cfx with SIGPIPE.
    signal(SIGPIPE, SIG_IGN)
    process.executableURL = URL(fileURLWithPath: "/bin/sh")
    process.arguments = ["-c", configuration.command]
    process.standardInput = input
    process.standardOutput = output
    process.standardError = errors
    let lines = self.lines, tail = stderrTail
    output.fileHandleForReading.readabilityHandler = { handle in
      let data = handle.availableData
      if data.isEmpty { handle.readabilityHandler = nil; lines.close() } else { lines.append(data) }
    }
    errors.fileHandleForReading.readabilityHandler = { handle in
      let data = handle.availableData
      if data.isEmpty { handle.readabilityHandler = nil; tail.close() } else { tail.append(data, keepLast: 20) }
    }
    do { try process.run() } catch {
      throw OracleError(oracle: configuration.name, message: "cannot start `\(configuration.command)`: \(error)")
    }
  }

  deinit { close() }

  /// Closes the oracle's input and waits up to `grace` seconds for it to exit (then stops it).
  public func close(grace: Double = 5) {
    guard process.isRunning else { return }
    // After a failure the oracle's state is unknown: it is stopped at once.
    let grace = failure == nil ? grace : 0
    try? input.fileHandleForWriting.close()
    let deadline = Date().addingTimeInterval(grace)
    while process.isRunning && Date() < deadline { usleep(10_000) }
    if process.isRunning { process.terminate() }
  }

  /// The property of each SMILES, in order. Shapes: n SMILES → n finite values. After one
  /// failure every later call throws the same error (the oracle's state is unknown).
  public func values(of smiles: [String]) throws(OracleError) -> [Double] {
    if let failure { throw failure }
    var values: [Double] = []
    values.reserveCapacity(smiles.count)
    var start = 0
    while start < smiles.count {
      let batch = Array(smiles[start..<min(smiles.count, start + configuration.batchSize)])
      do { values += try answer(batch) } catch {
        failure = error
        close(grace: 0.2)
        throw error
      }
      start += batch.count
    }
    return values
  }

  private func answer(_ batch: [String]) throws(OracleError) -> [Double] {
    batches += 1
    let name = configuration.name
    for s in batch where s.isEmpty || s.contains(where: \.isNewline) {
      throw OracleError(oracle: name, message: "cannot send \(s.isEmpty ? "an empty SMILES" : "a SMILES with a line break") in the line protocol")
    }
    guard process.isRunning else { throw exited(batch: batch, answered: 0) }
    let text = batch.joined(separator: "\n") + "\n\n"
    do { try input.fileHandleForWriting.write(contentsOf: Data(text.utf8)) } catch {
      throw exited(batch: batch, answered: 0)
    }
    var values: [Double] = []
    let deadline = Date().addingTimeInterval(configuration.timeout)
    while true {
      switch lines.next(until: deadline) {
      case .timedOut:
        throw OracleError(oracle: name, message: "no answer within \(configuration.timeout) s for batch \(batches) (\(values.count) of \(batch.count) lines received; waiting for the answer to \(batch[values.count])); raise the oracle's timeout or make it flush its output after each batch")
      case .closed:
        throw exited(batch: batch, answered: values.count)
      case .line(let line):
        let trimmed = line.trimmingCharacters(in: .whitespaces)
        if trimmed.isEmpty {
          guard values.count == batch.count else {
            throw OracleError(oracle: name, message: "answered \(values.count) line(s) for a batch of \(batch.count) SMILES (batch \(batches), first \(batch[0])); it must answer one line per SMILES, then an empty line")
          }
          return values
        }
        guard values.count < batch.count else {
          throw OracleError(oracle: name, message: "answered more than \(batch.count) line(s) for a batch of \(batch.count) SMILES (batch \(batches)); extra line: '\(trimmed.prefix(80))'")
        }
        values.append(try parse(trimmed, smiles: batch[values.count], line: values.count + 1))
      }
    }
  }

  /// A number from one answer line.
  func parse(_ line: String, smiles: String, line index: Int) throws(OracleError) -> Double {
    let name = configuration.name
    let place = "for \(smiles) (answer line \(index) of batch \(batches))"
    let value: Double
    if line.hasPrefix("{") {
      guard let object = (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any] else {
        throw OracleError(oracle: name, message: "answered '\(line.prefix(80))' \(place): not a JSON object")
      }
      let numbers = object.compactMapValues { ($0 as? NSNumber).map(\.doubleValue) }
      if let field = configuration.field {
        guard let v = numbers[field] else {
          throw OracleError(oracle: name, message: "answered '\(line.prefix(80))' \(place): no number under '\(field)' (fields: \(object.keys.sorted().joined(separator: ", ")))")
        }
        value = v
      } else {
        guard numbers.count == 1, object.count == 1, let v = numbers.values.first else {
          throw OracleError(oracle: name, message: "answered an object with fields \(object.keys.sorted().joined(separator: ", ")) \(place): say which one is the property (--oracle-field)")
        }
        value = v
      }
    } else {
      guard let v = Double(line) else {
        throw OracleError(oracle: name, message: "answered '\(line.prefix(80))' \(place): not a number")
      }
      value = v
    }
    guard value.isFinite else { throw OracleError(oracle: name, message: "answered \(value) \(place): the property must be a finite number") }
    return value
  }

  private func exited(batch: [String], answered: Int) -> OracleError {
    // Give the process a moment to be reaped so its status is known.
    let deadline = Date().addingTimeInterval(2)
    while process.isRunning && Date() < deadline { usleep(5_000) }
    let status = process.isRunning ? "closed its output" : "exited with status \(process.terminationStatus)"
    // Its error output is read on another thread: once it has exited, wait (briefly) for the
    // end of that stream, so that its last words are in the message.
    if !process.isRunning { stderrTail.waitUntilClosed(until: Date().addingTimeInterval(2)) }
    let tail = stderrTail.snapshot().suffix(5).joined(separator: " | ")
    let molecule = answered < batch.count ? " while answering \(batch[answered])" : ""
    return OracleError(oracle: configuration.name, message: "\(status)\(molecule) (batch \(batches), \(answered) of \(batch.count) answered)" + (tail.isEmpty ? "" : "; its last error output: \(tail)"))
  }
}

/// Why an oracle could not answer: which oracle, and what happened.
public struct OracleError: Error, CustomStringConvertible, Sendable, Equatable {
  /// The oracle's name.
  public var oracle: String
  /// What went wrong, naming the molecule where one is concerned.
  public var message: String
  /// An error of `oracle`.
  public init(oracle: String, message: String) { (self.oracle, self.message) = (oracle, message) }
  /// "oracle 'name': message".
  public var description: String { "oracle '\(oracle)': \(message)" }
}

/// Lines arriving from a reader thread, handed out one at a time with a deadline.
final class LineQueue: @unchecked Sendable {
  enum Next { case line(String), closed, timedOut }
  private let condition = NSCondition()
  private var buffer = Data()
  private var ready: [String] = []
  private var isClosed = false

  /// Adds bytes; complete lines become available (at most `keepLast` kept when given).
  func append(_ data: Data, keepLast: Int? = nil) {
    condition.lock()
    buffer.append(data)
    while let newline = buffer.firstIndex(of: 0x0A) {
      let line = String(decoding: buffer[buffer.startIndex..<newline], as: UTF8.self)
      ready.append(line.hasSuffix("\r") ? String(line.dropLast()) : line)
      buffer.removeSubrange(buffer.startIndex...newline)
    }
    if let keepLast, ready.count > keepLast { ready.removeFirst(ready.count - keepLast) }
    condition.broadcast()
    condition.unlock()
  }

  /// Marks the end of the stream (a last unterminated line becomes a line).
  func close() {
    condition.lock()
    if !buffer.isEmpty { ready.append(String(decoding: buffer, as: UTF8.self)); buffer.removeAll() }
    isClosed = true
    condition.broadcast()
    condition.unlock()
  }

  /// The next line, or closed / timed out.
  func next(until deadline: Date) -> Next {
    condition.lock()
    defer { condition.unlock() }
    while ready.isEmpty {
      if isClosed { return .closed }
      if !condition.wait(until: deadline) && ready.isEmpty { return isClosed ? .closed : .timedOut }
    }
    return .line(ready.removeFirst())
  }

  /// Waits until the stream has ended or `deadline` has passed.
  func waitUntilClosed(until deadline: Date) {
    condition.lock()
    defer { condition.unlock() }
    while !isClosed && condition.wait(until: deadline) {}
  }

  /// The lines kept so far.
  func snapshot() -> [String] {
    condition.lock()
    defer { condition.unlock() }
    return ready
  }
}

/// Named oracles in a small JSON file, so a model used often is called by name:
///     {"toxicity": {"command": "python3 tox.py --model tox.json", "field": "p_toxic",
///                   "timeout": 60, "batch_size": 128}}
public enum OracleFile {
  /// Where `cfx` looks when no file is named: ./cfx-oracles.json, then
  /// ~/.config/cfx/oracles.json.
  public static var defaultLocations: [URL] {
    [URL(fileURLWithPath: "cfx-oracles.json"),
     FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".config/cfx/oracles.json")]
  }

  /// The oracles of `file`, by name. Throws a message naming the file and the entry.
  public static func load(_ file: URL) throws(OracleError) -> [String: ExternalOracle.Configuration] {
    let data: Data
    do { data = try Data(contentsOf: file) } catch {
      throw OracleError(oracle: file.lastPathComponent, message: "cannot read the oracle file \(file.path): \(error.localizedDescription)")
    }
    guard let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
      throw OracleError(oracle: file.lastPathComponent, message: "\(file.path) is not a JSON object of oracles ({\"name\": {\"command\": \"…\"}})")
    }
    var result: [String: ExternalOracle.Configuration] = [:]
    for name in object.keys.sorted() {
      do {
        let entry = try JSONSerialization.data(withJSONObject: object[name]!, options: [.fragmentsAllowed])
        var configuration = try JSONDecoder().decode(ExternalOracle.Configuration.self, from: entry)
        if configuration.name == configuration.command { configuration.name = name }
        result[name] = configuration
      } catch {
        throw OracleError(oracle: name, message: "\(file.path): entry '\(name)' is not an oracle: it needs \"command\" (a string), optionally \"field\", \"timeout\" (> 0 s) and \"batch_size\" (≥ 1); \(error)")
      }
    }
    return result
  }

  /// The oracle `text` names: an entry of `file` (or of the first default file that exists) when
  /// one has that name, else `text` itself as a command.
  public static func resolve(_ text: String, file: URL?) throws(OracleError) -> ExternalOracle.Configuration {
    let files = file.map { [$0] } ?? defaultLocations.filter { FileManager.default.fileExists(atPath: $0.path) }
    for f in files {
      if let entry = try load(f)[text] { return entry }
    }
    if let file, !text.contains(" "), !text.contains("/") {
      let names = (try? load(file).keys.sorted().joined(separator: ", ")) ?? ""
      throw OracleError(oracle: text, message: "\(file.path) has no oracle named '\(text)' (it has: \(names))")
    }
    return ExternalOracle.Configuration(command: text)
  }
}
