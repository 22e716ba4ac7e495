// Loads the scikit-learn / SciPy golden values in Fixtures/clustering-goldens.json.
//
// Regenerate the file (from the repository root):
//   python3 -m venv ~/.cache/cfx/venv-sklearn && ~/.cache/cfx/venv-sklearn/bin/pip install scikit-learn==1.5.2 numpy scipy
//   ~/.cache/cfx/venv-sklearn/bin/python scripts/clustering-goldens.py

import Clustering
import Foundation

/// The decoded golden file; field names mirror the JSON written by scripts/clustering-goldens.py.
struct Goldens: Decodable {
  struct LabeledPoints: Decodable {
    var points: [[Double]]
    var truth: [Int]
  }
  struct Labeling: Decodable {
    var name: String
    var first: [Int]
    var second: [Int]
    var nmi: Double
    var ari: Double
    var accuracy: Double
  }
  struct Assignment: Decodable {
    var costs: [[Double]]
    var minimumCost: Double
    var maximumWeight: Double
  }
  struct SilhouetteCase: Decodable {
    var name: String
    var labels: [Int]
    var score: Double
    var samples: [Double]
  }
  struct Ward: Decodable {
    var points: [[Double]]
    var clusters: Int
    var labels: [Int]
    var heights: [Double]
    var sizes: [Int]
  }
  struct KMeansGolden: Decodable {
    var clusters: Int
    var labels: [Int]
    var inertia: Double
    var centroids: [[Double]]
  }
  struct MixtureGolden: Decodable {
    var components: Int
    var labels: [Int]
    var logLikelihoods: [Double]
    var meanLogLikelihood: Double
    var weights: [Double]
    var means: [[Double]]
    var converged: Bool
  }
  struct SpectralGolden: Decodable {
    var clusters: Int
    var neighbours: Int
    var labels: [Int]
    var truthARI: Double
  }

  var blobs: LabeledPoints
  var moons: LabeledPoints
  var labelings: [Labeling]
  var assignments: [Assignment]
  var silhouette: [SilhouetteCase]
  var ward: [Ward]
  var kmeans: KMeansGolden
  var gaussianMixture: MixtureGolden
  var spectral: SpectralGolden

  /// The file, decoded once.
  static let shared: Goldens = {
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
      .appendingPathComponent("Fixtures/clustering-goldens.json")
    do {
      return try JSONDecoder().decode(Goldens.self, from: Data(contentsOf: url))
    } catch {
      fatalError("cannot read \(url.path): \(error); regenerate with scripts/clustering-goldens.py")
    }
  }()

  /// The three-blob data set as points (60 × 2).
  var blobPoints: PointMatrix { PointMatrix(blobs.points) }
}

/// |a − b| ≤ tolerance · max(1, |b|): absolute near zero, relative for large values.
func isClose(_ a: Double, _ b: Double, tolerance: Double) -> Bool {
  abs(a - b) <= tolerance * max(1, abs(b))
}
