import ArgumentParser
import Foundation
import KerasLens

struct Merge: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Merge the shard files of `evaluate --shard K/N --partial FILE` into the results of one whole run.",
        discussion: "Prints what one unsharded `evaluate` prints, every number equal (times are the shards' added up). Refuses shards of different models, options or inputs, a shard given twice and a missing shard. docs/SCALE.md runs shards on Slurm and Kubernetes."
    )

    @Argument(help: "The shard files, in any order.") var files: [String]
    @Flag(help: "Print one JSON object.") var json = false
    @Option(help: "Write DIR/index.html, a self-contained report.") var report: String?

    func run() throws {
        let parts = try files.map { (file: $0, part: try readPart($0)) }
        do {
            try present(try EvaluationMerge.merge(parts), json: json, report: report)
        } catch let error as MergeError {
            throw InputError("merge: \(error)")
        }
    }

    private func readPart(_ file: String) throws -> EvaluationPart {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: file))
        } catch {
            throw InputError("merge: cannot read \(file): \(error.localizedDescription)")
        }
        do {
            return try JSONDecoder().decode(EvaluationPart.self, from: data)
        } catch {
            throw InputError("merge: \(file) is not a shard file of `keraslens evaluate --partial` (\(error))")
        }
    }
}
