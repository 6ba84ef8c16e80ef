import Experiment

/// Placeholder: the GAN-math step (being written).
struct GANMathSettings: Codable { init(profile: Profile) {} }
enum GANMathSteps { static func run(_ context: TalkContext) throws {} }
