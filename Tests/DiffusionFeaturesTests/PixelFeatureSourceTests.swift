import DiffusionFeatures
import Testing
import Tensor

/// The contract every representation keeps: one feature vector per pixel, at the image's resolution.
final class ConstantSource: PixelFeatureSource {
    let name = "constant"
    let featureCount = 2
    func features(of images: Tensor, firstIndex: Int) -> Tensor {
        let s = images.shape
        return Tensor(zeros: [s[0], featureCount, s[2], s[3]])
    }
}

@Test func pixelFeatureSourceShape() {
    let source = ConstantSource()
    let out = source.features(of: Tensor(zeros: [3, 3, 4, 5]), firstIndex: 0)
    #expect(out.shape == [3, 2, 4, 5])
}
