import KerasLensGraph

/// The name of the second output of a Bidirectional call with merge_mode None (its backward layer's output, tensor
/// index 1 in Keras's references): `<call>/backward`. The first output keeps the call's name, as a merged output
/// does, so that `bidirectional` names the layer wherever a layer is named.
func bidirectionalBackwardName(_ call: String) -> String { call + bidirectionalBackwardSuffix }

let bidirectionalBackwardSuffix = "/backward"

extension KerasImporter {
    /// A Bidirectional that one `recurrent` op cannot express, as nodes of the existing ops: the forward recurrence
    /// and the backward one (reading from the end, its sequence back in time order), both reading the call's inputs
    /// (the sequence, and its mask if any). With merge_mode None they are the call's two outputs, `<call>` and
    /// `<call>/backward`; with a merge mode they are `<call>/forward` and `<call>/backward`, and a `concatenate` or
    /// `merge` node named `<call>` joins them as Keras does.
    static func lowerBidirectional(_ call: LayerCall, halves: BidirectionalHalves, weights: [String: Tensor],
                                   inputShapes: [[Int]], taken: (String) -> Bool) throws(GraphError) -> [Node] {
        let layer = call.config
        let base = layer.name
        let forwardName = halves.merge == nil ? base : "\(base)/forward"
        let backwardName = bidirectionalBackwardName(base)
        for name in [forwardName, backwardName] where name != base && taken(name) {
            throw layer.error(.unsupported, "the layer name '\(name)', which KerasLens gives a direction of this Bidirectional, is used by another layer")
        }
        // A later call of a shared Bidirectional takes each direction's weights from the first call's node.
        let firstCall = call.weightsFrom
        func half(_ name: String, _ recurrence: Recurrence, _ names: [String], from: String?) throws(GraphError) -> Node {
            var own: [String: Tensor] = [:]
            for stored in names {
                let plain = stored.hasPrefix("backward_") ? String(stored.dropFirst("backward_".count)) : stored
                own[plain] = weights[stored]
            }
            let op = Op.recurrent(recurrence)
            try op.checkAttributes()
            let shape = try op.symbolicOutputShape(inputs: inputShapes, weights: own, distributedAxes: call.distributedAxes)
            var node = Node(name: name, kerasClass: "Bidirectional", op: op, inputs: call.inbound, weights: own, outputShape: shape)
            node.distributedAxes = call.distributedAxes
            node.weightsFrom = from
            return node
        }
        do {
            let forward = try half(forwardName, halves.forward, halves.forwardWeights,
                                   from: firstCall.map { halves.merge == nil ? $0 : "\($0)/forward" })
            let backward = try half(backwardName, halves.backward, halves.backwardWeights,
                                    from: firstCall.map(bidirectionalBackwardName))
            guard let merge = halves.merge else { return [forward, backward] }
            let op: Op
            switch merge {
            case .concat: op = .concatenate(axis: forward.outputShape.count)
            case .sum: op = .merge(.add)
            case .mul: op = .merge(.multiply)
            case .ave: op = .merge(.average)
            }
            try op.checkAttributes()
            let shape = try op.symbolicOutputShape(inputs: [forward.outputShape, backward.outputShape], weights: [:],
                                                   distributedAxes: call.distributedAxes)
            var joined = Node(name: base, kerasClass: "Bidirectional", op: op, inputs: [forwardName, backwardName],
                              outputShape: shape)
            joined.distributedAxes = call.distributedAxes
            return [forward, backward, joined]
        } catch {
            var attributed = error
            attributed.layer = base
            attributed.kerasClass = call.wrapper.map { "\($0)(\(layer.kerasClass))" } ?? layer.kerasClass
            throw attributed
        }
    }
}
