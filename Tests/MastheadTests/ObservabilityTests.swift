import Foundation
import Hummingbird
import HummingbirdTesting
import MastheadStorage
import MastheadTestSupport
import Synchronization
import Testing

@testable import Masthead
@testable import MastheadDomain

/// Request logs in text and JSON, Prometheus metrics, and 405 for methods no route knows.
@Suite struct ObservabilityTests {
    @Test func metricsCountAndTimeRequestsByRoutePatternAndStatus() async throws {
        try await withApp(demo: true) { client, _ async throws in
            for _ in 0..<3 { _ = try await client.get("/v1/articles/go-in-production") }
            _ = try await client.get("/v1/articles/no-such-article")
            _ = try await client.get("/v1/articles?limit=0")
            for method in ["QUERY", "PROPFIND", "BREW"] {
                _ = try await client.execute(uri: "/v1/site", method: HTTPRequest.Method(method)!) { $0 }
            }
            let response = try await client.get("/metrics")
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "text/plain; version=0.0.4; charset=utf-8")
            #expect(response.headers[.cacheControl] == "no-store")
            let text = response.text
            let detail = #"method="GET",route="/v1/articles/{slug}",status="200""#
            #expect(text.contains(#"masthead_http_requests_total{\#(detail)} 3"#), "\(text)")
            #expect(text.contains(#"masthead_http_request_duration_seconds_count{\#(detail)} 3"#))
            #expect(text.contains(#"masthead_http_request_duration_seconds_bucket{\#(detail),le="+Inf"} 3"#))
            #expect(
                text.contains(#"masthead_http_requests_total{method="GET",route="/v1/articles/{slug}",status="404"} 1"#)
            )
            #expect(text.contains(#"masthead_http_requests_total{method="GET",route="/v1/articles",status="400"} 1"#))
            #expect(!text.contains("go-in-production"), "a slug became a label")
            // Invented methods share one series.
            #expect(text.contains(#"masthead_http_requests_total{method="other",route="NotFound",status="405"} 3"#))
            #expect(!text.contains("PROPFIND"))
            for name in [
                "masthead_cache_hits_total", "masthead_cache_misses_total", "masthead_views_counted_total",
                "masthead_views_flushed_total", "masthead_database_busy_retries_total",
                "masthead_cache_stale_hits_total",
            ] {
                #expect(text.contains("# TYPE \(name) counter"), "\(name)")
            }
            // The first article read missed the cache, the next two hit it.
            #expect(text.contains("masthead_cache_hits_total 2"))
        }
    }

    @Test func metricsCanBeTurnedOff() async throws {
        try await withApp(configure: { $0.metricsEnabled = false }) { client, _ async throws in
            #expect(try await client.get("/metrics").status == .notFound)
        }
    }

    /// With a metrics token, /metrics answers that token alone: not the public, not a wrong
    /// token, not an API token however strong; the rest of the API is untouched.
    @Test func aMetricsTokenKeepsMetricsPrivate() async throws {
        let secret = "metrics-0123456789abcdef"
        try await withApp(demo: true, configure: { $0.metricsToken = secret }) { client, database async throws in
            let admin = try await makeToken(database, [.admin])
            for header: String? in [
                nil, "Bearer wrong-0123456789abcdef", "Bearer \(admin)", "Basic \(secret)", "Bearer \(secret)x",
            ] {
                let fields: HTTPFields = header.map { [.authorization: $0] } ?? [:]
                for spelling in ["/metrics/", "//metrics"] {
                    #expect(try await client.get(spelling, headers: fields).status == .unauthorized, "\(spelling)")
                }
                let response = try await client.get("/metrics", headers: fields)
                #expect(response.status == .unauthorized, "\(header ?? "none")")
                #expect(response.headers[.wwwAuthenticate] == "Bearer")
                #expect(!String(buffer: response.body).contains("masthead_http_requests_total"))
            }
            let scraped = try await client.get("/metrics", headers: [.authorization: "Bearer \(secret)"])
            #expect(scraped.status == .ok)
            #expect(String(buffer: scraped.body).contains("masthead_http_requests_total"))
            #expect(scraped.headers[.cacheControl] == "no-store")
            // Elsewhere the metrics token is no API token, and API tokens work as before.
            let elsewhere = try await client.get("/v1/tokens/self", headers: [.authorization: "Bearer \(secret)"])
            #expect(elsewhere.status == .unauthorized)
            #expect(try await client.get("/v1/tokens/self", headers: [.authorization: "Bearer \(admin)"]).status == .ok)
        }
        for bad in ["short", "has a space in it 0123"] {
            await #expect(throws: AppConfiguration.Invalid.self, "\(bad)") {
                try await resolveConfiguration([.metricsToken: bad])
            }
        }
    }

    @Test func everyRequestIsLoggedOnceAsJSONWithItsRequestID() async throws {
        let logs = LogRecorder(format: .json)
        try await withApp(demo: true, logs: logs) { client, _ async throws in
            _ = try await client.get("/v1/articles/go-in-production", headers: [.xRequestID: "trace-me-1"])
        }
        let lines = logs.all.filter { $0.contains(#""message":"request""#) }
        #expect(lines.count == 1)
        let line = try JSONDecoder().decode([String: String].self, from: Data(try #require(lines.first).utf8))
        #expect(line["level"] == "info")
        #expect(line["request_id"] == "trace-me-1")
        #expect(line["method"] == "GET")
        #expect(line["route"] == "/v1/articles/{slug}")
        #expect(line["status"] == "200")
        #expect(Int(line["bytes"] ?? "") ?? 0 > 0)
        #expect(Double(line["duration_ms"] ?? "") != nil)
        #expect(line["time"].flatMap { Timestamp(rfc3339: $0) } != nil)
        // Every line the application wrote is one JSON object.
        for text in logs.all {
            #expect((try? JSONSerialization.jsonObject(with: Data(text.utf8))) != nil, "\(text)")
        }
    }

    @Test func logFormatIsConfigurable() async throws {
        let json = try await resolveConfiguration([.logFormat: "json"], environment: [:])
        #expect(json.logFormat == .json)
        let fromEnvironment = try await resolveConfiguration(environment: ["MASTHEAD_LOG_FORMAT": "JSON"])
        #expect(fromEnvironment.logFormat == .json)
        #expect(try await resolveConfiguration(environment: [:]).logFormat == .text)
        await #expect(throws: AppConfiguration.Invalid.self) {
            try await resolveConfiguration([.logFormat: "xml"], environment: [:])
        }
    }

    @Test func aMethodNoRouteKnowsIs405OnAKnownPathAnd404Elsewhere() async throws {
        try await withApp(demo: true) { client, _ async throws in
            for method in [HTTPRequest.Method("QUERY")!, .trace, HTTPRequest.Method("PROPFIND")!] {
                let response = try await client.execute(uri: "/v1/articles/go-in-production", method: method) { $0 }
                #expect(response.status == .methodNotAllowed, "\(method)")
                #expect(response.headers[.allow] == "GET, HEAD, PUT, PATCH, DELETE, OPTIONS")
                #expect(try response.json["code"].string == "method_not_allowed")
                let elsewhere = try await client.execute(uri: "/v2/nothing", method: method) { $0 }
                #expect(elsewhere.status == .notFound)
            }
        }
    }

    @Test func healthAndReadinessAnswerWithoutCaching() async throws {
        try await withApp { client, _ async throws in
            let health = try await client.get("/healthz")
            #expect(health.status == .ok)
            #expect(try health.json["status"].string == "ok")
            let ready = try await client.get("/readyz")
            #expect(ready.status == .ok)
            #expect(try ready.json["status"].string == "ready")
            #expect(ready.headers[.cacheControl] == "no-store")
        }
    }
}

/// Log lines are written by a thread of their own: a caller never waits for the output.
@Suite struct LogOutputTests {
    @Test func linesArriveWholeAndInOrder() throws {
        let folder = try TemporaryFolder()
        let path = folder.url.appendingPathComponent("log.txt").path
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        #expect(descriptor >= 0)
        defer { close(descriptor) }
        let output = LogOutput(descriptor: descriptor)
        for index in 0..<5000 { output.append(Array("line \(index)\n".utf8)) }
        output.flush()
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 5000)
        #expect(lines.first == "line 0" && lines.last == "line 4999")
    }

    /// A reader that stops reading (a full pipe) does not stop the callers: past the bound,
    /// lines are dropped and counted, and the count is written once the output drains.
    @Test(.timeLimit(.minutes(1))) func aStuckOutputDropsLinesInsteadOfBlocking() async throws {
        var ends: [Int32] = [0, 0]
        #expect(pipe(&ends) == 0)
        let (reader, writer) = (ends[0], ends[1])
        defer { close(reader) }
        let output = LogOutput(descriptor: writer, maximumBytes: 200_000)
        let line = Array((String(repeating: "x", count: 99) + "\n").utf8)
        for _ in 0..<20_000 { output.append(line) }  // 2 MB against a 64 KiB pipe and a 200 KB buffer
        // Drain the pipe on a thread of its own until it closes, while the writer catches up.
        let done = DispatchSemaphore(value: 0)
        let received = Mutex<[UInt8]>([])
        Thread.detachNewThread {
            var buffer = [UInt8](repeating: 0, count: 65_536)
            while true {
                let count = buffer.withUnsafeMutableBytes { read(reader, $0.baseAddress, $0.count) }
                if count <= 0 { break }
                received.withLock { $0 += buffer[0..<count] }
            }
            done.signal()
        }
        output.append(Array("last\n".utf8))
        output.flush(timeout: .seconds(30))
        close(writer)
        await withCheckedContinuation { continuation in
            Thread.detachNewThread {
                done.wait()
                continuation.resume()
            }
        }
        let drained = received.withLock { String(decoding: $0, as: UTF8.self) }
        #expect(drained.contains("log lines dropped"))
        #expect(drained.utf8.count < 2_000_000)
    }

    /// Shutting down with an output nobody reads gives up waiting instead of hanging.
    @Test(.timeLimit(.minutes(1))) func flushGivesUpOnAnOutputNobodyReads() throws {
        var ends: [Int32] = [0, 0]
        #expect(pipe(&ends) == 0)
        // Both ends stay open: the writer thread stays blocked on the full pipe, as it would
        // on a stalled log shipper (closing the reader would make its write fail instead).
        let output = LogOutput(descriptor: ends[1], maximumBytes: 1 << 20)
        let line = Array((String(repeating: "x", count: 99) + "\n").utf8)
        for _ in 0..<5000 { output.append(line) }  // 500 KB against a 64 KiB pipe
        // Returning at all is the point: waiting on would hit the time limit.
        output.flush(timeout: .milliseconds(300))
    }
}

/// A background loop failing each pass (the database away for minutes) logs the spell's first
/// failure and, once a pass works again, how many failed: not a line a second.
@Suite struct FailureSpellTests {
    struct Away: Error {}

    @Test func aSpellOfFailuresIsTwoLines() {
        let recorder = LogRecorder()
        var spell = FailureSpell()
        spell.succeeded("Working again", logger: recorder.logger)
        for _ in 0..<30 { spell.failed("Pass failed", Away(), logger: recorder.logger) }
        spell.succeeded("Working again", logger: recorder.logger)
        spell.succeeded("Working again", logger: recorder.logger)
        spell.failed("Pass failed", Away(), logger: recorder.logger)
        #expect(recorder.all.count == 3, "\(recorder.all)")
        #expect(recorder.all.first?.hasPrefix("error Pass failed") == true)
        #expect(recorder.all.dropFirst().first?.contains("failed_passes=30") == true, "\(recorder.all)")
        #expect(recorder.all.last?.hasPrefix("error Pass failed") == true)
    }
}
