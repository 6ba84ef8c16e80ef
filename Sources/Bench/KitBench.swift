import ArgumentParser
import DiffusionFeatures
import Foundation
import NN
import Tensor

/// `make bench`: training-step throughput of the three workloads the chapters depend on.
@main
struct KitBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kit-bench",
        abstract: "Steps per second of the training workloads the chapters depend on.")

    @Option(help: "Threads for OpenBLAS and the core's own kernels.")
    var threads = 1

    @Option(help: "Workloads to run: \(Workload.allCases.map(\.rawValue).joined(separator: ", ")) (comma-separated).")
    var workloads = "mlp,mlp-gemm,unet,gru,gpvae,banded-10,banded-100,banded-1000,ddpm,ddpm-features,mae,vae,tabddpm"

    @Option(help: "Timed steps per workload (after warm-up).")
    var steps = 10

    @Option(help: "Append one JSON line per workload to this file.")
    var json: String?

    func validate() throws {
        guard threads >= 1 else { throw ValidationError("--threads must be at least 1, got \(threads)") }
        guard steps >= 1 else { throw ValidationError("--steps must be at least 1, got \(steps)") }
        for w in workloads.split(separator: ",") where Workload(rawValue: String(w)) == nil {
            throw ValidationError("--workloads: unknown workload '\(w)' (known: \(Workload.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
    }

    func run() throws {
        Threading.setThreadCount(threads)
        let date = ISO8601DateFormatter().string(from: Date())
        print("kit-bench \(date)  threads \(threads)  OpenBLAS core \(Threading.blasCoreName)  GEMM \(Threading.gemmName)")
        for name in workloads.split(separator: ",") {
            let workload = Workload(rawValue: String(name))!
            let seconds = workload.measure(steps: steps)
            let median = seconds.sorted()[seconds.count / 2]
            let line = String(format: "%-11@ %8.3f steps/s  (median %.1f ms/step over %d steps; %@)",
                              workload.rawValue, 1 / median, median * 1000, steps, workload.summary)
            print(line)
            if let json {
                let record: [String: Any] = [
                    "workload": workload.rawValue, "threads": threads, "stepsPerSecond": 1 / median,
                    "medianSeconds": median, "steps": steps, "blasCore": Threading.blasCoreName,
                    "gemm": Threading.gemmName, "date": date,
                ]
                let data = try JSONSerialization.data(withJSONObject: record, options: [.sortedKeys])
                try append(data + Data("\n".utf8), to: json)
            }
        }
    }
}

/// Appends to a JSON-lines file, creating it when absent.
func append(_ data: Data, to path: String) throws {
    if !FileManager.default.fileExists(atPath: path) {
        try Data().write(to: URL(fileURLWithPath: path))
    }
    let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
    defer { try? handle.close() }
    try handle.seekToEnd()
    try handle.write(contentsOf: data)
}

enum Workload: String, CaseIterable {
    case mlp, mlpGEMM = "mlp-gemm", unet, gru, gpvae, banded10 = "banded-10", banded100 = "banded-100", banded1000 = "banded-1000", ddpm
    case ddpmFeatures = "ddpm-features", mae, vae, tabddpm

    var summary: String {
        switch self {
        case .mlp: "MLP 64→512→1024→1024→512→64, ReLU, batch 4096, MSE, Adam"
        case .mlpGEMM: "only the 14 sgemm calls of one MLP step: the ceiling for the mlp workload"
        case .unet: "UNet 32×32, batch 32, channels 64/128, GroupNorm+SiLU, attention at 8×8, MSE, Adam"
        case .gru: "GRU 3 layers, hidden 24, sequence 24, batch 128, MSE, Adam"
        case .gpvae: "GP-VAE on HMNIST shapes (batch 64 × 10 frames × 784 px, latent 64, 128-wide), ELBO, Adam"
        case .banded10, .banded100, .banded1000: "banded posterior, 16 × 32 Gaussians over T steps: sample, log-density, backward"
        case .ddpm: "chapter 2's DDPM: U-Net 32/64/128 at 32×32, batch 64, timestep embedding, ε-MSE, clip, Adam"
        case .ddpmFeatures: "chapter 2's feature reading: 8 images × t = 50, 150, 250 through the DDPM's U-Net, 3 decoder blocks upsampled to 32×32 (8,192 pixels × 672 features a step)"
        case .mae: "chapter 2's MAE: ViT 128 × 4 on 16 of 64 patches, decoder 64 × 2, batch 64, clip, Adam"
        case .vae: "chapter 2's convolutional VAE: 32/64/128 channels, latent 16 × 8 × 8, batch 64, clip, Adam"
        case .tabddpm: "chapter 3's TabDDPM step on adult's shapes (6 numeric, 8 categorical of 102 levels, 2 classes): MLP 256-1024×4-256, batch 4096, T = 100, Gaussian + multinomial loss, AdamW, EMA"
        }
    }

    /// Wall time of each timed training step, after three warm-up steps.
    func measure(steps: Int) -> [Double] {
        let rng = RandomGenerator(seed: 0)
        let trainStep: () -> Void
        switch self {
        case .mlp:
            let sizes = [64, 512, 1024, 1024, 512, 64]
            let layers = (0..<5).map { Linear(inputSize: sizes[$0], outputSize: sizes[$0 + 1], rng: rng) }
            let model = Sequential(layers.enumerated().flatMap { i, l -> [any Layer] in i < 4 ? [l, ReLU()] : [l] })
            let optimizer = Adam(for: model, learningRate: 1e-3)
            let x = rng.normal([4096, 64]), y = rng.normal([4096, 64])
            trainStep = {
                meanSquaredError(predicted: model(x), expected: y).backward()
                optimizer.step()
                model.zeroGrad()
            }
        case .mlpGEMM:
            let sizes = [64, 512, 1024, 1024, 512, 64]
            let weights = (0..<5).map { rng.normal([sizes[$0 + 1], sizes[$0]]) }
            let activations = (0..<6).map { rng.normal([4096, sizes[$0]]) }
            trainStep = {
                for i in 0..<5 {
                    _ = activations[i].matmul(weights[i], transposeB: true)                // forward
                    _ = activations[i + 1].matmul(activations[i], transposeA: true)        // dW
                    if i > 0 { _ = activations[i + 1].matmul(weights[i]) }                // dX
                }
            }
        case .unet:
            let model = BenchUNet(rng: rng)
            let optimizer = Adam(for: model, learningRate: 1e-4)
            let x = rng.normal([32, 3, 32, 32]), noise = rng.normal([32, 3, 32, 32])
            trainStep = {
                meanSquaredError(predicted: model(x), expected: noise).backward()
                optimizer.step()
                model.zeroGrad()
            }
        case .gru:
            let gru = GRU(inputSize: 6, hiddenSize: 24, layerCount: 3, rng: rng)
            let head = Linear(inputSize: 24, outputSize: 6, rng: rng)
            let optimizer = Adam(parameters: gru.parameters + head.parameters, learningRate: 1e-3)
            let x = rng.uniform([128, 24, 6]), y = rng.uniform([128, 24, 6])
            trainStep = {
                meanSquaredError(predicted: head(gru(x).output).sigmoid(), expected: y).backward()
                optimizer.step()
                gru.zeroGrad()
                head.zeroGrad()
            }
        case .gpvae:
            trainStep = GPVAEWorkloads.trainingStep(rng: rng)
        case .banded10, .banded100, .banded1000:
            trainStep = GPVAEWorkloads.bandedPosterior(length: Int(rawValue.split(separator: "-")[1])!, rng: rng)
        case .ddpm:
            let ddpm = DDPM(configuration: DDPMConfiguration(unet: .small), seed: 0)
            let images = rng.uniform([64, 3, 32, 32], low: -1, high: 1)
            trainStep = { try! ddpm.train(on: images, steps: 1, seed: 0) }
        case .ddpmFeatures:
            let ddpm = DDPM(configuration: DDPMConfiguration(unet: .small), seed: 0)
            let source = try! DiffusionFeatureSource(name: "DDPM", ddpm: ddpm, timesteps: [50, 150, 250], blocks: [0, 1, 2])
            let images = rng.uniform([8, 3, 32, 32], low: -1, high: 1)
            trainStep = { _ = source.features(of: images, firstIndex: 0) }
        case .mae:
            let model = MaskedAutoencoder(configuration: MaskedAutoencoderConfiguration(), seed: 0)
            let images = rng.uniform([64, 3, 32, 32], low: -1, high: 1)
            trainStep = { try! model.train(on: images, steps: 1, seed: 0) }
        case .vae:
            let model = ConvolutionalVAE(configuration: ConvolutionalVAEConfiguration(), seed: 0)
            let images = rng.uniform([64, 3, 32, 32], low: -1, high: 1)
            trainStep = { try! model.train(on: images, steps: 1, seed: 0) }
        case .tabddpm:
            // The step lives inside TabDDPM's training loop: timed between its progress calls.
            return TabDDPMWorkload.stepTimes(steps: steps, rng: rng)
        }
        for _ in 0..<3 { trainStep() }
        return (0..<steps).map { _ in
            let start = DispatchTime.now().uptimeNanoseconds
            trainStep()
            return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        }
    }
}
