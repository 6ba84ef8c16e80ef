import Experiment

/// Placeholder: the 2-D ring GAN step (being written).
struct RingGANSettings: Codable { init(profile: Profile) {} }
enum RingGANSteps { static func run(_ context: TalkContext) throws {} }
