import Foundation

/// Rotates a square image about its centre by bilinear interpolation, keeping its size; what falls outside is 0.
///
/// A positive angle turns the picture counter-clockwise as displayed (row 0 at the top), as
/// `scipy.ndimage.rotate` does, so the reference's angles mean the same here. Each output pixel takes the
/// input at the point that the rotation carries onto it.
public func rotated(_ image: [Float], side: Int, degrees: Double) -> [Float] {
    precondition(image.count == side * side, "rotated: the image must be side × side")
    let radians = degrees * .pi / 180
    let (c, s) = (cos(radians), sin(radians))
    let centre = Double(side - 1) / 2
    var output = [Float](repeating: 0, count: image.count)
    func pixel(_ row: Int, _ column: Int) -> Double {
        row >= 0 && row < side && column >= 0 && column < side ? Double(image[row * side + column]) : 0
    }
    for row in 0..<side {
        for column in 0..<side {
            let (x, y) = (Double(column) - centre, Double(row) - centre)
            // The inverse rotation: where this output pixel comes from.
            let sourceX = x * c - y * s + centre, sourceY = x * s + y * c + centre
            let (x0, y0) = (sourceX.rounded(.down), sourceY.rounded(.down))
            let (fx, fy) = (sourceX - x0, sourceY - y0)
            let (col0, row0) = (Int(x0), Int(y0))
            let top = pixel(row0, col0) * (1 - fx) + pixel(row0, col0 + 1) * fx
            let bottom = pixel(row0 + 1, col0) * (1 - fx) + pixel(row0 + 1, col0 + 1) * fx
            output[row * side + column] = Float(top * (1 - fy) + bottom * fy)
        }
    }
    return output
}
