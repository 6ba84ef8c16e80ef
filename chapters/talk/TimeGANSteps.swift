import Experiment

/// Placeholder: the TimeGAN step (being written).
struct TimeGANSettings: Codable { init(profile: Profile, iterations: Int?) {} }
enum TimeGANSteps { static func run(_ context: TalkContext) throws {} }
