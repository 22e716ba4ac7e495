import Testing
import TestSupport
import Tensor

/// Programmer errors trap with a precondition (run in a child process by Swift Testing's exit
/// tests), instead of reading out of bounds or returning garbage.
@Suite struct ContractViolationTests {
  @Test func concatWithMismatchedShapesTraps() async {
    await #expect(processExitsWith: .failure) {
      _ = Tensor.concat([Tensor.zeros([2, 3]), Tensor.zeros([3, 2])], axis: 0)
    }
  }

  @Test func indexSelectOutOfRangeTraps() async {
    await #expect(processExitsWith: .failure) { _ = Tensor.zeros([3, 2]).selectingRows([0, 3]) }
  }

  @Test func crossEntropyTargetOutOfRangeTraps() async {
    await #expect(processExitsWith: .failure) {
      _ = Tensor.crossEntropy(logits: Tensor.zeros([2, 3]), classIndices: [0, 3])
    }
  }

  @Test func convolutionChannelMismatchTraps() async {
    await #expect(processExitsWith: .failure) {
      _ = Tensor.zeros([1, 2, 4, 4]).conv2d(weight: Tensor.zeros([1, 3, 3, 3]))
    }
  }
}
