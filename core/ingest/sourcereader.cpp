// SPDX-License-Identifier: MIT
#include "sourcereader.h"

#include "sourcestreams.h"
#include "streamdecoder.h"

#include <archive.h>
#include <archive_entry.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
#include <optional>
#include <set>
#include <string_view>
#include <system_error>
#include <utility>

#include <fcntl.h>
#include <unistd.h>

// Behaviour the header leaves open, decided here:
// - Names. A path given by the caller is named by its last component (`/tmp/x/api.log.gz` ->
//   `api.log.gz`); folder entries append their relative path (`incident/logs/api.log`); archive
//   members append `!/` and their path inside the archive, without a leading `./` or `/`. A single
//   compressed file keeps its container's name: `api.log.gz` is the decompressed log.
// - Folders: entries sorted by the bytes of their names; a folder reached twice (a symlink loop, two
//   links to one folder) is walked once; sockets, FIFOs and devices inside folders are skipped
//   silently, like non-regular archive entries, but reported when given as a path. An empty folder
//   yields nothing and no problem.
// - Archives are recognised by magic bytes only. An archive or compressed file whose content
//   libarchive cannot decode at all is a problem on the archive ("corrupt archive: ..."); one
//   without a single regular file is "empty archive". A compressed file that decompresses to
//   nothing is an empty source, not a problem.
// - Damaged data (a truncated .gz, a zip member failing its CRC): when at least one byte decoded
//   before the damage, the source is passed to onSource with every byte that decoded, and the
//   ByteStream's next read() returns an Error naming the source (the importer marks it partial);
//   no onProblem is sent for it. When nothing decoded, the source is an onProblem
//   ("corrupt archive member: ..." or "corrupt compressed data: ...") and onSource is not called.
//   Where the damage is fatal to the archive, its remaining members are not visited. A zip whose
//   central directory yields no member is read again by its local headers before it is a problem.
// - A single .gz, .xz, .zst or .bz2 is decoded by streamdecoder, not libarchive, so "every byte
//   that decoded" holds to the last byte; its decoded bytes are sniffed again (a .tar.gz is a tar).
// - Limits (sourcereader.h, docs/LIMITS.md): every delivered line is cut at MaxLineBytes; a source
//   from inside a compressed or archived file counts against its file's DecompressionLimits, and
//   past them its read() fails naming the limit and the file's later members are one problem.
// - UTF-16 with a BOM, or without one where every other byte is NUL, is decoded to UTF-8 without
//   the BOM; unpaired surrogates and an odd last byte become U+FFFD. Its size is -1 (the UTF-8
//   length is not known in advance).
// - A nested zip is spooled to a temporary file without a name (O_TMPFILE, or unlinked at once).
// - A ByteStream is valid only during the onSource call that received it.

namespace core {
namespace {

using namespace sourcestreams;

namespace fs = std::filesystem;

constexpr std::size_t kSniffBytes = 64 * 1024; // the binary check looks this far
constexpr int kMaxNesting = 8; // containers inside containers; guards against archive quines

struct ArchiveReadFree {
    void operator()(archive *a) const { archive_read_free(a); }
};
using ArchivePtr = std::unique_ptr<archive, ArchiveReadFree>;

struct FileClose {
    void operator()(std::FILE *file) const { std::fclose(file); }
};
using FilePtr = std::unique_ptr<std::FILE, FileClose>;

// System messages start upper-case ("No such file or directory"); reasons read better in lower case.
std::string lowerFirst(std::string text)
{
    if (!text.empty())
        text[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(text[0])));
    return text;
}

std::string errnoReason(int error)
{
    return lowerFirst(std::generic_category().message(error));
}

std::string archiveMessage(archive *a)
{
    const char *message = archive_error_string(a);
    return message && *message ? std::string(message) : std::string("unknown libarchive error");
}

// Raw bytes of one level: a file on disk, or the current member of an archive. read() fills up to
// `capacity`, returns 0 at the end; an error's message is the reason alone, and it is sticky.
class Input
{
public:
    virtual ~Input() = default;
    virtual Result<std::size_t> read(char *buffer, std::size_t capacity) = 0;
    // The mtime the data itself records (a gzip header), once read past it; 0 for none.
    virtual std::int64_t mtimeNs() const { return 0; }
};

class FileInput final : public Input
{
public:
    explicit FileInput(FilePtr file)
        : m_file(std::move(file))
    {
    }

