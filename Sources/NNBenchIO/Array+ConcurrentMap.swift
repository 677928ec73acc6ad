import Dispatch
import Foundation

extension Array where Element: Sendable {
    /// `map(transform)` on up to `threads` threads: element `i` of the result is
    /// `transform(self[i])` whichever thread computed it, so the result does not depend on
    /// `threads`. For independent, similar-sized pieces of work (the sections of a report).
    ///
    /// - Parameters:
    ///   - threads: The most threads to use; 1 or fewer maps on the calling thread.
    ///   - transform: The function, called once per element, concurrently.
    /// - Returns: The transformed elements, in order.
    package func concurrentMap<T: Sendable>(threads: Int, _ transform: @Sendable (Element) -> T) -> [T] {
        let workers = Swift.max(1, Swift.min(threads, count))
        guard workers > 1 else { return map(transform) }
        let slots = ConcurrentMapSlots<T>(count: count)
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            for index in stride(from: worker, to: count, by: workers) { slots.store(transform(self[index]), at: index) }
        }
        return slots.values
    }
}

/// The results of a ``Swift/Array/concurrentMap(threads:_:)``, each written once by the thread
/// that computed it.
private final class ConcurrentMapSlots<T: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var storage: [T?]

    init(count: Int) { storage = Array(repeating: nil, count: count) }

    func store(_ value: T, at index: Int) {
        lock.lock()
        storage[index] = value
        lock.unlock()
    }

    /// Every result, once every index has been stored.
    var values: [T] {
        lock.lock()
        defer { lock.unlock() }
        return storage.map { $0! }
    }
}
