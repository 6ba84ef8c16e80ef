import NN
import Tensor

/// The loop every rival representation trains with: Adam on minibatches of whole epochs in a seeded order, a
/// global gradient clip, a clear error on a non-finite loss. `loss` gets a batch and the run's noise generator.
func trainRepresentation(_ model: Module, name: String, on images: Tensor, steps: Int, batchSize: Int,
                         learningRate: Float, seed: UInt64, loss: (Tensor, RandomGenerator) -> Tensor,
                         progress: (Int, Float) -> Void) throws {
    let n = images.shape[0]
    guard n > 0, images.rank == 4 else {
        throw DiffusionFeaturesError.invalidInput("\(name): expected images [N, C, H, W], got \(images.shape)")
    }
    let rng = RandomGenerator(seed: seed)
    let order = rng.derived(1), noise = rng.derived(2)
    let optimizer = Adam(for: model, learningRate: learningRate)
    let parameters = model.trainableParameters
    model.train()
    var permutation: [Int] = [], cursor = 0
    for step in 0..<steps {
        var rows: [Int] = []
        while rows.count < Swift.min(batchSize, n) {
            if cursor == permutation.count { permutation = order.permutation(n); cursor = 0 }
            rows.append(permutation[cursor])
            cursor += 1
        }
        let value = loss(images.gathering(rows, axis: 0), noise)
        let scalar = value.item
        guard scalar.isFinite else { throw DiffusionFeaturesError.nonFiniteLoss(model: name, step: step + 1) }
        value.backward()
        _ = clipGradientNorm(parameters, maxNorm: 1)
        optimizer.step()
        model.zeroGrad()
        progress(step + 1, scalar)
    }
    model.eval()
}

/// Bilinear upsampling to the image's side, unless the map is already there.
func toImageSize(_ map: Tensor, height: Int, width: Int) -> Tensor {
    map.shape[2] == height && map.shape[3] == width ? map : map.upsampledBilinear(height: height, width: width)
}
