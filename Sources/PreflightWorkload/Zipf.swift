#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Zipf ranks by inverse CDF, as YCSB and floor.c draw them.
struct Zipf {
    let cdf: [Double]

    init(count: Int, skew: Double) {
        var cdf = [Double](repeating: 0, count: count)
        var total = 0.0
        for i in 0..<count {
            total += skew == 0 ? 1 : 1 / pow(Double(i + 1), skew)
            cdf[i] = total
        }
        self.cdf = cdf.map { $0 / total }
    }

    func sample(_ u: Double) -> Int {
        var low = 0, high = cdf.count - 1
        while low < high {
            let mid = (low + high) / 2
            if cdf[mid] < u { low = mid + 1 } else { high = mid }
        }
        return low
    }
}
