import CZlib

/// gzip (RFC 1952) of a whole response body, with the system's zlib, which also stores
/// article text (`CompressedText`).
package enum Gzip {
    package static func compress(_ bytes: [UInt8]) -> [UInt8] {
        var stream = z_stream()
        // Fails only for a bad level or no memory for zlib's state: neither is the request's fault.
        precondition(masthead_deflate_init_gzip(&stream, Z_DEFAULT_COMPRESSION) == Z_OK, "zlib could not start")
        defer { deflateEnd(&stream) }
        var output = [UInt8](repeating: 0, count: Int(deflateBound(&stream, uLong(bytes.count))))
        let produced = bytes.withUnsafeBufferPointer { source in
            output.withUnsafeMutableBufferPointer { target in
                // zlib only reads through next_in; it is not declared const without ZLIB_CONST.
                stream.next_in = UnsafeMutablePointer(mutating: source.baseAddress)
                stream.avail_in = uInt(source.count)
                stream.next_out = target.baseAddress
                stream.avail_out = uInt(target.count)
                // deflateBound is an upper bound for this stream: one call finishes it.
                let status = deflate(&stream, Z_FINISH)
                precondition(status == Z_STREAM_END, "zlib could not finish \(source.count) bytes")
                return Int(stream.total_out)
            }
        }
        output.removeLast(output.count - produced)
        return output
    }
}
