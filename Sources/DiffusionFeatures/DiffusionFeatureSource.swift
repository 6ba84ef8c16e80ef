import NN
import Tensor

/// The paper's representation: noise each image to a few steps t with one fixed noise draw per t (shared by every
/// image, as the reference's `share_noise`), run the U-Net once per t, upsample the chosen decoder blocks' outputs
/// bilinearly to the image size and concatenate them per pixel: `timesteps.count × Σ channels` features.
public final class DiffusionFeatureSource: PixelFeatureSource {
    public let name: String
    public let ddpm: DDPM
    public let timesteps: [Int]
    /// Decoder blocks read, as indices into `ddpm.network.configuration.decoderChannels` (0 is the deepest).
    public let blocks: [Int]
    let noise: [Tensor]

    public init(name: String, ddpm: DDPM, timesteps: [Int], blocks: [Int], noiseSeed: UInt64 = 0) throws {
        let unet = ddpm.configuration.unet
        guard !timesteps.isEmpty, timesteps.allSatisfy({ (0..<ddpm.configuration.diffusionSteps).contains($0) }) else {
            throw DiffusionFeaturesError.invalidInput("diffusion features: steps must lie in 0..<\(ddpm.configuration.diffusionSteps), got \(timesteps)")
        }
        guard !blocks.isEmpty, blocks.allSatisfy({ unet.decoderChannels.indices.contains($0) }) else {
            throw DiffusionFeaturesError.invalidInput("diffusion features: decoder blocks are 0..<\(unet.decoderChannels.count), got \(blocks)")
        }
        self.name = name
        self.ddpm = ddpm
        self.timesteps = timesteps
        self.blocks = blocks
        let rng = RandomGenerator(seed: noiseSeed)
        noise = timesteps.indices.map { rng.derived(UInt64($0)).normal([1, unet.imageChannels, unet.imageSize, unet.imageSize]) }
    }

    public var featureCount: Int {
        timesteps.count * blocks.reduce(0) { $0 + ddpm.configuration.unet.decoderChannels[$1] }
    }

    public func features(of images: Tensor, firstIndex: Int) -> Tensor {
        let b = images.shape[0], h = images.shape[2], w = images.shape[3]
        return withoutGrad {
            var parts: [Tensor] = []
            for (i, t) in timesteps.enumerated() {
                let steps = [Int](repeating: t, count: b)
                let noisy = ddpm.noised(images, timesteps: steps, noise: noise[i])
                let decoder = ddpm.network.forward(noisy, timesteps: steps).decoderBlocks
                for block in blocks {
                    let map = decoder[block]
                    parts.append(map.shape[2] == h && map.shape[3] == w ? map : map.upsampledBilinear(height: h, width: w))
                }
            }
            return Tensor.concat(parts, axis: 1)
        }
    }
}

/// The floor every learned representation must clear: each pixel's own values and its position, scaled to
/// [-1, 1] (what a classifier can do from colour and place alone).
public final class RawPixelSource: PixelFeatureSource {
    public let name = "raw pixels"
    public let channels: Int

    public init(channels: Int) { self.channels = channels }

    public var featureCount: Int { channels + 2 }

    public func features(of images: Tensor, firstIndex: Int) -> Tensor {
        let b = images.shape[0], h = images.shape[2], w = images.shape[3]
        var grid = [Float](repeating: 0, count: b * 2 * h * w)
        for n in 0..<b {
            for y in 0..<h {
                for x in 0..<w {
                    grid[((n * 2) * h + y) * w + x] = w > 1 ? 2 * Float(x) / Float(w - 1) - 1 : 0
                    grid[((n * 2 + 1) * h + y) * w + x] = h > 1 ? 2 * Float(y) / Float(h - 1) - 1 : 0
                }
            }
        }
        return Tensor.concat([images.detached(), Tensor(grid, shape: [b, 2, h, w])], axis: 1)
    }
}
