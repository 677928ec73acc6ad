/// Writes a task's data as a NumPy `.npy` file, format version 1.0.
///
/// Layout, exactly as `numpy.save` writes a C-ordered float64 matrix:
///
/// - the magic `\x93NUMPY`, the version bytes `01 00`, and the header's length as a
///   little-endian `UInt16`;
/// - the header, ASCII: `{'descr': '<f8', 'fortran_order': False, 'shape': (rows, columns), }`,
///   padded with spaces and ended by `\n` so that the data starts at a multiple of 64 bytes,
///   which for any 2-D shape is byte 128;
/// - `rows × columns` little-endian float64 values, row after row.
///
/// The columns are those of ``DatasetExport`` and the CSV: with all splits, a first column with
/// the split coded 0 = train, 1 = valid, 2 = test; then the inputs `x0` ...; then the targets
/// (class labels as whole numbers).
///
/// ``array(shape:values:type:)`` writes any C-ordered float32 or float64 array the same way (the
/// weights `nnbench train --save-weights` saves).
package enum NPYWriter {
    /// The type of an array's values: numpy's `descr`.
    package enum ScalarType: String, Sendable {
        /// Little-endian IEEE 754 binary32, `numpy.float32`.
        case float32 = "<f4"
        /// Little-endian IEEE 754 binary64, `numpy.float64`.
        case float64 = "<f8"
    }

    /// The data of a `.npy` file starts at a multiple of this, as numpy writes it.
    static let alignment = 64

    /// The layout of the selected splits as a `.npy` file: the header, which knows the number of
    /// rows in advance, then one pass per split.
    static func layout(_ source: DatasetSource, splits selection: SplitSelection) -> ExportLayout {
        let columns = ExportColumns(source, splits: selection)
        let passes = columns.splits.map { name in
            let code = columns.hasSplitColumn ? ExportColumns.code(of: name) : nil
            return ExportLayout.Pass(split: name, prefix: [], suffix: []) { samples, _ in
                rows(samples, columns: columns, code: code)
            }
        }
        return ExportLayout(head: header(shape: [columns.rowCount, columns.count], type: .float64), passes: passes, tail: [])
    }

    /// The rows of a block of samples, each beginning with the split's `code` when there is one.
    ///
    /// - Complexity: O(number of values written).
    private static func rows(_ samples: Split, columns: ExportColumns, code: Double?) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(samples.count * columns.count * 8)
        samples.inputs.withUnsafeBufferPointer { inputs in
            samples.targets.withUnsafeBufferPointer { targets in
                for row in 0..<samples.count {
                    if let code { append(code, to: &bytes) }
                    for value in inputs[row * columns.inputWidth..<(row + 1) * columns.inputWidth] {
                        append(value, to: &bytes)
                    }
                    for value in targets[row * columns.targetWidth..<(row + 1) * columns.targetWidth] {
                        append(value, to: &bytes)
                    }
                }
            }
        }
        return bytes
    }

    /// The magic, version, header length and padded header of a C-ordered array.
    static func header(shape: [Int], type: ScalarType) -> [UInt8] {
        // numpy also adds 21 - digits(rows) spaces of room for the row count to grow; for a 2-D
        // shape they never push the header past the same 64-byte boundary, so the padding below
        // gives numpy's bytes without them. Other shapes may differ from numpy's bytes in that
        // padding alone, which numpy reads past.
        // A Python tuple: `()`, `(5,)`, `(2, 3)`.
        let tuple = shape.count == 1 ? "(\(shape[0]),)" : "(" + shape.map(String.init).joined(separator: ", ") + ")"
        var dictionary = "{'descr': '\(type.rawValue)', 'fortran_order': False, 'shape': \(tuple), }"
        let prefixLength = 10  // magic 6, version 2, header length 2
        let padding = alignment - (prefixLength + dictionary.utf8.count + 1) % alignment
        dictionary += String(repeating: " ", count: padding) + "\n"
        let length = UInt16(dictionary.utf8.count)
        return [0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(length & 0xff), UInt8(length >> 8)] + Array(dictionary.utf8)
    }

    /// A whole `.npy` file of one array.
    ///
    /// - Parameters:
    ///   - shape: The array's shape (`[]` for a scalar).
    ///   - values: `product(shape)` values, row-major (C order).
    ///   - type: How they are stored; float32 rounds each value to the nearest Float.
    package static func array(shape: [Int], values: [Double], type: ScalarType) -> [UInt8] {
        precondition(shape.reduce(1, *) == values.count, "an array needs product(shape) values")
        var bytes = header(shape: shape, type: type)
        bytes.reserveCapacity(bytes.count + values.count * (type == .float32 ? 4 : 8))
        for value in values {
            switch type {
            case .float32: withUnsafeBytes(of: Float(value).bitPattern.littleEndian) { bytes.append(contentsOf: $0) }
            case .float64: append(value, to: &bytes)
            }
        }
        return bytes
    }

    /// Appends a double as 8 little-endian bytes.
    @inline(__always)
    static func append(_ value: Double, to bytes: inout [UInt8]) {
        withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes.append(contentsOf: $0) }
    }
}