    Result<std::size_t> read(char *buffer, std::size_t capacity) override
    {
        if (m_error != 0)
            return makeError(ErrorCode::Io, errnoReason(m_error));
        errno = 0;
        const std::size_t got = std::fread(buffer, 1, capacity, m_file.get());
        if (got < capacity && std::ferror(m_file.get())) {
            m_error = errno != 0 ? errno : EIO;
            // Bytes read before the failure still count; the error comes with the next call.
            if (got == 0)
                return makeError(ErrorCode::Io, errnoReason(m_error));
        }
        return got;
    }

private:
    FilePtr m_file;
    int m_error = 0;
};

// The current member of an archive, read block by block: archive_read_data() would drop the bytes
// it had copied when a later block of the same call fails, and those bytes are the partial source.
class EntryInput final : public Input
{
public:
    EntryInput(archive *a, std::string reasonPrefix)
        : m_archive(a)
        , m_reasonPrefix(std::move(reasonPrefix))
    {
    }

    bool failed() const { return m_error.has_value(); }
    bool fatal() const { return m_fatal; }

    Result<std::size_t> read(char *buffer, std::size_t capacity) override
    {
        std::size_t done = 0;
        while (done < capacity) {
            if (m_holeLeft > 0) { // a sparse tar member: the hole reads as zeros
                const auto n = static_cast<std::size_t>(std::min<std::int64_t>(m_holeLeft, static_cast<std::int64_t>(capacity - done)));
                std::memset(buffer + done, 0, n);
                done += n;
                m_holeLeft -= static_cast<std::int64_t>(n);
                m_position += static_cast<std::int64_t>(n);
                continue;
            }
            if (m_blockLeft > 0) {
                const std::size_t n = std::min(m_blockLeft, capacity - done);
                std::memcpy(buffer + done, m_block, n);
                done += n;
                m_block += n;
                m_blockLeft -= n;
                m_position += static_cast<std::int64_t>(n);
                continue;
            }
            if (m_end || m_error)
                break;
            const void *block = nullptr;
            std::size_t size = 0;
            la_int64_t offset = 0;
            const int status = archive_read_data_block(m_archive, &block, &size, &offset);
            if (status == ARCHIVE_EOF) {
                m_end = true;
                break;
            }
            if (status < ARCHIVE_OK) {
                m_error = m_reasonPrefix + archiveMessage(m_archive);
                m_fatal = status == ARCHIVE_FATAL;
                if (status != ARCHIVE_WARN || block == nullptr || size == 0)
                    break;
                // A warning may still come with data (a CRC mismatch after the last block): keep it.
            }
            if (offset > m_position)
                m_holeLeft = offset - m_position;
            m_block = static_cast<const char *>(block);
            m_blockLeft = block ? size : 0;
        }
        if (done == 0 && m_error)
            return makeError(ErrorCode::Archive, *m_error);
        return done;
    }

private:
    archive *m_archive;
    std::string m_reasonPrefix;
    const char *m_block = nullptr;
    std::size_t m_blockLeft = 0;
    std::int64_t m_holeLeft = 0;
    std::int64_t m_position = 0;
    std::optional<std::string> m_error;
    bool m_fatal = false;
    bool m_end = false;
};

// The head a sniff read, then the rest of the input: what a decoder reads from.
class ReplayInput final : public Input
{
public:
    ReplayInput(Input &input, std::string head)
        : m_input(input)
        , m_head(std::move(head))
    {
    }

    Result<std::size_t> read(char *buffer, std::size_t capacity) override
    {
        if (m_headPos < m_head.size()) {
            const std::size_t n = std::min(capacity, m_head.size() - m_headPos);
            std::memcpy(buffer, m_head.data() + m_headPos, n);
            m_headPos += n;
            return n;
        }
        return m_input.read(buffer, capacity);
    }

private:
    Input &m_input;
    std::string m_head;
    std::size_t m_headPos = 0;
};

// A gzip, xz, zstd or bzip2 file decoded by its own library (streamdecoder.h), so that every byte
// that decodes arrives before the damage is reported; libarchive's filters dropped up to 64 KiB
// decoded in the call that met it. Concatenated streams (gzip members, zstd frames) follow on, zero
// padding after the last one is ignored, and anything else after it is reported like damage.
class DecodedInput final : public Input
{
public:
    DecodedInput(Input &input, CompressedFormat format)
        : m_input(input)
        , m_name(formatName(format))
        , m_decoder(StreamDecoder::create(format))
        , m_in(kDecodeInputBytes, '\0')
    {
    }

