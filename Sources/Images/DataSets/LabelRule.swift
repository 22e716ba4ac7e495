// Which label a model is trained on: the set's classes, one of its generating factors (a
// Shapes-modes scene's mode, to train the attribute oracle that checks mode-specific
// explanations), or merged classes (Fashion-MNIST's footwear as one class with three modes).
//   classes             the set's labels
//   factor:NAME         label = the factor NAME's value; classes "NAME=0" … "NAME=max"
//   merge:A+B,C+D+E     each group of classes becomes one class named "A+B"; the others stay,
//                       in their order, groups take the place of their first member

import Foundation
import NN

/// How labels are derived from a set.
public enum LabelRule: Sendable, Equatable, CustomStringConvertible {
  case classes
  case factor(String)
  case merged([[String]])

  /// Parses `classes`, `factor:NAME` or `merge:A+B,C+D`.
  public init(parsing text: String) throws(TrainingError) {
    if text == "classes" {
      self = .classes
    } else if text.hasPrefix("factor:"), text.count > 7 {
      self = .factor(String(text.dropFirst(7)))
    } else if text.hasPrefix("merge:") {
      let groups = text.dropFirst(6).split(separator: ",").map { $0.split(separator: "+").map { $0.trimmingCharacters(in: .whitespaces) } }
      guard !groups.isEmpty, groups.allSatisfy({ $0.count >= 2 && $0.allSatisfy { !$0.isEmpty } }) else {
        throw .data("labels \"\(text)\": write merge:A+B,C+D+E (each group two or more class names)")
      }
      self = .merged(groups)
    } else {
      throw .data("labels \"\(text)\": expected classes, factor:NAME or merge:A+B,C+D")
    }
  }

  /// The text `init(parsing:)` reads.
  public var description: String {
    switch self {
    case .classes: "classes"
    case .factor(let name): "factor:\(name)"
    case .merged(let groups): "merge:" + groups.map { $0.joined(separator: "+") }.joined(separator: ",")
    }
  }

  /// The set with its labels and class names replaced by the rule's.
  public func apply(to data: ImageDataSet) throws(TrainingError) -> ImageDataSet {
    var out = data
    switch self {
    case .classes:
      return data
    case .factor(let name):
      guard let column = data.factorNames.firstIndex(of: name), !data.factors.isEmpty else {
        throw .data("the set has no factor \"\(name)\" (its factors: \(data.factorNames.isEmpty ? "none" : data.factorNames.joined(separator: ", ")))")
      }
      let values = data.factors.map { $0[column] }
      guard let top = values.max(), values.allSatisfy({ $0 >= 0 }), top < 1000 else { throw .data("factor \"\(name)\" is not a small non-negative label") }
      out.classNames = (0...top).map { "\(name)=\($0)" }
      out.labels = values
    case .merged(let groups):
      var mapping = [Int](repeating: -1, count: data.classNames.count)
      var names: [String] = []
      for (g, group) in groups.enumerated() {
        for member in group {
          guard let index = data.classNames.firstIndex(of: member) else {
            throw .data("merge: no class \"\(member)\" (classes: \(data.classNames.joined(separator: ", ")))")
          }
          guard mapping[index] == -1 else { throw .data("merge: class \"\(member)\" is named twice") }
          mapping[index] = -2 - g
        }
      }
      // Classes in order; a group takes the place of its first member.
      var groupIndex: [Int: Int] = [:]
      for index in data.classNames.indices {
        if mapping[index] >= -1 {
          mapping[index] = names.count
          names.append(data.classNames[index])
        } else {
          let g = -2 - mapping[index]
          if let existing = groupIndex[g] {
            mapping[index] = existing
          } else {
            groupIndex[g] = names.count
            mapping[index] = names.count
            names.append(groups[g].joined(separator: "+"))
          }
        }
      }
      out.classNames = names
      out.labels = data.labels.map { mapping[$0] }
    }
    return out
  }
}
