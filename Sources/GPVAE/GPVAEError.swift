/// Why a GP-VAE run or an imputer could not proceed; each message names the offending setting or value.
public enum GPVAEError: Error, Equatable, CustomStringConvertible {
    case invalidConfig(String)
    case invalidKernel(String)
    case invalidSeries(String)
    case nonFinite(step: Int, quantity: String)

    public var description: String {
        switch self {
        case let .invalidConfig(message): "GP-VAE configuration: \(message)"
        case let .invalidKernel(message): "GP kernel: \(message)"
        case let .invalidSeries(message): "series: \(message)"
        case let .nonFinite(step, quantity):
            "GP-VAE: the \(quantity) became non-finite at training step \(step); lower the learning rate or check the data"
        }
    }
}
