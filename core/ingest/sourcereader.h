// SPDX-License-Identifier: MIT
#pragma once

#include <core/base/result.h>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace core {

// One source of lines: a file, or a member of an archive or compressed file, named
// `bundle.zip!/logs/api.log` (a member of a member: `outer.tar.gz!/inner.zip!/app.log`).
struct SourceInfo {
    std::string name; ///< what the user sees and the store keeps
    std::string diskPath; ///< the file on disk that holds it (the outermost archive)
    std::int64_t diskSize = 0; ///< bytes of that file (progress counts these)
    std::int64_t size = -1; ///< decompressed bytes when known in advance, else -1
    std::int64_t mtimeNs = 0; ///< the member's mtime, else the file's
};

// The decompressed bytes of one source. UTF-16 with a BOM arrives already converted to UTF-8.
class ByteStream
{
public:
    virtual ~ByteStream() = default;
    // Fills up to `capacity` bytes; 0 at the end. An error names the source and the reason.
    virtual Result<std::size_t> read(char *buffer, std::size_t capacity) = 0;
};

// A path or member that could not be read: reported by name with its reason, never fatal.
struct SourceProblem {
    std::string name;
    std::string reason; ///< "binary", "no such file or directory", "corrupt archive member: ..."
    std::string diskPath;
    std::int64_t diskSize = 0;
};

// The limits of reading input (docs/LIMITS.md, "Reading input").
//
// A line is kept to its first MaxLineBytes bytes; the rest of it, up to its '\n', is read and
// dropped (SourceParser flags the event RecordLineCut), so a line of any length takes bounded memory.
// 16 MiB holds any real log line (a JSON document of 100k spans is about 10 MiB) and keeps the
// import's peak memory for one such line about 125 MB (measured on a 1 GiB line).
inline constexpr std::size_t MaxLineBytes = std::size_t{16} << 20;

// What the files below one path given to visitSources may decompress to. Real logs compress 5:1 to
// 20:1 (50:1 for very repetitive ones); a zip bomb does 1000:1 and more. Past the limit the source
// being read ends with an error naming the limit (the importer marks it partial) and the rest of
// that file's members are reported as not read.
struct DecompressionLimits {
    std::uint64_t minimumBytes = std::uint64_t{1} << 30; ///< any compressed file may give this much
    std::uint64_t ratio = 100; ///< beyond it, at most this many times the file's own size
    std::uint64_t totalBytes = std::uint64_t{64} << 30; ///< and never more than this
};

struct SourceVisitor {
    // Called once per readable source, in a stable order (paths as given, folder entries sorted by
    // name, archive members in archive order). Return false to stop visiting (cancel).
    std::function<bool(const SourceInfo &, ByteStream &)> onSource;
    // Called for every path or member that cannot be read, including binary files (reason "binary").
    std::function<void(const SourceProblem &)> onProblem;
    DecompressionLimits limits;
};

// Bytes on disk of every regular file under `paths` (folders recursively): the import's progress total.
std::uint64_t totalDiskBytes(const std::vector<std::string> &paths);

// Walks files, folders (recursively), archives (.zip, .tar, .tar.gz/.tgz, ...) and compressed files
// (.gz, .zst, .bz2, .xz, decoded to their last good byte) through libarchive, nested ones included;
// extracts nothing to disk (a nested zip is spooled to an unnamed temporary file). A source whose first
// 64 KiB hold a NUL byte is reported as "binary" (UTF-16, with a BOM or without, is decoded instead).
// Returns an error only when visiting was cancelled (ErrorCode::Cancelled).
Result<void> visitSources(const std::vector<std::string> &paths, const SourceVisitor &visitor);

} // namespace core