    std::int64_t mtimeNs() const override { return m_decoder->headerMtimeSeconds() * 1'000'000'000; }

    Result<std::size_t> read(char *buffer, std::size_t capacity) override
    {
        int idle = 0; // calls that neither consumed nor produced: a decoder that stalls must not spin
        while (true) {
            if (m_error)
                return makeError(ErrorCode::Archive, *m_error);
            if (m_end)
                return std::size_t{0};
            if (m_inPos == m_inSize && !m_inputEnd)
                refill();
            const std::string_view pending(m_in.data() + m_inPos, m_inSize - m_inPos);
            if (m_betweenStreams) {
                nextStream(pending);
                continue;
            }
            if (pending.empty() && m_inputEnd) {
                m_error = m_inputError ? *m_inputError
                                       : "corrupt compressed data: the " + m_name + " data is cut short (everything before the cut was read)";
                continue;
            }
            const StreamDecoder::Step step = m_decoder->decode(pending, buffer, capacity);
            m_inPos += step.consumed;
            if (step.status == StreamDecoder::Status::Error)
                m_error = "corrupt compressed data: " + m_decoder->error();
            else if (step.status == StreamDecoder::Status::StreamEnd)
                m_betweenStreams = true;
            if (step.produced > 0)
                return step.produced; // an error found meanwhile comes with the next call
            if (step.consumed == 0 && step.status == StreamDecoder::Status::Progress && !pending.empty() && ++idle > 2)
                m_error = "corrupt compressed data: the " + m_name + " decoder makes no progress";
        }
    }

private:
    static constexpr std::size_t kDecodeInputBytes = 256 * 1024;
    static constexpr std::size_t kLongestMagic = 6;

    // After a complete stream: zero padding, the next stream of a concatenation, the end, or data
    // that is not this format (reported: it was not read).
    void nextStream(std::string_view pending)
    {
        std::size_t zeros = 0;
        while (zeros < pending.size() && pending[zeros] == '\0')
            ++zeros;
        m_inPos += zeros;
        pending.remove_prefix(zeros);
        if (pending.empty()) {
            if (m_inputEnd)
                m_end = !m_inputError;
            if (m_inputError)
                m_error = m_inputError;
            return; // refilled by the caller's next round
        }
        if (pending.size() < kLongestMagic && !m_inputEnd) {
            refill();
            return;
        }
        if (!m_decoder->startsStream(pending)) {
            m_error = "corrupt compressed data: the file goes on after the end of its " + m_name + " data with bytes that are not "
                + m_name + " (everything before them was read)";
            return;
        }
        m_decoder->restart();
        m_betweenStreams = false;
    }

    // Moves what is left to the front and reads more behind it.
    void refill()
    {
        if (m_inPos > 0) {
            std::memmove(m_in.data(), m_in.data() + m_inPos, m_inSize - m_inPos);
            m_inSize -= m_inPos;
            m_inPos = 0;
        }
        auto got = m_input.read(m_in.data() + m_inSize, m_in.size() - m_inSize);
        if (!got) {
            m_inputEnd = true;
            m_inputError = got.error().message;
        } else if (*got == 0) {
            m_inputEnd = true;
        } else {
            m_inSize += *got;
        }
    }

    Input &m_input;
    std::string m_name;
    std::unique_ptr<StreamDecoder> m_decoder;
    std::string m_in;
    std::size_t m_inPos = 0;
    std::size_t m_inSize = 0;
    bool m_inputEnd = false;
    std::optional<std::string> m_inputError; ///< the input's own error, given when its bytes run out
    bool m_betweenStreams = false;
    bool m_end = false;
    std::optional<std::string> m_error;
};

// One source's bytes after sniffing: the sniffed head first, then the rest straight from the input
// into the caller's buffer (the hot path for plain files: one copy, by the kernel).
class SniffedStream final : public ByteStream
{
public:
    SniffedStream(Input &input, std::string head, std::size_t headOffset, std::string name)
        : m_input(input)
        , m_head(std::move(head))
        , m_headPos(headOffset)
        , m_name(std::move(name))
    {
    }

