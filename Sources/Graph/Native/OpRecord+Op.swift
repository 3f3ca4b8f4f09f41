import KerasLensGraph

/// `Op` ↔ its JSON record. Each op's type name is its `OpKind` raw value; the table in docs/FORMAT.md lists the same
/// names and attributes, so a change here is a change of the format (and of `NativeFile.formatVersion` if old
/// readers would misread it).
extension OpRecord {
    init(_ op: Op) {
        self.init(type: op.kind.rawValue)
        switch op {
        case .input, .flatten, .identity, .prelu, .embedding:
            break
        case .sequenceMask(let value):
            self.mask_value = value
        case .dense(let activation):
            self.activation = ActivationRecord(activation)
        case .convolution(let window, let activation):
            self.window = WindowRecord(window)
            self.activation = ActivationRecord(activation)
        case .groupedConvolution(let window, let groups, let activation):
            self.window = WindowRecord(window)
            self.groups = groups
            self.activation = ActivationRecord(activation)
        case .transposedConvolution(let window, let outputPadding, let activation):
            self.window = WindowRecord(window)
            self.output_padding = outputPadding
            self.activation = ActivationRecord(activation)
        case .depthwiseConvolution(let window, let multiplier, let activation):
            self.window = WindowRecord(window)
            self.multiplier = multiplier
            self.activation = ActivationRecord(activation)
        case .separableConvolution(let window, let multiplier, let activation):
            self.window = WindowRecord(window)
            self.multiplier = multiplier
            self.activation = ActivationRecord(activation)
        case .pool(let kind, let window):
            self.kind = kind.rawValue
            self.window = WindowRecord(window)
        case .globalPool(let kind, let keepDims):
            self.kind = kind.rawValue
            self.keep_dims = keepDims
        case .reduce(let kind, let axes, let keepDims):
            self.kind = kind.rawValue
            self.axes = axes
            self.keep_dims = keepDims
        case .reshape(let shape):
            self.shape = shape
        case .permute(let order):
            self.order = order
        case .batchNormalization(let axis, let epsilon):
            self.axis = axis
            self.epsilon = epsilon
        case .activation(let activation):
            self.activation = ActivationRecord(activation)
        case .merge(let kind):
            self.kind = kind.rawValue
        case .linearCombination(let coefficients):
            self.scale = coefficients
        case .concatenate(let axis):
            self.axis = axis
        case .zeroPadding(let pads):
            self.pads = pads
        case .cropping(let crops):
            self.crops = crops
        case .upsampling(let size):
            self.size = size
        case .resize(let size, let interpolation):
            self.size = size
            self.kind = interpolation.rawValue
        case .rescaling(let scale, let offset):
            self.scale = scale
            self.offset = offset
        case .normalization(let axes, let epsilon, let invert):
            self.axes = axes
            self.epsilon = epsilon
            self.invert = invert
        case .layerNormalization(let axes, let epsilon, let rmsScaling):
            self.axes = axes
            self.epsilon = epsilon
            self.rms_scaling = rmsScaling
        case .groupNormalization(let groups, let epsilon):
            self.groups = groups
            self.epsilon = epsilon
        case .unitNormalization(let axes, let epsilon):
            self.axes = axes
            self.epsilon = epsilon
        case .slice(let begin, let end, let strides, let shape):
            self.begin = begin
            self.end = end
            self.strides = strides
            self.shape = shape
        case .recurrent(let recurrence):
            record(recurrence)
        case .attention(let attention):
            record(attention)
        }
    }

