import Basics
import Testing

/// RFC 4180 quoting and parsing, the helper every cfx CSV goes through.
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

  /// Whole texts: records keep the line they start on (quoted line breaks included), blank
  /// lines are records of one empty field, and errors name the line.
  @Test func recordsOfAText() throws {
    let rows = try CSV.records(in: "a,b\n\"x\ny\",2\n\n  \"q\",3\r\nlast,4")
    #expect(rows.map(\.line) == [1, 2, 4, 5, 6])
    #expect(rows.map(\.fields) == [["a", "b"], ["x\ny", "2"], [""], ["q", "3"], ["last", "4"]])
    #expect(throws: CSV.ParseError(line: 2, reason: "a quoted field is never closed")) { try CSV.records(in: "a\n\"open,1\nmore") }
    #expect((try? CSV.records(in: "a\nb\"c")) == nil)
    // What escape writes, records reads back.
    let table = [["id", "smiles"], ["1", "C(=O)O, acid"], ["2", "say \"hi\"\nthere"]]
    let text = table.map { $0.map(CSV.escape).joined(separator: ",") }.joined(separator: "\n") + "\n"
    #expect(try CSV.records(in: Substring(text)).map(\.fields) == table)
  }
}
