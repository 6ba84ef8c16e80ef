import Foundation

/// A point of a 2-D optimisation trajectory.
public struct Point2: Sendable, Equatable {
    public var x: Double
    public var y: Double
    public init(_ x: Double, _ y: Double) { self.x = x; self.y = y }
    public var norm: Double { (x * x + y * y).squareRoot() }
}

/// Gradient play on the bilinear game V(x, y) = x·y: player x minimises V, player y maximises it.
/// The only equilibrium is (0, 0); the vector field (−y, x) rotates around it.
public enum BilinearGame {
    /// Both players step from the same point: x ← x − η·y, y ← y + η·x. Each step multiplies the distance
    /// to the equilibrium by √(1 + η²), so the trajectory spirals outwards.
    public static func simultaneous(from start: Point2, learningRate eta: Double, steps: Int) -> [Point2] {
        var p = start, path = [start]
        for _ in 0..<steps {
            p = Point2(p.x - eta * p.y, p.y + eta * p.x)
            path.append(p)
        }
        return path
    }

    /// x moves first and y answers the new x: x ← x − η·y, then y ← y + η·x. The map has determinant 1
    /// (it preserves area), so for η < 2 the trajectory stays on a closed orbit: bounded, but not converging.
    public static func alternating(from start: Point2, learningRate eta: Double, steps: Int) -> [Point2] {
        var p = start, path = [start]
        for _ in 0..<steps {
            let x = p.x - eta * p.y
            p = Point2(x, p.y + eta * x)
            path.append(p)
        }
        return path
    }
}

/// An ill-conditioned quadratic f(x, y) = ½(a·x² + b·y²), the toy on which Adam and SGD are compared.
public struct Quadratic2D: Sendable {
    public var a: Double
    public var b: Double
    public init(a: Double, b: Double) { self.a = a; self.b = b }
    public func value(_ p: Point2) -> Double { 0.5 * (a * p.x * p.x + b * p.y * p.y) }
    public func gradient(_ p: Point2) -> Point2 { Point2(a * p.x, b * p.y) }
}

/// Plain gradient descent: θ ← θ − η·g.
public func sgdTrajectory(on f: Quadratic2D, from start: Point2, learningRate eta: Double, steps: Int) -> [Point2] {
    var p = start, path = [start]
    for _ in 0..<steps {
        let g = f.gradient(p)
        p = Point2(p.x - eta * g.x, p.y - eta * g.y)
        path.append(p)
    }
    return path
}

/// Adam written out, one line per equation of the slide (Kingma & Ba 2015): moments m and v, their bias
/// corrections, and a per-coordinate step η·m̂ / (√v̂ + ε).
public func adamTrajectory(on f: Quadratic2D, from start: Point2, learningRate eta: Double, beta1: Double = 0.9,
                           beta2: Double = 0.999, epsilon: Double = 1e-8, steps: Int) -> [Point2] {
    var theta = [start.x, start.y], m = [0.0, 0.0], v = [0.0, 0.0], path = [start]
    for t in 1...max(steps, 1) where steps > 0 {
        let gp = f.gradient(Point2(theta[0], theta[1]))
        let g = [gp.x, gp.y]
        for i in 0..<2 {
            m[i] = beta1 * m[i] + (1 - beta1) * g[i]
            v[i] = beta2 * v[i] + (1 - beta2) * g[i] * g[i]
            let mHat = m[i] / (1 - Foundation.pow(beta1, Double(t)))
            let vHat = v[i] / (1 - Foundation.pow(beta2, Double(t)))
            theta[i] -= eta * mHat / (vHat.squareRoot() + epsilon)
        }
        path.append(Point2(theta[0], theta[1]))
    }
    return path
}