    Result<std::size_t> read(char *buffer, std::size_t capacity) override
    {
        std::size_t done = 0;
        if (m_headPos < m_head.size()) {
            done = std::min(capacity, m_head.size() - m_headPos);
            std::memcpy(buffer, m_head.data() + m_headPos, done);
            m_headPos += done;
            if (done == capacity)
                return done;
        }
        auto more = m_input.read(buffer + done, capacity - done);
        if (!more) {
            if (done > 0)
                return done; // the input's error is sticky: the caller gets it on the next read
            Error error = more.error();
            error.message = m_name + ": " + error.message;
            error.source = m_name;
            return error;
        }
        return done + *more;
    }

private:
    Input &m_input;
    std::string m_head;
    std::size_t m_headPos;
    std::string m_name;
};

enum class ContentKind { Text, Stream, Compressed, Tar, Zip, Utf16Le, Utf16Be, Binary };

bool startsWith(std::string_view text, std::string_view prefix)
{
    return text.substr(0, prefix.size()) == prefix;
}

// UTF-16 written without a BOM (Windows tools, PowerShell redirections): text in the Latin range has a
// NUL in every other byte, and binary data has NULs anywhere. Judged on the first 4 KiB.
std::optional<ContentKind> utf16WithoutBom(std::string_view head)
{
    const std::size_t size = std::min<std::size_t>(head.size(), 4096) & ~std::size_t{1};
    if (size < 16)
        return std::nullopt;
    std::size_t evenNuls = 0;
    std::size_t oddNuls = 0;
    for (std::size_t i = 0; i < size; ++i) {
        if (head[i] == '\0')
            ++(i % 2 == 0 ? evenNuls : oddNuls);
    }
    const std::size_t units = size / 2;
    // At least 90 % of the units' high bytes NUL, at most 5 % of their low bytes.
    if (oddNuls * 10 >= units * 9 && evenNuls * 20 <= units)
        return ContentKind::Utf16Le;
    if (evenNuls * 10 >= units * 9 && oddNuls * 20 <= units)
        return ContentKind::Utf16Be;
    return std::nullopt;
}

// What a source's first bytes say it is. Magic bytes only: extensions lie (a `.log` may be gzip,
// a `.gz` may be plain text), and every signature here is impossible at the start of a text log.
ContentKind classify(std::string_view head)
{
    using namespace std::string_view_literals;
    if (startsWith(head, "PK\x03\x04"sv) || startsWith(head, "PK\x05\x06"sv) || startsWith(head, "PK\x07\x08PK"sv))
        return ContentKind::Zip;
    if (recogniseCompressed(head)) // gzip, xz, zstd, bzip2: decoded here, the container sniffed again
        return ContentKind::Stream;
    if (startsWith(head, "\x04\x22\x4d\x18"sv) // lz4
        || startsWith(head, "LZIP"sv) || startsWith(head, "\x1f\x9d"sv)) // lzip, compress (.Z)
        return ContentKind::Compressed;
    if (head.size() >= 262 && head.substr(257, 5) == "ustar"sv)
        return ContentKind::Tar;
    // FF FE 00 00 is the UTF-32 LE BOM: not UTF-16, so it falls through to the NUL check.
    if (startsWith(head, "\xff\xfe"sv) && !startsWith(head, "\xff\xfe\x00\x00"sv))
        return ContentKind::Utf16Le;
    if (startsWith(head, "\xfe\xff"sv))
        return ContentKind::Utf16Be;
    if (head.substr(0, kSniffBytes).find('\0') == std::string_view::npos)
        return ContentKind::Text;
    if (const auto utf16 = utf16WithoutBom(head))
        return *utf16;
    return ContentKind::Binary;
}

// How a zip is read: from its central directory (seeking), or, when that is damaged, member by member
// from the local header in front of each, as a stream is.
enum class ZipReading { CentralDirectory, LocalHeaders };

ArchivePtr newArchiveReader(ZipReading zip)
{
    ArchivePtr a(archive_read_new());
    if (!a)
        return a;
    if (zip == ZipReading::LocalHeaders)
        archive_read_support_format_zip_streamable(a.get());
    else
        archive_read_support_format_zip(a.get());
    archive_read_support_format_tar(a.get());
    archive_read_support_format_raw(a.get()); // a single compressed file reads as one member
    archive_read_support_format_empty(a.get()); // a compressed empty file is an empty source
    // Not archive_read_support_filter_all(): that adds filters which run external programs on
    // untrusted bundles (lrzip, grzip) and a uudecode bidder that can fire on plain text.
    archive_read_support_filter_gzip(a.get());
    archive_read_support_filter_bzip2(a.get());
    archive_read_support_filter_xz(a.get());
    archive_read_support_filter_lzma(a.get());
    archive_read_support_filter_lzip(a.get());
    archive_read_support_filter_zstd(a.get());
    archive_read_support_filter_lz4(a.get());
    archive_read_support_filter_compress(a.get());
    return a;
}

// Feeds a nested archive from the member of its parent that holds it.
struct NestedFeed {
    ByteStream &stream;
    std::string buffer = std::string(kChunkBytes, '\0');

    static la_ssize_t read(archive *a, void *client, const void **out)
    {
        auto *self = static_cast<NestedFeed *>(client);
        auto got = self->stream.read(self->buffer.data(), self->buffer.size());
        if (!got) {
            archive_set_error(a, EIO, "%s", got.error().message.c_str());
            return ARCHIVE_FATAL;
        }
        *out = self->buffer.data();
        return static_cast<la_ssize_t>(*got);
    }
};

std::int64_t toNs(fs::file_time_type time)
{
    const auto system = std::chrono::file_clock::to_sys(time);
    return std::chrono::duration_cast<std::chrono::nanoseconds>(system.time_since_epoch()).count();
}

// What a path given by the caller is called: its last component, however the path was spelt.
std::string rootName(const std::string &path)
{
    fs::path p(path);
    if (!p.has_filename())
        p = p.parent_path();
    std::string name = p.filename().string();
    if (name.empty() || name == "." || name == "..") {
        std::error_code ec;
        const fs::path absolute = fs::weakly_canonical(fs::absolute(path, ec), ec);
        if (!ec)
            name = absolute.filename().string();
    }
    return name.empty() ? path : name;
}

std::string memberPath(archive_entry *entry)
{
    const char *raw = archive_entry_pathname_utf8(entry);
    if (!raw)
        raw = archive_entry_pathname(entry);
    std::string_view path = raw ? raw : "";
    // Tar made with `tar -C dir .` names everything `./x`; the dot says nothing to the user.
    while (!path.empty()) {
        if (path.front() == '/')
            path.remove_prefix(1);
        else if (startsWith(path, "./"))
            path.remove_prefix(2);
        else
            break;
    }
    return path.empty() ? std::string("?") : std::string(path);
}

// Files and folders below the given paths, in visiting order. Shared by totalDiskBytes() and
// visitSources() so that the progress total counts exactly the files visited.
class TreeWalker
{
public:
    using FileFn = std::function<bool(const fs::path &, const std::string &name, std::int64_t size, std::int64_t mtimeNs)>;
    using ProblemFn = std::function<void(const SourceProblem &)>;

