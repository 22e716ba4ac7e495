// A report for a table of counterfactuals: a summary, the table itself and one grid picture
// per input, ready for NotebookExport / HTMLExport.

import Rendering

/// Builds reports from counterfactual tables.
public enum RenderReport {
  /// Summary, table and grid figures for `table`; `jobs` are the grids from `RenderJob.grids`.
  public static func counterfactualReport(
    title: String, table: CounterfactualTable, jobs: [RenderJob], propertyName: String = "value"
  ) throws -> Report {
    var report = Report(title: title)
    let inputs = table.groups.count
    let valid = table.rows.filter { $0.isValid == true }.count
    let validity = table.rows.contains { $0.isValid != nil } ? " \(valid) of them are marked valid." : ""
    report.blocks.append(.markdown(
      "## Summary\n\n\(table.rows.count) counterfactuals for \(inputs) input(s), read from `\(table.file)`.\(validity)\n\n"
        + "Each figure shows the input first, then its counterfactuals sorted by similarity; "
        + "added parts are marked **added**, removed ones **removed** (dashed), changed ones **changed**."))
    func text(_ value: Double?) -> String { value.map { String(($0 * 100).rounded() / 100) } ?? "" }
    let rows = table.rows.map { row in
      [row.inputID, row.original, row.counterfactual, text(row.valueBefore), text(row.valueAfter), text(row.similarity),
       row.isValid.map { $0 ? "true" : "false" } ?? ""]
    }
    report.blocks.append(.table(try ReportTable(
      columns: ["input_id", "original", "counterfactual", "\(propertyName)_before", "\(propertyName)_after", "similarity", "valid"],
      rows: rows)))
    for (job, group) in zip(jobs, table.groups) {
      let svg = String(decoding: try job.render(format: .svg), as: UTF8.self)
      report.blocks.append(.figure(svg: svg, caption: "\(group.inputID): \(group.rows.count) counterfactual(s)"))
    }
    return report
  }
}
