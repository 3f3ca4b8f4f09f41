import KerasLensGraph
import KerasLens
import Testing

/// Native `.safetensors` files that break a rule of docs/FORMAT.md, each refused with that rule's problem (or,
/// for graph-level faults, the error kind and the layer).
@Suite struct NativeFileCorpusTests {
    /// The problem's case name, e.g. "overlappingOffsets" for `.overlappingOffsets(first:second:)`.
    static func caseName(_ error: GraphError) -> String? {
        guard case .nativeFile(let problem) = error.kind else { return nil }
        let mirror = Mirror(reflecting: problem)
        return mirror.children.first?.label ?? String(describing: problem)
    }

    static let problems: [Refusal<String>] = [
        Refusal("too_short.safetensors", "tooShort", "the file has 5 bytes"),
        Refusal("header_length_huge.safetensors", "headerLengthBeyondFile", "the header length 9223372036854775808 is larger than the file"),
        Refusal("header_not_json.safetensors", "headerNotJSON", "the safetensors header is not JSON"),
        Refusal("header_deep_nesting.safetensors", "headerNotJSON", "more than 256 levels deep"),
        Refusal("not_keraslens.safetensors", "notKerasLens", "format 'pt', not 'keraslens'"),
        Refusal("newer_version.safetensors", "newerVersion", "format version 99 is newer"),
        Refusal("overlapping_offsets.safetensors", "overlappingOffsets", "tensors 'dense/bias' and 'dense/kernel' have overlapping data_offsets"),
        Refusal("offsets_out_of_range.safetensors", "offsetsOutsideFile", "tensor 'dense/kernel' has data_offsets [1000, 1048] outside the 12-byte buffer"),
        Refusal("offsets_huge.safetensors", "invalidHeader", "entry 'dense/kernel' needs"),
        Refusal("huge_shape.safetensors", "truncated", "its tensors need 4000000000012 bytes after the header, it has 60"),
        Refusal("overflowing_shape.safetensors", "sizeMismatch", "of shape [1099511627776, 1099511627776] needs more bytes than a file can hold"),
        Refusal("size_mismatch.safetensors", "sizeMismatch", "tensor 'dense/kernel' of shape [4, 4] needs 64 bytes, its data_offsets [12, 60] span 48"),
        Refusal("wrong_dtype.safetensors", "unsupportedDType", "tensor 'dense/kernel' has dtype F64"),
        Refusal("unindexed_bytes.safetensors", "unindexedBytes", "bytes 60..<76 of the buffer belong to no tensor"),
        Refusal("missing_tensor.safetensors", "missingTensor", "layer 'dense': the graph refers to tensor 'dense/bias'"),
        Refusal("graph_unknown_op.safetensors", "unknownOp", "unknown op type 'lstm'"),
        Refusal("graph_input_not_earlier.safetensors", "invalidGraph", "layer 'dense': the graph JSON in __metadata__ is malformed: its input 'x' is not an earlier node"),
    ]

    @Test(arguments: problems) func breaksARule(_ refusal: Refusal<String>) {
        let path = BadInputCorpus.path("safetensors", refusal.file)
        #expect {
            _ = try NativeFile.read(path: path)
        } throws: { error in
            guard let error = error as? GraphError else { return false }
            return Self.caseName(error) == refusal.kind && error.file == path && error.description.contains(refusal.fragment)
        }
    }

    static let graphFaults: [Refusal<GraphError.Kind>] = [
        Refusal("graph_huge_input.safetensors", .shape, "layer 'x' (InputLayer): input shape [1000000, 1000000] has more than 268435456 elements"),
        Refusal("graph_softmax_axis.safetensors", .invalidConfig, "layer 'dense' (Dense): softmax axis 7 is not a feature axis of a rank-2 output"),
        Refusal("graph_window_overflow.safetensors", .invalidConfig, "layer 'pool' (MaxPooling1D): window size [4611686018427387904] is outside"),
        Refusal("graph_negative_padding.safetensors", .invalidConfig, "layer 'pad' (ZeroPadding1D): padding [-1, -1] is outside"),
        Refusal("weight_wrong_shape.safetensors", .weights, "layer 'dense' (Dense): kernel has shape [5, 3], which does not fit input [4]"),
    ]

    @Test(arguments: graphFaults) func graphIsRefused(_ refusal: Refusal<GraphError.Kind>) {
        let path = BadInputCorpus.path("safetensors", refusal.file)
        #expect {
            _ = try NativeFile.read(path: path)
        } throws: { error in
            guard let error = error as? GraphError else { return false }
            return error.kind == refusal.kind && error.file == path && error.description.contains(refusal.fragment)
        }
    }

    @Test func theUncutSourceReads() throws {
        let model = try NativeFile.read(path: BadInputCorpus.path("safetensors", "valid.safetensors"))
        #expect(model.graph.nodes.map(\.name) == ["x", "dense"])
    }

    /// `valid.safetensors` cut at any offset is refused by a container rule, naming the file.
    @Test(arguments: BadInputCorpus.truncations("safetensors")) func truncatedFileIsRefused(_ file: String) {
        let path = BadInputCorpus.path("safetensors", file)
        #expect {
            _ = try NativeFile.read(path: path)
        } throws: { error in
            guard let error = error as? GraphError else { return false }
            return ["tooShort", "headerLengthBeyondFile", "headerNotJSON", "truncated"].contains(Self.caseName(error)) && error.file == path
        }
    }
}