    TreeWalker(FileFn onFile, ProblemFn onProblem)
        : m_onFile(std::move(onFile))
        , m_onProblem(std::move(onProblem))
    {
    }

    // False when onFile asked to stop.
    bool walkRoot(const std::string &path) { return walk(fs::path(path), rootName(path), true); }

private:
    bool walk(const fs::path &path, const std::string &name, bool givenByCaller)
    {
        std::error_code ec;
        const fs::file_status status = fs::status(path, ec); // follows symlinks
        if (status.type() == fs::file_type::not_found) {
            problem(name, "no such file or directory", path);
            return true;
        }
        if (ec || status.type() == fs::file_type::none) {
            problem(name, ec ? errnoReason(ec.value()) : std::string("cannot be examined"), path);
            return true;
        }
        if (fs::is_directory(status))
            return walkFolder(path, name);
        if (!fs::is_regular_file(status)) {
            // Reading a FIFO would block forever; devices and sockets hold no logs.
            if (givenByCaller)
                problem(name, "not a regular file", path);
            return true;
        }
        const auto size = fs::file_size(path, ec);
        const std::int64_t diskSize = ec ? 0 : static_cast<std::int64_t>(size);
        const auto mtime = fs::last_write_time(path, ec);
        return m_onFile(path, name, diskSize, ec ? 0 : toNs(mtime));
    }

    bool walkFolder(const fs::path &path, const std::string &name)
    {
        std::error_code ec;
        const fs::path canonical = fs::canonical(path, ec);
        if (!ec && !m_visitedFolders.insert(canonical).second)
            return true; // a symlink loop, or a folder reached twice: once is enough

        std::vector<std::string> entries;
        fs::directory_iterator it(path, ec);
        if (ec) {
            problem(name, errnoReason(ec.value()), path);
            return true;
        }
        for (; it != fs::directory_iterator(); it.increment(ec)) {
            if (ec)
                break;
            entries.push_back(it->path().filename().string());
        }
        if (ec)
            problem(name, errnoReason(ec.value()), path);
        std::sort(entries.begin(), entries.end());
        for (const std::string &entry : entries) {
            if (!walk(path / entry, name + '/' + entry, false))
                return false;
        }
        return true;
    }

    void problem(const std::string &name, const std::string &reason, const fs::path &path)
    {
        if (m_onProblem)
            m_onProblem(SourceProblem{name, reason, path.string(), 0});
    }