    /// The op this record describes; refuses unknown types and missing or malformed attributes.
    func op() throws(GraphError) -> Op {
        func need<Value>(_ value: Value?, _ attribute: String) throws(GraphError) -> Value {
            guard let value else { throw .native(.badAttribute(op: type, attribute: attribute)) }
            return value
        }
        func pairs(_ value: [[Int]]?, _ attribute: String) throws(GraphError) -> [[Int]] {
            let value = try need(value, attribute)
            guard value.allSatisfy({ $0.count == 2 }) else { throw .native(.badAttribute(op: type, attribute: attribute)) }
            return value
        }
        func window() throws(GraphError) -> Window { try need(self.window, "window").window(op: type) }
        func activation() throws(GraphError) -> Activation { try need(self.activation, "activation").activation() }

        guard let kind = OpKind(rawValue: type) else { throw .native(.unknownOp(type)) }
        switch kind {
        case .input: return .input
        case .dense: return .dense(activation: try activation())
        case .convolution: return .convolution(window: try window(), activation: try activation())
        case .groupedConvolution:
            return .groupedConvolution(window: try window(), groups: try need(groups, "groups"), activation: try activation())
        case .transposedConvolution:
            return .transposedConvolution(window: try window(), outputPadding: try need(output_padding, "output_padding"),
                                          activation: try activation())
        case .depthwiseConvolution:
            return .depthwiseConvolution(window: try window(), multiplier: try need(multiplier, "multiplier"), activation: try activation())
        case .separableConvolution:
            return .separableConvolution(window: try window(), multiplier: try need(multiplier, "multiplier"), activation: try activation())
        case .pool:
            guard let kind = PoolKind(rawValue: try need(self.kind, "kind")) else { throw .native(.badAttribute(op: type, attribute: "kind")) }
            return .pool(kind: kind, window: try window())
        case .globalPool:
            guard let kind = PoolKind(rawValue: try need(self.kind, "kind")) else { throw .native(.badAttribute(op: type, attribute: "kind")) }
            return .globalPool(kind: kind, keepDims: try need(keep_dims, "keep_dims"))
        case .reduce:
            guard let kind = ReduceKind(rawValue: try need(self.kind, "kind")) else { throw .native(.badAttribute(op: type, attribute: "kind")) }
            return .reduce(kind: kind, axes: try need(axes, "axes"), keepDims: try need(keep_dims, "keep_dims"))
        case .flatten: return .flatten
        case .reshape: return .reshape(shape: try need(shape, "shape"))
        case .permute: return .permute(order: try need(order, "order"))
        case .identity: return .identity
        case .batchNormalization: return .batchNormalization(axis: try need(axis, "axis"), epsilon: try need(epsilon, "epsilon"))
        case .activation: return .activation(try activation())
        case .prelu: return .prelu
        case .merge:
            guard let kind = MergeKind(rawValue: try need(self.kind, "kind")) else { throw .native(.badAttribute(op: type, attribute: "kind")) }
            return .merge(kind)
        case .linearCombination: return .linearCombination(coefficients: try need(scale, "scale"))
        case .concatenate: return .concatenate(axis: try need(axis, "axis"))
        case .zeroPadding: return .zeroPadding(pads: try pairs(pads, "pads"))
        case .cropping: return .cropping(crops: try pairs(crops, "crops"))
        case .upsampling: return .upsampling(size: try need(size, "size"))
        case .resize:
            guard let interpolation = Interpolation(rawValue: try need(self.kind, "kind")) else {
                throw .native(.badAttribute(op: type, attribute: "kind"))
            }
            return .resize(size: try need(size, "size"), interpolation: interpolation)
        case .rescaling: return .rescaling(scale: try need(scale, "scale"), offset: try need(offset, "offset"))
        case .normalization:
            return .normalization(axes: try need(axes, "axes"), epsilon: try need(epsilon, "epsilon"), invert: try need(invert, "invert"))
        case .layerNormalization:
            return .layerNormalization(axes: try need(axes, "axes"), epsilon: try need(epsilon, "epsilon"),
                                       rmsScaling: try need(rms_scaling, "rms_scaling"))
        case .groupNormalization:
            return .groupNormalization(groups: try need(groups, "groups"), epsilon: try need(epsilon, "epsilon"))
        case .unitNormalization:
            return .unitNormalization(axes: try need(axes, "axes"), epsilon: try need(epsilon, "epsilon"))
        case .slice:
            return .slice(begin: try need(begin, "begin"), end: try need(end, "end"), strides: try need(strides, "strides"),
                          shape: try need(shape, "shape"))
        case .recurrent: return .recurrent(try recurrence())
        case .embedding: return .embedding
        case .sequenceMask: return .sequenceMask(value: try need(mask_value, "mask_value"))
        case .attention: return .attention(try attention())
        }
    }
}

extension WindowRecord {
    init(_ window: Window) {
        self.init(size: window.size, strides: window.strides, dilations: window.dilations, padding: window.padding.rawValue)
    }

    func window(op: String) throws(GraphError) -> Window {
        guard let padding = Padding(rawValue: padding) else { throw .native(.badAttribute(op: op, attribute: "window.padding")) }
        guard !size.isEmpty, strides.count == size.count, dilations.count == size.count,
              (size + strides + dilations).allSatisfy({ $0 >= 1 }) else {
            throw .native(.badAttribute(op: op, attribute: "window"))
        }
        return Window(size: size, strides: strides, dilations: dilations, padding: padding)
    }
}
