import Foundation
import Testing
import TestSupport

/// `evaluate --report` on image files draws each `--show` figure over the original picture at its own size, as
/// `explain --png` does.
@Suite struct ReportOriginalImageCommandTests {
    @Test func reportFiguresOfImageFilesHaveThePicturesSize() throws {
        let root = try ImageInputCommandTests.classFolders()
        let report = try ScratchFolder.make().appendingPathComponent("report")
        let result = try CLIRunner.run(["evaluate", ImageInputCommandTests.hmt, "--input", root.path, "--preprocess", "unit",
                                        "--methods", "gradcam", "--samples", "1", "--no-curves", "--show", "0,1", "--report", report.path])
        #expect(result.status == 0, "\(result.stderr)")
        let html = try String(contentsOf: report.appendingPathComponent("index.html"), encoding: .utf8)
        // Samples 0 and 1 are adipose/1.jpg (41 × 27) and adipose/2.png (37 × 23).
        #expect(try Self.pngSizes(in: html) == [[41, 27], [37, 23]])
    }

    /// Width and height of each `data:image/png` in the page, in order (from the IHDR chunk).
    static func pngSizes(in html: String) throws -> [[Int]] {
        try html.components(separatedBy: "data:image/png;base64,").dropFirst().map { rest in
            let encoded = String(rest.prefix { $0 != "\"" && $0 != "'" && $0 != ")" })
            let png = try #require(Data(base64Encoded: encoded))
            let word = { (offset: Int) in png[offset..<(offset + 4)].reduce(0) { $0 << 8 | Int($1) } }
            return [word(16), word(20)]
        }
    }
}
