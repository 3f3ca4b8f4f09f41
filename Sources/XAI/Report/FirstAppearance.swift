extension Sequence where Element: Equatable {
    /// The distinct elements in the order they first appear: how the report orders datasets, samples and methods,
    /// so the caller's order (e.g. `--show 115,972`) is the reader's order.
    func distinctInOrder() -> [Element] {
        reduce(into: []) { seen, element in if !seen.contains(element) { seen.append(element) } }
    }
}
