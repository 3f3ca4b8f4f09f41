/// A problem with a file or value found while a command runs (an unreadable array, a class index the model does
/// not have). ArgumentParser prints it as the single line `Error: …`; a `ValidationError` would add the usage text,
/// which says nothing about a bad file and buries the one line that does.
struct InputError: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) {
        self.description = description
    }
}