    FileFn m_onFile;
    ProblemFn m_onProblem;
    std::set<fs::path> m_visitedFolders;
};

// A private temporary file with no name: opened with O_TMPFILE where the file system has it, else
// created and unlinked at once, so that a kill -9 leaves nothing in $TMPDIR (a named spool did).
class SpoolFile
{
public:
    SpoolFile()
    {
        const char *tmp = std::getenv("TMPDIR");
        const std::string folder = tmp && *tmp ? tmp : "/tmp";
#ifdef O_TMPFILE
        m_fd = ::open(folder.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
#endif
        if (m_fd < 0) {
            std::string name = folder + "/timberline.XXXXXX";
            m_fd = ::mkstemp(name.data());
            if (m_fd >= 0)
                ::unlink(name.c_str());
        }
        if (m_fd < 0)
            m_error = errnoReason(errno != 0 ? errno : EIO);
    }
    ~SpoolFile()
    {
        if (m_fd >= 0)
            ::close(m_fd);
    }
    SpoolFile(const SpoolFile &) = delete;
    SpoolFile &operator=(const SpoolFile &) = delete;

    int fd() const { return m_fd; }
    const std::string &error() const { return m_error; }

    bool write(const char *data, std::size_t size)
    {
        while (size > 0) {
            const ssize_t written = ::write(m_fd, data, size);
            if (written < 0 && errno == EINTR)
                continue;
            if (written <= 0) {
                m_error = errnoReason(written < 0 ? errno : ENOSPC);
                return false;
            }
            data += written;
            size -= static_cast<std::size_t>(written);
        }
        return true;
    }

private:
    int m_fd = -1;
    std::string m_error;
};

// An archive libarchive may seek in: a file on disk by its path, or a spooled copy by its descriptor.
struct SeekableArchive {
    std::string path;
    int fd = -1;
};

// An archive opened for reading, or why it could not be.
struct OpenedArchive {
    ArchivePtr archive;
    std::string error;
};

OpenedArchive openSeekable(const SeekableArchive &file, ZipReading zip)
{
    ArchivePtr a = newArchiveReader(zip);
    if (!a)
        return {nullptr, "out of memory"};
    int status = ARCHIVE_FATAL;
    if (file.fd >= 0) {
        if (::lseek(file.fd, 0, SEEK_SET) != 0)
            return {nullptr, errnoReason(errno)};
        status = archive_read_open_fd(a.get(), file.fd, kChunkBytes);
    } else {
        status = archive_read_open_filename(a.get(), file.path.c_str(), kChunkBytes);
    }
    if (status != ARCHIVE_OK)
        return {nullptr, archiveMessage(a.get())};
    return {std::move(a), {}};
}

// Turns files into sources: sniffs each, opens containers (nested ones too) and hands the rest
// to the visitor.
class SourceWalker
{
public:
    explicit SourceWalker(const SourceVisitor &visitor)
        : m_visitor(visitor)
    {
    }

    bool cancelled() const { return m_cancelled; }

    bool visitFile(const fs::path &path, const std::string &name, std::int64_t diskSize, std::int64_t mtimeNs)
    {
        SourceInfo info{name, path.string(), diskSize, diskSize, mtimeNs};
        m_budget.start(m_visitor.limits, name, diskSize);
        errno = 0;
        FilePtr file(std::fopen(path.c_str(), "rb"));
        if (!file) {
            problem(info, errnoReason(errno != 0 ? errno : EIO));
            return true;
        }
        // Unbuffered: every read() of the caller lands in its own buffer without a stdio copy.
        std::setvbuf(file.get(), nullptr, _IONBF, 0);
        FileInput input(std::move(file));
        visitContent(input, info, 0, &path);
        return !m_cancelled;
    }

private:
    void problem(const SourceInfo &info, const std::string &reason)
    {
        if (m_visitor.onProblem)
            m_visitor.onProblem(SourceProblem{info.name, reason, info.diskPath, info.diskSize});
    }

    // Every source's lines are cut at MaxLineBytes; one that came out of a compressed or archived file
    // (depth > 0) counts against its file's decompression budget too.
    void deliver(const SourceInfo &info, ByteStream &stream, int depth)
    {
        if (!m_visitor.onSource)
            return;
        BudgetStream budgeted(stream, m_budget, info.name);
        LineCapStream lines(depth > 0 ? static_cast<ByteStream &>(budgeted) : stream);
        if (!m_visitor.onSource(info, lines))
            m_cancelled = true;
    }

    // `diskFile` is set for a file on disk, which libarchive may open by name (and seek in).
    // `decoded`: the input is what a compressed stream decoded to.
    void visitContent(Input &input, SourceInfo info, int depth, const fs::path *diskFile, bool decoded = false)
    {
        std::string head(kSniffBytes, '\0');
        std::size_t got = 0;
        std::optional<Error> headError;
        while (got < head.size()) {
            auto n = input.read(head.data() + got, head.size() - got);
            if (!n) {
                headError = n.error();
                break;
            }
            if (*n == 0)
                break;
            got += *n;
        }
        head.resize(got);
        if (headError && got == 0) {
            problem(info, headError->message);
            return;
        }
        // A gzip header's mtime, when it has one, is the log's own (a rotated log is compressed later).
        if (input.mtimeNs() > 0)
            info.mtimeNs = input.mtimeNs();

        ContentKind kind = classify(head);
        // An empty tar is two blocks of zeros and has no "ustar" to say so; inside a .tar.gz that is
        // what it is, where a plain file of zeros is binary.
        if (decoded && kind == ContentKind::Binary && head.size() >= 1024 && head.size() % 512 == 0
            && head.find_first_not_of('\0') == std::string::npos)
            kind = ContentKind::Tar;
        switch (kind) {
        case ContentKind::Stream: {
            if (depth >= kMaxNesting) {
                problem(info, "archive nested too deeply");
                return;
            }
            const CompressedFormat format = *recogniseCompressed(head);
            ReplayInput raw(input, std::move(head));
            DecodedInput decodedInput(raw, format);
            // The decoded bytes are sniffed again: `api.log.gz` is a log, `logs.tar.gz` a tarball. The
            // decoded size is not known in advance.
            info.size = -1;
            visitContent(decodedInput, info, depth + 1, nullptr, true);
            return;
        }
        case ContentKind::Compressed:
        case ContentKind::Tar:
        case ContentKind::Zip: {
            if (depth >= kMaxNesting) {
                problem(info, "archive nested too deeply");
                return;
            }
            SniffedStream stream(input, std::move(head), 0, info.name);
            visitContainer(stream, info, depth, kind, diskFile);
            return;
        }
        case ContentKind::Utf16Le:
        case ContentKind::Utf16Be: {
            info.size = -1;
            const bool bom = startsWith(head, "\xff\xfe") || startsWith(head, "\xfe\xff");
            SniffedStream raw(input, std::move(head), bom ? 2 : 0, info.name);
            Utf16Stream utf8(raw, kind == ContentKind::Utf16Be);
            deliver(info, utf8, depth);
            return;
        }
        case ContentKind::Binary:
            problem(info, "binary");
            return;
        case ContentKind::Text: {
            SniffedStream stream(input, std::move(head), 0, info.name);
            deliver(info, stream, depth);
            return;
        }
        }
    }

