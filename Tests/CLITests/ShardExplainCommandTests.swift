import Foundation
import Testing
import TestSupport

/// `explain --shard K/N`: the shards' maps, classes and scores laid end to end are the whole run's, bit for bit,
/// sample numbers included (smoothgrad's noise is drawn per global sample).
@Suite struct ShardExplainCommandTests {
    @Test func shardsLaidEndToEndAreTheWholeRun() throws {
        let folder = try ScratchFolder.make()
        let inputs = folder.appendingPathComponent("ten.npy")
        try Self.writeFirstRows(10, of: CLIRunner.fixtures.appendingPathComponent("mnist1d_test_x.npy"), to: inputs)
        let run = ["explain", CLIRunner.fixtures.appendingPathComponent("MNIST1D.h5").path, "--input", inputs.path,
                   "--method", "smoothgrad", "--noise-samples", "8", "--batch-size", "3", "--json"]
        let whole = try CLIRunner.run(run + ["--output", folder.appendingPathComponent("whole.npy").path])
        #expect(whole.status == 0, "\(whole.stderr)")
        var maps = Data(), samples: [NSDictionary] = []
        for k in 0..<3 {
            let output = folder.appendingPathComponent("shard\(k).npy")
            let shard = try CLIRunner.run(run + ["--shard", "\(k)/3", "--output", output.path, "--png", folder.appendingPathComponent("png").path])
            #expect(shard.status == 0, "\(shard.stderr)")
            maps += try Self.payload(of: output)
            samples += try Self.samples(shard.stdout)
        }
        #expect(maps == (try Self.payload(of: folder.appendingPathComponent("whole.npy"))))
        #expect(samples == (try Self.samples(whole.stdout)))
        #expect(samples.map { $0["index"] as? Int } == Array(0..<10))
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("png/sample9_smoothgrad.png").path))
        let empty = try CLIRunner.run(run + ["--shard", "0/5"])
        #expect(empty.status == 0, "\(empty.stderr)")
        #expect(empty.stdout.contains("shard 0/5 has no samples"))
    }

    static func samples(_ json: String) throws -> [NSDictionary] {
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        return try #require(object["samples"] as? [NSDictionary])
    }

    /// The bytes after a `.npy` header.
    static func payload(of url: URL) throws -> Data {
        let data = try Data(contentsOf: url)
        return data.dropFirst(10 + Int(data[8]) + Int(data[9]) << 8)
    }

    /// A float32 `.npy` of the first `count` rows of `source` (rows of 40 × 1, as the MNIST-1D fixture).
    static func writeFirstRows(_ count: Int, of source: URL, to url: URL) throws {
        let rows = try payload(of: source).prefix(count * 40 * 4)
        try CLIRunner.writeNPY(url, header: "{'descr': '<f4', 'fortran_order': False, 'shape': (\(count), 40, 1), }", payload: Array(rows))
    }
}
