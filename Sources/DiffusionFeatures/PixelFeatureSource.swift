import Tensor

/// A representation that gives every pixel of an image a feature vector: the DDPM's decoder activations, a
/// masked autoencoder's or a VAE's, a random network's, the raw pixels. The chapter compares them with one pixel
/// classifier on the same labelled images, so they share this one shape.
public protocol PixelFeatureSource: AnyObject {
    /// A short row label for tables, e.g. "DDPM", "MAE", "raw pixels".
    var name: String { get }
    /// Features per pixel (the channel count of `features(of:)`).
    var featureCount: Int { get }
    /// Images `[B, C, H, W]` with values in [-1, 1] → features `[B, featureCount, H, W]` at the image's own
    /// resolution, computed without recording gradients. Deterministic: any noise a source adds (the DDPM's
    /// noise draw per step t) is fixed by the source's own seed and the image's position, never by the batch size.
    func features(of images: Tensor, firstIndex: Int) -> Tensor
}
