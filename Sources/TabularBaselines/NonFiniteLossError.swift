import Foundation

/// Training stopped on a NaN or infinite value.
public struct NonFiniteLossError: Error, CustomStringConvertible, LocalizedError {
    public var model: String
    public var step: Int
    public var totalSteps: Int
    /// What was not finite (for example "generator loss").
    public var quantity: String
    public var value: Double

    public var description: String {
        "\(model): the \(quantity) is \(value) at step \(step) of \(totalSteps); training stopped"
    }
    public var errorDescription: String? { description }
}
