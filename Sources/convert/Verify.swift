import ArgumentParser
import Foundation
import KerasLens

struct Verify: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check a model against recorded input/output pairs, or replay a native file's self-test.",
        discussion: """
            An element passes when |actual - expected| <= atol + rtol * |expected|. Prints, per output, the largest \
            absolute and relative error, how many elements fail and the worst one; exits 1 when any element fails.

            --fixtures DIR takes every pair in DIR: CASE.input.npy (or CASE.input0.npy, CASE.input1.npy, … for \
            several inputs) with CASE.expected.npy (or CASE.expected0.npy, … for several outputs).

            With neither --inputs nor --fixtures, MODEL must be a native .safetensors file; its embedded self-test is \
            replayed.
            """
    )

    @Argument(help: "Model file (.h5, .keras or .safetensors).") var model: String
    @Option(help: "Input .npy; repeat for models with several inputs.") var inputs: [String] = []
    @Option(help: "Expected output .npy; repeat for models with several outputs.") var expected: [String] = []
    @Option(help: "A folder of CASE.input.npy / CASE.expected.npy pairs.") var fixtures: String?
    @Option(help: "Compare the named layer's output instead of the model's outputs.") var layer: String?
    @Option(help: "Absolute tolerance.") var atol: Float = 1e-5
    @Option(help: "Relative tolerance.") var rtol: Float = 1e-4
    @Flag(help: "Print one JSON object.") var json = false

    func validate() throws {
        if fixtures != nil, !(inputs.isEmpty && expected.isEmpty) {
            throw ValidationError("give either --fixtures or --inputs with --expected, not both")
        }
        if inputs.isEmpty != expected.isEmpty { throw ValidationError("--inputs and --expected go together") }
        if layer != nil, expected.count > 1 { throw ValidationError("--layer compares one output: give one --expected") }
        guard atol >= 0, rtol >= 0 else { throw ValidationError("--atol and --rtol must not be negative") }
    }

    func run() throws {
        let cases: [VerifyCase]
        let graph: Graph
        if let fixtures {
            graph = try loadGraph(model)
            cases = try VerifyCase.pairs(in: fixtures)
        } else if !inputs.isEmpty {
            graph = try loadGraph(model)
            cases = [VerifyCase(name: "arrays", inputs: inputs, expected: expected)]
        } else {
            guard ModelFile.kind(of: model) == .native else {
                throw InputError("\(model) is not a native file, so it has no self-test: give --inputs and --expected, or --fixtures")
            }
            let native = try NativeFile.read(path: model)
            guard let selfTest = native.selfTest else {
                throw InputError("\(model) holds no self-test (keraslens convert writes one): give --inputs and --expected, or --fixtures")
            }
            try report(try compare(Model(native.graph), inputs: selfTest.inputs, expected: selfTest.outputs, case: "self-test"))
            return
        }
        let runner = try Model(graph)
        var rows: [VerifyRow] = []
        for item in cases {
            rows += try compare(runner, inputs: try item.inputs.map { try loadArray($0, option: "--inputs") },
                                expected: try item.expected.map { try loadArray($0, option: "--expected") }, case: item.name)
        }
        try report(rows)
    }

    /// Runs one case and compares each output (or `--layer`'s) with its expected array.
    private func compare(_ runner: Model, inputs: [Tensor], expected: [Tensor], case name: String) throws -> [VerifyRow] {
        let result = try runner.run(inputs, capture: layer.map { [$0] } ?? [])
        let actual = layer.map { [result.layers[$0]!] } ?? result.outputs
        let names = layer.map { [$0] } ?? runner.graph.outputs
        guard actual.count == expected.count else {
            throw InputError("case \(name): the model has \(actual.count) outputs, \(expected.count) expected arrays were given")
        }
        return try zip(names, zip(actual, expected)).map { output, pair in
            var (computed, wanted) = pair
            // A single expected sample may leave out the batch axis, as inputs may.
            if wanted.shape == Array(computed.shape.dropFirst()), computed.shape.first == 1 { wanted.shape = computed.shape }
            do {
                return VerifyRow(case: name, output: output,
                                 comparison: try OutputComparison(actual: computed, expected: wanted, atol: atol, rtol: rtol))
            } catch {
                throw InputError("case \(name), output '\(output)': \(error)")
            }
        }
    }

    private func report(_ rows: [VerifyRow]) throws {
        let passed = rows.allSatisfy(\.comparison.passed)
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
            let document = VerifyReport(model: model, atol: atol, rtol: rtol, passed: passed, results: rows.map(VerifyReport.Result.init))
            print(String(decoding: try encoder.encode(document), as: UTF8.self))
        } else {
            print(table(rows))
            let failing = rows.filter { !$0.comparison.passed }.count
            let outputs = rows.count == 1 ? "1 output" : "\(rows.count) outputs"
            print(passed ? "OK: \(outputs) within atol \(atol) + rtol \(rtol)"
                         : "MISMATCH: \(failing) of \(outputs) have elements outside atol \(atol) + rtol \(rtol)")
        }
        if !passed { throw ExitCode(1) }
    }

    private func table(_ rows: [VerifyRow]) -> String {
        let header = ["case", "output", "elements", "max abs err", "max rel err", "failing", "worst index", "actual", "expected"]
        let cells = rows.map { row in
            let c = row.comparison
            return [row.case, row.output, String(c.count), String(format: "%.3e", c.maxAbsoluteError), String(format: "%.3e", c.maxRelativeError),
                    String(c.failures), "[" + c.worstIndex.map(String.init).joined(separator: ", ") + "]",
                    String(format: "%.7g", c.worstActual), String(format: "%.7g", c.worstExpected)]
        }
        let widths = header.indices.map { column in ([header] + cells).map { $0[column].count }.max()! + 2 }
        return ([header] + cells).map { line in
            zip(line, widths).map { $0.padding(toLength: $1, withPad: " ", startingAt: 0) }.joined().trimmingCharacters(in: .whitespaces)
        }.joined(separator: "\n")
    }
}