    void visitContainer(ByteStream &stream, const SourceInfo &info, int depth, ContentKind kind, const fs::path *diskFile)
    {
        // Until libarchive has read a header, a compressed file may be a tarball or a single file.
        const std::string corrupt = kind == ContentKind::Compressed ? "corrupt compressed data: " : "corrupt archive: ";
        if (diskFile) {
            visitArchiveFile(SeekableArchive{diskFile->string(), -1}, info, depth, corrupt, kind == ContentKind::Zip);
            return;
        }
        if (kind == ContentKind::Zip) {
            // A zip is only read reliably from its central directory at the end, which takes
            // seeking: spool the member to a private temporary file without a name.
            SpoolFile spool;
            if (spool.fd() < 0) {
                problem(info, "cannot spool nested zip: " + spool.error());
                return;
            }
            std::string buffer(kChunkBytes, '\0');
            for (;;) {
                auto got = stream.read(buffer.data(), buffer.size());
                if (!got) {
                    // The message already names the member.
                    const std::string &message = got.error().message;
                    const std::string prefix = info.name + ": ";
                    problem(info, startsWith(message, prefix) ? message.substr(prefix.size()) : message);
                    return;
                }
                if (*got == 0)
                    break;
                if (!spool.write(buffer.data(), *got)) {
                    problem(info, "cannot spool nested zip: " + spool.error());
                    return;
                }
            }
            visitArchiveFile(SeekableArchive{{}, spool.fd()}, info, depth, corrupt, true);
            return;
        }
        ArchivePtr a = newArchiveReader(ZipReading::CentralDirectory);
        NestedFeed feed{stream};
        if (!a || archive_read_open(a.get(), &feed, nullptr, &NestedFeed::read, nullptr) != ARCHIVE_OK) {
            problem(info, corrupt + (a ? archiveMessage(a.get()) : std::string("out of memory")));
            return;
        }
        if (auto failure = visitArchive(std::move(a), info, depth, corrupt, nullptr))
            problem(info, *failure);
    }

    // An archive that is a whole file, so libarchive may seek in it. A zip whose central directory
    // is damaged ("empty archive", "Damaged Zip archive") is read again by its local headers, which
    // are intact more often than not: the entries are not lost.
    void visitArchiveFile(const SeekableArchive &file, const SourceInfo &info, int depth, const std::string &corrupt, bool zip)
    {
        OpenedArchive opened = openSeekable(file, ZipReading::CentralDirectory);
        std::optional<std::string> failure = opened.archive
            ? visitArchive(std::move(opened.archive), info, depth, corrupt, zip ? &file : nullptr)
            : corrupt + opened.error;
        if (failure && zip && !m_cancelled) {
            if (OpenedArchive local = openSeekable(file, ZipReading::LocalHeaders); local.archive)
                if (!visitArchive(std::move(local.archive), info, depth, corrupt, nullptr))
                    return;
        }
        if (failure)
            problem(info, *failure);
    }

    // libarchive gives up on an archive after a fatal error in one member (a zip member whose
    // deflate data is damaged). A zip on disk lists its members in the central directory, so the
    // others are still reachable: open it again and skip the first `count` headers, which seeks
    // past their data instead of decompressing it.
    ArchivePtr reopenAfter(const SeekableArchive &file, int count)
    {
        ArchivePtr a = std::move(openSeekable(file, ZipReading::CentralDirectory).archive);
        if (!a)
            return nullptr;
        for (int i = 0; i < count; ++i) {
            archive_entry *entry = nullptr;
            const int status = archive_read_next_header(a.get(), &entry);
            if (status != ARCHIVE_OK && status != ARCHIVE_WARN)
                return nullptr;
        }
        return a;
    }

