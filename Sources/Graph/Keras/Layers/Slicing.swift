import KerasLensGraph

/// `x[…]` on a Keras tensor (`SlicingOpLambda`, function `__operators__.getitem`): `slice_spec` lists, over the
/// batched axes, slices (`{"start", "stop", "step"}`), integer indices (the axis is dropped), `null` (`tf.newaxis`,
/// an axis of size 1 is added) and at most one ellipsis (`{"class_name": "__ellipsis__"}`, the axes not named).
/// The batch axis must be taken whole; steps must be positive.
func getItemOp(_ context: OpLambdaContext) throws(GraphError) -> Op {
    try context.unaryInput()
    guard let spec = context.call.constant("slice_spec") else { throw context.error("the call has no slice_spec") }
    var items: [SliceItem] = []
    for item in spec.array ?? [spec] { items.append(try SliceItem(item, context)) }
    let input = context.input
    let named = items.filter(\.consumesAxis).count
    guard items.filter({ $0 == .ellipsis }).count <= 1, named <= input.count + 1 else {
        throw context.error("slice_spec names \(named) axes of a rank-\(input.count + 1) tensor")
    }
    var expanded: [SliceItem] = []
    for item in items {
        if item == .ellipsis {
            expanded += Array(repeating: .whole, count: input.count + 1 - named)
        } else {
            expanded.append(item)
        }
    }
    expanded += Array(repeating: .whole, count: input.count + 1 - expanded.filter(\.consumesAxis).count)
    guard let batch = expanded.firstIndex(where: \.consumesAxis), batch == 0, expanded[0] == .whole else {
        throw context.error("only slices that keep the whole batch axis first are supported")
    }
    var begin: [Int] = [], end: [Int] = [], strides: [Int] = [], shape: [Int] = []
    for item in expanded.dropFirst() {
        let size = begin.count < input.count ? input[begin.count] : 0
        switch item {
        case .newAxis:
            shape.append(1)
        case .index(let raw):
            let index = raw < 0 ? raw + size : raw
            guard index >= 0, index < size else { throw context.error("index \(raw) is outside an axis of size \(size)") }
            begin.append(index); end.append(index + 1); strides.append(1)
        case .range(let start, let stop, let step):
            guard step > 0 else { throw context.error("a step of \(step) is not supported (only positive steps)") }
            let first = clamp(start ?? 0, size), last = clamp(stop ?? size, size)
            guard last > first else { throw context.error("the slice \(start.map(String.init) ?? ""):\(stop.map(String.init) ?? "") of an axis of size \(size) is empty") }
            begin.append(first); end.append(last); strides.append(step)
            shape.append((last - first + step - 1) / step)
        case .ellipsis:
            break  // expanded above
        }
    }
    guard !shape.isEmpty else { throw context.error("indexing every axis down to a scalar per sample is not supported") }
    return .slice(begin: begin, end: end, strides: strides, shape: shape)
}

/// A Python slice bound: negative counts from the end, then clamped into 0…size.
private func clamp(_ bound: Int, _ size: Int) -> Int {
    min(max(bound < 0 ? bound + size : bound, 0), size)
}

/// One entry of a recorded `slice_spec`.
enum SliceItem: Equatable {
    case range(start: Int?, stop: Int?, step: Int)
    case index(Int)
    case newAxis
    case ellipsis

    static let whole = SliceItem.range(start: nil, stop: nil, step: 1)

    var consumesAxis: Bool {
        switch self {
        case .range, .index: return true
        case .newAxis, .ellipsis: return false
        }
    }

    init(_ value: JSONValue, _ context: OpLambdaContext) throws(GraphError) {
        if value.isNull {
            self = .newAxis
        } else if let index = value.int {
            self = .index(index)
        } else if value["class_name"]?.string == "__ellipsis__" || value.string == "..." {
            self = .ellipsis
        } else if let object = value.object {
            func bound(_ key: String) throws(GraphError) -> Int? {
                guard let entry = object[key], !entry.isNull else { return nil }
                guard let int = entry.int else { throw context.error("slice \(key) is not an integer") }
                return int
            }
            self = .range(start: try bound("start"), stop: try bound("stop"), step: try bound("step") ?? 1)
        } else {
            throw context.error("slice_spec holds an entry of an unknown form")
        }
    }
}
