import KerasLensGraph

/// The graph JSON stored under `keraslens.graph` (docs/FORMAT.md, "Graph JSON"). These records mirror the JSON
/// one to one — snake_case keys, optional attributes left out when absent — so the page and the code cannot drift.
struct GraphRecord: Codable, Equatable {
    var source: SourceRecord
    var inputs: [String]
    var outputs: [String]
    var nodes: [NodeRecord]
}

struct SourceRecord: Codable, Equatable {
    /// The container the model was converted from: `h5` or `keras`.
    var format: String
    var keras_version: String?
    var backend: String?
}

struct NodeRecord: Codable, Equatable {
    var name: String
    var `class`: String
    var op: OpRecord
    var inputs: [String]
    var output_shape: [Int]
    /// Keras weight name → tensor name in the container (`"kernel": "dense/kernel"`).
    var weights: [String: String]
    /// Weights that are configuration constants rather than Keras parameters; left out when empty.
    var constants: [String]?
    /// For a later call of a shared layer, the node of its first call, whose tensors `weights` names; left out
    /// otherwise.
    var weights_from: String?
    /// How many leading per-sample axes the op runs over independently (Keras's TimeDistributed); left out when 0.
    var distributed_axes: Int?
}

/// An op: its `type` and the attributes that type takes (every other key absent).
struct OpRecord: Codable, Equatable {
    var type: String
    var activation: ActivationRecord?
    var window: WindowRecord?
    var multiplier: Int?
    var groups: Int?
    var output_padding: [Int]?
    var kind: String?
    var keep_dims: Bool?
    var shape: [Int]?
    var order: [Int]?
    var axis: Int?
    var axes: [Int]?
    var epsilon: Float?
    var invert: Bool?
    var rms_scaling: Bool?
    var begin: [Int]?
    var end: [Int]?
    var strides: [Int]?
    var pads: [[Int]]?
    var crops: [[Int]]?
    var size: [Int]?
    var scale: [Float]?
    var offset: [Float]?
    var cell: String?
    var units: Int?
    var recurrent_activation: ActivationRecord?
    var reset_after: Bool?
    var return_sequences: Bool?
    var go_backwards: Bool?
    var merge_mode: String?
    /// Written only when true (older files never hold it).
    var zero_output_for_mask: Bool?
    var flip_sequence: Bool?
    var mask_value: Float?
    var score: String?
    var causal: Bool?
    var num_heads: Int?
    var key_dim: Int?
    var value_dim: Int?
    /// An attention op's masked inputs (`query`, `value`, `key`) and what a hidden score becomes.
    var masks: [String]?
    var hidden_score: String?
    var hidden_value: Float?

    init(type: String) { self.type = type }
}

struct WindowRecord: Codable, Equatable {
    var size: [Int]
    var strides: [Int]
    var dilations: [Int]
    var padding: String
}

/// An activation: its `type` and, for the parametrised ones, their parameters.
struct ActivationRecord: Codable, Equatable {
    var type: String
    var axis: Int?
    var alpha: Float?
    var approximate: Bool?
    var max_value: Float?
    var negative_slope: Float?
    var threshold: Float?

    init(type: String) { self.type = type }
}
