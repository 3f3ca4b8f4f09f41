import KerasLensGraph

/// A recurrent op's attributes in its record (docs/FORMAT.md, `recurrent`).
extension OpRecord {
    mutating func record(_ recurrence: Recurrence) {
        cell = recurrence.cell.rawValue
        units = recurrence.units
        activation = ActivationRecord(recurrence.activation)
        recurrent_activation = recurrence.recurrentActivation.map(ActivationRecord.init)
        reset_after = recurrence.resetAfter
        return_sequences = recurrence.returnSequences
        go_backwards = recurrence.goBackwards
        merge_mode = recurrence.merge?.rawValue
        zero_output_for_mask = recurrence.zeroOutputForMask ? true : nil
        flip_sequence = recurrence.flipsSequence ? true : nil
    }

    func recurrence() throws(GraphError) -> Recurrence {
        func need<Value>(_ value: Value?, _ attribute: String) throws(GraphError) -> Value {
            guard let value else { throw .native(.badAttribute(op: type, attribute: attribute)) }
            return value
        }
        guard let cell = RecurrentCell(rawValue: try need(self.cell, "cell")) else {
            throw .native(.badAttribute(op: type, attribute: "cell"))
        }
        var merge: RecurrentMerge?
        if let mode = merge_mode {
            guard let known = RecurrentMerge(rawValue: mode) else { throw .native(.badAttribute(op: type, attribute: "merge_mode")) }
            merge = known
        }
        var recurrence = Recurrence(cell: cell, units: try need(units, "units"),
                          activation: try need(activation, "activation").activation(),
                          recurrentActivation: try recurrent_activation?.activation(),
                          resetAfter: try need(reset_after, "reset_after"),
                          returnSequences: try need(return_sequences, "return_sequences"),
                          goBackwards: try need(go_backwards, "go_backwards"), merge: merge)
        recurrence.zeroOutputForMask = zero_output_for_mask ?? false
        recurrence.flipsSequence = flip_sequence ?? false
        return recurrence
    }
}