/// One set of input arrays and the outputs recorded for them.
struct VerifyCase {
    var name: String
    var inputs: [String]
    var expected: [String]

    /// The pairs in a fixtures folder: `CASE.input.npy` or `CASE.input0.npy`, `CASE.input1.npy`, … with
    /// `CASE.expected.npy` or `CASE.expected0.npy`, …; a case missing either side is refused by name.
    static func pairs(in folder: String) throws -> [VerifyCase] {
        let files: [String]
        do {
            files = try FileManager.default.contentsOfDirectory(atPath: folder)
        } catch {
            throw InputError("--fixtures \(folder): cannot list the folder (\(error.localizedDescription))")
        }
        var roles: [String: (inputs: [String: String], expected: [String: String])] = [:]
        for file in files where file.hasSuffix(".npy") {
            let stem = file.dropLast(4)
            for role in ["input", "expected"] {
                guard let marker = stem.range(of: ".\(role)", options: .backwards) else { continue }
                let index = String(stem[marker.upperBound...])
                guard index.isEmpty || Int(index) != nil else { continue }
                let name = String(stem[..<marker.lowerBound])
                let path = (folder as NSString).appendingPathComponent(file)
                if role == "input" { roles[name, default: ([:], [:])].inputs[index] = path } else { roles[name, default: ([:], [:])].expected[index] = path }
            }
        }
        guard !roles.isEmpty else {
            throw InputError("--fixtures \(folder): no CASE.input.npy / CASE.expected.npy pairs in the folder")
        }
        return try roles.keys.sorted().map { name in
            let (inputs, expected) = roles[name]!
            guard !inputs.isEmpty, !expected.isEmpty else {
                throw InputError("--fixtures \(folder): case '\(name)' has no \(inputs.isEmpty ? "input" : "expected") file")
            }
            return VerifyCase(name: name, inputs: try ordered(inputs, role: "input", name: name),
                              expected: try ordered(expected, role: "expected", name: name))
        }
    }

    /// `[""]` alone, or `"0"`, `"1"`, … without gaps.
    private static func ordered(_ files: [String: String], role: String, name: String) throws -> [String] {
        if let single = files[""], files.count == 1 { return [single] }
        let indices = (0..<files.count).map(String.init)
        guard indices.allSatisfy({ files[$0] != nil }) else {
            throw ValidationError("case '\(name)': its \(role) files must be CASE.\(role).npy or CASE.\(role)0.npy, CASE.\(role)1.npy, … without gaps; found \(files.keys.sorted().map { "'.\(role)\($0)'" }.joined(separator: ", "))")
        }
        return indices.map { files[$0]! }
    }
}

struct VerifyRow {
    var `case`: String
    var output: String
    var comparison: OutputComparison
}

/// The stable shape of `verify --json`.
struct VerifyReport: Encodable {
    struct Result: Encodable {
        var `case`: String
        var output: String
        var shape: [Int]
        var elements: Int
        var max_abs_error: Float
        var max_rel_error: Float
        var failing: Int
        var worst_index: [Int]
        var worst_actual: Float
        var worst_expected: Float
        var passed: Bool

        init(_ row: VerifyRow) {
            let c = row.comparison
            self.case = row.case
            output = row.output
            shape = c.shape
            elements = c.count
            max_abs_error = c.maxAbsoluteError
            max_rel_error = c.maxRelativeError
            failing = c.failures
            worst_index = c.worstIndex
            worst_actual = c.worstActual
            worst_expected = c.worstExpected
            passed = c.passed
        }
    }

    var model: String
    var atol: Float
    var rtol: Float
    var passed: Bool
    var results: [Result]
}
