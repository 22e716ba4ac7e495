import Testing
@testable import Workbench

/// RFC 4180 quoting and splitting, the helper every cfx CSV goes through.
@Suite struct CSVTests {
  @Test func fieldsSplitQuotedAndEmpty() {
    #expect(CSV.fields(of: "a,,\"b,c\",\"say \"\"hi\"\"\",") == ["a", "", "b,c", "say \"hi\"", ""])
    #expect(CSV.fields(of: "\"\"") == [""])
    #expect(CSV.fields(of: "") == [""])
    #expect(CSV.fields(of: "\"open") == nil)
    #expect(CSV.fields(of: "\"closed\"x") == nil)
    for text in ["plain", "with,comma", "with \"quote\"", "line\nbreak", ""] {
      #expect(CSV.fields(of: Substring(CSV.escape(text) + "," + CSV.escape(text))) == [text, text], "\(text)")
    }
  }
}
