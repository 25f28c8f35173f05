import Foundation

/// How the generator's rate and its category and city mixes move over time, so the dashboard's
/// charts have something to show:
/// - `flat`: the original producer: a steady rate, every value equally likely;
/// - `daily`: a day compressed into ten minutes, starting at 08:00: quiet nights, a working day and an
///   evening peak at about 20:30 near 2.4× the mean; categories and cities shift over the day
///   (electronics in the evening, books late at night, Casablanca in working hours…). `--rate` is the
///   mean over the day;
/// - `bursty`: the rate, and every 30 seconds a 3-second flash sale at 10× on one category (a
///   different one each time).
package enum TrafficShape: String, Sendable, CaseIterable {
    case flat, daily, bursty

    /// One compressed day of `daily`, in seconds.
    package static let dayLength = 600.0
    /// The compressed clock's hour at the start.
    package static let startHour = 8.0
    /// `bursty`: a burst every `burstPeriod` seconds lasting `burstLength`, at `burstFactor` × the rate.
    package static let burstPeriod = 30.0
    package static let burstLength = 3.0
    package static let burstFactor = 10.0
    /// When in each period the burst starts: after a calm stretch, so the charts show the contrast.
    static let burstStart = 20.0

    /// The rate at `elapsed` seconds since the start, as a multiple of the configured rate.
    package func rateFactor(at elapsed: Double) -> Double {
        switch self {
        case .flat: 1
        case .daily: Self.dayCurve(hour: Self.hour(at: elapsed)) / Self.dayMean
        case .bursty: Self.burst(at: elapsed) == nil ? 1 : Self.burstFactor
        }
    }

    /// The category and city weights at `elapsed` seconds; nil for every value equally likely.
    package func mix(at elapsed: Double) -> TransactionMix? {
        switch self {
        case .flat: return nil
        case .daily: return Self.dailyMix(hour: Self.hour(at: elapsed))
        case .bursty:
            guard let burst = Self.burst(at: elapsed) else { return nil }
            let sale = burst % TransactionGenerator.categories.count
            return TransactionMix(
                categories: TransactionGenerator.categories.indices.map { $0 == sale ? 8 : 1 },
                cities: Array(repeating: 1, count: TransactionGenerator.cities.count))
        }
    }

    /// The compressed clock's hour (0..<24) at `elapsed` seconds.
    package static func hour(at elapsed: Double) -> Double {
        (startHour + elapsed / dayLength * 24).truncatingRemainder(dividingBy: 24)
    }

    /// The number of the burst under way at `elapsed` seconds, nil between bursts.
    static func burst(at elapsed: Double) -> Int? {
        guard elapsed >= 0, elapsed.isFinite else { return nil }
        let period = (elapsed / burstPeriod).rounded(.down)
        let within = elapsed - period * burstPeriod
        guard within >= burstStart, within < burstStart + burstLength, period < 1e15 else { return nil }
        return Int(period)
    }

    /// Relative activity at `hour`: 0.2 at night, about 0.9 through the day, a peak in the evening.
    static func dayCurve(hour: Double) -> Double {
        let day = smoothStep(hour, from: 6, to: 9) * (1 - smoothStep(hour, from: 22, to: 24))
        return 0.2 + 0.7 * day + 1.6 * bump(hour, at: 20.5, width: 1.2)
    }

    /// The mean of `dayCurve` over a day, so that `--rate` is the mean rate.
    static let dayMean: Double = {
        let steps = 2_400
        return (0..<steps).reduce(0) { $0 + dayCurve(hour: Double($1) * 24 / Double(steps)) } / Double(steps)
    }()

    static func dailyMix(hour: Double) -> TransactionMix {
        // In the order of `TransactionGenerator.categories` and `.cities`.
        let categories = [
            1 + 1.5 * bump(hour, at: 20.5, width: 1.5),  // Electronics
            1 + 0.8 * bump(hour, at: 15, width: 2.5),  // Fashion
            1 + 0.8 * bump(hour, at: 10, width: 2),  // Home & Garden
            1 + 0.8 * bump(hour, at: 7, width: 1.5) + 0.5 * bump(hour, at: 18, width: 1.5),  // Sports
            1 + 1.0 * bump(hour, at: 23, width: 1.5) + 1.0 * bump(hour, at: -1, width: 1.5),  // Books
            1 + 0.8 * bump(hour, at: 13, width: 2),  // Beauty
        ]
        let working = smoothStep(hour, from: 8, to: 10) * (1 - smoothStep(hour, from: 17, to: 19))
        let cities = [
            1.5 + 0.8 * working,  // Casablanca
            1 + 0.5 * working,  // Rabat
            1 + 1.0 * bump(hour, at: 21, width: 2),  // Marrakech
            1.0,  // Fes
            1 + 0.5 * bump(hour, at: 19, width: 2),  // Tangier
            0.8 + 1.0 * bump(hour, at: 16, width: 2.5),  // Agadir
        ]
        return TransactionMix(categories: categories, cities: cities)
    }

    private static func smoothStep(_ x: Double, from low: Double, to high: Double) -> Double {
        let t = min(1, max(0, (x - low) / (high - low)))
        return t * t * (3 - 2 * t)
    }

    private static func bump(_ x: Double, at center: Double, width: Double) -> Double {
        exp(-((x - center) * (x - center)) / (2 * width * width))
    }
}

/// Relative weights of each category and city (in `TransactionGenerator`'s order), for a generator
/// whose mix moves over time.
package struct TransactionMix: Sendable, Equatable {
    package var categories: [Double]
    package var cities: [Double]

    package init(categories: [Double], cities: [Double]) {
        self.categories = categories
        self.cities = cities
    }

    /// The share of each category: the weights over their sum.
    package var categoryShares: [Double] {
        let total = categories.reduce(0, +)
        return categories.map { $0 / total }
    }
}
