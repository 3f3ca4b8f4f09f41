import KerasLensGraph

/// One layer's Keras configuration with typed accessors whose errors name the layer, its class and the key.
struct LayerConfig: Sendable {
    let name: String
    let kerasClass: String
    let values: [String: JSONValue]
    /// Major Keras version of the file (2 or 3); a few defaults and formulas depend on it.
    let kerasMajor: Int
    /// The recorded call of a tf-keras `TFOpLambda` or `SlicingOpLambda` layer.
    var call: OpLambdaCall? = nil
    /// The call's keyword arguments that are not tensors (`use_causal_mask`, `training`); tensors passed by
    /// keyword are inputs (`ModelStructure.tensorParameters`).
    var keywords: [String: JSONValue] = [:]
    /// The sequences of an attention call that carry a Keras mask, whose mask nodes follow its inputs (`MaskTracker`).
    var maskedInputs: [AttentionMaskedInput] = []

    func error(_ kind: GraphError.Kind, _ detail: String) -> GraphError {
        GraphError(kind, layer: name, kerasClass: kerasClass, detail)
    }

    func has(_ key: String) -> Bool {
        guard let value = values[key] else { return false }
        return !value.isNull
    }

    func int(_ key: String, default fallback: Int? = nil) throws(GraphError) -> Int {
        guard let value = values[key], !value.isNull else {
            if let fallback { return fallback }
            throw error(.invalidConfig, "missing integer option '\(key)'")
        }
        guard let int = value.int else { throw error(.invalidConfig, "option '\(key)' is not an integer") }
        return int
    }

    func float(_ key: String, default fallback: Float? = nil) throws(GraphError) -> Float {
        guard let value = values[key], !value.isNull else {
            if let fallback { return fallback }
            throw error(.invalidConfig, "missing number option '\(key)'")
        }
        guard let number = value.number else { throw error(.invalidConfig, "option '\(key)' is not a number") }
        return Float(number)
    }

    func optionalFloat(_ key: String) throws(GraphError) -> Float? {
        guard has(key) else { return nil }
        return try float(key)
    }

    func bool(_ key: String, default fallback: Bool) throws(GraphError) -> Bool {
        guard let value = values[key], !value.isNull else { return fallback }
        guard let bool = value.bool else { throw error(.invalidConfig, "option '\(key)' is not true or false") }
        return bool
    }

    func string(_ key: String, default fallback: String? = nil) throws(GraphError) -> String {
        guard let value = values[key], !value.isNull else {
            if let fallback { return fallback }
            throw error(.invalidConfig, "missing option '\(key)'")
        }
        guard let string = value.string else { throw error(.invalidConfig, "option '\(key)' is not a string") }
        return string
    }

    /// A list of integers, or a single integer repeated `count` times (Keras accepts both for sizes and strides).
    func ints(_ key: String, count: Int, default fallback: [Int]? = nil) throws(GraphError) -> [Int] {
        guard let value = values[key], !value.isNull else {
            if let fallback { return fallback }
            throw error(.invalidConfig, "missing option '\(key)'")
        }
        if let single = value.int { return Array(repeating: single, count: count) }
        guard let list = value.array, list.count == count else {
            throw error(.invalidConfig, "option '\(key)' should be an integer or a list of \(count) integers")
        }
        var result: [Int] = []
        for item in list {
            guard let int = item.int else { throw error(.invalidConfig, "option '\(key)' holds a non-integer") }
            result.append(int)
        }
        return result
    }

    /// A list of integers of any length (no scalar form).
    func intList(_ key: String) throws(GraphError) -> [Int] {
        guard let list = values[key]?.array else { throw error(.invalidConfig, "option '\(key)' should be a list") }
        var result: [Int] = []
        for item in list {
            guard let int = item.int else { throw error(.invalidConfig, "option '\(key)' holds a non-integer") }
            result.append(int)
        }
        return result
    }

    /// A number or a list of numbers (Rescaling's scale, Normalization's mean).
    func floats(_ key: String) throws(GraphError) -> [Float]? {
        guard let value = values[key], !value.isNull else { return nil }
        if let number = value.number { return [Float(number)] }
        var result: [Float] = []
        func collect(_ value: JSONValue) -> Bool {
            if let number = value.number { result.append(Float(number)); return true }
            guard let list = value.array else { return false }
            return list.allSatisfy(collect)
        }
        guard collect(value) else { throw error(.invalidConfig, "option '\(key)' should be numbers") }
        return result
    }

    /// Refuses options that would change the layer's meaning in ways the runtime does not implement.
    func requireChannelsLast() throws(GraphError) {
        if let format = values["data_format"]?.string, format != "channels_last" {
            throw error(.unsupported, "data_format '\(format)' is not supported; only channels_last")
        }
    }
}