    // `reopen`: the zip file to reopen after a fatal member error, if any. Returns the problem of
    // an archive that yielded no member at all (the caller reports it, or reads the zip another
    // way); problems after a member was delivered are reported here.
    std::optional<std::string> visitArchive(ArchivePtr a, const SourceInfo &container, int depth, const std::string &corruptPrefix,
        const SeekableArchive *reopen)
    {
        int members = 0;
        int headers = 0;
        const auto fail = [&](std::string reason) -> std::optional<std::string> {
            if (members == 0)
                return reason;
            problem(container, reason);
            return std::nullopt;
        };
        for (;;) {
            archive_entry *entry = nullptr;
            const int status = archive_read_next_header(a.get(), &entry);
            if (status == ARCHIVE_EOF)
                break;
            if (status == ARCHIVE_FATAL || status == ARCHIVE_RETRY) {
                const int format = archive_format(a.get());
                const bool archiveKnown = format != 0 && format != ARCHIVE_FORMAT_RAW;
                return fail((archiveKnown ? std::string("corrupt archive: ") : corruptPrefix) + archiveMessage(a.get()));
            }
            ++headers;
            const bool raw = archive_format(a.get()) == ARCHIVE_FORMAT_RAW;
            if (raw && archive_filter_count(a.get()) <= 1) {
                // The magic promised an archive, yet libarchive saw neither format nor compression.
                return fail("corrupt archive: unrecognized archive format");
            }
            if (status == ARCHIVE_FAILED) {
                // This header is unusable but the archive may go on.
                problem(container, "corrupt archive member: " + archiveMessage(a.get()));
                continue;
            }
            if (!raw && (archive_entry_filetype(entry) != AE_IFREG || archive_entry_hardlink(entry) != nullptr))
                continue; // folders, links, devices; a tar hard link repeats data already visited
            ++members;

            SourceInfo info = container;
            info.name = raw ? container.name : container.name + "!/" + memberPath(entry);
            info.size = !raw && archive_entry_size_is_set(entry) ? archive_entry_size(entry) : -1;
            // A gzip header written with `gzip -n` holds mtime 0: the file's time says more.
            if (archive_entry_mtime_is_set(entry) && archive_entry_mtime(entry) > 0)
                info.mtimeNs = static_cast<std::int64_t>(archive_entry_mtime(entry)) * 1'000'000'000
                    + archive_entry_mtime_nsec(entry);

            if (!raw && archive_entry_is_data_encrypted(entry) == 1) {
                problem(info, "encrypted archive member");
                continue;
            }
            EntryInput input(a.get(), raw ? "corrupt compressed data: " : "corrupt archive member: ");
            visitContent(input, info, depth + 1, nullptr);
            if (m_cancelled)
                return std::nullopt;
            if (const auto &limit = m_budget.exhausted()) {
                // The source that passed the limit ended with it; what follows is not read at all.
                problem(container, "members after " + info.name + " not read: " + *limit);
                return std::nullopt;
            }
            if (input.fatal()) {
                // The member said why (a problem, or an error from its stream).
                a = reopen ? reopenAfter(*reopen, headers) : nullptr;
                if (!a)
                    return std::nullopt;
            }
        }
        if (members > 0)
            return std::nullopt;
        if (archive_format(a.get()) == ARCHIVE_FORMAT_EMPTY && archive_filter_count(a.get()) > 1) {
            SourceInfo info = container;
            info.size = 0;
            NoBytes nothing;
            deliver(info, nothing, depth + 1);
            return std::nullopt;
        }
        return std::string("empty archive");
    }

    class NoBytes final : public ByteStream
    {
    public:
        Result<std::size_t> read(char *, std::size_t) override { return std::size_t{0}; }
    };

    const SourceVisitor &m_visitor;
    DecompressionBudget m_budget; ///< of the file on disk being visited
    bool m_cancelled = false;
};

} // namespace

std::uint64_t totalDiskBytes(const std::vector<std::string> &paths)
{
    std::uint64_t total = 0;
    TreeWalker walker(
        [&total](const fs::path &, const std::string &, std::int64_t size, std::int64_t) {
            total += static_cast<std::uint64_t>(size);
            return true;
        },
        nullptr);
    for (const std::string &path : paths)
        (void)walker.walkRoot(path);
    return total;
}

Result<void> visitSources(const std::vector<std::string> &paths, const SourceVisitor &visitor)
{
    SourceWalker sources(visitor);
    TreeWalker walker(
        [&sources](const fs::path &path, const std::string &name, std::int64_t size, std::int64_t mtimeNs) {
            return sources.visitFile(path, name, size, mtimeNs);
        },
        visitor.onProblem);
    for (const std::string &path : paths) {
        if (!walker.walkRoot(path) || sources.cancelled())
            return makeError(ErrorCode::Cancelled, "visiting sources was cancelled");
    }
    return {};
}

} // namespace core
