import Artifacts
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The folders one chapter run publishes — `reports/runs/<chapter>` and `figures/<chapter>` — written in hidden
/// staging folders beside them and swapped in together when the run finishes, so that a run killed or failed
/// midway leaves the previous run's outputs whole instead of new tables beside old figures and manifest.
///
/// The swap is two renames per folder. A marker file written before the first rename and removed after the last
/// lets the next run complete a publication that a kill interrupted; everything else a dead run left (its staging
/// folders, the hidden `.*.tmp` files of interrupted atomic writes) is removed when the next run starts. A lock held
/// for the run's lifetime (on a file beside the chapter's cache) keeps two runs of one chapter from cleaning up each
/// other's folders. A run that does not finish removes its staging folders and the empty parents it created, so a
/// run refused early leaves nothing behind.
final class RunOutputs: @unchecked Sendable {
    /// The folders readers see, and where each is staged and set aside during the swap.
    struct Folder {
        var published: URL
        var staged: URL
        var retired: URL
    }

    let run: Folder
    let figures: Folder
    /// The chapter's cache, which the run writes into directly: checked for writability and cleared of `.*.tmp`.
    let cache: URL
    private let marker: URL
    private var lockDescriptor: Int32 = -1
    /// Directories this run created, outermost first, removed again (when empty) if the run does not finish.
    private var created: [URL] = []

    /// Takes the chapter's lock, finishes or clears what an earlier run left, and creates empty staging folders.
    /// Fails, before any work starts, when an output folder cannot be written.
    init(root: URL, chapter: String, cache: URL) throws {
        func folder(_ parent: URL) -> Folder {
            Folder(published: parent.appendingPathComponent(chapter),
                   staged: parent.appendingPathComponent(".\(chapter).staging"),
                   retired: parent.appendingPathComponent(".\(chapter).retired"))
        }
        let runs = root.appendingPathComponent("reports/runs")
        run = folder(runs)
        figures = folder(root.appendingPathComponent("figures"))
        self.cache = cache
        marker = runs.appendingPathComponent(".\(chapter).publishing")
        try createDirectory(cache)
        try lock(cache.deletingLastPathComponent().appendingPathComponent(".\(chapter).lock"), chapter: chapter)
        try recover()
        for folder in [run, figures] {
            try createDirectory(folder.staged)
            try Self.checkWritable(folder.published)
        }
        try Self.checkWritable(cache)
    }

    deinit {
        if lockDescriptor >= 0 { discard() }
    }

    /// Swaps the staged folders in for the published ones and releases the lock.
    func publish() throws {
        try writeFile(Data(), to: marker)
        try swapStaged()
        removeIfPresent(marker)
        release()
    }

    /// Removes the staged folders (a run that did not finish publishes nothing) and the directories it created that
    /// are still empty, and releases the lock.
    func discard() {
        // A publication that failed midway is left for the next run to complete.
        if !FileManager.default.fileExists(atPath: marker.path) {
            for folder in [run, figures] { removeIfPresent(folder.staged) }
        }
        for directory in created.reversed() { rmdir(directory.path) }
        release()
    }

    // MARK: Recovery

    /// Completes an interrupted publication, then removes what dead runs left behind.
    private func recover() throws {
        if FileManager.default.fileExists(atPath: marker.path) {
            try swapStaged()
            removeIfPresent(marker)
        }
        for folder in [run, figures] {
            removeIfPresent(folder.staged)
            removeIfPresent(folder.retired)
        }
        for directory in [run.published, figures.published, cache] {
            Self.removeTemporaryFiles(in: directory)
        }
    }

    /// For each folder whose staged copy exists: set the published one aside, rename the staged one in, then drop the
    /// old one. Safe to repeat after a kill at any point, which is what `recover()` relies on.
    private func swapStaged() throws {
        for folder in [run, figures] where FileManager.default.fileExists(atPath: folder.staged.path) {
            if FileManager.default.fileExists(atPath: folder.published.path) {
                removeIfPresent(folder.retired)
                try move(folder.published, to: folder.retired)
            }
            try move(folder.staged, to: folder.published)
        }
        for folder in [run, figures] {
            Self.flushDirectory(folder.published.deletingLastPathComponent())
            removeIfPresent(folder.retired)
        }
    }

    // MARK: File system

    private func lock(_ url: URL, chapter: String) throws {
        let descriptor = open(url.path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw Self.posixError(url, "open the lock file") }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            close(descriptor)
            throw KitError.fileSystem(path: url.path, operation: "lock",
                                      reason: "another run of \(chapter) is writing under this root; wait for it to end")
        }
        lockDescriptor = descriptor
    }

    private func release() {
        guard lockDescriptor >= 0 else { return }
        close(lockDescriptor)
        lockDescriptor = -1
    }

    private func move(_ source: URL, to target: URL) throws {
        guard rename(source.path, target.path) == 0 else { throw Self.posixError(target, "rename \(source.path) to") }
    }

    private func writeFile(_ data: Data, to url: URL) throws {
        do {
            try AtomicFile.write(data, to: url)
        } catch let error as ArtifactError {
            throw KitError(error)
        }
    }

    private func removeIfPresent(_ url: URL) {
        try? FileManager.default.removeItem(at: url)
    }

    /// Creates `url` and its missing parents, remembering which were new.
    private func createDirectory(_ url: URL) throws {
        var missing: [URL] = []
        var ancestor = url.standardizedFileURL
        while ancestor.path != "/", !FileManager.default.fileExists(atPath: ancestor.path) {
            missing.insert(ancestor, at: 0)
            ancestor = ancestor.deletingLastPathComponent()
        }
        do {
            try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        } catch {
            throw KitError.fileSystem(path: url.path, operation: "create the output directory", reason: describe(error))
        }
        created += missing
    }

    /// A published folder is deleted after the swap, so it must be writable (its parent was by creating the staging
    /// folder beside it).
    private static func checkWritable(_ url: URL) throws {
        guard FileManager.default.fileExists(atPath: url.path) else { return }
        guard access(url.path, W_OK) == 0 else { throw posixError(url, "write into the output directory") }
    }

    /// Hidden `.<name>.<uuid>.tmp` files are what `AtomicFile` leaves when killed between writing and renaming.
    private static func removeTemporaryFiles(in directory: URL) {
        guard let enumerator = FileManager.default.enumerator(atPath: directory.path) else { return }
        while let relative = enumerator.nextObject() as? String {
            let name = (relative as NSString).lastPathComponent
            if name.hasPrefix("."), name.hasSuffix(".tmp") {
                try? FileManager.default.removeItem(at: directory.appendingPathComponent(relative))
            }
        }
    }

    private static func flushDirectory(_ url: URL) {
        let descriptor = open(url.path, O_RDONLY)
        guard descriptor >= 0 else { return }
        _ = fsync(descriptor)
        close(descriptor)
    }

    private static func posixError(_ url: URL, _ operation: String) -> KitError {
        KitError.fileSystem(path: url.path, operation: operation, reason: String(cString: strerror(errno)))
    }
}
