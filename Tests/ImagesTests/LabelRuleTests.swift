import Images
import NN
import Testing

/// Labels from a factor or from merged classes, and the errors for rules that do not fit.
struct LabelRuleTests {
  let data = ShapesModes.generate(count: 12, seed: 3)

  @Test func aFactorBecomesTheLabel() throws {
    let rule = try LabelRule(parsing: "factor:mode")
    #expect(rule == .factor("mode") && rule.description == "factor:mode")
    let out = try rule.apply(to: data)
    let column = data.factorNames.firstIndex(of: "mode")!
    #expect(out.labels == data.factors.map { $0[column] })
    #expect(out.classNames == ["mode=0", "mode=1", "mode=2"])
    #expect(out.samples == data.samples)
  }

  @Test func mergedClassesTakeTheirFirstMembersPlace() throws {
    let names = ["T-shirt", "Trouser", "Pullover", "Sandal", "Bag", "Sneaker"]
    let set = ImageDataSet(classNames: names, channels: 1, height: 1, width: 1, samples: [0, 1, 2, 3, 4, 5], labels: [0, 1, 2, 3, 4, 5])
    let rule = try LabelRule(parsing: "merge:Trouser+Bag,Sandal+Sneaker")
    #expect(rule.description == "merge:Trouser+Bag,Sandal+Sneaker")
    let out = try rule.apply(to: set)
    #expect(out.classNames == ["T-shirt", "Trouser+Bag", "Pullover", "Sandal+Sneaker"])
    #expect(out.labels == [0, 1, 2, 3, 1, 3])
  }

  @Test func badRulesAreRefusedWithTheReason() {
    #expect(throws: TrainingError.self) { try LabelRule(parsing: "merge:Trouser") }
    #expect(throws: TrainingError.self) { try LabelRule(parsing: "colour") }
    #expect(throws: TrainingError.self) { try LabelRule.factor("weight").apply(to: data) }
    #expect(throws: TrainingError.self) { try LabelRule.merged([["positive", "nothing"]]).apply(to: data) }
    #expect(throws: TrainingError.self) { try LabelRule.merged([["positive", "negative"], ["negative", "positive"]]).apply(to: data) }
  }
}
