import ArgumentParser

@main
struct KerasLens: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keraslens",
        abstract: "Open Keras models (.h5, .keras), run them natively, and explain their decisions.",
        subcommands: [Inspect.self, Predict.self, Explain.self, Evaluate.self, Merge.self, Bench.self, Convert.self, Verify.self]
    )
}
