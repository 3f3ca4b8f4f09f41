import Foundation
import Testing
import TestSupport

/// `evaluate --shard K/N --partial FILE` run as separate processes, then `merge`: the same JSON (every number but
/// the times) and the same report (but the time cells) as one unsharded run, whatever N; and the refusals.
@Suite struct ShardMergeCommandTests {
    static let model = CLIRunner.fixtures.appendingPathComponent("MNIST1D.h5").path
    /// 12 explained samples in batches of 4 (three batches): with 5 shards two have no explained batch at all.
    static let run = ["evaluate", model, "--input", CLIRunner.fixtures.appendingPathComponent("mnist1d_test_x.npy").path,
                      "--labels", CLIRunner.fixtures.appendingPathComponent("mnist1d_test_y.npy").path,
                      "--methods", "gradcam,smoothgrad,lime", "--layer", "conv1d_2", "--samples", "12", "--batch-size", "4",
                      "--show", "10,3,998"]

    @Test(arguments: [2, 5]) func mergedShardsEqualTheWholeRun(shards: Int) throws {
        let folder = try ScratchFolder.make()
        let whole = try CLIRunner.run(Self.run + ["--json", "--report", folder.appendingPathComponent("whole").path])
        #expect(whole.status == 0, "\(whole.stderr)")
        var files: [String] = []
        for k in (0..<shards).reversed() {
            let file = folder.appendingPathComponent("shard\(k).json").path
            let shard = try CLIRunner.run(Self.run + ["--shard", "\(k)/\(shards)", "--partial", file])
            #expect(shard.status == 0, "\(shard.stderr)")
            #expect(shard.stdout.contains("shard \(k)/\(shards)"))
            files.append(file)
        }
        let merged = try CLIRunner.run(["merge"] + files + ["--json", "--report", folder.appendingPathComponent("merged").path])
        #expect(merged.status == 0, "\(merged.stderr)")
        #expect(try Self.withoutTimes(json: merged.stdout) == Self.withoutTimes(json: whole.stdout))
        let report = { (name: String) in
            try Self.withoutTimes(html: String(contentsOf: folder.appendingPathComponent("\(name)/index.html"), encoding: .utf8))
        }
        #expect(try report("merged") == report("whole"))
        #expect(try report("whole").contains("Sample 998"))
    }

    @Test func shardsOfDifferentRunsAreRefusedByName() throws {
        let folder = try ScratchFolder.make()
        let quick = ["evaluate", Self.model, "--input", CLIRunner.fixtures.appendingPathComponent("mnist1d_test_x.npy").path,
                     "--methods", "gradcam", "--layer", "conv1d_2", "--samples", "8", "--batch-size", "4", "--no-curves"]
        func shard(_ k: Int, of n: Int, _ extra: [String] = [], name: String) throws -> String {
            let file = folder.appendingPathComponent(name).path
            let result = try CLIRunner.run(quick + extra + ["--shard", "\(k)/\(n)", "--partial", file])
            #expect(result.status == 0, "\(result.stderr)")
            return file
        }
        let first = try shard(0, of: 2, name: "a0.json"), second = try shard(1, of: 2, name: "a1.json")
        let otherFrac = try shard(1, of: 2, ["--frac", "0.5"], name: "b1.json")
        let ofThree = try shard(1, of: 3, name: "c1.json")
        let cases: [([String], [String])] = [
            ([first, otherFrac], ["--frac", "0.5", "0.3", "b1.json"]),
            ([first, ofThree], ["different numbers of shards", "1/3"]),
            ([first, second, first], ["shard 0/2 is given twice"]),
            ([second], ["shard 0/2 of 2 missing"]),
        ]
        for (files, words) in cases {
            let result = try CLIRunner.run(["merge"] + files)
            #expect(result.status != 0)
            #expect(result.reason == .exit)
            for word in words { #expect(result.stderr.contains(word), "\(result.stderr)") }
        }
        let notAPart = try CLIRunner.run(["merge", CLIRunner.fixtures.appendingPathComponent("manifest.json").path])
        #expect(notAPart.status != 0)
        #expect(notAPart.stderr.contains("manifest.json is not a shard file"))
        #expect(try CLIRunner.run(quick + ["--shard", "0/2"]).stderr.contains("--shard needs --partial"))
        #expect(try CLIRunner.run(quick + ["--shard", "2/2", "--partial", first]).stderr.contains("--shard"))
        #expect(try CLIRunner.run(quick + ["--shard", "0/2", "--partial", first, "--report", folder.path]).stderr.contains("belong to keraslens merge"))
    }

    /// The JSON with each method's `seconds` removed (wall time, the one thing a merge cannot reproduce).
    static func withoutTimes(json: String) throws -> NSDictionary {
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        var copy = object
        let explanations = try #require(object["explanations"] as? [String: [String: Any]])
        copy["explanations"] = explanations.mapValues { $0.filter { $0.key != "seconds" } }
        return copy as NSDictionary
    }

    /// The report with its time cells blanked.
    static func withoutTimes(html: String) -> String {
        html.replacingOccurrences(of: #"<td class="num">[0-9.]+ (ms|s|min)( [0-9]+ s)?</td>"#, with: "<td>time</td>",
                                  options: .regularExpression)
    }
}
